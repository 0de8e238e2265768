"""Restaking in the state graph (positions, delegations, allocations, the strategy's token)
and in forks (records journaled: a fork's slash leaves the parent whole)."""

from __future__ import annotations

import chain
from restaking import Deposit, StrategyAdded
from tests.restaking.conftest import ETH, WAD


def test_graph_edges(staked):
    """Stakers restake into the strategy, delegate to op1, which is allocated to the AVS."""
    state, token, manager, strategy, _service = staked
    wid = manager.delegation.queue_withdrawal("bob", strategy, 4 * ETH)
    graph = state.graph()
    edges = {(u, v, d["kind"]): d for u, v, d in graph.edges(data=True)}
    assert edges[("alice", strategy, "restaked")] == {"kind": "restaked", "shares": 30 * ETH, "assets": 30 * ETH}
    assert edges[("alice", "op1", "delegates-to")]["shares"] == 30 * ETH
    assert edges[("bob", strategy, "withdrawing")]["id"] == wid
    assert edges[("op1", "avs", "allocated-to")]["shares"] == 18 * ETH  # 36 active shares at half
    assert edges[(strategy, chain.token_node(token), "holds-underlying")]
    assert chain.token_node(token) in chain.exposure(state, "alice")


def test_events_and_fork(staked):
    """Deploy events are typed; a slash on a fork leaves the parent's books untouched."""
    state, token, manager, strategy, _service = staked
    assert StrategyAdded("eigen", strategy, token) in state.events
    assert Deposit(strategy, "alice", 30 * ETH, 30 * ETH) in state.events
    fork = state.fork()
    forked = manager.on(fork)
    assert forked.allocation.slash("avs", "op1", strategy, WAD) == 20 * ETH
    assert forked.shares_of("alice", strategy) == 15 * ETH
    assert manager.shares_of("alice", strategy) == 30 * ETH
    assert manager.allocation.max_magnitude("op1", strategy) == WAD
