"""The amm hot paths against their general forms: the two-coin StableSwap quote unrolled
(exchange_dy2) against exchange_dy, a swap's inline settlement against Pair._settle (a flash
swap's), and get_amount_out's one-test fast path against its checks."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amm import InsufficientInputAmount, InsufficientLiquidity, Pair
from amm import stableswap_math as sm
from amm.library import get_amount_out
from chain import InvalidAmount
from tests.amm.conftest import E18, World, make_world


def _outcome(fn, *args):
    try:
        return fn(*args)
    except Exception as exc:  # noqa: BLE001 - compared, not swallowed
        return type(exc), str(exc)


class TestExchangeDy2:
    @settings(max_examples=300)
    @given(
        x0=st.integers(min_value=1, max_value=10**30), x1=st.integers(min_value=1, max_value=10**30),
        i=st.integers(min_value=0, max_value=1), dx=st.integers(min_value=1, max_value=10**30),
        rate0=st.integers(min_value=10**15, max_value=10**21), rate1=st.integers(min_value=10**15, max_value=10**21),
        a=st.integers(min_value=1, max_value=10**5), fee=st.integers(min_value=0, max_value=sm.MAX_FEE),
    )
    def test_agrees_with_exchange_dy(self, x0, x1, i, dx, rate0, rate1, a, fee):
        """The same (dy, fee) or the same error for any balances, rates, A and fee."""
        rates = (rate0, rate1)
        amp = a * sm.A_PRECISION
        general = _outcome(sm.exchange_dy, i, 1 - i, dx, [x0, x1], rates, amp, fee)
        unrolled = _outcome(sm.exchange_dy2, i, dx, x0, x1, rates[i], rates[1 - i], amp, fee)
        assert unrolled == general

    def test_too_small_an_input_is_named_as_before(self):
        """A dx that buys nothing raises InsufficientInputAmount with exchange_dy's message."""
        xp, rates = [761_112, 30_452], (E18, E18)  # 1 wei in: y rounds past the balance, dy = -1
        general = _outcome(sm.exchange_dy, 0, 1, 1, xp, rates, 3000, 0)
        assert general[0] is InsufficientInputAmount
        assert _outcome(sm.exchange_dy2, 0, 1, *xp, E18, E18, 3000, 0) == general


def _pool() -> tuple[World, Pair]:
    world = make_world()
    pair = world.factory.create_pair(world.token0, world.token1)
    with world.state.tx("wallet"):
        world.state.transfer(pair.token0, "wallet", pair.address, 10**24)
        world.state.transfer(pair.token1, "wallet", pair.address, 2 * 10**24)
        pair.mint("wallet")
    return world, pair


class TestSwapSettlement:
    @settings(max_examples=60, deadline=None)
    @given(amount_in=st.integers(min_value=10**6, max_value=10**23), zero_for_one=st.booleans(),
           wait=st.integers(min_value=0, max_value=10**5), extra=st.integers(min_value=0, max_value=1))
    def test_the_stored_record_is_settles(self, amount_in, zero_for_one, wait, extra):
        """After the input arrives, a swap stores _settle's record and reports its inputs; one wei
        more than getAmountOut raises _settle's error and writes nothing."""
        world, pair = _pool()
        state = world.state
        state.advance(wait)
        r = pair.reserves
        token_in = pair.token0 if zero_for_one else pair.token1
        r_in, r_out = (r.reserve0, r.reserve1) if zero_for_one else (r.reserve1, r.reserve0)
        out = get_amount_out(amount_in, r_in, r_out) + extra
        out0, out1 = (0, out) if zero_for_one else (out, 0)
        state.transfer(token_in, "wallet", pair.address, amount_in)
        balance0 = state.balance_of(pair.token0, pair.address) - out0
        balance1 = state.balance_of(pair.token1, pair.address) - out1
        expected = _outcome(pair._settle, r, balance0, balance1, out0, out1)
        got = _outcome(pair.swap, out0, out1, "wallet")
        if extra:
            assert got == expected and pair.reserves == r
        else:
            record, in0, in1 = expected
            assert got is None and pair.reserves == record
            assert (state.events[-1].amount0_in, state.events[-1].amount1_in) == (in0, in1)


class TestAmountOutFastPath:
    @pytest.mark.parametrize("args, error", [
        ((0, 10, 10), InsufficientInputAmount), ((1, 0, 10), InsufficientLiquidity),
        ((1, 10, 0), InsufficientLiquidity), ((-1, 10, 10), InvalidAmount), ((1.0, 10, 10), InvalidAmount),
        ((True, 10, 10), InvalidAmount), ((1, 10, 2**256), InvalidAmount),
    ])
    def test_bad_inputs_raise_as_before(self, args, error):
        with pytest.raises(error):
            get_amount_out(*args)

    @given(amount=st.integers(min_value=1, max_value=2**112), r_in=st.integers(min_value=1, max_value=2**112),
           r_out=st.integers(min_value=1, max_value=2**112), fee=st.sampled_from([0, 5, 30, 100, 9999]))
    def test_the_floor_formula(self, amount, r_in, r_out, fee):
        kept = 10_000 - fee
        assert get_amount_out(amount, r_in, r_out, fee) == amount * kept * r_out // (r_in * 10_000 + amount * kept)
