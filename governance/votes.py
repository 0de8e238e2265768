"""A checkpointed voting token that wraps any ledger token (OpenZeppelin ``ERC20Wrapper`` +
``ERC20Votes``).

The chain ledger has no transfer hooks, so voting power cannot be tracked on an arbitrary
token. :class:`VotesToken` escrows an underlying token (an LST, a wrapped LST, anything) and
mints a votes token of its own, one for one; moving that token through this contract
(``transfer``, ``transfer_from``, ``approve``, ``deposit_for``, ``withdraw_to``) updates the
checkpoints. The wrapper is the votes token's controller (:meth:`chain.State.set_token_controller`):
a bare ``state.transfer``, ``approve``, ``mint`` or ``burn`` of it reverts with NotTheCaller,
so delegated power never leaves the balances it counts. Every action's acting party (the
sender, the owner, the spender, the delegator) must be the caller (:mod:`chain.calls`).

Power follows OpenZeppelin ``Votes``: an account's balance counts for its delegatee, and for
nobody until the account delegates (to itself to vote itself). Each delegate's power and the
total supply are checkpointed per block of the wrapper's network, so power at a past block
is exact. Amounts are base units (wei) of the underlying, which the votes token shares
decimals with.
"""

from __future__ import annotations

from chain import Contract, State, Token, check_name, external, token_node
from governance import checkpoints, validation
from governance.errors import FutureLookup
from governance.events import DelegateChanged, DelegateVotesChanged
from governance.records import Checkpoint, Delegation

MAX_SAFE_SUPPLY = 2**208 - 1
"""The most votes the checkpoints hold (OpenZeppelin ``ERC20Votes._maxSupply``, uint208)."""

_NOBODY = Delegation(None)
_SUPPLY = ("supply",)


