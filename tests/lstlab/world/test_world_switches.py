"""World parameters: the starting LST rate, pools and the background borrower switched off, several
market presets in one world."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from amm.errors import InvalidPath
from chain import WAD, InvalidArgument
from lstlab.market.prices import load_prices
from lstlab.sim.backtest import Backtest, LoopConfig
from lstlab.world import LendingParams, LstParams, PoolParams, WorldParams, default_world, names
from lstlab.world.build import staked_at_build


def test_start_rate_is_the_issuers_rate_to_the_wei():
    """1.1290 stETH per wstETH on 2023-06-19: after every stake of the build the rate is
    round(1.129 * 1e18) within the 1 wei the floors of later submits may add."""
    world = default_world(WorldParams(lst=LstParams(start_rate=1.1290)))
    assert abs(world.issuer.st_per_token() - 1_129_000_000_000_000_000) <= 1
    assert world.wrapper.st_per_token() == world.issuer.st_per_token()


def test_start_rate_below_one_is_refused():
    """The rate has never been below 1: a lower start is a ValueError naming the field."""
    with pytest.raises(ValueError, match="start_rate"):
        LstParams(start_rate=0.99)


def test_default_rate_is_one():
    """Without start_rate the issuer starts at its bootstrap 1:1."""
    assert default_world().issuer.st_per_token() == WAD


@pytest.fixture(scope="module")
def lean():
    return default_world(WorldParams(pools=PoolParams(v2=False, l2_curve=False),
                                     lending=LendingParams(background=False)))


def test_switched_off_pools_are_absent(lean):
    """No V2 pair, no L2 pool: not listed, not deployed (no wstETH/WETH pair at the factory,
    no contract at the L2 pool's address)."""
    assert [p.key for p in lean.pools()] == ["curve", "usdc_v2"]
    assert not lean.state.has_address(names.L2_CURVE)
    with pytest.raises(InvalidPath):
        lean.pair  # noqa: B018


def test_no_background_borrower(lean):
    """The borrower holds nothing in the market; the staked total is what the present venues staked
    plus the stakers' top-up to LstParams.staked_eth."""
    m = lean.market
    assert all(m.supplied(names.BORROWER, t) == 0 and m.debt(names.BORROWER, t) == 0 for t in m.reserves())
    p = lean.params
    assert staked_at_build(p) == p.pools.curve_steth + p.bridge.bridged_wsteth + p.bridge.cex_l2_wsteth
    # bootstrap 1 ETH + everything staked at build + the stakers' top-up = staked_eth (+1)
    assert lean.issuer.total_pooled() == (p.lst.staked_eth + 1) * WAD


def test_a_lean_world_backtests():
    """A world without the V2 pool or the background borrower runs a backtest: one price column per
    present pool, none for the absent ones, and the loop is open at the end."""
    params = WorldParams(pools=PoolParams(v2=False), lending=LendingParams(background=False))
    index = pd.date_range("2023-06-19", periods=4, freq="D", tz="UTC")
    frame = pd.DataFrame({"eth_usd": [1719.0, 1700.0, 1690.0, 1720.0],
                          "steth_eth": [1.0, 0.999, 0.998, 0.999]}, index=index)
    prices = load_prices(frame.rename_axis("date").reset_index())
    result = Backtest(prices, LoopConfig(leverage=3.0), world_params=params, staking_apr=0.035).run()
    assert "price_curve" in result.metrics and "price_v2" not in result.metrics
    assert len(result.metrics) == 4 and np.isfinite(result.metrics["hf_post"]).all()
    assert result.world.market.debt("strategist", result.world.weth) > 0


def test_several_markets_in_one_world():
    """Two presets: the first at names.MARKET (World.market), the second at its name; markets()
    lists both before the L2's, and the USDC reserve is the first's only."""
    world = default_world(WorldParams(markets=("aave-v3", "aave-v2")))
    assert list(world.markets()) == [names.MARKET, "aave-v2", names.L2_MARKET]
    assert world.market.address == names.MARKET
    assert world.usdc in world.market.reserves()
    assert world.usdc not in world.state.contract("aave-v2").reserves()


def test_unknown_preset_is_refused():
    """An unknown preset name is an InvalidArgument listing the known ones."""
    with pytest.raises(InvalidArgument, match="unknown market preset"):
        default_world(WorldParams(markets=("aave-v9",)))
