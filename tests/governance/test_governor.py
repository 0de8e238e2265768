"""The governor: lifecycle, counting and quorum, states, the flash-loan defence, bad input."""

from __future__ import annotations

import pytest

from chain import ParameterSet, Unauthorized
from governance import (
    GRACE_PERIOD,
    Action,
    AlreadyVoted,
    ProposalCreated,
    ProposalExecuted,
    ProposalQueued,
    ProposalState,
    Support,
    UnexpectedProposalState,
    VoteCast,
)
from tests.governance.conftest import (
    DAY,
    E18,
    assert_refused,
    close_vote,
    make_world,
    mine,
    open_vote,
    pass_and_queue,
    pass_vote,
)

S = ProposalState


class TestLifecycle:
    def test_propose_vote_queue_execute_changes_behaviour(self, funded):
        """A proposal passes through every state and its actions change the target's behaviour."""
        w = funded
        actions = [Action("knob", "fee", 50), Action("knob", "cap", 5 * E18)]
        assert w.knob.charge(10_000) == 30
        block = w.gov.clock()
        pid = w.gov.propose("alice", actions, "raise the fee")
        assert pid == 1
        assert w.state.events[-1] == ProposalCreated("gov", 1, "alice", tuple(actions), block + 1, block + 11,
                                                     "raise the fee")
        assert w.gov.state_of(pid) is S.PENDING
        mine(w.state)
        assert w.gov.state_of(pid) is S.PENDING
        mine(w.state)
        assert w.gov.state_of(pid) is S.ACTIVE
        assert w.gov.cast_vote("alice", pid, Support.FOR) == 60 * E18
        assert w.gov.cast_vote("bob", pid, Support.AGAINST) == 30 * E18
        assert w.gov.cast_vote("carol", pid, Support.ABSTAIN, "no view") == 10 * E18
        assert w.state.events[-1] == VoteCast("gov", "carol", pid, Support.ABSTAIN, 10 * E18, "no view")
        p = w.gov.proposal(pid)
        assert (p.for_votes, p.against_votes, p.abstain_votes, p.voters) == (60 * E18, 30 * E18, 10 * E18, 3)
        mine(w.state, 9)
        assert w.gov.clock() == p.end
        assert w.gov.state_of(pid) is S.ACTIVE
        mine(w.state)
        assert w.gov.state_of(pid) is S.SUCCEEDED
        eta = w.gov.queue(pid)
        assert eta == w.state.now + 2 * DAY
        assert w.state.events[-1] == ProposalQueued("gov", pid, eta)
        assert w.gov.state_of(pid) is S.QUEUED
        w.state.advance(2 * DAY)
        w.state.drain_events()
        w.gov.execute(pid)
        assert w.gov.state_of(pid) is S.EXECUTED
        assert w.knob.get_param("fee") == 50
        assert w.knob.get_param("cap") == 5 * E18
        assert w.knob.charge(10_000) == 50
        assert [e for e in w.state.events if isinstance(e, (ParameterSet, ProposalExecuted))] == [
            ParameterSet("knob", "fee", 30, 50),
            ParameterSet("knob", "cap", 1_000 * E18, 5 * E18),
            ProposalExecuted("gov", pid),
        ]

    def test_governance_changes_its_own_settings(self, funded):
        """The governor's voting period answers to the timelock, so a proposal changes it."""
        w = funded
        pid = pass_and_queue(w, [Action("gov", "voting_period", 20)])
        w.state.advance(2 * DAY)
        w.gov.execute(pid)
        assert w.gov.settings().voting_period == 20
        with pytest.raises(Unauthorized):
            w.gov.set_param("voting_period", 30, "alice")

    def test_timelock_delay_is_governed_by_the_timelock(self, funded):
        """The timelock's delay changes only through a proposal (Compound setDelay)."""
        w = funded
        pid = pass_and_queue(w, [Action("timelock", "delay", 3 * DAY)])
        w.state.advance(2 * DAY)
        w.gov.execute(pid)
        assert w.gov.timelock.delay() == 3 * DAY
        assert w.gov.queue(pass_vote(w, [Action("knob", "fee", 1)])) == w.state.now + 3 * DAY


