"""``lstlab report SWEEP_DIR``: the per-point table and figures of a finished (or partial) sweep.

Writes ``points.csv`` (:func:`lstlab.sim.sweep.stats.point_table`: runs, probabilities with
their 95% Wilson intervals, APY quantiles on both valuations), the figures as PNGs and the
interactive ``report.html``: a headline per grid point (never pooled over the grid), one-axis
grids with probabilities as interval bars and APY bands against the axis, two-axis grids as
heatmaps with labelled axes, and the per-point table in the page. A sweep whose paths read
identical inputs says so on the page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lstlab.errors import ScenarioError
from lstlab.report.charts import PALETTE, Band, Chart, Heatmap, Intervals, Line, level
from lstlab.report.figures import save_pngs
from lstlab.report.page import Page, cell, frame_table, percent
from lstlab.report.page import table as html_table
from lstlab.sim.sweep.results import MANIFEST, ResultStore, read_json
from lstlab.sim.sweep.stats import point_table

PROBABILITY_LABELS = {
    "p_loop_liquidated": "P(your loop is liquidated)",
    "p_any_liquidation": "P(any position of any market is liquidated)",
    "p_bad_debt": "P(bad debt on any reserve)",
}
AXIS_LABELS = {
    "leverage": "leverage (collateral / equity, x)",
    "health": "health factor at opening (ratio)",
    "equity": "equity (ETH)",
    "volatility": "ETH volatility (annualised fraction)",
    "drift": "ETH drift (annualised fraction)",
    "depeg": "depeg depth (fraction of par)",
    "staking_apr": "staking APR (fraction a year)",
}
"""Axis names of ``lstlab sweep --grid`` in words with their units; other keys show as given."""
HEATMAP_SERIES = 8
"""A two-axis grid also plots P(your loop is liquidated) per value of its second axis, up to this many."""


def axis_label(name: str) -> str:
    return AXIS_LABELS.get(name, name)


def runs_per_point(table: pd.DataFrame) -> str:
    """``"1 run a point"``, ``"200 runs a point"`` or ``"100-200 runs a point"``."""
    lo, hi = int(table["runs"].min()), int(table["runs"].max())
    count = f"{lo}" if lo == hi else f"{lo}-{hi}"
    return f"{count} run{'s' if hi > 1 else ''} a point"


def grid_axes(summary: pd.DataFrame, manifest: dict) -> list[str]:
    """The grid's axis names, in the order the sweep gave them."""
    names = [axis.split("=")[0].strip() for axis in manifest.get("grid", [])]
    return [name for name in names if name in summary]


def point_name(row: pd.Series, axes: list[str]) -> str:
    """``"leverage = 5, depeg = 0.06"`` (``"every run"`` without axes)."""
    return ", ".join(f"{a} = {row[a]:g}" for a in axes) or "every run"


def _interval(table: pd.DataFrame, name: str, label: str, x: np.ndarray, names: tuple[str, ...]) -> Intervals:
    return Intervals(label, x, table[name] * 100, table[f"{name}_lo"] * 100, table[f"{name}_hi"] * 100, names=names,
                     names_label="grid point")


def one_axis_charts(table: pd.DataFrame, axis: str) -> list[Chart]:
    """Probabilities with their 95% Wilson intervals, and APY bands, against the axis."""
    x = table[axis].to_numpy(dtype=float)
    step = float(np.diff(x).min()) if len(x) > 1 else 1.0
    names = tuple(point_name(row, [axis]) for _, row in table.iterrows())
    layers = tuple(_interval(table, name, label, x + offset * step, names)
                   for offset, (name, label) in zip((-0.1, 0.0, 0.1), PROBABILITY_LABELS.items()))
    probabilities = Chart("probabilities", f"liquidation and bad-debt probability by {axis} ({runs_per_point(table)})",
                          axis_label(axis), "probability (%, 95% Wilson interval)", layers, y_range=(-3, 103))
    bands: list[Any] = []
    for valuation, colour in (("oracle", PALETTE[0]), ("market", PALETTE[1])):
        lo, mid, hi = (table[f"apy_{valuation}_{q}"] * 100 for q in ("p5", "p50", "p95"))
        bands.append(Band(f"5th-95th percentile, {valuation} valuation", x, lo, hi, colour=colour))
        bands.append(Line(f"median, {valuation} valuation", x, mid, colour=colour))
    bands.append(level("zero", x, 0.0))
    apy = Chart("apy", f"your net APY by {axis} ({runs_per_point(table)})", axis_label(axis),
                "net APY on equity (% a year)", tuple(bands))
    return [probabilities, apy]


