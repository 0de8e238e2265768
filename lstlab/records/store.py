"""The event recorder: a run's events streamed to Parquet part files in bounded memory."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from chain.errors import InvalidArgument
from lstlab.records.rows import SCHEMA, to_row

EVENTS_DIR = "events"
"""Sub-folder of the run directory holding the part files ``part-000000.parquet``, ..."""


class EventRecorder:
    """Collects rows and writes a part file every ``flush_every`` rows, so at most
    ``flush_every`` rows are held in memory.

    ``flush_every`` defaults to 50,000 rows: a few MB of Python rows, and part files large
    enough that DuckDB reads a year-long run from tens of files, not thousands.
    Use it as a context manager or call :meth:`close` to write the last rows.
    """

    def __init__(self, run_dir: str | Path, flush_every: int = 50_000) -> None:
        if not isinstance(flush_every, int) or isinstance(flush_every, bool) or flush_every < 1:
            raise InvalidArgument(f"flush_every must be a positive int of rows, got {flush_every!r}")
        self.directory = Path(run_dir) / EVENTS_DIR
        self.directory.mkdir(parents=True, exist_ok=True)
        if any(self.directory.glob("part-*.parquet")):
            raise InvalidArgument(f"{self.directory} already holds event records: give a new run directory")
        self.flush_every = flush_every
        self._rows: list[dict[str, Any]] = []
        self._parts = 0
        self._step: int | None = None
        self._next_index = 0
        self.rows_written = 0
        self._closed = False

    def record(self, step: int, time: int, events: Iterable[Any], *, tx: int | None = None,
               state: Any = None) -> int:
        """Add ``events`` (in log order) of ``step`` at ``time`` (unix seconds); ``tx`` is the
        transaction index when the caller drains per transaction (None: unknown); ``state``
        resolves emitters' networks. Log indices continue within a step. Returns the count."""
        if self._closed:
            raise InvalidArgument("the recorder is closed: open a new one for another run")
        if step != self._step:
            self._step, self._next_index = step, 0
        count = 0
        for event in events:
            self._rows.append(to_row(event, step, time, self._next_index, tx, state))
            self._next_index += 1
            count += 1
            if len(self._rows) >= self.flush_every:
                self.flush()
        return count

    def flush(self) -> None:
        """Write the held rows as one part file (nothing when none are held)."""
        if not self._rows:
            return
        self._write(pa.Table.from_pylist(self._rows, schema=SCHEMA))
        self.rows_written += len(self._rows)
        self._rows = []

    def _write(self, table: pa.Table) -> None:
        pq.write_table(table, self.directory / f"part-{self._parts:06d}.parquet")
        self._parts += 1

    def close(self) -> None:
        """Write the last rows; a run without events still leaves one empty part file, so
        that its records open with every column."""
        if self._closed:
            return
        self.flush()
        if self._parts == 0:
            self._write(SCHEMA.empty_table())
        self._closed = True

    def __enter__(self) -> EventRecorder:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


__all__ = ["EVENTS_DIR", "EventRecorder"]
