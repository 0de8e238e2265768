"""The explorer: one account's holdings, rewards, interest, losses, PnL and history in a run.

Every figure is read from the run's records (:mod:`lstlab.records`) and says how it is
measured:

- holdings: at each checkpoint, every balance the account had (wallet tokens, aTokens and
  debt in each market, LP shares, bridged tokens, unclaimed withdrawal requests), in token
  units and in ETH at the data's prices (:mod:`lstlab.records.valuation`);
- accrued staking rewards: the account's Lido shares at each checkpoint (stETH shares, wstETH,
  wstETH supplied, minus wstETH owed) earn the share rate's change to the next checkpoint:
  ``sum_k pooled(S_k at k+1) - pooled(S_k at k)`` with Lido's floored ``getPooledEthByShares``,
  in stETH wei, apart from any transfer (a transfer changes S, not the rate);
- interest earned / paid: the growth of each aToken / debt balance between checkpoints not
  explained by its scaled changes (``ScaledBalanceChanged``: ``rayMul(|delta|, index)`` wei
  each), in the asset's wei;
- liquidation losses: for each liquidation of the account, the ETH value of the collateral
  it lost (to the liquidator and the protocol fee) minus the debt repaid for it, at the
  checkpoint prices of that step;
- fees: flash-loan premiums the account paid and the liquidation protocol fees taken from it;
- PnL: the account's value (all valued holdings, debt negative) at the last checkpoint minus
  at the opening minus contributions (money from outside the world: a faucet mint or burn,
  a transaction of one transfer from or to the zero address); realised = the part in cash
  (WETH on any network, USDC, withdrawal claims), unrealised = the rest; in ETH and in USD
  (each checkpoint at its ETH/USD).

Prices of a token at a step are those of the latest checkpoint at or before it.
"""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path
from typing import Any

import attrs
import pandas as pd

from chain import ZERO_ADDRESS
from chain.fixedpoint import RAY
from lstlab.errors import DataError
from lstlab.records.views import open as open_records

CASH_SYMBOLS = frozenset({"WETH", "ETH", "USDC"})
"""Symbols counted as cash for realised PnL (with withdrawal claims, which pay ether)."""
HISTORY_ROWS = 1_000
"""History rows kept by default (the latest); the total is always reported."""


@attrs.frozen
class AccountView:
    """One account in one run: see the module docstring for how each figure is measured."""

    name: str
    run: str
    holdings: pd.DataFrame
    """Index: checkpoint time (UTC); one column per holding label; token units (debt negative)."""
    value_eth: pd.DataFrame
    """Same shape: each holding in ETH at the data's prices (NaN: not valued)."""
    value_usd: pd.Series
    """The account's total value in USD at each checkpoint (ETH value x the step's ETH/USD)."""
    history: pd.DataFrame
    """The latest events naming the account: step, time, tx, event, contract, detail."""
    history_total: int
    figures: list[tuple[str, str]]
    """Formatted (label, value) pairs of every figure, in reading order."""
    exact: dict[str, Any]
    """The figures as numbers: wei as ints (rewards, interest by asset), ETH/USD as floats."""

    def _repr_html_(self) -> str:
        try:
            from lstlab.report.notebook import account_html
        except ImportError:  # the notebook renderer ships with the report package
            return "<pre>" + "\n".join(f"{k}: {v}" for k, v in self.figures) + "</pre>"
        return account_html(self)


def _label(kind: str, token: str, contract: str | None) -> str:
    network, symbol = token.split(":", 1)
    name = symbol if network == "ethereum" else f"{symbol} ({network})"
    if kind == "supplied":
        return f"{name} supplied at {contract}"
    if kind == "borrowed":
        return f"{name} owed at {contract}"
    if kind == "queued":
        return f"ETH claim at {contract}"
    return name


def _pooled(shares: int, pooled: int, total: int) -> int:
    """Lido's floored getPooledEthByShares, symmetric for a negative (owed) exposure."""
    value = abs(shares) * pooled // total
    return value if shares >= 0 else -value


