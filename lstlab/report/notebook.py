"""HTML for Jupyter: the ``_repr_html_`` of lstlab's results (a backtest, a sweep and its
stats, a shock or sale cascade, an account of the explorer) as tables with units in the
headers and numbers as people read them (:mod:`lstlab.report.tables`).

Every table is cut at :data:`ROWS` rows and says how many more there are ("and N more");
a number that does not exist is a word, never ``nan``. Each renderer reads its result by
attribute (no import of the class), so it takes any object of the same shape.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import pandas as pd

from lstlab.report.tables import amount, label_of, more, number, summary_value, unit_of

ROWS = 200
"""Rows of a table shown before "and N more"."""
LISTED = 50
"""Accounts named in a list before "and N more"."""
STYLE = ("<style>.lstlab table{border-collapse:collapse;margin:0.3em 0 1em}"
         ".lstlab th,.lstlab td{padding:2px 8px;border-bottom:1px solid #ddd;text-align:left}"
         ".lstlab td.n{text-align:right;font-variant-numeric:tabular-nums}"
         ".lstlab caption{text-align:left;font-weight:bold;padding:0.2em 0}"
         ".lstlab p.more{color:#555;font-style:italic;margin:0 0 1em}</style>")
POSITION = ("equity_eth_oracle", "equity_eth_market", "hf_pre", "hf_post", "collateral_wsteth", "debt_weth",
            "steth_eth", "borrow_apr", "staking_apr", "loop_liquidated", "bad_debt_eth")
"""Metrics columns of a backtest's per-step table (every column is in ``result.metrics``)."""


def _e(text: Any) -> str:
    return html.escape(str(text))


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, caption: str = "",
          right: Sequence[bool] | None = None, total: int | None = None, noun: str = "rows",
          where: str = "") -> str:
    """An HTML table of already formatted cells, at most :data:`ROWS` rows; ``total`` (default
    the rows given) counts what the cut leaves out, said below it ("and N more {noun}")."""
    right = list(right) if right is not None else [False] * len(headers)
    shown = list(rows[:ROWS])
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td class='n'>{_e(c)}</td>" if r else f"<td>{_e(c)}</td>"
                                    for c, r in zip(row, right)) + "</tr>" for row in shown)
    cap = f"<caption>{_e(caption)}</caption>" if caption else ""
    out = f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    hidden = (len(rows) if total is None else total) - len(shown)
    if hidden > 0:
        out += f"<p class='more'>{_e(more(hidden, noun, where))}</p>"
    return out


def frame_table(frame: pd.DataFrame, *, caption: str = "", index: bool = False, noun: str = "rows",
                where: str = "", total: int | None = None, tail: bool = False, unit: str | None = None,
                none: str = "none") -> str:
    """A DataFrame as :func:`table`: headers with their units (:func:`lstlab.report.tables.label_of`),
    numbers formatted by their column's unit (``unit``: one for every column, ``amount`` for
    plain amounts), a missing value as ``none``; ``tail`` shows the last rows, not the first."""
    data = frame.reset_index() if index else frame
    cut = data.tail(ROWS) if tail else data.head(ROWS)
    names = [str(c) for c in data.columns]
    units = [unit_of(c) if unit is None else unit for c in names]
    rows = [[_cell(v, u, none) for v, u in zip(record, units)] for record in cut.itertuples(index=False)]
    right = [pd.api.types.is_numeric_dtype(data[c]) for c in data.columns]
    headers = [label_of(c) if unit is None else c for c in names]
    return table(headers, rows, caption=caption, right=right, noun=noun, where=where,
                 total=len(data) if total is None else total)


def _cell(value: Any, unit: str, none: str = "none") -> str:
    """A cell: a time to the minute, an amount as :func:`lstlab.report.tables.amount`, other
    numbers by their unit, a missing value as ``none``."""
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d %H:%M}"
    if unit == "amount" and isinstance(value, (int, float)) and not pd.isna(value):
        return amount(float(value))
    return number(value, unit, none=none)


def page(*parts: str) -> str:
    """The parts in one block with the tables' style."""
    return f"{STYLE}<div class='lstlab'>{''.join(parts)}</div>"


