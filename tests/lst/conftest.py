"""Worlds for the lst tests: one network, WETH as the native token, funded accounts."""

from __future__ import annotations

import pytest

import chain
from lst import Issuer, WithdrawalQueue, Wrapper

ETH = 10**18
ACCOUNTS = ("dao", "treasury", "alice", "bob", "carol", "oracle")


def make_world(bootstrap: int = ETH, operators: int = 0, **kwargs):
    """A state with WETH, funded accounts and an issuer at "lido" (ops named op0, op1...)."""
    state = chain.State()
    state.add_network("ethereum")
    weth = state.add_token("ethereum", "WETH")
    for name in ACCOUNTS:
        state.add_account(name)
        state.mint(weth, name, 10**9 * ETH)
    issuer = Issuer.deploy(
        state,
        "lido",
        "ethereum",
        native=weth,
        funder="dao",
        bootstrap=bootstrap,
        treasury="treasury",
        **kwargs,
    )
    for i in range(operators):
        state.add_account(f"op{i}")
        issuer.add_operator(f"op{i}", f"op{i}")
    return state, weth, issuer


@pytest.fixture
def world():
    """(state, weth, issuer) with a 1 ETH bootstrap and two operators."""
    return make_world(operators=2)


@pytest.fixture
def full():
    """(state, weth, issuer, wrapper, queue) with a one-hour finalization delay."""
    state, weth, issuer = make_world(operators=2)
    wrapper = Wrapper.deploy(state, "wsteth", "ethereum", issuer="lido")
    queue = WithdrawalQueue.deploy(state, "wq", "ethereum", issuer="lido", finalization_delay=3600)
    return state, weth, issuer, wrapper, queue


def unchanged(state, fn, error):
    """Call ``fn``, expect ``error``, and assert the state digest did not move."""
    before = state.digest()
    with pytest.raises(error):
        fn()
    assert state.digest() == before
