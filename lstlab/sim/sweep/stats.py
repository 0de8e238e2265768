"""Per-grid-point statistics of a sweep: probabilities with their run count and a 95% Wilson
interval, and APY quantiles on both valuations.

- ``p_loop_liquidated``: share of runs in which the user's own loop was liquidated at least once;
- ``p_any_liquidation``: share of runs with any liquidation of any position of any market (the
  scenario's other loops, background positions...), reported apart from the user's;
- ``p_bad_debt``: share of runs ending with bad debt above :data:`BAD_DEBT_FLOOR_ETH` on any
  reserve of any market;
- ``apy_{oracle,market}_{mean,p5,p50,p95}``: the user's net APY, equity valued by the market's
  feed or with the collateral at the data's stETH/ETH ratio.

A probability ``p`` of ``k`` runs out of ``n`` comes with the Wilson score interval
``(p + z^2/2n +- z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)`` at z = 1.959964 (95%), which stays
inside [0, 1] and is not degenerate at k = 0 or k = n, unlike the normal approximation.
"""

from __future__ import annotations

import math

import pandas as pd

Z95 = 1.959963984540054
"""The standard normal quantile of 0.975."""
BAD_DEBT_FLOOR_ETH = 1e-9
"""A run counts as leaving bad debt above one gwei (below it is rounding dust of a liquidation)."""
PROBABILITIES = {
    "p_loop_liquidated": ("loop_liquidations", 0.0),
    "p_any_liquidation": ("system_liquidations", 0.0),
    "p_bad_debt": ("bad_debt_eth", BAD_DEBT_FLOOR_ETH),
}
"""Probability column -> (summary column, the value it must exceed for a run to count)."""
QUANTILES = {"p5": 0.05, "p50": 0.50, "p95": 0.95}


def wilson(successes: int, runs: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of ``successes`` out of ``runs`` (NaN, NaN without runs); with
    none (all) of the runs its lower (upper) end is exactly 0 (1), as the closed form gives
    (``centre - half`` is 0 then only up to rounding)."""
    if runs <= 0:
        return math.nan, math.nan
    if not 0 <= successes <= runs:
        raise ValueError(f"successes {successes} must be within [0, {runs}]")
    p = successes / runs
    z2n = z * z / runs
    centre = (p + z2n / 2) / (1 + z2n)
    half = z * math.sqrt(p * (1 - p) / runs + z2n / (4 * runs)) / (1 + z2n)
    lo = 0.0 if successes == 0 else max(0.0, centre - half)
    hi = 1.0 if successes == runs else min(1.0, centre + half)
    return lo, hi


def _point(group: pd.DataFrame) -> dict[str, float]:
    row: dict[str, float] = {"runs": float(len(group))}
    for name, (column, floor) in PROBABILITIES.items():
        hits = int((group[column] > floor).sum())
        row[name] = hits / len(group)
        row[f"{name}_lo"], row[f"{name}_hi"] = wilson(hits, len(group))
    for valuation in ("oracle", "market"):
        apy = group[f"net_apy_{valuation}"].replace([math.inf, -math.inf], math.nan).dropna()
        row[f"apy_{valuation}_mean"] = float(apy.mean()) if len(apy) else math.nan
        for label, q in QUANTILES.items():
            row[f"apy_{valuation}_{label}"] = float(apy.quantile(q)) if len(apy) else math.nan
    return row


def point_table(summary: pd.DataFrame, axes: list[str]) -> pd.DataFrame:
    """One row per grid point (every axis value, in grid order) with the columns of the module
    docstring; a sweep without axes has one row."""
    if not axes:
        return pd.DataFrame([_point(summary)])
    rows = []
    for values, group in summary.groupby(axes, sort=True):
        key = values if isinstance(values, tuple) else (values,)
        rows.append({**dict(zip(axes, key)), **_point(group)})
    table = pd.DataFrame(rows)
    table["runs"] = table["runs"].astype(int)
    return table


__all__ = ["BAD_DEBT_FLOOR_ETH", "PROBABILITIES", "QUANTILES", "Z95", "point_table", "wilson"]
