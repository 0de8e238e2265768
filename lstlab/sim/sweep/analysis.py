"""``lstlab report SWEEP_DIR``: tables and plots of a finished (or partial) sweep.

Per grid point: the probability of liquidation (share of paths with liquidated value > 0), the
probability of bad debt, and the APY distribution (mean, 5th and 50th percentile). Two-axis
grids get heatmaps; one-axis grids get line plots.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from lstlab.errors import ScenarioError
from lstlab.report.figures import pyplot, save_figure
from lstlab.report.html import write_html
from lstlab.sim.sweep.results import MANIFEST, ResultStore


def grid_axes(summary: pd.DataFrame, manifest: dict) -> list[str]:
    """The grid's axis names, in the order the sweep gave them."""
    return [axis.split("=")[0].strip() for axis in manifest.get("grid", []) if axis.split("=")[0].strip() in summary]


def point_table(summary: pd.DataFrame, axes: list[str]) -> pd.DataFrame:
    """One row per grid point: runs, P(liquidation), P(bad debt), APY mean / p5 / p50."""
    frame = summary.assign(
        liquidated=summary.get("liquidated_debt_eth", pd.Series(0.0, index=summary.index)) > 0,
        bad=summary.get("bad_debt_eth", pd.Series(0.0, index=summary.index)) > 0,
    )
    keys = axes or [lambda _: "all"]
    grouped = frame.groupby(keys, sort=True)
    table = pd.DataFrame({
        "runs": grouped.size(),
        "p_liquidation": grouped["liquidated"].mean(),
        "p_bad_debt": grouped["bad"].mean(),
        "apy_mean": grouped["net_apy"].mean(),
        "apy_p5": grouped["net_apy"].quantile(0.05),
        "apy_p50": grouped["net_apy"].median(),
    })
    return table.reset_index()


def _plots(table: pd.DataFrame, summary: pd.DataFrame, axes: list[str], out: Path) -> list[Path]:
    plt = pyplot()
    paths = []
    for metric in ("p_liquidation", "p_bad_debt"):
        fig, ax = plt.subplots(figsize=(7, 4.5), dpi=100)
        if len(axes) >= 2:
            pivot = table.pivot_table(index=axes[1], columns=axes[0], values=metric, aggfunc="mean")
            image = ax.imshow(pivot.to_numpy(), origin="lower", aspect="auto", vmin=0, vmax=1, cmap="magma")
            ax.set_xticks(range(len(pivot.columns)), [f"{v:g}" for v in pivot.columns], rotation=90, fontsize=7)
            ax.set_yticks(range(len(pivot.index)), [f"{v:g}" for v in pivot.index], fontsize=7)
            ax.set_xlabel(axes[0])
            ax.set_ylabel(axes[1])
            fig.colorbar(image, ax=ax, label=metric)
        elif axes:
            ax.plot(table[axes[0]], table[metric], marker="o")
            ax.set_xlabel(axes[0])
            ax.set_ylim(-0.02, 1.02)
        else:
            ax.bar(["all"], table[metric])
        ax.set_title(metric.replace("_", " "))
        paths.append(save_figure(fig, out / f"{metric}.png"))
    fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
    apy = summary["net_apy"].replace([np.inf, -np.inf], np.nan).dropna()
    ax.hist(apy, bins=min(50, max(5, len(apy) // 5)))
    ax.set_title("net APY over all runs")
    paths.append(save_figure(fig, out / "apy_distribution.png"))
    return paths


def write_report(sweep_dir: str | Path) -> Path:
    """Write ``points.csv``, the plots and ``report.html`` into the sweep directory."""
    directory = Path(sweep_dir)
    manifest_path = directory / MANIFEST
    if not manifest_path.is_file():
        raise ScenarioError(f"{directory} is not a sweep directory (no {MANIFEST}): run `lstlab sweep` first")
    manifest = json.loads(manifest_path.read_text())
    summary = ResultStore(directory).summary()
    if summary.empty:
        raise ScenarioError(f"{directory} holds no finished runs yet")
    axes = grid_axes(summary, manifest)
    table = point_table(summary, axes)
    table.to_csv(directory / "points.csv", index=False)
    images = _plots(table, summary, axes, directory)
    sections = {
        "Sweep": {"scenario": manifest.get("scenario", ""), "grid": " ".join(manifest.get("grid", [])),
                  "paths": manifest.get("paths", 1), "seed": manifest.get("seed", 0),
                  "runs finished": len(summary), "runs planned": manifest.get("runs", len(summary))},
        "Over all runs": {"P(liquidation)": float((summary.get("liquidated_debt_eth", 0) > 0).mean()),
                          "P(bad debt)": float((summary.get("bad_debt_eth", 0) > 0).mean()),
                          "mean net APY": float(summary["net_apy"].mean())},
    }
    notes = [f"per-point table: {directory / 'points.csv'}"]
    return write_html(directory / "report.html", "lstlab sweep report", sections, images, notes)
