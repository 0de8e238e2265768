"""Static figures (PNG) of backtest metrics."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd


_PANELS = (
    ("Market", ("steth_eth", "pool_price")),
    ("Position (ETH)", ("collateral_eth", "debt_eth", "equity_eth")),
    ("Health factor", ("health_factor",)),
    ("Rates", ("borrow_apr", "staking_apr")),
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
    """Write one PNG per panel that has data; returns their paths."""
    plt = pyplot()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, columns in _PANELS:
        present = [c for c in columns if c in metrics]
        if not present:
            continue
        fig, ax = plt.subplots(figsize=(9, 3.2), dpi=100)
        for column in present:
            series = metrics[column].replace([np.inf, -np.inf], np.nan)
            ax.plot(metrics.index, series, label=column, linewidth=1.2)
        if name == "Health factor":
            ax.axhline(1.0, color="red", linewidth=0.8, linestyle="--", label="liquidation (HF 1)")
        ax.set_title(f"{title}: {name}")
        ax.legend(loc="best", fontsize=8)
        ax.grid(alpha=0.3)
        paths.append(save_figure(fig, out / f"{name.split()[0].lower()}.png"))
    return paths
