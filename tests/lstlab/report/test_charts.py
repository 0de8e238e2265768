"""What each page's charts show, on inputs whose figures are known in advance: the liquidation
markers, the threshold, the tracking band, rates in percent with the kink, Wilson intervals per
grid point, heatmaps oriented by their axes, thresholds sorted, cascade bars per market, the
account's holdings stacked."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from chain import RAY
from lending.rates import RateStrategy
from lstlab.report.account import account_charts
from lstlab.report.backtest import charts, rate_curve
from lstlab.report.charts import Band, Intervals, Line, Markers
from lstlab.report.probe import cascade_charts, threshold_charts, threshold_table
from lstlab.report.sweep import headline, one_axis_charts, two_axis_charts
from lstlab.sim.sweep.stats import point_table, wilson
from tests.lstlab.report.conftest import account_view, one_axis_rows, two_axis_rows

DAYS = 200
WETH = RateStrategy.from_percent("90", "0", "2.7", "80")
"""The default world's WETH curve (lending.presets: U* 90%, base 0, slope1 2.7%, slope2 80%)."""


def _metrics() -> pd.DataFrame:
    """200 daily rows: the loop liquidated on day 120 (HF 0.97 before agents, 1.05 after), stETH
    at 0.99, ETH at 1,719 USD, the Curve pool 12 bps off the data on day 120, borrow rate 2% then
    5%, utilisation 80% then 95%."""
    index = pd.date_range("2022-01-01", periods=DAYS, freq="D", tz="UTC", name="time")
    pre = np.full(DAYS, 1.10)
    pre[120] = 0.97
    post = pre.copy()
    post[120] = 1.05
    steth = np.full(DAYS, 0.99)
    tracking = np.zeros(DAYS)
    tracking[120] = 12.0
    return pd.DataFrame({
        "eth_usd": 1719.0, "steth_eth": steth, "staking_apr": 0.035,
        "collateral_eth_oracle": 500.0, "collateral_eth_market": 495.0, "debt_eth": 400.0,
        "equity_eth_oracle": 100.0, "equity_eth_market": 95.0, "hf_pre": pre, "hf_post": post,
        "loop_liquidated": np.where(np.arange(DAYS) == 120, 1, 0), "system_debt_repaid_eth": 0.0,
        "bad_debt_eth": 0.0, "borrow_apr": np.r_[np.full(100, 0.02), np.full(100, 0.05)],
        "supply_apr": 0.01, "utilisation": np.r_[np.full(100, 0.80), np.full(100, 0.95)],
        "price_curve": steth * (1 + tracking / 1e4), "tracking_bps_curve": tracking,
        "price_usdc_v2": 1719.0, "tracking_bps_usdc_v2": 0.0,
    }, index=index)


def _by_key(items):
    return {c.key: c for c in items}


def _layer(chart, label):
    (found,) = [layer for layer in chart.layers if layer.label == label]
    return found


def _utc(index: pd.DatetimeIndex, *rows: int) -> np.ndarray:
    return index.tz_localize(None)[list(rows)].to_numpy().astype("datetime64[ns]")


