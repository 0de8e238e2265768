"""The probe page: each position's liquidation threshold per risk factor, then the cascade round
by round (debt liquidated per market, what each venue took, prices, the system's bad debt) and
the bad debt it leaves per market and reserve.

It reads the probe's results as :mod:`lstlab.audit` returns them: the thresholds table
(:func:`lstlab.audit.thresholds`) and a :class:`lstlab.audit.Cascade` (a shock) or
:class:`lstlab.audit.SaleCascade` (a sale); round 0 is the shock or the sale.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from chain import WAD
from lstlab.report.charts import PALETTE, REFERENCE, WARNING, Bars, Chart, Line, Markers, level
from lstlab.report.page import Page, frame_table, percent, table
from lstlab.world.book import bad_debt_book

FACTORS = {"eth-usd": "ETH/USD (USD per ETH)", "steth-eth": "stETH/ETH market price (ETH per stETH)",
           "lst-rate": "protocol rate (stETH per wstETH)", "bridge-backing": "bridge backing (escrow / wrapped supply)"}
"""Risk factors of :mod:`lstlab.audit.factors` in words, with their units."""
LISTED = 200
"""Rows of the thresholds table shown before "and N more"."""
PATHS = 50
"""Dependency paths listed."""
NAMED = 20
"""Threshold charts of at most this many positions name each one on the x axis."""


def markets_of(cascade: Any) -> tuple[str, ...]:
    """The markets of the cascade's rows (a shock cascade names them; a sale's are the world's)."""
    return tuple(getattr(cascade, "markets", None) or cascade.world.markets())


def round_ticks(rounds: pd.DataFrame, first: str) -> tuple[tuple[float, str], ...]:
    """``round 0 (first)``, ``round 1``, ... as x ticks."""
    return tuple((float(r), f"round {r} ({first})" if r == 0 else f"round {r}") for r in rounds["round"])


def threshold_charts(thresholds: pd.DataFrame, levels: dict[str, list[tuple[str, float]]] | None = None) -> list[Chart]:
    """Per factor: every position's threshold (bisection and closed form), sorted, against the
    factor's current value and any ``levels`` given for it (e.g. after the shock); a factor in
    which no position has a threshold has no layer."""
    out = []
    for factor, rows in thresholds.groupby("factor", sort=False):
        rows = rows.sort_values("threshold_bisection", na_position="last")
        rank = np.arange(1, len(rows) + 1)
        names = tuple(rows["account"].astype(str))
        unit = FACTORS.get(str(factor), str(factor))
        layers: list[Any] = [Markers("threshold, by bisection on forks", rank, rows["threshold_bisection"],
                                     names=names, names_label="position"),
                             Markers("threshold, closed form", rank, rows["threshold_closed_form"], marker="x",
                                     size=9, names=names, names_label="position")]
        if np.isfinite(rows["threshold_bisection"].to_numpy(dtype=float)).any():
            current = float(rows["current"].iloc[0])
            layers.append(level(f"current value {current:.6g}", rank, current, REFERENCE))
            for (label, value), colour in zip((levels or {}).get(str(factor), []), (WARNING, "#9467bd")):
                layers.append(level(f"{label} {value:.6g}", rank, value, colour))
        ticks = tuple((float(r), n) for r, n in zip(rank, names)) if len(rows) <= NAMED else None
        out.append(Chart(f"thresholds_{factor}", f"liquidation threshold of each position: {unit}",
                         "positions, sorted by threshold (rank)", unit, tuple(layers), x_ticks=ticks))
    return out


def threshold_table(thresholds: pd.DataFrame) -> pd.DataFrame:
    """One row per position: per factor, the threshold (bisection) and the fall from the current
    value that reaches it (fraction; NaN: no threshold)."""
    out = pd.DataFrame({"account": thresholds["account"].drop_duplicates().to_numpy()})
    for factor, rows in thresholds.groupby("factor", sort=False):
        rows = rows.set_index("account")
        out[f"{factor} threshold"] = out["account"].map(rows["threshold_bisection"])
        out[f"{factor}: fall to it"] = out["account"].map(1 - rows["threshold_bisection"] / rows["current"])
    return out


