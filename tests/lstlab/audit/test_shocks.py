"""Shocks move every venue: the shocked market first, then the arbitrageur brings the other
pools to the shared reference before anything is liquidated."""

from __future__ import annotations

import pytest

from chain import WAD
from lstlab import audit
from lstlab.agents import curve_mid, protocol_rate
from lstlab.errors import StrategyError
from tests.lstlab.audit.conftest import band_bps, off_bps

STETH_POOLS = ("v2", "l2_curve")


def test_references_are_the_curve_mid_and_the_eth_usd_feed(world):
    """Every pool but Curve: WETH per wstETH = Curve's mid, USDC per WETH = ETH/USD (8 -> 18 decimals)."""
    answer = world.feed("eth-usd").latest().answer
    assert audit.references(world) == {"v2": curve_mid(world), "l2_curve": curve_mid(world),
                                       "usdc_v2": answer * 10**10}


@pytest.mark.parametrize("size", [0.02, 0.05])
def test_depeg_moves_every_steth_pool_and_the_feed(world, size):
    """Curve is sold down by the size (to one DEPEG_STEP); V2 and the L2 pool end inside the
    arbitrage band of Curve's new mid; the market feed reads that mid over the rate."""
    before = audit.pool_steth_eth(world)
    trades = audit.apply_shock(world, "steth-depeg", size)
    after = audit.pool_steth_eth(world)
    assert after <= int(before * (1 - size)) < after + before // 1000
    assert trades.trades >= len(STETH_POOLS)
    reference = curve_mid(world)
    for key in STETH_POOLS:
        lo, hi = band_bps(world, key)
        assert lo <= off_bps(world, key, reference) <= hi, key
    assert world.feed("steth-eth-market").latest().answer == after == reference * WAD // protocol_rate(world)


def test_a_depeg_without_arbitrage_leaves_v2_at_par(world):
    """The user's report, reproduced by the move alone: Curve falls, V2 stays (what align fixes)."""
    audit.move(world, "steth-depeg", 0.05)
    assert off_bps(world, "v2", curve_mid(world)) > 500


def test_eth_price_moves_both_feeds_and_the_usdc_pair(world):
    answer = world.feed("eth-usd").latest().answer
    steth = world.feed("steth-eth-market").latest().answer
    audit.apply_shock(world, "eth-price", 0.2)
    new = int(answer * 0.8)
    assert world.feed("eth-usd").latest().answer == world.feed("l2:eth-usd").latest().answer == new
    lo, hi = band_bps(world, "usdc_v2")
    assert lo <= off_bps(world, "usdc_v2", new * 10**10) <= hi
    assert world.feed("steth-eth-market").latest().answer == steth


def test_slashing_brings_v2_and_the_l2_pool_to_the_new_rate(world):
    """Curve prices wstETH through the rate feed; V2 and the L2 pool (stale relayed rate) are
    brought to it by the arbitrageur; the stETH/ETH feed does not move."""
    rate, steth = protocol_rate(world), world.feed("steth-eth-market").latest().answer
    audit.apply_shock(world, "slashing", 0.04)
    assert protocol_rate(world) == int(rate * 0.96)
    assert world.feed("l2:wsteth-steth").latest().rescaled(18) == rate
    for key in STETH_POOLS:
        lo, hi = band_bps(world, key)
        assert lo <= off_bps(world, key, curve_mid(world)) <= hi, key
    assert world.feed("steth-eth-market").latest().answer == steth


@pytest.mark.parametrize("shock, size", [("steth-depeg", 0.0), ("eth-price", 1.0), ("meteor", 0.1)])
def test_bad_shock_writes_nothing(world, shock, size):
    digest = world.state.digest()
    with pytest.raises(StrategyError):
        audit.apply_shock(world, shock, size)
    assert world.state.digest() == digest
