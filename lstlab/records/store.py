"""The event recorder: a run's events streamed to Parquet part files in bounded memory."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Self

import pyarrow as pa
import pyarrow.parquet as pq

from chain.errors import InvalidArgument
from lstlab.records.rows import SCHEMA, row_values
from lstlab.records.snapshot import HOLDINGS_SCHEMA, STEPS_SCHEMA, holding_values, step_row
from lstlab.records.valuation import Prices, Valuer

EVENTS_DIR = "events"
"""Sub-folder of the run directory holding the event part files ``part-000000.parquet``, ..."""
STEPS_DIR, HOLDINGS_DIR = "steps", "holdings"
"""Sub-folders of the ``steps`` rows (one a step) and the ``holdings`` rows (at checkpoints)."""


class PartWriter:
    """Rows of one schema written as numbered Parquet part files of at most ``flush_every`` rows;
    a row is a tuple of the schema's columns in order (or a dict by column name)."""

    def __init__(self, directory: Path, schema: pa.Schema, flush_every: int) -> None:
        self.directory, self.schema, self.flush_every = directory, schema, flush_every
        directory.mkdir(parents=True, exist_ok=True)
        if any(directory.glob("part-*.parquet")):
            raise InvalidArgument(f"{directory} already holds records: give a new run directory")
        self.rows: list[tuple[Any, ...]] = []
        self.parts = 0
        self.rows_written = 0

    def add(self, row: tuple[Any, ...] | dict[str, Any]) -> None:
        self.rows.append(tuple(row[n] for n in self.schema.names) if isinstance(row, dict) else row)
        if len(self.rows) >= self.flush_every:
            self.flush()

    def flush(self) -> None:
        """Write the held rows as one part file (nothing when none are held)."""
        if not self.rows:
            return
        columns = zip(*self.rows)
        self._write(pa.Table.from_arrays([pa.array(c, type=f.type) for c, f in zip(columns, self.schema)],
                                         schema=self.schema))
        self.rows_written += len(self.rows)
        self.rows = []

    def _write(self, table: pa.Table) -> None:
        pq.write_table(table, self.directory / f"part-{self.parts:06d}.parquet")
        self.parts += 1

    def close(self) -> None:
        """Write the last rows; with none at all, one empty part, so the view has every column."""
        self.flush()
        if self.parts == 0:
            self._write(self.schema.empty_table())


class EventRecorder:
    """Collects a run's rows and writes part files as it goes, so at most ``flush_every`` rows
    of each table are held in memory.

    Tables: ``events`` (:data:`lstlab.records.rows.SCHEMA`) through :meth:`record`; ``steps``
    and ``holdings`` (:mod:`lstlab.records.snapshot`) through :meth:`snapshot`. A checkpoint
    (holdings written) is taken at the first snapshot, then at the first one at least
    ``checkpoint_every`` seconds after the last, and at the last one (:meth:`close` with
    ``final``). ``flush_every`` defaults to 50,000 rows: a few MB of Python rows, and part files
    large enough that DuckDB reads a year-long run from tens of files, not thousands.
    Use it as a context manager or call :meth:`close` to write the last rows.
    """

    def __init__(self, run_dir: str | Path, flush_every: int = 50_000, checkpoint_every: int = 86_400) -> None:
        for name, value in (("flush_every", flush_every), ("checkpoint_every", checkpoint_every)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise InvalidArgument(f"{name} must be a positive int, got {value!r}")
        root = Path(run_dir)
        self.directory = root / EVENTS_DIR
        self._events = PartWriter(self.directory, SCHEMA, flush_every)
        self._steps = PartWriter(root / STEPS_DIR, STEPS_SCHEMA, flush_every)
        self._holdings = PartWriter(root / HOLDINGS_DIR, HOLDINGS_SCHEMA, flush_every)
        self.flush_every = flush_every
        self.checkpoint_every = checkpoint_every
        self._step: int | None = None
        self._next_index = 0
        self._last_checkpoint: int | None = None
        self._valuer: Valuer | None = None
        self._closed = False

    @property
    def rows_written(self) -> int:
        """Event rows written to part files so far."""
        return self._events.rows_written

    def record(self, step: int, time: int, events: Iterable[Any], *, tx: int | Sequence[int] | None = None,
               state: Any = None) -> int:
        """Add ``events`` (in log order) of ``step`` at ``time`` (unix seconds); ``tx`` is each
        event's transaction number (a list parallel to ``events``, as ``State.drain_log`` gives),
        one number for all, or None (unknown); ``state`` resolves emitters' networks. Log
        indices continue within a step. Returns the count."""
        self._check_open()
        if step != self._step:
            self._step, self._next_index = step, 0
        count = 0
        txs = tx if isinstance(tx, Sequence) else None
        for event in events:
            number = txs[count] if txs is not None else tx
            self._events.add(row_values(event, step, time, self._next_index, number, state))
            self._next_index += 1
            count += 1
        if txs is not None and len(txs) != count:
            raise InvalidArgument(f"{len(txs)} transaction numbers for {count} events: give one per event")
        return count

    def snapshot(self, world: Any, step: int, time: int, prices: Prices, *, final: bool = False,
                 opening: bool = False) -> bool:
        """Write the ``steps`` row of ``world`` now and, when a checkpoint is due (or this is
        the run's ``final`` snapshot, or its ``opening`` one: the balances before the first
        step, which the cadence does not count), its holdings; returns whether it was one."""
        self._check_open()
        due = final or opening or self._last_checkpoint is None or time - self._last_checkpoint >= self.checkpoint_every
        self._write_snapshot(world, step, time, prices, due)
        if due and not opening:
            self._last_checkpoint = time
        return due

    def _write_snapshot(self, world: Any, step: int, time: int, prices: Prices, checkpoint: bool) -> None:
        self._steps.add(step_row(world, step, time, prices, checkpoint))
        if checkpoint:
            if self._valuer is None or self._valuer.world is not world:
                self._valuer = Valuer(world)
            for row in holding_values(world, self._valuer, step, time, prices):
                self._holdings.add(row)

    def _check_open(self) -> None:
        if self._closed:
            raise InvalidArgument("the recorder is closed: open a new one for another run")

    def flush(self) -> None:
        """Write every held row as part files."""
        for writer in (self._events, self._steps, self._holdings):
            writer.flush()

    def close(self) -> None:
        """Write the last rows of every table."""
        if self._closed:
            return
        for writer in (self._events, self._steps, self._holdings):
            writer.close()
        self._closed = True

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["EVENTS_DIR", "HOLDINGS_DIR", "STEPS_DIR", "EventRecorder", "PartWriter"]