class TestBacktestCharts:
    def test_the_health_factor_marks_the_liquidation_before_agents_act(self):
        m = _metrics()
        health = _by_key(charts(m, "t"))["health"]
        marks = _layer(health, "your position liquidated")
        assert isinstance(marks, Markers)
        assert np.array_equal(marks.x, _utc(m.index, 120)) and marks.y.tolist() == [0.97]
        threshold = _layer(health, "liquidation threshold (health factor 1)")
        assert threshold.y.tolist() == [1.0, 1.0] and np.array_equal(threshold.x, _utc(m.index, 0, DAYS - 1))
        assert health.y_label == "health factor (collateral x LT / debt)" and health.x_label == "date (UTC)"

    def test_both_valuations_of_equity_and_collateral(self):
        found = _by_key(charts(_metrics(), "t"))
        equity = found["equity"]
        assert [layer.label for layer in equity.layers] == [
            "equity, valued by the market's feed", "equity, collateral at the data's stETH/ETH",
            "your position liquidated"]
        assert set(equity.layers[0].y) == {100.0} and set(equity.layers[1].y) == {95.0}
        assert (equity.layers[0].dash, equity.layers[1].dash) == (False, True)
        assert set(_layer(found["position"], "collateral, valued at the data's stETH/ETH").y) == {495.0}
        assert found["position"].y_label == "value (ETH)"

    def test_pools_against_the_data_within_the_tracking_band(self):
        found = _by_key(charts(_metrics(), "t"))
        market = found["market"]
        band = market.layers[0]
        assert isinstance(band, Band) and band.label == "±10 bps tracking band around the data"
        assert band.lo == pytest.approx(np.full(DAYS, 0.99 * 0.999)) and band.hi == pytest.approx(np.full(DAYS, 0.99 * 1.001))
        assert [layer.label for layer in market.layers[1:]] == ["data: stETH/ETH market ratio", "Curve pool (Ethereum)"]
        assert _layer(market, "Curve pool (Ethereum)").y[120] == pytest.approx(0.99 * 1.0012)
        # the USDC pool is priced in USD per ETH: its own chart, against ETH/USD
        assert [layer.label for layer in found["market_usd"].layers[1:]] == ["data: ETH/USD",
                                                                             "WETH/USDC V2 pair (Ethereum)"]
        tracking = found["tracking"]
        assert tracking.layers[0].lo.tolist() == [-10.0] * DAYS and tracking.layers[0].hi.tolist() == [10.0] * DAYS
        assert _layer(tracking, "Curve pool (Ethereum)").y.max() == 12.0
        assert tracking.y_label == "pool mid minus the data (bps)"

    def test_rates_in_percent_with_the_kink(self):
        found = _by_key(charts(_metrics(), "t", WETH))
        rates = found["rates"]
        assert _layer(rates, "WETH variable borrow rate (Ethereum market)").y.tolist() == [2.0] * 100 + [5.0] * 100
        assert _layer(rates, "staking APR").y.tolist() == pytest.approx([3.5] * DAYS)
        assert _layer(rates, "borrow rate at the kink (2.70% a year at U* 90%)").y.tolist() == pytest.approx([2.7] * 2)
        use = found["utilisation"]
        assert _layer(use, "optimal utilisation U* 90% (the borrow-rate kink)").y.tolist() == [90.0, 90.0]
        assert _layer(use, "WETH utilisation (Ethereum market)").y.tolist() == pytest.approx([80.0] * 100 + [95.0] * 100)
        curve = found["rate_curve"]
        kink = _layer(curve, "kink: U* 90%, 2.70% a year")
        assert kink.x.tolist() == [90.0] and kink.y.tolist() == pytest.approx([2.7])
        steps = _layer(curve, "this run's steps")
        assert steps.x.tolist() == pytest.approx([80.0] * 100 + [95.0] * 100)
        # the view stops at 1.5 x the highest rate seen (5%), above twice the kink's 2.7%
        assert curve.y_range == pytest.approx((0.0, 7.5 * 1.05))
        assert rates.y_label == "rate (% a year)" and curve.x_label == "utilisation (%)"

    def test_without_a_strategy_there_is_no_curve_and_no_kink(self):
        found = _by_key(charts(_metrics(), "t"))
        assert "rate_curve" not in found
        assert [layer.label for layer in found["utilisation"].layers] == ["WETH utilisation (Ethereum market)"]

    def test_the_borrow_rate_curve_is_the_markets_own(self):
        """Below U*: slope1 x U/U*; above: slope1 + slope2 x (U - U*)/(1 - U*); exact at 0, U*, 100%."""
        x, y = rate_curve(WETH)
        assert len(x) == 401 and x[0] == 0.0 and x[-1] == 100.0
        expected = np.where(x <= 90, 2.7 * x / 90, 2.7 + 80 * (x - 90) / 10)
        assert y == pytest.approx(expected, rel=1e-12, abs=1e-12)
        assert y[list(x).index(90.0)] == WETH.slope1 / RAY * 100 and y[-1] == pytest.approx(82.7)

    def test_the_system_chart_appears_only_with_liquidations_or_bad_debt(self):
        m = _metrics()
        assert "system" not in _by_key(charts(m, "t"))
        m.loc[m.index[120], "system_debt_repaid_eth"] = 30.0
        system = _by_key(charts(m, "t"))["system"]
        repaid = _layer(system, "debt repaid by liquidators on a step, every market")
        assert repaid.y.tolist() == [30.0] and np.array_equal(repaid.x, _utc(m.index, 120))


