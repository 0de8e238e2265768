"""Every bad call raises its typed error and leaves ``state.digest()`` unchanged."""

from __future__ import annotations

from collections.abc import Mapping

import attrs
import pytest

from chain import (
    DuplicateName,
    InvalidArgument,
    NotTheCaller,
    ParameterOutOfBounds,
    ParamSpec,
    Unauthorized,
    UnknownAccount,
    UnknownContract,
    UnknownParameter,
)
from governance import (
    Action,
    Governor,
    InsufficientProposerVotes,
    InvalidProposal,
    InvalidSetting,
    InvalidVoteType,
    NotGovernable,
    ProposalState,
    Support,
    Timelock,
    TimelockNotReady,
    UnexpectedProposalState,
    UnknownProposal,
    VotesToken,
)
from tests.governance.conftest import DAY, E18, Knob, assert_refused, make_world, mine

FEE = Action("knob", "fee", 1)


def _pass(w, *pids):
    mine(w.state, w.gov.settings().voting_delay + 1)
    for pid in pids:
        w.gov.cast_vote("alice", pid, Support.FOR)
    mine(w.state, w.gov.proposal(pids[0]).end + 1 - w.gov.clock())


@pytest.fixture(scope="module")
def scene():
    """Threshold 10e18. Proposals: 1 executed, 2 queued, 3 succeeded, 4 active, 5 pending."""
    w = make_world(threshold=10 * E18)
    w.fund("alice", 60 * E18)
    w.fund("bob", 10 * E18)
    w.fund("carol", 10 * E18 - 1)
    mine(w.state)
    w.gov.propose("alice", [FEE], "one")
    _pass(w, 1)
    w.gov.queue(1)
    w.state.advance(2 * DAY)
    w.gov.execute(1)
    w.gov.propose("alice", [FEE], "two")
    w.gov.propose("alice", [FEE], "three")
    _pass(w, 2, 3)
    w.gov.queue(2)
    w.gov.propose("alice", [FEE], "four")
    mine(w.state, 2)
    w.gov.propose("alice", [FEE], "five")
    expected = [ProposalState.EXECUTED, ProposalState.QUEUED, ProposalState.SUCCEEDED, ProposalState.ACTIVE,
                ProposalState.PENDING]
    assert [w.gov.state_of(i) for i in range(1, 6)] == expected
    return w


