"""chain.fixedpoint: half-up rounding and overflow reverts of Aave's WadRayMath and
PercentageMath (aave-v3-core 782f5191, contracts/protocol/libraries/math), floor/ceil twins,
and Uniswap V2's Babylonian sqrt (v2-core ee547b17, contracts/libraries/Math.sol)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chain import fixedpoint as fp
from chain.errors import DivisionByZero, Overflow

uint = st.integers(min_value=0, max_value=fp.UINT256_MAX)
small = st.integers(min_value=0, max_value=2**100)


def babylonian_sqrt(y: int) -> int:
    """Uniswap V2 Math.sqrt, transcribed as the contract computes it."""
    if y > 3:
        z, x = y, y // 2 + 1
        while x < z:
            z, x = x, (y // x + x) // 2
        return z
    return 1 if y != 0 else 0


class TestHalfUp:
    def test_wad_mul_boundary(self):
        """0.5 wei rounds up, just below it rounds down."""
        assert fp.wad_mul(1, fp.HALF_WAD) == 1
        assert fp.wad_mul(1, fp.HALF_WAD - 1) == 0
        assert fp.wad_mul(3 * fp.WAD, 2 * fp.WAD) == 6 * fp.WAD

    def test_ray_ops(self):
        assert fp.ray_mul(fp.RAY, fp.RAY) == fp.RAY
        assert fp.ray_mul(1, fp.HALF_RAY) == 1 and fp.ray_mul(1, fp.HALF_RAY - 1) == 0
        assert fp.ray_div(1, 2 * fp.RAY) == 1  # 0.5 rounds up
        assert fp.ray_div(1, 2 * fp.RAY + 1) == 0
        assert fp.wad_div(1, 3) == 333333333333333333
        assert fp.wad_div(2, 3) == 666666666666666667

    def test_conversions(self):
        assert fp.ray_to_wad(5 * 10**8) == 1 and fp.ray_to_wad(5 * 10**8 - 1) == 0
        assert fp.wad_to_ray(7) == 7 * 10**9
        with pytest.raises(Overflow):
            fp.wad_to_ray(fp.UINT256_MAX)

    def test_percent(self):
        """percentMul(1, 5000) = 1 (0.5 up); the liquidation-bonus style divisions."""
        assert fp.percent_mul(1, 5000) == 1 and fp.percent_mul(1, 4999) == 0
        assert fp.percent_mul(10**18, 10500) == 105 * 10**16
        assert fp.percent_div(105 * 10**16, 10500) == 10**18
        assert fp.percent_mul_floor(19999, 5000) == 9999 and fp.percent_mul_ceil(19999, 5000) == 10000
        assert fp.percent_div_floor(1, 3) == 3333 and fp.percent_div_ceil(1, 3) == 3334

    def test_overflow_reverts_at_the_exact_bound(self):
        """rayMul reverts iff a > (MAX - HALF_RAY) / b."""
        b = 10**27
        limit = (fp.UINT256_MAX - fp.HALF_RAY) // b
        assert fp.ray_mul(limit, b) == (limit * b + fp.HALF_RAY) // fp.RAY
        with pytest.raises(Overflow):
            fp.ray_mul(limit + 1, b)
        with pytest.raises(DivisionByZero):
            fp.ray_div(1, 0)
        with pytest.raises(DivisionByZero):
            fp.percent_div(1, 0)

    @given(small, st.integers(min_value=1, max_value=2**100))
    def test_floor_ceil_bracket_half_up(self, a, b):
        """floor <= half-up <= ceil, and ceil - floor is 0 or 1."""
        lo, mid, hi = fp.ray_mul_floor(a, b), fp.ray_mul(a, b), fp.ray_mul_ceil(a, b)
        assert lo <= mid <= hi and hi - lo in (0, 1)
        lo, mid, hi = fp.ray_div_floor(a, b), fp.ray_div(a, b), fp.ray_div_ceil(a, b)
        assert lo <= mid <= hi and hi - lo in (0, 1)
        assert fp.mul_div_down(a, b, 7) == a * b // 7
        assert fp.mul_div_up(a, b, 7) * 7 >= a * b > (fp.mul_div_up(a, b, 7) - 1) * 7


@given(uint)
def test_sqrt_equals_uniswap_babylonian(y):
    assert fp.sqrt(y) == babylonian_sqrt(y)


@pytest.mark.parametrize("y", [0, 1, 2, 3, 4, 8, 9, 10**18, 2**224 - 1, fp.UINT256_MAX])
def test_sqrt_table(y):
    assert fp.sqrt(y) == babylonian_sqrt(y)
