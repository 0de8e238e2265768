"""Contracts built on an issuer (wrapper, queue, unstake pool, feed) resolve it by address."""

from __future__ import annotations

from chain import Contract, InvalidArgument, State, WrongNetwork
from lst.issuer import Issuer


def require_issuer(state: State, address: str, network: str) -> Issuer:
    """The issuer at ``address`` on ``network``, where its client is deployed (UnknownContract;
    InvalidArgument if it is another kind; WrongNetwork if it lives elsewhere: a client holds
    and moves the issuer's tokens, which exist on the issuer's network only)."""
    target = state.contract(address)
    if not isinstance(target, Issuer):
        raise InvalidArgument(f"{address!r} is not an issuer")
    if target.network != network:
        raise WrongNetwork(
            f"the issuer {address!r} lives on {target.network!r}, not {network!r}: deploy its "
            f"client on {target.network!r}"
        )
    return target


class IssuerClient(Contract):
    """A contract built on one issuer, which it resolves by address at each use (forks)."""

    issuer_address: str

    @property
    def issuer(self) -> Issuer:
        """The issuer, bound to this contract's state."""
        return self.state.contract(self.issuer_address)  # type: ignore[return-value]