BAD = [
    # propose
    ("below threshold by one wei", lambda g: g.propose("carol", [FEE]), InsufficientProposerVotes),
    ("no power at all", lambda g: g.propose("dave", [FEE]), InsufficientProposerVotes),
    ("unknown proposer", lambda g: g.propose("ghost", [FEE]), UnknownAccount),
    ("no actions", lambda g: g.propose("alice", []), InvalidProposal),
    ("eleven actions", lambda g: g.propose("alice", [FEE] * 11), InvalidProposal),
    ("actions not a list", lambda g: g.propose("alice", FEE), InvalidProposal),
    ("not an Action", lambda g: g.propose("alice", [("knob", "fee", 1)]), InvalidProposal),
    ("target not a str", lambda g: g.propose("alice", [Action(7, "fee", 1)]), InvalidProposal),
    ("unknown target", lambda g: g.propose("alice", [Action("nowhere", "fee", 1)]), UnknownContract),
    ("target not governable", lambda g: g.propose("alice", [Action("plain", "fee", 1)]), NotGovernable),
    ("account as target", lambda g: g.propose("alice", [Action("bob", "fee", 1)]), UnknownContract),
    ("undeclared parameter", lambda g: g.propose("alice", [Action("knob", "ltv", 1)]), UnknownParameter),
    ("above the bound", lambda g: g.propose("alice", [Action("knob", "fee", 10_001)]), ParameterOutOfBounds),
    ("below the bound", lambda g: g.propose("alice", [Action("knob", "cap", 0)]), ParameterOutOfBounds),
    ("float value", lambda g: g.propose("alice", [Action("knob", "fee", 5.0)]), ParameterOutOfBounds),
    ("bad action after a good one", lambda g: g.propose("alice", [FEE, Action("knob", "x", 1)]),
     UnknownParameter),
    ("quorum over the maximum", lambda g: g.propose("alice", [Action("gov", "quorum_numerator", 101)]),
     ParameterOutOfBounds),
    ("description not a str", lambda g: g.propose("alice", [FEE], 5), InvalidArgument),
    # vote
    ("vote while pending", lambda g: g.cast_vote("bob", 5, Support.FOR), UnexpectedProposalState),
    ("vote after the deadline", lambda g: g.cast_vote("bob", 3, Support.FOR), UnexpectedProposalState),
    ("vote on executed", lambda g: g.cast_vote("bob", 1, Support.FOR), UnexpectedProposalState),
    ("vote on unknown proposal", lambda g: g.cast_vote("bob", 99, Support.FOR), UnknownProposal),
    ("vote with id as str", lambda g: g.cast_vote("bob", "4", Support.FOR), UnknownProposal),
    ("support 3", lambda g: g.cast_vote("bob", 4, 3), InvalidVoteType),
    ("support True", lambda g: g.cast_vote("bob", 4, True), InvalidVoteType),
    ("unknown voter", lambda g: g.cast_vote("ghost", 4, Support.FOR), UnknownAccount),
    # queue / execute
    ("queue active", lambda g: g.queue(4), UnexpectedProposalState),
    ("queue twice", lambda g: g.queue(2), UnexpectedProposalState),
    ("execute not queued", lambda g: g.execute(3), UnexpectedProposalState),
    ("execute before the timelock", lambda g: g.execute(2), TimelockNotReady),
    ("execute twice", lambda g: g.execute(1), UnexpectedProposalState),
    ("execute unknown", lambda g: g.execute(0), UnknownProposal),
    # cancel
    ("cancel by another while the proposer holds the threshold", lambda g: g.cancel(4, "bob"), Unauthorized),
    ("cancel executed", lambda g: g.cancel(1, "alice"), UnexpectedProposalState),
    ("cancel by unknown caller", lambda g: g.cancel(4, "ghost"), UnknownAccount),
    # the timelock and the governor's own parameters, outside governance
    ("timelock queue by a stranger", lambda g: g.timelock.queue("alice", 9, (FEE,)), Unauthorized),
    ("timelock execute by a stranger", lambda g: g.timelock.execute("alice", 2), Unauthorized),
    ("timelock cancel by a stranger", lambda g: g.timelock.cancel("alice", 2), Unauthorized),
    ("timelock execute in the governor's name", lambda g: g.timelock.execute("gov", 4), NotTheCaller),
    ("timelock queue in the governor's name", lambda g: g.timelock.queue("gov", 9, (FEE,)), NotTheCaller),
    ("target set directly by a stranger", lambda g: g.state.contract("knob").set_param("fee", 1, "alice"),
     Unauthorized),
    ("governor setting set directly", lambda g: g.set_param("proposal_threshold", 0, "alice"), Unauthorized),
]


@pytest.mark.parametrize(("call", "error"), [pytest.param(c, e, id=n) for n, c, e in BAD])
def test_bad_call_raises_and_writes_nothing(scene, call, error):
    """The call raises its typed error; the digest is unchanged."""
    assert_refused(scene.state, error, call, scene.gov)


