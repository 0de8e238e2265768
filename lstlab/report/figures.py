"""Static figures (PNG, for papers): the charts of the pages (:mod:`lstlab.report.charts`)
drawn with matplotlib, same layers, labels and units."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lstlab.report.charts import Band, Bars, Chart, Figure, Heatmap, Intervals, Line, Markers, colours

MARKERS = {"circle": "o", "x": "x", "triangle": "^", "square": "s"}


def pyplot() -> Any:
    """``matplotlib.pyplot`` on the file-only Agg backend."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_figure(fig: Any, path: Path) -> Path:
    """Lay out ``fig``, write it to ``path`` (PNG without the Software stamp) and close it."""
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    pyplot().close(fig)
    return path


def _layers(ax: Any, chart: Chart) -> None:
    for layer, colour in zip(chart.layers, colours(chart.layers)):
        if isinstance(layer, Line):
            style = "--" if layer.dash else "-"
            if layer.step:
                ax.step(layer.x, layer.y, where="post", color=colour, linestyle=style, linewidth=layer.width,
                        label=layer.label)
            else:
                ax.plot(layer.x, layer.y, color=colour, linestyle=style, linewidth=layer.width, label=layer.label)
        elif isinstance(layer, Markers):
            ax.scatter(layer.x, layer.y, color=colour, marker=MARKERS[layer.marker], s=layer.size ** 2, zorder=3,
                       label=layer.label)
        elif isinstance(layer, Band):
            ax.fill_between(layer.x, layer.lo, layer.hi, color=colour, alpha=layer.alpha, linewidth=0,
                            label=layer.label)
        elif isinstance(layer, Intervals):
            err = np.vstack([layer.y - layer.lo, layer.hi - layer.y])
            ax.errorbar(layer.x, layer.y, yerr=err, marker="o", capsize=3, linewidth=1.2, color=colour,
                        label=layer.label)
        elif isinstance(layer, Bars):
            ax.bar(layer.x, layer.y, width=layer.width, color=colour, alpha=0.85, label=layer.label)


def draw(figure: Figure, plt: Any) -> Any:
    """A matplotlib figure of ``figure``."""
    if isinstance(figure, Heatmap):
        return _heatmap(figure, plt)
    fig, ax = plt.subplots(figsize=(10, figure.height / 90), dpi=100)
    _layers(ax, figure)
    if figure.x_ticks:
        ax.set_xticks([t for t, _ in figure.x_ticks], [text for _, text in figure.x_ticks])
    if figure.y_range is not None:
        ax.set_ylim(*figure.y_range)
    ax.set(title=figure.title, xlabel=figure.x_label, ylabel=figure.y_label)
    ax.grid(alpha=0.3)
    handles = dict(zip(*reversed(ax.get_legend_handles_labels())))  # one entry per label
    ax.legend(handles.values(), handles.keys(), loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8,
              borderaxespad=0)
    return fig


def _heatmap(chart: Heatmap, plt: Any) -> Any:
    fig, ax = plt.subplots(figsize=(9, chart.height / 85), dpi=100)
    low, high = chart.z_range or (np.nanmin(chart.z), np.nanmax(chart.z))
    image = ax.imshow(chart.z, origin="lower", aspect="auto", cmap="viridis", vmin=low, vmax=high)
    ax.set_xticks(range(len(chart.x)), [f"{v:g}" for v in chart.x], rotation=90 if len(chart.x) > 12 else 0,
                  fontsize=8)
    ax.set_yticks(range(len(chart.y)), [f"{v:g}" for v in chart.y], fontsize=8)
    if chart.z.size <= 400:
        span = (high - low) or 1.0
        for i in range(len(chart.y)):
            for j in range(len(chart.x)):
                z = chart.z[i, j]
                text = chart.z_format.format(z) if np.isfinite(z) else "n/a"
                ink = "white" if np.isfinite(z) and (z - low) / span < 0.6 else "black"
                ax.text(j, i, text, ha="center", va="center", fontsize=7, color=ink)
    ax.set(title=chart.title, xlabel=chart.x_label, ylabel=chart.y_label)
    fig.colorbar(image, ax=ax, label=chart.z_label)
    return fig


def save_png(figure: Figure, path: str | Path) -> Path:
    """Write ``figure`` as a PNG to ``path``; returns the path."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    return save_figure(draw(figure.drawable(), pyplot()), out)


def save_pngs(figures: list[Figure], out_dir: str | Path) -> list[Path]:
    """Each figure with something to draw as ``out_dir/<key>.png``; returns the paths."""
    paths = []
    for figure in figures:
        drawable = figure.drawable()
        if isinstance(drawable, Chart) and not drawable.layers:
            continue
        paths.append(save_png(drawable, Path(out_dir) / f"{figure.key}.png"))
    return paths


def plot(metrics: pd.DataFrame, out_dir: str | Path, title: str = "lstlab backtest", strategy: Any = None) -> list[Path]:
    """The backtest's charts (:func:`lstlab.report.backtest.charts`) as PNGs in ``out_dir``:
    position, equity, health (with the liquidation threshold and liquidations), market, tracking,
    rates, utilisation and, with the WETH reserve's rate ``strategy``, the borrow-rate curve."""
    from lstlab.report.backtest import charts

    return save_pngs(charts(metrics, title, strategy), out_dir)


__all__ = ["draw", "plot", "pyplot", "save_figure", "save_png", "save_pngs"]
