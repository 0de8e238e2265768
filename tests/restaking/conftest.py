"""Worlds for the restaking tests: one network, an LST-like token, funded accounts and the
restaking core at "eigen" with one strategy."""

from __future__ import annotations

import pytest

import chain
from restaking import StrategyManager

ETH = 10**18
WAD = 10**18
ACCOUNTS = ("alice", "bob", "carol", "op1", "op2", "avs", "avs2")


def make_world(**kwargs):
    """(state, token, manager, strategy) with every account funded with 1e6 tokens."""
    state = chain.State()
    state.add_network("ethereum")
    token = state.add_token("ethereum", "stETH")
    for name in ACCOUNTS:
        state.add_account(name)
        state.mint(token, name, 10**6 * ETH)
    manager = StrategyManager.deploy(state, "eigen", "ethereum", **kwargs)
    strategy = manager.add_strategy(token, caller=kwargs.get("owner"))
    return state, token, manager, strategy


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def staked():
    """alice and bob delegated to op1 (30 and 10 tokens), op1 allocating half of its stake to
    avs's service 0 (5%/yr, "double-signing")."""
    state, token, manager, strategy = make_world()
    manager.delegation.register_operator("op1")
    manager.deposit("alice", strategy, 30 * ETH)
    manager.deposit("bob", strategy, 10 * ETH)
    manager.delegation.delegate("alice", "op1")
    manager.delegation.delegate("bob", "op1")
    service = manager.allocation.create_service("avs", 500, "double-signing")
    manager.allocation.allocate("op1", service, strategy, WAD // 2)
    return state, token, manager, strategy, service


def unchanged(state, fn, error):
    """Call ``fn``, expect ``error``, and assert the state digest did not move."""
    before = state.digest()
    with pytest.raises(error):
        fn()
    assert state.digest() == before
