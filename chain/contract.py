"""Base class of every contract facade.

A facade is a thin Python object bound to one state: it holds its address and immutable
configuration, and keeps every mutable value as frozen records in the state's journaled
store (``self._load`` / ``self._store``), so transactions revert it and forks copy it.
``state.contract(address)`` returns the facade bound to that state, so a facade taken from a
parent works on a fork through ``fork.contract(facade.address)`` (or ``facade.on(fork)``).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from chain.journal import MISSING

if TYPE_CHECKING:
    from chain.state import State

C = TypeVar("C", bound="Contract")


class Contract:
    """A registered contract: an address on one network, storage in the state's records."""

    kind: ClassVar[str] = "contract"

    def __init__(self, state: State, address: str, network: str) -> None:
        self.state = state
        self.address = address
        self.network = network

    def bind(self: C, state: State) -> C:
        """The same contract bound to another state (a fork); shares immutable config."""
        clone = copy.copy(self)
        clone.state = state
        return clone

    def on(self: C, state: State) -> C:
        """This contract as seen in ``state`` (typically a fork of the state it came from)."""
        return state.contract(self.address)  # type: ignore[return-value]

    def _load(self, key: Any, default: Any = MISSING) -> Any:
        return self.state.load(self.address, key, default)

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
