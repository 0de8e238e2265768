"""Price tables that drive backtests: loading, validation and a data-quality report.

A price table has a time column (``timestamp`` or ``date``, parsed as UTC) and float columns:
``eth_usd`` and ``steth_eth`` are required; ``staking_apr`` (a fraction, 0.04 = 4%) is optional.
Any bad value raises :class:`DataError` naming the file, column and row; nothing is filled or
dropped silently. Gaps in time and outliers are *reported* (``PriceTable.quality``), not fixed.
"""

from __future__ import annotations

from pathlib import Path

import attrs
import numpy as np
import pandas as pd

from lstlab.errors import DataError

REQUIRED = ("eth_usd", "steth_eth")
OPTIONAL = ("staking_apr",)
TIME_COLUMNS = ("timestamp", "date")
STETH_ETH_BOUNDS = (0.5, 1.05)
"""stETH/ETH outside this range is certainly an error in the data, not a depeg."""


@attrs.frozen
class Quality:
    """What the loader noticed and left as it is."""

    rows: int
    start: pd.Timestamp
    end: pd.Timestamp
    step: pd.Timedelta
    gaps: tuple[tuple[pd.Timestamp, pd.Timestamp], ...]
    outliers: tuple[tuple[pd.Timestamp, str, float], ...]

    def lines(self) -> list[str]:
        """A human-readable summary, one finding a line."""
        out = [f"{self.rows} rows from {self.start:%Y-%m-%d %H:%M} to {self.end:%Y-%m-%d %H:%M}, step {self.step}"]
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
    except Exception as exc:  # pandas raises many types for unreadable files
        raise DataError(f"cannot read {str(path)!r} as CSV or Parquet: {str(exc).splitlines()[0]}") from None


def _time_index(frame: pd.DataFrame, where: str) -> pd.DatetimeIndex:
    column = next((c for c in TIME_COLUMNS if c in frame.columns), None)
    if column is None:
        raise DataError(f"{where} has no time column: name one of {', '.join(TIME_COLUMNS)}")
    raw = frame[column]
    try:
        if pd.api.types.is_numeric_dtype(raw.dtype):
            unit = "ms" if raw.abs().max() > 10**11 else "s"
            index = pd.to_datetime(raw, unit=unit, utc=True)
        else:
            index = pd.to_datetime(raw, utc=True)
    except (ValueError, TypeError) as exc:
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
    return index


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


def _quality(frame: pd.DataFrame) -> Quality:
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
    return Quality(len(frame), index[0], index[-1], step, gaps, tuple(sorted(outliers)))


def load_prices(source: str | Path | pd.DataFrame, *, start: str | None = None, end: str | None = None) -> PriceTable:
    """Load and validate a price table (CSV, Parquet or DataFrame); optionally cut to [start, end].

    Raises DataError naming the problem (missing file, columns, NaN, non-monotonic time...).
    """
    frame, where = _read(source)
    if frame.empty:
        raise DataError(f"{where} has no rows")
    index = _time_index(frame, where)
    frame = frame.reset_index(drop=True)
    values = _check_columns(frame, where)
    values.index = index
    if start is not None or end is not None:
        values = values.loc[start:end]
        if len(values) < 2:
            raise DataError(f"{where} has fewer than 2 rows between {start} and {end}")
    return PriceTable(values, _quality(values), where)
