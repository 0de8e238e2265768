"""lstlab benchmarks: a year of hourly backtest steps with a population of loops, and sweeps of
one-year daily loop backtests on three executors.

``LSTLAB_BENCH_SWEEP_RUNS`` sets the sweep size (default 1,000, as the project targets; use a
smaller number for a quick look).
"""

from __future__ import annotations

import os
import resource
import tempfile
import time

from bench.harness import Row
from lstlab.agents.population import loop_population
from lstlab.sim.backtest import Backtest, LoopConfig
from lstlab.world.params import LendingParams, WorldParams
from lstlab.sim.scenario import AgentsSpec, PricesSpec, RunSettings, Scenario, run_scenario
from lstlab.sim.sweep import Grid, ResultStore, run_sweep
from lstlab.sim.sweep.task import ScenarioTask
from lstlab.market.synthetic import Depeg, SyntheticPath
from lstlab.world.build import default_world

HOURLY_YEAR = SyntheticPath(days=365, steps_per_day=24, depegs=(Depeg(start_day=200, depth=0.04),))


DEEP_MARKET = WorldParams(lending=LendingParams(weth_supplied=4_000_000))
"""Twice the default WETH supply: 10,000 loops then leave utilisation below the 90% kink, so
both population sizes do the same work per position (a rate spike would turn the larger one
into a liquidation benchmark)."""


def _hourly_year(positions: int, agents: bool) -> tuple[float, int]:
    table = HOURLY_YEAR.table(1)
    world = default_world(DEEP_MARKET, start=int(table.seconds[0]))
    if positions:
        loop_population(world, positions, seed=1, equity=(0.1, 5.0))  # 10,000 of them fit the market's WETH
    test = Backtest(table, LoopConfig(leverage=5.0), world=world, oracle="market",
                    agents=None if agents else [])
    start = time.perf_counter()
    result = test.run()
    return time.perf_counter() - start, int(result.summary["system_liquidations"])


def backtest_year() -> list[Row]:
    steps = len(HOURLY_YEAR.table(1).frame)
    bare, _ = _hourly_year(0, agents=False)
    t1k, liq1k = _hourly_year(1_000, agents=True)
    t10k, liq10k = _hourly_year(10_000, agents=True)
    return [
        Row("hourly year, 1,000 loops, arbitrageur + liquidator", steps, t1k, "same year, no loops, no agents", bare,
            note=f"{steps / t1k:,.0f} steps/s; {liq1k} liquidations; target < 5 s"),
        Row("hourly year, 10,000 loops, arbitrageur + liquidator", steps, t10k, "the 1,000-loop year", t1k,
            note=f"{steps / t10k:,.0f} steps/s; {liq10k} liquidations; target < 3x"),
    ]


DAILY_YEAR = SyntheticPath(days=365)
"""The default synthetic year: stETH/ETH from the fitted process, a staking APR process."""
FLAT_YEAR = SyntheticPath(days=365, steth_model="par", apr_model="constant", depegs=(Depeg(start_day=200, depth=0.04),))
"""The same year as it was modelled before the processes: par with a scheduled depeg, a constant APR."""


def _daily_year(new: bool) -> float:
    from lstlab.agents.arbitrageur import Arbitrageur
    from lstlab.agents.liquidator import Liquidator

    table = (DAILY_YEAR if new else FLAT_YEAR).table(1)
    start = time.perf_counter()
    world = default_world(start=int(table.seconds[0]))
    agents = None if new else [Arbitrageur.create(world, mode="fixed", venues=("curve", "v2")),
                               Liquidator.create(world, markets=("aave",))]
    Backtest(table, LoopConfig(leverage=5.0), world=world, agents=agents).run()
    return time.perf_counter() - start


def daily_year_agents() -> list[Row]:
    """A one-year daily run (world build included) with the default agents and processes, against
    the fixed-inventory arbitrageur on the two Ethereum stETH pools, an Ethereum-only liquidator,
    no background flows, no relayer, on a par path with a scheduled depeg."""
    _daily_year(True)  # fit the process once, as a sweep worker does
    new = min(_daily_year(True) for _ in range(3))
    old = min(_daily_year(False) for _ in range(3))
    return [Row("daily year: relayer, flows, CEX arbitrageur on 4 pools, whole-book liquidator, processes", 365,
                new, "fixed inventory, 2 pools, Ethereum liquidator, par path", old,
                note="target <= 1.5x")]


def _scenario() -> Scenario:
    return Scenario(prices=PricesSpec(source="synthetic", synthetic=SyntheticPath(days=365, volatility=0.8)),
                    agents=AgentsSpec(), run=RunSettings(oracle="market"))


def _sweep(executor: str, runs: int, scheduler=None) -> float:
    axes = ["leverage=2:12:0.5"]
    paths = max(1, runs // 21)
    grid = Grid.from_strings(axes, paths=paths, seed=1)
    specs = grid.runs()[:runs]
    with tempfile.TemporaryDirectory() as tmp:
        store = ResultStore(tmp)
        store.start({"bench": executor}, resume=False)
        start = time.perf_counter()
        run_sweep(ScenarioTask(_scenario()), specs, store, executor=executor, workers=2, scheduler=scheduler)
        elapsed = time.perf_counter() - start
        assert len(store.summary()) == len(specs)
    return elapsed


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def sweeps() -> list[Row]:
    runs = int(os.environ.get("LSTLAB_BENCH_SWEEP_RUNS", "1000"))
    scenario = _scenario()
    run_scenario(scenario)  # build and cache the world, as a worker does once
    start = time.perf_counter()
    run_scenario(scenario, seed=5)
    one = time.perf_counter() - start
    rss_before = _max_rss_mb()
    t_in = _sweep("inprocess", runs)
    rss_after = _max_rss_mb()
    t_proc = _sweep("processes", runs)
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      host="127.0.0.1", silence_logs=50) as cluster:
        t_dask = _sweep("dask", runs, scheduler=cluster.scheduler_address)
    return [
        Row(f"sweep in-process ({runs} one-year daily runs)", runs, t_in, "one run alone", one, base_n=1,
            note=f"{runs / t_in:.2f} runs/s; peak RSS +{rss_after - rss_before:.0f} MB over the sweep"),
        Row("sweep, 2 local worker processes", runs, t_proc, "sweep in-process", t_in,
            note=f"{runs / t_proc:.2f} runs/s; efficiency {t_in / (2 * t_proc):.0%} of linear; target >= 80%"),
        Row("sweep, 2-worker Dask LocalCluster", runs, t_dask, "sweep in-process", t_in,
            note=f"{runs / t_dask:.2f} runs/s; efficiency {t_in / (2 * t_dask):.0%} of linear"),
    ]


CASES = [daily_year_agents, backtest_year, sweeps]