def account(run_dir: str | Path, name: str, *, history_rows: int = HISTORY_ROWS) -> AccountView:
    """The explorer view of ``name`` in the run recorded at ``run_dir``; raises DataError when
    the run kept no holdings or never saw the account (the message lists some that it saw)."""
    con = open_records(run_dir)
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    if not {"steps", "holdings"} <= tables:
        raise DataError(f"{run_dir} has no holdings records: record the run with snapshots "
                        "(Backtest(..., records=DIR))")
    rows = con.execute("""SELECT h.step, h.time, kind, contract, token, decimals, units, shares, value_eth, s.eth_usd,
        raw FROM holdings h JOIN steps s USING (step) WHERE account = ? ORDER BY h.step""", [name]).fetchall()
    seen = con.execute("SELECT count(*) FROM events WHERE src = ? OR dst = ? OR contains(fields, ?)",
                       [name, name, json.dumps(name)]).fetchone()[0]
    if not rows and not seen:
        some = [r[0] for r in con.execute(
            "SELECT account FROM holdings GROUP BY account ORDER BY max(abs(value_eth)) DESC NULLS LAST LIMIT 8"
        ).fetchall()]
        raise DataError(f"{name!r} holds nothing and appears in no event of {run_dir}; accounts there "
                        f"include {', '.join(some)}")
    checkpoints = con.execute("""SELECT step, time, eth_usd, total_pooled, total_shares FROM steps
        WHERE checkpoint ORDER BY step""").fetchall()
    frame = _holdings_frame(rows, checkpoints)
    figures, exact = _figures(con, name, rows, checkpoints)
    history, total = _history(con, name, history_rows)
    return AccountView(name, str(run_dir), frame["units"], frame["value_eth"], frame["value_usd"],
                       history, total, figures, exact)


def holdings_now(world: Any, name: str, prices: Any = None) -> pd.DataFrame:
    """What ``name`` holds in a live ``world`` now, one row per holding (label, kind, contract,
    token, units in token units as an exact int, Lido shares behind it, ETH value), valued at
    ``prices`` (:class:`lstlab.records.valuation.Prices`; default: the world's ETH/USD and
    stETH/ETH market feeds). Empty when it holds nothing."""
    from lstlab.records.rounds import feed_prices
    from lstlab.records.snapshot import holding_rows
    from lstlab.records.valuation import Valuer

    at = feed_prices(world) if prices is None else prices
    rows = [r for r in holding_rows(world, Valuer(world), 0, world.state.now, at) if r["account"] == name]
    return pd.DataFrame(
        [{"holding": _label(r["kind"], r["token"], r["contract"]), "kind": r["kind"], "contract": r["contract"],
          "token": r["token"], "units": int(r["units"]) * (-1 if r["kind"] == "borrowed" else 1),
          "shares": None if r["shares"] is None else int(r["shares"]), "value_eth": r["value_eth"]} for r in rows],
        columns=["holding", "kind", "contract", "token", "units", "shares", "value_eth"])


def _holdings_frame(rows: list[tuple], checkpoints: list[tuple]) -> dict[str, Any]:
    times = pd.to_datetime([t for _, t, *_ in checkpoints], unit="s", utc=True)
    step_at = {s: i for i, (s, *_) in enumerate(checkpoints)}
    units: dict[str, dict[int, float]] = {}
    values: dict[str, dict[int, float]] = {}
    for step, _, kind, contract, token, decimals, amount, _, value, *_ in rows:
        label = _label(kind, token, contract)
        sign = -1 if kind == "borrowed" else 1
        units.setdefault(label, {})[step_at[step]] = sign * int(amount) / 10**decimals
        values.setdefault(label, {})[step_at[step]] = float("nan") if value is None else value
    index = pd.DatetimeIndex(times, name="time")
    unit_frame = pd.DataFrame({k: pd.Series(v) for k, v in units.items()}).reindex(range(len(times)))
    value_frame = pd.DataFrame({k: pd.Series(v) for k, v in values.items()}).reindex(range(len(times)))
    held = unit_frame.notna()
    unit_frame, value_frame = unit_frame.fillna(0.0), value_frame.where(held | value_frame.notna(), 0.0)
    unit_frame.index = value_frame.index = index
    usd = value_frame.sum(axis=1, min_count=0) * pd.Series([c[2] for c in checkpoints], index=index)
    return {"units": unit_frame, "value_eth": value_frame, "value_usd": usd}


def _unit_prices(con: Any) -> dict[tuple[int, str], float]:
    """ETH per base unit of each token at each checkpoint, from every valued holding."""
    return {(s, t): v for s, t, v in con.execute("""SELECT step, token, sum(value_eth) / sum(CAST(units AS DOUBLE))
        FROM holdings WHERE value_eth IS NOT NULL AND kind IN ('wallet', 'supplied') AND units <> '0'
        GROUP BY step, token""").fetchall()}


def _price(prices: dict[tuple[int, str], float], points: list[int], step: int, token: str) -> float:
    """The token's ETH per unit at the latest checkpoint at or before ``step`` where some
    valued holding of it exists, else at the first one after (NaN if none ever)."""
    before = [p for p in points if p <= step and (p, token) in prices]
    if before:
        return prices[(before[-1], token)]
    after = [p for p in points if p > step and (p, token) in prices]
    return prices[(after[0], token)] if after else float("nan")