def shock_levels(cascade: Any) -> dict[str, list[tuple[str, float]]]:
    """stETH/ETH after round 0 and at the end of the cascade (the feed, or the sale's venue mid)."""
    column = "price_after_steth_eth" if "price_after_steth_eth" in cascade.rounds else "feed_steth_eth"
    prices = cascade.rounds[column]
    first = "after the sale" if column == "price_after_steth_eth" else "after the shock"
    return {"steth-eth": [(first, float(prices.iloc[0])), ("at the end of the cascade", float(prices.iloc[-1]))]}


def _dodged(rounds: pd.DataFrame, columns: Sequence[tuple[str, str]]) -> list[Bars]:
    """Bars per round for each (column, label), side by side."""
    present = [(c, label) for c, label in columns if c in rounds]
    width = 0.8 / max(len(present), 1)
    x = rounds["round"].to_numpy(dtype=float)
    return [Bars(label, x + (k - (len(present) - 1) / 2) * width, rounds[c], width=width)
            for k, (c, label) in enumerate(present)]


def cascade_charts(cascade: Any, first: str = "shock") -> list[Chart]:
    """Debt liquidated per market, what each venue took, prices and the system's bad debt, per round."""
    rounds = cascade.rounds
    ticks = round_ticks(rounds, first)
    x = rounds["round"].to_numpy(dtype=float)
    markets = markets_of(cascade)
    debt = _dodged(rounds, [(f"{m}_debt_repaid_eth", f"market {m}") for m in markets])
    out = [Chart("cascade_debt", "debt liquidated per round, per market", "round", "debt repaid by liquidators (ETH)",
                 tuple(debt), x_ticks=ticks)]
    if hasattr(cascade, "by_pool"):
        pools = cascade.by_pool()
        wide = pools.pivot(index="round", columns="pool", values="sold_eth").reset_index()
        took = [p for p in cascade.pools if wide[p].to_numpy(dtype=float).any()]
        sold = _dodged(wide, [(p, f"pool {p}") for p in took])
        prices = []
        for k, p in enumerate(cascade.pools):
            rows = pools[(pools["pool"] == p) & (pools["price_unit"] == "steth_eth")]
            colour = PALETTE[k % len(PALETTE)]
            if len(rows):
                prices.append(Line(f"pool {p}, after the arbitrage", rows["round"], rows["price_after_arb"],
                                   colour=colour))
                prices.append(Line(f"pool {p}, after the liquidator's sales", rows["round"], rows["price_after_sales"],
                                   colour=colour, dash=True))
        prices.append(Line("the market's stETH/ETH feed", x, rounds["feed_steth_eth"], colour="#000000", width=2.2))
    else:
        sold = _dodged(rounds, [("collateral_sold_wsteth", "sold into the venue"),
                                ("collateral_seized_wsteth", "seized from positions")])
        prices = [Line("venue mid before the round", x, rounds["price_before_steth_eth"], dash=True),
                  Line("venue mid after the round", x, rounds["price_after_steth_eth"], colour="#000000", width=2.2)]
    unit = "sold (ETH)" if hasattr(cascade, "by_pool") else "wstETH (wstETH)"
    out.append(Chart("cascade_venues", "what each venue took, per round", "round", unit, tuple(sold), x_ticks=ticks))
    out.append(Chart("cascade_prices", "stETH/ETH per round", "round", "price (ETH per stETH)", tuple(prices),
                     x_ticks=ticks))
    bad = (Line("bad debt of the system after the round", x, rounds["bad_debt_eth"], colour=WARNING),
           Markers("bad debt of the system after the round", x, rounds["bad_debt_eth"], colour=WARNING))
    out.append(Chart("cascade_bad_debt", "bad debt per round, every reserve of every market", "round",
                     "bad debt (ETH)", bad, x_ticks=ticks))
    return out


