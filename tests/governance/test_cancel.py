"""Cancelling proposals (Governor Bravo's rule) and what a cancel undoes in the timelock."""

from __future__ import annotations

import pytest

from governance import (
    Action,
    BatchCanceled,
    ProposalCanceled,
    ProposalState,
    Support,
    UnexpectedProposalState,
)
from tests.governance.conftest import DAY, E18, make_world, mine

FEE = Action("knob", "fee", 1)


@pytest.fixture
def w():
    w = make_world(threshold=10 * E18)
    w.fund("alice", 60 * E18)
    w.fund("bob", 10 * E18)
    mine(w.state)
    return w


def test_proposer_cancels_a_pending_proposal(w):
    """The proposer may cancel; the state becomes canceled and voting is closed."""
    pid = w.gov.propose("bob", [FEE])
    w.gov.cancel(pid, "bob")
    assert w.state.events[-1] == ProposalCanceled("gov", pid)
    assert w.gov.state_of(pid) is ProposalState.CANCELED
    mine(w.state, 2)
    with pytest.raises(UnexpectedProposalState):
        w.gov.cast_vote("alice", pid, Support.FOR)


def test_anyone_cancels_once_the_proposer_falls_below_the_threshold(w):
    """bob drops to 10e18 - 1 at the previous block: alice may cancel his proposal."""
    pid = w.gov.propose("bob", [FEE])
    w.votes.transfer("bob", "alice", 1)
    mine(w.state)
    w.gov.cancel(pid, "alice")
    assert w.gov.state_of(pid) is ProposalState.CANCELED


def test_cancelling_a_queued_proposal_drops_its_batch(w):
    """A queued proposal's timelock batch is dropped; execution then fails."""
    pid = w.gov.propose("alice", [FEE])
    mine(w.state, 2)
    w.gov.cast_vote("alice", pid, Support.FOR)
    mine(w.state, 10)
    w.gov.queue(pid)
    assert w.gov.timelock.batch(pid) is not None
    w.gov.cancel(pid, "alice")
    assert w.state.events[-2:] == [BatchCanceled("timelock", pid), ProposalCanceled("gov", pid)]
    assert w.gov.timelock.batch(pid) is None
    w.state.advance(2 * DAY)
    before = w.state.digest()
    with pytest.raises(UnexpectedProposalState):
        w.gov.execute(pid)
    with pytest.raises(UnexpectedProposalState):
        w.gov.cancel(pid, "alice")
    assert w.state.digest() == before
    assert w.knob.get_param("fee") == 30
