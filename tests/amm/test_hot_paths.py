"""The amm hot paths against their general forms: the two-coin StableSwap quote unrolled
(exchange_dy2) against exchange_dy, Curve's y iteration answered by an isqrt against the
iteration, a swap's inline settlement against Pair._settle (a flash swap's), get_amount_out's
one-test fast path against its checks, and PoolQuote's quote against exchange_dy.
tests/amm/test_general_paths.py compares the inlined actions with their general forms."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amm import InsufficientInputAmount, InsufficientLiquidity, NoConvergence, Pair
from amm import stableswap_math as sm
from amm.library import get_amount_out
from amm.stableswap_price import PoolQuote
from amm.validation import validate_coins, validate_input
from chain import InvalidAmount
from tests.amm.conftest import E18, World, make_world


def _outcome(fn, *args):
    try:
        return fn(*args)
    except Exception as exc:  # noqa: BLE001 - compared, not swallowed
        return type(exc), str(exc)


RATES = st.one_of(st.just(sm.PRECISION), st.integers(min_value=10**15, max_value=10**21), st.just(10**30))


class TestExchangeDy2:
    @settings(max_examples=300)
    @given(
        x0=st.integers(min_value=1, max_value=10**30), x1=st.integers(min_value=1, max_value=10**30),
        i=st.integers(min_value=0, max_value=1), dx=st.integers(min_value=1, max_value=10**30),
        rate0=RATES, rate1=RATES, a=st.integers(min_value=1, max_value=10**5),
        fee=st.integers(min_value=0, max_value=sm.MAX_FEE), ramping=st.integers(min_value=0, max_value=99),
    )
    def test_agrees_with_exchange_dy(self, x0, x1, i, dx, rate0, rate1, a, fee, ramping):
        """The same (dy, fee) or the same error for any balances, rates (1e18 among them), A
        (mid-ramp too) and fee, with D computed or given."""
        rates = (rate0, rate1)
        amp = a * sm.A_PRECISION + ramping
        general = _outcome(sm.exchange_dy, i, 1 - i, dx, [x0, x1], rates, amp, fee)
        unrolled = _outcome(sm.exchange_dy2, i, dx, x0, x1, rates[i], rates[1 - i], amp, fee)
        assert unrolled == general
        d = _outcome(sm.get_D, [x0, x1], amp)
        if type(d) is int:
            general = _outcome(sm.exchange_dy, i, 1 - i, dx, [x0, x1], rates, amp, fee, d)
            assert _outcome(sm.exchange_dy2, i, dx, x0, x1, rates[i], rates[1 - i], amp, fee, d) == general

    def test_too_small_an_input_is_named_as_before(self):
        """A dx that buys nothing raises InsufficientInputAmount with exchange_dy's message."""
        xp, rates = [761_112, 30_452], (E18, E18)  # 1 wei in: y rounds past the balance, dy = -1
        general = _outcome(sm.exchange_dy, 0, 1, 1, xp, rates, 3000, 0)
        assert general[0] is InsufficientInputAmount
        assert _outcome(sm.exchange_dy2, 0, 1, *xp, E18, E18, 3000, 0) == general


def _y_by_rounds(c: int, b: int, d: int) -> object:
    """Curve's y iteration round by round (what _solve_y returns or raises)."""
    return _outcome(sm._solve_y_loop, c, b - d, d)


def _get_y_terms(x0: int, x_new: int, amp: int) -> tuple[int, int, int] | None:
    """``(c, b, D)`` of get_y for two coins when coin 0 becomes ``x_new`` (None where D fails)."""
    d = _outcome(sm.get_D, [x0, x0], amp)
    if type(d) is not int or d == 0:
        return None
    ann = amp * 2
    return d * d // (x_new * 2) * d * sm.A_PRECISION // (ann * 2), x_new + d * sm.A_PRECISION // ann, d


