"""Interest accumulation, as Aave V3 v3.0.2 ``MathUtils.sol``.

Rates are annual rates in RAY; times are Unix seconds; results are RAY growth factors.
Everything else (wad/ray/percent) comes from :mod:`chain.fixedpoint`.
"""

from __future__ import annotations

from chain.fixedpoint import RAY, ray_mul

SECONDS_PER_YEAR = 365 * 24 * 3600
"""31,536,000 s: Aave's ``SECONDS_PER_YEAR`` (365 days, no leap year)."""


def linear_interest(rate: int, last_update: int, now: int) -> int:
    """``RAY + rate * dt / SECONDS_PER_YEAR`` (RAY), the division rounded down.

    Used for the liquidity (supply) index.
    """
    return RAY + rate * (now - last_update) // SECONDS_PER_YEAR


def compounded_interest(rate: int, last_update: int, now: int) -> int:
    """Aave v3.0.2's three-term binomial approximation of ``(1 + rate/SPY) ** dt`` (RAY).

    Each power term is divided by the seconds per year *before* it is multiplied by the
    time terms (floor divisions), as the original; used for the variable borrow index.
    """
    exp = now - last_update
    if exp == 0:
        return RAY
    key = (rate, exp)
    kept = _COMPOUNDED.get(key)
    if kept is not None:  # a pure function of (rate, exp): remembered
        return kept
    exp_minus_one = exp - 1
    exp_minus_two = exp - 2 if exp > 2 else 0
    base_power_two = ray_mul(rate, rate) // (SECONDS_PER_YEAR * SECONDS_PER_YEAR)
    base_power_three = ray_mul(base_power_two, rate) // SECONDS_PER_YEAR
    second_term = exp * exp_minus_one * base_power_two // 2
    third_term = exp * exp_minus_one * exp_minus_two * base_power_three // 6
    growth: int = RAY + rate * exp // SECONDS_PER_YEAR + second_term + third_term
    if len(_COMPOUNDED) >= COMPOUNDED_KEPT:
        _COMPOUNDED.clear()
    _COMPOUNDED[key] = growth
    return growth


COMPOUNDED_KEPT = 1024
"""Growth factors :func:`compounded_interest` remembers by ``(rate, seconds)`` (a step of a run
asks for the same one several times: a health factor, then the accrual of the next action);
the table empties when full."""
_COMPOUNDED: dict[tuple[int, int], int] = {}