class TestSweepCharts:
    def test_one_axis_probabilities_carry_their_wilson_intervals(self):
        table = point_table(pd.DataFrame(one_axis_rows()), ["leverage"])
        probabilities, apy = one_axis_charts(table, "leverage")
        loop = _layer(probabilities, "P(your loop is liquidated)")
        assert isinstance(loop, Intervals)
        assert loop.y.tolist() == pytest.approx([0.0, 0.0, 25.0, 50.0, 75.0])
        assert loop.lo.tolist() == pytest.approx([100 * wilson(k, 4)[0] for k in (0, 0, 1, 2, 3)])
        assert loop.hi.tolist() == pytest.approx([100 * wilson(k, 4)[1] for k in (0, 0, 1, 2, 3)])
        assert loop.x.tolist() == pytest.approx([1.9, 2.9, 3.9, 4.9, 5.9])  # offset a tenth of a step
        assert loop.names == ("leverage = 2", "leverage = 3", "leverage = 4", "leverage = 5", "leverage = 6")
        assert _layer(probabilities, "P(any position of any market is liquidated)").y.tolist() == [0, 100, 100, 100, 100]
        assert probabilities.x_label == "leverage (collateral / equity, x)"
        assert probabilities.y_label == "probability (%, 95% Wilson interval)" and probabilities.y_range == (-3, 103)
        band = _layer(apy, "5th-95th percentile, market valuation")
        assert band.lo.tolist() == pytest.approx(list(100 * table["apy_market_p5"]))
        assert _layer(apy, "median, oracle valuation").y.tolist() == pytest.approx([5.3, 4.3, 3.3, 2.3, 1.3])
        assert apy.y_label == "net APY on equity (% a year)"

    def test_two_axis_heatmaps_are_oriented_by_their_axes(self):
        table = point_table(pd.DataFrame(two_axis_rows()), ["leverage", "depeg"])
        found = _by_key(two_axis_charts(table, ["leverage", "depeg"]))
        loop = found["p_loop_liquidated"]
        assert loop.x == (2.0, 4.0) and loop.y == (0.05, 0.1)
        assert loop.z.tolist() == [[0.0, 25.0], [0.0, 100.0]]  # rows: depeg; columns: leverage
        assert (loop.x_label, loop.y_label) == ("leverage (collateral / equity, x)", "depeg depth (fraction of par)")
        assert loop.z_label == "P(your loop is liquidated) (%)" and loop.z_range == (0.0, 100.0)
        assert found["p_bad_debt"].z.tolist() == [[0.0, 0.0], [0.0, 25.0]]
        assert found["apy_market_p50"].z == pytest.approx(np.array([[1.15, 3.15], [1.15, 3.15]]))
        intervals = found["p_loop_liquidated_intervals"]
        assert [layer.label for layer in intervals.layers] == ["depeg = 0.05", "depeg = 0.1"]
        assert intervals.layers[1].y.tolist() == [0.0, 100.0]

    def test_the_headline_is_per_grid_point(self):
        table = point_table(pd.DataFrame(two_axis_rows()), ["leverage", "depeg"])
        text = headline(table, ["leverage", "depeg"])
        assert text.count("<tr>") == 5  # the header and one row per point, nothing pooled
        assert "<td>100.0% (51.0% to 100.0%)</td>" in text and "<td>25.0% (4.6% to 69.9%)</td>" in text
        assert "<td>3.15% (3.02% to 3.29%)</td>" in text


