"""A sweep's results on disk: a Parquet dataset that grows one numbered part per flushed batch.

Layout of a sweep folder::

    sweep.json        the manifest: scenario, grid, seed, and the SHA-256 of every input file
    columns.json      the summary's column kinds, fixed by the first part
    summary/part-N    summary rows (one per run); a run is done once its row is here
    steps/part-N      per-step metrics of the runs of summary/part-N (with --keep-steps)
    .lock             held by the one process writing (lstlab.sim.sweep.lock)
    .incoming/        parts being written; readers never look here
    .rejected/        bad parts moved aside by a resume

A flush stages both parts in ``.incoming``, renames the steps part into place, then the summary
part: the summary part publishes the pair. A crash between the renames leaves a steps part
without its summary, which a resume deletes (its runs are not done, so they run again), so no
step is stored twice. A resume also empties ``.incoming`` and moves aside parts that are
unreadable, of another schema, or that repeat runs; their runs are computed again.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any, Self

import pandas as pd
import pyarrow as pa

from lstlab.errors import ScenarioError
from lstlab.sim.sweep.errors import BadPart, InputsChanged, SweepError
from lstlab.sim.sweep.inputs import manifest_difference
from lstlab.sim.sweep.lock import FolderLock
from lstlab.sim.sweep.parts import (
    fsync_dir,
    kinds,
    numbered_parts,
    part_name,
    read_part,
    runs_problem,
    schema_problem,
    stage,
)

MANIFEST = "sweep.json"
COLUMNS = "columns.json"
INCOMING = ".incoming"
REJECTED = ".rejected"


def read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadPart(f"{path} is unreadable ({type(exc).__name__}): it is not a sweep's file; use a new --out") from None
    if not isinstance(data, dict):
        raise BadPart(f"{path} does not hold a JSON object: it is not a sweep's file; use a new --out")
    return data


def _write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.parent / INCOMING / path.name
    tmp.parent.mkdir(exist_ok=True)
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


class ResultStore:
    """Numbered Parquet parts under ``directory/summary`` (and ``directory/steps``).

    Reading needs nothing; writing needs :meth:`start`, which takes the folder's lock until
    :meth:`close` (or the end of a ``with`` block, or the process).
    """

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.summary_dir = self.directory / "summary"
        self.steps_dir = self.directory / "steps"
        self._lock = FolderLock(self.directory)

    def _repr_html_(self) -> str:
        """The sweep in a notebook: its manifest, the runs finished and the per-point table
        (:func:`lstlab.report.notebook.sweep_html`)."""
        from lstlab.report.notebook import sweep_html

        return sweep_html(self)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the folder's lock (reading stays possible)."""
        self._lock.release()

    # --- starting -------------------------------------------------------------------------------

    def start(self, manifest: dict[str, Any], resume: bool) -> list[str]:
        """Lock the folder, then create the dataset or check that a resumed one is the same sweep
        and repair it (see the module docstring). Returns notes on what a repair did.

        Raises SweepLocked (another writer), ScenarioError (a sweep is there and ``resume`` is
        false), InputsChanged (the manifest differs: another grid, seed or changed input data).
        """
        path = self.directory / MANIFEST
        if path.exists() and not resume:
            raise ScenarioError(
                f"{self.directory} already holds a sweep: pass --resume to continue it, or choose a new --out"
            )
        self.directory.mkdir(parents=True, exist_ok=True)
        taken = self._lock.acquire()
        notes = [taken] if taken else []
        try:
            if path.exists():
                difference = manifest_difference(read_json(path), manifest)
                if difference:
                    raise InputsChanged(f"{self.directory} holds a different sweep: {difference}; resuming would "
                                        "mix two sweeps: restore it or use a new --out")
                notes += self._repair(manifest.get("runs"))
            else:
                if numbered_parts(self.summary_dir):
                    raise ScenarioError(f"{self.directory} holds summary parts but no {MANIFEST}: use a new --out")
                _write_json(path, manifest)
            self.summary_dir.mkdir(exist_ok=True)
        except BaseException:
            self._lock.release()
            raise
        return notes

    def _repair(self, planned: int | None) -> list[str]:
        notes = []
        leftovers = [p for p in (self.directory / INCOMING).glob("*")]
        leftovers += [p for d in (self.summary_dir, self.steps_dir) for p in d.glob("*.tmp")]
        for path in leftovers:
            path.unlink()
        if leftovers:
            notes.append(f"removed {len(leftovers)} unfinished part(s) an interrupted sweep was writing")
        good, bad = self._scan(planned)
        for number, reason in bad:
            moved = self._move_aside(self.summary_dir, number) + self._move_aside(self.steps_dir, number)
            notes.append(f"moved {', '.join(moved)} aside to {REJECTED}/ because {reason}; its runs are computed again")
        for number, path in numbered_parts(self.steps_dir):
            if number not in good:
                path.unlink()
                notes.append(f"deleted steps/{path.name}, written without its summary part by an interrupted "
                             "sweep; its runs are computed again")
        fsync_dir(self.directory)
        return notes

    def _move_aside(self, directory: Path, number: int) -> list[str]:
        source = directory / part_name(number)
        if not source.exists():
            return []
        target = self.directory / REJECTED / f"{directory.name}-{number:06d}-{time.time_ns()}.parquet"
        target.parent.mkdir(exist_ok=True)
        os.replace(source, target)
        return [f"{directory.name}/{source.name}"]

    # --- checking and reading -------------------------------------------------------------------

    def _planned(self) -> int | None:
        path = self.directory / MANIFEST
        runs = read_json(path).get("runs") if path.exists() else None
        return runs if isinstance(runs, int) else None

    def _expected_kinds(self) -> dict[str, str] | None:
        path = self.directory / COLUMNS
        return read_json(path) if path.exists() else None

    def _scan(self, planned: int | None) -> tuple[dict[int, pa.Table], list[tuple[int, str]]]:
        """Summary parts that pass every check, by number, and (number, reason) of the others.
        A steps part that is unreadable or holds runs its summary part lacks fails its pair."""
        expected = self._expected_kinds()
        seen: dict[int, int] = {}
        good: dict[int, pa.Table] = {}
        bad: list[tuple[int, str]] = []
        for number, path in numbered_parts(self.summary_dir):
            table, reason = read_part(path)
            if table is not None:
                found = kinds(table.schema)
                expected = expected if expected is not None else found
                reason = schema_problem(found, expected)
            if reason is None:
                runs = table.column("run_index").to_pylist()
                reason = runs_problem(runs, seen, planned)
            if reason is not None:
                bad.append((number, f"summary/{path.name}: {reason}"))
                continue
            good[number] = table
            seen.update((run, number) for run in runs)
        for number, path in numbered_parts(self.steps_dir):
            if number not in good:
                continue
            steps, reason = read_part(path, columns=["run_index"])
            if steps is not None and not set(steps.column("run_index").to_pylist()) <= set(
                    good[number].column("run_index").to_pylist()):
                reason = f"it holds steps of runs that summary/{path.name} does not hold"
            if reason is not None:
                del good[number]
                bad.append((number, f"steps/{path.name}: {reason}"))
        return good, sorted(bad)

    def _good_parts(self) -> dict[int, pa.Table]:
        good, bad = self._scan(self._planned())
        if bad:
            raise BadPart(f"{self.directory}/{bad[0][1]}: run the sweep again with --resume to move it aside and "
                          "compute its runs again")
        return good

    def done(self) -> set[int]:
        """Run indexes already stored; BadPart if a part fails its checks."""
        return {run for table in self._good_parts().values() for run in table.column("run_index").to_pylist()}

    def summary(self) -> pd.DataFrame:
        """Every stored summary row, sorted by run index; BadPart if a part fails its checks."""
        tables = self._good_parts()
        if not tables:
            return pd.DataFrame()
        frame = pd.concat([tables[n].to_pandas() for n in sorted(tables)], ignore_index=True)
        return frame.sort_values("run_index", kind="stable").reset_index(drop=True)

    def steps(self) -> pd.DataFrame:
        """The per-step metrics of every stored run (none of a steps part whose summary part
        is missing), sorted by run index."""
        good = self._good_parts()
        frames = [pd.read_parquet(path) for number, path in numbered_parts(self.steps_dir) if number in good]
        if not frames:
            return pd.DataFrame()
        frame = pd.concat(frames, ignore_index=True)
        return frame.sort_values("run_index", kind="stable").reset_index(drop=True)

    # --- writing --------------------------------------------------------------------------------

    def append(self, rows: list[dict[str, Any]], steps: list[pd.DataFrame] | None = None) -> None:
        """Store finished runs: their summary rows and, if kept, their per-step metrics, as one
        numbered pair published by its summary part (see the module docstring)."""
        if not rows:
            return
        if not self._lock.held:
            raise SweepError(f"{self.directory}: call start() before append(); writing without the folder's "
                             "lock could store runs twice")
        existing = numbered_parts(self.summary_dir) + numbered_parts(self.steps_dir)
        name = part_name(max((n for n, _ in existing), default=-1) + 1)
        summary = pa.Table.from_pandas(pd.DataFrame(rows), preserve_index=False)
        if not (self.directory / COLUMNS).exists():
            _write_json(self.directory / COLUMNS, kinds(summary.schema))
        incoming = self.directory / INCOMING
        staged = []
        if steps:
            frame = pd.concat(steps, ignore_index=True)
            staged.append((stage(pa.Table.from_pandas(frame, preserve_index=False), incoming / f"steps-{name}"),
                           self.steps_dir))
        staged.append((stage(summary, incoming / f"summary-{name}"), self.summary_dir))
        for path, directory in staged:
            directory.mkdir(exist_ok=True)
            os.replace(path, directory / name)
            fsync_dir(directory)


__all__ = ["COLUMNS", "INCOMING", "MANIFEST", "REJECTED", "ResultStore", "read_json"]
