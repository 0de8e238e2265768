"""Results render as HTML tables in Jupyter: a backtest, a shock and a sale cascade, a sweep and
its stats, an account of the explorer; every table is cut at 200 rows with "and N more", the
markup is balanced and escaped, and no number prints as nan."""

from __future__ import annotations

import math
import re
from html.parser import HTMLParser
from types import SimpleNamespace

import pandas as pd
import pytest

from chain import WAD
from lstlab import audit
from lstlab.report import notebook
from lstlab.report.notebook import ROWS

VOID = {"br", "meta", "img"}


class _Balance(HTMLParser):
    """Checks that every opened tag is closed in order; collects the text."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def _text(markup: str) -> str:
    """The page's text, after checking its tags are balanced and that no cell says nan."""
    parser = _Balance()
    parser.feed(markup)
    parser.close()
    assert parser.stack == []
    text = " ".join(parser.text)
    assert not re.search(r"\bnan\b", text, flags=re.IGNORECASE)
    return text


def _cells(markup: str) -> list[str]:
    return re.findall(r"<td[^>]*>(.*?)</td>", markup)


def test_a_table_is_cut_at_200_rows_and_says_how_many_more():
    rows = [[str(k), f"{k:,}"] for k in range(ROWS + 37)]
    markup = notebook.table(["k", "value"], rows, noun="steps", where="result.metrics has them all")
    text = _text(markup)
    assert markup.count("<tr>") == ROWS + 1  # the header and 200 rows
    assert "and 37 more steps (result.metrics has them all)" in text
    assert "and " not in _text(notebook.table(["k"], [["1"]]))


def test_cells_are_escaped():
    markup = notebook.table(["<b>"], [["<script>alert(1)</script>"]])
    assert "<script>" not in markup and "&lt;script&gt;" in markup and "&lt;b&gt;" in markup


def test_frame_headers_carry_units_and_missing_numbers_are_words():
    frame = pd.DataFrame({"debt_repaid_eth": [1234.5, math.nan], "net_apy_oracle": [0.0779, -0.5],
                          "liquidations": [3, 0]})
    markup = notebook.frame_table(frame)
    assert re.findall(r"<th>(.*?)</th>", markup) == ["debt repaid (ETH)", "net apy oracle", "liquidations"]
    assert _cells(markup) == ["1,234.50", "7.79%", "3", "none", "-50.00%", "0"]


def _view(checkpoints: int, events: int, total: int):
    """An explorer view of the shape lstlab.records' AccountView has."""
    index = pd.date_range("2022-01-01", periods=checkpoints, freq="D", tz="UTC", name="time")
    holdings = pd.DataFrame({"wstETH supplied at aave": [500.0 + k for k in range(checkpoints)],
                             "WETH owed at aave": [-400.0] * checkpoints}, index=index)
    value_eth = holdings.copy()
    value_eth["WETH owed at aave"] = math.nan
    history = pd.DataFrame({"step": range(events), "time": pd.date_range("2022-01-01", periods=events, freq="h",
                                                                        tz="UTC"),
                            "tx": [None] * events, "event": ["Transfer"] * events, "contract": ["WETH"] * events,
                            "detail": [f"amount={k}" for k in range(events)]})
    figures = [("net value now (ETH)", "100.00"), ("rewards (stETH)", "3.50")]
    return SimpleNamespace(name="alice<1>", figures=figures, holdings=holdings, value_eth=value_eth,
                           history=history, history_total=total)


def test_account_shows_figures_holdings_and_the_latest_history():
    """300 checkpoints and 1,000 events of which the view kept 250: the latest 200 rows of each
    are shown, each table saying how many more there are; a holding not valued says so."""
    markup = notebook.account_html(_view(300, 250, 1000))
    text = _text(markup)
    assert "account alice&lt;1&gt;" in markup
    assert "net value now (ETH)" in text and "3.50" in text
    assert "holdings at the last checkpoint (2022-10-27 00:00)" in text
    assert "799.00" in _cells(markup)  # the last checkpoint's wstETH
    assert text.count("and 100 more earlier checkpoints") == 2
    assert "and 800 more earlier events" in text
    assert "not valued" in text
    assert "amount=249" in text and "amount=49" not in text.replace("amount=249", "")


