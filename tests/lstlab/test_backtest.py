"""Backtests on the shipped 2022 data: the depeg liquidates loops above the leverage that the
data's lowest stETH/ETH ratio allows under a market-price oracle, not below it, and never under
the exchange-rate oracle. Runs are deterministic."""

from __future__ import annotations

import pytest

from lstlab.market.data import default_path
from lstlab.market.prices import load_prices
from lstlab.market.synthetic import Depeg, SyntheticPath
from lstlab.sim.backtest import Backtest, LoopConfig, leverage_limits
from lstlab.strategies import closed_form


@pytest.fixture(scope="module")
def prices_2022():
    return load_prices(default_path(), start="2022-01-01", end="2022-12-31")


@pytest.fixture(scope="module")
def limit(prices_2022, base_world):
    return leverage_limits(base_world, prices_2022)


def test_limit_from_the_data(limit, prices_2022):
    """The 2022 low (0.936576461 on 2022-06-18) relative to the first day gives the safe leverage
    1 / (1 - 0.95 x ratio) under eMode LT 95%."""
    ratio = prices_2022.frame["steth_eth"]
    assert limit["worst_ratio"] == pytest.approx(0.936576461 / ratio.iloc[0], rel=1e-12)
    assert limit["max_safe_leverage_market_oracle"] == closed_form.max_safe_leverage(limit["worst_ratio"], 0.95)
    assert 9 < limit["max_safe_leverage_market_oracle"] < 10


def _run(prices, leverage, oracle):
    return Backtest(prices, LoopConfig(leverage=leverage), oracle=oracle).run()


@pytest.mark.parametrize(("offset", "oracle", "liquidated"), [
    (+1.0, "market", True),
    (-1.0, "market", False),
    (+1.0, "exchange-rate", False),
    (-1.0, "exchange-rate", False),
])
def test_depeg_liquidates_only_above_the_limit_under_a_market_oracle(prices_2022, limit, offset, oracle,
                                                                     liquidated):
    """One leverage point either side of the limit (the carry of staking over borrowing moves
    the health factor by well under that over the months before the low)."""
    leverage = limit["max_safe_leverage_market_oracle"] + offset
    result = _run(prices_2022, leverage, oracle)
    assert (result.summary["loop_liquidations"] > 0) is liquidated
    if liquidated:
        first = result.metrics.index[result.metrics["loop_liquidated"] > 0][0]
        assert first.strftime("%Y-%m") in ("2022-05", "2022-06")  # during the discount
        assert result.metrics.loc[first, "loop_debt_repaid_eth"] > 0
        # the dip a liquidator saw, recorded before it acted; after it acted the HF is back up
        assert result.summary["min_health_factor_pre_liquidation"] < 1.0
        assert result.metrics.loc[first, "hf_pre"] < 1.0 <= result.metrics.loc[first, "hf_post"]
    else:
        assert result.summary["min_health_factor_pre_liquidation"] >= 1.0


def test_same_seed_same_bytes(tmp_path):
    """A seeded synthetic path with a depeg, agents and a population: byte-identical metrics."""
    from lstlab.agents.population import loop_population
    from lstlab.world.build import default_world

    path = SyntheticPath(days=60, depegs=(Depeg(start_day=20, depth=0.06, hold_days=5, recovery_days=10),))
    outputs = []
    for _ in range(2):
        table = path.table(11)
        world = default_world(start=int(table.seconds[0]))
        loop_population(world, 30, seed=11)
        result = Backtest(table, LoopConfig(leverage=12.0), world=world, oracle="market").run()
        file = tmp_path / f"m{len(outputs)}.csv"
        result.metrics.to_csv(file)
        outputs.append(file.read_bytes())
    assert outputs[0] == outputs[1]
    assert b"loop_liquidated" in outputs[0]
