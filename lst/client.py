"""Contracts built on an issuer (wrapper, queue, unstake pool, feed) resolve it by address."""

from __future__ import annotations

from chain import Contract, InvalidArgument, State
from lst.issuer import Issuer


def require_issuer(state: State, address: str) -> Issuer:
    """The issuer at ``address`` (UnknownContract, or InvalidArgument if it is another kind)."""
    target = state.contract(address)
    if not isinstance(target, Issuer):
        raise InvalidArgument(f"{address!r} is not an issuer")
    return target


class IssuerClient(Contract):
    """A contract built on one issuer, which it resolves by address at each use (forks)."""

    issuer_address: str

    @property
    def issuer(self) -> Issuer:
        """The issuer, bound to this contract's state."""
        return self.state.contract(self.issuer_address)  # type: ignore[return-value]
