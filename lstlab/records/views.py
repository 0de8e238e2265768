"""DuckDB over a run's event records: ``open(run_dir)`` and its views.

Amounts are stored as decimal text (uint256 does not fit any DuckDB integer). The views cast
them to HUGEINT (signed 128-bit, to about 1.7e38: 1.7e20 ETH in wei, more than any run holds),
which has more room than DECIMAL(38,0) (to 1e38); a value past HUGEINT (such as an "infinite"
approval of 2**256-1) becomes NULL there and stays exact in the ``*_text`` or ``fields`` column.
"""

from __future__ import annotations

from pathlib import Path

from lstlab.errors import DataError
from lstlab.records.store import EVENTS_DIR, HOLDINGS_DIR, STEPS_DIR

WHERE = "step, time, network, tx, log_index, emitter"


def _num(name: str, alias: str | None = None) -> str:
    return f"TRY_CAST(fields->>'{name}' AS HUGEINT) AS {alias or name}"


def _text(name: str, alias: str | None = None) -> str:
    return f"fields->>'{name}' AS {alias or name}"


VIEWS: dict[str, str] = {
    "transfers": f"""SELECT {WHERE}, token, src, dst, TRY_CAST(amount AS HUGEINT) AS amount,
        amount AS amount_text FROM events WHERE package = 'chain' AND event = 'Transfer'""",
    "liquidations": f"""SELECT {WHERE}, {_text('market')}, {_text('user')}, {_text('liquidator')},
        {_text('collateral')}, {_text('debt')}, {_num('debt_covered')}, {_num('collateral_seized')},
        {_num('protocol_fee')}, CAST(fields->>'receive_a_token' AS BOOLEAN) AS receive_a_token
        FROM events WHERE package = 'lending' AND event = 'LiquidationCall'""",
    "swaps": f"""SELECT {WHERE}, event, emitter AS venue, COALESCE(fields->>'sender', fields->>'to') AS trader,
        {_text('to', 'recipient')},
        {_num('amount0_in')}, {_num('amount1_in')}, {_num('amount0_out')}, {_num('amount1_out')},
        NULL::BIGINT AS i, NULL::HUGEINT AS sold, NULL::BIGINT AS j, NULL::HUGEINT AS bought
        FROM events WHERE package = 'amm' AND event = 'Swap'
        UNION ALL BY NAME
        SELECT {WHERE}, event, emitter AS venue, fields->>'buyer' AS trader, fields->>'buyer' AS recipient,
        CAST(fields->>'i' AS BIGINT) AS i, {_num('sold')}, CAST(fields->>'j' AS BIGINT) AS j, {_num('bought')}
        FROM events WHERE package = 'amm' AND event = 'TokenExchange'""",
    "reports": f"""SELECT {WHERE}, {_text('issuer')}, CAST(fields->>'report_time' AS BIGINT) AS report_time,
        CAST(fields->>'time_elapsed' AS BIGINT) AS time_elapsed, {_num('pre_total_pooled')},
        {_num('pre_total_shares')}, {_num('post_total_pooled')}, {_num('post_total_shares')}, {_num('rewards')},
        {_num('shares_minted_as_fees')}, {_num('treasury_shares')}
        FROM events WHERE package = 'lst' AND event = 'TokenRebased'""",
}
"""Views besides ``events``: Transfers (chain), Aave liquidations, swaps (Uniswap V2 pairs: the
four amounts; StableSwap exchanges: coin ``i`` sold, coin ``j`` bought), Lido oracle reports."""


def open(run_dir: str | Path):
    """An in-memory DuckDB connection with the views ``events`` (every row of
    :data:`lstlab.records.rows.SCHEMA`), :data:`VIEWS`, and, when the run wrote them, ``steps``
    and ``holdings`` (:mod:`lstlab.records.snapshot`) over ``run_dir``'s records; raises
    DataError when ``run_dir`` holds none."""
    import duckdb

    parts = Path(run_dir) / EVENTS_DIR
    if not any(parts.glob("part-*.parquet")):
        raise DataError(f"{run_dir} holds no event records ({parts}/part-*.parquet): run with records on "
                        "(Backtest(..., records=DIR)) or give the run's directory")
    con = duckdb.connect()
    pattern = str(parts / "part-*.parquet").replace("'", "''")
    con.execute(f"CREATE VIEW events AS SELECT * FROM read_parquet('{pattern}')")
    for name in (STEPS_DIR, HOLDINGS_DIR):
        folder = Path(run_dir) / name
        if any(folder.glob("part-*.parquet")):
            glob = str(folder / "part-*.parquet").replace("'", "''")
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{glob}')")
    for name, sql in VIEWS.items():
        con.execute(f"CREATE VIEW {name} AS {sql}")
    return con


__all__ = ["VIEWS", "open"]
