"""Sweeps: grids of parameters times seeded paths, run in-process, on local worker processes or
on a Dask cluster, with results streamed to a resumable Parquet dataset that one process at a
time writes and that no crash can leave with a run stored twice."""

from lstlab.sim.sweep.errors import (
                                     BadPart,
                                     ExecutorLost,
                                     InputsChanged,
                                     SchedulerUnreachable,
                                     SweepError,
                                     SweepLocked,
)
from lstlab.sim.sweep.execute import EXECUTORS, RunResult, SweepStats, run_sweep
from lstlab.sim.sweep.grid import Grid, RunSpec, parse_axis, run_seed
from lstlab.sim.sweep.results import ResultStore

__all__ = ["EXECUTORS", "BadPart", "ExecutorLost", "Grid", "InputsChanged", "ResultStore", "RunResult", "RunSpec",
           "SchedulerUnreachable", "SweepError", "SweepLocked", "SweepStats", "parse_axis", "run_seed", "run_sweep"]
