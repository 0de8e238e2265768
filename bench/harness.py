"""The benchmark harness: every row is timed next to a baseline measured in the same run.

A bench module ``bench/bench_<topic>.py`` defines ``CASES``: a list of functions, each taking
no argument and returning a list of :class:`Row`. Time with :func:`best_of` (the best of a few
repeats, so one noisy interval does not count) and give each row its baseline, so the ratio
holds on any machine.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import attrs


@attrs.frozen
class Row:
    """One measurement: ``n`` operations took ``seconds``; the baseline took ``base_seconds``
    for its own ``base_n`` operations (defaults to ``n``)."""

    name: str
    n: int
    seconds: float
    baseline: str
    base_seconds: float
    base_n: int | None = None
    note: str = ""

    @property
    def per_op_us(self) -> float:
        return self.seconds / self.n * 1e6

    @property
    def base_per_op_us(self) -> float:
        return self.base_seconds / (self.base_n or self.n) * 1e6

    @property
    def ratio(self) -> float:
        """Cost per operation relative to the baseline's cost per operation."""
        return self.per_op_us / self.base_per_op_us if self.base_per_op_us else float("inf")


def best_of(fn: Callable[[], object], repeat: int = 3, setup: Callable[[], object] | None = None) -> float:
    """Seconds of the fastest of ``repeat`` calls of ``fn`` (``setup`` runs untimed before each)."""
    best = float("inf")
    for _ in range(repeat):
        if setup is not None:
            setup()
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def format_table(rows: list[Row]) -> str:
    """The rows as a fixed-width text table."""
    header = ("benchmark", "n", "total s", "us/op", "baseline", "base us/op", "ratio", "note")
    lines = [
        (r.name, f"{r.n:,}", f"{r.seconds:.4f}", f"{r.per_op_us:.3f}", r.baseline,
         f"{r.base_per_op_us:.3f}", f"{r.ratio:.2f}x", r.note)
        for r in rows
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(header, *lines)]
    fmt = "  ".join(f"{{:<{w}}}" if i in (0, 4, 7) else f"{{:>{w}}}" for i, w in enumerate(widths))
    out = [fmt.format(*header), fmt.format(*("-" * w for w in widths))]
    out += [fmt.format(*line) for line in lines]
    return "\n".join(out)
