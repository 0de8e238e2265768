"""Typed events to flat rows: the columns of a run's event records.

A row holds where the event happened (step, time, network, transaction, position in the step's
log), who emitted it, what it is, and its fields as JSON. Amounts are Python ints of up to
uint256, past int64 and past DuckDB's HUGEINT: they are kept as decimal text (exact) and the
query views cast them.
"""

from __future__ import annotations

import functools
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


@functools.cache
def _names(kind: type) -> tuple[str, ...]:
    """An event class's field names, in order (read once per class)."""
    return tuple(f.name for f in attrs.fields(kind))


def _emitter_field(event: Any, names: tuple[str, ...]) -> str | None:
    for name in names:
        value = getattr(event, name)
        if name == "token" and isinstance(value, Token):
            return name
        if name in EMITTER_FIELDS and isinstance(value, str):
            return name
    return None


def emitter_of(event: Any) -> str | None:
    """The first field of ``event`` whose name names a contract (:data:`EMITTER_FIELDS`);
    for a Transfer or Approval, the token's key (the ERC-20 contract emits them); else None."""
    name = _emitter_field(event, _names(type(event)))
    if name is None:
        return None
    value = getattr(event, name)
    return value.key if isinstance(value, Token) else value


def network_of(event: Any, emitter: str | None, state: Any = None) -> str | None:
    """The emitter contract's network (when ``state`` knows it), else the network of the
    event's first Token field, else None."""
    if state is not None and emitter is not None and state.is_contract(emitter):
        return state.contract(emitter).network
    for name in _names(type(event)):
        value = getattr(event, name)
        if isinstance(value, Token):
            return value.network
    return None


def row_values(event: Any, step: int, time: int, log_index: int, tx: int | None = None,
               state: Any = None) -> tuple[Any, ...]:
    """The row of :data:`SCHEMA` for ``event`` as a tuple in column order (the recorder's
    form: cheaper than a dict); raises TypeError for a non-attrs event."""
    kind = type(event)
    if kind is Transfer:
        token = event.token
        key, src, dst, amount = token.key, event.src, event.dst, event.amount
        return (step, time, token.network, tx, log_index, key, "chain", "Transfer", key, src, dst, str(amount),
                f'{{"token":{json.dumps(key)},"src":{json.dumps(src)},"dst":{json.dumps(dst)},"amount":{amount}}}')
    if not attrs.has(kind):
        raise TypeError(f"an event record is an attrs class, got {kind.__name__}")
    emitter = emitter_of(event)
    fields = {name: _plain(getattr(event, name)) for name in _names(kind)}
    return (step, time, network_of(event, emitter, state), tx, log_index, emitter, kind.__module__.split(".")[0],
            kind.__name__, None, None, None, None, json.dumps(fields, separators=(",", ":")))


def to_row(event: Any, step: int, time: int, log_index: int, tx: int | None = None,
           state: Any = None) -> dict[str, Any]:
    """One row of :data:`SCHEMA` for ``event``, by column name; raises TypeError for a
    non-attrs event."""
    return dict(zip(SCHEMA.names, row_values(event, step, time, log_index, tx, state)))


__all__ = ["EMITTER_FIELDS", "SCHEMA", "emitter_of", "network_of", "row_values", "to_row"]
