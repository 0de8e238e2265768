"""Summaries of backtest metrics.

The metrics table is a pandas DataFrame indexed by UTC time with (where present) the columns
of :data:`METRICS`. Floats are fine here: this is the reporting layer.
"""

from __future__ import annotations

import math
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
