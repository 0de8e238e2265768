"""A run's event records: every typed event streamed to Parquet, queried with DuckDB."""

from lstlab.records.rows import SCHEMA, to_row
from lstlab.records.store import EventRecorder
from lstlab.records.views import VIEWS, open

__all__ = ["SCHEMA", "VIEWS", "EventRecorder", "open", "to_row"]