def two_axis_charts(table: pd.DataFrame, axes: list[str]) -> list[Chart | Heatmap]:
    """Heatmaps of each probability and of the median APY over the first two axes (a mean over
    any further axis), and P(your loop is liquidated) with intervals per value of the second."""
    first, second = axes[0], axes[1]
    more = f", mean over {', '.join(axes[2:])}" if len(axes) > 2 else ""
    out: list[Chart | Heatmap] = []
    metrics = {**PROBABILITY_LABELS, "apy_market_p50": "median net APY, market valuation"}
    for metric, label in metrics.items():
        pivot = table.pivot_table(index=second, columns=first, values=metric, aggfunc="mean")
        probability = metric.startswith("p_")
        out.append(Heatmap(metric, f"{label} ({runs_per_point(table)}{more})", axis_label(first), axis_label(second),
                           f"{label} ({'%' if probability else '% a year'})", tuple(pivot.columns), tuple(pivot.index),
                           pivot.to_numpy() * 100, (0.0, 100.0) if probability else None,
                           "{:.0f}%" if probability else "{:.1f}%"))
    values = sorted(table[second].unique())
    if len(axes) == 2 and len(values) <= HEATMAP_SERIES:
        layers = []
        for value in values:
            rows = table[table[second] == value]
            names = tuple(point_name(row, axes) for _, row in rows.iterrows())
            layers.append(_interval(rows, "p_loop_liquidated", f"{second} = {value:g}",
                                    rows[first].to_numpy(dtype=float), names))
        out.append(Chart("p_loop_liquidated_intervals", f"P(your loop is liquidated) by {first}, per {second}",
                         axis_label(first), "probability (%, 95% Wilson interval)", tuple(layers), y_range=(-3, 103)))
    return out


def figures(table: pd.DataFrame, axes: list[str]) -> list[Chart | Heatmap]:
    """The sweep's charts: :func:`one_axis_charts` or :func:`two_axis_charts` (none without axes)."""
    if len(axes) == 1:
        return list(one_axis_charts(table, axes[0]))
    if len(axes) >= 2:
        return two_axis_charts(table, axes)
    return []


def plots(table: pd.DataFrame, axes: list[str], out: Path) -> list[Path]:
    """The sweep's figures as PNGs in ``out`` (the charts of the page, static)."""
    return save_pngs(figures(table, axes), out)


def _estimate(row: pd.Series, name: str) -> str:
    return f"{percent(row[name], 1)} ({percent(row[f'{name}_lo'], 1)} to {percent(row[f'{name}_hi'], 1)})"


def headline(table: pd.DataFrame, axes: list[str]) -> str:
    """One row per grid point: runs, each probability with its 95% Wilson interval, the median
    APY with its 5th-95th percentiles on both valuations (in %)."""
    header = [*axes, "runs", *(f"{label}, 95% interval" for label in PROBABILITY_LABELS.values()),
              "net APY, market valuation: median (5th to 95th)", "net APY, oracle valuation: median (5th to 95th)"]
    rows = []
    for _, row in table.iterrows():
        apys = [f"{percent(row[f'apy_{v}_p50'])} ({percent(row[f'apy_{v}_p5'])} to {percent(row[f'apy_{v}_p95'])})"
                for v in ("market", "oracle")]
        rows.append([*(cell(row[a]) for a in axes), int(row["runs"]), *(_estimate(row, n) for n in PROBABILITY_LABELS),
                     *apys])
    return html_table(header, rows)


def sweep_page(path: str | Path, table: pd.DataFrame, axes: list[str], settings: dict[str, Any],
               notes: list[str] = ()) -> Path:
    """Write the sweep's interactive page: settings, the headline per grid point, the charts
    of :func:`figures`, the full per-point table (fractions in %) and ``notes``."""
    page = Page("lstlab sweep report", f"{len(table):,} grid points, {runs_per_point(table)}; every probability "
                                       "with its 95% Wilson interval, per grid point (never pooled over the grid)")
    page.section("Sweep")
    page.html(html_table(("setting", "value"), settings.items()))
    if notes:
        page.bullets(notes)
    page.section("Per grid point")
    page.html(headline(table, axes))
    charts = figures(table, axes)
    if charts:
        page.section("Figures")
        for chart in charts:
            page.chart(chart)
    page.section("Every figure per grid point", "p_*: probabilities, apy_*: net APY quantiles on each valuation, "
                                                "in %; _lo and _hi bound the 95% Wilson interval.")
    formats = {c: percent for c in table.columns if c.startswith(("p_", "apy_"))}
    page.html(frame_table(table, formats))
    return page.write(path)


def write_report(sweep_dir: str | Path) -> Path:
    """Write ``points.csv``, the figures (PNG) and ``report.html`` into the sweep directory."""
    directory = Path(sweep_dir)
    manifest_path = directory / MANIFEST
    if not manifest_path.is_file():
        raise ScenarioError(f"{directory} is not a sweep directory (no {MANIFEST}): run `lstlab sweep` first")
    manifest = read_json(manifest_path)
    summary = ResultStore(directory).summary()
    if summary.empty:
        raise ScenarioError(f"{directory} holds no finished runs yet")
    axes = grid_axes(summary, manifest)
    table = point_table(summary, axes)
    table.to_csv(directory / "points.csv", index=False)
    plots(table, axes, directory)
    settings = {"scenario": manifest.get("scenario", ""), "grid": " ".join(manifest.get("grid", [])),
                "paths per point": manifest.get("paths", 1), "seed": manifest.get("seed", 0),
                "runs finished": len(summary), "runs planned": manifest.get("runs", len(summary))}
    notes = [manifest["inputs"]] if manifest.get("inputs") else []
    notes.append(f"the per-point table below is also in {directory / 'points.csv'}; PNGs of the figures beside it")
    return sweep_page(directory / "report.html", table, axes, settings, notes)


__all__ = ["AXIS_LABELS", "PROBABILITY_LABELS", "figures", "grid_axes", "headline", "one_axis_charts", "plots",
           "sweep_page", "two_axis_charts", "write_report"]
