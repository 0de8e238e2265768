"""One helper: run a closure of several writes as a unit (``chain``'s ``state.atomic()``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from chain import State

T = TypeVar("T")


def atomic(state: State, fn: Callable[[], T]) -> T:
    """Run ``fn`` inside ``state.atomic()``: commit on success, revert and re-raise on error."""
    with state.atomic():
        return fn()
