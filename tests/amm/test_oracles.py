"""Pool-derived feeds: Curve stableswap-ng's EMA price oracle and a sized, fee-inclusive quote.

The EMA is checked three ways: the integer ``exp`` against Solady's published vectors (the same
rational approximation: Vectorized/solady test/FixedPointMathLib.t.sol ``testExpWad``) and
against e^x to the wei; the average against a transcription of stableswap-ng's
``_calc_moving_average`` over the packed ``[last_price, ma_price]`` slot; and against the
closed form ``spot + (ema - spot) * exp(-dt / ma_exp_time)`` in floats. The spot price is
checked against the gradient of the invariant in exact fractions.
"""

from __future__ import annotations

import math
from decimal import Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amm import InsufficientLiquidity, StableSwap, get_amount_out
from amm import stableswap_math as sm
from amm.oracles import (
    SPOT_CAP,
    CurveEmaFeed,
    EmaState,
    EmaUpdated,
    PoolQuoteFeed,
    pool_spot_price,
    spot_prices,
    wad_exp,
)
from chain import InvalidAmount, InvalidArgument, PriceReading, UnknownContract
from tests.amm.conftest import add_liquidity, make_world, stableswap_world

E18 = 10**18

SOLADY_EXP = {
    -42139678854452767551: 0,
    -3 * E18: 49787068367863942,
    -2 * E18: 135335283236612691,
    -E18: 367879441171442321,
    -5 * 10**17: 606530659712633423,
    -3 * 10**17: 740818220681717866,
    0: E18,
    3 * 10**17: 1349858807576003103,
    5 * 10**17: 1648721270700128146,
    E18: 2718281828459045235,
    2 * E18: 7389056098930650227,
    3 * E18: 20085536923187667741,
    10 * E18: 22026465794806716516980,
    135305999368893231588: 57896044618658097650144101621524338577433870140581303254786265309376407432913,
}
"""Vectorized/solady test/FixedPointMathLib.t.sol ``testExpWad`` (commit 0109ad48)."""


class TestWadExp:
    @pytest.mark.parametrize("x, expected", SOLADY_EXP.items())
    def test_published_vectors(self, x, expected):
        """The contract's exp gives Solady's published values to the wei."""
        assert wad_exp(x) == expected

    def test_overflow_and_underflow(self):
        """At the overflow bound the contract reverts (typed here); below -41.45 it returns 0."""
        with pytest.raises(InvalidArgument, match="overflow"):
            wad_exp(135305999368893231589)
        assert wad_exp(-41446531673892822313) == 0

    @given(st.integers(-41446531673892822312, 0))
    def test_within_a_wei_of_e_to_the_x(self, x):
        """On the EMA's range (x <= 0) the result is within 1 wei of e^x * 1e18."""
        with localcontext() as ctx:
            ctx.prec = 60
            exact = (Decimal(x) / E18).exp() * E18
        assert abs(Decimal(wad_exp(x)) - exact) < 1


def gradient_price(xp: list[int], amp: int, d: int, i: int) -> Fraction:
    """Price of coin i in coin 0 (wad) from the invariant's gradient, exact:
    F = Ann S / AP + D - Ann D / AP - D^(n+1) / (n^n prod x); p_i = dF/dx_i / dF/dx_0."""
    n = len(xp)
    k = Fraction(d ** (n + 1), n**n * math.prod(xp))
    a = Fraction(amp * n, sm.A_PRECISION)
    return (a + k / xp[i]) / (a + k / xp[0]) * E18


