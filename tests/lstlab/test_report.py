"""Summaries and reports of a metrics table built by hand, so every figure is known in advance."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from lstlab.report.figures import plot
from lstlab.report.html import write_html
from lstlab.report.summary import (
    SUMMARY,
    describe,
    format_value,
    grouped,
    growth,
    listed,
    max_drawdown,
    summarize,
)

DAYS = 366


def _metrics() -> pd.DataFrame:
    """A year of daily rows: oracle equity 100 -> 80 (days 100-199) -> 110 at the end; market
    equity 100 -> 69 on day 150 -> 105; the user liquidated once on day 150 (HF 0.97 before
    the liquidator, 1.02 after); pool ``curve`` 12 bps off the data on days 150-151."""
    index = pd.date_range("2022-01-01", periods=DAYS, freq="D", tz="UTC")
    oracle = np.full(DAYS, 100.0)
    oracle[100:200] = 80.0
    oracle[-1] = 110.0
    market = np.full(DAYS, 100.0)
    market[150] = 69.0
    market[-1] = 105.0
    pre = np.linspace(1.2, 1.1, DAYS)
    pre[150] = 0.97
    post = pre.copy()
    post[150] = 1.02
    one_at = lambda day, value: np.where(np.arange(DAYS) == day, value, 0.0)
    tracking = np.zeros(DAYS)
    tracking[150:152] = -12.0
    return pd.DataFrame({
        "equity_eth_oracle": oracle, "equity_eth_market": market, "hf_pre": pre, "hf_post": post,
        "loop_liquidated": one_at(150, 1), "loop_debt_repaid_eth": one_at(150, 30.0),
        "loop_liquidation_loss_eth": one_at(150, 0.3), "system_liquidations": one_at(150, 3) + one_at(300, 2),
        "system_debt_repaid_eth": one_at(150, 50.0), "bad_debt_eth": np.r_[np.zeros(200), np.full(166, 0.5)],
        "bad_debt_usd": np.r_[np.zeros(200), np.full(166, 800.0)], "steth_eth": np.ones(DAYS),
        "borrow_apr": np.r_[np.full(183, 0.02), np.full(183, 0.05)], "staking_apr": np.full(DAYS, 0.035),
        "tracking_bps_curve": tracking, "arb_blocked_fee_band_curve": one_at(150, 1) + one_at(151, 1),
    }, index=index)


def test_max_drawdown():
    assert max_drawdown(np.array([100.0, 120.0, 90.0, 130.0, 65.0])) == pytest.approx(0.5)
    assert max_drawdown(np.array([1.0, 2.0, 3.0])) == 0.0


def test_growth_wiped_out_and_one_year():
    assert growth(100.0, 110.0, 365 * 86_400) == pytest.approx((0.10, 0.10))
    assert growth(100.0, -5.0, 30 * 86_400) == (-1.05, -1.0)
    assert all(math.isnan(v) for v in growth(0.0, 1.0, 86_400))


def test_user_figures_on_both_valuations():
    """366 daily rows span exactly one year: APY equals the net return; the drawdowns differ."""
    s = summarize(_metrics())
    assert s["net_return_oracle"] == pytest.approx(0.10) and s["net_apy_oracle"] == pytest.approx(0.10)
    assert s["net_return_market"] == pytest.approx(0.05) and s["net_apy_market"] == pytest.approx(0.05)
    assert s["max_drawdown_oracle"] == pytest.approx(0.20) and s["max_drawdown_market"] == pytest.approx(0.31)
    assert s["min_health_factor_pre_liquidation"] == 0.97
    assert s["min_health_factor_pre_liquidation_at"].startswith("2022-05-31")
    assert s["min_health_factor_post"] == 1.02  # the liquidator lifted day 150 above the final 1.1
    assert s["loop_liquidations"] == 1 and s["loop_debt_repaid_eth"] == 30.0
    assert s["loop_liquidation_loss_eth"] == 0.3


def test_system_rates_and_venues_apart_from_the_user():
    s = summarize(_metrics())
    assert s["system_liquidations"] == 5 and s["system_debt_repaid_eth"] == 50.0
    assert s["bad_debt_eth"] == 0.5 and s["bad_debt_usd"] == 800.0 and s["max_bad_debt_eth"] == 0.5
    assert s["borrow_apr_mean"] == pytest.approx((183 * 0.02 + 183 * 0.05) / DAYS)
    assert s["share_borrow_above_staking"] == pytest.approx(183 / DAYS)
    assert s["tracking_max_bps_curve"] == 12.0 and s["tracking_mean_bps_curve"] == pytest.approx(24 / DAYS)
    assert s["tracking_share_over_10bps_curve"] == pytest.approx(2 / DAYS)
    assert s["tracking_off_steps_curve"] == "2022-05-31, 2022-06-01; why: fee band on 2"
    assert s["arb_blocked_fee_band_curve"] == 2


def test_old_ambiguous_keys_are_gone():
    s = summarize(_metrics())
    assert not {"liquidations", "max_drawdown", "min_health_factor", "net_apy", "liquidated_debt_eth"} & set(s)


def test_every_summary_key_is_described_and_grouped():
    s = summarize(_metrics())
    for key in s:
        assert describe(key).group != "other", key
    assert describe("tracking_max_bps_l2_curve").text == "largest |mid - data| of pool l2_curve, basis points"
    groups = grouped(s)
    assert set(groups) == {"the run", "your position", "the system (every market)", "data and venues", "agents"}
    row = next(r for r in groups["your position"] if r[0] == "net_apy_market")
    assert row == ("net_apy_market", "5.00%", SUMMARY["net_apy_market"].text)


def test_values_read_as_people_read_them():
    assert format_value("net_apy_oracle", -0.0123) == "-1.23%"
    assert format_value("bad_debt_eth", 1234.56789) == "1,234.5679"
    assert format_value("bad_debt_usd", 3566.0) == "3,566.00"
    assert format_value("loop_liquidations", 3) == "3"
    assert format_value("min_health_factor_post", math.inf) == "inf (no debt)"
    assert format_value("tracking_max_bps_v2", math.nan) == "n/a"
    assert listed(["a", "b", "c"], 2) == "a, b and 1 more" and listed(["a"], 2) == "a"


def test_plots_and_self_contained_html(tmp_path):
    """A PNG per chart the columns allow: no collateral, pool price or utilisation columns here,
    so no position, market or utilisation figure; bad debt on the last 166 days: the system's."""
    images = plot(_metrics(), tmp_path)
    assert sorted(p.name for p in images) == ["equity.png", "health.png", "rates.png", "system.png", "tracking.png"]
    page = write_html(tmp_path / "report.html", "test", grouped(summarize(_metrics())), images, ["a note"],
                      tables={"points": pd.DataFrame({"x": [1.0], "p": [0.5]})})
    text = page.read_text()
    assert text.count("data:image/png;base64,") == 5 and "<li>a note</li>" in text
    assert "src=\"http" not in text and "<td>5.00%</td>" in text and "<h2>points</h2>" in text
