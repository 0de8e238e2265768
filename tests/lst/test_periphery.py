"""The instant unstake pool (Marinade LiqPool fee curve), the rate feed and the presets."""

from __future__ import annotations

import chain
from lst import (
    PRESETS,
    InsufficientLiquidity,
    LiquidUnstaked,
    RateFeed,
    SlippageExceeded,
    UnstakePool,
    ZeroDeposit,
    linear_fee,
)

from .conftest import ETH, make_world, unchanged


def pool_world(liquidity: int = 5 * ETH, treasury: str | None = "treasury"):
    """alice holds 10 stETH; the pool holds ``liquidity`` wei from the dao; target 10 ETH."""
    state, weth, issuer = make_world()
    issuer.submit("alice", 10 * ETH)
    pool = UnstakePool.deploy(
        state, "liq", "ethereum", issuer="lido", liquidity_target=10 * ETH, treasury=treasury
    )
    pool.add_liquidity("dao", liquidity)
    return state, weth, issuer, pool


class TestFeeCurve:
    def test_linear_fee_table(self):
        """max - (max-min)*left//target below the target, min at or above it (Marinade linear_fee)."""
        assert linear_fee(0, 30, 300, 10 * ETH) == 300
        assert linear_fee(4 * ETH, 30, 300, 10 * ETH) == 192
        assert linear_fee(10 * ETH, 30, 300, 10 * ETH) == 30
        assert linear_fee(10 * ETH - 1, 30, 300, 10 * ETH) == 31
        assert linear_fee(50 * ETH, 30, 300, 10 * ETH) == 30

    def test_fee_falls_as_liquidity_rises(self):
        """The same sale pays less with more liquidity in the pool."""
        fees = [pool_world(x * ETH)[3].fee_bps(ETH) for x in (1, 3, 6, 11, 20)]
        assert fees == [300, 246, 165, 30, 30]


class TestUnstake:
    def test_sale_exact(self):
        """1 stETH with 5 ETH in the pool: fee 192 bps in stETH, 25% of it to the treasury,
        the seller gets the value of 1 ETH - 0.0192 ETH."""
        state, weth, issuer, pool = pool_world()
        before = state.balance_of(weth, "alice")
        assert pool.liquid_unstake("alice", ETH) == ETH - ETH * 192 // 10_000
        assert state.balance_of(weth, "alice") - before == 980800000000000000
        assert issuer.balance_of("treasury") == ETH * 192 // 10_000 // 4
        assert issuer.balance_of("liq") == ETH - ETH * 192 // 10_000 // 4
        assert state.events[-1] == LiquidUnstaked("liq", "alice", ETH, 980800000000000000, 192)

    def test_lp_round_trip(self):
        """An LP takes back its part of the native and of the stETH bought."""
        _state, _weth, _issuer, pool = pool_world(treasury=None)
        pool.liquid_unstake("alice", ETH)
        native, shares = pool.remove_liquidity("dao", 5 * ETH)
        assert native == 5 * ETH - 980800000000000000 and shares == ETH
        assert pool.lp_of("dao") == 0

    def test_bad_inputs(self):
        """Zero, too much, slippage: typed errors, nothing written."""
        state, _weth, _issuer, pool = pool_world(liquidity=ETH)
        unchanged(state, lambda: pool.liquid_unstake("alice", 0), ZeroDeposit)
        unchanged(state, lambda: pool.liquid_unstake("alice", 2 * ETH), InsufficientLiquidity)
        unchanged(state, lambda: pool.liquid_unstake("alice", ETH // 2, ETH // 2), SlippageExceeded)
        unchanged(state, lambda: pool.liquid_unstake("bob", ETH // 2), chain.InsufficientBalance)
        unchanged(state, lambda: pool.remove_liquidity("dao", 2 * ETH), chain.InsufficientBalance)
        unchanged(state, lambda: pool.add_liquidity("dao", 0), ZeroDeposit)
        unchanged(
            state,
            lambda: UnstakePool.deploy(
                state, "x", "ethereum", issuer="lido", liquidity_target=1, min_fee_bps=400
            ),
            chain.InvalidArgument,
        )


class TestFeed:
    def test_protocol_rate(self):
        """stETH per wstETH: getPooledEthByShares(1e18); updated at the last report; a Feed."""
        state, _weth, issuer = make_world()
        state.advance(500)
        issuer.report(0, el_rewards=ETH // 4)
        feed = RateFeed.deploy(state, "rate", "ethereum", issuer="lido", base="wstETH")
        state.advance(100)
        assert isinstance(feed, chain.Feed)
        assert feed.latest() == chain.PriceReading(1250000000000000000, 18, state.now - 100)
        assert (feed.base, feed.quote) == ("wstETH", "WETH")
        flat = RateFeed.deploy(state, "flat", "ethereum", issuer="lido", per_share=False)
        assert flat.latest().answer == ETH and flat.base == "stETH"
        assert ("rate", "lido", "reads-rate") in state.dependencies()
        named = RateFeed.deploy(state, "named", "ethereum", issuer="lido", base="wstETH", quote="stETH")
        assert (named.base, named.quote) == ("wstETH", "stETH")
        assert named.latest().answer == 1250000000000000000


class TestPresets:
    def test_values(self):
        """Presets carry the cited constants."""
        eth = PRESETS["ethereum"]
        assert (eth.validator_size, eth.penalty_quotient, eth.correlation_multiplier) == (32 * ETH, 32, 3)
        assert eth.slashing_window_seconds == 8192 * 384
        assert PRESETS["cosmos"].unbonding_seconds == 21 * 86_400
        assert PRESETS["solana"].rebasing is False and PRESETS["solana"].decimals == 9
        assert PRESETS["cardano"].penalty_quotient == 0
