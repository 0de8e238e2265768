"""What ``lstlab probe`` prints for people: thresholds one row per position (nearest to
liquidation first, cut with "and N more"), cascades one column per round, and who was
liquidated through which dependency path. Every line fits 80 columns (lstlab.report.tables)."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from lstlab.report.summary import listed
from lstlab.report.tables import RATIO, Column, cut, label_of, more, number, numeric, percent, render, unit_of

THRESHOLD_ROWS = 15
"""Positions shown in the threshold table (every one is in --json)."""
LISTED = 10
"""Accounts named in a list before "and N more"."""
POOL_ROWS = 40
"""(round, pool) rows shown in the per-pool table."""
FACTORS = {"eth-usd": ("ETH/USD", "USD"), "steth-eth": ("stETH/ETH feed", RATIO),
           "lst-rate": ("stETH per wstETH", RATIO), "bridge-backing": ("bridge backing", RATIO)}
"""Each risk factor's name in a header and the unit of its values."""
NOT_REACHABLE = ("not reachable: no value of the factor down to 1/10,000 of today's liquidates the position (it "
                 "does not move the position's health factor: ETH/USD moves the collateral and debt of an "
                 "ETH-priced loop alike; the stETH/ETH feed is not read under the exchange-rate oracle)")
AGREE = 1e-6
"""Bisection and closed form are reported as agreeing below this relative difference."""

SYSTEM_ROWS = {
    "liquidations": "liquidations", "debt_repaid_eth": "debt repaid (ETH)",
    "collateral_seized_eth": "collateral seized (ETH)", "liquidator_profit_eth": "liquidator profit (ETH)",
    "reference_steth_eth": "reference stETH/ETH (Curve mid)", "feed_steth_eth": "stETH/ETH market feed",
    "arb_trades": "arbitrage trades", "arb_volume_eth": "arbitrage volume (ETH)",
    "bad_debt_eth": "bad debt (ETH)", "bad_debt_usd": "bad debt (USD)",
}
"""The shock cascade's system-wide rows, in the order shown, with their labels."""
SALE_ROWS = {
    "price_before_steth_eth": "venue stETH/ETH before", "price_after_steth_eth": "venue stETH/ETH after",
    "eligible": "positions below HF 1", "liquidations": "liquidations", "positions": "positions liquidated",
    "debt_repaid_eth": "debt repaid (ETH)", "collateral_seized_wsteth": "LST seized (wstETH)",
    "collateral_sold_wsteth": "LST sold into the venue (wstETH)", "proceeds_eth": "sale proceeds (ETH)",
    "keeper_funded_eth": "keeper funded (ETH)", "refused": "refused by the market",
}
"""The sale cascade's rows before the per-market ones, with their labels."""
ARB_REASONS = {"fee_band": "inside its fee band (no trade pays)", "inventory": "short of inventory",
               "unprofitable_gas": "not worth the gas", "revert": "refused by the pool",
               "no_quote": "no quote", "rounds": "still off after its trades"}
"""The arbitrageur's blocked reasons (``lstlab.agents.arbitrageur``), in words."""
PRICE_UNITS = {"steth_eth": RATIO, "usd": "USD per ETH"}


def _value(value: float, unit: str) -> str:
    return number(value, unit)


def thresholds_text(table: pd.DataFrame, oracle: str) -> str:
    """One row per position: each factor's threshold and the move from today's value it takes
    (``0.9687 (-3.13%)``), or ``not reachable``; nearest to liquidation first, the first
    :data:`THRESHOLD_ROWS` shown; notes on the closed form's agreement and on what not
    reachable means."""
    factors = list(dict.fromkeys(table["factor"]))
    accounts = list(dict.fromkeys(table["account"]))
    cells = {(r.account, r.factor): r for r in table.itertuples(index=False)}
    now = {f: float(table.loc[table["factor"] == f, "current"].iloc[0]) for f in factors}

    def nearness(account: str) -> float:
        found = [cells[(account, f)].threshold_bisection / now[f] for f in factors
                 if not math.isnan(cells[(account, f)].threshold_bisection) and now[f]]
        return max(found, default=-math.inf)

    ordered = sorted(accounts, key=nearness, reverse=True)
    shown, hidden = cut(ordered, THRESHOLD_ROWS)
    rows = []
    for account in shown:
        row = [account]
        for f in factors:
            value = cells[(account, f)].threshold_bisection
            unit = FACTORS.get(f, (f, ""))[1]
            row.append("not reachable" if math.isnan(value) else
                       f"{_value(value, unit)} ({percent(value / now[f] - 1) if now[f] else 'n/a'})")
        rows.append(row)
    headers = [Column("account", wrap=False)]
    for f in factors:
        name, unit = FACTORS.get(f, (f, ""))
        headers.append(Column(f"{name}, now {number(now[f], unit, with_unit=unit == 'USD')}"))
    notes = [more(hidden, "positions", "every one in --json")] if hidden else []
    notes.append(_agreement(table))
    if table["threshold_bisection"].isna().any():
        notes.append(NOT_REACHABLE)
    title = (f"liquidation thresholds ({oracle} oracle): the value of each risk factor at which a position "
             f"becomes liquidatable (health factor below 1), bisected on forks; {len(accounts)} positions, "
             "nearest to liquidation first")
    return render(headers, rows, title=title, notes=notes)