class TestQuorum:
    """OpenZeppelin's published example (test/governance/extensions/GovernorVotesQuorumFraction.test.js,
    OpenZeppelin/openzeppelin-contracts @ fddac901ccdbdb06be90536822936ea765dd9218): supply 100e18,
    quorum 8%, delay 4, period 16; voters hold 10, 7, 5 and 2 e18, the owner 76 undelegated."""

    @pytest.fixture
    def oz(self):
        w = make_world(numerator=8, delay=4, period=16)
        w.fund("erin", 76 * E18, delegate_to=None)
        for voter, amount in (("alice", 10), ("bob", 7), ("carol", 5), ("dave", 2)):
            w.fund(voter, amount * E18)
        mine(w.state)
        return w

    def test_quorum_is_eight_percent_of_past_supply(self, oz):
        """quorum(clock - 1) == 100e18 * 8 // 100 == 8e18."""
        assert oz.gov.quorum(oz.gov.clock() - 1) == 8 * E18

    def test_quorum_reached(self, oz):
        """10e18 For reaches the 8e18 quorum: Succeeded."""
        pid = open_vote(oz, [Action("knob", "fee", 1)])
        oz.gov.cast_vote("alice", pid, Support.FOR)
        close_vote(oz, pid)
        assert oz.gov.state_of(pid) is S.SUCCEEDED

    def test_quorum_not_reached(self, oz):
        """7e18 For misses the 8e18 quorum: Defeated, and it cannot be queued."""
        pid = open_vote(oz, [Action("knob", "fee", 1)])
        oz.gov.cast_vote("bob", pid, Support.FOR)
        close_vote(oz, pid)
        assert oz.gov.state_of(pid) is S.DEFEATED
        assert_refused(oz.state, UnexpectedProposalState, oz.gov.queue, pid)

    def test_update_quorum_numerator_through_governance(self, oz):
        """8 -> 6 through a proposal; the new quorum applies from the next block on."""
        pid = open_vote(oz, [Action("gov", "quorum_numerator", 6)])
        oz.gov.cast_vote("alice", pid, Support.FOR)
        close_vote(oz, pid)
        oz.gov.queue(pid)
        oz.state.advance(2 * DAY)
        oz.gov.execute(pid)
        assert oz.gov.quorum_numerator() == 6
        assert oz.gov.quorum(oz.gov.clock() - 1) == 8 * E18
        mine(oz.state)
        assert oz.gov.quorum(oz.gov.clock() - 1) == 6 * E18

    def test_abstain_counts_toward_quorum_in_oz_mode(self, oz):
        """For 7 + Abstain 5 >= 8 reaches the quorum; For 7 > Against 2 succeeds."""
        pid = open_vote(oz, [Action("knob", "fee", 1)])
        oz.gov.cast_vote("bob", pid, Support.FOR)
        oz.gov.cast_vote("carol", pid, Support.ABSTAIN)
        oz.gov.cast_vote("dave", pid, Support.AGAINST)
        close_vote(oz, pid)
        assert oz.gov.state_of(pid) is S.SUCCEEDED


class TestBravoStates:
    """Governor Bravo's rules (GovernorBravoDelegate.sol, compound-finance/compound-protocol @
    a3214f67b73310d547e00fc578e8355911c9d376): Abstain outside the quorum, ties defeated,
    expiry at eta + GRACE_PERIOD."""

    @pytest.fixture
    def bravo(self):
        w = make_world(numerator=4, abstain_in_quorum=False)
        w.fund("alice", 3 * E18)
        w.fund("bob", 87 * E18)
        w.fund("carol", 10 * E18)
        mine(w.state)
        return w

    def test_abstain_does_not_count_toward_quorum(self, bravo):
        """For 3 + Abstain 87 with quorum 4: Defeated under Bravo's rule."""
        pid = open_vote(bravo, [Action("knob", "fee", 1)])
        bravo.gov.cast_vote("alice", pid, Support.FOR)
        bravo.gov.cast_vote("bob", pid, Support.ABSTAIN)
        close_vote(bravo, pid)
        assert bravo.gov.quorum(bravo.gov.proposal(pid).start) == 4 * E18
        assert bravo.gov.state_of(pid) is S.DEFEATED

    def test_tie_is_defeated(self, funded):
        """for <= against defeats: 30e18 For against 30e18 Against, quorum reached."""
        w = funded
        w.votes.transfer("alice", "carol", 20 * E18)
        mine(w.state)
        pid = open_vote(w, [Action("knob", "fee", 1)])
        w.gov.cast_vote("bob", pid, Support.FOR)
        w.gov.cast_vote("carol", pid, Support.AGAINST)
        close_vote(w, pid)
        assert w.gov.proposal(pid).for_votes == w.gov.proposal(pid).against_votes == 30 * E18
        assert w.gov.state_of(pid) is S.DEFEATED

    def test_expiry_boundary(self, bravo):
        """Queued until one second before eta + GRACE_PERIOD, Expired from it; execution then fails."""
        w = bravo
        w.votes.delegate("bob", "alice")
        mine(w.state)
        pid = pass_and_queue(w, [Action("knob", "fee", 1)])
        eta = w.gov.proposal(pid).eta
        w.state.advance(eta + GRACE_PERIOD - 1 - w.state.now)
        assert w.gov.state_of(pid) is S.QUEUED
        w.state.advance(1)
        assert w.gov.state_of(pid) is S.EXPIRED
        assert_refused(w.state, UnexpectedProposalState, w.gov.execute, pid)

    def test_execute_on_the_last_queued_second(self, bravo):
        """One second before expiry, execution still applies the actions."""
        w = bravo
        w.votes.delegate("bob", "alice")
        mine(w.state)
        pid = pass_and_queue(w, [Action("knob", "fee", 77)])
        w.state.advance(w.gov.proposal(pid).eta + GRACE_PERIOD - 1 - w.state.now)
        w.gov.execute(pid)
        assert w.knob.get_param("fee") == 77


