"""PoolQuote: the pool's integer get_dy from one read, and the float marginal price of the
2-coin invariant against exact finite differences of get_dy."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amm import InsufficientInputAmount, InvalidCoin, NoConvergence, StableSwap
from amm.stableswap_math import get_D
from amm.stableswap_price import PoolQuote, invariant
from chain import InvalidAmount, InvalidArgument, LstlabError, ManualFeed, State
from tests.amm.conftest import fails_unchanged

E18 = 10**18


def _pool(rate: int = 11 * 10**17, A: int = 50, fee: int = 4_000_000, admin_fee: int = 5 * 10**9,
          balances: tuple[int, int] = (1000 * E18, 900 * E18)) -> tuple[State, StableSwap, ManualFeed]:
    """WETH / wstETH rated by a stETH-per-wstETH feed."""
    state = State()
    state.add_network("ethereum")
    coins = [state.add_token("ethereum", "WETH"), state.add_token("ethereum", "wstETH")]
    for name in ("lp", "trader"):
        state.add_account(name)
        for coin in coins:
            state.mint(coin, name, 10**30)
    feed = ManualFeed.deploy(state, "rate", "ethereum", base="wstETH", quote="stETH", answer=rate)
    pool = StableSwap.deploy(state, "pool", "ethereum", coins, A=A, fee=fee, admin_fee=admin_fee,
                             rates=[None, feed.address])
    pool.add_liquidity("lp", list(balances), 0)
    return state, pool, feed


@given(
    rate=st.integers(9 * 10**17, 13 * 10**17),
    A=st.integers(1, 5000),
    b1=st.integers(1_000, 20_000),
    i=st.sampled_from([0, 1]),
    dx=st.integers(1, 10**25),
    before=st.one_of(st.just(0), st.integers(10**15, 10**24)),
)
def test_get_dy_is_the_pools(rate, A, b1, i, dx, before):
    """Equal to the pool's get_dy for any input, also after a trade left admin fees, and
    refused with the same error when the pool refuses."""
    _, pool, _ = _pool(rate, A, balances=(1000 * E18, b1 * 10**17))
    if before:
        try:
            pool.exchange("trader", 1 - i, i, before, 0)
        except LstlabError:
            pass
    quote = PoolQuote.of(pool)
    try:
        expected = pool.get_dy(i, 1 - i, dx)
    except LstlabError as refused:
        with pytest.raises(type(refused)):
            quote.get_dy(i, 1 - i, dx)
    else:
        assert quote.get_dy(i, 1 - i, dx) == expected


def test_a_pool_whose_invariant_does_not_converge():
    """Read without raising; its quotes and prices raise NoConvergence as the pool's do."""
    state, pool, _ = _pool(9 * 10**17, A=1, balances=(1000 * E18, 100 * E18))
    pool.exchange("trader", 0, 1, 11_521_554_168_884_903_280_482, 0)
    fails_unchanged(state, NoConvergence, pool.get_dy, 1, 0, 1)
    quote = PoolQuote.of(pool)
    assert quote.d is None and PoolQuote.of(pool).d is None  # remembered as not converging
    fails_unchanged(state, NoConvergence, quote.get_dy, 1, 0, 1)
    fails_unchanged(state, NoConvergence, quote.marginal, 1, 0)
    fails_unchanged(state, NoConvergence, quote.input_for, 1, 0, 0.9, E18)


@given(x0=st.integers(1, 10**30), x1=st.integers(1, 10**30), amp=st.integers(100, 10**6))
def test_the_invariant_remembered_is_get_D(x0, x1, amp):
    try:
        expected = get_D((x0, x1), amp)
    except NoConvergence:
        expected = None
    assert invariant((x0, x1), amp) == expected == invariant((x0, x1), amp)