def _agreement(table: pd.DataFrame) -> str:
    """How the bisected thresholds compare with the closed forms."""
    both = table.dropna(subset=["threshold_bisection", "threshold_closed_form"])
    alone = int((table["threshold_bisection"].isna() != table["threshold_closed_form"].isna()).sum())
    worst = float((both["threshold_bisection"] / both["threshold_closed_form"] - 1).abs().max()) if len(both) else 0.0
    text = (f"closed form: agrees with every bisected threshold within {worst:.1e} (relative)" if worst < AGREE else
            f"closed form: differs from a bisected threshold by up to {worst:.2e} (relative; --json has both)")
    if alone:
        text += f"; {alone} thresholds found by only one of the two (--json has both)"
    return text


def rounds_table(frame: pd.DataFrame, rows: dict[str, str], title: str) -> str:
    """``frame`` (one row per round) turned: one line per figure of ``rows`` (column -> label),
    one column per round; a table too wide continues below with the labels repeated."""
    rounds = [int(r) for r in frame["round"]]
    body = []
    for column, label in rows.items():
        if column in frame:
            unit = unit_of(column)
            body.append([label, *(number(v, unit) for v in frame[column])])
    columns = [Column("figure"), *(numeric(f"round {r}") for r in rounds)]
    return render(columns, body, title=title)


def _spans(rounds: list[int]) -> str:
    """``round 2``, ``rounds 0-3`` or ``rounds 0, 2, 5``."""
    if len(rounds) == 1:
        return f"round {rounds[0]}"
    if rounds == list(range(rounds[0], rounds[-1] + 1)):
        return f"rounds {rounds[0]}-{rounds[-1]}"
    return "rounds " + ", ".join(map(str, rounds))


def _arb_note(item: str) -> str:
    """``{reason}_{pool}`` as a sentence: the arbitrageur left a pool more than 10 bps off."""
    for reason, words in ARB_REASONS.items():
        if item.startswith(f"{reason}_"):
            return f"the arbitrageur left {item.removeprefix(reason + '_')} more than 10 bps off: {words}"
    return f"the arbitrageur was blocked: {item}"


def blocked_notes(rounds: pd.DataFrame) -> list[str]:
    """What the agents could not do, each reason once with the rounds it happened in."""
    seen: dict[str, list[int]] = {}
    for record in rounds.to_dict(orient="records"):
        notes = [f"the liquidator left {v} candidates ({k.removeprefix('liquidator_blocked_').replace('_', ' ')})"
                 for k, v in record.items() if k.startswith("liquidator_blocked_") and v]
        notes += [_arb_note(item) for item in str(record.get("arb_blocked", "")).split(",") if item]
        for note in notes:
            seen.setdefault(note, []).append(int(record["round"]))
    return [f"{_spans(r)}: {note}" for note, r in seen.items()]


def market_table(frame: pd.DataFrame, title: str) -> str:
    """The (round, market) rows with a liquidation; the markets without any named below."""
    active = frame[frame["liquidations"] > 0]
    quiet = [m for m in dict.fromkeys(frame["market"]) if m not in set(active["market"])]
    figures = [c for c in frame.columns if c not in ("round", "market")]
    rows = [[str(int(r["round"])), r["market"], *(number(r[c], unit_of(c)) for c in figures)]
            for r in active.to_dict(orient="records")]
    notes = [f"no liquidation in any round: {listed(quiet, LISTED)}"] if quiet else []
    if not rows:
        return "\n".join([title, *notes])
    columns = [numeric("round"), Column("market", wrap=False), *(numeric(label_of(c)) for c in figures)]
    return render(columns, rows, title=title, notes=notes, keys=2)


