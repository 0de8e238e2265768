"""Checkpointed histories (OpenZeppelin ``Checkpoints.Trace208``) kept as contract records.

A history is a tuple key such as ``("votes", account)``. Its checkpoints are stored one
record each, at ``history + (i,)``, with their count at ``("count",) + history``, so that a
push writes one record (as one storage slot on chain) and a lookup reads O(log n) records.
Blocks within one history never decrease; a second push in the same block replaces the
last checkpoint, so a history holds one value per block: the value at the block's end.
"""

from __future__ import annotations

from typing import Any

from chain import Contract
from chain.fixedpoint import sqrt as isqrt
from governance.records import Checkpoint, Count

_ZERO = Count(0)


def length(contract: Contract, history: tuple[Any, ...]) -> int:
    """How many checkpoints ``history`` holds."""
    count: Count = contract.state.load(contract.address, ("count",) + history, _ZERO)
    return count.n


def at(contract: Contract, history: tuple[Any, ...], index: int) -> Checkpoint:
    """The checkpoint at ``index`` (0 is the oldest)."""
    checkpoint: Checkpoint = contract.state.load(contract.address, history + (index,))
    return checkpoint


def latest(contract: Contract, history: tuple[Any, ...]) -> int:
    """The newest value of ``history`` (0 when empty)."""
    n = length(contract, history)
    return at(contract, history, n - 1).value if n else 0


def push(contract: Contract, history: tuple[Any, ...], block: int, value: int) -> int:
    """Record ``value`` from ``block`` on; returns the previous latest value.

    Blocks only move forward (the chain clock cannot go back), so a push is either into the
    last checkpoint's block (replaced) or a later one (appended).
    """
    state, address = contract.state, contract.address
    count_key = ("count",) + history
    count: Count = state.load(address, count_key, _ZERO)
    n = count.n
    if n:
        last: Checkpoint = state.load(address, history + (n - 1,))
        if last.block == block:
            state.store(address, history + (n - 1,), Checkpoint(block, value))
            return last.value
        old = last.value
    else:
        old = 0
    state.store(address, history + (n,), Checkpoint(block, value))
    state.store(address, count_key, Count(n + 1))
    return old


def upper_lookup_recent(contract: Contract, history: tuple[Any, ...], block: int) -> int:
    """The value at the end of ``block``: that of the last checkpoint at or before it (0 if none).

    OpenZeppelin's ``upperLookupRecent``: for more than five checkpoints it first probes
    ``n - isqrt(n)``, because recent blocks are the ones governance asks about, then binary
    searches the remaining range. O(log n) record reads.
    """
    records = contract.state.records(contract.address)
    n = records.get(("count",) + history, _ZERO).n
    low, high = 0, n
    if n > 5:
        mid = n - isqrt(n)
        if block < records[history + (mid,)].block:
            high = mid
        else:
            low = mid + 1
    while low < high:
        mid = (low + high) // 2
        if records[history + (mid,)].block > block:
            high = mid
        else:
            low = mid + 1
    return records[history + (high - 1,)].value if high else 0


def linear_lookup(contract: Contract, history: tuple[Any, ...], block: int) -> int:
    """The same answer as :func:`upper_lookup_recent` by scanning every checkpoint (O(n)).

    The obviously correct reference the tests and benchmarks compare the search against.
    """
    value = 0
    for i in range(length(contract, history)):
        checkpoint = at(contract, history, i)
        if checkpoint.block > block:
            break
        value = checkpoint.value
    return value
