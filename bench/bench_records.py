"""Run records (:mod:`lstlab.records`): the cost of keeping every event, step and daily
checkpoint of an hourly run with 1,000 loops, against the same run without records, and the
peak memory of each (measured in a fresh process per run, so one run's memory is not
another's). The quick pass runs 14 days; ``--full`` a year, where memory stays bounded:
rows go to Parquet part files every ``flush_every`` rows."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from bench.bench_lstlab import Runs, _population_world
from bench.harness import Row, Workload, measure
from lstlab.market.synthetic import Depeg, SyntheticPath
from lstlab.sim.backtest import Backtest, LoopConfig

LOOPS = 1_000
ROUNDS = 3
"""Rounds of each timed comparison (each round runs both)."""


def _path(days: int) -> SyntheticPath:
    return SyntheticPath(days=days, steps_per_day=24, depegs=(Depeg(start_day=days * 2 // 3, depth=0.04),))


class RecordedRuns(Runs):
    """:class:`bench.bench_lstlab.Runs` writing records to a new directory every run."""

    def __init__(self, world, table, root: Path) -> None:
        super().__init__(world, table, oracle="market")
        self.root, self.count = root, 0

    def setup(self) -> None:
        self.count += 1
        self.test = Backtest(self.table, LoopConfig(leverage=5.0), world=self.world.fork(), oracle=self.oracle,
                             records=self.root / f"run-{self.count}")


_CHILD = """
import json, resource, sys, tempfile
from bench.bench_records import one_run
rows = one_run(int(sys.argv[1]), sys.argv[2] == "records")
print(json.dumps({"rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "rows": rows}))
"""


def one_run(days: int, records: bool) -> int:
    """One hourly run of ``days`` with :data:`LOOPS` loops (records in a temporary directory
    when ``records``); returns the event rows written (0 without records)."""
    table = _path(days).table(1)
    world = _population_world(LOOPS, int(table.seconds[0]))
    with tempfile.TemporaryDirectory() as tmp:
        test = Backtest(table, LoopConfig(leverage=5.0), world=world, oracle="market",
                        records=Path(tmp) / "run" if records else None)
        test.run()
        return test.records.rows_written if test.records is not None else 0


def _peak(days: int, mode: str) -> dict:
    """Peak RSS (MB) and event rows of one run in a fresh interpreter."""
    out = subprocess.run([sys.executable, "-c", _CHILD, str(days), mode], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[1])
    return json.loads(out.stdout.strip().splitlines()[-1])


def _records_rows(days: int) -> Iterator[Row]:
    table = _path(days).table(1)
    steps = len(table.frame)
    world = _population_world(LOOPS, int(table.seconds[0]))
    with tempfile.TemporaryDirectory() as tmp:
        plain = Runs(world, table, oracle="market")
        recorded = RecordedRuns(world, table, Path(tmp))
        t = measure({"records": Workload(recorded.run, steps, recorded.setup),
                     "plain": Workload(plain.run, steps, plain.setup)}, repeats=ROUNDS)
    with_records, without = _peak(days, "records"), _peak(days, "plain")
    yield Row(f"hourly {days} days, {LOOPS:,} loops, records on (per step)", t["records"],
              "the same run without records", t["plain"], target=1.5,
              note=f"{with_records['rows']:,} event rows; peak RSS {with_records['rss_mb']:,.0f} MB with records, "
                   f"{without['rss_mb']:,.0f} MB without")


def records_fortnight() -> Iterator[Row]:
    """Two weeks of hourly steps: the quick pass."""
    yield from _records_rows(14)


def records_year() -> Iterator[Row]:
    """A year of hourly steps (minutes): the records' cost and peak memory over a long run."""
    yield from _records_rows(365)


CASES = [records_fortnight]
FULL_CASES = [records_year]
