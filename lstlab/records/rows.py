"""Typed events to flat rows: the columns of a run's event records.

A row holds where the event happened (step, time, network, transaction, position in the step's
log), who emitted it, what it is, and its fields as JSON. Amounts are Python ints of up to
uint256, past int64 and past DuckDB's HUGEINT: they are kept as decimal text (exact) and the
query views cast them.
"""

from __future__ import annotations

import json
from typing import Any

import attrs
import pyarrow as pa

from chain import Token, Transfer

EMITTER_FIELDS = frozenset({"contract", "feed", "pair", "factory", "pool", "market", "issuer", "queue", "votes",
                            "governor", "timelock", "manager", "strategy", "bridge", "avs"})
"""Field names that name the emitting contract; every package's events list that field first."""

SCHEMA = pa.schema([
    ("step", pa.int64()), ("time", pa.int64()), ("network", pa.string()), ("tx", pa.int64()),
    ("log_index", pa.int64()), ("emitter", pa.string()), ("package", pa.string()), ("event", pa.string()),
    ("token", pa.string()), ("src", pa.string()), ("dst", pa.string()), ("amount", pa.string()),
    ("fields", pa.string()),
])
"""Columns of the Parquet part files. ``tx`` is null when the log was drained per step, not per
transaction; ``token``/``src``/``dst``/``amount`` are set for ``chain.Transfer`` only (``amount``
in base units as decimal text)."""


def _plain(value: Any) -> Any:
    """A field value as JSON: a Token as its key, tuples as lists, ints stay exact numbers."""
    if isinstance(value, Token):
        return value.key
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if attrs.has(type(value)):
        return {k: _plain(v) for k, v in attrs.asdict(value, recurse=False).items()}
    if isinstance(value, (bool, int, str, type(None))):
        return value
    if isinstance(value, float):
        return value
    return str(value)


def emitter_of(event: Any) -> str | None:
    """The first field of ``event`` whose name names a contract (:data:`EMITTER_FIELDS`);
    for a Transfer or Approval, the token's key (the ERC-20 contract emits them); else None."""
    for field in attrs.fields(type(event)):
        value = getattr(event, field.name)
        if field.name == "token" and isinstance(value, Token):
            return value.key
        if field.name in EMITTER_FIELDS and isinstance(value, str):
            return value
    return None


def network_of(event: Any, emitter: str | None, state: Any = None) -> str | None:
    """The emitter contract's network (when ``state`` knows it), else the network of the
    event's first Token field, else None."""
    if state is not None and emitter is not None and state.is_contract(emitter):
        return state.contract(emitter).network
    for field in attrs.fields(type(event)):
        value = getattr(event, field.name)
        if isinstance(value, Token):
            return value.network
    return None


def to_row(event: Any, step: int, time: int, log_index: int, tx: int | None = None,
           state: Any = None) -> dict[str, Any]:
    """One row of :data:`SCHEMA` for ``event``; raises TypeError for a non-attrs event."""
    if not attrs.has(type(event)):
        raise TypeError(f"an event record is an attrs class, got {type(event).__name__}")
    emitter = emitter_of(event)
    fields = {f.name: _plain(getattr(event, f.name)) for f in attrs.fields(type(event))}
    row = {"step": step, "time": time, "network": network_of(event, emitter, state), "tx": tx,
           "log_index": log_index, "emitter": emitter, "package": type(event).__module__.split(".")[0],
           "event": type(event).__name__, "token": None, "src": None, "dst": None, "amount": None,
           "fields": json.dumps(fields, separators=(",", ":"))}
    if isinstance(event, Transfer):
        row.update(token=event.token.key, src=event.src, dst=event.dst, amount=str(event.amount))
    return row


__all__ = ["EMITTER_FIELDS", "SCHEMA", "emitter_of", "network_of", "to_row"]
