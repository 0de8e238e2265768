"""``lstlab report SWEEP_DIR``: the per-point table and figures of a finished (or partial) sweep.

Writes ``points.csv`` (:func:`lstlab.sim.sweep.stats.point_table`: runs, probabilities with
their 95% Wilson intervals, APY quantiles on both valuations), the figures and ``report.html``.
One-axis grids get probabilities with interval bars and APY bands against the axis; two-axis
grids get labelled heatmaps. A sweep whose paths read identical inputs says so on the page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lstlab.errors import ScenarioError
from lstlab.report.figures import pyplot, save_figure
from lstlab.report.html import write_html
from lstlab.sim.sweep.results import MANIFEST, ResultStore, read_json
from lstlab.sim.sweep.stats import point_table

PROBABILITY_LABELS = {
    "p_loop_liquidated": "P(your loop is liquidated)",
    "p_any_liquidation": "P(any position of any market is liquidated)",
    "p_bad_debt": "P(bad debt on any reserve)",
}


def runs_per_point(table: pd.DataFrame) -> str:
    """``"1 run a point"``, ``"200 runs a point"`` or ``"100-200 runs a point"``."""
    lo, hi = int(table["runs"].min()), int(table["runs"].max())
    count = f"{lo}" if lo == hi else f"{lo}-{hi}"
    return f"{count} run{'s' if hi > 1 else ''} a point"


def grid_axes(summary: pd.DataFrame, manifest: dict) -> list[str]:
    """The grid's axis names, in the order the sweep gave them."""
    names = [axis.split("=")[0].strip() for axis in manifest.get("grid", [])]
    return [name for name in names if name in summary]


def _probabilities_1d(table: pd.DataFrame, axis: str, plt: Any) -> Any:
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    x = table[axis].to_numpy(dtype=float)
    for offset, (name, label) in zip((-0.12, 0.0, 0.12), PROBABILITY_LABELS.items()):
        p = table[name].to_numpy()
        err = np.vstack([p - table[f"{name}_lo"].to_numpy(), table[f"{name}_hi"].to_numpy() - p])
        step = np.diff(x).min() if len(x) > 1 else 1.0
        ax.errorbar(x + offset * step, p, yerr=err, marker="o", capsize=3, linewidth=1, label=label)
    ax.set_xlabel(axis)
    ax.set_ylabel("probability (95% Wilson interval)")
    ax.set_ylim(-0.03, 1.03)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    ax.set_title(f"liquidation and bad-debt probability by {axis} ({runs_per_point(table)})")
    return fig


def _apy_1d(table: pd.DataFrame, axis: str, plt: Any) -> Any:
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    x = table[axis].to_numpy(dtype=float)
    for valuation, colour in (("oracle", "tab:blue"), ("market", "tab:orange")):
        lo, mid, hi = (100 * table[f"apy_{valuation}_{q}"].to_numpy() for q in ("p5", "p50", "p95"))
        ax.fill_between(x, lo, hi, alpha=0.2, color=colour, label=f"5th-95th percentile, {valuation} valuation")
        ax.plot(x, mid, marker="o", color=colour, label=f"median, {valuation} valuation")
    ax.axhline(0.0, color="black", linewidth=0.8)
    ax.set_xlabel(axis)
    ax.set_ylabel("net APY on equity (%)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    ax.set_title(f"your net APY by {axis}")
    return fig


def _heatmap(table: pd.DataFrame, axes: list[str], metric: str, label: str, plt: Any) -> Any:
    pivot = table.pivot_table(index=axes[1], columns=axes[0], values=metric, aggfunc="mean")
    fig, ax = plt.subplots(figsize=(8, 5), dpi=100)
    percent = metric.startswith("apy")
    values = pivot.to_numpy() * (100 if percent else 1)
    image = ax.imshow(values, origin="lower", aspect="auto", cmap="magma",
                      **({} if percent else {"vmin": 0, "vmax": 1}))
    ax.set_xticks(range(len(pivot.columns)), [f"{v:g}" for v in pivot.columns], rotation=90, fontsize=7)
    ax.set_yticks(range(len(pivot.index)), [f"{v:g}" for v in pivot.index], fontsize=7)
    ax.set_xlabel(axes[0])
    ax.set_ylabel(axes[1])
    fig.colorbar(image, ax=ax, label=f"{label}{' (%)' if percent else ''}")
    ax.set_title(label)
    return fig


def plots(table: pd.DataFrame, axes: list[str], out: Path) -> list[Path]:
    """The sweep's figures as PNGs in ``out``."""
    plt = pyplot()
    if len(axes) == 1:
        return [save_figure(_probabilities_1d(table, axes[0], plt), out / "probabilities.png"),
                save_figure(_apy_1d(table, axes[0], plt), out / "apy.png")]
    if len(axes) >= 2:
        labels = {**PROBABILITY_LABELS, "apy_market_p50": "median net APY, market valuation"}
        return [save_figure(_heatmap(table, axes, m, label, plt), out / f"{m}.png") for m, label in labels.items()]
    return []


def write_report(sweep_dir: str | Path) -> Path:
    """Write ``points.csv``, the figures and ``report.html`` into the sweep directory."""
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
    images = plots(table, axes, directory)
    sections = {"Sweep": {"scenario": manifest.get("scenario", ""), "grid": " ".join(manifest.get("grid", [])),
                          "paths per point": manifest.get("paths", 1), "seed": manifest.get("seed", 0),
                          "runs finished": len(summary), "runs planned": manifest.get("runs", len(summary))}}
    notes = [manifest["inputs"]] if manifest.get("inputs") else []
    notes.append(f"per-point table with 95% Wilson intervals: {directory / 'points.csv'}")
    return write_html(directory / "report.html", "lstlab sweep report", sections, images, notes,
                      tables={"Per grid point": table})


__all__ = ["PROBABILITY_LABELS", "grid_axes", "plots", "write_report"]
