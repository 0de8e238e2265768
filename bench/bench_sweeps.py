"""Sweep benchmarks: what a run costs besides its steps (world build, fork, set-up), and with
``--full`` the throughput of sweeps of one-year daily runs with the default agents on 1 and 2
local worker processes and a 2-worker Dask LocalCluster.

``LSTLAB_BENCH_SWEEP_RUNS`` sets the runs of each timed sweep (default 42: 21 leverages x 2
paths). A sweep round is timed from ``run_sweep`` to its last stored row: it includes starting
the worker processes (spawned, each importing lstlab and building its world once), not
starting the Dask cluster, which runs before the sweep as a deployed one does.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator

from bench.harness import Row, Timing, Workload, measure
from lstlab.market.synthetic import SyntheticPath
from lstlab.sim.backtest import default_agents
from lstlab.sim.scenario import (
    AgentsSpec,
    PricesSpec,
    RunSettings,
    Scenario,
    base_world,
    price_table,
    run_scenario,
)
from lstlab.sim.sweep import Grid, ResultStore, run_sweep
from lstlab.sim.sweep.task import ScenarioTask
from lstlab.world.build import default_world

SWEEP_ROUNDS = 3
"""Rounds of each sweep (a minute or more each): their median is of 3."""
TODAY = {"inprocess": 2.50, "processes-1": 2.32, "processes-2": 3.70, "dask-2": 3.01}
"""Runs per second in the best round of each sweep, measured by this bench on the tree of
commit d5fe05b (``python -m bench sweeps --full``, 42 runs, twice) on the project's 2-core
machine: the reference of the target "throughput at least 1.5x today's on the same executor".
Best rounds, not medians: other work on a shared machine slows some rounds, never speeds one."""
TARGET_SPEEDUP = 1.5


def scenario() -> Scenario:
    """One-year daily synthetic runs, market oracle, the default agents."""
    return Scenario(prices=PricesSpec(source="synthetic", synthetic=SyntheticPath(days=365, volatility=0.8)),
                    agents=AgentsSpec(), run=RunSettings(oracle="market"))


def per_run_costs() -> Iterator[Row]:
    """The world build a worker does once, the fork and the set-up every run repeats, against
    one run of the sweep's scenario on a cached world."""
    s = scenario()
    table = price_table(s, 1)
    start = int(table.seconds[0])
    world = base_world(s.world, start)
    run_scenario(s, seed=1)  # fit the price process and build the cached world, as a worker does once
    seeds = iter(range(10, 10_000))

    def set_up() -> None:
        """What run_scenario does before the first step: the price table, the fork, the agents."""
        seed = next(seeds)
        default_agents(base_world(s.world, int(price_table(s, seed).seconds[0])).fork(), seed)

    t = measure({"run": Workload(lambda: run_scenario(s, seed=next(seeds))),
                 "build": Workload(lambda: default_world(s.world, start=start)),
                 "fork": Workload(world.fork),
                 "setup": Workload(set_up)})
    base = "one run of the sweep (cached world)"
    yield Row("world build (default_world), once per worker", t["build"], base, t["run"])
    yield Row("world fork, every run", t["fork"], base, t["run"])
    yield Row("run set-up: price table, fork, agents funded", t["setup"], base, t["run"])


class Sweeps:
    """Timed sweeps of the scenario on one executor; a Dask cluster is started in
    :meth:`setup` (untimed) and closed at the next setup or by :meth:`close`."""

    def __init__(self, executor: str, workers: int, runs: int) -> None:
        self.executor, self.workers = executor, workers
        grid = Grid.from_strings(["leverage=2:12:0.5"], paths=max(1, -(-runs // 21)), seed=1)
        self.specs = grid.runs()[:runs]
        self.task = ScenarioTask(scenario())
        self.cluster = None

    def setup(self) -> None:
        self.close()
        if self.executor == "dask":
            from distributed import LocalCluster

            self.cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                        dashboard_address=None, host="127.0.0.1", silence_logs=50)

    def run(self) -> None:
        scheduler = self.cluster.scheduler_address if self.cluster is not None else None
        with tempfile.TemporaryDirectory() as tmp:
            store = ResultStore(tmp)
            store.start({"bench": self.executor}, resume=False)
            run_sweep(self.task, self.specs, store, executor=self.executor, workers=self.workers,
                      scheduler=scheduler)
            if len(store.summary()) != len(self.specs):
                raise RuntimeError(f"the {self.executor} sweep stored {len(store.summary())} of "
                                   f"{len(self.specs)} runs")

    def close(self) -> None:
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None


def _note(key: str, timing: Timing) -> str:
    """Runs per second (median, and best round) against 1.5x today's best round on the same executor."""
    best = 1 / timing.spread[0]
    goal = TARGET_SPEEDUP * TODAY[key]
    verdict = "pass" if best >= goal else "miss"
    return (f"{1 / timing.median:.2f} runs/s, best round {best:.2f}; target >= {goal:.2f} "
            f"({TARGET_SPEEDUP:g}x d5fe05b's best {TODAY[key]:.2f}): {verdict}")


def sweeps() -> Iterator[Row]:
    """Runs per second of one-year daily sweeps in-process, on 1 and 2 worker processes and on
    a 2-worker Dask LocalCluster (median of 3 rounds)."""
    runs = int(os.environ.get("LSTLAB_BENCH_SWEEP_RUNS", "42"))
    s = scenario()
    run_scenario(s, seed=1)  # the in-process worker's cached world and fitted process
    seeds = iter(range(10, 10_000))
    executors = {"inprocess": Sweeps("inprocess", 1, runs), "processes-1": Sweeps("processes", 1, runs),
                 "processes-2": Sweeps("processes", 2, runs), "dask-2": Sweeps("dask", 2, runs)}
    work = {key: Workload(sweep.run, runs, sweep.setup) for key, sweep in executors.items()}
    work["alone"] = Workload(lambda: run_scenario(s, seed=next(seeds)))
    try:
        t = measure(work, repeats=SWEEP_ROUNDS)
    finally:
        for sweep in executors.values():
            sweep.close()
    yield Row(f"sweep in-process, {runs} one-year daily runs, per run", t["inprocess"], "one run alone",
              t["alone"], note=_note("inprocess", t["inprocess"]))
    yield Row("sweep, 1 worker process, per run", t["processes-1"], "sweep in-process", t["inprocess"],
              note=_note("processes-1", t["processes-1"]))
    yield Row("sweep, 2 worker processes, per run", t["processes-2"], "sweep, 1 worker process", t["processes-1"],
              target=0.625, note="target: 80% of linear; " + _note("processes-2", t["processes-2"]))
    yield Row("sweep, 2-worker Dask LocalCluster, per run", t["dask-2"], "sweep, 2 worker processes",
              t["processes-2"], note=_note("dask-2", t["dask-2"]))


CASES = [per_run_costs]
FULL_CASES = [per_run_costs, sweeps]
