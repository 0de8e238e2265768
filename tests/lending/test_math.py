"""Aave's published math vectors through chain.fixedpoint and lending.math.

WadRayMath operands and boundaries: aave/aave-v3-core test-suites/wadraymath.spec.ts
(commit 010c7ce1955edb10f1228e37e05af8deda9130cd, unchanged at v3.0.2 782f5191...), whose
expected values are the half-up formulas of WadRayMath.sol; here they are recomputed
independently with Fractions. Interest values: ../shared/REFERENCE.md section 2.2 (Aave
MathUtils v3.0.2; origin tests/protocol/libraries/math/MathUtils.t.sol).
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chain import DivisionByZero, Overflow
from chain.fixedpoint import (
    HALF_RAY,
    HALF_WAD,
    RAY,
    UINT256_MAX,
    WAD,
    percent_div,
    percent_mul,
    ray_div,
    ray_mul,
    ray_to_wad,
    wad_div,
    wad_mul,
    wad_to_ray,
)
from lending import SECONDS_PER_YEAR, compounded_interest, linear_interest

A = 134534543232342353231234
B = 13265462389132757665657


def half_up(x: Fraction) -> int:
    """Round a non-negative fraction half up (the rule WadRayMath states)."""
    return int(x + Fraction(1, 2))


class TestWadRayMath:
    def test_constants(self) -> None:
        """WAD, HALF_WAD, RAY, HALF_RAY are Aave's getters."""
        assert (WAD, HALF_WAD, RAY, HALF_RAY) == (10**18, 5 * 10**17, 10**27, 5 * 10**26)

    def test_wad_mul(self) -> None:
        """wadMul(a, b) is a*b/WAD half up; 0 operands give 0; one past the bound reverts."""
        assert wad_mul(A, B) == half_up(Fraction(A * B, WAD))
        assert wad_mul(0, B) == 0 and wad_mul(A, 0) == 0
        bound = (UINT256_MAX - HALF_WAD) // B
        wad_mul(bound, B)
        with pytest.raises(Overflow):
            wad_mul(bound + 1, B)

    def test_wad_div(self) -> None:
        """wadDiv(a, b) is a*WAD/b half up; division by zero and overflow revert."""
        assert wad_div(A, B) == half_up(Fraction(A * WAD, B))
        with pytest.raises(Overflow):
            wad_div((UINT256_MAX - B // 2) // WAD + 1, B)
        with pytest.raises(DivisionByZero):
            wad_div(A, 0)

    def test_ray_mul(self) -> None:
        """rayMul(a, b) is a*b/RAY half up; one past the bound reverts."""
        assert ray_mul(A, B) == half_up(Fraction(A * B, RAY))
        assert ray_mul(0, B) == 0 and ray_mul(A, 0) == 0
        with pytest.raises(Overflow):
            ray_mul((UINT256_MAX - HALF_RAY) // B + 1, B)

    def test_ray_div(self) -> None:
        """rayDiv(a, b) is a*RAY/b half up; zero divisor and overflow revert."""
        assert ray_div(A, B) == half_up(Fraction(A * RAY, B))
        with pytest.raises(Overflow):
            ray_div((UINT256_MAX - B // 2) // RAY + 1, B)
        with pytest.raises(DivisionByZero):
            ray_div(A, 0)

    def test_ray_to_wad(self) -> None:
        """rayToWad rounds half up at 0.5e9 and never overflows."""
        half = 10**9 // 2
        assert ray_to_wad(RAY) == WAD
        assert ray_to_wad(RAY + half - 1) == WAD
        assert ray_to_wad(RAY + half) == WAD + 1
        big = UINT256_MAX - half + 1
        assert ray_to_wad(big) == half_up(Fraction(big, 10**9))

    def test_wad_to_ray(self) -> None:
        """wadToRay is exact and reverts past uint256."""
        assert wad_to_ray(WAD) == RAY
        with pytest.raises(Overflow):
            wad_to_ray(UINT256_MAX // 10**9 + 1)


class TestPercentageMath:
    @pytest.mark.parametrize(
        "value,bps", [(A, 5000), (B, 1), (10**18, 10_500), (3, 3333), (1, 5000), (1, 4999)]
    )
    def test_percent_mul_half_up(self, value: int, bps: int) -> None:
        """percentMul is value*bps/1e4 half up (1 wei at 50% rounds up, at 49.99% down)."""
        assert percent_mul(value, bps) == half_up(Fraction(value * bps, 10_000))

    @pytest.mark.parametrize("value,bps", [(A, 5000), (B, 10_500), (10**18, 3), (7, 10_600)])
    def test_percent_div_half_up(self, value: int, bps: int) -> None:
        """percentDiv is value*1e4/bps half up."""
        assert percent_div(value, bps) == half_up(Fraction(value * 10_000, bps))

    def test_percent_bounds(self) -> None:
        """percentMul reverts one past (MAX - 0.5e4) / bps; percentDiv by zero reverts."""
        bound = (UINT256_MAX - 5_000) // 8_000
        percent_mul(bound, 8_000)
        with pytest.raises(Overflow):
            percent_mul(bound + 1, 8_000)
        with pytest.raises(DivisionByZero):
            percent_div(1, 0)


class TestInterest:
    def test_linear_published(self) -> None:
        """linear(8%, 7 years) = 1.56e27 exactly."""
        assert linear_interest(8 * RAY // 100, 0, 7 * SECONDS_PER_YEAR) == 156 * 10**25

    def test_compounded_v302_published(self) -> None:
        """compounded(10%, 1 year) = 1.105162042821782412575504e27 (the v3.0.2 binomial)."""
        assert compounded_interest(RAY // 10, 0, SECONDS_PER_YEAR) == 1105162042821782412575504000

    def test_compounded_small_exponents(self) -> None:
        """dt = 0 gives RAY; dt = 1 and 2 use only the first terms (exp-2 floored at 0)."""
        rate = 5 * RAY // 100
        assert compounded_interest(rate, 10, 10) == RAY
        assert compounded_interest(rate, 0, 1) == RAY + rate // SECONDS_PER_YEAR
        b2 = ray_mul(rate, rate) // SECONDS_PER_YEAR**2
        assert compounded_interest(rate, 0, 2) == RAY + rate * 2 // SECONDS_PER_YEAR + 2 * 1 * b2 // 2

    @given(rate=st.integers(0, 10 * RAY), start=st.integers(0, 2**40), dt=st.integers(0, 10 * SECONDS_PER_YEAR))
    def test_compounded_remembered_is_the_binomial(self, rate, start, dt) -> None:
        """A growth factor read again (the same rate and seconds, any start) is the one the
        binomial gives, computed here term by term."""
        b2 = ray_mul(rate, rate) // SECONDS_PER_YEAR**2
        b3 = ray_mul(b2, rate) // SECONDS_PER_YEAR
        two = dt - 2 if dt > 2 else 0
        expected = RAY + rate * dt // SECONDS_PER_YEAR + dt * (dt - 1) * b2 // 2 + dt * (dt - 1) * two * b3 // 6
        assert compounded_interest(rate, start, start + dt) == expected
        assert compounded_interest(rate, 0, dt) == expected

    def test_compounded_close_to_exponential(self) -> None:
        """8% over 7 years stays within 0.3% of e^0.56 (the published tolerance)."""
        import math

        got = compounded_interest(8 * RAY // 100, 0, 7 * SECONDS_PER_YEAR) / RAY
        assert abs(got - math.exp(0.56)) / math.exp(0.56) < 0.003
