"""Summaries of backtest metrics: each figure says what it measures, about whose position,
valued how.

:data:`METRICS` describes the per-step columns a backtest writes (``metrics.csv``);
:data:`SUMMARY` describes every key of :func:`summarize`, grouped as the CLI prints them:
the user's own position, the system (every market, every reserve), the market data and the
venues, the agents. Floats are fine here: this is the reporting layer.
"""

from __future__ import annotations

import math
from typing import Any

import attrs
import numpy as np
import pandas as pd

METRICS = {
    "eth_usd": "ETH price (USD), from the data",
    "steth_eth": "stETH/ETH market ratio, from the data",
    "staking_apr": "staking APR credited this step (fraction: 0.035 = 3.5%)",
    "lst_rate": "stETH per wstETH on Ethereum (the issuer's protocol rate)",
    "l2_lst_rate": "stETH per wstETH as the L2 reads it (relayed by the bridge; lags Ethereum)",
    "collateral_wsteth": "the user's wstETH collateral (wstETH)",
    "debt_weth": "the user's WETH debt (WETH)",
    "collateral_eth_oracle": "the user's collateral valued by the lending market's feed (ETH)",
    "collateral_eth_market": "the user's collateral valued at the data's stETH/ETH ratio (ETH)",
    "debt_eth": "the user's debt (ETH)",
    "equity_eth_oracle": "the user's collateral - debt, valued by the market's feed (ETH)",
    "equity_eth_market": "the user's collateral - debt, collateral at the data's ratio (ETH)",
    "leverage_oracle": "the user's collateral / equity, valued by the market's feed",
    "hf_pre": "the user's health factor after the step's prices, before any agent acts",
    "hf_post": "the user's health factor after the agents and the strategy acted",
    "loop_liquidated": "liquidations of the user's position this step (count)",
    "loop_debt_repaid_eth": "the user's debt repaid by liquidators this step (ETH)",
    "loop_collateral_seized_wsteth": "the user's collateral taken this step, protocol fee included (wstETH)",
    "loop_liquidation_loss_eth": "equity the user lost to liquidation bonus and fees this step (ETH)",
    "system_liquidations": "liquidations this step, every position of every market (count)",
    "system_debt_repaid_eth": "debt repaid by liquidators this step, every market (ETH)",
    "bad_debt_eth": "bad debt now over every reserve of every market, booked and underwater (ETH)",
    "bad_debt_usd": "the same bad debt in USD",
    "borrow_apr": "WETH variable borrow rate on Ethereum (fraction)",
    "supply_apr": "WETH supply rate on Ethereum (fraction)",
    "utilisation": "WETH borrowed / (available + borrowed) on Ethereum (fraction)",
    "backing_ratio": "bridge escrow / wrapped supply",
    "price_{pool}": "the pool's mid price (stETH/ETH for wstETH pools, USD per ETH for WETH/USDC)",
    "tracking_bps_{pool}": "the pool's mid minus the data's reference, basis points (signed)",
}

SECONDS_PER_YEAR = 365 * 86_400
TRACKING_BAND_BPS = 10.0
"""A pool further than this from the data's price on a step is off the data (named in the summary)."""
LISTED_STEPS = 5
"""Steps named in a summary line before "and N more"."""


@attrs.frozen
class Figure:
    """A summary key: its group (whose figure it is) and what it measures, with its unit."""

    group: str
    text: str


