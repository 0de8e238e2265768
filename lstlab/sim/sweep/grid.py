"""Sweep grids: parameter axes, the cartesian product times seeded paths, and per-run seeds.

Run ``i`` of a sweep always has the same parameters and the same seed, derived from the sweep's
seed and ``i`` alone, so any single run can be reproduced without the others.
"""

from __future__ import annotations

import itertools
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs
import numpy as np

from lstlab.errors import ScenarioError

MAX_RUNS = 1_000_000
"""Most runs one sweep may hold (grid points times paths): a million one-year daily runs is
weeks of compute on a laptop; split a larger study into sweeps."""


def parse_axis(text: str) -> tuple[str, tuple[float, ...]]:
    """``name=start:stop:step`` (stop included) or ``name=a,b,c`` -> (name, values).

    Decimal arithmetic keeps ``2:12:0.5`` exact (21 values, no 11.999999).
    """
    name, sep, spec = text.partition("=")
    name = name.strip()
    if not sep or not name or not spec:
        raise ScenarioError(f"grid axis {text!r} must look like name=start:stop:step or name=a,b,c")
    try:
        if ":" in spec:
            parts = [Decimal(p) for p in spec.split(":")]
            if len(parts) != 3:
                raise ScenarioError(f"grid axis {text!r}: a range is start:stop:step")
            start, stop, step = parts
            if step <= 0 or stop < start:
                raise ScenarioError(f"grid axis {text!r}: needs step > 0 and stop >= start")
            count = int((stop - start) / step) + 1
            if count > MAX_RUNS:
                raise ScenarioError(f"grid axis {text!r} has {count:,} values, more than a sweep's {MAX_RUNS:,} runs: "
                                    "use a larger step")
            values = tuple(float(start + k * step) for k in range(count))
        else:
            values = tuple(float(Decimal(v)) for v in spec.split(","))
    except InvalidOperation:
        raise ScenarioError(f"grid axis {text!r}: values must be numbers") from None
    return name, values


@attrs.frozen
class RunSpec:
    """One run: its index in the sweep, its grid parameters, its path number and its seed."""

    index: int
    params: tuple[tuple[str, float], ...]
    path: int
    seed: int

    def as_dict(self) -> dict[str, Any]:
        return dict(self.params)


def run_seed(sweep_seed: int, index: int) -> int:
    """The seed of run ``index``: a function of (sweep seed, index) only (numpy SeedSequence)."""
    return int(np.random.SeedSequence([sweep_seed, index]).generate_state(1, dtype=np.uint64)[0] >> 1)


@attrs.frozen
class Grid:
    """Axes (name -> values) times ``paths`` seeded paths."""

    axes: tuple[tuple[str, tuple[float, ...]], ...] = ()
    paths: int = 1
    seed: int = 0

    def __attrs_post_init__(self) -> None:
        if self.paths < 1:
            raise ScenarioError(f"paths must be at least 1, got {self.paths}")
        if type(self.seed) is not int or not 0 <= self.seed < 2**63:
            raise ScenarioError(f"the sweep's seed must be an int in [0, 2**63), got {self.seed!r}")
        runs = self.paths
        for _, values in self.axes:
            runs *= len(values)
        if runs > MAX_RUNS:
            raise ScenarioError(f"the grid holds {runs:,} runs, more than a sweep's {MAX_RUNS:,}: use fewer points "
                                "or fewer --paths")
        names = [name for name, _ in self.axes]
        if len(set(names)) != len(names):
            raise ScenarioError(f"a grid axis appears twice: {names}")

    @classmethod
    def from_strings(cls, axes: list[str], paths: int = 1, seed: int = 0) -> Grid:
        return cls(tuple(parse_axis(a) for a in axes), paths, seed)

    def __len__(self) -> int:
        size = self.paths
        for _, values in self.axes:
            size *= len(values)
        return size

    def runs(self) -> list[RunSpec]:
        """Every run in index order: grid points outermost, paths innermost."""
        names = [name for name, _ in self.axes]
        out = []
        for point in itertools.product(*(values for _, values in self.axes)):
            for path in range(self.paths):
                index = len(out)
                out.append(RunSpec(index, tuple(zip(names, point)), path, run_seed(self.seed, index)))
        return out