def bad_debt_rows(world: Any) -> pd.DataFrame:
    """Bad debt left in each reserve with any, per market: the asset's amount and ETH."""
    rows = [{"market": r.market, "asset": r.asset.symbol, "booked": r.booked / 10**r.asset.decimals,
             "underwater": r.shortfall / 10**r.asset.decimals, "bad debt (ETH)": r.eth / WAD}
            for r in bad_debt_book(world).rows if r.total]
    return pd.DataFrame(rows, columns=["market", "asset", "booked", "underwater", "bad debt (ETH)"])


def probe_page(path: str | Path, cascade: Any, thresholds: pd.DataFrame | None = None, *, title: str = "lstlab probe",
               settings: dict[str, Any] | None = None, notes: Sequence[str] = (),
               seizable: pd.DataFrame | None = None) -> Path:
    """Write the probe's page: ``settings`` (what was probed), the cascade at a glance, the
    ``thresholds`` charts and table, the cascade's charts per round, its rounds table, the bad
    debt it leaves, who was liquidated (with the dependency path from the shocked node, for a
    shock), ``seizable`` (collateral one round seizes at each price) and ``notes``."""
    sale = not hasattr(cascade, "by_pool")
    rounds = cascade.rounds
    page = Page(title, "the cascade of a sale" if sale else "the cascade of a shock, round by round")
    if settings:
        page.section("Probe")
        page.html(table(("setting", "value"), settings.items()))
    page.section("At a glance")
    price = rounds["price_after_steth_eth" if sale else "reference_steth_eth"].iloc[-1]
    glance = [("rounds after round 0", len(rounds) - 1), ("positions liquidated", len(cascade.liquidated)),
              ("debt repaid by liquidators (ETH)", float(rounds["debt_repaid_eth"].sum())),
              ("bad debt of the system at the end (ETH)", float(rounds["bad_debt_eth"].iloc[-1])),
              ("stETH/ETH at the end (ETH per stETH)", float(price))]
    page.html(table(("figure", "value"), glance))
    if thresholds is not None:
        page.section("Liquidation thresholds", "The value of each risk factor at which each position becomes "
                                               "liquidatable (health factor below 1), everything else unchanged: "
                                               "by bisection on forks, and by the closed form beside it.")
        for chart in threshold_charts(thresholds, shock_levels(cascade)):
            page.chart(chart, "no position has a threshold in this factor")
        wide = threshold_table(thresholds)
        page.html(frame_table(wide, {c: percent for c in wide.columns if c.endswith("fall to it")}, limit=LISTED,
                              what="positions"))
    page.section("The cascade per round", "Round 0 is the " + ("sale" if sale else "shock") + "; each later round "
                 "liquidates what it can and sells the seized collateral.")
    for chart in cascade_charts(cascade, "sale" if sale else "shock"):
        page.chart(chart)
    page.subheading("every round")
    page.html(frame_table(rounds))
    page.section("Bad debt left, per market and reserve")
    left = bad_debt_rows(cascade.world)
    page.html(frame_table(left) if len(left) else "<p>no reserve of any market holds bad debt.</p>")
    page.section("Who was liquidated")
    paths = getattr(cascade, "paths", {})
    rows = [(who, " -> ".join(paths.get(who, [])) or "n/a") for who in cascade.liquidated]
    page.html(table(("account", "dependency path from the shocked node"), rows[:PATHS], more=len(rows[PATHS:]),
                    what="positions"))
    if seizable is not None:
        page.section("Collateral one round seizes at each stETH/ETH price, per market")
        page.html(frame_table(seizable))
    if notes:
        page.section("Notes")
        page.bullets(notes)
    return page.write(path)


__all__ = ["FACTORS", "bad_debt_rows", "cascade_charts", "markets_of", "probe_page", "shock_levels", "threshold_charts",
           "threshold_table"]