def _figures(con: Any, name: str, rows: list[tuple], checkpoints: list[tuple]) -> tuple[list, dict]:
    points = [c[0] for c in checkpoints]
    totals = {c[0]: (int(c[3]), int(c[4])) for c in checkpoints}
    usd_at = {c[0]: c[2] for c in checkpoints}
    prices = _unit_prices(con)
    by_step: dict[int, list[tuple]] = {}
    for row in rows:
        by_step.setdefault(row[0], []).append(row)

    # staking rewards: S_k earns the rate's change to the next checkpoint
    rewards = 0
    for k, nxt in pairwise(points):
        shares = sum(int(r[7]) for r in by_step.get(k, []) if r[7] is not None)
        if shares:
            rewards += _pooled(shares, *totals[nxt]) - _pooled(shares, *totals[k])

    # interest: balance growth of each lending holding not explained by its scaled changes
    flows: dict[tuple[str, str, str, int], int] = {}
    for market, asset, side, step, delta, index in con.execute("""SELECT emitter, fields->>'asset', fields->>'side',
            step, fields->>'delta', fields->>'index' FROM events
            WHERE package = 'lending' AND event = 'ScaledBalanceChanged' AND fields->>'user' = ? AND step >= 0""",
            [name]).fetchall():
        d, i = int(delta), int(index)
        wei = (abs(d) * i + RAY // 2) // RAY
        interval = next(p for p in points if p >= step)
        key = (market, asset, "supplied" if side == "supplied" else "borrowed", interval)
        flows[key] = flows.get(key, 0) + (wei if d > 0 else -wei)
    interest: dict[str, int] = {}
    interest_eth = {"supplied": 0.0, "borrowed": 0.0}
    held = {(r[0], r[3], r[4], r[2]): int(r[6]) for r in rows if r[2] in ("supplied", "borrowed")}
    keys = {(c, t, k) for (_, c, t, k) in held} | {(m, a, s) for (m, a, s, _) in flows}
    for market, asset, side in sorted(keys):
        for k, nxt in pairwise(points):
            grown = held.get((nxt, market, asset, side), 0) - held.get((k, market, asset, side), 0)
            gain = grown - flows.get((market, asset, side, nxt), 0)
            if gain:
                label = _label(side, asset, market)
                interest[label] = interest.get(label, 0) + gain
                interest_eth[side] += gain * _price(prices, points, nxt, asset)

    # liquidations of the account, fees it paid
    losses_eth, liquidations, protocol_fees_eth = 0.0, 0, 0.0
    for step, collateral, debt, covered, seized, fee in con.execute("""SELECT step, collateral, debt, debt_covered,
            collateral_seized, protocol_fee FROM liquidations WHERE "user" = ?""", [name]).fetchall():
        p_coll, p_debt = _price(prices, points, step, collateral), _price(prices, points, step, debt)
        losses_eth += (int(seized) + int(fee)) * p_coll - int(covered) * p_debt
        protocol_fees_eth += int(fee) * p_coll
        liquidations += 1
    premiums_eth = 0.0
    for step, asset, premium in con.execute("""SELECT step, fields->>'asset', fields->>'premium' FROM events
            WHERE package = 'lending' AND event = 'FlashLoan' AND fields->>'receiver' = ?""", [name]).fetchall():
        premiums_eth += int(premium) * _price(prices, points, step, asset)

    # PnL: value change beyond contributions (lone faucet transfers from/to the zero address)
    contributions_eth = contributions_usd = 0.0
    for step, token, src, amount in con.execute(f"""SELECT t.step, t.token, t.src, t.amount_text FROM transfers t
            JOIN (SELECT tx FROM events WHERE step >= 0 AND tx IS NOT NULL GROUP BY tx HAVING count(*) = 1) lone
            USING (tx) WHERE t.step >= 0 AND ((t.dst = ? AND t.src = '{ZERO_ADDRESS}')
            OR (t.src = ? AND t.dst = '{ZERO_ADDRESS}'))""", [name, name]).fetchall():
        value = int(amount) * _price(prices, points, step, token)
        sign = 1 if src == ZERO_ADDRESS else -1
        at = max(p for p in points if p <= step)
        contributions_eth += sign * value
        contributions_usd += sign * value * usd_at[at]

    def value(step: int) -> float:
        return sum(r[8] for r in by_step.get(step, []) if r[8] is not None)

    first, last = points[0], points[-1]
    pnl_eth = value(last) - value(first) - contributions_eth
    unrealised_eth = _unrealised(rows, points)
    pnl_usd = value(last) * usd_at[last] - value(first) * usd_at[first] - contributions_usd
    exact = {"checkpoints": len(points), "value_eth_start": value(first), "value_eth_end": value(last),
             "contributions_eth": contributions_eth, "pnl_eth": pnl_eth, "realised_pnl_eth": pnl_eth - unrealised_eth,
             "unrealised_pnl_eth": unrealised_eth, "pnl_usd": pnl_usd,
             "staking_rewards_steth_wei": rewards, "interest_wei": interest,
             "interest_earned_eth": interest_eth["supplied"], "interest_paid_eth": interest_eth["borrowed"],
             "liquidations": liquidations, "liquidation_loss_eth": losses_eth,
             "flash_loan_premiums_eth": premiums_eth, "liquidation_protocol_fees_eth": protocol_fees_eth}
    figures = [
        ("value at the opening (ETH, data's prices)", f"{value(first):,.4f}"),
        ("value at the end (ETH, data's prices)", f"{value(last):,.4f}"),
        ("contributions from outside the world (ETH)", f"{contributions_eth:,.4f}"),
        ("PnL (ETH): end - opening - contributions", f"{pnl_eth:,.4f}"),
        ("  unrealised: what is held or owed now, less its cost", f"{unrealised_eth:,.4f}"),
        ("  realised: the rest (closed, sold, seized, fees)", f"{pnl_eth - unrealised_eth:,.4f}"),
        ("PnL (USD, each checkpoint at its ETH/USD)", f"{pnl_usd:,.2f}"),
        ("accrued staking rewards (stETH, apart from transfers)", f"{rewards / 1e18:,.6f}"),
        ("interest earned on supplies (ETH)", f"{interest_eth['supplied']:,.6f}"),
        ("interest paid on debt (ETH)", f"{interest_eth['borrowed']:,.6f}"),
        ("liquidations of this account", f"{liquidations:,}"),
        ("liquidation losses (ETH: collateral lost - debt repaid)", f"{losses_eth:,.6f}"),
        ("fees: flash-loan premiums paid (ETH)", f"{premiums_eth:,.6f}"),
        ("fees: liquidation protocol fees taken (ETH)", f"{protocol_fees_eth:,.6f}"),
    ]
    return figures, exact


def _unrealised(rows: list[tuple], points: list[int]) -> float:
    """Mark-to-market of what is held at the last checkpoint less its average cost (ETH).

    Each holding's quantity is its raw number (ledger balance, stETH in shares; scaled supply
    or debt), which only flows change; a quantity that grows adds the added units at that
    checkpoint's price to the cost, one that shrinks takes out the average cost of the units
    removed. Accruals (rebases, interest, price moves) change the value, not the quantity.
    """
    series: dict[tuple, dict[int, tuple[int, float]]] = {}
    for step, _, kind, contract, token, _, _, _, value, _, raw in rows:
        if value is not None:
            sign = -1 if kind == "borrowed" else 1
            series.setdefault((kind, contract, token), {})[step] = (sign * int(raw), value)
    total = 0.0
    for held in series.values():
        quantity, cost, price = 0, 0.0, 0.0
        for point in points:
            raw, value = held.get(point, (0, 0.0))
            if raw:
                price = value / raw
            change = raw - quantity
            if quantity == 0 or (change > 0) == (quantity > 0):
                cost += change * price
            elif abs(change) > abs(quantity):  # crossed zero: the rest opens a new position
                cost = raw * price
            else:
                cost -= cost * abs(change) / abs(quantity)
            quantity = raw
        last = held.get(points[-1])
        if last is not None:
            total += last[1] - cost
    return total


def _detail(fields: str, emitter: str | None) -> str:
    data = json.loads(fields)
    parts = [f"{k}={v}" for k, v in data.items() if v != emitter and k not in ("token",)]
    text = " ".join(parts)
    return text if len(text) <= 160 else text[:157] + "..."


def _history(con: Any, name: str, limit: int) -> tuple[pd.DataFrame, int]:
    where = "(src = $1 OR dst = $1 OR contains(fields, $2))"
    total = con.execute(f"SELECT count(*) FROM events WHERE {where}", [name, json.dumps(name)]).fetchone()[0]
    rows = con.execute(f"""SELECT * FROM (SELECT step, time, tx, log_index, emitter, event, fields FROM events
        WHERE {where} ORDER BY step DESC, log_index DESC LIMIT {int(limit)}) ORDER BY step, log_index""",
                       [name, json.dumps(name)]).fetchall()
    frame = pd.DataFrame(
        [{"step": s, "time": pd.Timestamp(t, unit="s", tz="UTC"), "tx": tx, "event": e, "contract": emitter,
          "detail": _detail(f, emitter)} for s, t, tx, _, emitter, e, f in rows],
        columns=["step", "time", "tx", "event", "contract", "detail"])
    return frame, int(total)


__all__ = ["CASH_SYMBOLS", "HISTORY_ROWS", "AccountView", "account", "holdings_now"]
