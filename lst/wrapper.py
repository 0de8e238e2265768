"""The non-rebasing wrapper (wstETH): one wrapped token IS one share of the issuer.

``wrap`` moves ``getSharesByPooledEth(amount)`` shares into the wrapper and mints as many
wrapped tokens; ``unwrap`` burns wrapped tokens and sends ``getPooledEthByShares(w)`` of the
rebasing token back, which moves ``floor(floor(w*T/S)*S/T) <= w`` shares: the wrapper keeps the
rounding dust, so its shares are never fewer than the wrapped supply (lidofinance/lido-dao
``contracts/0.6.12/WstETH.sol``).

``wrap`` and ``unwrap`` act for their caller (:mod:`chain.calls`): the wrapper pulls the
caller's rebasing tokens from its own code (``Issuer.transfer_from``), so a contract's address,
the wrapper's included, cannot wrap what it does not send.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from chain import InvalidArgument, State, Token, atomic, check_amount, external, token_node
from lst.client import IssuerClient, require_issuer
from lst.errors import ZeroDeposit
from lst.validation import validate_new_token, validate_party


class Wrapper(IssuerClient):
    """wstETH over a rebasing issuer. Holds no records: its state is the ledger."""

    kind = "lst.wrapper"

    def __init__(self, state: State, address: str, network: str, *, issuer: str, token: Token) -> None:
        super().__init__(state, address, network)
        self.issuer_address = issuer
        self.token = token

    @classmethod
    def deploy(
        cls, state: State, address: str, network: str, *, issuer: str, symbol: str = "wstETH"
    ) -> Wrapper:
        """Deploy the wrapper of the rebasing issuer at ``issuer`` (on ``network``) with a new
        ledger token. Raises WrongNetwork, InvalidArgument, UnknownContract, WrongToken."""
        target = require_issuer(state, issuer, network)
        if not target.rebasing:
            raise InvalidArgument(f"{issuer!r} is not a rebasing issuer: wrap only a rebasing token")
        validate_new_token(state, network, symbol)
        with state.atomic():
            token = state.add_token(network, symbol, target.token.decimals)
            wrapper = cls(state, address, network, issuer=issuer, token=token)
            state.register_contract(wrapper)
            state.depend(address, token_node(target.token), "wraps")
            state.depend(address, issuer, "redeems-at")
        return wrapper

    @external
    @atomic
    def wrap(self, user: str, amount: int) -> int:
        """Lock ``amount`` rebasing units of ``user`` (the caller); mint and return
        ``amount*S//T`` wrapped.

        Raises NotTheCaller, ZeroDeposit (0), InvalidAmount, UnknownAccount, StakingPaused,
        InsufficientBalance.
        """
        validate_party(self, user, "user")
        if check_amount(amount, "wrap amount") == 0:
            raise ZeroDeposit("cannot wrap 0 (wstETH: can't wrap zero stETH)")
        issuer = self.issuer
        wrapped = issuer.get_shares_by_pooled(amount)
        issuer.transfer_from(user, self.address, amount)
        self.state.mint(self.token, user, wrapped)
        return wrapped

    @external
    @atomic
    def unwrap(self, user: str, wrapped: int) -> int:
        """Burn ``wrapped`` of ``user`` (the caller); send back and return ``wrapped*T//S``
        rebasing units.

        Raises NotTheCaller, ZeroDeposit (0), InvalidAmount, UnknownAccount, StakingPaused,
        InsufficientBalance.
        """
        validate_party(self, user, "user")
        if check_amount(wrapped, "unwrap amount") == 0:
            raise ZeroDeposit("cannot unwrap 0 (wstETH: zero amount unwrap not allowed)")
        issuer = self.issuer
        amount = issuer.get_pooled_by_shares(wrapped)
        self.state.burn(self.token, user, wrapped)
        issuer.transfer(self.address, user, amount)
        return amount

    def st_per_token(self) -> int:
        """Rebasing units per whole wrapped token (``stEthPerToken``), floored."""
        return self.issuer.st_per_token()

    def tokens_per_st(self) -> int:
        """Wrapped units per whole rebasing token (``tokensPerStEth``), floored."""
        return self.issuer.tokens_per_st()

    def graph_edges(self) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """``wrapper -> issuer`` with the shares it holds and the wrapped supply."""
        yield (
            self.address,
            self.issuer_address,
            "wraps-shares",
            {"shares": self.issuer.shares_of(self.address), "supply": self.state.total_supply(self.token)},
        )
