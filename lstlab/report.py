"""Summaries, plots and self-contained HTML reports of backtest metrics.

The metrics table is a pandas DataFrame indexed by UTC time with (where present) the columns
of :data:`METRICS`. Floats are fine here: this is the reporting layer.
"""

from __future__ import annotations

import base64
import html
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

METRICS = {
    "eth_usd": "ETH price (USD), from the data",
    "steth_eth": "stETH/ETH market ratio, from the data",
    "pool_price": "stETH/ETH marginal price of the StableSwap pool",
    "lst_rate": "stETH per wstETH (protocol exchange rate)",
    "collateral_eth": "the loop's collateral value (ETH, through the market's feed)",
    "debt_eth": "the loop's debt (ETH)",
    "equity_eth": "collateral - debt (ETH)",
    "leverage": "collateral / equity",
    "health_factor": "the loop's health factor",
    "borrow_apr": "WETH variable borrow rate (APR)",
    "staking_apr": "staking APR applied this step",
    "liquidations": "liquidations in this step (all positions)",
    "liquidated_debt_eth": "debt repaid by liquidators this step (ETH)",
    "bad_debt_eth": "cumulative bad debt (ETH)",
    "backing_ratio": "bridge escrow / wrapped supply",
}

SECONDS_PER_YEAR = 365 * 86400


def max_drawdown(values: np.ndarray) -> float:
    """The largest fall from a running peak, as a fraction of the peak (0 if none)."""
    if len(values) == 0:
        return 0.0
    peaks = np.maximum.accumulate(values)
    with np.errstate(divide="ignore", invalid="ignore"):
        falls = np.where(peaks > 0, 1.0 - values / peaks, 0.0)
    return float(np.nanmax(falls))


def summarize(metrics: pd.DataFrame) -> dict[str, Any]:
    """Net return and APY on equity, max drawdown, minimum HF, liquidations, bad debt."""
    equity = metrics["equity_eth"].to_numpy(dtype=float)
    seconds = (metrics.index[-1] - metrics.index[0]).total_seconds()
    start, end = equity[0], equity[-1]
    net_return = end / start - 1.0 if start > 0 else math.nan
    years = seconds / SECONDS_PER_YEAR
    apy = (end / start) ** (1.0 / years) - 1.0 if start > 0 and end > 0 and years > 0 else math.nan
    hf = metrics["health_factor"].replace([np.inf], np.nan)
    return {
        "start": str(metrics.index[0]),
        "end": str(metrics.index[-1]),
        "steps": int(len(metrics)),
        "start_equity_eth": float(start),
        "end_equity_eth": float(end),
        "net_return": float(net_return),
        "net_apy": float(apy),
        "max_drawdown": max_drawdown(equity),
        "min_health_factor": float(hf.min()) if hf.notna().any() else math.inf,
        "min_health_factor_at": str(hf.idxmin()) if hf.notna().any() else "",
        "liquidations": int(metrics["liquidations"].sum()) if "liquidations" in metrics else 0,
        "liquidated_debt_eth": float(metrics["liquidated_debt_eth"].sum()) if "liquidated_debt_eth" in metrics else 0.0,
        "bad_debt_eth": float(metrics["bad_debt_eth"].iloc[-1]) if "bad_debt_eth" in metrics else 0.0,
    }


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


def _table(rows: dict[str, Any]) -> str:
    cells = "".join(
        f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(_fmt(v))}</td></tr>" for k, v in rows.items()
    )
    return f"<table>{cells}</table>"


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def write_html(path: str | Path, title: str, sections: dict[str, dict[str, Any]], images: list[Path],
               notes: list[str] = ()) -> Path:
    """A single HTML file with tables, notes and the PNGs embedded (no external files)."""
    parts = [f"<h1>{html.escape(title)}</h1>"]
    for heading, rows in sections.items():
        parts.append(f"<h2>{html.escape(heading)}</h2>{_table(rows)}")
    if notes:
        items = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
        parts.append(f"<h2>Notes</h2><ul>{items}</ul>")
    for image in images:
        data = base64.b64encode(Path(image).read_bytes()).decode()
        parts.append(f'<figure><img alt="{html.escape(Path(image).stem)}" src="data:image/png;base64,{data}"></figure>')
    style = ("body{font-family:sans-serif;max-width:960px;margin:2em auto}table{border-collapse:collapse}"
             "th,td{border:1px solid #ccc;padding:4px 8px;text-align:left}img{max-width:100%}")
    document = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
                f"<style>{style}</style></head><body>{''.join(parts)}</body></html>")
    out = Path(path)
    out.write_text(document)
    return out