class TestSolveY:
    def test_every_small_case(self):
        """Every c, b and D in a small box (negative ones too, zero divisions, the cases the
        direct answer leaves to the iteration): the same result or the same error."""
        for c in range(-2, 50):
            for b in range(-25, 35):
                for d in range(-3, 35):
                    assert _outcome(sm._solve_y, c, b, d) == _y_by_rounds(c, b, d), (c, b, d)

    @settings(max_examples=500)
    @given(c=st.integers(min_value=-10, max_value=2**300), b=st.integers(min_value=-(2**160), max_value=2**160),
           d=st.integers(min_value=-10, max_value=2**256))
    def test_any_terms(self, c, b, d):
        assert _outcome(sm._solve_y, c, b, d) == _y_by_rounds(c, b, d)

    @settings(max_examples=500)
    @given(x0=st.integers(min_value=10**12, max_value=10**30), dx=st.integers(min_value=0, max_value=10**31),
           a=st.integers(min_value=1, max_value=10**6 - 1), ramping=st.integers(min_value=0, max_value=99))
    def test_pool_terms_are_answered_directly(self, x0, dx, a, ramping):
        """For get_y's terms of a pool of more than a micro-token (1e12 wei) the direct answer
        holds (the rounds never run) and is the iteration's; a c of 0 (an input of more than
        about D**2 wei) is left to the rounds. (In pools of a few wei, f(m + 1) is often 1.)"""
        terms = _get_y_terms(x0, x0 + dx, a * sm.A_PRECISION + ramping)
        if terms is None or terms[0] == 0:
            return
        expected = _y_by_rounds(*terms)
        with pytest.MonkeyPatch.context() as patched:
            patched.setattr(sm, "_solve_y_loop", lambda *args: pytest.fail(f"the rounds ran for {terms}"))
            assert _outcome(sm._solve_y, *terms) == expected

    @pytest.mark.parametrize("d", [2**253, 2**254 - 1, 2**254, 2**254 + 1, 2**255, 2**256 - 1])
    @pytest.mark.parametrize("c, b_less", [(1, 0), (4, 0), (1, 1), (10**6, 3), (2**100, -5), (1, 2**254),
                                           (2**200, 3 - 2**254), (10**40, -(2**100))])
    def test_near_the_bound_on_rounds(self, d, c, b_less):
        """Started far above a small root, the iteration takes about one round per bit of D
        (it fails to converge from 2**256 - 1): the direct answer only below 2**254, where the
        rounds still converge."""
        b = d + b_less
        assert _outcome(sm._solve_y, c, b, d) == _y_by_rounds(c, b, d)
        if (c, b_less) == (1, 0) and d == 2**256 - 1:
            assert _y_by_rounds(c, b, d)[0] is NoConvergence  # y halves each round: 256 rounds to 1


def _curve_get_D(xp: list[int], amp: int) -> int | None:
    """``get_D`` of StableSwap3Pool.vy for n coins, as written there (None: no convergence)."""
    n = len(xp)
    s = sum(xp)
    if s == 0:
        return 0
    d, ann = s, amp * n
    for _ in range(255):
        d_p = d
        for x in xp:
            d_p = d_p * d // (x * n + 1)
        d_prev = d
        d = (ann * s // sm.A_PRECISION + d_p * n) * d // ((ann - sm.A_PRECISION) * d // sm.A_PRECISION + (n + 1) * d_p)
        if d > d_prev:
            if d - d_prev <= 1:
                return d
        elif d_prev - d <= 1:
            return d
    return None


class TestGetD:
    @settings(max_examples=300)
    @given(xp=st.lists(st.one_of(st.just(0), st.integers(min_value=1, max_value=10**30)), min_size=2, max_size=8),
           amp=st.integers(min_value=1, max_value=10**8))
    def test_is_the_contracts_loop(self, xp, amp):
        """n coins: the round's constants taken out of the loop change nothing; two coins: the
        unrolled loop is the same."""
        expected = _outcome(_curve_get_D, xp, amp)
        got = _outcome(sm.get_D, xp, amp)
        if expected is None:
            assert got[0] is NoConvergence
        else:
            assert got == expected


class TestPoolQuote:
    @settings(max_examples=200, deadline=None)
    @given(x0=st.integers(min_value=1, max_value=10**27), x1=st.integers(min_value=1, max_value=10**27),
           rate1=RATES, a=st.integers(min_value=1, max_value=10**4), fee=st.integers(min_value=0, max_value=sm.MAX_FEE),
           i=st.integers(min_value=0, max_value=1), dx=st.integers(min_value=1, max_value=10**28))
    def test_get_dy_is_exchange_dy(self, x0, x1, rate1, a, fee, i, dx):
        """A read of two coins quotes as exchange_dy at its D (or raises as it does)."""
        rates = (sm.PRECISION, rate1)
        xp = (x0, x1)
        amp = a * sm.A_PRECISION
        d = _outcome(sm.get_D, xp, amp)
        quote = PoolQuote(xp, rates, amp, d if type(d) is int else None, fee)
        expected = _outcome(lambda: sm.exchange_dy(i, 1 - i, dx, xp, rates, amp, fee, quote.d)[0])
        assert _outcome(quote.get_dy, i, 1 - i, dx) == expected

    @pytest.mark.parametrize("args", [(0, 0, 1), (0, 2, 1), (-1, 1, 1), (True, 0, 1), (0, 1, 0), (0, 1, -1),
                                      (0, 1, 1.0), (0, 1, 2**256)])
    def test_bad_arguments_raise_as_before(self, args):
        quote = PoolQuote((10**21, 10**21), (E18, E18), 5000, sm.get_D((10**21, 10**21), 5000), 4_000_000)
        i, j, dx = args

        def general():
            validate_coins(i, j, 2)
            validate_input(dx)

        expected = _outcome(general)
        assert type(expected) is tuple and isinstance(expected[0], type)
        assert _outcome(quote.get_dy, *args) == expected
        coins = _outcome(validate_coins, i, j, 2)
        if coins is not None:
            assert _outcome(quote.marginal, i, j) == coins


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
