"""Monte Carlo that varies what matters: on the fitted stETH/ETH process a leverage near the
market-oracle limit is liquidated on some paths and not on others, and more paths narrow the
Wilson interval around that probability."""

from __future__ import annotations

import pandas as pd

from lstlab.market.synthetic import SyntheticPath
from lstlab.sim import scenario as sc
from lstlab.sim.sweep import Grid
from lstlab.sim.sweep.stats import point_table
from lstlab.sim.sweep.task import ScenarioTask

LEVERAGE = 12.0
"""Liquidated under a market oracle once stETH/ETH falls about 3.6% below its start
(1 - 1 / (0.95 x 12 / 11)): a depth the fitted history reaches on some half-years only."""
SCENARIO = sc.Scenario(
    prices=sc.PricesSpec(source="synthetic", synthetic=SyntheticPath(days=180)),
    strategy=sc.StrategySpec(leverage=LEVERAGE),
    # the user's liquidation needs only the path and the liquidator: the other agents are off
    # to keep 400 runs quick (they move rates and pools, not the market-oracle health factor)
    agents=sc.AgentsSpec(relayer=False, background=False, arbitrageur=False),
    run=sc.RunSettings(oracle="market"),
)


def test_paths_differ_and_doubling_them_narrows_the_interval():
    task = ScenarioTask(SCENARIO)
    runs = Grid.from_strings([f"leverage={LEVERAGE}"], paths=400, seed=7).runs()
    assert task.inputs_note(runs) is None  # the paths read different prices: no "copies" note
    rows = [{"run_index": r.index, "path": r.path, "leverage": LEVERAGE, **task(r).row} for r in runs]
    table = pd.DataFrame(rows)
    # a 200-path sweep on the same seed runs exactly the first 200 of these (seeds follow the index)
    assert [r.seed for r in Grid.from_strings([f"leverage={LEVERAGE}"], paths=200, seed=7).runs()] == \
        [r.seed for r in runs[:200]]
    p200 = point_table(table.iloc[:200], ["leverage"]).iloc[0]
    p400 = point_table(table, ["leverage"]).iloc[0]
    assert p200["runs"] == 200 and p400["runs"] == 400
    assert 0 < p200["p_loop_liquidated"] < 1 and 0 < p400["p_loop_liquidated"] < 1
    assert p200["p_loop_liquidated_lo"] < p200["p_loop_liquidated"] < p200["p_loop_liquidated_hi"]
    assert (p400["p_loop_liquidated_hi"] - p400["p_loop_liquidated_lo"]
            < p200["p_loop_liquidated_hi"] - p200["p_loop_liquidated_lo"])
    assert table["net_apy_market"].nunique() > 300  # outcomes differ path by path
