"""The kinked interest-rate strategy, as Aave V3 v3.0.2 ``DefaultReserveInterestRateStrategy``.

Below the optimal usage ``U*`` the variable rate climbs ``slope1`` linearly; above it,
``slope2`` over the excess. The supply (liquidity) rate is the overall borrow rate times the
supply usage times ``(1 - reserve factor)``. All rates are annual, in RAY; debts and liquidity
in wei; the reserve factor in bps. Rounding is Aave's half-up ``rayMul``/``rayDiv``/
``percentMul``. The stable-rate inputs are kept so Aave's published strategy cases run
unchanged; the market itself books variable debt only.
"""

from __future__ import annotations

import attrs

from chain import Record
from chain.fixedpoint import (
    HALF_PERCENTAGE_FACTOR,
    HALF_RAY,
    PERCENTAGE_FACTOR,
    RAY,
    UINT256_MAX,
    WAD_RAY_RATIO,
    percent_mul,
    ray_div,
    ray_mul,
    wad_to_ray,
)
from lending.errors import InvalidReserveParams

_RAY_MUL_MAX = UINT256_MAX - HALF_RAY
"""The largest product ``rayMul`` rounds without reverting."""
_PERCENT_MUL_MAX = UINT256_MAX - HALF_PERCENTAGE_FACTOR
"""The largest product ``percentMul`` rounds without reverting."""