def pool_table(frame: pd.DataFrame, title: str) -> str:
    """One row per (round, pool): what the liquidator sold into it and its mid after the sales
    and after the arbitrage, in the unit named on the row; cut at :data:`POOL_ROWS`."""
    shown, hidden = cut(frame.to_dict(orient="records"), POOL_ROWS)
    rows = []
    for r in shown:
        unit = PRICE_UNITS.get(r["price_unit"], r["price_unit"])
        price = RATIO if unit == RATIO else "USD"
        rows.append([str(int(r["round"])), r["pool"], number(r["sold_eth"], "ETH"), number(r["sold_wsteth"], "wstETH"),
                     number(r["price_after_sales"], price), number(r["price_after_arb"], price), unit])
    columns = [numeric("round"), Column("pool", wrap=False), numeric("sold (ETH)"), numeric("sold (wstETH)"),
               numeric("mid after sales"), numeric("mid after arbitrage"), Column("mid unit")]
    notes = [more(hidden, "rows", "every one in --json")] if hidden else []
    return render(columns, rows, title=title, notes=notes, keys=2)


def liquidated_lines(liquidated: tuple[str, ...] | list[str], paths: dict[str, list[str]] | None = None) -> list[str]:
    """Who was liquidated (named up to :data:`LISTED`, then "and N more") and, with ``paths``,
    the dependency path from each to the shocked node, accounts with the same path together."""
    from lstlab.report.tables import wrap_note

    count = len(liquidated)
    if not count:
        return ["no position was liquidated"]
    lines = wrap_note(f"{count} position{'s' if count != 1 else ''} liquidated (any market): "
                      f"{listed(list(liquidated), LISTED)}")
    if paths is None:
        return lines
    groups: dict[tuple[str, ...], list[str]] = {}
    for account, path in paths.items():
        groups.setdefault(tuple(path[1:]), []).append(account)
    for via, accounts in groups.items():
        path = f"account -> {' -> '.join(via)}"
        if len(groups) == 1 and len(accounts) == count:
            lines += wrap_note(f"path from each to the shocked node: {path}")
        else:
            lines += wrap_note(f"path to the shocked node for {len(accounts)} of them: {path} "
                               f"({listed(accounts, LISTED)})")
    unreached = [a for a in liquidated if a not in paths]
    if unreached:
        lines += wrap_note(f"liquidated without a dependency path from the shocked node (moved by the cascade): "
                           f"{listed(unreached, LISTED)}")
    return lines


def cascade_text(result: Any, title: str) -> str:
    """A shock's cascade: the system rows per round, the markets and pools, what the agents
    could not do, who was liquidated and through which path."""
    system = rounds_table(result.rounds, SYSTEM_ROWS, f"{title}: the system, one column per round (round 0 is the "
                          "shock and the venues' alignment)")
    markets = market_table(result.by_market(), f"{title}: per market")
    pools = pool_table(result.by_pool(), f"{title}: per pool (sold by the liquidator; mid after its sales and "
                       "after the arbitrage)")
    lines = [system, "", markets, "", pools, ""]
    from lstlab.report.tables import wrap_note

    for note in blocked_notes(result.rounds):
        lines += wrap_note(note)
    lines += liquidated_lines(result.liquidated, result.paths)
    return "\n".join(lines)


def seizable_text(frame: pd.DataFrame, accounts: int) -> str:
    """What one round seizes at each stETH/ETH price, one row per (price, market)."""
    figures = {"positions": "positions", "debt_repaid_eth": "debt repaid (ETH)",
               "lst_seized_steth": "LST seized (stETH)", "lst_protocol_fee": "LST protocol fee (LST units)",
               "other_collateral_seized_eth": "other collateral (ETH)"}
    rows = [[number(r["steth_eth"], RATIO), f"{r['market']} ({r['rule']})", *(number(r[c], unit_of(c)) for c in figures)]
            for r in frame.to_dict(orient="records")]
    columns = [numeric("stETH/ETH"), Column("market (rule)", wrap=False), *(numeric(label) for label in figures.values())]
    title = (f"collateral one round of liquidations seizes at each stETH/ETH price, per market (before any sale; "
             f"{accounts} accounts)")
    return render(columns, rows, title=title, keys=2)


def sale_text(result: Any, title: str) -> str:
    """A sale's cascade: one column per round (round 0 is the sale), then who was liquidated."""
    rows = dict(SALE_ROWS)
    for column in result.rounds.columns:
        if column not in rows and column not in ("round", "bad_debt_eth") and column.endswith(
                ("_liquidations", "_debt_repaid_eth")):
            rows[column] = label_of(column)
    rows["bad_debt_eth"] = "bad debt (ETH)"
    table = rounds_table(result.rounds, rows, f"{title}, one column per round (round 0 is the sale)")
    return "\n".join([table, "", *liquidated_lines(result.liquidated)])


__all__ = ["FACTORS", "LISTED", "POOL_ROWS", "THRESHOLD_ROWS", "blocked_notes", "cascade_text", "liquidated_lines",
           "market_table", "pool_table", "rounds_table", "sale_text", "seizable_text", "thresholds_text"]
