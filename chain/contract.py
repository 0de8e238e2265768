"""Base class of every contract facade.

A facade is a thin Python object bound to one state: it holds its address and immutable
configuration, and keeps every mutable value as frozen records in the state's journaled
store (``self._load`` / ``self._store``), so transactions revert it and forks copy it.
``state.contract(address)`` returns the facade bound to that state, so a facade taken from a
parent works on a fork through ``fork.contract(facade.address)`` (or ``facade.on(fork)``).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar

from chain.errors import NotTheCaller
from chain.journal import MISSING

if TYPE_CHECKING:
    from chain.state import State

R = TypeVar("R")
_UNBOUND: Mapping[Any, Any] = MappingProxyType({})
"""The storage of a facade bound to no registered contract."""


class Contract:
    """A registered contract: an address on one network, storage in the state's records.

    ``_storage`` is this contract's records in the state it is bound to (set on registration
    and on :meth:`bind`; an empty mapping before): hot paths read it directly, and every write
    goes through ``state.store`` (journaled)."""

    kind: ClassVar[str] = "contract"
    _storage: Mapping[Any, Any] = _UNBOUND

    def __init__(self, state: State, address: str, network: str) -> None:
        self.state = state
        self.address = address
        self.network = network

    def bind(self, state: State) -> Self:
        """The same contract bound to another state (a fork); shares immutable config."""
        clone = copy.copy(self)
        clone.state = state
        clone._storage = state._records.get(self.address, _UNBOUND)
        return clone

    def on(self, state: State) -> Self:
        """This contract as seen in ``state`` (typically a fork of the state it came from)."""
        return state.contract(self.address)  # type: ignore[return-value]

    # --- who is calling (chain.calls) ------------------------------------------------------

    @property
    def msg_sender(self) -> str | None:
        """Who called this contract: inside one of its :func:`chain.calls.external` methods, the
        frame below its own; else the innermost frame; None when called from outside every frame."""
        frames = self.state._frames
        if frames and frames[-1] == self.address:
            return frames[-2] if len(frames) > 1 else None
        return frames[-1] if frames else None

    def authorize(self, who: str, role: str = "caller") -> str:
        """``who`` as the acting party of a public action (see :mod:`chain.calls`): the caller
        itself, or, called from outside every frame, an externally owned account acting in its
        own transaction. Raises UnknownAccount for an unknown address and NotTheCaller for a
        contract acting outside its own code or for another account than the sender."""
        frames = self.state._frames
        if frames:  # msg_sender inline (every public action asks)
            caller: str | None = frames[-1]
            if caller == self.address:
                caller = frames[-2] if len(frames) > 1 else None
            if caller is not None and who == caller:
                return who
        else:
            caller = None
        state = self.state
        if caller is None:
            if state.is_account(who):
                return who
            state.require_address(who)
            raise NotTheCaller(f"{role} {who!r} is a contract and acts only from its own code: "
                               f"{self.address!r} was called from outside it; act from an account")
        raise NotTheCaller(f"{role} {who!r} is not the caller {caller!r} of {self.address!r}: act from "
                           f"{who!r}'s own transaction (state.tx({who!r})) or pass {caller!r}")

    def acting(self, caller: Any = None, role: str = "caller") -> str | None:
        """Who performs a call that may name its caller: ``authorize(caller, role)`` when
        ``caller`` is given, else :attr:`msg_sender` (None from outside every frame). For
        "only the X may call" checks, which then compare the result with X."""
        if caller is None:
            return self.msg_sender
        return self.authorize(caller, role)

    def call_back(self, receiver: str, fn: Callable[..., R], *args: Any) -> R:
        """Run ``fn(*args)`` as ``receiver``'s code (a callback such as a flash-loan receiver's):
        what it calls sees ``receiver`` as the caller."""
        frames = self.state._frames
        frames.append(receiver)
        try:
            return fn(*args)
        finally:
            frames.pop()

    def _load(self, key: Any, default: Any = MISSING) -> Any:
        storage = self._storage
        if storage is _UNBOUND:  # not registered (yet): the state raises UnknownContract
            return self.state.load(self.address, key, default)
        if default is MISSING:
            return storage[key]
        return storage.get(key, default)

    def _store(self, key: Any, record: Any) -> None:
        self.state.store(self.address, key, record)

    def _records(self) -> Mapping[Any, Any]:
        return self.state.records(self.address)

    def graph_edges(self) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """Edges ``(src, dst, kind, data)`` this contract adds to ``state.graph()``.

        Override to show positions (supplied, borrowed, staked, bridged); node names are
        addresses, ``token_node(token)`` or ``network_node(name)``.
        """
        return iter(())

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.address} on {self.network}>"
