"""Values derived from a state, remembered until the state next changes.

Within one backtest step several readers ask the same question of a state that has not changed
in between: the liquidator scans every market for candidates, then the bad-debt book scans them
again after it. :func:`remembered` computes such a value once per *state version*:
:attr:`chain.State.version` changes on every write, revert and failed transaction, never
repeats within one state, and a fork is another state object, so an entry is used only while
the state reads exactly as it did when the entry was made.

One entry table per thread, for the last state asked about (a run reads one state at a time;
threads running runs side by side keep theirs apart). Values must be immutable (tuples,
frozen records): every caller gets the same object. Derived data only, never state.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from chain import State

T = TypeVar("T")


class _Slot(threading.local):
    """The thread's table: the state (weakly), its version, the values by key."""

    state: weakref.ref[State] | None = None
    version: int = -1
    values: dict[Hashable, Any]

    def __init__(self) -> None:
        self.values = {}


_SLOT = _Slot()


def remembered(state: State, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or the value it returned for ``key`` on this state at this version.

    A value is kept only when ``compute`` left the state unchanged (a read); ``key`` must name
    everything besides the state that the value depends on."""
    slot, version = _SLOT, state.version
    if slot.state is None or slot.state() is not state or slot.version != version:
        slot.state, slot.version, slot.values = weakref.ref(state), version, {}
    values = slot.values
    if key in values:
        return values[key]
    value = compute()
    if state.version == version:
        values[key] = value
    return value


__all__ = ["remembered"]
