"""Drawdown episodes of a stETH/ETH series.

An *episode* is a maximal run of consecutive rows with ``steth_eth < 1 - threshold``; its
*depth* is ``1 - min(steth_eth)`` over the run (a fraction of par) and its *duration* is the
number of rows in it (days, for a daily series). The default threshold is 10 bps: below it a
daily quote is within the noise of the quote sources (PROVENANCE.md: the CoinGecko ratio
deviates from Curve trades by 0.83% on average, CoinMarketCap's daily mean by less). Episodes
cut by the start or end of the series count as they are seen.
"""

from __future__ import annotations

import attrs
import numpy as np

THRESHOLD = 0.001
"""Below par by more than this (10 bps) is a drawdown; see the module docstring."""

DAYS_PER_YEAR = 365.0


def episodes(ratio: np.ndarray, threshold: float = THRESHOLD) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(starts, durations, depths)`` of the episodes of ``ratio`` (row index, rows, fraction)."""
    ratio = np.asarray(ratio, dtype=float)
    below = np.concatenate(([False], ratio < 1.0 - threshold, [False]))
    edges = np.diff(below.astype(np.int8))
    starts = np.nonzero(edges == 1)[0]
    ends = np.nonzero(edges == -1)[0]
    if len(starts) == 0:
        empty = np.array([], dtype=np.int64)
        return empty, empty, np.array([], dtype=float)
    depths = 1.0 - np.minimum.reduceat(ratio, starts)
    return starts, ends - starts, depths


@attrs.frozen
class DrawdownStats:
    """Episodes of one or more daily series pooled: counts per year of series, depth (fraction
    of par) and duration (days)."""

    years: float
    episodes: int
    per_year_1pct: float
    """Episodes deeper than 1% of par, per year of series."""
    per_year_3pct: float
    """Episodes deeper than 3% of par, per year of series."""
    max_depth: float
    mean_days: float
    max_days: int
    depths: np.ndarray = attrs.field(eq=False, repr=False)
    durations: np.ndarray = attrs.field(eq=False, repr=False)

    @classmethod
    def of(cls, ratios: np.ndarray, threshold: float = THRESHOLD) -> DrawdownStats:
        """Pool the episodes of each row of ``ratios`` (one daily series, or paths x days)."""
        rows = np.atleast_2d(np.asarray(ratios, dtype=float))
        found = [episodes(row, threshold) for row in rows]
        durations = np.concatenate([f[1] for f in found]).astype(np.int64)
        depths = np.concatenate([f[2] for f in found])
        years = rows.size / DAYS_PER_YEAR
        return cls(
            years=years,
            episodes=len(depths),
            per_year_1pct=float((depths > 0.01).sum() / years),
            per_year_3pct=float((depths > 0.03).sum() / years),
            max_depth=float(depths.max()) if len(depths) else 0.0,
            mean_days=float(durations.mean()) if len(durations) else 0.0,
            max_days=int(durations.max()) if len(durations) else 0,
            depths=depths,
            durations=durations,
        )


__all__ = ["DAYS_PER_YEAR", "THRESHOLD", "DrawdownStats", "episodes"]
