"""Picklable toy tasks for the sweep tests (importable by worker processes)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pandas as pd

from lstlab.sim.sweep import RunResult, RunSpec


class NoisyMean:
    """A pure function of (params, seed), with per-step output for the steps dataset."""

    def __call__(self, spec: RunSpec) -> RunResult:
        rng = np.random.Generator(np.random.PCG64(spec.seed))
        params = spec.as_dict()
        draws = rng.normal(params.get("mu", 0.0), 1.0, 100)
        steps = pd.DataFrame({"step": np.arange(3), "value": draws[:3]})
        return RunResult({"mean": float(draws.mean()), "max": float(draws.max())}, steps)


class SlowMean(NoisyMean):
    """NoisyMean that takes ``seconds`` a run (to catch a sweep while its workers run)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __call__(self, spec: RunSpec) -> RunResult:
        time.sleep(self.seconds)
        return super().__call__(spec)


class DiesOn(NoisyMean):
    """NoisyMean whose process dies (as if killed) on run ``index`` while ``poison`` exists."""

    def __init__(self, index: int, poison: str | Path) -> None:
        self.index = index
        self.poison = str(poison)

    def __call__(self, spec: RunSpec) -> RunResult:
        if spec.index == self.index and os.path.exists(self.poison):
            os._exit(9)
        return super().__call__(spec)
