"""The sweep task of a scenario: one run = the scenario with the run's grid values, on the
run's seed, on a fork of a world built once per worker process."""

from __future__ import annotations

import attrs

from lstlab.sim.scenario import Scenario, run_scenario, summary_row, with_overrides
from lstlab.sim.sweep.execute import RunResult
from lstlab.sim.sweep.grid import RunSpec


@attrs.frozen
class ScenarioTask:
    """Picklable: sent to each worker once; worlds are cached per worker by lstlab.scenario."""

    scenario: Scenario
    keep_steps: bool = False

    def __call__(self, spec: RunSpec) -> RunResult:
        scenario = with_overrides(self.scenario, spec.as_dict())
        result = run_scenario(scenario, seed=spec.seed)
        return RunResult(summary_row(result), result.metrics if self.keep_steps else None)

    def check(self, specs: list[RunSpec]) -> None:
        """Apply every distinct grid point once, so a bad axis fails before any run starts."""
        seen = set()
        for spec in specs:
            if spec.params not in seen:
                seen.add(spec.params)
                with_overrides(self.scenario, spec.as_dict())
