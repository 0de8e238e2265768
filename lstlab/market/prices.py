"""Price tables that drive backtests: loading, validation and a data-quality report.

A price table has a time column (``timestamp`` or ``date``, parsed as UTC) and float columns:
``eth_usd`` and ``steth_eth`` are required; ``staking_apr`` (a fraction, 0.04 = 4%) is optional.
Any bad value raises :class:`DataError` naming the file, column and row; nothing is filled or
dropped silently. Gaps in time and outliers are *reported* (``PriceTable.quality``), not fixed.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import attrs
import numpy as np
import pandas as pd
import pyarrow as pa

from lstlab.errors import DataError

REQUIRED = ("eth_usd", "steth_eth")
OPTIONAL = ("staking_apr",)
TIME_COLUMNS = ("timestamp", "date")
STETH_ETH_BOUNDS = (0.5, 1.05)
"""stETH/ETH outside this range is certainly an error in the data, not a depeg."""
EPOCH_SECONDS_BOUNDS = (1_438_214_400, 4_102_444_800)
"""Numeric times are Unix seconds from 2015-07-30 (Ethereum's genesis day: no ETH price before)
to 2100-01-01; values a thousand times larger are milliseconds and are converted, with a note."""


@attrs.frozen
class Quality:
    """What the loader noticed and left as it is."""

    rows: int
    start: pd.Timestamp
    end: pd.Timestamp
    step: pd.Timedelta
    gaps: tuple[tuple[pd.Timestamp, pd.Timestamp], ...]
    outliers: tuple[tuple[pd.Timestamp, str, float], ...]
    notes: tuple[str, ...] = ()
    """How the loader read the table where it had to decide (e.g. times in milliseconds)."""

    def lines(self) -> list[str]:
        """A human-readable summary, one finding a line."""
        out = [f"{self.rows} rows from {self.start:%Y-%m-%d %H:%M} to {self.end:%Y-%m-%d %H:%M}, step {self.step}"]
        out += [f"note: {note}" for note in self.notes]
        out += [f"gap: no data between {a:%Y-%m-%d %H:%M} and {b:%Y-%m-%d %H:%M}" for a, b in self.gaps]
        out += [f"outlier: {col} = {v:.6g} at {t:%Y-%m-%d %H:%M}" for t, col, v in self.outliers]
        return out


@attrs.frozen
class PriceTable:
    """A validated price table: ``frame`` indexed by UTC timestamps, float columns."""

    frame: pd.DataFrame
    quality: Quality
    source: str

    @property
    def seconds(self) -> np.ndarray:
        """Unix seconds of each row (int64)."""
        return (self.frame.index.asi8 // 10**9).astype(np.int64)

    def column(self, name: str) -> np.ndarray:
        return self.frame[name].to_numpy(dtype=float)


def _read(source: str | Path | pd.DataFrame) -> tuple[pd.DataFrame, str]:
    if isinstance(source, pd.DataFrame):
        return source.copy(), "the DataFrame"
    path = Path(source)
    if not path.is_file():
        raise DataError(f"price file {str(path)!r} does not exist: pass a CSV or Parquet file")
    try:
        if path.suffix.lower() in (".parquet", ".pq"):
            return pd.read_parquet(path), str(path)
        return pd.read_csv(path), str(path)
    except (ValueError, OSError, pa.ArrowException) as exc:  # pandas' parser errors and pyarrow's are ValueErrors
        raise DataError(f"cannot read {str(path)!r} as CSV or Parquet: {str(exc).splitlines()[0]}") from None


def _epoch_unit(raw: pd.Series, column: str, where: str) -> tuple[str, str | None]:
    """The unit of numeric times (``s`` or ``ms``) and a note when it is not seconds; a
    DataError when the values are neither Unix seconds nor milliseconds of Ethereum's era."""
    low, high = EPOCH_SECONDS_BOUNDS
    values = raw.to_numpy(dtype=float)
    finite = values[np.isfinite(values)]
    if len(finite) == 0:
        raise DataError(f"{where}: column {column!r} holds no finite time")
    smallest, largest = float(finite.min()), float(finite.max())
    if low <= smallest and largest <= high:
        return "s", None
    if low * 1000 <= smallest and largest <= high * 1000:
        return "ms", f"column {column!r} is in Unix milliseconds (values up to {largest:.0f}): read as such"
    hint = (f"Unix seconds from {low} (2015-07-30) to {high} (2100-01-01), or milliseconds; "
            "or write dates as YYYY-MM-DD")
    raise DataError(f"{where}: column {column!r} runs from {smallest:.0f} to {largest:.0f}, neither {hint}")


def _time_index(frame: pd.DataFrame, where: str) -> tuple[pd.DatetimeIndex, str | None]:
    column = next((c for c in TIME_COLUMNS if c in frame.columns), None)
    if column is None:
        raise DataError(f"{where} has no time column: name one of {', '.join(TIME_COLUMNS)}")
    raw = frame[column]
    if pd.api.types.is_bool_dtype(raw.dtype):
        raise DataError(f"{where}: column {column!r} holds true/false, not times")
    numeric = pd.api.types.is_numeric_dtype(raw.dtype)
    unit, note = _epoch_unit(raw, column, where) if numeric else ("s", None)
    try:
        if numeric:
            index = pd.to_datetime(raw, unit=unit, utc=True)
        else:
            index = pd.to_datetime(raw, utc=True)
    except (ValueError, TypeError, OverflowError) as exc:
        raise DataError(f"{where}: column {column!r} has values that are not times ({exc})") from None
    index = pd.DatetimeIndex(index).as_unit("ns")
    bad = index.isna().nonzero()[0]
    if len(bad):
        raise DataError(f"{where}: column {column!r} is empty or not a time at row {int(bad[0]) + 2}")
    order = np.diff(index.asi8)
    if (order <= 0).any():
        row = int(np.nonzero(order <= 0)[0][0]) + 1
        raise DataError(
            f"{where}: timestamps are not strictly increasing at row {row + 2} "
            f"({index[row - 1]} then {index[row]}): sort the table and remove duplicates"
        )
    return index, note


def _check_columns(frame: pd.DataFrame, where: str) -> pd.DataFrame:
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise DataError(
            f"{where} lacks column(s) {', '.join(missing)}; it has {', '.join(map(str, frame.columns))}"
        )
    kept = [c for c in (*REQUIRED, *OPTIONAL) if c in frame.columns]
    out = pd.DataFrame(index=frame.index)
    for col in kept:
        values = pd.to_numeric(frame[col], errors="coerce")
        bad = values.isna().to_numpy().nonzero()[0]
        if len(bad):
            raise DataError(f"{where}: column {col!r} is NaN or not a number at row {int(bad[0]) + 2}")
        infinite = np.isinf(values.to_numpy(dtype=float)).nonzero()[0]
        if len(infinite):
            raise DataError(f"{where}: column {col!r} is infinite at row {int(infinite[0]) + 2}: give a finite number")
        if col != "staking_apr" and (values <= 0).any():
            row = int((values <= 0).to_numpy().nonzero()[0][0])
            raise DataError(f"{where}: column {col!r} is not positive at row {row + 2}")
        out[col] = values.astype(float)
    low, high = STETH_ETH_BOUNDS
    ratio = out["steth_eth"]
    if ((ratio < low) | (ratio > high)).any():
        row = int(((ratio < low) | (ratio > high)).to_numpy().nonzero()[0][0])
        raise DataError(
            f"{where}: steth_eth {ratio.iloc[row]} at row {row + 2} is outside [{low}, {high}]: "
            "the column must be ETH per stETH"
        )
    return out


def _bound(text: str | None, name: str, where: str) -> str | None:
    """``start`` or ``end`` as given (a date keeps its whole day, as pandas cuts by string);
    a DataError unless it is an ISO 8601 date or date-time."""
    if text is None:
        return None
    try:
        datetime.fromisoformat(str(text))
    except ValueError as exc:
        raise DataError(f"{where}: {name} {text!r} is not a date ({exc}): give YYYY-MM-DD, e.g. 2022-05-01") from None
    return str(text)


def _quality(frame: pd.DataFrame, notes: tuple[str, ...] = ()) -> Quality:
    index = frame.index
    steps = np.diff(index.asi8)
    step = pd.Timedelta(int(np.median(steps)) if len(steps) else 86_400 * 10**9)
    gaps = tuple((index[i], index[i + 1]) for i in np.nonzero(steps > 1.5 * step.value)[0])
    outliers = []
    ratio = frame["steth_eth"].to_numpy()
    for i in np.nonzero(ratio > 1.01)[0]:
        outliers.append((index[i], "steth_eth", float(ratio[i])))
    eth = frame["eth_usd"].to_numpy()
    jumps = np.abs(np.diff(np.log(eth))) if len(eth) > 1 else np.array([])
    for i in np.nonzero(jumps > 0.35)[0]:
        outliers.append((index[i + 1], "eth_usd", float(eth[i + 1])))
    return Quality(len(frame), index[0], index[-1], step, gaps, tuple(sorted(outliers)), notes)


def load_prices(source: str | Path | pd.DataFrame, *, start: str | None = None, end: str | None = None) -> PriceTable:
    """Load and validate a price table (CSV, Parquet or DataFrame); optionally cut to [start, end].

    Raises DataError naming the problem (missing file, columns, NaN or inf, non-monotonic time,
    numeric times that are neither Unix seconds nor milliseconds, a ``start``/``end`` that is no
    ISO date...).
    """
    frame, where = _read(source)
    if frame.empty:
        raise DataError(f"{where} has no rows")
    first, last = _bound(start, "start", where), _bound(end, "end", where)
    index, note = _time_index(frame, where)
    frame = frame.reset_index(drop=True)
    values = _check_columns(frame, where)
    values.index = index
    if first is not None or last is not None:
        values = values.loc[first:last]
        if len(values) < 2:
            raise DataError(f"{where} has fewer than 2 rows between {start} and {end}")
    return PriceTable(values, _quality(values, (note,) if note else ()), where)
