"""Power concentration and turnout reports, checked against hand-computed integers."""

from __future__ import annotations

import pytest

from governance import Action, FutureLookup, Support, concentration, turnout
from tests.governance.conftest import E18, mine

WAD = 10**18


@pytest.fixture
def w(world):
    """Powers 50, 30, 15, 5 (e18) and 100e18 held undelegated: supply 200e18."""
    for name, amount in (("alice", 50), ("bob", 30), ("carol", 15), ("dave", 5)):
        world.fund(name, amount * E18)
    world.fund("erin", 100 * E18, delegate_to=None)
    mine(world.state)
    return world


def test_concentration_now(w):
    """top-2 share 80%, Nakamoto 2 (50 is not more than half of 100), Herfindahl 0.365."""
    c = concentration(w.votes, top_n=2)
    assert (c.supply, c.total_power, c.delegates, c.top_power) == (200 * E18, 100 * E18, 4, 80 * E18)
    assert c.top_share == 8 * WAD // 10
    assert c.nakamoto == 2
    # (50^2 + 30^2 + 15^2 + 5^2) / 100^2 = 3650 / 10000
    assert c.herfindahl == 365 * WAD // 1000
    assert c.delegated_share == WAD // 2


def test_concentration_at_a_past_block(w):
    """After alice delegates to bob, the past block still shows the old spread."""
    block = w.votes.clock() - 1
    w.votes.delegate("alice", "bob")
    mine(w.state)
    assert concentration(w.votes, block=block).nakamoto == 2
    now = concentration(w.votes, top_n=1)
    assert (now.nakamoto, now.top_power, now.delegates) == (1, 80 * E18, 3)
    with pytest.raises(FutureLookup):
        concentration(w.votes, block=w.votes.clock())


def test_concentration_of_nothing(world):
    """No power: every figure is 0."""
    c = concentration(world.votes)
    assert (c.total_power, c.nakamoto, c.herfindahl, c.top_share, c.delegated_share) == (0, 0, 0, 0, 0)


def test_turnout(w):
    """alice For and dave Against: 55e18 of 200e18 cast, 27.5%, quorum 4% of 200e18."""
    pid = w.gov.propose("alice", [Action("knob", "fee", 1)])
    mine(w.state, 2)
    w.gov.cast_vote("alice", pid, Support.FOR)
    w.gov.cast_vote("dave", pid, Support.AGAINST)
    t = turnout(w.gov, pid)
    assert (t.for_votes, t.against_votes, t.abstain_votes) == (50 * E18, 5 * E18, 0)
    assert (t.cast, t.voters, t.supply, t.quorum) == (55 * E18, 2, 200 * E18, 8 * E18)
    assert t.turnout == 275 * WAD // 1000
