"""What ``lstlab sweep`` prints for people: what ran, where the results are, and one row per
grid point with its probabilities (95% Wilson interval) and median APYs, cut with "and N more"."""

from __future__ import annotations

from typing import Any

import pandas as pd

from lstlab.report.tables import LABELS, Column, cut, more, number, numeric, percent, render, wrap_note

POINT_ROWS = 20
"""Grid points shown (every one is in points.csv, written by ``lstlab report``)."""
PROBABILITIES = {p: LABELS[p] for p in ("p_loop_liquidated", "p_any_liquidation", "p_bad_debt")}
"""The probabilities shown, with their headers (lstlab.sim.sweep.stats)."""
APYS = {a: LABELS[a] for a in ("apy_oracle_p50", "apy_market_p50")}
"""The APYs shown: the median on each valuation."""


def interval(row: dict[str, Any], name: str) -> str:
    """``50.0% (9.5-90.5%)``: a probability with its 95% Wilson interval."""
    return f"{percent(row[name], 1)} ({row[f'{name}_lo'] * 100:.1f}-{row[f'{name}_hi'] * 100:.1f}%)"


def points_text(table: pd.DataFrame, axes: list[str]) -> str:
    """One row per grid point: its axis values, runs, the probabilities with intervals, the
    median APY on both valuations; the first :data:`POINT_ROWS` points."""
    records, hidden = cut(table.to_dict(orient="records"), POINT_ROWS)
    rows = [[*(f"{r[a]:g}" if isinstance(r[a], float) else str(r[a]) for a in axes), f"{int(r['runs']):,}",
             *(interval(r, p) for p in PROBABILITIES), *(number(r[a], "%", none="no finite APY") for a in APYS)]
            for r in records]
    columns = [*(numeric(a) for a in axes), numeric("runs"), *(Column(h) for h in PROBABILITIES.values()),
               *(numeric(h) for h in APYS.values())]
    notes = [more(hidden, "grid points", "every one in points.csv: run lstlab report")] if hidden else []
    title = "per grid point: probabilities with their 95% Wilson interval, your median net APY by each valuation"
    return render(columns, rows, title=title, keys=max(len(axes), 1), notes=notes)


def sweep_text(store: Any, name: str, stats: Any, grid: list[str]) -> str:
    """What ran and where it is, then :func:`points_text` of every run the folder holds."""
    from lstlab.report.sweep import grid_axes
    from lstlab.sim.sweep.stats import point_table

    rate = stats.computed / stats.seconds if stats.seconds else 0.0
    lines = wrap_note(f"sweep of {name}: {stats.total:,} runs, {stats.computed:,} computed and {stats.skipped:,} "
                      f"already done, in {stats.seconds:,.1f} s ({rate:,.2f} runs/s)")
    lines += wrap_note(f"results: {store.directory}/ (Parquet parts in {store.summary_dir.name}/); tables and "
                       f"plots: lstlab report {store.directory}")
    summary = store.summary()
    if not summary.empty:
        axes = grid_axes(summary, {"grid": grid})
        lines += ["", points_text(point_table(summary, axes), axes)]
    return "\n".join(lines)


__all__ = ["POINT_ROWS", "interval", "points_text", "sweep_text"]