class TestSpotPrice:
    @given(st.integers(10**18, 10**25), st.lists(st.integers(10, 1000), min_size=2, max_size=4),
           st.integers(1, 5000))
    def test_is_the_gradient_of_the_invariant(self, base, weights, a):
        """``_get_p`` is the exact gradient ratio at the same (integer) D to 1e-16 relative plus a
        wei (its floors of ``D**(n+1) / (n**n prod x)``), for balances of at least one token at
        most 100 times apart."""
        xp = [base * w // 10 for w in weights]
        amp = a * sm.A_PRECISION
        d = sm.get_D(xp, amp)
        for i, p in enumerate(spot_prices(xp, amp, d), start=1):
            exact = gradient_price(xp, amp, d, i)
            assert abs(p - exact) <= exact / 10**16 + 1

    def test_balanced_pool_is_exactly_one(self):
        """Equal scaled balances give a price of exactly 1e18."""
        xp = [123 * E18] * 3
        assert spot_prices(xp, 50 * sm.A_PRECISION, sm.get_D(xp, 50 * sm.A_PRECISION)) == [E18, E18]

    def test_matches_a_small_trade_without_fee(self):
        """Coin 1's state price in coin 0 is what a 1e12-wei sale of coin 1 pays per unit (no fee)."""
        _, pool = stableswap_world(fee=0, A=30, balances=(800 * E18, 1200 * E18))
        p = pool_spot_price(pool, 1)
        assert p < E18  # the abundant coin is cheaper
        assert abs(pool.get_dy(1, 0, 10**12) * E18 // 10**12 - p) <= p // 10**6


def vyper_ma(packed: int, window: int, ma_last_time: int, now: int) -> int:
    """stableswap-ng ``_calc_moving_average`` on the packed slot ``last | ema << 128``."""
    last_spot, last_ema = packed & (2**128 - 1), packed >> 128
    if ma_last_time < now:
        alpha = wad_exp(-((now - ma_last_time) * 10**18 // window))
        return (last_spot * (10**18 - alpha) + last_ema * alpha) // 10**18
    return last_ema


def ema_pool(ma_exp_time: int = 866, **kw):
    state, pool = stableswap_world(**kw)
    feed = CurveEmaFeed.deploy(state, "ema", "ethereum", pool="pool", ma_exp_time=ma_exp_time, base="stETH")
    return state, pool, feed


class TestCurveEma:
    def test_starts_at_the_spot_price(self):
        """Deployed on a trading pool, the average and the stored spot are the spot now."""
        state, pool, feed = ema_pool(balances=(900 * E18, 1100 * E18))
        spot = pool_spot_price(pool, 1)
        assert feed.record == EmaState(spot, spot, state.now)
        assert feed.latest() == PriceReading(spot, 18, state.now)
        assert (feed.base, feed.quote) == ("stETH", "WETH")

    def test_a_poke_at_the_same_time_stores_the_spot_only(self):
        """After a trade, a poke in the same second keeps the average and stores the new spot."""
        state, pool, feed = ema_pool()
        pool.exchange("trader", 1, 0, 200 * E18, 0)
        assert feed.poke() == E18
        spot = pool_spot_price(pool, 1)
        assert feed.record == EmaState(spot, E18, state.now)
        assert state.drain_events()[-1] == EmaUpdated("ema", spot, E18, state.now)

    @given(st.integers(1, 20_000), st.integers(1, 400))
    def test_average_is_the_vyper_fold_and_the_closed_form(self, dt, sold):
        """dt after a poke, price_oracle is the contract's fold and, in floats, spot + (ema-spot)e^(-dt/T)."""
        state, pool, feed = ema_pool()
        pool.exchange("trader", 1, 0, sold * E18, 0)
        feed.poke()
        st0 = feed.record
        state.advance(dt)
        oracle = feed.price_oracle()
        assert oracle == vyper_ma(st0.last_price | st0.ema_price << 128, 866, st0.ma_last_time, state.now)
        closed = st0.last_price + (st0.ema_price - st0.last_price) * math.exp(-dt / 866)
        assert oracle == pytest.approx(closed, rel=1e-15, abs=2)
        assert feed.latest() == PriceReading(oracle, 18, st0.ma_last_time)

    @given(st.lists(st.tuples(st.integers(0, 3000), st.integers(-300, 300)), max_size=12))
    def test_pokes_follow_the_contract_upkeep(self, steps):
        """Over trades and pokes, the feed's slot is a ghost slot upkept as ``upkeep_oracles`` does."""
        state, pool, feed = ema_pool()
        ghost_last, ghost_ema, ghost_time = E18, E18, state.now
        for dt, trade in steps:
            state.advance(dt)
            if trade:
                i = 1 if trade > 0 else 0
                pool.exchange("trader", i, 1 - i, abs(trade) * E18, 0)
            ema = vyper_ma(ghost_last | ghost_ema << 128, 866, ghost_time, state.now)
            xp = sm.scaled(pool.balances(), pool.rates())
            amp = pool.A_precise()
            ghost_last, ghost_ema, ghost_time = min(spot_prices(xp, amp, sm.get_D(xp, amp))[0], 2 * E18), ema, state.now
            assert feed.poke() == ema
            assert feed.record == EmaState(ghost_last, ghost_ema, ghost_time)

    def test_spot_is_capped_at_two(self):
        """A pool where coin 1 costs more than 2 of coin 0 stores 2e18 as the spot."""
        _, pool, feed = ema_pool(A=1, balances=(1000 * E18, 2 * E18))
        assert pool_spot_price(pool, 1) > SPOT_CAP
        assert feed.record.last_price == SPOT_CAP

    def test_decimals_rescale_down(self):
        """An 8-decimal EMA feed is the wad average floored to 8 decimals."""
        state, pool = stableswap_world(balances=(900 * E18, 1100 * E18))
        feed = CurveEmaFeed.deploy(state, "ema8", "ethereum", pool="pool", decimals=8)
        assert feed.latest().answer == pool_spot_price(pool, 1) // 10**10

    def test_refusals(self):
        """Not a StableSwap, coin 0 or out of range, ma_exp_time 0, an empty pool: typed errors, nothing registered."""
        state, pool = stableswap_world()
        w = make_world()
        pair = w.factory.create_pair(w.token0, w.token1)
        for kwargs, error in (({"coin": 0}, InvalidArgument), ({"coin": 2}, InvalidArgument),
                              ({"ma_exp_time": 0}, InvalidAmount)):
            with pytest.raises(error):
                CurveEmaFeed.deploy(state, "bad", "ethereum", pool="pool", **kwargs)
        with pytest.raises(InvalidArgument):
            CurveEmaFeed.deploy(w.state, "bad", "ethereum", pool=pair.address)
        StableSwap.deploy(state, "empty", "ethereum", list(pool.coins), A=50, fee=0, lp_symbol="crv:empty")
        with pytest.raises(InsufficientLiquidity):
            CurveEmaFeed.deploy(state, "bad", "ethereum", pool="empty")
        assert not state.has_address("bad") and not w.state.has_address("bad")


class TestPoolQuote:
    def test_is_get_dy_over_size_read_live(self):
        """The answer is get_dy(size) * 1e18 // size now; a trade moves it with no poke; updatedAt is now."""
        state, pool = stableswap_world()
        size = 50 * E18
        feed = PoolQuoteFeed.deploy(state, "q", "ethereum", pool="pool", i=1, j=0, size=size)
        assert feed.latest() == PriceReading(pool.get_dy(1, 0, size) * E18 // size, 18, state.now)
        pool.exchange("trader", 1, 0, 300 * E18, 0)
        state.advance(12)
        after = feed.latest()
        assert after == PriceReading(pool.get_dy(1, 0, size) * E18 // size, 18, state.now)
        assert (feed.base, feed.quote) == ("stETH", "WETH")

    def test_fee_is_included(self):
        """At balance the 4 bps pool quotes 1 wstETH below 1 by about the fee; a 0-fee pool by less."""
        state, pool = stableswap_world(balances=(10**6 * E18, 10**6 * E18))
        quote = PoolQuoteFeed.deploy(state, "q", "ethereum", pool="pool", i=1, j=0, size=E18).latest().answer
        assert E18 - quote == E18 - pool.get_dy(1, 0, E18)
        assert 4 * 10**14 <= E18 - quote <= 4 * 10**14 + 10**12

    @given(st.integers(1, 10**17), st.integers(1, 500))
    def test_grid_floors_the_quote(self, grid, size):
        """With a grid the answer is the exact quote rounded down to a multiple of the grid."""
        state, pool = stableswap_world(balances=(700 * E18, 1300 * E18))
        exact = pool.get_dy(1, 0, size * E18) * E18 // (size * E18)
        feed = PoolQuoteFeed.deploy(state, "g", "ethereum", pool="pool", i=1, j=0, size=size * E18, grid=grid)
        answer = feed.latest().answer
        assert answer == exact // grid * grid
        assert answer % grid == 0 and exact - grid < answer <= exact

    def test_grid_edge(self):
        """A quote exactly on the grid stays; one wei of grid more drops a whole step."""
        state, pool = stableswap_world()
        exact = pool.get_dy(1, 0, E18)
        on = PoolQuoteFeed.deploy(state, "on", "ethereum", pool="pool", i=1, j=0, size=E18, grid=exact)
        past = PoolQuoteFeed.deploy(state, "past", "ethereum", pool="pool", i=1, j=0, size=E18, grid=exact + 1)
        assert on.latest().answer == exact and past.latest().answer == 0

    def test_v2_pair_with_other_decimals(self):
        """On a V2 pair of a 6-decimal and an 18-decimal token the quote is getAmountOut per whole token."""
        w = make_world()
        usdc = w.state.add_token("ethereum", "USDC", 6)
        w.state.mint(usdc, "wallet", 10**30)
        pair = w.factory.create_pair(w.token0, usdc)
        amounts = {pair.token0: 0, pair.token1: 0}
        amounts[w.token0], amounts[usdc] = 1000 * E18, 2_000_000 * 10**6
        add_liquidity(w, pair, amounts[pair.token0], amounts[pair.token1])
        i = 0 if pair.token0 == w.token0 else 1
        feed = PoolQuoteFeed.deploy(w.state, "q", "ethereum", pool=pair.address, i=i, j=1 - i, size=10 * E18,
                                    decimals=8)
        r = pair.get_reserves()
        out = get_amount_out(10 * E18, r[i], r[1 - i], 30)
        assert feed.latest().answer == out * 10 ** (8 + 18) // (10 * E18 * 10**6)
        assert 1970 * 10**8 < feed.latest().answer < 1975 * 10**8  # 2000 less the 0.3% fee and ~1% impact

    @pytest.mark.parametrize("kwargs, error", [
        ({"i": 1, "j": 1}, InvalidArgument), ({"i": 2}, InvalidArgument), ({"size": 0}, InvalidAmount),
        ({"grid": 0}, InvalidArgument), ({"grid": 0.5}, InvalidArgument), ({"pool": "lp"}, UnknownContract),
    ])
    def test_refusals(self, kwargs, error):
        """Bad coins, size, grid or pool raise typed errors and register nothing."""
        state, _ = stableswap_world()
        settings = {"pool": "pool", "i": 1, "j": 0, "size": E18, **kwargs}
        with pytest.raises(error):
            PoolQuoteFeed.deploy(state, "bad", "ethereum", **settings)
        assert not state.has_address("bad")

