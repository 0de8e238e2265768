"""Text tables for people: units read from names, numbers as people read them, every line within
80 columns (wrapping, or a table continued below with its key column), "and N more", words for
numbers that do not exist."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstlab.report.tables import (
    WIDTH,
    Column,
    amount,
    cut,
    key_values,
    label_of,
    more,
    number,
    numeric,
    render,
    shown_path,
    summary_value,
    unit_of,
    wrap_note,
)


@pytest.mark.parametrize(("name", "unit", "label"), [
    ("debt_repaid_eth", "ETH", "debt repaid (ETH)"),
    ("start_equity_eth_oracle", "ETH", "start equity oracle (ETH)"),
    ("net_apy_oracle", "%", "net apy oracle"),
    ("share_borrow_above_staking", "%", "share borrow above staking"),
    ("tracking_max_bps_v2", "bps", "tracking max v2 (bps)"),
    ("tracking_share_over_10bps_v2", "%", "tracking share over 10bps v2"),
    ("reference_steth_eth", "stETH/ETH", "reference (stETH/ETH)"),
    ("collateral_seized_wsteth", "wstETH", "collateral seized (wstETH)"),
    ("lst_seized_steth", "stETH", "lst seized (stETH)"),
    ("debt_weth", "WETH", "debt (WETH)"),
    ("bad_debt_usd", "USD", "bad debt (USD)"),
    ("eth_usd", "USD", "ETH price (USD)"),
    ("aave-v3_liquidations", "count", "aave-v3 liquidations"),
    ("loop_liquidations", "count", "loop liquidations"),
    ("min_health_factor_post", "hf", "min health factor post"),
    ("hf_pre", "hf", "health factor before agents"),
    ("max_leverage", "x", "max leverage"),
    ("days_to_first_loop_liquidation", "days", "days to first loop liquidation"),
    ("p_loop_liquidated", "%", "P(your loop liquidated)"),
    ("apy_market_p50", "%", "APY median, market"),
    ("worst_ratio", "", "worst ratio"),
])
def test_units_and_labels_come_from_names(name, unit, label):
    """The unit a name's tokens give, and the header that carries it."""
    assert (unit_of(name), label_of(name)) == (unit, label)


@pytest.mark.parametrize(("value", "unit", "text"), [
    (0.07791, "%", "7.79%"),
    (-0.3124, "%", "-31.24%"),
    (99.8, "ETH", "99.80 ETH"),
    (135_129.27, "ETH", "135,129 ETH"),
    (0.108593, "wstETH", "0.1086 wstETH"),
    (0.0, "USD", "0 USD"),
    (7.22005, "bps", "7.2 bps"),
    (5.0100200400801596, "x", "5.01x"),
    (1.1869065467266366, "hf", "1.1869"),
    (0.9519853, "stETH/ETH", "0.9520"),
    (23.0, "count", "23"),
    (1719, "", "1,719"),
    (0.940441, "", "0.940441"),
    (math.inf, "hf", "infinite"),
    (math.nan, "%", "n/a"),
    (None, "ETH", "n/a"),
    ("exchange-rate", "", "exchange-rate"),
])
def test_numbers_read_with_their_units(value, unit, text):
    assert number(value, unit, with_unit=True) == text


def test_amounts_keep_what_matters():
    """Whole from 10,000 up, two decimals from 1 up, four significant digits below 1."""
    assert [amount(v) for v in (0, 12_345.678, 5_756.344, 1.0, 0.108593, -2.5)] == [
        "0", "12,346", "5,756.34", "1.00", "0.1086", "-2.50"]


def test_summary_values_say_what_a_missing_number_means():
    """An event that never happened is 'never', a health factor without debt is infinite with
    the reason, a return without start equity is not defined; times read in UTC."""
    assert summary_value("days_to_first_loop_liquidation", math.nan) == "never"
    assert summary_value("min_health_factor_post", math.inf) == "infinite (no debt)"
    assert summary_value("net_apy_market", math.nan) == "not defined (no equity at the start)"
    assert summary_value("start", "2022-05-01 00:00:00+00:00") == "2022-05-01 00:00 UTC"
    assert summary_value("min_health_factor_pre_liquidation_at", "never (no debt)") == "never (no debt)"
    assert summary_value("net_apy_oracle", 0.0779) == "7.79%"
    assert summary_value("loop_debt_repaid_eth", 1234.5) == "1,234.50 ETH"


def test_a_table_that_fits_prints_on_one_line_a_row():
    text = render(["account", numeric("debt (ETH)")], [("alice", "1.00"), ("bob", "12,345")], title="debts")
    assert text == ("debts\n"
                    "account  debt (ETH)\n"
                    "-------  ----------\n"
                    "alice          1.00\n"
                    "bob          12,345")