def _heading(text: str) -> str:
    return f"<h4>{_e(text)}</h4>"


def _listed(items: Sequence[str], noun: str) -> str:
    shown = ", ".join(_e(x) for x in items[:LISTED])
    rest = more(len(items) - LISTED, noun)
    return f"<p>{shown}{' ' + _e(rest) if rest else ''}</p>"


def summary_tables(summary: dict[str, Any]) -> str:
    """A run summary grouped by whose figure it is: figure, value with its unit, what it measures."""
    from lstlab.report.summary import describe

    groups: dict[str, list[list[str]]] = {}
    for key, value in summary.items():
        figure = describe(key)
        groups.setdefault(figure.group, []).append([key, summary_value(key, value), figure.text])
    return "".join(table(["figure", "value", "what it measures"], rows, caption=group)
                   for group, rows in groups.items())


def backtest_html(result: Any) -> str:
    """A backtest's result: its summary by group, the data's quality report, and the
    position by step (a few of ``result.metrics``' columns; all of them are there)."""
    metrics = result.metrics
    columns = [c for c in POSITION if c in metrics.columns]
    quality = result.quality.lines() if hasattr(result, "quality") else []
    parts = [_heading(f"backtest: {len(metrics):,} steps"), summary_tables(result.summary)]
    if quality:
        parts.append("<p>" + "<br>".join(_e(line) for line in quality) + "</p>")
    parts.append(frame_table(metrics[columns], index=True, caption="your position by step", noun="steps",
                             where=f"result.metrics holds every step and {len(metrics.columns)} columns"))
    return page(*parts)


def _rounds(frame: pd.DataFrame, caption: str) -> str:
    """One row per figure of the rounds' table, one column per round."""
    figures = [c for c in frame.columns if c != "round"]
    rounds = [int(r) for r in frame["round"]]
    rows = [[label_of(c), *(_cell(v, unit_of(c)) for v in frame[c])] for c in figures]
    return table(["figure", *(f"round {r}" for r in rounds)], rows, caption=caption,
                 right=[False, *([True] * len(rounds))], noun="figures")


def cascade_html(result: Any) -> str:
    """A shock's cascade: every figure per round, per market, per pool, who was liquidated
    and the dependency path from each to the shocked node."""
    parts = [_heading(f"cascade: {len(result.rounds) - 1} rounds after the shock, "
                      f"{len(result.liquidated)} positions liquidated"),
             _rounds(result.rounds, "every figure, one column per round (round 0 is the shock)"),
             frame_table(result.by_market(), caption="per market"),
             frame_table(result.by_pool(), caption="per pool (sold by the liquidator; mid after its sales and "
                         "after the arbitrage, in price_unit)")]
    parts += _liquidated(result.liquidated, getattr(result, "paths", None))
    return page(*parts)


def _liquidated(liquidated: Sequence[str], paths: dict[str, list[str]] | None) -> list[str]:
    if not liquidated:
        return ["<p>no position was liquidated</p>"]
    parts = [_heading(f"liquidated ({len(liquidated)}, any market)"), _listed(list(liquidated), "accounts")]
    if paths:
        rows = [[account, " -> ".join(path)] for account, path in paths.items()]
        parts.append(table(["account", "dependency path to the shocked node"], rows, noun="accounts"))
    return parts


def sale_html(result: Any) -> str:
    """A sale's cascade: every figure per round (round 0 is the sale), then who was liquidated."""
    parts = [_heading(f"sale cascade: {len(result.rounds) - 1} rounds after the sale, "
                      f"{len(result.liquidated)} positions liquidated"),
             _rounds(result.rounds, "every figure, one column per round (round 0 is the sale)")]
    parts += _liquidated(result.liquidated, None)
    return page(*parts)


def _interval(row: dict[str, Any], name: str) -> str:
    return (f"{number(row[name], '%', none='none')} "
            f"({number(row[f'{name}_lo'], '%', none='none')} - {number(row[f'{name}_hi'], '%', none='none')})")


