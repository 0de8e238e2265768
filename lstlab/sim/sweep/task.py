"""The sweep task of a scenario: one run = the scenario with the run's grid values, on the
run's seed, on a fork of a world built once per worker process."""

from __future__ import annotations

import shutil
from pathlib import Path

import attrs

from lstlab.sim.scenario import Scenario, run_scenario, seeded_inputs, summary_row, with_overrides
from lstlab.sim.sweep.execute import RunResult
from lstlab.sim.sweep.grid import RunSpec


@attrs.frozen
class ScenarioTask:
    """Picklable: sent to each worker once; worlds are cached per worker by lstlab.scenario."""

    scenario: Scenario
    keep_steps: bool = False
    records: str | None = None
    """A directory: each run keeps its records in ``{records}/run-{index:06d}`` (:mod:`lstlab.records`)."""

    def __call__(self, spec: RunSpec) -> RunResult:
        scenario = with_overrides(self.scenario, spec.as_dict())
        result = run_scenario(scenario, seed=spec.seed, records=self.run_records(spec))
        return RunResult(summary_row(result), result.metrics if self.keep_steps else None)

    def run_records(self, spec: RunSpec) -> Path | None:
        """Where run ``spec`` keeps its records (emptied first: a run cut short and run again
        on resume starts its records anew), or None without records."""
        if self.records is None:
            return None
        folder = Path(self.records) / f"run-{spec.index:06d}"
        if folder.exists():
            shutil.rmtree(folder)
        return folder

    def check(self, specs: list[RunSpec]) -> None:
        """Apply every distinct grid point once, so a bad axis fails before any run starts."""
        seen = set()
        for spec in specs:
            if spec.params not in seen:
                seen.add(spec.params)
                with_overrides(self.scenario, spec.as_dict())

    def inputs_note(self, specs: list[RunSpec]) -> str | None:
        """None when the paths of a grid point read different random inputs; else one line
        saying what is the same on every path (compares the first two paths of each point)."""
        first: dict[tuple, list[RunSpec]] = {}
        for spec in specs:
            first.setdefault(spec.params, [])
            if len(first[spec.params]) < 2:
                first[spec.params].append(spec)
        varying: set[str] = set()
        compared = False
        for params, pair in first.items():
            if len(pair) < 2:
                continue
            compared = True
            scenario = with_overrides(self.scenario, dict(params))
            a, b = (seeded_inputs(scenario, spec.seed) for spec in pair)
            varying.update(key for key in a if a[key] != b[key])
        if not compared or varying & {"prices and staking APR", "staking APR path", "borrow-rate flows"}:
            return None
        paths = max(spec.path for spec in specs) + 1
        if varying:
            return (f"every path reads the same prices, staking APR and borrow rates; only the "
                    f"{', '.join(sorted(varying))} differs between paths, so your loop's outcome varies only "
                    "through those positions (use prices.source = \"synthetic\" for random prices)")
        return (f"no random input varies: every path of a grid point reads identical prices and rates, so the "
                f"{paths} paths per point are copies of one run (use prices.source = \"synthetic\" or --paths 1)")
