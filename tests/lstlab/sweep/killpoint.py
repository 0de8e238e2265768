"""A sweep that stops dead at a chosen moment of writing a part, for a test to SIGKILL it there.

``python -m tests.lstlab.sweep.killpoint MODE PART MARKER store OUT`` runs the NoisyMean sweep
below into OUT; ``... cli ARGS`` runs ``lstlab ARGS``. When the sweep reaches the moment MODE
of summary part number PART it writes its pid to MARKER and sleeps:

- ``writing``: half of the summary part's bytes are in its staging file;
- ``staged``: the summary part is staged whole, not yet renamed into place;
- ``between``: the steps part is in place, the summary part not yet.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa

from lstlab.sim.sweep import Grid, ResultStore, parts, results, run_sweep
from tests.lstlab.sweep_tasks import NoisyMean

MODES = ("writing", "staged", "between")
MANIFEST = {"task": "noisy-mean", "grid": ["mu=0:1:0.25"], "paths": 3, "seed": 11, "runs": 15}
GRID = Grid.from_strings(["mu=0:1:0.25"], paths=3, seed=11)
ROOT = Path(__file__).resolve().parents[3]
SWEEP = {"executor": "inprocess", "batch_size": 2, "flush_every": 2, "keep_steps": True}
"""15 runs flushed two at a time: parts 0-6 hold two runs each, part 7 one."""


def _hang(marker: str) -> None:
    Path(marker).write_text(str(os.getpid()))
    time.sleep(600)


def install(mode: str, part: int, marker: str) -> None:
    """Patch this process's sweep storage to hang at ``mode`` of summary part ``part``."""
    name = f"summary-{parts.part_name(part)}"
    if mode == "writing":
        real_write = parts.pq.write_table

        def write_table(table, where, **kwargs):
            if getattr(where, "name", "").endswith(name):
                buffer = pa.BufferOutputStream()
                real_write(table, buffer, **kwargs)
                data = buffer.getvalue().to_pybytes()
                where.write(data[: len(data) // 2])
                where.flush()
                _hang(marker)
            return real_write(table, where, **kwargs)

        parts.pq.write_table = write_table
    elif mode == "staged":
        real_stage = results.stage

        def stage(table, path):
            staged = real_stage(table, path)
            if path.name == name:
                _hang(marker)
            return staged

        results.stage = stage
    elif mode == "between":
        real_replace = os.replace

        def replace(source, target):
            if Path(source).name == name:
                _hang(marker)
            real_replace(source, target)

        os.replace = replace
    else:
        raise SystemExit(f"mode must be one of {MODES}")


def sweep_into(out: str | Path) -> ResultStore:
    """The reference sweep, uninterrupted (or, after install(), up to the kill point)."""
    store = ResultStore(out)
    store.start(MANIFEST, resume=False)
    run_sweep(NoisyMean(), GRID.runs(), store, **SWEEP)
    return store


def hang_at(mode: str, part: int, out: Path, *how: str) -> subprocess.Popen:
    """Start a child running this module until it hangs at ``mode`` of summary part ``part``
    (the NoisyMean sweep into ``out``, or ``lstlab *how`` if given); returns the hanging child."""
    marker = out.parent / f"{out.name}.marker"
    log = out.parent / f"{out.name}.stderr"
    args = ["store", str(out)] if not how else ["cli", *how]
    with open(log, "wb") as stderr:
        child = subprocess.Popen([sys.executable, "-m", "tests.lstlab.sweep.killpoint", mode, str(part), str(marker),
                                  *args], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                                 stdout=subprocess.DEVNULL, stderr=stderr)
    deadline = time.monotonic() + 120
    while not marker.exists() and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    if not marker.exists():
        child.kill()
        child.wait()
        raise AssertionError(f"the child never reached the kill point: {log.read_text()[-2000:]}")
    return child


def kill_at(mode: str, part: int, out: Path, *how: str) -> None:
    """:func:`hang_at`, then SIGKILL the child there."""
    child = hang_at(mode, part, out, *how)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()


def main() -> None:
    mode, part, marker, kind, *rest = sys.argv[1:]
    install(mode, int(part), marker)
    if kind == "store":
        sweep_into(rest[0])
    else:
        from lstlab.cli.app import main as cli

        sys.exit(cli(rest))


if __name__ == "__main__":
    main()