def points_table(points: pd.DataFrame, axes: list[str]) -> str:
    """A sweep's per-point table: axes, runs, each probability with its 95% Wilson interval,
    the APY quantiles on both valuations."""
    from lstlab.sim.sweep.stats import PROBABILITIES

    apys = [c for c in points.columns if c.startswith("apy_")]
    headers = [*axes, "runs", *(f"{label_of(p)} (95% interval)" for p in PROBABILITIES), *map(label_of, apys)]
    rows = [[*(f"{r[a]:g}" if isinstance(r[a], float) else str(r[a]) for a in axes), f"{int(r['runs']):,}", *(_interval(r, p) for p in PROBABILITIES),
             *(number(r[c], "%", none="no finite APY") for c in apys)] for r in points.to_dict(orient="records")]
    right = [True] * len(axes) + [True] + [False] * len(PROBABILITIES) + [True] * len(apys)
    return table(headers, rows, caption="per grid point", right=right, noun="grid points",
                 where="lstlab report writes every one to points.csv")


def sweep_html(store: Any) -> str:
    """A sweep's folder: what it runs (the manifest), how far it got, and its per-point table."""
    import json

    from lstlab.sim.sweep.stats import point_table

    path = store.directory / "sweep.json"
    manifest = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    summary = store.summary()
    axes = [a.split("=")[0].strip() for a in manifest.get("grid", [])]
    axes = [a for a in axes if a in summary.columns]
    facts = [["folder", str(store.directory)], ["scenario", manifest.get("scenario", "unknown")],
             ["grid", " ".join(manifest.get("grid", [])) or "none (one point)"],
             ["paths per point", manifest.get("paths", "unknown")], ["seed", manifest.get("seed", "unknown")],
             ["runs finished", f"{len(summary):,} of {manifest.get('runs', len(summary)):,}"]]
    if manifest.get("inputs"):
        facts.append(["note", manifest["inputs"]])
    parts = [_heading("sweep"), table(["", ""], facts)]
    if summary.empty:
        parts.append("<p>no run has finished yet</p>")
    else:
        parts.append(points_table(point_table(summary, axes), axes))
    return page(*parts)


def stats_html(stats: Any) -> str:
    """What one call of ``run_sweep`` did."""
    rate = stats.computed / stats.seconds if stats.seconds else 0.0
    rows = [["runs", f"{stats.total:,}"], ["computed", f"{stats.computed:,}"],
            ["skipped (already done)", f"{stats.skipped:,}"], ["seconds", f"{stats.seconds:,.1f}"],
            ["runs per second", f"{rate:,.2f}"]]
    return page(table(["", ""], rows, caption="sweep run", right=[False, True]))


def account_html(view: Any) -> str:
    """An account of the explorer: its figures, its holdings at the last checkpoint, holdings
    and their ETH value by checkpoint, and its history of events; each table cut at
    :data:`ROWS` rows with "and N more" (the latest rows are shown)."""
    parts = [_heading(f"account {view.name}"), table(["figure", "value"], [list(f) for f in view.figures])]
    holdings, values = view.holdings, view.value_eth
    if len(holdings):
        last = holdings.index[-1]
        rows = [[column, _cell(holdings[column].iloc[-1], "amount"),
                 _cell(values[column].iloc[-1], "ETH", "not valued")] for column in holdings.columns]
        parts.append(table(["holding", "units", "value (ETH)"], rows, right=[False, True, True],
                           caption=f"holdings at the last checkpoint ({last:%Y-%m-%d %H:%M})", noun="holdings"))
        parts.append(frame_table(holdings, index=True, tail=True, unit="amount", noun="earlier checkpoints",
                                 caption="holdings by checkpoint (token units; debt negative)"))
        parts.append(frame_table(values, index=True, tail=True, unit="ETH", none="not valued",
                                 noun="earlier checkpoints", caption="value by checkpoint (ETH at the data's prices)"))
    else:
        parts.append("<p>no holding at any checkpoint</p>")
    history = view.history
    total = int(getattr(view, "history_total", len(history)))
    parts.append(frame_table(history, tail=True, total=total, noun="earlier events",
                             caption=f"history: the latest events naming {view.name} ({total:,} in all)"))
    return page(*parts)


__all__ = ["LISTED", "ROWS", "account_html", "backtest_html", "cascade_html", "frame_table", "page",
           "points_table", "sale_html", "stats_html", "summary_tables", "sweep_html", "table"]
