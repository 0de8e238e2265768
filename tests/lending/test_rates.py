"""The kinked rate strategy: Aave's rate-strategy.spec cases and the values around the kink.

Cases: aave/aave-v3-core test-suites/rate-strategy.spec.ts (commit 5097bc547c419f1b824372f200a9923c1ab8f8a8,
the v3.0.x suite) with rateStrategyStableTwo from aave/aave-v3-deploy markets/test/rateStrategies.ts
and strategyDAI's reserve factor 10%.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chain.fixedpoint import RAY, percent_mul, ray_div, ray_mul
from lending import RateStrategy, calculate_interest_rates
from lending.errors import InvalidReserveParams
from lending.rates import Rates, variable_rates

STABLE_TWO = RateStrategy(
    optimal_usage=8 * RAY // 10, base_rate=0, slope1=4 * RAY // 100, slope2=75 * RAY // 100,
    stable_slope1=2 * RAY // 100, stable_slope2=75 * RAY // 100, base_stable_offset=2 * RAY // 100,
    stable_excess_offset=5 * RAY // 100, optimal_stable_ratio=2 * RAY // 10,
)
RF = 1000
BASE_STABLE = STABLE_TWO.slope1 + STABLE_TWO.base_stable_offset


def rates(available: int, variable: int, stable: int = 0, avg_stable: int = 0, unbacked: int = 0):
    return calculate_interest_rates(STABLE_TWO, available_liquidity=available, variable_debt=variable,
                                    reserve_factor=RF, stable_debt=stable, avg_stable_rate=avg_stable,
                                    unbacked=unbacked)


class TestPublishedCases:
    def test_empty_reserve(self) -> None:
        """0% usage: liquidity rate 0, stable = base stable, variable = base."""
        r = rates(0, 0)
        assert (r.liquidity_rate, r.stable_borrow_rate, r.variable_borrow_rate) == (0, BASE_STABLE, 0)

    def test_usage_80(self) -> None:
        """80% usage (at the kink): variable = base + slope1."""
        r = rates(2 * 10**17, 8 * 10**17)
        var = STABLE_TWO.slope1
        assert r.variable_borrow_rate == var
        assert r.liquidity_rate == percent_mul(percent_mul(var, 8000), 10_000 - RF)
        assert r.stable_borrow_rate == BASE_STABLE + STABLE_TWO.stable_slope1

    def test_usage_100(self) -> None:
        """100% usage: variable = base + slope1 + slope2."""
        r = rates(0, 10**18)
        var = STABLE_TWO.slope1 + STABLE_TWO.slope2
        assert r.variable_borrow_rate == var == STABLE_TWO.max_variable_rate
        assert r.liquidity_rate == percent_mul(var, 10_000 - RF)
        assert r.stable_borrow_rate == BASE_STABLE + STABLE_TWO.stable_slope1 + STABLE_TWO.stable_slope2

    def test_usage_100_half_stable(self) -> None:
        """100% usage, half stable at 10%: overall rate is the average, stable adds the excess offset."""
        r = rates(0, 4 * 10**17, 4 * 10**17, RAY // 10)
        var = STABLE_TWO.slope1 + STABLE_TWO.slope2
        assert r.variable_borrow_rate == var
        assert r.liquidity_rate == percent_mul((var + RAY // 10) // 2, 10_000 - RF)
        assert r.stable_borrow_rate == (BASE_STABLE + STABLE_TWO.stable_slope1 + STABLE_TWO.stable_slope2
                                        + ray_mul(STABLE_TWO.stable_excess_offset, 375 * RAY // 1000))

    def test_supply_usage_50_unbacked(self) -> None:
        """80% borrow usage, 50% supply usage from unbacked tokens."""
        r = rates(2 * 10**17, 8 * 10**17, unbacked=6 * 10**17)
        assert r.variable_borrow_rate == STABLE_TWO.slope1
        assert r.liquidity_rate == percent_mul(percent_mul(STABLE_TWO.slope1, 5000), 10_000 - RF)

    def test_supply_usage_08_unbacked(self) -> None:
        """80% borrow usage, 0.8% supply usage."""
        r = rates(2 * 10**17, 8 * 10**17, unbacked=8 * 10**17 * 124 - 2 * 10**17)
        assert r.liquidity_rate == percent_mul(percent_mul(STABLE_TWO.slope1, 80), 10_000 - RF)

    def test_usage_08(self) -> None:
        """0.8% usage: variable = slope1 x (U / U*)."""
        r = rates(9920 * 10**18, 80 * 10**18)
        usage = percent_mul(RAY, 80)
        var = ray_mul(STABLE_TWO.slope1, ray_div(usage, STABLE_TWO.optimal_usage))
        assert r.variable_borrow_rate == var
        assert r.liquidity_rate == percent_mul(percent_mul(var, 80), 10_000 - RF)
        ratio = ray_div(usage, STABLE_TWO.optimal_usage)
        assert r.stable_borrow_rate == BASE_STABLE + ray_mul(STABLE_TWO.stable_slope1, ratio)


class TestKink:
    S = RateStrategy.from_percent("90", "0", "2.7", "80")

    def var(self, debt: int, cash: int) -> int:
        r = calculate_interest_rates(self.S, available_liquidity=cash, variable_debt=debt, reserve_factor=0)
        return r.variable_borrow_rate

    def test_at_kink(self) -> None:
        """Exactly U*: slope1 fully, no slope2."""
        assert self.var(90, 10) == 27 * RAY // 1000

    def test_one_wei_below_and_above(self) -> None:
        """One wei of debt either side of the kink: below on slope1, above adds slope2 x excess."""
        d, c = 9 * 10**18, 10**18
        below = self.var(d - 1, c + 1)
        above = self.var(d + 1, c - 1)
        u_below = ray_div(d - 1, d + c)
        assert below == ray_div(ray_mul(self.S.slope1, u_below), self.S.optimal_usage)
        u_above = ray_div(d + 1, d + c)
        excess = ray_div(u_above - self.S.optimal_usage, RAY - self.S.optimal_usage)
        assert above == self.S.slope1 + ray_mul(self.S.slope2, excess)
        assert below < 27 * RAY // 1000 < above

    def test_midway_above(self) -> None:
        """95% usage: slope1 + half of slope2."""
        assert self.var(95, 5) == 27 * RAY // 1000 + 40 * RAY // 100

    def test_bad_strategy(self) -> None:
        """An optimal usage of 0 or above 100% is rejected."""
        with pytest.raises(InvalidReserveParams):
            RateStrategy(0, 0, 1, 1)
        with pytest.raises(InvalidReserveParams):
            RateStrategy(RAY + 1, 0, 1, 1)


def _outcome(fn, *args, **kwargs):
    """The value of ``fn``, or the type and message of what it raised."""
    try:
        return fn(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - compared, not swallowed
        return type(exc), str(exc)


rays = st.integers(min_value=0, max_value=2**200)


class TestVariableRates:
    """variable_rates (the market's path: no stable debt, nothing unbacked) against
    calculate_interest_rates: the same two rates, and the same error where one reverts."""

    @settings(max_examples=400)
    @given(
        optimal=st.integers(min_value=1, max_value=RAY), base=rays, slope1=rays, slope2=rays,
        stable1=rays, stable2=rays, offset=rays,
        available=st.integers(min_value=-(2**90), max_value=2**128),
        debt=st.one_of(st.just(0), st.integers(min_value=0, max_value=2**128)),
        reserve_factor=st.integers(min_value=0, max_value=10_000),
    )
    def test_agrees_with_the_full_strategy(self, optimal, base, slope1, slope2, stable1, stable2, offset,
                                           available, debt, reserve_factor):
        strategy = RateStrategy(optimal_usage=optimal, base_rate=base, slope1=slope1, slope2=slope2,
                                stable_slope1=stable1, stable_slope2=stable2, base_stable_offset=offset)
        full = _outcome(calculate_interest_rates, strategy, available_liquidity=available,
                        variable_debt=debt, reserve_factor=reserve_factor)
        lean = _outcome(variable_rates, strategy, available, debt, reserve_factor)
        if isinstance(full, Rates):
            assert lean == (full.liquidity_rate, full.variable_borrow_rate)
        else:
            assert lean == full

    def test_published_points(self):
        """The kink and above it, as the full strategy's published cases."""
        for available, variable in ((2 * 10**17, 8 * 10**17), (0, 10**18), (10**18, 10**17)):
            full = rates(available, variable)
            assert variable_rates(STABLE_TWO, available, variable, RF) == (full.liquidity_rate,
                                                                          full.variable_borrow_rate)

    @pytest.mark.parametrize("available, debt, slope2, stable2", [
        (-(10**18), 10**18, 0, 0),  # no liquidity at all: rayDiv by zero
        (-(2 * 10**18), 10**18, 0, 0),  # negative total: rayMul(0, a negative usage) reverts
        (0, 10**18, 2**200, 0),  # above the kink, slope2 * excess past uint256
        (0, 10**18, 0, 2**200),  # the same on the stable side: reverts first, as the full strategy
    ])
    def test_reverts_as_the_full_strategy(self, available, debt, slope2, stable2):
        """Each case reverts in the full strategy; the lean one raises the same error."""
        strategy = RateStrategy(optimal_usage=8 * RAY // 10, base_rate=0, slope1=4 * RAY // 100, slope2=slope2,
                                stable_slope2=stable2)
        full = _outcome(calculate_interest_rates, strategy, available_liquidity=available, variable_debt=debt,
                        reserve_factor=RF)
        assert not isinstance(full, Rates)
        assert _outcome(variable_rates, strategy, available, debt, RF) == full
