"""Pages stand alone (every script inline, no URL fetched), tables read as people read them,
long tables are cut with the count left out, and bad inputs fail with what to do."""

from __future__ import annotations

from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

from chain import InvalidArgument
from lstlab.report.account import account_page
from lstlab.report.charts import Chart, Heatmap, Line
from lstlab.report.figures import save_pngs
from lstlab.report.page import Page, cell, frame_table, percent, table, unit_of
from lstlab.report.probe import bad_debt_rows, probe_page
from tests.lstlab.report.conftest import BUILDERS, SALE_HFS, account_view, sale_probe, shock_probe


class Tags(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(text: str) -> list[tuple[str, dict]]:
    parser = Tags()
    parser.feed(text)
    return parser.tags


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_every_page_kind_stands_alone(kind, pages):
    """No script or stylesheet from a URL, no frame, image or link fetched from outside."""
    found = tags(pages[kind].read_text())
    scripts = [a for t, a in found if t == "script"]
    assert scripts and not [a for a in scripts if "src" in a]
    assert not [(t, a) for t, a in found if t in ("link", "img", "iframe", "object", "embed")]
    links = [a["href"] for t, a in found if t == "a" and "href" in a]
    assert links and all(href.startswith("#") for href in links)


def test_each_chart_has_its_element(pages):
    found = [a["data-chart"] for t, a in tags(pages["account"].read_text()) if t == "div" and "data-chart" in a]
    assert found == ["value_eth", "holdings"]


def test_values_read_as_people_read_them():
    assert cell(1234567) == "1,234,567" and cell(2.0) == "2" and cell(0.1234567) == "0.123457"
    assert cell(float("nan")) == "n/a" and cell(None) == "n/a" and cell(pd.NaT) == "n/a"
    assert cell(pd.Timestamp("2022-06-13 10:00", tz="UTC")) == "2022-06-13 10:00:00 UTC"
    assert percent(0.01234) == "1.23%" and percent(float("nan")) == "n/a"
    assert unit_of("equity (ETH)") == "ETH" and unit_of("probability (%, 95% Wilson interval)") == "%, 95% Wilson interval"
    text = table(("a", "b"), [(1.5, "x <y>")])
    assert "<td class='n'>1.5</td>" in text and "<td>x &lt;y&gt;</td>" in text


def test_a_long_table_is_cut_with_the_count_left_out():
    frame = pd.DataFrame({"step": range(1_234)})
    text = frame_table(frame, limit=1_000, what="events")
    assert text.count("<tr>") == 1_001 and "<p class='more'>and 234 more events</p>" in text
    assert "more" not in frame_table(frame.iloc[:3], limit=1_000)
    assert "<td>5.00%</td>" in frame_table(pd.DataFrame({"p": [0.05]}), {"p": percent})


def test_the_account_page_cuts_its_history_at_1000_rows(tmp_path):
    text = account_page(account_view(1_234), tmp_path / "a.html").read_text()
    assert "and 234 more events" in text and "supplied 999 wstETH" in text and "supplied 1000 wstETH" not in text
    assert "<td>net APY, market valuation</td><td>3.20%</td>" in text


def test_a_view_without_its_fields_is_refused(tmp_path):
    view = account_view(5)
    del view.history
    with pytest.raises(InvalidArgument, match="history"):
        account_page(view, tmp_path / "a.html")
    view = account_view(5)
    view.value_eth = view.value_eth.iloc[:, ::-1]
    with pytest.raises(InvalidArgument, match="same order"):
        account_page(view, tmp_path / "a.html")


def test_a_chart_with_nothing_to_draw_says_so(tmp_path):
    page = Page("t")
    page.chart(Chart("empty", "no liquidations", "x (s)", "y (ETH)", (Line("a", [1.0, 2.0], [np.nan, np.inf]),)),
               "the run had none")
    text = page.write(tmp_path / "p.html").read_text()
    assert "<p>no liquidations: nothing to draw: the run had none.</p>" in text
    assert "data-chart" not in text and "<script" not in text  # no chart: no BokehJS either


def test_layers_and_heatmaps_check_their_shapes():
    with pytest.raises(InvalidArgument, match="lengths"):
        Line("a", [1.0, 2.0], [1.0])
    with pytest.raises(InvalidArgument, match="shape"):
        Heatmap("h", "t", "x", "y", "z", (1.0, 2.0), (1.0,), np.zeros((2, 2)))


def test_pngs_are_written_for_charts_with_data(tmp_path):
    drawn = Chart("drawn", "t", "x (s)", "y (ETH)", (Line("a", [1.0, 2.0], [1.0, 2.0]),))
    empty = Chart("empty", "t", "x (s)", "y (ETH)", (Line("a", [1.0], [np.nan]),))
    heat = Heatmap("heat", "t", "x", "y", "z (%)", (1.0, 2.0), (1.0,), np.array([[10.0, 20.0]]))
    paths = save_pngs([drawn, empty, heat], tmp_path)
    assert [p.name for p in paths] == ["drawn.png", "heat.png"]
    assert all(p.read_bytes()[:4] == b"\x89PNG" for p in paths)


def test_the_backtest_page_reads_in_percent_and_words(pages):
    text = pages["backtest"].read_text()
    for heading in ("At a glance", "Your position", "Your health factor", "Pools against the data", "Rates",
                    "The system", "Summary", "Notes"):
        assert f"<h2>{heading}</h2>" in text
    assert "<td>net return annualised, valued by the market&#x27;s feed</td><td>" in text
    assert "2022-05-01 to 2022-07-31 (UTC), 92 steps; oracle: market" in text
    assert "collateral_eth" not in text.split("<h2>Summary</h2>")[0].split("</nav>")[1].split("<script")[0]


def test_the_sweep_page_has_the_table_in_it(pages):
    text = pages["sweep-2d"].read_text()
    assert "<h2>Per grid point</h2>" in text and "<h2>Every figure per grid point</h2>" in text
    assert text.count("points.csv") == 1  # a note; the table itself is on the page
    assert "<td class='n'>4</td>" in text and "<td>25.0% (4.6% to 69.9%)</td>" in text


def test_the_probe_page_of_a_sale_without_thresholds(tmp_path):
    cascade, _ = sale_probe()
    seizable = pd.DataFrame({"peg": [0.95], "market": ["aave-v3"], "seized_wsteth": [12.5]})
    text = probe_page(tmp_path / "p.html", cascade, seizable=seizable).read_text()
    charts = [a["data-chart"] for t, a in tags(text) if t == "div" and "data-chart" in a]
    assert charts == ["cascade_debt", "cascade_venues", "cascade_prices", "cascade_bad_debt"]
    assert "<h2>Liquidation thresholds</h2>" not in text and "<td class='n'>12.5</td>" in text
    assert f"<td>positions liquidated</td><td class='n'>{len(cascade.liquidated)}</td>" in text
    # under the market oracle a position's health factor scales with stETH/ETH: it is liquidatable
    # below 1/HF; the cascade takes exactly the positions whose 1/HF the lowest price reached
    low = cascade.rounds["price_after_steth_eth"].min()
    assert cascade.liquidated == tuple(f"p{k}" for k, hf in enumerate(SALE_HFS) if 1 / hf > low) == ("p0",)
    assert "<p>no reserve of any market holds bad debt.</p>" in text


def test_the_bad_debt_left_adds_up_to_the_last_round():
    cascade, _ = shock_probe()
    left = bad_debt_rows(cascade.world)
    assert len(left) and set(left["asset"]) <= {"WETH", "USDC", "wstETH"}
    assert left["bad debt (ETH)"].sum() == pytest.approx(cascade.rounds["bad_debt_eth"].iloc[-1], rel=1e-12)