@attrs.frozen
class RateStrategy:
    """Parameters of one reserve's rate curve (every field in RAY, annual where a rate)."""

    optimal_usage: int  # RAY: the kink U*, in (0, RAY]
    base_rate: int  # RAY/yr: variable rate at zero usage
    slope1: int  # RAY/yr: variable rate added from 0 to U*
    slope2: int  # RAY/yr: variable rate added from U* to 100%
    stable_slope1: int = 0  # RAY/yr: stable-rate analogue of slope1
    stable_slope2: int = 0  # RAY/yr: stable-rate analogue of slope2
    base_stable_offset: int = 0  # RAY/yr: stable base = slope1 + this offset
    stable_excess_offset: int = 0  # RAY/yr: added per excess stable-to-total ratio
    optimal_stable_ratio: int = 0  # RAY: optimal stable-to-total-debt ratio, < RAY

    def __attrs_post_init__(self) -> None:
        for name, value in attrs.asdict(self).items():
            if type(value) is not int or value < 0:
                raise InvalidReserveParams(
                    f"rate strategy {name} must be a non-negative int (RAY), got {value!r}"
                )
        if not 0 < self.optimal_usage <= RAY:
            raise InvalidReserveParams(f"optimal_usage must be in (0, RAY], got {self.optimal_usage}")
        if self.optimal_stable_ratio >= RAY:
            raise InvalidReserveParams("optimal_stable_ratio must be below RAY")

    @classmethod
    def from_percent(cls, optimal: str | float, base: str | float, slope1: str | float,
                     slope2: str | float) -> RateStrategy:
        """Build from percentages given as decimal strings, e.g. ``("90", "0", "2.7", "80")``."""
        from decimal import Decimal

        def ray(x: str | float) -> int:
            return int(Decimal(str(x)) * RAY // 100)

        return cls(ray(optimal), ray(base), ray(slope1), ray(slope2))

    @property
    def max_variable_rate(self) -> int:
        """base + slope1 + slope2 (RAY/yr), the rate at 100% usage."""
        return self.base_rate + self.slope1 + self.slope2


class Rates(Record):
    """The three rates a reserve stores after each touch (RAY/yr)."""

    liquidity_rate: int
    stable_borrow_rate: int
    variable_borrow_rate: int


def overall_borrow_rate(stable_debt: int, variable_debt: int, variable_rate: int,
                        avg_stable_rate: int) -> int:
    """Debt-weighted average of the variable and stable rates (RAY), as ``_getOverallBorrowRate``."""
    total = stable_debt + variable_debt
    if total == 0:
        return 0
    weighted = ray_mul(wad_to_ray(variable_debt), variable_rate)
    weighted += ray_mul(wad_to_ray(stable_debt), avg_stable_rate)
    return ray_div(weighted, wad_to_ray(total))


def calculate_interest_rates(
    strategy: RateStrategy,
    *,
    available_liquidity: int,
    variable_debt: int,
    reserve_factor: int,
    stable_debt: int = 0,
    avg_stable_rate: int = 0,
    unbacked: int = 0,
) -> Rates:
    """The rates at this liquidity and debt (v3.0.2 ``calculateInterestRates``).

    ``available_liquidity`` is the reserve's cash after the action (cash + added - taken, wei).
    """
    s = strategy
    total_debt = stable_debt + variable_debt
    stable_rate = s.slope1 + s.base_stable_offset
    variable_rate = s.base_rate
    borrow_usage = supply_usage = stable_ratio = 0
    if total_debt:
        stable_ratio = ray_div(stable_debt, total_debt)
        borrow_usage = ray_div(total_debt, available_liquidity + total_debt)
        supply_usage = ray_div(total_debt, available_liquidity + total_debt + unbacked) if unbacked else borrow_usage
    if borrow_usage > s.optimal_usage:
        excess = ray_div(borrow_usage - s.optimal_usage, RAY - s.optimal_usage)
        stable_rate += s.stable_slope1 + ray_mul(s.stable_slope2, excess)
        variable_rate += s.slope1 + ray_mul(s.slope2, excess)
    else:
        stable_rate += ray_div(ray_mul(s.stable_slope1, borrow_usage), s.optimal_usage)
        variable_rate += ray_div(ray_mul(s.slope1, borrow_usage), s.optimal_usage)
    if stable_ratio > s.optimal_stable_ratio:
        excess_stable = ray_div(stable_ratio - s.optimal_stable_ratio, RAY - s.optimal_stable_ratio)
        stable_rate += ray_mul(s.stable_excess_offset, excess_stable)
    overall = overall_borrow_rate(stable_debt, variable_debt, variable_rate, avg_stable_rate)
    liquidity_rate = percent_mul(ray_mul(overall, supply_usage), PERCENTAGE_FACTOR - reserve_factor)
    return Rates(liquidity_rate, stable_rate, variable_rate)


def variable_rates(strategy: RateStrategy, available_liquidity: int, variable_debt: int,
                   reserve_factor: int) -> tuple[int, int]:
    """``(liquidity_rate, variable_borrow_rate)`` of :func:`calculate_interest_rates` with no
    stable debt and no unbacked supply (the market's case), for a uint256 ``variable_debt``:
    the same values, and the same reverts in the same order.

    The stable side is skipped where it cannot revert: its ratio (``rayDiv(0, debt)``) never
    does, and its rate is checked only for the overflow of its products. The usage and the
    variable rate below the kink (every action computes them) are ``rayDiv``/``rayMul`` inlined
    where no revert is possible; anything else goes through :mod:`chain.fixedpoint`."""
    s = strategy
    optimal = s.optimal_usage
    if not variable_debt and 0 < optimal <= RAY and reserve_factor <= PERCENTAGE_FACTOR:
        return 0, s.base_rate  # usage 0: what follows gives these and cannot revert
    usage = 0
    if variable_debt:
        total = available_liquidity + variable_debt
        numerator = variable_debt * RAY + total // 2
        usage = numerator // total if total > 0 and numerator <= UINT256_MAX else ray_div(variable_debt, total)
    if usage > optimal:
        excess = ray_div(usage - optimal, RAY - optimal)
        if s.stable_slope2:
            ray_mul(s.stable_slope2, excess)  # the stable rate's product: for its revert only
        variable_rate = s.base_rate + s.slope1 + ray_mul(s.slope2, excess)
    else:
        if s.stable_slope1 or usage < 0:
            ray_div(ray_mul(s.stable_slope1, usage), optimal)  # as above
        product = s.slope1 * usage
        if usage >= 0 and product <= _RAY_MUL_MAX:  # rayDiv(rayMul(slope1, usage), optimal), inlined
            numerator = (product + HALF_RAY) // RAY * RAY + optimal // 2
            rise = numerator // optimal if numerator <= UINT256_MAX else ray_div((product + HALF_RAY) // RAY, optimal)
        else:
            rise = ray_div(ray_mul(s.slope1, usage), optimal)
        variable_rate = s.base_rate + rise
    bps = PERCENTAGE_FACTOR - reserve_factor
    if not variable_debt:
        return percent_mul(0, bps), variable_rate
    weight = variable_debt * WAD_RAY_RATIO
    product = weight * variable_rate
    if weight <= UINT256_MAX and variable_rate >= 0 and product <= _RAY_MUL_MAX:
        # rayDiv(rayMul(w, rate), w) for w = wadToRay(debt), inlined where neither can revert;
        # for w > RAY it is the rate itself (rayMul is off by at most RAY/2: less than w/2 once
        # divided back by w, so rayDiv's half-up rounding returns the rate)
        if weight > RAY and product + weight <= _RAY_MUL_MAX:
            overall = variable_rate
        else:
            numerator = (product + HALF_RAY) // RAY * RAY + weight // 2
            overall = numerator // weight if numerator <= UINT256_MAX else ray_div((product + HALF_RAY) // RAY, weight)
        product = overall * usage
        if usage >= 0 and product <= _RAY_MUL_MAX and bps >= 0:  # percentMul(rayMul(overall, usage), bps)
            product = (product + HALF_RAY) // RAY * bps
            if product <= _PERCENT_MUL_MAX:
                return (product + HALF_PERCENTAGE_FACTOR) // PERCENTAGE_FACTOR, variable_rate
        return percent_mul(ray_mul(overall, usage), bps), variable_rate
    weight = wad_to_ray(variable_debt)
    overall = ray_div(ray_mul(weight, variable_rate), weight)
    return percent_mul(ray_mul(overall, usage), bps), variable_rate
