"""The pair factory: one pool per token pair per network, and the protocol-fee switch.

Governance (``chain.Governable``) sets ``fee_on`` (0/1); the parameter admin also sets the
recipient with ``set_fee_to`` (V2's ``feeToSetter``). The fee is on when ``fee_on == 1`` and a
recipient is set: pairs then mint 1/6 of the growth of sqrt(k) to it. The admin is the caller
the chain vouches for (``chain.Governable``); the recipient holds LP tokens of the
factory's network, so it is an account or a contract of that network.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from amm.errors import PairExists
from amm.events import FeeToSet, PairCreated
from amm.library import check_fee_bps
from amm.pair import Pair
from amm.validation import validate_pair_tokens, validate_recipient
from chain import Contract, Governable, ParamSpec, State, Token, external


@attrs.frozen
class FeeConfig:
    """Protocol-fee switch (0/1) and recipient."""

    fee_on: int = 0
    recipient: str | None = None


@attrs.frozen
class PairRef:
    """Where the pool of one sorted token pair lives."""

    address: str


class Factory(Contract, Governable):
    """Creates :class:`Pair` pools of ``fee_bps`` on its network and holds ``fee_to``."""

    kind = "amm.factory"

    def __init__(self, state: State, address: str, network: str, fee_bps: int, lp_prefix: str) -> None:
        super().__init__(state, address, network)
        self.fee_bps = fee_bps
        self.lp_prefix = lp_prefix

    @classmethod
    def deploy(cls, state: State, address: str, network: str, *, fee_bps: int = 30, lp_prefix: str = "UNI-V2") -> Factory:
        """Register a factory whose pairs charge ``fee_bps`` and name LP tokens ``<lp_prefix>:<s0>/<s1>``."""
        check_fee_bps(fee_bps)
        factory = cls(state, address, network, fee_bps, lp_prefix)
        state.register_contract(factory)
        factory._store("fee", FeeConfig())
        return factory

    @external
    def create_pair(self, token_a: Token, token_b: Token, address: str | None = None) -> Pair:
        """Deploy the pool of two tokens of this network (address defaults to
        ``<factory>:<sym0>/<sym1>``). Raises IdenticalTokens, WrongNetwork, UnknownToken,
        PairExists. Emits PairCreated."""
        state = self.state
        token0, token1 = validate_pair_tokens(state, token_a, token_b, self.network)
        key = ("pair", token0.key, token1.key)
        if self._load(key, None) is not None:
            raise PairExists(f"{token0.key}/{token1.key} already has a pool at {self._load(key).address}")
        address = address or f"{self.address}:{token0.symbol}/{token1.symbol}"

        with state.atomic():
            pair = Pair.deploy(
                state, address, self.network, token0, token1, fee_bps=self.fee_bps, factory=self.address,
                lp_symbol=f"{self.lp_prefix}:{token0.symbol}/{token1.symbol}",
            )
            self._store(key, PairRef(pair.address))
            state.depend(pair.address, self.address, "created-by")
            state.emit(PairCreated(self.address, token0.key, token1.key, pair.address))
        return pair

    def get_pair(self, token_a: Token, token_b: Token) -> Pair | None:
        """The pool of two tokens (either order), or None."""
        if not isinstance(token_a, Token) or not isinstance(token_b, Token):
            return None
        ref = self._load(self.pair_key(token_a, token_b), None)
        return None if ref is None else self.state.contract(ref.address)  # type: ignore[return-value]

    @staticmethod
    def pair_key(token_a: Token, token_b: Token) -> tuple[str, str, str]:
        """The key of the record (a :class:`PairRef`) that names the pool of two tokens, either
        order, in the factory's storage."""
        key_a, key_b = token_a.key, token_b.key
        return ("pair", key_a, key_b) if key_a < key_b else ("pair", key_b, key_a)

    def all_pairs(self) -> list[str]:
        """Addresses of every pool, in creation order."""
        return [rec.address for key, rec in self._records().items() if isinstance(key, tuple) and key[0] == "pair"]

    def fee_to(self) -> str | None:
        """The protocol-fee recipient while the fee is on, else None."""
        config = self._load("fee")
        return config.recipient if config.fee_on else None

    @external
    def set_fee_to(self, recipient: str | None, caller: str | None = None) -> None:
        """Set the fee recipient (only the parameter admin, when one is set; ``caller`` defaults
        to the chain's caller). Emits FeeToSet.

        ``recipient`` (None: no recipient) must be an account or a contract of the factory's
        network, which can hold its LP tokens. Raises UnknownAccount, WrongNetwork,
        Unauthorized, NotTheCaller; writes nothing then.
        """
        self._require_admin(caller)
        if recipient is not None:
            validate_recipient(self.state, recipient, self.network)
        self._store("fee", attrs.evolve(self._load("fee"), recipient=recipient))
        self.state.emit(FeeToSet(self.address, recipient))

    def param_specs(self) -> Mapping[str, ParamSpec]:
        return {"fee_on": ParamSpec("fee_on", 0, 1, "bool", "1: pairs mint 1/6 of sqrt(k) growth to fee_to")}

    def get_param(self, name: str) -> int:
        fee: FeeConfig = self._load("fee")
        return fee.fee_on

    def _apply_param(self, name: str, value: int) -> None:
        self._store("fee", attrs.evolve(self._load("fee"), fee_on=value))
