"""Summaries and reports of a metrics table built by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from lstlab.report.figures import plot
from lstlab.report.html import write_html
from lstlab.report.summary import max_drawdown, summarize


def _metrics():
    index = pd.date_range("2022-01-01", periods=366, freq="D", tz="UTC")
    equity = np.full(366, 100.0)
    equity[100:200] = 80.0
    equity[-1] = 110.0
    hf = np.linspace(1.2, 1.1, 366)
    hf[150] = 0.97
    return pd.DataFrame({"equity_eth": equity, "health_factor": hf, "liquidations": np.r_[np.zeros(365), 2],
                         "liquidated_debt_eth": np.r_[np.zeros(365), 3.5], "bad_debt_eth": np.zeros(366),
                         "steth_eth": np.ones(366)}, index=index)


def test_max_drawdown():
    assert max_drawdown(np.array([100.0, 120.0, 90.0, 130.0, 65.0])) == pytest.approx(0.5)
    assert max_drawdown(np.array([1.0, 2.0, 3.0])) == 0.0


def test_summary_figures():
    """366 daily rows span exactly one year: APY equals the net return of 10%."""
    summary = summarize(_metrics())
    assert summary["net_return"] == pytest.approx(0.10)
    assert summary["net_apy"] == pytest.approx(0.10)
    assert summary["max_drawdown"] == pytest.approx(0.20)
    assert summary["min_health_factor"] == 0.97
    assert summary["min_health_factor_at"].startswith("2022-05-31")
    assert summary["liquidations"] == 2 and summary["liquidated_debt_eth"] == 3.5


def test_plots_and_self_contained_html(tmp_path):
    images = plot(_metrics(), tmp_path)
    assert sorted(p.name for p in images) == ["health.png", "market.png", "position.png"]
    page = write_html(tmp_path / "report.html", "test", {"Summary": summarize(_metrics())}, images, ["a note"])
    text = page.read_text()
    assert text.count("data:image/png;base64,") == 3 and "<li>a note</li>" in text
    assert "src=\"http" not in text and not math.isnan(summarize(_metrics())["net_apy"])
