"""Sweeps: grids of parameters times seeded paths, run in-process, on local worker processes or
on a Dask cluster, with results streamed to a resumable Parquet dataset."""

from lstlab.sim.sweep.execute import EXECUTORS, RunResult, SweepStats, run_sweep
from lstlab.sim.sweep.grid import Grid, RunSpec, parse_axis, run_seed
from lstlab.sim.sweep.results import ResultStore

__all__ = ["EXECUTORS", "Grid", "ResultStore", "RunResult", "RunSpec", "SweepStats", "parse_axis",
           "run_seed", "run_sweep"]
