"""Errors of a sweep's storage and executors; each says what was wrong and what to do in one line."""

from __future__ import annotations

from lstlab.errors import CompositionError, DataError, ScenarioError


class SweepError(CompositionError):
    """Base of the sweep errors."""

    code = "SWEEP"


class SweepLocked(SweepError):
    """Another process is writing the sweep folder: wait for it to end, or stop it."""

    code = "SWEEP_LOCKED"


class InputsChanged(ScenarioError):
    """A resumed sweep's scenario, grid or input data differ from the ones it started with."""

    code = "SWEEP_INPUTS_CHANGED"


class BadPart(SweepError, DataError):
    """A stored part is unreadable, of another schema, or repeats runs: resume moves it aside."""

    code = "SWEEP_BAD_PART"


class ExecutorLost(SweepError):
    """A worker or the scheduler went away mid-sweep; finished runs are saved: resume."""

    code = "SWEEP_EXECUTOR_LOST"


class SchedulerUnreachable(SweepError):
    """The Dask scheduler did not answer: start it or check its address."""

    code = "SWEEP_NO_SCHEDULER"


__all__ = ["BadPart", "ExecutorLost", "InputsChanged", "SchedulerUnreachable", "SweepError", "SweepLocked"]
