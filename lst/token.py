"""The issuer's token: shares are the truth, balances are derived (Lido ``StETH.sol``).

The ledger token ``token`` holds SHARES: ``state.balance_of(token, x)`` is Lido's ``shares``
mapping. The rebasing view (``rebasing=True``, stETH) shows ``shares * total_pooled //
total_shares`` (floor) and moves ``amount * total_shares // total_pooled`` shares on
``transfer`` (floor: the recipient may see 1-2 wei less); the value-accruing style
(``rebasing=False``: rETH, mSOL) counts in shares. This class is token mechanics only; the
staking business (what ``total_pooled`` is, the pause) belongs to the subclass, the issuer.

Who may move tokens (:mod:`chain.calls`): ``transfer`` and ``transfer_shares`` move the
caller's own; a contract's code pulls a user's with ``transfer_from`` and
``transfer_shares_from`` (the approval is implicit, as the chain's ledger lets a contract's
code move what its logic decides).
"""

from __future__ import annotations

from chain import Contract, Token, check_amount, external
from lst import sharemath
from lst.events import TransferShares
from lst.records import IssuerParams
from lst.validation import validate_party, validate_transfer


class ShareToken(Contract):
    """Share accounting and transfers of a liquid staking token (see the module docstring).

    A subclass sets ``token`` (the ledger token of shares), ``rebasing`` and ``unit`` (one
    whole token in base units) and provides ``total_pooled()`` and ``params()``.
    """

    token: Token
    rebasing: bool
    unit: int

    def total_pooled(self) -> int:
        """Native wei backing all shares."""
        raise NotImplementedError

    def params(self) -> IssuerParams:
        """The governable parameters (the pause applies to transfers)."""
        raise NotImplementedError

    # --- share views -------------------------------------------------------------------

    def total_shares(self) -> int:
        """Every share in existence, including the bootstrap shares at DEAD_ADDRESS."""
        return self.state.total_supply(self.token)

    def shares_of(self, address: str) -> int:
        """Shares of ``address`` (the ledger balance of ``self.token``)."""
        return self.state.balance_of(self.token, address)

    def get_shares_by_pooled(self, amount: int) -> int:
        """Shares worth ``amount`` native wei, floored (Lido ``getSharesByPooledEth``)."""
        return sharemath.shares_by_pooled(check_amount(amount), self.total_shares(), self.total_pooled())

    def get_pooled_by_shares(self, shares: int) -> int:
        """Native wei ``shares`` are worth, floored (Lido ``getPooledEthByShares``)."""
        return sharemath.pooled_by_shares(check_amount(shares), self.total_shares(), self.total_pooled())

    def get_pooled_by_shares_up(self, shares: int) -> int:
        """As :meth:`get_pooled_by_shares`, rounded up (Lido V3 round-up twin)."""
        return sharemath.pooled_by_shares_up(check_amount(shares), self.total_shares(), self.total_pooled())

    def balance_of(self, address: str) -> int:
        """What ``address`` holds in token units: native wei (rebasing, floored) or shares."""
        shares = self.state.balance_of(self.token, address)
        if not self.rebasing:
            return shares
        return sharemath.pooled_by_shares(shares, self.total_shares(), self.total_pooled())

    def total_supply(self) -> int:
        """Token units in existence: total pooled (rebasing) or total shares."""
        return self.total_pooled() if self.rebasing else self.total_shares()

    def to_shares(self, amount: int) -> int:
        """Shares that ``amount`` token units move (floored conversion when rebasing)."""
        return self.get_shares_by_pooled(amount) if self.rebasing else check_amount(amount)

    def to_native(self, amount: int) -> int:
        """Native wei ``amount`` token units are worth at the protocol rate, floored."""
        return check_amount(amount) if self.rebasing else self.get_pooled_by_shares(amount)

    def st_per_token(self) -> int:
        """Native wei per whole share (Lido ``stEthPerToken``: ``getPooledEthByShares(1e18)``)."""
        return self.get_pooled_by_shares(self.unit)

    def tokens_per_st(self) -> int:
        """Shares per whole native unit (Lido ``tokensPerStEth``)."""
        return self.get_shares_by_pooled(self.unit)

    def share_rate(self) -> int:
        """Native wei per share in ray, floored (the withdrawal queue's rate unit)."""
        return sharemath.share_rate(self.total_shares(), self.total_pooled())

    # --- transfers ---------------------------------------------------------------------

    @external
    def transfer(self, src: str, dst: str, amount: int) -> int:
        """Move ``amount`` token units of ``src`` (the caller) to ``dst``; returns the shares moved.

        Rebasing: ``amount*S//T`` shares (floor), so ``dst`` may see 1-2 wei less than
        ``amount`` (Lido ``StETH.transfer``). Emits TransferShares and a ledger Transfer (shares).
        Raises NotTheCaller, InvalidAmount, UnknownAccount, InvalidArgument (to the issuer),
        WrongNetwork, StakingPaused, InsufficientBalance.
        """
        validate_party(self, src, "sender")
        return self._transfer(src, dst, amount)

    @external
    def transfer_shares(self, src: str, dst: str, shares: int) -> int:
        """Move exactly ``shares`` of ``src`` (the caller); returns their value in token units
        (Lido ``transferShares``). Raises as :meth:`transfer`."""
        validate_party(self, src, "sender")
        return self._transfer_shares(src, dst, shares)

    @external
    def transfer_from(self, src: str, dst: str, amount: int) -> int:
        """As :meth:`transfer`, called by a contract's code to pull ``src``'s tokens (Lido
        ``transferFrom``; the approval is implicit, as the chain's ledger lets a contract's code
        move what its logic decides). Called by an account, ``src`` must be that account."""
        self._check_spender(src)
        return self._transfer(src, dst, amount)

    @external
    def transfer_shares_from(self, src: str, dst: str, shares: int) -> int:
        """As :meth:`transfer_shares`, pulled by a contract's code (Lido ``transferSharesFrom``)."""
        self._check_spender(src)
        return self._transfer_shares(src, dst, shares)

    def _check_spender(self, src: str) -> None:
        spender = self.msg_sender
        if spender is None or not self.state.is_contract(spender):
            validate_party(self, src, "sender")
        else:
            self.state.require_address(src)

    def _transfer(self, src: str, dst: str, amount: int) -> int:
        shares = self.to_shares(amount)
        self._move_shares(src, dst, shares, amount)
        return shares

    def _transfer_shares(self, src: str, dst: str, shares: int) -> int:
        amount = self.get_pooled_by_shares(shares) if self.rebasing else check_amount(shares)
        self._move_shares(src, dst, shares, amount)
        return amount

    def _move_shares(self, src: str, dst: str, shares: int, amount: int) -> None:
        validate_transfer(self.state, self.address, src, dst, shares, self.shares_of(src), self.params())
        self.state.transfer(self.token, src, dst, shares)
        self.state.emit(TransferShares(self.address, src, dst, amount, shares))