def test_an_account_without_holdings_says_so():
    view = _view(0, 0, 0)
    text = _text(notebook.account_html(view))
    assert "no holding at any checkpoint" in text and "and " not in text


@pytest.fixture(scope="module")
def shocked():
    from lstlab.agents.population import loop_population
    from lstlab.world import default_world

    world = default_world()
    world.set_oracle("market")
    loop_population(world, 12, 3, leverage=(8.0, 13.0))
    return audit.cascade(world, "steth-depeg", 0.05)


def test_a_cascade_renders_every_round_and_who_was_liquidated(shocked):
    markup = shocked._repr_html_()
    text = _text(markup)
    rounds = len(shocked.rounds)
    assert all(f"round {r}" in text for r in range(rounds))
    assert f"{len(shocked.liquidated)} positions liquidated" in text and shocked.liquidated
    assert all(account in text for account in shocked.liquidated)
    assert "steth-eth-market" in text  # the dependency paths
    first = shocked.rounds["debt_repaid_eth"].iloc[1]
    assert f"{first:,.2f}" in _cells(markup) or f"{first:,.0f}" in _cells(markup)


def test_a_sale_cascade_renders_its_rounds(tmp_path):
    from lstlab.cli.probe import sale_world_params
    from lstlab.world import default_world

    path = tmp_path / "book.csv"
    path.write_text("account,market,asset,collateral,debt,emode,collateral_enabled\n"
                    "a,aave-v3,wstETH,100,0,1,true\na,aave-v3,WETH,0,94.5,1,true\n")
    world = default_world(sale_world_params(("aave-v3",), "3000,3000", 30, 4.0, None))
    audit.open_positions(world, audit.load_positions(path))
    result = audit.cascade(world, sale=audit.Sale.of_steth(world, "curve", 300 * WAD), rule="every-eligible")
    text = _text(result._repr_html_())
    assert "round 0 is the sale" in text and "price before (stETH/ETH)" in text
    assert ("no position was liquidated" in text) == (not result.liquidated)


def test_a_backtest_renders_its_summary_and_position(tmp_path):
    from lstlab.market.data import default_path
    from lstlab.market.prices import load_prices
    from lstlab.sim.backtest import Backtest, LoopConfig

    result = Backtest(load_prices(default_path(), start="2022-06-01", end="2022-06-10"), LoopConfig(leverage=5.0),
                      agents=[]).run()
    markup = notebook.backtest_html(result)
    text = _text(markup)
    assert "backtest: 10 steps" in text
    assert f"{result.summary['net_apy_oracle'] * 100:.2f}%" in _cells(markup)
    assert "health factor before agents" in text and "your position by step" in text
    assert "and " not in text.split("your position by step")[1]


def test_a_sweep_and_its_stats_render(tmp_path):
    from lstlab.cli.app import main
    from lstlab.sim.sweep import ResultStore, SweepStats

    scenario = tmp_path / "tiny.toml"
    scenario.write_text('name = "tiny"\n[prices]\nsource = "synthetic"\n[prices.synthetic]\ndays = 5\n'
                        "[agents]\narbitrageur = false\nloops = 2\n")
    out = tmp_path / "sw"
    assert main(["sweep", str(scenario), "--grid", "leverage=3,5", "--paths", "2", "--executor", "inprocess",
                 "--out", str(out), "--json"]) == 0
    markup = ResultStore(out)._repr_html_()
    text = _text(markup)
    assert "runs finished" in text and "4 of 4" in text and "leverage=3,5" in text
    assert "P(your loop liquidated) (95% interval)" in text
    assert [c for c in _cells(markup) if c in ("3", "5")][:2] == ["3", "5"]
    empty = ResultStore(tmp_path / "none")._repr_html_()
    assert "no run has finished yet" in _text(empty)
    stats = _text(SweepStats(total=4, skipped=1, computed=3, seconds=2.0)._repr_html_())
    assert "1.50" in stats and "skipped (already done)" in stats