def test_get_dy_during_a_ramp_and_after_a_rate_change():
    state, pool, feed = _pool()
    state.advance(86400)
    pool.ramp_A(200, state.now + 2 * 86400)
    state.advance(86400 // 3)
    feed.set(1_234_567_891_234_567_891)
    quote = PoolQuote.of(pool)
    assert quote.amp == pool.A_precise() != 50 * 100
    for dx in (1, 10**15, 10**18, 10**21, 10**24):
        assert [quote.get_dy(0, 1, dx), quote.get_dy(1, 0, dx)] == [pool.get_dy(0, 1, dx), pool.get_dy(1, 0, dx)]


@pytest.mark.parametrize(("i", "j", "dx", "exc"), [
    (0, 0, E18, InvalidCoin), (0, 2, E18, InvalidCoin), (True, 1, E18, InvalidCoin),
    (0, 1, 0, InsufficientInputAmount), (0, 1, -1, InvalidAmount), (0, 1, 1.5, InvalidAmount),
    (0, 1, 2**256, InvalidAmount),
])
def test_bad_input_is_refused_as_the_pool_refuses_it(i, j, dx, exc):
    state, pool, _ = _pool()
    quote = PoolQuote.of(pool)
    fails_unchanged(state, exc, pool.get_dy, i, j, dx)
    fails_unchanged(state, exc, quote.get_dy, i, j, dx)


@pytest.mark.parametrize("i", [0, 1])
@pytest.mark.parametrize("at", [0, 10**20, 3 * 10**20, 10**21])
def test_marginal_matches_exact_differences(i, at):
    """The float marginal price at the middle of a 1e15 step is the exact output of that step
    per wei to 1e-12 (the step's integer floors weigh ~1e-15)."""
    _, pool, _ = _pool(balances=(1000 * E18, 700 * E18))
    quote = PoolQuote.of(pool)
    step = 10**15
    exact = (pool.get_dy(i, 1 - i, at + 2 * step) - pool.get_dy(i, 1 - i, at + step)) / step
    assert quote.marginal(i, 1 - i, at + 1.5 * step) == pytest.approx(exact, rel=1e-12)
    assert quote.marginal(i, 1 - i, at + 10**19) < quote.marginal(i, 1 - i, at)


@given(i=st.sampled_from([0, 1]), bps=st.integers(1, 300), rate=st.integers(9 * 10**17, 12 * 10**17),
       A=st.integers(5, 2000))
def test_input_for_brings_the_marginal_price_to_the_target(i, bps, rate, A):
    """The input solved for a target lands the marginal price on it; beyond the cap it is the
    cap; above the current price it is 0."""
    _, pool, _ = _pool(rate, A)
    quote = PoolQuote.of(pool)
    now = quote.marginal(i, 1 - i)
    target = now * (1 - bps / 10_000)
    dx = quote.input_for(i, 1 - i, target, 10**27)
    assert 0 < dx < 10**27
    assert quote.marginal(i, 1 - i, dx) == pytest.approx(target, rel=1e-12)
    assert quote.input_for(i, 1 - i, target, int(dx) // 2) == int(dx) // 2
    assert quote.input_for(i, 1 - i, now * 1.0001, 10**27) == 0.0
    assert quote.input_for(i, 1 - i, now, 10**27) < 10**9  # float rounding, far below any step


def test_float_prices_need_two_coins():
    state = State()
    state.add_network("ethereum")
    coins = [state.add_token("ethereum", s) for s in ("A", "B", "C")]
    state.add_account("lp")
    for coin in coins:
        state.mint(coin, "lp", 10**30)
    pool = StableSwap.deploy(state, "pool3", "ethereum", coins, A=100, fee=1_000_000)
    pool.add_liquidity("lp", [100 * E18] * 3, 0)
    quote = PoolQuote.of(pool)
    assert quote.get_dy(0, 2, E18) == pool.get_dy(0, 2, E18)
    fails_unchanged(state, InvalidArgument, quote.marginal, 0, 1)
    fails_unchanged(state, InvalidArgument, quote.input_for, 0, 1, 0.99, E18)
