"""The explorer's account page: what one account held over a run, valued in ETH, and what it did.

``account_page(view, path)`` reads a view with ``name`` (str); ``holdings`` (a DataFrame on a
UTC DatetimeIndex ``time``, one column per holding label such as "wstETH (Aave supplied)", in
the holding's token units, debt negative); ``value_eth`` (the same shape: each holding in ETH at
the data's prices); ``history`` (columns step, time, tx, event, contract, detail) and
``figures`` (a list of (label, value) strings, already formatted); optionally
``history_total``, the events there were when ``history`` holds only some of them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from chain import InvalidArgument
from lstlab.report.charts import PALETTE, Band, Chart, Line
from lstlab.report.page import HISTORY_ROWS, Page, cell, frame_table, table

HISTORY = ("step", "time", "tx", "event", "contract", "detail")
"""Columns of a view's history."""


def _check(view: Any) -> None:
    missing = [a for a in ("name", "holdings", "value_eth", "history", "figures") if not hasattr(view, a)]
    if missing:
        raise InvalidArgument(f"an account view needs {', '.join(missing)} (see lstlab.report.account)")
    if list(view.value_eth.columns) != list(view.holdings.columns):
        raise InvalidArgument("value_eth must have the holdings' columns, in the same order: one value per holding")
    absent = [c for c in HISTORY if c not in view.history.columns]
    if absent:
        raise InvalidArgument(f"the view's history lacks column(s) {', '.join(absent)}: give {', '.join(HISTORY)}")


def stacked(value_eth: pd.DataFrame) -> list[Any]:
    """Bands stacking each holding's ETH value, positive parts upward from 0 and negative parts
    (debt) downward, in column order, and the total as a line."""
    up = np.zeros(len(value_eth))
    down = np.zeros(len(value_eth))
    layers: list[Any] = []
    for k, column in enumerate(value_eth.columns):
        values = np.nan_to_num(value_eth[column].to_numpy(dtype=float))
        colour = PALETTE[k % len(PALETTE)]
        positive, negative = np.clip(values, 0, None), np.clip(values, None, 0)
        if positive.any():
            layers.append(Band(str(column), value_eth.index, up, up + positive, colour=colour, alpha=0.55))
            up = up + positive
        if negative.any():
            layers.append(Band(str(column), value_eth.index, down + negative, down, colour=colour, alpha=0.55))
            down = down + negative
    total = value_eth.sum(axis=1, min_count=1).to_numpy(dtype=float)
    layers.append(Line("total (net of debt)", value_eth.index, total, colour="#000000", width=2.2))
    return layers


def account_charts(view: Any) -> list[Chart]:
    """The value of each holding in ETH, stacked with the total, and the holdings in token units."""
    name = view.name
    value = Chart("value_eth", f"{name}: holdings valued in ETH at the data's prices (debt below zero)", "date (UTC)",
                  "value (ETH)", tuple(stacked(view.value_eth)), "datetime")
    units = tuple(Line(str(c), view.holdings.index, view.holdings[c]) for c in view.holdings.columns)
    holdings = Chart("holdings", f"{name}: holdings in their own tokens (debt negative)", "date (UTC)",
                     "amount (token units of each holding)", units, "datetime", y_unit="")
    return [value, holdings]


def account_page(view: Any, path: str | Path) -> Path:
    """Write the account's page to ``path``: its figures, the value chart, the holdings chart,
    the latest holdings and the history (the first :data:`HISTORY_ROWS` rows, then "and N
    more" counting to ``history_total`` when the view has it). Raises InvalidArgument for a view without the fields of the module docstring."""
    _check(view)
    page = Page(f"account {view.name}", f"{len(view.history):,} events; "
                                        f"{len(view.holdings.columns)} holdings over {len(view.holdings):,} steps")
    page.section("Figures")
    page.html(table(("figure", "value"), [(str(k), str(v)) for k, v in view.figures]))
    page.section("Holdings")
    for chart in account_charts(view):
        page.chart(chart, "the account held nothing")
    if len(view.holdings):
        last = pd.DataFrame({"holding": view.holdings.columns, "amount": view.holdings.iloc[-1].to_numpy(),
                             "value (ETH)": view.value_eth.iloc[-1].to_numpy()})
        page.subheading(f"at the last step ({view.holdings.index[-1]:%Y-%m-%d %H:%M} UTC)")
        page.html(frame_table(last, {"value (ETH)": lambda v: "not valued" if np.isnan(v) else cell(v)}))
    page.section("History")
    history = view.history[list(HISTORY)]
    shown = history.iloc[:HISTORY_ROWS]
    total = max(int(getattr(view, "history_total", len(history))), len(history))
    page.html(table(HISTORY, shown.itertuples(index=False), more=total - len(shown), what="events"))
    return page.write(path)


__all__ = ["HISTORY", "account_charts", "account_page", "stacked"]