class TestProbeCharts:
    THRESHOLDS = pd.DataFrame({
        "account": ["b", "b", "a", "a", "c", "c"], "factor": ["eth-usd", "steth-eth"] * 3,
        "threshold_bisection": [np.nan, 0.95, np.nan, 0.90, np.nan, 0.97],
        "threshold_closed_form": [np.nan, 0.95, np.nan, 0.90, np.nan, 0.97],
        "current": [1719.0, 1.0] * 3})

    def test_thresholds_sorted_against_the_current_value_and_the_shock(self):
        found = _by_key(threshold_charts(self.THRESHOLDS, {"steth-eth": [("after the shock", 0.92)]}))
        steth = found["thresholds_steth-eth"]
        bisection = _layer(steth, "threshold, by bisection on forks")
        assert bisection.y.tolist() == [0.90, 0.95, 0.97] and bisection.names == ("a", "b", "c")
        assert _layer(steth, "current value 1").y.tolist() == [1.0, 1.0]
        assert _layer(steth, "after the shock 0.92").y.tolist() == [0.92, 0.92]
        assert steth.y_label == "stETH/ETH market price (ETH per stETH)"
        assert found["thresholds_eth-usd"].drawable().layers == ()  # no position has one: nothing to draw

    def test_the_threshold_table_gives_the_fall_to_each_threshold(self):
        wide = threshold_table(self.THRESHOLDS)
        assert list(wide["account"]) == ["b", "a", "c"]
        assert wide["steth-eth: fall to it"].tolist() == pytest.approx([0.05, 0.10, 0.03])
        assert wide["eth-usd threshold"].isna().all()

    def test_cascade_bars_per_market_side_by_side(self):
        rounds = pd.DataFrame({"round": [0, 1, 2], "price_before_steth_eth": [1.0, 0.99, 0.98],
                               "price_after_steth_eth": [0.99, 0.98, 0.975], "debt_repaid_eth": [0.0, 30.0, 5.0],
                               "collateral_seized_wsteth": [0.0, 28.0, 4.0], "collateral_sold_wsteth": [300.0, 28.0, 4.0],
                               "m1_debt_repaid_eth": [0.0, 20.0, 5.0], "m2_debt_repaid_eth": [0.0, 10.0, 0.0],
                               "bad_debt_eth": [0.0, 0.5, 0.7]})
        sale = SimpleNamespace(rounds=rounds, markets=("m1", "m2"), liquidated=("x",))
        found = _by_key(cascade_charts(sale, "sale"))
        debt = found["cascade_debt"]
        assert [(b.label, b.x.tolist(), b.y.tolist(), b.width) for b in debt.layers] == [
            ("market m1", [-0.2, 0.8, 1.8], [0.0, 20.0, 5.0], 0.4), ("market m2", [0.2, 1.2, 2.2], [0.0, 10.0, 0.0], 0.4)]
        assert debt.x_ticks == ((0.0, "round 0 (sale)"), (1.0, "round 1"), (2.0, "round 2"))
        line, dots = found["cascade_bad_debt"].layers  # one legend entry: the line and its points
        assert line.label == dots.label == "bad debt of the system after the round"
        assert line.y.tolist() == dots.y.tolist() == [0.0, 0.5, 0.7]
        assert _layer(found["cascade_prices"], "venue mid after the round").y.tolist() == [0.99, 0.98, 0.975]


def test_the_account_holdings_stack_assets_up_and_debt_down():
    view = account_view(10)
    value, holdings = account_charts(view)
    supplied, debt, wallet, total = value.layers
    assert (supplied.label, debt.label, wallet.label) == ("wstETH (Aave supplied)", "WETH (Aave debt)", "ETH (wallet)")
    assert supplied.lo.tolist() == [0.0] * 30 and supplied.hi == pytest.approx(np.linspace(110.0, 99.0, 30))
    assert debt.hi.tolist() == [0.0] * 30 and debt.lo == pytest.approx(-np.linspace(80.0, 85.0, 30))
    assert wallet.lo == pytest.approx(supplied.hi)  # stacked on the supplied wstETH
    assert (wallet.hi - wallet.lo) == pytest.approx(np.r_[np.zeros(15), np.full(15, 3.0)])
    assert isinstance(total, Line) and total.y == pytest.approx(view.value_eth.sum(axis=1).to_numpy())
    assert [layer.y.tolist() for layer in holdings.layers] == [view.holdings[c].tolist() for c in view.holdings]
    assert value.y_label == "value (ETH)"
