"""The June 2022 sweep answers about the user's own loop: liquidated exactly above the leverage
that the data's lowest stETH/ETH ratio implies under a market-price oracle, with the scenario's
other loops' liquidations reported apart."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from lstlab.sim.backtest import leverage_limits
from lstlab.sim.scenario import (
    base_world,
    load_scenario,
    price_table,
    run_scenario,
    summary_row,
    with_overrides,
)
from lstlab.sim.sweep.stats import point_table

EXAMPLES = Path(__file__).resolve().parents[2] / "lstlab" / "scenarios"

LEVERAGES = range(2, 14)
CARRY_MARGIN = 0.1
"""A grid point this close to the limit could go either way on the carry of staking over
borrowing and the opening flash premium (each a few bps of health factor over the weeks before
the low; 0.1 of leverage near 9x is about 14 bps of it); the grid keeps clear of it."""


def test_p_loop_liquidated_is_0_below_the_market_oracle_limit_and_1_above():
    scenario = load_scenario(EXAMPLES / "june-2022-depeg.toml")
    table = price_table(scenario, scenario.run.seed)
    limit = leverage_limits(base_world(scenario.world, int(table.seconds[0])), table)
    safe = limit["max_safe_leverage_market_oracle"]
    assert all(abs(lev - safe) > CARRY_MARGIN for lev in LEVERAGES)
    rows = []
    for i, lev in enumerate(LEVERAGES):
        result = run_scenario(with_overrides(scenario, {"leverage": float(lev)}))
        rows.append({"run_index": i, "path": 0, "leverage": float(lev), **summary_row(result)})
    points = point_table(pd.DataFrame(rows), ["leverage"]).set_index("leverage")
    expected = [1.0 if lev > safe else 0.0 for lev in LEVERAGES]
    assert list(points["p_loop_liquidated"]) == expected
    assert 0.0 in expected and 1.0 in expected
    # the other seeded loops are liquidated at every leverage: that figure is apart, and is not the user's
    assert (points["p_any_liquidation"] >= points["p_loop_liquidated"]).all()
    assert (points.loc[[lev for lev in LEVERAGES if lev < safe], "p_any_liquidation"] == 1.0).any()
    assert (points["runs"] == 1).all()