class VotesToken(Contract):
    """Wraps ``underlying`` one for one into ``token`` and checkpoints delegated power."""

    kind = "votes-token"

    def __init__(self, state: State, address: str, network: str, underlying: Token, token: Token) -> None:
        super().__init__(state, address, network)
        self.underlying = underlying
        self.token = token

    @classmethod
    def deploy(cls, state: State, address: str, network: str, *, underlying: Token,
               symbol: str | None = None) -> VotesToken:
        """Register the wrapper and create its votes token ``symbol`` (default ``"v" + underlying``).

        Raises UnknownNetwork, UnknownToken, WrongNetwork (underlying of another network),
        DuplicateName (address or symbol taken); writes nothing on error.
        """
        state.network(network)
        state.require_token(underlying, network)
        symbol = check_name(symbol if symbol is not None else f"v{underlying.symbol}", "symbol")
        with state.atomic():
            token = state.add_token(network, symbol, underlying.decimals)
            facade = cls(state, address, network, underlying, token)
            state.register_contract(facade)
            state.set_token_controller(token, address)
            state.depend(address, token_node(underlying), "wraps")
        return facade

    # --- reads -------------------------------------------------------------------------

    def clock(self) -> int:
        """The current block of the wrapper's network (OpenZeppelin ``clock()``)."""
        return self.state.block_number(self.network)

    def balance_of(self, account: str) -> int:
        """Votes tokens held by ``account`` (wei)."""
        return self.state.balance_of(self.token, account)

    def total_supply(self) -> int:
        """Votes tokens in existence (wei), equal to the underlying held in escrow."""
        return self.state.total_supply(self.token)

    def delegates(self, account: str) -> str | None:
        """Whom ``account`` delegates to (None: nobody)."""
        delegation: Delegation = self._load(("delegate", account), _NOBODY)
        return delegation.delegatee

    def get_votes(self, account: str) -> int:
        """``account``'s current power (wei): the balances delegated to it."""
        return checkpoints.latest(self, ("votes", account))

    def get_past_votes(self, account: str, block: int) -> int:
        """``account``'s power at the end of ``block``; raises FutureLookup unless ``block`` is past."""
        self._require_past(block)
        return checkpoints.upper_lookup_recent(self, ("votes", account), block)

    def get_past_total_supply(self, block: int) -> int:
        """The votes supply at the end of ``block`` (wei); raises FutureLookup unless past."""
        self._require_past(block)
        return checkpoints.upper_lookup_recent(self, _SUPPLY, block)

    def num_checkpoints(self, account: str) -> int:
        """How many power checkpoints ``account`` has."""
        return checkpoints.length(self, ("votes", account))

    def checkpoint(self, account: str, index: int) -> Checkpoint:
        """``account``'s power checkpoint number ``index`` (0 is the oldest)."""
        return checkpoints.at(self, ("votes", account), index)

    def delegate_powers(self) -> dict[str, int]:
        """Every account that ever held power, with its current power (wei)."""
        return {key[2]: self.get_votes(key[2]) for key in self._records()
                if key[0] == "count" and key[1] == "votes"}

    def _require_past(self, block: int) -> None:
        current = self.clock()
        if type(block) is not int or not 0 <= block < current:
            raise FutureLookup(
                f"power is known only for past blocks: block {block!r} is not in [0, {current}) "
                f"on {self.network!r}; query an earlier block or advance time"
            )

    # --- writes ------------------------------------------------------------------------

    @external
    def deposit_for(self, sender: str, account: str, amount: int) -> None:
        """Escrow ``amount`` underlying from ``sender`` (the caller, who pays) and mint as much
        votes token to ``account``.

        Power moves to ``account``'s delegate. Raises NotTheCaller, InvalidAmount,
        UnknownAccount, InvalidReceiver, InsufficientBalance, SafeSupplyExceeded; emits
        Transfer twice and DelegateVotesChanged; writes nothing on error.
        """
        self.authorize(sender, "sender")
        validation.validate_deposit(self, sender, account, amount, MAX_SAFE_SUPPLY)
        with self.state.atomic():
            self.state.transfer(self.underlying, sender, self.address, amount)
            self.state.mint(self.token, account, amount)
            self._move_units(None, account, amount)

    @external
    def withdraw_to(self, sender: str, account: str, amount: int) -> None:
        """Burn ``amount`` of ``sender``'s votes token (``sender`` is the caller) and release as
        much underlying to ``account``.

        Raises NotTheCaller, InvalidAmount, UnknownAccount, InvalidReceiver,
        InsufficientBalance; emits Transfer twice and DelegateVotesChanged; writes nothing on
        error.
        """
        self.authorize(sender, "sender")
        validation.validate_withdraw(self, sender, account, amount)
        with self.state.atomic():
            self.state.burn(self.token, sender, amount)
            self.state.transfer(self.underlying, self.address, account, amount)
            self._move_units(sender, None, amount)

    @external
    def transfer(self, src: str, dst: str, amount: int) -> None:
        """Move ``amount`` votes token from ``src`` (the caller) to ``dst``; power follows their
        delegates.

        Raises NotTheCaller, and as ``state.transfer`` (checked before any write); emits
        Transfer and DelegateVotesChanged.
        """
        self.authorize(src, "sender")
        with self.state.atomic():
            self.state.transfer(self.token, src, dst, amount)
            self._move_units(src, dst, amount)

    @external
    def transfer_from(self, spender: str, src: str, dst: str, amount: int) -> None:
        """``spender`` (the caller) moves ``amount`` of ``src``'s votes token within its allowance.

        Raises NotTheCaller, and as ``state.transfer_from``; writes nothing on error."""
        self.authorize(spender, "spender")
        with self.state.atomic():
            self.state.transfer_from(self.token, spender, src, dst, amount)
            self._move_units(src, dst, amount)

    @external
    def approve(self, owner: str, spender: str, amount: int) -> None:
        """``owner`` (the caller) lets ``spender`` move ``amount`` of its votes token.

        Raises NotTheCaller, and as ``state.approve``; emits Approval."""
        self.authorize(owner, "owner")
        self.state.approve(self.token, owner, spender, amount)

    def allowance(self, owner: str, spender: str) -> int:
        """How much of ``owner``'s votes token ``spender`` may move (wei)."""
        return self.state.allowance(self.token, owner, spender)

    @external
    def delegate(self, account: str, delegatee: str | None) -> None:
        """Delegate ``account``'s whole balance (``account`` is the caller) to ``delegatee``
        (itself to vote; None: nobody).

        The power of the old delegate drops and that of the new one rises by the balance,
        exactly. Raises NotTheCaller, UnknownAccount; emits DelegateChanged and
        DelegateVotesChanged.
        """
        self.authorize(account, "delegator")
        validation.validate_delegate(self, account, delegatee)
        old = self.delegates(account)
        self._store(("delegate", account), Delegation(delegatee))
        self.state.emit(DelegateChanged(self.address, account, old, delegatee))
        self._move_votes(old, delegatee, self.balance_of(account))

    # --- power bookkeeping -------------------------------------------------------------

    def _move_units(self, src: str | None, dst: str | None, amount: int) -> None:
        """OpenZeppelin ``_transferVotingUnits``: None is the mint/burn side."""
        if src is None or dst is None:
            supply = checkpoints.latest(self, _SUPPLY)
            supply = supply + amount if src is None else supply - amount
            checkpoints.push(self, _SUPPLY, self.clock(), supply)
        self._move_votes(
            None if src is None else self.delegates(src),
            None if dst is None else self.delegates(dst),
            amount,
        )

    def _move_votes(self, src: str | None, dst: str | None, amount: int) -> None:
        if src == dst or not amount:
            return
        block = self.clock()
        for delegate, delta in ((src, -amount), (dst, amount)):
            if delegate is not None:
                history = ("votes", delegate)
                old = checkpoints.latest(self, history)
                checkpoints.push(self, history, block, old + delta)
                self.state.emit(DelegateVotesChanged(self.address, delegate, old, old + delta))
