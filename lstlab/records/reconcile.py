"""Reconciliation: the balances the event log implies equal the balances the state held.

For every checkpoint of a run (:mod:`lstlab.records.snapshot`) and every account:

- each token's ledger balance (stETH's in shares) equals the opening balance (the checkpoint
  before the first step) plus every ``Transfer`` into the account minus every one out of it,
  up to and including that step;
- each lending position's scaled supply and scaled debt equals the opening one plus every
  ``ScaledBalanceChanged`` of the account in that market and asset.

The zero address is left out (mints and burns name it without it holding anything). Given
the live ``world`` after the run, the last checkpoint is also compared with the state as it
is now. Sums are exact (DuckDB HUGEINT, signed 128-bit); a record whose amount does not fit
is reported as a difference to look at, not skipped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs

from chain import ZERO_ADDRESS
from lstlab.errors import DataError
from lstlab.records.views import open as open_records

_DELTAS = {
    "wallet": f"""SELECT token, account, NULL AS contract, 'wallet' AS kind, step, SUM(d) AS d FROM (
        SELECT token, dst AS account, step, amount AS d FROM transfers
        UNION ALL SELECT token, src AS account, step, -amount AS d FROM transfers)
        WHERE account <> '{ZERO_ADDRESS}' AND step >= 0 GROUP BY ALL""",
    "lending": """SELECT fields->>'asset' AS token, fields->>'user' AS account, emitter AS contract,
        fields->>'side' AS kind, step, SUM(TRY_CAST(fields->>'delta' AS HUGEINT)) AS d
        FROM events WHERE package = 'lending' AND event = 'ScaledBalanceChanged' AND step >= 0 GROUP BY ALL""",
}


@attrs.frozen
class Difference:
    """One balance that does not reconcile: at ``step``, ``account``'s ``kind`` balance of
    ``token`` (at ``contract`` for a lending position) from the records vs from the state."""

    step: int
    account: str
    kind: str
    contract: str | None
    token: str
    from_records: int | None
    from_state: int | None


@attrs.frozen
class Reconciliation:
    """What was compared and every difference found (none is expected)."""

    checkpoints: tuple[int, ...]
    balances_compared: int
    differences: tuple[Difference, ...]

    @property
    def ok(self) -> bool:
        return not self.differences

    def __str__(self) -> str:
        head = (f"{self.balances_compared:,} balances at {len(self.checkpoints)} checkpoints: "
                f"{len(self.differences)} differences")
        lines = [head] + [f"  step {d.step} {d.account} {d.kind} {d.token}"
                          + (f" at {d.contract}" if d.contract else "")
                          + f": records {d.from_records}, state {d.from_state}" for d in self.differences[:20]]
        if len(self.differences) > 20:
            lines.append(f"  ... and {len(self.differences) - 20} more")
        return "\n".join(lines)


def reconcile(run_dir: str | Path, world: Any = None, steps: list[int] | None = None) -> Reconciliation:
    """Compare, at every checkpoint of ``run_dir`` (or those of ``steps``), each balance the
    records imply with the one the state held, and the last checkpoint with ``world`` now
    when given. Raises DataError when the run kept no holdings (a run without snapshots)."""
    con = open_records(run_dir)
    tables = {row[0] for row in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    if not {"steps", "holdings"} <= tables:
        raise DataError(f"{run_dir} has no steps/holdings records: reconciliation needs a run recorded with "
                        "snapshots (Backtest(..., records=DIR))")
    opening = con.execute("SELECT min(step) FROM steps WHERE checkpoint").fetchone()[0]
    all_points = [r[0] for r in con.execute(
        "SELECT step FROM steps WHERE checkpoint AND step > ? ORDER BY step", [opening]).fetchall()]
    points = all_points if steps is None else sorted(set(steps))
    missing = sorted(set(points) - set(all_points))
    if missing:
        raise DataError(f"steps {missing[:5]} are not checkpoints of {run_dir}: pick among {len(all_points)} "
                        "checkpoints (steps with holdings)")
    con.execute("CREATE TEMP TABLE points AS SELECT unnest(?::BIGINT[]) AS step", [points])
    con.execute(f"""CREATE TEMP TABLE deltas AS {_DELTAS['wallet']} UNION ALL BY NAME {_DELTAS['lending']}""")
    con.execute("""CREATE TEMP TABLE actual AS SELECT step, account, kind,
        CASE WHEN kind = 'wallet' THEN NULL ELSE contract END AS contract, token,
        TRY_CAST(raw AS HUGEINT) AS raw FROM holdings WHERE kind <> 'queued'""")
    differences = con.execute(f"""
        WITH keys AS (SELECT DISTINCT token, account, contract, kind FROM deltas
                      UNION SELECT DISTINCT token, account, contract, kind FROM actual WHERE step >= {opening}),
        open AS (SELECT token, account, contract, kind, raw FROM actual WHERE step = {opening}),
        cum AS (SELECT token, account, contract, kind, step,
                SUM(d) OVER (PARTITION BY token, account, contract, kind ORDER BY step) AS total FROM deltas),
        grid AS (SELECT p.step, k.token, k.account, k.contract, k.kind FROM points p CROSS JOIN keys k),
        derived AS (SELECT g.step, g.token, g.account, g.contract, g.kind,
                    COALESCE(o.raw, 0) + COALESCE(c.total, 0) AS from_records
                    FROM grid g
                    ASOF LEFT JOIN cum c ON c.token = g.token AND c.account = g.account
                        AND c.contract IS NOT DISTINCT FROM g.contract AND c.kind = g.kind AND c.step <= g.step
                    LEFT JOIN open o ON o.token = g.token AND o.account = g.account
                        AND o.contract IS NOT DISTINCT FROM g.contract AND o.kind = g.kind)
        SELECT d.step, d.account, d.kind, d.contract, d.token, d.from_records, COALESCE(a.raw, 0) AS from_state
        FROM derived d LEFT JOIN actual a ON a.step = d.step AND a.token = d.token AND a.account = d.account
            AND a.contract IS NOT DISTINCT FROM d.contract AND a.kind = d.kind
        WHERE d.from_records IS DISTINCT FROM COALESCE(a.raw, 0)
        ORDER BY d.step, d.account, d.kind, d.token""").fetchall()
    compared = con.execute("SELECT count(*) FROM points").fetchone()[0] * con.execute(
        f"SELECT count(*) FROM (SELECT DISTINCT token, account, contract, kind FROM deltas UNION "
        f"SELECT DISTINCT token, account, contract, kind FROM actual WHERE step >= {opening})").fetchone()[0]
    found = [Difference(int(s), a, k, c, t, None if r is None else int(r), None if v is None else int(v))
             for s, a, k, c, t, r, v in differences]
    if world is not None and all_points:
        found.extend(_against_live(con, world, all_points[-1]))
        compared += con.execute("SELECT count(*) FROM actual WHERE step = ?", [all_points[-1]]).fetchone()[0]
    return Reconciliation(tuple(points), int(compared), tuple(found))


def _against_live(con: Any, world: Any, last: int) -> list[Difference]:
    """The last checkpoint's holdings against the state of ``world`` now."""
    from lstlab.records.snapshot import holding_rows
    from lstlab.records.valuation import Prices, Valuer

    now = {(r["account"], r["kind"], r["contract"] if r["kind"] != "wallet" else None, r["token"]): int(r["raw"])
           for r in holding_rows(world, Valuer(world), last, 0, Prices(1.0, 1.0)) if r["kind"] != "queued"}
    recorded = {(a, k, c, t): int(r) for a, k, c, t, r in con.execute(
        "SELECT account, kind, contract, token, raw FROM actual WHERE step = ?", [last]).fetchall()}
    return [Difference(last, key[0], key[1], key[2], key[3], recorded.get(key), now.get(key))
            for key in sorted(set(now) | set(recorded), key=repr) if recorded.get(key) != now.get(key)]


__all__ = ["Difference", "Reconciliation", "reconcile"]
