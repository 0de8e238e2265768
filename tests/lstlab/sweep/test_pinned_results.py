"""Sweep runs read exactly as they did before the throughput work: the metrics of two seeded
one-year daily runs, byte for byte.

The digests were computed on the code as it stood before the shared liquidation scan, the
remembered pool mids, the world's fixed lists and the re-keyed step draws (issue 18, part 3),
so any change of a figure, a column or its order fails here."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from lstlab.market.synthetic import Depeg, SyntheticPath
from lstlab.sim.backtest import Backtest, LoopConfig
from lstlab.sim.scenario import AgentsSpec, PricesSpec, RunSettings, Scenario, base_world, run_scenario
from lstlab.world.params import WorldParams

DEFAULT_YEAR = "499dbdfba6c7d8438e430659dbe5d80efed7c66d4cce5fba84407d690b6f0c97"
"""seed 7: the default synthetic year, the default agents, a 5x loop, on a fork of the cached world."""
STRESSED_YEAR = "d7502b96305ed70cf28ec3661f9e1a822a1bb83205d0895cc66a64fd4eb9baa8"
"""seed 3: a 30% depeg on day 100, the market oracle, 60 seeded loops (liquidations, bad debt)."""


def metrics_digest(metrics: pd.DataFrame) -> str:
    """SHA-256 of the time index (int64 ns) and of every column's name and float64 bytes, in
    column order."""
    digest = hashlib.sha256(metrics.index.asi8.tobytes())
    for column in metrics.columns:
        digest.update(column.encode())
        digest.update(metrics[column].to_numpy(dtype=np.float64).tobytes())
    return digest.hexdigest()


def test_the_default_year_reads_as_before():
    """The default agents' year on a fork of the per-process world, as a sweep runs it."""
    table = SyntheticPath(days=365).table(7)
    world = base_world(WorldParams(), int(table.seconds[0])).fork()
    result = Backtest(table, LoopConfig(leverage=5.0), world=world, seed=7).run()
    assert result.metrics.shape == (366, 73)
    assert metrics_digest(result.metrics) == DEFAULT_YEAR


def test_a_stressed_year_reads_as_before():
    """A depeg deep enough to liquidate and leave bad debt: the scans, the sales, the book."""
    path = SyntheticPath(days=365, depegs=(Depeg(start_day=100, depth=0.3),))
    scenario = Scenario(prices=PricesSpec(source="synthetic", synthetic=path),
                        run=RunSettings(oracle="market"), agents=AgentsSpec(loops=60))
    result = run_scenario(scenario, seed=3)
    assert result.summary["system_liquidations"] == 57 and result.summary["loop_liquidations"] == 3
    assert result.summary["bad_debt_eth"] > 2_000
    assert metrics_digest(result.metrics) == STRESSED_YEAR
