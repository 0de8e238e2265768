"""Transaction numbers of the event log (State.tx_count, State.drain_log): which outermost
transaction emitted each event."""

from __future__ import annotations

import pytest

from chain import InsufficientBalance, State, Transfer
from tests.chain.test_calls import E18, Probe


@pytest.fixture
def world():
    state = State()
    state.add_network("ethereum")
    weth = state.add_token("ethereum", "WETH")
    for name in ("alice", "bob"):
        state.add_account(name)
    a = state.register_contract(Probe(state, "a", "ethereum"))
    state.register_contract(Probe(state, "b", "ethereum"))
    state.drain_events()
    return state, weth, a


def test_each_outermost_block_is_one_transaction(world):
    """Two faucet mints (each its own), a tx with two transfers, an atomic block, an external
    call from a script that calls another contract: numbers 1..5 in order."""
    state, weth, a = world
    start = state.tx_count
    state.mint(weth, "alice", 3 * E18)
    state.mint(weth, "a", E18)
    with state.tx("alice"):
        state.transfer(weth, "alice", "bob", 1)
        state.transfer(weth, "alice", "bob", 2)
    with state.atomic():
        state.mint(weth, "bob", 5)
    a.call("b", "pay", weth, "bob", 0)  # b holds nothing: a transfer of 0 still emits
    events, txs = state.drain_log()
    assert [e.amount for e in events] == [3 * E18, E18, 1, 2, 5, 0]
    assert [t - start for t in txs] == [1, 2, 3, 3, 4, 5]
    assert state.tx_count == start + 5


def test_a_reverted_transaction_keeps_its_number_and_loses_its_events(world):
    state, weth, _ = world
    state.mint(weth, "alice", 10)
    with pytest.raises(InsufficientBalance), state.tx("alice"):
        state.transfer(weth, "alice", "bob", 4)
        state.transfer(weth, "alice", "bob", 7)  # 6 left: reverts both
    with state.tx("alice"):
        state.transfer(weth, "alice", "bob", 6)
    events, txs = state.drain_log()
    assert events == [Transfer(weth, "0x0000000000000000000000000000000000000000", "alice", 10),
                      Transfer(weth, "alice", "bob", 6)]
    assert txs[1] - txs[0] == 2  # the reverted one in between took a number


def test_drain_resets_the_marks_and_fork_keeps_the_count(world):
    state, weth, _ = world
    state.mint(weth, "alice", 1)
    state.drain_log()
    assert state.drain_log() == ([], [])
    state.mint(weth, "alice", 1)
    fork = state.fork()
    fork.mint(weth, "bob", 1)
    assert fork.tx_count == state.tx_count + 1
    assert fork.drain_log()[1] == [state.tx_count, state.tx_count + 1]
    assert state.drain_log()[1] == [state.tx_count]
