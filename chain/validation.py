"""Input checks shared by every package. Each raises a typed :class:`InputError` before any
write, with a message that names the argument and says what to pass instead."""

from __future__ import annotations

from typing import Any

from chain.errors import InvalidAmount, InvalidArgument
from chain.fixedpoint import UINT256_MAX


def check_amount(value: Any, what: str = "amount", *, positive: bool = False) -> int:
    """Return ``value`` if it is an int in [0, 2**256-1] (or [1, ...] when ``positive``).

    Floats, bools, strings and numpy scalars are rejected: amounts are ints in base units.
    """
    if type(value) is not int:
        raise InvalidAmount(
            f"{what} must be an int in base units, got {type(value).__name__} {value!r}: "
            "convert with token.units(...) or int(...)"
        )
    if value < 0:
        raise InvalidAmount(f"{what} must not be negative, got {value}")
    if value > UINT256_MAX:
        raise InvalidAmount(f"{what} {value} exceeds uint256 (2**256-1)")
    if positive and value == 0:
        raise InvalidAmount(f"{what} must be positive, got 0")
    return value


def check_bps(value: Any, what: str, *, upper: int = 10_000) -> int:
    """Return ``value`` if it is an int number of basis points in [0, upper]."""
    if type(value) is not int or not 0 <= value <= upper:
        raise InvalidArgument(f"{what} must be an int in basis points within [0, {upper}], got {value!r}")
    return value


def check_decimals(value: Any, what: str = "decimals") -> int:
    """Return ``value`` if it is an int number of decimals in [0, 36]."""
    if type(value) is not int or not 0 <= value <= 36:
        raise InvalidArgument(f"{what} must be an int in [0, 36], got {value!r}")
    return value


def check_name(value: Any, what: str) -> str:
    """Return ``value`` if it is a non-empty string."""
    if not isinstance(value, str) or not value:
        raise InvalidArgument(f"{what} must be a non-empty string, got {value!r}")
    return value
