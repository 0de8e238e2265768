"""The benchmark harness: every row is timed next to a baseline measured in the same run.

Conventions (``python -m bench`` follows them to find and run the benchmarks):

- A bench module is ``bench/bench_<topic>.py``; ``python -m bench <topic> ...`` selects topics.
- It defines ``CASES``, the quick pass: functions taking no argument that return or yield
  :class:`Row` and :class:`Check` records; a generator's records print as they are yielded.
  It may define ``FULL_CASES``, which ``--full`` runs instead of ``CASES`` (larger sizes,
  one-year runs, sweeps); without it ``--full`` runs ``CASES``.
- Time with :func:`measure`: the workloads of one comparison run interleaved (A B A B ...),
  :data:`REPEATS` rounds, each round's seconds per operation kept. A row gives lstlab's
  median, its spread (min-max of the rounds), the baseline's median, the ratio of the medians
  and the target ratio where the project sets one (pass or miss).
- A comparison with a peer library that is not installed is a row without a baseline, and its
  note says how to install it (:mod:`bench.peers`); the quick pass never needs a peer.
- A :class:`Check` counts outputs that differ from a reference (exactness, not time).
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Iterable, Mapping

import attrs

REPEATS = 7
"""Rounds of every timed comparison; a row reports their median."""


@attrs.frozen
class Workload:
    """``run()`` performs ``n`` operations; ``setup()`` (untimed) runs before each call."""

    run: Callable[[], object]
    n: int = 1
    setup: Callable[[], object] | None = None


@attrs.frozen
class Timing:
    """Seconds per operation of each round of one workload."""

    per_op: tuple[float, ...]

    @property
    def median(self) -> float:
        return median(self.per_op)

    @property
    def spread(self) -> tuple[float, float]:
        return spread(self.per_op)


def median(values: Iterable[float]) -> float:
    """The median (the mean of the middle two for an even count); ValueError when empty."""
    values = list(values)
    if not values:
        raise ValueError("median of no values: measure at least one round")
    return statistics.median(values)


def spread(values: Iterable[float]) -> tuple[float, float]:
    """``(min, max)`` of the rounds; ValueError when empty."""
    values = list(values)
    if not values:
        raise ValueError("spread of no values: measure at least one round")
    return min(values), max(values)


def ratio(ours: float, base: float) -> float:
    """``ours / base`` (inf when the baseline took no time)."""
    return ours / base if base > 0 else float("inf")


def measure(workloads: Mapping[str, Workload], repeats: int = REPEATS) -> dict[str, Timing]:
    """Time every workload ``repeats`` times, interleaved: round k runs each workload once,
    the order rotated by k so none always runs first. Each call starts after its setup and a
    full garbage collection (untimed), so no call pays for another's garbage. Returns each
    one's :class:`Timing`."""
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, got {repeats}")
    names = list(workloads)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for k in range(repeats):
        for name in names[k % len(names):] + names[: k % len(names)]:
            work = workloads[name]
            if work.setup is not None:
                work.setup()
            gc.collect()
            start = time.perf_counter()
            work.run()
            samples[name].append((time.perf_counter() - start) / work.n)
    return {name: Timing(tuple(samples[name])) for name in names}


@attrs.frozen
class Row:
    """lstlab's timing of ``case`` next to ``baseline``'s, measured in the same run.

    ``target`` is the largest ratio (ours / baseline, per operation) the project accepts, None
    where it sets none; ``base`` is None when the baseline could not run (``note`` says why).
    """

    case: str
    ours: Timing
    baseline: str = ""
    base: Timing | None = None
    target: float | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        return None if self.base is None else ratio(self.ours.median, self.base.median)

    @property
    def verdict(self) -> str:
        """``pass``/``miss`` against the target, ``skipped`` when the baseline is missing."""
        if self.base is None:
            return "skipped" if self.baseline else ""
        if self.target is None:
            return ""
        return "pass" if self.ratio <= self.target else "miss"


