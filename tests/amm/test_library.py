"""Pure V2 math: v2-periphery's published examples and the rounding rules."""

from __future__ import annotations

import pytest

from amm import (
    InsufficientAmount,
    InsufficientInputAmount,
    InsufficientLiquidity,
    InsufficientOutputAmount,
    get_amount_in,
    get_amount_out,
    get_amounts_in,
    get_amounts_out,
    quote,
)
from chain import InvalidAmount, InvalidArgument


class TestPeripheryExamples:
    """Uniswap/v2-periphery test/UniswapV2Router02.spec.ts ('quote', 'getAmountOut',
    'getAmountIn', 'getAmountsOut', 'getAmountsIn'), pinned 0335e8f7e1bd1e8d8329fd300aea2ef2f36dd19f."""

    def test_quote(self) -> None:
        """quote(1, 100, 200) == 2 and quote(2, 200, 100) == 1."""
        assert quote(1, 100, 200) == 2
        assert quote(2, 200, 100) == 1

    def test_quote_errors(self) -> None:
        """A zero amount or reserve raises the library's codes."""
        with pytest.raises(InsufficientAmount):
            quote(0, 100, 200)
        with pytest.raises(InsufficientLiquidity):
            quote(1, 0, 200)
        with pytest.raises(InsufficientLiquidity):
            quote(1, 100, 0)

    def test_get_amount_out(self) -> None:
        """getAmountOut(2, 100, 100) == 1; zero input or reserve reverts."""
        assert get_amount_out(2, 100, 100) == 1
        with pytest.raises(InsufficientInputAmount):
            get_amount_out(0, 100, 100)
        with pytest.raises(InsufficientLiquidity):
            get_amount_out(2, 0, 100)
        with pytest.raises(InsufficientLiquidity):
            get_amount_out(2, 100, 0)

    def test_get_amount_in(self) -> None:
        """getAmountIn(1, 100, 100) == 2; zero output or reserve reverts."""
        assert get_amount_in(1, 100, 100) == 2
        with pytest.raises(InsufficientOutputAmount):
            get_amount_in(0, 100, 100)
        with pytest.raises(InsufficientLiquidity):
            get_amount_in(1, 0, 100)
        with pytest.raises(InsufficientLiquidity):
            get_amount_in(1, 100, 0)

    def test_amounts_along_a_path(self) -> None:
        """With 10000/10000 reserves: getAmountsOut(2) == [2, 1], getAmountsIn(1) == [2, 1]."""
        assert get_amounts_out(2, [(10000, 10000)]) == [2, 1]
        assert get_amounts_in(1, [(10000, 10000)]) == [2, 1]


class TestRounding:
    def test_amount_in_adds_one_even_when_exact(self) -> None:
        """rIn*out*1000 divisible by (rOut-out)*997 still gets +1."""
        # 997*3 = 2991: reserve_in 2991, out 1, reserve_out 1001 -> 2991*1000/(1000*997) = 3 exactly
        assert get_amount_in(1, 2991, 1001) == 4

    def test_fee_in_bps_equals_997_over_1000(self) -> None:
        """30 bps gives V2's 997/1000 formula exactly."""
        for a, r_in, r_out in [(10**18, 5 * 10**18, 10 * 10**18), (12345, 999_999, 777), (1, 3, 10**30)]:
            assert get_amount_out(a, r_in, r_out) == a * 997 * r_out // (r_in * 1000 + a * 997)
            if a < r_out:
                assert get_amount_in(a, r_in, r_out) == r_in * a * 1000 // ((r_out - a) * 997) + 1

    def test_output_at_reserve_fails(self) -> None:
        """An output equal to the reserve cannot be bought."""
        with pytest.raises(InsufficientLiquidity):
            get_amount_in(100, 100, 100)

    def test_bad_types(self) -> None:
        """Floats, negatives and bad fees are typed input errors."""
        with pytest.raises(InvalidAmount):
            get_amount_out(1.0, 100, 100)  # type: ignore[arg-type]
        with pytest.raises(InvalidAmount):
            get_amount_in(-1, 100, 100)
        with pytest.raises(InvalidArgument):
            get_amount_out(1, 100, 100, fee_bps=10_000)
