"""What the state holds at a recorded point: the ``steps`` and ``holdings`` rows.

Every step gets one ``steps`` row (the data's prices and Lido's totals, so a reward is a
difference of exact share rates). A checkpoint step also gets ``holdings`` rows read from the
state: every non-zero ledger balance of every token (contracts included), every scaled
supply and debt of every lending market, every unclaimed withdrawal request. Exact amounts
are decimal text, as in the event rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyarrow as pa

from chain.fixedpoint import ray_mul
from lending.reserve import normalized_debt, normalized_income
from lst.sharemath import pooled_by_shares
from lstlab.records.valuation import Prices, Valuer

STEPS_SCHEMA = pa.schema([
    ("step", pa.int64()), ("time", pa.int64()), ("eth_usd", pa.float64()), ("steth_eth", pa.float64()),
    ("total_pooled", pa.string()), ("total_shares", pa.string()), ("checkpoint", pa.bool_()),
])
"""One row a step: the data's prices, Lido's total pooled ether and total shares (wei, exact
text) at the end of the step, and whether holdings were written then."""

HOLDINGS_SCHEMA = pa.schema([
    ("step", pa.int64()), ("time", pa.int64()), ("account", pa.string()), ("kind", pa.string()),
    ("contract", pa.string()), ("token", pa.string()), ("decimals", pa.int64()), ("raw", pa.string()),
    ("units", pa.string()),
    ("shares", pa.string()), ("value_eth", pa.float64()),
])
"""One row per holding at a checkpoint. ``kind``: ``wallet`` (a ledger balance: ``raw`` is the
ledger's number, stETH's being shares), ``supplied`` / ``borrowed`` (a lending position at
``contract``: ``raw`` is the scaled balance), ``queued`` (withdrawal requests at ``contract``
not yet claimed: ``raw`` the shares locked). ``units`` is the amount in the token's units
(stETH wei, aToken wei, debt wei); ``shares`` the Lido shares behind it (staking exposure) or
null; ``decimals`` the token's; ``value_eth`` at the data's prices, negative for debt, null when not valued."""

KINDS = ("wallet", "supplied", "borrowed", "queued")


def step_row(world: Any, step: int, time: int, prices: Prices, checkpoint: bool) -> dict[str, Any]:
    """The ``steps`` row of the state as it is now."""
    issuer = world.issuer
    return {"step": step, "time": time, "eth_usd": prices.eth_usd, "steth_eth": prices.steth_eth,
            "total_pooled": str(issuer.total_pooled()), "total_shares": str(issuer.total_shares()),
            "checkpoint": checkpoint}


def holding_rows(world: Any, valuer: Valuer, step: int, time: int, prices: Prices) -> Iterator[dict[str, Any]]:
    """Every ``holdings`` row of the state as it is now, by column name, in a fixed order
    (tokens, markets, queue)."""
    names = HOLDINGS_SCHEMA.names
    for values in holding_values(world, valuer, step, time, prices):
        yield dict(zip(names, values))


def holding_values(world: Any, valuer: Valuer, step: int, time: int,
                   prices: Prices) -> Iterator[tuple[Any, ...]]:
    """:func:`holding_rows` as tuples in column order (the recorder's form)."""
    state = world.state
    per_unit = valuer.unit_prices(prices)
    pooled, total = world.issuer.total_pooled(), world.issuer.total_shares()

    def row(account: str, kind: str, contract: str | None, token: Any, raw: int, units: int,
            sign: int = 1) -> tuple[Any, ...]:
        shares = valuer.shares(token, raw if kind == "wallet" else units)
        price = per_unit.get(token)
        return (step, time, account, kind, contract, token.key, token.decimals, str(raw), str(units),
                None if shares is None else str(sign * shares), None if price is None else sign * units * price / 1e18)

    for token in state.tokens:
        steth = token == world.steth
        for account, raw in sorted(state.holders(token).items()):
            # stETH's ledger holds shares: Lido's floored getPooledEthByShares, the totals read once
            yield row(account, "wallet", None, token, raw, pooled_by_shares(raw, total, pooled) if steth else raw)
    now = state.now
    for address, market in world.markets().items():
        assets = market.reserves()
        indexes = [(normalized_income(market.reserve_state(a), now), normalized_debt(market.reserve_state(a), now))
                   for a in assets]
        for user in sorted(market.users()):
            pos = market.position(user)
            for i, asset in enumerate(assets):
                supplied, borrowed = pos.supplied_of(i), pos.borrowed_of(i)
                if supplied:
                    yield row(user, "supplied", address, asset, supplied, ray_mul(supplied, indexes[i][0]))
                if borrowed:
                    yield row(user, "borrowed", address, asset, borrowed, ray_mul(borrowed, indexes[i][1]), -1)
    queue = world.queue
    owed: dict[str, list[int]] = {}
    for request_id in range(1, queue.queue_state().last_id + 1):
        request = queue.request(request_id)
        if not request.claimed:
            value = request.amount if request.paid is None else request.paid
            entry = owed.setdefault(request.owner, [0, 0])
            entry[0] += request.shares
            entry[1] += value
    for owner, (shares, value) in sorted(owed.items()):
        eth = world.weth  # a request is a claim on ether: valued as WETH
        yield (step, time, owner, "queued", queue.address, eth.key, eth.decimals, str(shares), str(value), None,
               value / 1e18)


__all__ = ["HOLDINGS_SCHEMA", "KINDS", "STEPS_SCHEMA", "holding_rows", "holding_values", "step_row"]
