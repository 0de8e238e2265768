"""Errors of the composition layer; each says what was wrong and what to do in one line."""

from __future__ import annotations

from chain.errors import InputError, LstlabError, Revert


class CompositionError(LstlabError):
    """Base of the composition layer's errors."""

    code = "LSTLAB_COMPOSE"


class DataError(CompositionError, InputError):
    """A price table is missing, unreadable, or has wrong columns, order or values."""

    code = "BAD_DATA"


class StrategyError(CompositionError, InputError):
    """A strategy parameter is impossible (e.g. leverage above the maximum the LTV allows)."""

    code = "BAD_STRATEGY"


class ScenarioError(CompositionError, InputError):
    """A scenario file has an unknown key, a wrong type or an impossible value."""

    code = "BAD_SCENARIO"

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key
        """The dotted scenario key at fault, when known (to point at its line in the file)."""


class StrategyFailed(CompositionError, Revert):
    """A strategy transaction reverted (e.g. the pool cannot absorb the trade)."""

    code = "STRATEGY_FAILED"