def test_text_wraps_and_numbers_do_not():
    """A long description wraps at spaces within the width; the number beside it stays whole."""
    words = "every position of every market " * 4
    text = render([Column("figure", wrap=False), numeric("value"), "what it measures"],
                  [("system_liquidations", "1,234,567", words.strip())], width=60)
    lines = text.splitlines()
    assert all(len(line) <= 60 for line in lines)
    assert lines[2].startswith("system_liquidations  1,234,567  every position")
    assert " ".join(" ".join(line.split()[2:]) if k == 0 else line.strip() for k, line in
                    enumerate(lines[2:])) == words.strip()


def test_a_table_too_wide_continues_below_with_its_key_column():
    """Twelve 10-digit columns cannot share 80: the table is printed in blocks, each repeating
    the first column, and every cell is printed once."""
    columns = ["round", *(numeric(f"c{k}") for k in range(12))]
    rows = [[str(r), *(f"{r}{k:09d}" for k in range(12))] for r in range(3)]
    lines = render(columns, rows).splitlines()
    assert all(len(line) <= WIDTH for line in lines)
    headers = [line for line in lines if line.startswith("round")]
    assert len(headers) >= 2
    printed = {cell for line in lines for cell in line.split()}
    assert printed >= {cell for row in rows for cell in row}
    assert sum(line.split()[0] == "2" for line in lines if line) == len(headers)


def test_rows_must_match_the_columns():
    with pytest.raises(ValueError, match="every row needs 2 cells"):
        render(["a", "b"], [("only one",)])


def test_cut_and_more_say_how_many_are_left_out():
    shown, hidden = cut(list(range(40)), 15)
    assert (shown, hidden) == (list(range(15)), 25)
    assert more(hidden, "positions", "every one in --json") == "and 25 more positions (every one in --json)"
    assert more(0, "positions") == ""
    assert cut([1, 2], 5) == ([1, 2], 0)


def test_notes_wrap_with_an_indent():
    lines = wrap_note("word " * 40, width=30)
    assert all(len(line) <= 30 for line in lines) and all(line.startswith("  ") for line in lines[1:])


def test_a_path_longer_than_a_line_is_cut_after_its_slashes():
    path = "/srv/" + "a" * 30 + "/" + "b" * 40 + "/prices.csv"
    lines = wrap_note(f"data (the price table): {path}", width=40)
    assert lines == ["data (the price table):", "  /srv/" + "a" * 30 + "/", "  " + "b" * 38, "  bb/prices.csv"]
    assert "".join(line.strip() for line in lines[1:]) == path


def test_shipped_and_local_paths_are_shown_short(tmp_path, monkeypatch):
    import lstlab

    shipped = Path(lstlab.__file__).parent / "market" / "data" / "prices.csv"
    assert shown_path(str(shipped)) == "lstlab/market/data/prices.csv (built in)"
    monkeypatch.chdir(tmp_path)
    assert shown_path(str(tmp_path / "in" / "p.csv")) == "in/p.csv"
    assert shown_path("/elsewhere/p.csv") == "/elsewhere/p.csv"
    assert summary_value("data", str(tmp_path / "p.csv")) == "p.csv"


def test_key_values_carry_units():
    text = key_values({"equity_eth": 100.0, "staking_apr": 0.035, "oracle": "market"})
    assert text.splitlines()[2:] == ["equity_eth   100.00 ETH", "staking_apr  3.50%", "oracle       market"]


cells = st.text(alphabet=st.sampled_from("abcdefgh _,./0123456789%()"), min_size=0, max_size=120)
"""Cell texts without '-', so that only the rule under a header is made of dashes."""


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 7).flatmap(lambda n: st.tuples(
    st.lists(st.text(alphabet="abcdef ", min_size=1, max_size=30), min_size=n, max_size=n),
    st.lists(st.lists(cells, min_size=n, max_size=n), min_size=0, max_size=6),
    st.lists(st.booleans(), min_size=n, max_size=n))))
def test_every_line_fits_and_every_word_is_kept(table):
    """Any headers and cells: no line is wider than 80, and every character of every cell is
    printed (a long word may be broken, never dropped), the key column once more for each
    continued block."""
    headers, rows, wraps = table
    columns = [Column(h, wrap=w) if w else numeric(h) for h, w in zip(headers, wraps)]
    text = render(columns, rows)
    assert all(len(line) <= WIDTH for line in text.splitlines())

    def chars(parts):
        return Counter(c for part in parts for c in part if not c.isspace() and c != "-")

    blocks = sum(1 for line in text.splitlines() if "-" in line and set(line) <= {"-", " "})
    expected = chars([*headers, *(cell for row in rows for cell in row)])
    for _ in range(blocks - 1):  # each continued block repeats the key column
        expected += chars([headers[0], *(row[0] for row in rows)])
    assert chars([text]) == expected
