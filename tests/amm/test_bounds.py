"""Value checks (issue 13, section 2): StableSwap slippage bounds are ints in uint256, and the
V2 quotes revert where Router02's SafeMath reverts.

The overflow reference below is an independent transcription of v2-periphery
``UniswapV2Library.sol`` (pinned 0335e8f7e1bd1e8d8329fd300aea2ef2f36dd19f) with SafeMath's
``mul``/``add`` checks written out, in the 1000-based constants of the Solidity source.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amm import MathOverflow, Slippage, StableSwap, get_amount_in, get_amount_out, quote
from amm.library import fee_fraction
from chain import UINT256_MAX, InputError, Overflow, State
from tests.amm.conftest import fails_unchanged, stableswap_world

E18 = 10**18
BAD_BOUNDS = [math.nan, -1, 1.5, None, 2**256, True, "0"]


class _SafeMathRevert(Exception):
    pass


def _mul(a: int, b: int) -> int:
    if a * b > UINT256_MAX:
        raise _SafeMathRevert("ds-math-mul-overflow")
    return a * b


def _add(a: int, b: int) -> int:
    if a + b > UINT256_MAX:
        raise _SafeMathRevert("ds-math-add-overflow")
    return a + b


def v2_get_amount_out(amount_in: int, reserve_in: int, reserve_out: int) -> int:
    with_fee = _mul(amount_in, 997)
    numerator = _mul(with_fee, reserve_out)
    denominator = _add(_mul(reserve_in, 1000), with_fee)
    return numerator // denominator


def v2_get_amount_in(amount_out: int, reserve_in: int, reserve_out: int) -> int:
    numerator = _mul(_mul(reserve_in, amount_out), 1000)
    denominator = _mul(reserve_out - amount_out, 997)
    return numerator // denominator + 1


def v2_quote(amount_a: int, reserve_a: int, reserve_b: int) -> int:
    return _mul(amount_a, reserve_b) // reserve_a


class TestQuoteOverflow:
    def test_issue_reproductions(self) -> None:
        """The issue's two calls revert with a typed Overflow instead of returning a value."""
        with pytest.raises(MathOverflow) as err:
            get_amount_out(2**200, 2**112 - 1, 2**112 - 1)
        assert isinstance(err.value, Overflow) and err.value.code == "DS_MATH_OVERFLOW"
        with pytest.raises(MathOverflow):
            quote(2**200, 1, 2**100)
        with pytest.raises(MathOverflow):
            get_amount_in(2**100, 2**150, 2**101)  # reserve_in * amount_out * 1000 > 2**256

    def test_quote_boundary(self) -> None:
        """amount_a * reserve_b == 2**256 - 1 is the last product that fits; 2**256 reverts."""
        assert quote(UINT256_MAX, 1, 1) == UINT256_MAX
        assert quote(2**255 - 1, 3, 2) == (2**255 - 1) * 2 // 3
        with pytest.raises(MathOverflow):
            quote(2**255, 3, 2)

    def test_amount_out_boundary(self) -> None:
        """With reserve_out = 2 the product amount_in * 997 * 2 fits up to floor(MAX / 1994)."""
        last = UINT256_MAX // 1994
        assert get_amount_out(last, 1, 2) == v2_get_amount_out(last, 1, 2)
        with pytest.raises(MathOverflow):
            get_amount_out(last + 1, 1, 2)

    def test_fee_fraction(self) -> None:
        """Fees in lowest terms: 30 bps is V2's 997/1000; 0 is 1/1; 5 bps is 1999/2000."""
        assert fee_fraction(30) == (997, 1000)
        assert fee_fraction(0) == (1, 1)
        assert fee_fraction(5) == (1999, 2000)

    @given(
        a=st.integers(1, UINT256_MAX), r_in=st.integers(1, UINT256_MAX), r_out=st.integers(1, UINT256_MAX),
        scale=st.integers(0, 256),
    )
    def test_matches_router02_safemath(self, a: int, r_in: int, r_out: int, scale: int) -> None:
        """At 30 bps each quote reverts exactly when the SafeMath transcription does, and
        otherwise returns its value (inputs drawn across every magnitude up to uint256)."""
        a = max(1, a >> scale)
        for ours, theirs, args in (
            (get_amount_out, v2_get_amount_out, (a, r_in, r_out)),
            (quote, v2_quote, (a, r_in, r_out)),
            (get_amount_in, v2_get_amount_in, (min(a, r_out - 1) or 1, r_in, r_out) if r_out > 1 else None),
        ):
            if args is None:
                continue
            try:
                expected = theirs(*args)
            except _SafeMathRevert:
                with pytest.raises(MathOverflow):
                    ours(*args)
            else:
                assert ours(*args) == expected


def _curve() -> tuple[State, StableSwap]:
    state, pool = stableswap_world("curve", admin_fee=0)
    pool.add_liquidity("trader", [10 * E18, 10 * E18], 0)
    return state, pool


class TestStableSwapBounds:
    @pytest.mark.parametrize("bad", BAD_BOUNDS, ids=repr)
    def test_bad_bounds_are_refused(self, bad: object) -> None:
        """NaN (which disabled slippage protection), negatives, floats, None (TypeError before),
        bools, strings and 2**256 raise an InputError naming the bound, and write nothing."""
        state, pool = _curve()
        calls = [
            ("min_dy", pool.exchange, ("trader", 0, 1, E18, bad)),
            ("min_mint_amount", pool.add_liquidity, ("trader", [E18, E18], bad)),
            ("max_burn_amount", pool.remove_liquidity_imbalance, ("trader", [E18, 0], bad)),
            ("min_amount", pool.remove_liquidity_one_coin, ("trader", E18, 0, bad)),
            ("min_amounts", pool.remove_liquidity, ("trader", E18, [0, bad])),
        ]
        for name, fn, args in calls:
            digest = state.digest()
            with pytest.raises(InputError) as err:
                fn(*args)
            assert state.digest() == digest
            assert name in str(err.value)

    def test_bounds_at_the_exact_result(self) -> None:
        """Each bound passes at the exact result and fails (Slippage) one wei past it."""
        state, pool = _curve()
        dy = pool.get_dy(0, 1, E18)
        fails_unchanged(state, Slippage, pool.exchange, "trader", 0, 1, E18, dy + 1)
        assert pool.exchange("trader", 0, 1, E18, dy) == dy
        one = pool.calc_withdraw_one_coin(E18, 0)
        fails_unchanged(state, Slippage, pool.remove_liquidity_one_coin, "trader", E18, 0, one + 1)
        assert pool.remove_liquidity_one_coin("trader", E18, 0, one) == one
        snap = state.snapshot()
        burnt = pool.remove_liquidity_imbalance("trader", [E18, 0], UINT256_MAX)
        state.revert(snap)
        fails_unchanged(state, Slippage, pool.remove_liquidity_imbalance, "trader", [E18, 0], burnt - 1)
        assert pool.remove_liquidity_imbalance("trader", [E18, 0], burnt) == burnt
