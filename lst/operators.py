"""Allocation of new validators across node operators, and concentration figures.

An allocation policy is any callable ``policy(operators, count) -> counts`` that returns,
for each operator in order, how many of ``count`` new validators it receives (the counts sum
to ``count``). Policies are configuration of an issuer, passed at deploy.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence

from lst.records import Operator

AllocationPolicy = Callable[[Sequence[Operator], int], list[int]]


def least_active_stake(operators: Sequence[Operator], count: int) -> list[int]:
    """Give each new validator to the operator with the fewest active validators, lowest id
    on ties (Lido ``MinFirstAllocationStrategy`` without key limits)."""
    counts = [0] * len(operators)
    heap = [(op.active, i) for i, op in enumerate(operators)]
    heapq.heapify(heap)
    for _ in range(count):
        active, i = heapq.heappop(heap)
        counts[i] += 1
        heapq.heappush(heap, (active + 1, i))
    return counts


def round_robin(operators: Sequence[Operator], count: int) -> list[int]:
    """Split ``count`` evenly by id order, ignoring existing stake (the first ones get the rest)."""
    n = len(operators)
    return [count // n + (1 if i < count % n else 0) for i in range(n)]


def single_operator(index: int = 0) -> AllocationPolicy:
    """A policy that sends every validator to the operator at position ``index``."""

    def policy(operators: Sequence[Operator], count: int) -> list[int]:
        counts = [0] * len(operators)
        counts[index] = count
        return counts

    return policy