_USER, _SYSTEM, _MARKET, _RUN = "your position", "the system (every market)", "data and venues", "the run"
SUMMARY: dict[str, Figure] = {
    "start": Figure(_RUN, "first step (UTC)"),
    "end": Figure(_RUN, "last step (UTC)"),
    "steps": Figure(_RUN, "steps run"),
    "start_equity_eth_oracle": Figure(_USER, "equity at the start, valued by the market's feed (ETH)"),
    "end_equity_eth_oracle": Figure(_USER, "equity at the end, valued by the market's feed (ETH)"),
    "end_equity_eth_market": Figure(_USER, "equity at the end, collateral at the data's stETH/ETH (ETH)"),
    "net_return_oracle": Figure(_USER, "equity end / start - 1, valued by the market's feed"),
    "net_return_market": Figure(_USER, "equity end / start - 1, collateral at the data's stETH/ETH"),
    "net_apy_oracle": Figure(_USER, "net return annualised, valued by the market's feed"),
    "net_apy_market": Figure(_USER, "net return annualised, collateral at the data's stETH/ETH"),
    "max_drawdown_oracle": Figure(_USER, "largest fall of equity from a running peak, by the market's feed"),
    "max_drawdown_market": Figure(_USER, "largest fall of equity from a running peak, at the data's stETH/ETH"),
    "min_health_factor_pre_liquidation": Figure(_USER, "lowest health factor before agents act (below 1: liquidatable)"),
    "min_health_factor_pre_liquidation_at": Figure(_USER, "when that lowest health factor was seen"),
    "min_health_factor_post": Figure(_USER, "lowest health factor after agents acted"),
    "loop_liquidations": Figure(_USER, "liquidations of your position"),
    "loop_debt_repaid_eth": Figure(_USER, "your debt repaid by liquidators (ETH)"),
    "loop_liquidation_loss_eth": Figure(_USER, "equity lost to liquidation bonus and fees (ETH)"),
    "system_liquidations": Figure(_SYSTEM, "liquidations of every position of every market"),
    "system_debt_repaid_eth": Figure(_SYSTEM, "debt repaid by liquidators, every market (ETH)"),
    "bad_debt_eth": Figure(_SYSTEM, "bad debt at the end, every reserve of every market (ETH)"),
    "bad_debt_usd": Figure(_SYSTEM, "the same bad debt in USD"),
    "max_bad_debt_eth": Figure(_SYSTEM, "largest bad debt on any step (ETH)"),
    "borrow_apr_mean": Figure(_MARKET, "mean WETH borrow rate on Ethereum"),
    "borrow_apr_max": Figure(_MARKET, "highest WETH borrow rate on Ethereum"),
    "staking_apr_mean": Figure(_MARKET, "mean staking APR credited"),
    "share_borrow_above_staking": Figure(_MARKET, "share of steps whose WETH borrow rate exceeds the staking APR"),
    "max_leverage": Figure(_USER, "closed form: the highest leverage the eMode LTV lets the loop borrow to"),
    "worst_ratio": Figure(_MARKET, "lowest stETH/ETH of the data relative to its first row"),
    "max_safe_leverage_market_oracle": Figure(
        _USER, "closed form: the highest leverage the data's lowest ratio does not liquidate (market oracle)"),
    "oracle": Figure(_RUN, "how the lending market prices wstETH"),
    "data": Figure(_RUN, "the price table"),
    "scenario": Figure(_RUN, "the scenario file's name"),
    "written": Figure(_RUN, "the report page written"),
    "days_to_first_loop_liquidation": Figure(_USER, "days from the start to your first liquidation"),
}
"""Keys whose names vary by pool or agent are described by :func:`describe`."""


def describe(key: str) -> Figure:
    """The description of any summary key, including per-pool and per-agent ones."""
    if key in SUMMARY:
        return SUMMARY[key]
    for prefix, text in (("tracking_max_bps_", "largest |mid - data| of pool {}, basis points"),
                         ("tracking_mean_bps_", "mean |mid - data| of pool {}, basis points"),
                         ("tracking_share_over_10bps_", "share of steps pool {} was more than 10 bps off the data"),
                         ("tracking_off_steps_", "steps pool {} was more than 10 bps off the data, and why")):
        if key.startswith(prefix):
            return Figure(_MARKET, text.format(key[len(prefix):]))
    if "_blocked_" in key:
        agent, _, reason = key.partition("_blocked_")
        return Figure("agents", f"opportunities agent {agent} saw and could not take: {reason.replace('_', ' ')}")
    return Figure("other", key.replace("_", " "))