def test_threshold_boundary_and_previous_block():
    """Exactly the threshold at the previous block proposes; power gained this block does not count."""
    w = make_world(threshold=10 * E18)
    w.fund("bob", 10 * E18)
    w.fund("carol", 10 * E18 - 1)
    mine(w.state)
    assert w.gov.propose("bob", [FEE]) == 1
    w.fund("carol", 1)
    before = w.state.digest()
    with pytest.raises(InsufficientProposerVotes):
        w.gov.propose("carol", [FEE])
    assert w.state.digest() == before
    mine(w.state)
    assert w.gov.propose("carol", [FEE]) == 2


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"voting_period": 0}, InvalidSetting),
        ({"voting_delay": -1}, InvalidSetting),
        ({"quorum_numerator": 101}, InvalidSetting),
        ({"proposal_threshold": 1.5}, InvalidSetting),
        ({"timelock_delay": 2 * DAY - 1}, InvalidSetting),
        ({"timelock_delay": 30 * DAY + 1}, InvalidSetting),
        ({"max_operations": 0}, InvalidSetting),
        ({"votes": "knob"}, InvalidSetting),
        ({"votes": "nowhere"}, UnknownContract),
        ({"timelock": "knob"}, DuplicateName),
    ],
)
def test_bad_deploy_writes_nothing(kwargs, error):
    """A governor with an impossible setting is refused before anything is registered."""
    w = make_world()
    settings = {"votes": "vLST-wrapper", "timelock": "tl2", "voting_delay": 1, "voting_period": 10,
                "proposal_threshold": 0, "quorum_numerator": 4} | kwargs
    before = w.state.digest()
    with pytest.raises(error):
        Governor.deploy(w.state, "gov2", "ethereum", **settings)
    assert w.state.digest() == before


def test_duplicate_votes_symbol_undoes_the_deploy():
    """A votes symbol already taken is refused after nothing is registered."""
    w = make_world()
    assert_refused(w.state, DuplicateName, VotesToken.deploy, w.state, "w2", "ethereum", underlying=w.lst,
                   symbol="LST")


def test_bad_timelock_deploy_writes_nothing():
    """A timelock whose admin is unknown is refused."""
    w = make_world()
    before = w.state.digest()
    with pytest.raises(UnknownAccount):
        Timelock.deploy(w.state, "tl2", "ethereum", admin="ghost", delay=2 * DAY)
    assert w.state.digest() == before


@attrs.frozen
class Ceiling:
    fee: int


class TightKnob(Knob):
    """A Knob whose fee bound is stored state, so it can tighten between propose and execute."""

    def param_specs(self) -> Mapping[str, ParamSpec]:
        specs = dict(super().param_specs())
        specs["fee"] = ParamSpec("fee", 0, self._load("ceiling", Ceiling(10_000)).fee, "bps")
        return specs


def _queued_and_due(w, actions):
    """alice (60e18) passes and queues ``actions``; the timelock delay then passes."""
    w.fund("alice", 60 * E18)
    mine(w.state)
    pid = w.gov.propose("alice", actions)
    _pass(w, pid)
    w.gov.queue(pid)
    w.state.advance(2 * DAY)
    return pid


class TestExecutionIsAtomic:
    def test_an_action_failing_midway_undoes_the_earlier_ones(self):
        """The second target answers to another admin: execute fails and the first change is undone."""
        w = make_world()
        Knob.deploy(w.state, "knob2", "ethereum").set_param_admin("alice")
        pid = _queued_and_due(w, [Action("knob", "fee", 99), Action("knob2", "fee", 99)])
        assert_refused(w.state, Unauthorized, w.gov.execute, pid)
        assert w.knob.get_param("fee") == 30
        assert w.gov.state_of(pid) is ProposalState.QUEUED

    def test_actions_are_validated_again_at_execution(self):
        """A bound that tightened after the proposal makes execution fail with nothing written."""
        w = make_world()
        tight = TightKnob.deploy(w.state, "tight", "ethereum")
        tight.set_param_admin("timelock")
        pid = _queued_and_due(w, [Action("knob", "fee", 99), Action("tight", "fee", 500)])
        tight._store("ceiling", Ceiling(400))
        assert_refused(w.state, ParameterOutOfBounds, w.gov.execute, pid)
        tight._store("ceiling", Ceiling(500))
        w.gov.execute(pid)
        assert (w.knob.get_param("fee"), tight.get_param("fee")) == (99, 500)
