"""The backtest page and its charts: your position on both valuations, the health factor with
the liquidation threshold and your liquidations, the pools against the data with the tracking
band, rates in % a year with the borrow-rate curve's kink, and the summary in words.

Columns read are those of :data:`lstlab.report.summary.METRICS`; a chart whose columns are
absent is left out. Ratios are plotted as they are; rates and utilisation as percent.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from chain import RAY
from lending.rates import RateStrategy, calculate_interest_rates
from lstlab.report.charts import WARNING, Band, Chart, Line, Markers, level
from lstlab.report.page import Page, table
from lstlab.report.summary import TRACKING_BAND_BPS, describe, format_value, grouped

POOLS = {"curve": "Curve pool (Ethereum)", "v2": "V2 pair (Ethereum)", "l2_curve": "StableSwap pool (L2)",
         "usdc_v2": "WETH/USDC V2 pair (Ethereum)"}
"""Pool keys of the default world in words; other pools are named by their key."""
HEADLINE = ("net_apy_oracle", "net_apy_market", "max_drawdown_oracle", "max_drawdown_market",
            "min_health_factor_pre_liquidation", "min_health_factor_pre_liquidation_at", "loop_liquidations",
            "loop_liquidation_loss_eth", "bad_debt_eth")
"""Summary keys shown first, at a glance."""
DATE = "date (UTC)"
SECTIONS = {"position": "Your position", "equity": "Your position", "health": "Your health factor",
            "market": "Pools against the data", "market_usd": "Pools against the data",
            "tracking": "Pools against the data", "rates": "Rates", "utilisation": "Rates", "rate_curve": "Rates",
            "system": "The system"}
"""The page section of each chart."""


def pool_name(key: str) -> str:
    return POOLS.get(key, f"pool {key}")


def rate_strategy(world: Any) -> RateStrategy:
    """The WETH reserve's rate strategy of the world's Ethereum market (the borrow-rate curve)."""
    return world.market.reserve_config(world.weth).strategy


def rate_curve(strategy: RateStrategy, step_bps: int = 25) -> tuple[np.ndarray, np.ndarray]:
    """(utilisation %, variable borrow rate % a year) along the strategy's curve, computed by the
    market's own rate code (:func:`lending.rates.calculate_interest_rates`) every ``step_bps``
    of utilisation and at the kink."""
    kink = strategy.optimal_usage * 10_000 // RAY
    usages = sorted({*range(0, 10_001, step_bps), kink})
    total = 10**24
    rates = [calculate_interest_rates(strategy, available_liquidity=total - total * u // 10_000,
                                      variable_debt=total * u // 10_000, reserve_factor=0).variable_borrow_rate
             for u in usages]
    return np.array(usages) / 100, np.array(rates) / RAY * 100


def _liquidated(metrics: pd.DataFrame) -> pd.Index:
    if "loop_liquidated" not in metrics:
        return metrics.index[:0]
    return metrics.index[metrics["loop_liquidated"].to_numpy() > 0]


def _marks(metrics: pd.DataFrame, column: str) -> list[Markers]:
    """Markers at the steps your loop was liquidated, on ``column``'s value."""
    hit = _liquidated(metrics)
    if not len(hit) or column not in metrics:
        return []
    return [Markers("your position liquidated", hit, metrics.loc[hit, column], colour=WARNING, marker="x", size=11)]


def _lines(metrics: pd.DataFrame, pairs: Sequence[tuple[str, str]], scale: float = 1.0,
           dashed: Sequence[str] = ()) -> list[Line]:
    """A line per present column; those in ``dashed`` dashed (a second valuation drawn over the first)."""
    return [Line(label, metrics.index, metrics[c].to_numpy(dtype=float) * scale, dash=c in dashed)
            for c, label in pairs if c in metrics]


def position_charts(metrics: pd.DataFrame, title: str) -> list[Chart]:
    """Collateral and debt, and equity by the market's feed and at the data's stETH/ETH (ETH)."""
    position = _lines(metrics, (("collateral_eth_oracle", "collateral, valued by the market's feed"),
                                ("collateral_eth_market", "collateral, valued at the data's stETH/ETH"),
                                ("debt_eth", "debt")), dashed=("collateral_eth_market",))
    equity = _lines(metrics, (("equity_eth_oracle", "equity, valued by the market's feed"),
                              ("equity_eth_market", "equity, collateral at the data's stETH/ETH")),
                    dashed=("equity_eth_market",))
    return [Chart("position", f"{title}: your collateral and debt", DATE, "value (ETH)",
                  (*position, *_marks(metrics, "collateral_eth_oracle")), "datetime"),
            Chart("equity", f"{title}: your equity, two valuations", DATE, "equity (ETH)",
                  (*equity, *_marks(metrics, "equity_eth_oracle")), "datetime")]