PERCENT_KEYS = ("apy", "return", "drawdown", "apr", "share")
"""Keys holding a fraction shown as a percent."""


def format_value(key: str, value: Any) -> str:
    """A summary value as people read it: fractions as percent, ETH to 4 decimals, counts as
    integers, an infinite health factor as "inf (no debt)"."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
        return str(value)
    value = float(value)
    if math.isnan(value):
        return "n/a"
    if math.isinf(value):
        return "inf (no debt)" if "health" in key else str(value)
    if any(word in key for word in PERCENT_KEYS):
        return f"{value:.2%}"
    if key.endswith(("_eth", "_wsteth")):
        return f"{value:,.4f}"
    if key.endswith("_usd"):
        return f"{value:,.2f}"
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:.6g}"


def grouped(summary: dict[str, Any]) -> dict[str, list[tuple[str, str, str]]]:
    """The summary as (figure, value as people read it, what it measures) rows per group."""
    groups: dict[str, list[tuple[str, str, str]]] = {}
    for key, value in summary.items():
        figure = describe(key)
        groups.setdefault(figure.group, []).append((key, format_value(key, value), figure.text))
    return groups


def max_drawdown(values: np.ndarray) -> float:
    """The largest fall from a running peak, as a fraction of the peak (0 if none)."""
    if len(values) == 0:
        return 0.0
    peaks = np.maximum.accumulate(values)
    with np.errstate(divide="ignore", invalid="ignore"):
        falls = np.where(peaks > 0, 1.0 - values / peaks, 0.0)
    return float(np.nanmax(falls))


def growth(start: float, end: float, seconds: float) -> tuple[float, float]:
    """(net return, annualised return) from ``start`` to ``end`` equity over ``seconds``;
    an equity wiped out (end <= 0) is a return of -100% at any horizon."""
    if not start > 0:
        return math.nan, math.nan
    if end <= 0:
        return end / start - 1.0, -1.0
    years = seconds / SECONDS_PER_YEAR
    return end / start - 1.0, (end / start) ** (1.0 / years) - 1.0 if years > 0 else math.nan


def _user(metrics: pd.DataFrame) -> dict[str, Any]:
    seconds = (metrics.index[-1] - metrics.index[0]).total_seconds()
    out: dict[str, Any] = {"start_equity_eth_oracle": float(metrics["equity_eth_oracle"].iloc[0])}
    for valuation in ("oracle", "market"):
        equity = metrics[f"equity_eth_{valuation}"].to_numpy(dtype=float)
        out[f"end_equity_eth_{valuation}"] = float(equity[-1])
        out[f"net_return_{valuation}"], out[f"net_apy_{valuation}"] = growth(equity[0], equity[-1], seconds)
        out[f"max_drawdown_{valuation}"] = max_drawdown(equity)
    pre = metrics["hf_pre"].replace([np.inf], np.nan)
    post = metrics["hf_post"].replace([np.inf], np.nan)
    out["min_health_factor_pre_liquidation"] = float(pre.min()) if pre.notna().any() else math.inf
    out["min_health_factor_pre_liquidation_at"] = str(pre.idxmin()) if pre.notna().any() else "never (no debt)"
    out["min_health_factor_post"] = float(post.min()) if post.notna().any() else math.inf
    out["loop_liquidations"] = int(metrics["loop_liquidated"].sum())
    out["loop_debt_repaid_eth"] = float(metrics["loop_debt_repaid_eth"].sum())
    out["loop_liquidation_loss_eth"] = float(metrics["loop_liquidation_loss_eth"].sum())
    return out


def _system(metrics: pd.DataFrame) -> dict[str, Any]:
    return {
        "system_liquidations": int(metrics["system_liquidations"].sum()),
        "system_debt_repaid_eth": float(metrics["system_debt_repaid_eth"].sum()),
        "bad_debt_eth": float(metrics["bad_debt_eth"].iloc[-1]),
        "bad_debt_usd": float(metrics["bad_debt_usd"].iloc[-1]),
        "max_bad_debt_eth": float(metrics["bad_debt_eth"].max()),
    }


def listed(items: list[str], most: int = LISTED_STEPS) -> str:
    """``a, b, c and N more`` (nothing cut when there are at most ``most``)."""
    if len(items) <= most:
        return ", ".join(items)
    return f"{', '.join(items[:most])} and {len(items) - most} more"


def _pool_of(column: str, keys: list[str]) -> str | None:
    """The pool a ``*_blocked_{reason}_{pool}`` column names: the longest key it ends with
    (``..._usdc_v2`` is the ``usdc_v2`` pool, not ``v2``)."""
    matches = [key for key in keys if column.endswith(f"_{key}")]
    return max(matches, key=len) if matches else None


def _off_reasons(metrics: pd.DataFrame, key: str, keys: list[str], off: np.ndarray) -> str:
    """Why pool ``key`` was off the data on the ``off`` steps: the agents' blocked counts
    naming the pool on those steps, or that no agent reported a reason."""
    reasons = {}
    for column in metrics.columns:
        if "_blocked_" in column and _pool_of(column, keys) == key:
            count = int(metrics[column].to_numpy()[off].sum())
            if count:
                reasons[column.split("_blocked_")[1][: -len(key) - 1]] = count
    if not reasons:
        return "no agent reported a reason (is an arbitrageur running on this pool?)"
    return ", ".join(f"{reason.replace('_', ' ')} on {n}" for reason, n in sorted(reasons.items()))


def _venues(metrics: pd.DataFrame) -> dict[str, Any]:
    out: dict[str, Any] = {}
    keys = [c[len("tracking_bps_"):] for c in metrics.columns if c.startswith("tracking_bps_")]
    for key in keys:
        column = f"tracking_bps_{key}"
        bps = np.abs(metrics[column].to_numpy(dtype=float))
        off = bps > TRACKING_BAND_BPS
        out[f"tracking_max_bps_{key}"] = float(np.nanmax(bps))
        out[f"tracking_mean_bps_{key}"] = float(np.nanmean(bps))
        out[f"tracking_share_over_10bps_{key}"] = float(off.mean())
        if off.any():
            days = [f"{t:%Y-%m-%d}" for t in metrics.index[off]]
            out[f"tracking_off_steps_{key}"] = f"{listed(days)}; why: {_off_reasons(metrics, key, keys, off)}"
    return out


def _rates(metrics: pd.DataFrame) -> dict[str, Any]:
    borrow, staking = metrics["borrow_apr"].to_numpy(), metrics["staking_apr"].to_numpy()
    return {"borrow_apr_mean": float(borrow.mean()), "borrow_apr_max": float(borrow.max()),
            "staking_apr_mean": float(staking.mean()),
            "share_borrow_above_staking": float((borrow > staking).mean())}


def _agents(metrics: pd.DataFrame) -> dict[str, Any]:
    blocked = sorted(c for c in metrics.columns if "_blocked_" in c)
    return {column: int(metrics[column].sum()) for column in blocked if metrics[column].sum()}


def summarize(metrics: pd.DataFrame) -> dict[str, Any]:
    """Every figure of :data:`SUMMARY` (and per-pool, per-agent ones; see :func:`describe`)."""
    out: dict[str, Any] = {"start": str(metrics.index[0]), "end": str(metrics.index[-1]), "steps": len(metrics)}
    out.update(_user(metrics))
    out.update(_system(metrics))
    out.update(_rates(metrics))
    out.update(_venues(metrics))
    out.update(_agents(metrics))
    return out


__all__ = ["METRICS", "SUMMARY", "Figure", "describe", "format_value", "grouped", "growth", "listed", "max_drawdown",
           "summarize"]