@attrs.frozen
class Check:
    """How many of ``total`` outputs of ``subject`` differ from ``reference``'s on the same
    inputs; ``exact`` marks a subject that must match every one (lstlab)."""

    subject: str
    reference: str
    off: int
    total: int
    exact: bool = False
    note: str = ""

    @property
    def verdict(self) -> str:
        """``pass``/``miss`` for an exact subject, ``skipped`` when nothing was compared."""
        if self.total == 0:
            return "skipped"
        if not self.exact:
            return ""
        return "pass" if self.off == 0 else "miss"


def fmt_seconds(seconds: float) -> str:
    """A duration with a unit that keeps 3 significant figures (ns, us, ms, s)."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6), ("ns", 0.0)):
        if seconds >= scale:
            value = seconds / (scale or 1e-9)
            digits = f"{value:,.0f}" if value >= 1000 else f"{value:#.3g}".rstrip(".")
            return f"{digits} {unit}"
    raise ValueError(f"a duration cannot be negative: {seconds}")


def _spread(timing: Timing) -> str:
    """``min - max``, with the number of rounds when it is not :data:`REPEATS`."""
    low, high = timing.spread
    rounds = len(timing.per_op)
    return f"{fmt_seconds(low)} - {fmt_seconds(high)}" + (f" ({rounds} round{'s' * (rounds > 1)})" if rounds != REPEATS else "")


def row_cells(row: Row) -> tuple[str, ...]:
    """The cells of one row of :func:`format_rows`."""
    base = fmt_seconds(row.base.median) if row.base is not None else "-"
    ratio_cell = f"{row.ratio:.2f}x" if row.ratio is not None else "-"
    target = f"<= {row.target:g}x" if row.target is not None else ""
    return (row.case, fmt_seconds(row.ours.median), _spread(row.ours), row.baseline, base, ratio_cell, target,
            row.verdict, row.note)


ROW_HEADER = ("case", "lstlab", "spread (min - max)", "baseline", "baseline median", "ratio", "target", "",
              "note")
CHECK_HEADER = ("outputs of", "against", "off", "of", "", "note")


def check_cells(check: Check) -> tuple[str, ...]:
    """The cells of one row of :func:`format_checks`."""
    return (check.subject, check.reference, f"{check.off:,}", f"{check.total:,}", check.verdict, check.note)


def _table(header: tuple[str, ...], lines: list[tuple[str, ...]], right: set[int]) -> str:
    widths = [max(len(cell) for cell in column) for column in zip(header, *lines)]
    def fmt(cells: tuple[str, ...]) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    out = [fmt(header), fmt(tuple("-" * w for w in widths))] + [fmt(line) for line in lines]
    return "\n".join(line.rstrip() for line in out)


def format_rows(rows: list[Row]) -> str:
    """Timed rows as a fixed-width text table."""
    return _table(ROW_HEADER, [row_cells(r) for r in rows], right={1, 2, 4, 5})


def format_checks(checks: list[Check]) -> str:
    """Exactness counts as a fixed-width text table."""
    return _table(CHECK_HEADER, [check_cells(c) for c in checks], right={2, 3})


def format_line(record: Row | Check) -> str:
    """One record on one line, as printed the moment it is measured."""
    note = f"; {record.note}" if record.note else ""
    if isinstance(record, Check):
        if record.total == 0:
            return f"{record.subject} against {record.reference}: skipped{note}"
        verdict = f" [{record.verdict}]" if record.verdict else ""
        return f"{record.subject}: {record.off:,} of {record.total:,} off {record.reference}{verdict}{note}"
    cells = dict(zip(ROW_HEADER, row_cells(record)))
    line = f"{record.case}: {cells['lstlab']} ({cells['spread (min - max)']})"
    if record.base is None and record.baseline:
        return f"{line}, {record.baseline}: skipped{note}"
    if record.baseline:
        line += f" vs {record.baseline} {cells['baseline median']} = {cells['ratio']}"
    if record.target is not None:
        line += f", target {cells['target']}"
    if record.verdict:
        line += f" [{record.verdict}]"
    return line + note