def health_chart(metrics: pd.DataFrame, title: str) -> Chart:
    """Health factor before and after agents act, the threshold at 1, your liquidations."""
    lines = _lines(metrics, (("hf_pre", "before agents act (what a liquidator sees)"),
                             ("hf_post", "after agents and the strategy acted")))
    threshold = level("liquidation threshold (health factor 1)", metrics.index, 1.0, WARNING)
    return Chart("health", f"{title}: your health factor", DATE, "health factor (collateral x LT / debt)",
                 (*lines, threshold, *_marks(metrics, "hf_pre")), "datetime", y_unit="")


def _pools(metrics: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Pool keys priced in ETH per stETH, and in USD per ETH (whichever data column is nearer)."""
    keys = [c.removeprefix("price_") for c in metrics.columns if c.startswith("price_")]
    steth, usd = [], []
    for key in keys:
        mid = float(np.nanmedian(metrics[f"price_{key}"].to_numpy(dtype=float)))
        near_usd = "eth_usd" in metrics and (
            "steth_eth" not in metrics
            or abs(np.log(mid / metrics["eth_usd"].median())) < abs(np.log(mid / metrics["steth_eth"].median())))
        (usd if near_usd else steth).append(key)
    return steth, usd


def _price_chart(metrics: pd.DataFrame, key: str, title: str, data: str, data_label: str, unit: str,
                 pools: list[str]) -> Chart | None:
    if data not in metrics or not pools:
        return None
    ref = metrics[data].to_numpy(dtype=float)
    band = Band(f"±{TRACKING_BAND_BPS:g} bps tracking band around the data", metrics.index,
                ref * (1 - TRACKING_BAND_BPS / 1e4), ref * (1 + TRACKING_BAND_BPS / 1e4), colour="#888888", alpha=0.25)
    lines = [Line(data_label, metrics.index, ref, colour="#000000", width=2.0)]
    lines += [Line(pool_name(p), metrics.index, metrics[f"price_{p}"].to_numpy(dtype=float)) for p in pools]
    return Chart(key, title, DATE, unit, (band, *lines), "datetime")


def market_charts(metrics: pd.DataFrame, title: str) -> list[Chart]:
    """Each pool's mid against the data with the tracking band, and their distance in bps."""
    steth, usd = _pools(metrics)
    out = [_price_chart(metrics, "market", f"{title}: stETH/ETH, the data and each pool's mid", "steth_eth",
                        "data: stETH/ETH market ratio", "price (ETH per stETH)", steth),
           _price_chart(metrics, "market_usd", f"{title}: ETH/USD, the data and the USDC pool's mid", "eth_usd",
                        "data: ETH/USD", "price (USD per ETH)", usd)]
    tracking = [c.removeprefix("tracking_bps_") for c in metrics.columns if c.startswith("tracking_bps_")]
    if tracking:
        band = Band(f"±{TRACKING_BAND_BPS:g} bps tracking band", metrics.index, np.full(len(metrics), -TRACKING_BAND_BPS),
                    np.full(len(metrics), TRACKING_BAND_BPS), colour="#888888", alpha=0.25)
        lines = [Line(pool_name(p), metrics.index, metrics[f"tracking_bps_{p}"].to_numpy(dtype=float))
                 for p in tracking]
        out.append(Chart("tracking", f"{title}: each pool's distance from the data", DATE,
                         "pool mid minus the data (bps)", (band, *lines), "datetime"))
    return [c for c in out if c is not None]


def rate_charts(metrics: pd.DataFrame, title: str, strategy: RateStrategy | None = None) -> list[Chart]:
    """Rates in % a year (with the borrow rate at the kink), the WETH utilisation against the
    optimal utilisation U*, and the borrow-rate curve with this run's steps on it."""
    rates = _lines(metrics, (("borrow_apr", "WETH variable borrow rate (Ethereum market)"),
                             ("supply_apr", "WETH supply rate (Ethereum market)"), ("staking_apr", "staking APR")), 100)
    use = _lines(metrics, (("utilisation", "WETH utilisation (Ethereum market)"),), 100)
    out = []
    if strategy is not None:
        kink_u, kink_rate = strategy.optimal_usage / RAY * 100, (strategy.base_rate + strategy.slope1) / RAY * 100
        rates.append(level(f"borrow rate at the kink ({kink_rate:.2f}% a year at U* {kink_u:g}%)", metrics.index,
                           kink_rate))
        use.append(level(f"optimal utilisation U* {kink_u:g}% (the borrow-rate kink)", metrics.index, kink_u))
        x, y = rate_curve(strategy)
        curve = [Line("borrow-rate curve of the WETH reserve", x, y, colour="#000000")]
        curve.append(Markers(f"kink: U* {kink_u:g}%, {kink_rate:.2f}% a year", [kink_u], [kink_rate],
                             colour=WARNING, marker="square", size=9))
        seen = kink_rate
        if {"utilisation", "borrow_apr"} <= set(metrics.columns):
            curve.append(Markers("this run's steps", metrics["utilisation"] * 100, metrics["borrow_apr"] * 100,
                                 size=5))
            seen = max(seen, float(np.nanmax(metrics["borrow_apr"].to_numpy(dtype=float))) * 100)
        top = min(float(y[-1]), max(2 * kink_rate, 1.5 * seen)) * 1.05 or 1.0
        out.append(Chart("rate_curve", f"{title}: WETH borrow rate against utilisation (at 100%: {y[-1]:.1f}% a year)",
                         "utilisation (%)", "variable borrow rate (% a year)", tuple(curve), y_range=(0.0, top)))
    charts = [Chart("rates", f"{title}: rates", DATE, "rate (% a year)", tuple(rates), "datetime")] if rates else []
    if use:
        charts.append(Chart("utilisation", f"{title}: WETH utilisation, borrowed over supplied", DATE,
                            "utilisation (%)", tuple(use), "datetime"))
    return charts + out


def system_chart(metrics: pd.DataFrame, title: str) -> Chart | None:
    """Bad debt over every market and debt repaid by liquidators each step (ETH), when any."""
    columns = [c for c in ("bad_debt_eth", "system_debt_repaid_eth") if c in metrics]
    if not columns or not metrics[columns].to_numpy(dtype=float).any():
        return None
    layers: list[Any] = []
    if "system_debt_repaid_eth" in metrics:
        repaid = metrics["system_debt_repaid_eth"]
        hit = repaid[repaid > 0]
        layers.append(Markers("debt repaid by liquidators on a step, every market", hit.index, hit, size=8))
    if "bad_debt_eth" in metrics:
        layers.append(Line("bad debt, every reserve of every market", metrics.index, metrics["bad_debt_eth"],
                           colour=WARNING, step=True))
    return Chart("system", f"{title}: the system (every market)", DATE, "value (ETH)", tuple(layers), "datetime")


def charts(metrics: pd.DataFrame, title: str = "lstlab backtest", strategy: RateStrategy | None = None) -> list[Chart]:
    """Every chart of the backtest page, in order (the PNGs are the same charts)."""
    out: list[Chart] = [*position_charts(metrics, title)]
    if "hf_pre" in metrics:
        out.append(health_chart(metrics, title))
    out += market_charts(metrics, title)
    out += rate_charts(metrics, title, strategy)
    system = system_chart(metrics, title)
    return out + ([system] if system is not None else [])


def when(t: pd.Timestamp) -> str:
    """A step's time as a date, with the time of day when it is not midnight."""
    return f"{t:%Y-%m-%d}" if t == t.normalize() else f"{t:%Y-%m-%d %H:%M}"


def headline(summary: dict[str, Any]) -> str:
    """The figures of :data:`HEADLINE` present in ``summary``, as a table in words."""
    rows = [(describe(k).text, format_value(k, summary[k])) for k in HEADLINE if k in summary]
    return table(("figure", "value"), rows)


def backtest_page(path: str | Path, metrics: pd.DataFrame, summary: dict[str, Any], *, title: str = "lstlab backtest",
                  notes: Sequence[str] = (), strategy: RateStrategy | None = None) -> Path:
    """Write the backtest's interactive page to ``path``: the headline, every chart of
    :func:`charts`, the summary grouped by whose figure it is (rates and returns in %), and
    ``notes`` (e.g. the data's quality report). ``strategy``: the WETH reserve's rate strategy
    (:func:`rate_strategy`) for the kink; without it the rates are shown without the curve."""
    first, last = (pd.Timestamp(t) for t in (metrics.index[0], metrics.index[-1]))
    page = Page(title, f"{when(first)} to {when(last)} (UTC), {len(metrics):,} steps"
                       + (f"; oracle: {summary['oracle']}" if "oracle" in summary else ""))
    page.section("At a glance")
    page.html(headline(summary))
    current = None
    for chart in charts(metrics, title, strategy):
        if SECTIONS[chart.key] != current:
            current = SECTIONS[chart.key]
            page.section(current)
        page.chart(chart)
    page.section("Summary", "Every figure of the run, grouped by whose it is; fractions as percent.")
    for group, rows in grouped(summary).items():
        page.subheading(group)
        page.html(table(("figure", "value", "what it measures"), rows))
    if notes:
        page.section("Notes")
        page.bullets(notes)
    return page.write(path)


__all__ = ["HEADLINE", "POOLS", "backtest_page", "charts", "headline", "health_chart", "market_charts",
           "position_charts", "rate_charts", "rate_curve", "rate_strategy", "system_chart"]
