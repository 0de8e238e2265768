"""The liquidator: who is liquidated, at what profit."""

from __future__ import annotations

import itertools

import pytest

from chain import WAD
from chain.fixedpoint import percent_mul
from lending import health_factors_exact
from lstlab.agents import Liquidator, Step, loop_population
from lstlab.agents.arbitrageur import (
    STEP,
    WETH_I,
    WSTETH_I,
)


def _step(world, steth_eth: float) -> Step:
    return Step(0, world.state.now, 0, 1719.0, steth_eth, 0.035)


def _value(world, account: str, ref: int) -> int:
    """Holdings of ``account`` in WETH wei x WAD, wstETH at ``ref``."""
    state = world.state
    return state.balance_of(world.weth, account) * WAD + state.balance_of(world.wsteth, account) * ref


def _marginal(world, i: int, j: int) -> int:
    """Output of the next STEP of coin i, wad of j per i."""
    return world.curve.get_dy(i, j, STEP) * WAD // STEP


# --- arbitrageur ------------------------------------------------------------------------


@pytest.fixture
def stressed(world):
    """20 loops at 8-13x, the market pricing wstETH at market, stETH/ETH marked 5% down (the
    pool stays at par, so every liquidation pays)."""
    accounts = loop_population(world, 20, 3, leverage=(8.0, 13.0), equity=(5.0, 50.0))
    world.set_oracle("market")
    world.set_prices(1719.0, 0.95)
    return world, accounts


def test_liquidator_takes_exactly_the_positions_below_one(stressed):
    world, accounts = stressed
    exact = health_factors_exact(world.market)
    below = {u for u, hf in exact.items() if hf < WAD}
    healthy = [u for u in accounts if exact[u] >= WAD]
    assert below and healthy
    untouched = {u: world.market.position(u) for u in healthy}
    sweep = Liquidator(max_passes=1).sweep(world)
    assert {x.user for x in sweep.liquidations} == below
    assert {u: world.market.position(u) for u in healthy} == untouched
    assert all(x.profit > 0 for x in sweep.liquidations)


def test_liquidation_profit_is_bonus_less_premium_and_slippage(stressed, base_world):
    """Replay one liquidation by hand on a twin fork: pay the debt with funded WETH, sell the
    seized wstETH on the same venue; profit = proceeds - debt - 5 bps flash premium."""
    world, _ = stressed
    twin = world.fork()
    user = min(u for u, hf in health_factors_exact(world.market).items() if hf < WAD)
    done = Liquidator().liquidate(world, user)
    assert done is not None and done.venue == "curve"
    twin.fund(twin.weth, "hand", done.debt_repaid)
    seized = twin.market.liquidate("hand", user, twin.wsteth, twin.weth, done.debt_repaid)
    proceeds = twin.curve.exchange("hand", WSTETH_I, WETH_I, seized.collateral, 0)
    assert seized.collateral == done.collateral_seized and proceeds == done.weth_received
    assert done.premium == percent_mul(done.debt_repaid, 5)
    assert done.profit == proceeds - done.debt_repaid - done.premium
    # the bonus: 1% of the debt in collateral at the feed price, less the 10% protocol share of it
    price = twin.market.price(twin.wsteth) / twin.market.price(twin.weth)
    assert seized.collateral * price / done.debt_repaid == pytest.approx(1.009, rel=1e-9)


def test_unprofitable_liquidations_are_not_executed(stressed):
    world, _ = stressed
    liquidator = Liquidator(gas_wei=10**6 * WAD)
    liquidator.fund(world)
    digest = world.state.digest()
    sweep = liquidator.sweep(world)
    assert sweep.count == 0 and world.state.digest() == digest


def test_profitability_splits_the_candidates(stressed):
    """With gas between two profit levels, only the liquidations above it run."""
    world, _ = stressed
    users = sorted(u for u, hf in health_factors_exact(world.market).items() if hf < WAD)
    profits = {u: Liquidator().liquidate(world.fork(), u).profit for u in users}
    ordered = sorted(profits.values())
    _, k = max((b - a, k) for k, (a, b) in enumerate(itertools.pairwise(ordered)))
    gas = (ordered[k] + ordered[k + 1]) // 2
    sweep = Liquidator(gas_wei=gas, max_passes=1).sweep(world)
    assert {x.user for x in sweep.liquidations} == {u for u, p in profits.items() if p > gas}


def test_liquidator_act_metrics(stressed):
    world, _ = stressed
    liquidator = Liquidator.create(world)
    metrics = liquidator.act(world, _step(world, 0.95))
    assert metrics["liquidations"] > 0
    assert metrics["liq_collateral_sold_eth"] > metrics["liquidated_debt_eth"] > 0
    assert metrics["liq_profit_eth"] > 0 and metrics["liq_bad_debt_eth"] == 0
    assert liquidator.act(world, _step(world, 0.95))["liquidations"] == 0


# --- populations -------------------------------------------------------------------------


