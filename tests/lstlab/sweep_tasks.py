"""Picklable toy tasks for the sweep tests (importable by worker processes)."""

from __future__ import annotations

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
