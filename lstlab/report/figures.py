"""Static figures (PNG) of backtest metrics."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pandas as pd


@attrs.frozen
class Panel:
    """One figure: its file stem, title, y-axis label, and (column, legend label) pairs; a
    ``scale`` of 100 shows fractions as percent."""

    stem: str
    title: str
    ylabel: str
    lines: tuple[tuple[str, str], ...]
    scale: float = 1.0


PANELS = (
    Panel("market", "stETH/ETH: the data and each pool's mid price", "ETH per stETH",
          (("steth_eth", "data (market ratio)"), ("price_curve", "Curve pool (Ethereum)"),
           ("price_v2", "V2 pair (Ethereum)"), ("price_l2_curve", "StableSwap pool (L2)"))),
    Panel("position", "your position", "ETH",
          (("collateral_eth_oracle", "collateral, market's feed"), ("debt_eth", "debt"),
           ("equity_eth_oracle", "equity, market's feed"), ("equity_eth_market", "equity, data's stETH/ETH"))),
    Panel("health", "your health factor", "health factor",
          (("hf_pre", "before agents act"), ("hf_post", "after agents act"))),
    Panel("rates", "rates", "% a year",
          (("borrow_apr", "WETH borrow rate (Ethereum market)"), ("staking_apr", "staking APR")), 100.0),
)


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


def plot(metrics: pd.DataFrame, out_dir: str | Path, title: str = "lstlab backtest") -> list[Path]:
    """Write one PNG per panel of :data:`PANELS` that has data; returns their paths. The
    health panel marks each liquidation of the user's position."""
    plt = pyplot()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for panel in PANELS:
        present = [(c, label) for c, label in panel.lines if c in metrics]
        if not present:
            continue
        fig, ax = plt.subplots(figsize=(9, 3.4), dpi=100)
        for column, label in present:
            series = metrics[column].replace([np.inf, -np.inf], np.nan) * panel.scale
            ax.plot(metrics.index, series, label=label, linewidth=1.2)
        if panel.stem == "health":
            ax.axhline(1.0, color="red", linewidth=0.8, linestyle="--", label="liquidation threshold (HF 1)")
            if "loop_liquidated" in metrics and metrics["loop_liquidated"].any():
                hit = metrics.index[metrics["loop_liquidated"] > 0]
                ax.scatter(hit, metrics.loc[hit, "hf_pre"], color="red", marker="x", zorder=3,
                           label="your position liquidated")
        ax.set_title(f"{title}: {panel.title}")
        ax.set_ylabel(panel.ylabel)
        ax.set_xlabel("date (UTC)")
        ax.legend(loc="best", fontsize=8)
        ax.grid(alpha=0.3)
        paths.append(save_figure(fig, out / f"{panel.stem}.png"))
    return paths
