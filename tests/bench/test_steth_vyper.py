"""The bench's transliteration of StableSwapSTETH.vy pays exactly what lstlab's StableSwap pays.

Both are written from curvefi/curve-contract contracts/pools/steth/StableSwapSTETH.vy; the
transliteration is the baseline and the reference of the bench's exactness count, so they
must agree to the wei on every exchange, and leave the same balances and admin fees.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amm import InsufficientInputAmount, InvalidCoin, Slippage, StableSwap
from bench.bench_amm import HOLDINGS, POOL, stableswap_pool
from bench.steth_vyper import StableSwapSTETH
from chain import Overflow, State

E18 = 10**18


def _pair(holdings: tuple[int, int], A: int, fee: int, admin_fee: int) -> tuple[State, StableSwap, StableSwapSTETH]:
    state = State()
    state.add_network("ethereum")
    coins = [state.add_token("ethereum", "WETH"), state.add_token("ethereum", "stETH")]
    for name in ("lp", "user"):
        state.add_account(name)
        for coin in coins:
            state.mint(coin, name, 10**32)
    pool = StableSwap.deploy(state, "pool", "ethereum", coins, A=A, fee=fee, admin_fee=admin_fee)
    pool.add_liquidity("lp", list(holdings), 0)
    return state, pool, StableSwapSTETH(holdings, A, fee, admin_fee)


class TestAgreesWithLstlab:
    @pytest.mark.parametrize("A,fee,admin_fee,holdings", [
        (POOL.curve_a, POOL.curve_fee, POOL.curve_admin_fee, HOLDINGS),  # the Ethereum pool, 2023-06-19
        (50, 4_000_000, 0, (1_000 * E18, 9_000 * E18)),                  # imbalanced, no admin fee
        (5, 10**9, 10**10, (10**6, 3 * 10**6)),                          # tiny pool, fee 10%, all to the admin
    ])
    def test_random_exchanges(self, A: int, fee: int, admin_fee: int, holdings: tuple[int, int]) -> None:
        """400 seeded random exchanges pay the same to the wei and leave the same balances and admin fees."""
        state, pool, vyper = _pair(holdings, A, fee, admin_fee)
        rng = random.Random(A)
        low = min(holdings)
        for _ in range(400):
            i = rng.randrange(2)
            dx = rng.randrange(low // 10**4 + 1, low // 20 + 2)
            assert vyper.get_dy(i, 1 - i, dx) == pool.get_dy(i, 1 - i, dx)
            assert vyper.exchange(i, 1 - i, dx) == pool.exchange("user", i, 1 - i, dx, 0)
        assert vyper.balances() == pool.balances()
        assert vyper.admin_balances == list(pool.record.admin_balances)
        assert vyper.holdings == [state.balance_of(c, "pool") for c in pool.coins]

    @given(x0=st.integers(10**18, 10**27), per_mille=st.integers(100, 10_000), dx=st.integers(1, 10**26),
           i=st.integers(0, 1), A=st.integers(1, 5_000))
    def test_get_dy_everywhere(self, x0: int, per_mille: int, dx: int, i: int, A: int) -> None:
        """get_dy agrees for any balances up to 10:1 apart, amplification and trade size; a trade
        too small to pay anything reverts in both (the contract's uint256 underflow)."""
        _, pool, vyper = _pair((x0, x0 * per_mille // 1000), A, 4_000_000, 5 * 10**9)
        try:
            expected = vyper.get_dy(i, 1 - i, dx)
        except Overflow:
            with pytest.raises(InsufficientInputAmount):
                pool.get_dy(i, 1 - i, dx)
            return
        assert pool.get_dy(i, 1 - i, dx) == expected

    def test_bench_pool_is_the_ethereum_pool(self) -> None:
        """The bench's lstlab pool holds the 2023-06-19 balances with A 30, fee 0.04%, admin fee 50%."""
        _, pool = stableswap_pool()
        assert pool.balances() == [235_285 * E18, 241_954 * E18]
        assert (pool.A(), pool.record.fee, pool.record.admin_fee) == (30, 4_000_000, 5_000_000_000)


class TestContractRules:
    def test_admin_fee_is_half_the_fee(self) -> None:
        """With a 50% admin fee the pool keeps fee*dy//1e10 // 2 of coin j for the admin."""
        vyper = StableSwapSTETH((10**24, 10**24), 30, 4_000_000, 5 * 10**9)
        xp = vyper.balances()
        y = vyper.get_y(0, 1, xp[0] + 10**21, xp)
        dy = xp[1] - y - 1
        fee = dy * 4_000_000 // 10**10
        assert vyper.exchange(0, 1, 10**21) == dy - fee
        assert vyper.admin_balances == [0, fee * 5 * 10**9 // 10**10]
        assert vyper.holdings == [10**24 + 10**21, 10**24 - (dy - fee)]

    def test_ramp(self) -> None:
        """Halfway through a ramp of A from 30 to 60 the precise A is 4,500; after it, 6,000."""
        vyper = StableSwapSTETH((10**24, 10**24), 30, 0, 0)
        vyper.future_A, vyper.initial_A_time, vyper.future_A_time = 6_000, 1_000, 3_000
        vyper.block_timestamp = 2_000
        assert vyper._A() == 4_500
        vyper.block_timestamp = 3_000
        assert vyper._A() == 6_000

    def test_slippage_writes_nothing(self) -> None:
        """min_dy one wei above the output reverts and leaves the storage as it was."""
        vyper = StableSwapSTETH((10**24, 10**24), 30, 4_000_000, 5 * 10**9)
        pays = vyper.get_dy(1, 0, 10**20)
        with pytest.raises(Slippage):
            vyper.exchange(1, 0, 10**20, pays + 1)
        assert (vyper.holdings, vyper.admin_balances) == ([10**24, 10**24], [0, 0])
        assert vyper.exchange(1, 0, 10**20, pays) == pays

    def test_same_coin(self) -> None:
        """Selling a coin for itself is refused, as the contract's assert i != j."""
        with pytest.raises(InvalidCoin):
            StableSwapSTETH((10**24, 10**24), 30, 0, 0).exchange(0, 0, 10**18)
