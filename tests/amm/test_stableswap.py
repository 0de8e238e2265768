"""StableSwap against an independent transcription of Curve's published integer formulas.

Formulas: curvefi/curve-contract contracts/pools/steth/StableSwapSTETH.vy (get_D with the +1 in
the D_P denominator, get_y, get_y_D, get_dy's -1, the imbalance fee n/(4(n-1)), one-coin
withdrawal). The reference below is written for two coins from that text, without the
package's loops, and also checked against the invariant equation with exact fractions.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amm import (
    InsufficientInputAmount,
    InsufficientLiquidity,
    InvalidCoin,
    InvalidRamp,
    Slippage,
    StableSwap,
    TokenExchange,
)
from amm import stableswap_math as sm
from chain import InsufficientBalance, ManualFeed, State, UnknownAccount
from tests.amm.conftest import fails_unchanged, stableswap_world

E18 = 10**18
AP = 100  # A_PRECISION


def ref_D(x0: int, x1: int, amp: int) -> int:
    s = x0 + x1
    if s == 0:
        return 0
    d, ann = s, amp * 2
    for _ in range(255):
        d_p = d * d // (x0 * 2 + 1)
        d_p = d_p * d // (x1 * 2 + 1)
        prev = d
        d = (ann * s // AP + d_p * 2) * d // ((ann - AP) * d // AP + 3 * d_p)
        if abs(d - prev) <= 1:
            return d
    raise AssertionError("reference get_D did not converge")


def ref_y(x_other: int, d: int, amp: int) -> int:
    """The balance of the other coin for invariant ``d`` (get_y and get_y_D for two coins)."""
    ann = amp * 2
    c = d * d // (x_other * 2)
    c = c * d * AP // (ann * 2)
    b = x_other + d * AP // ann
    y = d
    for _ in range(255):
        prev = y
        y = (y * y + c) // (2 * y + b - d)
        if abs(y - prev) <= 1:
            return y
    raise AssertionError("reference get_y did not converge")


def ref_dy(x: tuple[int, int], i: int, dx: int, amp: int, fee: int) -> int:
    d = ref_D(*x, amp)
    dy = x[1 - i] - ref_y(x[i] + dx, d, amp) - 1
    return dy - fee * dy // 10**10


def ref_withdraw_one(x: tuple[int, int], burn: int, supply: int, i: int, amp: int, fee: int) -> int:
    d0 = ref_D(*x, amp)
    d1 = d0 - burn * d0 // supply
    new_y = ref_y(x[1 - i], d1, amp)
    f = fee * 2 // 4
    reduced = list(x)
    reduced[i] -= f * (x[i] * d1 // d0 - new_y) // 10**10
    reduced[1 - i] -= f * (x[1 - i] - x[1 - i] * d1 // d0) // 10**10
    return reduced[i] - ref_y(reduced[1 - i], d1, amp) - 1


TABLE = [  # x0, x1, A
    (E18, E18, 5), (1000 * E18, 1000 * E18, 50), (200 * E18, 800 * E18, 50), (10**24, 3 * 10**23, 100),
    (5 * 10**26, 10**20, 2000), (123456789, 987654321, 1), (10**30, 10**30, 10**5), (7 * E18, 3 * E18, 10),
]


class TestReferenceFormulas:
    @pytest.mark.parametrize("x0,x1,A", TABLE)
    def test_get_D_get_y_match(self, x0: int, x1: int, A: int) -> None:
        """get_D, get_y and get_y_D equal the transcription on a table of pools."""
        amp = A * AP
        d = sm.get_D([x0, x1], amp)
        assert d == ref_D(x0, x1, amp)
        x = x0 + x0 // 7 + 1
        assert sm.get_y(0, 1, x, [x0, x1], amp) == ref_y(x, d, amp)
        assert sm.get_y_D(amp, 1, [x0, x1], d - d // 9) == ref_y(x0, d - d // 9, amp)

    @pytest.mark.parametrize("x0,x1,A", TABLE)
    def test_D_solves_the_invariant(self, x0: int, x1: int, A: int) -> None:
        """Ann S + D = Ann D + D^(n+1)/(n^n P) holds to a few wei at the computed D (Curve's stored
        A already includes n^(n-1), so Ann = A*n)."""
        d = Fraction(sm.get_D([x0, x1], A * AP))
        lhs = A * 2 * (x0 + x1) + d
        rhs = A * 2 * d + d**3 / (4 * x0 * x1)
        # |dD| <= 1 and floors cost a few wei of D; the +1 in (x*n + 1) costs 1/(2 min x)
        assert abs(lhs / rhs - 1) < Fraction(10, int(d)) + Fraction(1, min(x0, x1))

    def test_three_coins_balanced(self) -> None:
        """A balanced 3-coin pool has D = sum of balances."""
        assert sm.get_D([10**24] * 3, 2000 * AP) == 3 * 10**24


def _world(rates=None, fee: int = 4_000_000, admin_fee: int = 5 * 10**9, A: int = 50, balances=(1000 * E18, 1000 * E18)):
    return stableswap_world(rates=rates, fee=fee, admin_fee=admin_fee, A=A, balances=balances)


class TestPool:
    def test_first_deposit_mints_D(self) -> None:
        """The first deposit mints D1 and the virtual price is 1."""
        _state, pool = _world(balances=(200 * E18, 800 * E18))
        assert pool.total_supply() == ref_D(200 * E18, 800 * E18, 50 * AP)
        assert pool.get_virtual_price() == E18

    @given(dx=st.integers(1, 10**24), i=st.integers(0, 1), b0=st.integers(10**18, 10**25), pct=st.integers(1, 10**4),
           fee=st.integers(0, 5 * 10**9), admin=st.integers(0, 10**10))
    def test_get_dy_equals_exchange_and_reference(self, dx, i, b0, pct, fee, admin) -> None:
        """get_dy == exchange == the transcribed formula; the admin share is dy_fee*admin_fee//1e10
        (pools between 1:100 and 100:1, where Curve's Newton iterations converge)."""
        b1 = max(1, b0 * pct // 100)
        state, pool = _world(fee=fee, admin_fee=admin, balances=(b0, b1))
        x, amp = (b0, b1), 50 * AP
        raw = x[1 - i] - ref_y(x[i] + dx, ref_D(*x, amp), amp) - 1
        if raw < 0:  # dx too small to buy a wei: Curve underflows, the pool raises
            fails_unchanged(state, InsufficientInputAmount, pool.exchange, "trader", i, 1 - i, dx, 0)
            return
        quoted = pool.get_dy(i, 1 - i, dx)
        assert quoted == ref_dy(x, i, dx, amp, fee)
        got = pool.exchange("trader", i, 1 - i, dx, quoted)
        assert got == quoted
        assert state.events[-1] == TokenExchange("pool", "trader", i, dx, 1 - i, got)
        assert pool.record.admin_balances[1 - i] == raw * fee // 10**10 * admin // 10**10

    @given(ppm=st.integers(0, 10**6), b0=st.integers(10**20, 10**24), ratio=st.integers(1, 10), i=st.integers(0, 1))
    def test_feeless_exchange_conserves_D(self, ppm, b0, ratio, i) -> None:
        """Without a fee D does not fall and rises only by rounding (a few wei; pools within 1:10,
        trades up to the smaller balance)."""
        _state, pool = _world(fee=0, admin_fee=0, balances=(b0, b0 * ratio))
        dx = max(1, b0 * ppm // 10**6)
        d0 = pool.get_D()
        pool.exchange("trader", i, 1 - i, dx, 0)
        d1 = pool.get_D()
        assert d0 <= d1 <= d0 + 4

    def test_price_at_balance_is_one(self) -> None:
        """In a balanced pool a small trade pays dx minus the -1 rounding, before fees."""
        _state, pool = _world(fee=0, balances=(10**24, 10**24))
        assert pool.get_dy(0, 1, 10**12) == 10**12 - 1
        assert pool.get_dy(1, 0, 10**6) == 10**6 - 1

    def test_steth_pool_prices(self) -> None:
        """At A=50, 20/80 ETH/stETH prices stETH near 0.946 ETH (REFERENCE.md section 7, derived)."""
        _state, pool = _world(fee=0, balances=(200 * E18, 800 * E18))
        price = Fraction(pool.get_dy(1, 0, 10**15), 10**15)
        assert abs(price - Fraction(946, 1000)) < Fraction(1, 1000)

    def test_imbalanced_deposit_and_one_coin_withdrawal(self) -> None:
        """Imbalance fees and one-coin withdrawals equal the transcribed formulas."""
        _state, pool = _world(admin_fee=0)
        amp, fee = 50 * AP, 4_000_000
        supply, x = pool.total_supply(), (1000 * E18, 1000 * E18)
        d0 = ref_D(*x, amp)
        new = [x[0] + 100 * E18, x[1]]
        d1 = ref_D(*new, amp)
        f = fee * 2 // 4
        fees = [f * abs(d1 * x[k] // d0 - new[k]) // 10**10 for k in range(2)]
        d2 = ref_D(new[0] - fees[0], new[1] - fees[1], amp)
        minted = pool.add_liquidity("trader", [100 * E18, 0], 0)
        assert minted == supply * (d2 - d0) // d0
        supply, x = pool.total_supply(), tuple(pool.balances())
        assert pool.calc_withdraw_one_coin(minted, 1) == ref_withdraw_one(x, minted, supply, 1, amp, fee)
        paid = pool.remove_liquidity_one_coin("trader", minted, 1, 0)
        assert paid == ref_withdraw_one(x, minted, supply, 1, amp, fee)
        assert pool.get_virtual_price() > E18

    def test_balanced_withdrawal(self) -> None:
        """remove_liquidity pays balance*amount//supply of each coin."""
        _state, pool = _world()
        supply = pool.total_supply()
        out = pool.remove_liquidity("lp", supply // 3, [0, 0])
        assert out == (1000 * E18 * (supply // 3) // supply,) * 2

    def test_rates_make_wsteth_behave_like_steth(self) -> None:
        """A pool whose coin 1 is rated by a 1.1e18 feed trades as a classic pool of scaled balances."""
        state = State()
        state.add_network("ethereum")
        coins = [state.add_token("ethereum", "WETH"), state.add_token("ethereum", "wstETH")]
        state.add_account("lp")
        for coin in coins:
            state.mint(coin, "lp", 10**30)
        feed = ManualFeed.deploy(state, "rate", "ethereum", base="wstETH", quote="stETH", answer=11 * 10**17)
        pool = StableSwap.deploy(state, "pool", "ethereum", coins, A=50, fee=4_000_000, rates=[None, feed.address])
        pool.add_liquidity("lp", [1000 * E18, 900 * E18], 0)
        xp = (1000 * E18, 900 * E18 * 11 // 10)
        dx = 10 * E18
        assert pool.get_dy(1, 0, dx) == ref_dy(xp, 1, dx * 11 // 10, 50 * AP, 4_000_000)
        raw = xp[1] - ref_y(xp[0] + dx, ref_D(*xp, 50 * AP), 50 * AP) - 1
        assert pool.get_dy(0, 1, dx) == (raw - raw * 4_000_000 // 10**10) * E18 // (11 * 10**17)
        feed.set(12 * 10**17)  # the rate is read at every call
        xp = (1000 * E18, 900 * E18 * 12 // 10)
        assert pool.get_dy(1, 0, dx) == ref_dy(xp, 1, dx * 12 // 10, 50 * AP, 4_000_000)


class TestRampAndGovernance:
    def test_ramp_interpolates(self) -> None:
        """A ramps linearly; stop_ramp_A freezes it."""
        state, pool = _world()
        state.advance(86400)
        pool.ramp_A(100, state.now + 2 * 86400)
        state.advance(86400)
        assert pool.A_precise() == 5000 + (10000 - 5000) * 86400 // (2 * 86400)
        pool.stop_ramp_A()
        state.advance(86400)
        assert pool.A() == 75

    def test_ramp_rules(self) -> None:
        """Too soon, too short, too large a change or A out of range: InvalidRamp, nothing written."""
        state, pool = _world()
        pool.ramp_A(60, state.now + 86400)
        fails_unchanged(state, InvalidRamp, pool.ramp_A, 100, state.now + 2 * 86400)  # within MIN_RAMP_TIME of the last
        state.advance(86400)
        fails_unchanged(state, InvalidRamp, pool.ramp_A, 100, state.now + 86399)
        fails_unchanged(state, InvalidRamp, pool.ramp_A, 601, state.now + 86400)
        fails_unchanged(state, InvalidRamp, pool.ramp_A, 5, state.now + 86400)
        fails_unchanged(state, InvalidRamp, pool.ramp_A, 10**6, state.now + 86400)
        pool.ramp_A(600, state.now + 86400)

    def test_governable_params(self) -> None:
        """fee and admin_fee are set directly; A ramps over MIN_RAMP_TIME."""
        state, pool = _world()
        pool.set_param("fee", 10**7)
        assert pool.record.fee == 10**7
        state.advance(86400)
        pool.set_param("A", 100)
        state.advance(86400)
        assert pool.get_param("A") == 100


class TestBadInput:
    def test_errors_write_nothing(self) -> None:
        """Same coin, bad index, zero amount, slippage, unknown sender or too much LP: typed errors."""
        state, pool = _world()
        fails_unchanged(state, InvalidCoin, pool.exchange, "trader", 0, 0, E18, 0)
        fails_unchanged(state, InvalidCoin, pool.exchange, "trader", 0, 2, E18, 0)
        fails_unchanged(state, InsufficientInputAmount, pool.exchange, "trader", 0, 1, 0, 0)
        fails_unchanged(state, Slippage, pool.exchange, "trader", 0, 1, E18, pool.get_dy(0, 1, E18) + 1)
        fails_unchanged(state, UnknownAccount, pool.exchange, "nobody", 0, 1, E18, 0)
        fails_unchanged(state, InsufficientBalance, pool.remove_liquidity, "trader", E18, [0, 0])
        fails_unchanged(state, InsufficientBalance, pool.remove_liquidity_one_coin, "trader", E18, 0, 0)
        fails_unchanged(state, Slippage, pool.add_liquidity, "trader", [E18, E18], 10**30)
        state.add_account("poor")
        state.mint(pool.coins[1], "poor", E18)
        fails_unchanged(state, InsufficientBalance, pool.add_liquidity, "poor", [0, 2 * E18], 0)


class TestThreeCoins:
    def test_exchange_matches_get_dy_and_keeps_D(self) -> None:
        """A 3-coin pool (3pool-sized A) quotes what it pays, and its D does not fall."""
        state = State()
        state.add_network("ethereum")
        coins = [state.add_token("ethereum", s) for s in ("DAI", "USDC", "USDT")]
        state.add_account("lp")
        for coin in coins:
            state.mint(coin, "lp", 10**30)
        pool = StableSwap.deploy(state, "pool3", "ethereum", coins, A=2000, fee=1_000_000)
        pool.add_liquidity("lp", [10**24, 2 * 10**24, 3 * 10**24], 0)
        assert pool.total_supply() == sm.get_D([10**24, 2 * 10**24, 3 * 10**24], 2000 * AP)
        d0 = pool.get_D()
        quoted = pool.get_dy(2, 0, 10**23)
        assert pool.exchange("lp", 2, 0, 10**23, quoted) == quoted
        assert pool.get_D() >= d0
        fails_unchanged(state, InvalidCoin, pool.get_dy, 0, 3, 1)


class TestImbalancedWithdrawal:
    def test_matches_the_formula(self) -> None:
        """LP burnt equals (D0 - D2)*S//D0 with the imbalance fee taken from the new balances."""
        state, pool = _world(admin_fee=5 * 10**9)
        amp, fee, supply = 50 * AP, 4_000_000, pool.total_supply()
        old = (1000 * E18, 1000 * E18)
        new = [old[0] - 100 * E18, old[1] - 10 * E18]
        d0, d1 = ref_D(*old, amp), ref_D(*new, amp)
        fees = [fee * 2 // 4 * abs(d1 * old[k] // d0 - new[k]) // 10**10 for k in range(2)]
        d2 = ref_D(new[0] - fees[0], new[1] - fees[1], amp)
        expected = (d0 - d2) * supply // d0
        fails_unchanged(state, Slippage, pool.remove_liquidity_imbalance, "lp", [100 * E18, 10 * E18], expected - 1)
        assert pool.remove_liquidity_imbalance("lp", [100 * E18, 10 * E18], expected) == expected
        assert pool.record.admin_balances == tuple(f * 5 * 10**9 // 10**10 for f in fees)
        assert pool.balances() == [old[0] - 100 * E18 - pool.record.admin_balances[0],
                                   old[1] - 10 * E18 - pool.record.admin_balances[1]]

    def test_more_than_the_pool_holds(self) -> None:
        """Withdrawing more than a balance is refused and writes nothing."""
        state, pool = _world()
        fails_unchanged(state, InsufficientLiquidity, pool.remove_liquidity_imbalance, "lp", [1001 * E18, 0], 10**30)