class TestVotingPower:
    def test_transfer_inside_the_voting_period_carries_no_power(self, funded):
        """Tokens received after the snapshot do not vote; the sender keeps its snapshot power."""
        w = funded
        w.votes.delegate("dave", "dave")
        pid = open_vote(w, [Action("knob", "fee", 1)])
        w.votes.transfer("alice", "dave", 60 * E18)
        assert w.votes.get_votes("dave") == 60 * E18
        assert w.gov.cast_vote("dave", pid, Support.AGAINST) == 0
        assert w.gov.cast_vote("alice", pid, Support.FOR) == 60 * E18

    def test_flash_loan_inside_one_transaction_carries_no_power(self, funded):
        """Borrow 90e18 votes (erin's allowance), delegate, vote and repay within one state.tx:
        the vote weighs 0."""
        w = funded
        w.fund("erin", 90 * E18)
        mine(w.state)
        pid = open_vote(w, [Action("knob", "fee", 1)])
        w.votes.approve("erin", "dave", 90 * E18)
        with w.state.tx("dave"):
            w.votes.transfer_from("dave", "erin", "dave", 90 * E18)
            w.votes.delegate("dave", "dave")
            weight = w.gov.cast_vote("dave", pid, Support.FOR)
            w.votes.transfer("dave", "erin", 90 * E18)
        assert weight == 0
        assert w.gov.receipt(pid, "dave").weight == 0
        assert w.gov.proposal(pid).for_votes == 0
        assert w.votes.get_votes("dave") == 0

    def test_no_account_votes_twice(self, funded):
        """A second vote raises AlreadyVoted and writes nothing; moved tokens are not counted again."""
        w = funded
        pid = open_vote(w, [Action("knob", "fee", 1)])
        w.gov.cast_vote("alice", pid, Support.FOR)
        for support in (Support.FOR, Support.AGAINST):
            assert_refused(w.state, AlreadyVoted, w.gov.cast_vote, "alice", pid, support)
        w.votes.transfer("alice", "bob", 60 * E18)
        assert w.gov.cast_vote("bob", pid, Support.FOR) == 30 * E18
        p = w.gov.proposal(pid)
        assert p.for_votes == 90 * E18
        assert p.for_votes + p.against_votes + p.abstain_votes <= w.votes.get_past_total_supply(p.start)

    def test_balance_acquired_in_the_snapshot_block_counts(self):
        """With voting_delay 0 the snapshot is the proposal's block: why a delay of >= 1 matters."""
        w = make_world(delay=0)
        w.fund("alice", 10 * E18)
        mine(w.state)
        pid = w.gov.propose("alice", [Action("knob", "fee", 1)])
        w.fund("bob", 50 * E18)
        mine(w.state)
        assert w.gov.cast_vote("bob", pid, Support.FOR) == 50 * E18

    def test_delegated_power_votes_for_the_delegate(self, funded):
        """carol delegates to alice before the snapshot: alice votes with 70e18, carol with 0."""
        w = funded
        w.votes.delegate("carol", "alice")
        mine(w.state)
        pid = open_vote(w, [Action("knob", "fee", 1)])
        assert w.gov.cast_vote("alice", pid, Support.FOR) == 70 * E18
        assert w.gov.cast_vote("carol", pid, Support.FOR) == 0
