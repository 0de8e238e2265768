"""Single Parquet parts of a sweep dataset: written whole or not at all, read and checked.

A part is staged in a folder readers never look at (a leading ``.``: pandas and pyarrow
dataset discovery skip names starting with ``.`` or ``_``, while a ``part-1.tmp`` inside the
dataset folder is read as data), flushed to disk, then renamed into place, so a reader sees a
whole part or none.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

PART_PREFIX = "part-"
PART_SUFFIX = ".parquet"


def part_name(number: int) -> str:
    return f"{PART_PREFIX}{number:06d}{PART_SUFFIX}"


def numbered_parts(directory: Path) -> list[tuple[int, Path]]:
    """(number, path) of the parts in ``directory``, in number order; other names are ignored."""
    out = []
    if directory.is_dir():
        for path in directory.glob(f"{PART_PREFIX}*{PART_SUFFIX}"):
            digits = path.name[len(PART_PREFIX) : -len(PART_SUFFIX)]
            if digits.isdigit():
                out.append((int(digits), path))
    return sorted(out)


def fsync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` durable (a no-op where directories cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def stage(table: pa.Table, path: Path) -> Path:
    """Write ``table`` to ``path`` and flush it to disk; returns ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        pq.write_table(table, handle)
        handle.flush()
        os.fsync(handle.fileno())
    return path


def kind(dtype: pa.DataType) -> str:
    """A column's kind for schema checks: numbers (ints, floats, bools) are one kind, since one
    batch may hold ``0`` where another holds ``0.5``; an all-null column fits any kind."""
    if pa.types.is_null(dtype):
        return "null"
    if pa.types.is_integer(dtype) or pa.types.is_floating(dtype) or pa.types.is_boolean(dtype):
        return "number"
    if pa.types.is_string(dtype) or pa.types.is_large_string(dtype):
        return "string"
    return str(dtype)


def kinds(schema: pa.Schema) -> dict[str, str]:
    return {field.name: kind(field.type) for field in schema}


def read_part(path: Path, columns: list[str] | None = None) -> tuple[pa.Table | None, str | None]:
    """(table, None) for a readable part with a ``run_index`` column; else (None, the reason)."""
    try:
        schema = pq.read_schema(path)
        if "run_index" not in schema.names:
            return None, "it has no run_index column: not a part of a sweep"
        table = pq.read_table(path, columns=columns)
    except (pa.ArrowException, OSError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return None, f"it is not a whole Parquet file (truncated?): {first}"
    return table, None


def schema_problem(found: dict[str, str], expected: dict[str, str]) -> str | None:
    """None when a part's column kinds fit the sweep's; else what differs."""
    missing, extra = sorted(set(expected) - set(found)), sorted(set(found) - set(expected))
    if missing or extra:
        said = [f"missing {', '.join(missing)}"] * bool(missing) + [f"extra {', '.join(extra)}"] * bool(extra)
        return f"its columns are not the sweep's ({'; '.join(said)})"
    for name, have in found.items():
        want = expected[name]
        if have != want and "null" not in (have, want):
            return f"its column {name} holds {have}, the sweep's holds {want}"
    return None


def runs_problem(runs: list, seen: dict[int, int], planned: int | None) -> str | None:
    """None when a part's run indexes are new ints within the sweep; else what is wrong.
    ``seen`` maps run index -> the part number that already holds it."""
    if len(set(runs)) != len(runs):
        return "it holds a run twice"
    for run in runs:
        if not isinstance(run, int):
            return f"its run_index {run!r} is not an integer"
        if planned is not None and not 0 <= run < planned:
            return f"it holds run {run}, outside this sweep's {planned} runs"
        if run in seen:
            return f"it repeats run {run} of {part_name(seen[run])}"
    return None


__all__ = ["fsync_dir", "kind", "kinds", "numbered_parts", "part_name", "read_part", "runs_problem",
           "schema_problem", "stage"]
