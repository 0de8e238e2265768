"""A sweep's results on disk: a Parquet dataset that grows one part file per flushed batch.

A part is written to a temporary name and renamed into place, so a killed sweep leaves only
whole parts. ``done()`` lists the run indexes already on disk; a resumed sweep skips them, so
nothing is computed twice and nothing is written twice.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from lstlab.errors import ScenarioError

MANIFEST = "sweep.json"


class ResultStore:
    """Append-only Parquet parts under ``directory/summary`` (and ``directory/steps``)."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.summary_dir = self.directory / "summary"
        self.steps_dir = self.directory / "steps"

    def start(self, manifest: dict[str, Any], resume: bool) -> None:
        """Create the dataset, or check that a resumed one belongs to the same sweep."""
        path = self.directory / MANIFEST
        if path.exists():
            existing = json.loads(path.read_text())
            if not resume:
                raise ScenarioError(
                    f"{self.directory} already holds a sweep: pass --resume to continue it, or choose a new --out"
                )
            if existing != manifest:
                raise ScenarioError(
                    f"{self.directory} holds a different sweep (scenario, grid or seed changed): use a new --out"
                )
        else:
            self.directory.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(manifest, indent=2, sort_keys=True))
        self.summary_dir.mkdir(exist_ok=True)

    def done(self) -> set[int]:
        """Run indexes already stored."""
        indexes: set[int] = set()
        for part in sorted(self.summary_dir.glob("part-*.parquet")):
            table = pq.read_table(part, columns=["run_index"])
            indexes.update(table.column("run_index").to_pylist())
        return indexes

    def _next_part(self, directory: Path) -> Path:
        existing = sorted(directory.glob("part-*.parquet"))
        number = int(existing[-1].stem.split("-")[1]) + 1 if existing else 0
        return directory / f"part-{number:06d}.parquet"

    def _write(self, directory: Path, frame: pd.DataFrame) -> None:
        directory.mkdir(exist_ok=True)
        target = self._next_part(directory)
        tmp = target.with_suffix(".tmp")
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), tmp)
        os.replace(tmp, target)

    def append(self, rows: list[dict[str, Any]], steps: list[pd.DataFrame] | None = None) -> None:
        """Store finished runs: their summary rows (and their per-step metrics, if kept).

        Steps are written first: a run counts as done only once its summary row is on disk.
        """
        if not rows:
            return
        if steps:
            self._write(self.steps_dir, pd.concat(steps, ignore_index=True))
        self._write(self.summary_dir, pd.DataFrame(rows))

    def summary(self) -> pd.DataFrame:
        """Every stored summary row, sorted by run index."""
        parts = sorted(self.summary_dir.glob("part-*.parquet"))
        if not parts:
            return pd.DataFrame()
        frame = pd.concat([pq.read_table(p).to_pandas() for p in parts], ignore_index=True)
        return frame.sort_values("run_index", kind="stable").reset_index(drop=True)
