"""Who may act in governance (chain.calls): the timelock obeys only its admin's code and executes
in its own frame; voters, proposers and token holders act only for themselves; the votes token
moves only through its wrapper, so delegated power never exceeds the supply."""

from __future__ import annotations

import functools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chain import NotTheCaller, Unauthorized
from governance import Action, ProposalState, Support, Timelock, UnknownBatch
from tests.governance.conftest import DAY, E18, assert_refused, make_world, mine, pass_and_queue
from tests.hostile import attempt


class TestTimelock:
    def test_no_batch_runs_without_a_proposal(self, funded):
        """Reproduction: timelock.queue("gov", ...) then execute set a parameter to 0 with no vote."""
        w = funded
        zero = (Action("knob", "fee", 0),)
        assert_refused(w.state, NotTheCaller, w.gov.timelock.queue, "gov", 77, zero)
        with pytest.raises(NotTheCaller), w.state.tx("bob"):
            w.gov.timelock.queue("gov", 77, zero)
        assert_refused(w.state, Unauthorized, w.gov.timelock.queue, None, 77, zero)
        w.state.advance(3 * DAY)
        assert_refused(w.state, NotTheCaller, w.gov.timelock.execute, "gov", 77)
        assert_refused(w.state, Unauthorized, w.gov.timelock.execute, None, 77)
        assert w.knob.get_param("fee") == 30

    def test_governor_drives_the_timelock_from_its_code(self, funded):
        """A voted proposal reaches the timelock through the governor and applies in its frame."""
        w = funded
        pid = pass_and_queue(w, [Action("knob", "fee", 0), Action("timelock", "delay", 3 * DAY)])
        w.state.advance(2 * DAY)
        w.gov.execute(pid)
        assert w.gov.state_of(pid) is ProposalState.EXECUTED
        assert (w.knob.get_param("fee"), w.gov.timelock.delay()) == (0, 3 * DAY)

    def test_target_sees_the_timelock_as_caller(self, funded):
        """Naming the timelock from outside its code is refused by a target's set_param."""
        w = funded
        assert_refused(w.state, NotTheCaller, w.knob.set_param, "fee", 0, "timelock")
        assert_refused(w.state, NotTheCaller, w.gov.set_param, "proposal_threshold", 0, "timelock")
        assert_refused(w.state, NotTheCaller, w.gov.timelock.set_param, "delay", 3 * DAY, "timelock")

    def test_an_account_admin_drives_its_timelock_in_its_own_tx(self, world):
        """A timelock whose admin is an EOA: the admin queues and executes; unknown batches are typed."""
        state = world.state
        lock = Timelock.deploy(state, "tl-eoa", "ethereum", admin="dave", delay=2 * DAY)
        assert_refused(state, UnknownBatch, lock.execute, "dave", 4)
        with state.tx("dave"):
            eta = lock.queue(None, 1, [Action("tl-eoa", "delay", 3 * DAY)])
        assert eta == state.now + 2 * DAY
        with pytest.raises(NotTheCaller), state.tx("erin"):
            lock.execute("dave", 1)
        state.advance(2 * DAY)
        lock.execute("dave", 1)
        assert lock.delay() == 3 * DAY
        assert_refused(state, UnknownBatch, lock.cancel, "dave", 1)


class TestActingParties:
    def test_voter_proposer_canceller_act_for_themselves(self, funded):
        """In bob's tx nobody votes, proposes or cancels for alice."""
        w = funded
        pid = w.gov.propose("alice", [Action("knob", "fee", 1)])
        mine(w.state, 2)
        for call in (lambda: w.gov.cast_vote("alice", pid, Support.AGAINST),
                     lambda: w.gov.propose("alice", [Action("knob", "fee", 2)]),
                     lambda: w.gov.cancel(pid, "alice")):
            before = w.state.digest()
            with pytest.raises(NotTheCaller), w.state.tx("bob"):
                call()
            assert w.state.digest() == before
        for call in (lambda: w.gov.cast_vote("gov", pid, Support.FOR),
                     lambda: w.gov.propose("timelock", [Action("knob", "fee", 2)]),
                     lambda: w.gov.cancel(pid, "timelock")):
            assert_refused(w.state, NotTheCaller, call)
        with w.state.tx("bob"):
            assert w.gov.cast_vote("bob", pid, Support.AGAINST) == 30 * E18

    def test_wrapper_actions_take_the_caller(self, funded):
        """deposit_for, withdraw_to, transfer, transfer_from, approve, delegate: only for the caller."""
        w = funded
        w.state.mint(w.lst, "bob", 5 * E18)
        calls = (lambda: w.votes.deposit_for("bob", "alice", E18),
                 lambda: w.votes.withdraw_to("bob", "alice", E18),
                 lambda: w.votes.transfer("bob", "alice", E18),
                 lambda: w.votes.transfer_from("bob", "bob", "alice", E18),
                 lambda: w.votes.approve("bob", "alice", E18),
                 lambda: w.votes.delegate("bob", "alice"))
        for call in calls:
            before = w.state.digest()
            with pytest.raises(NotTheCaller), w.state.tx("alice"):
                call()
            assert w.state.digest() == before
        assert_refused(w.state, NotTheCaller, w.votes.deposit_for, "vLST-wrapper", "alice", E18)
        assert_refused(w.state, NotTheCaller, w.votes.withdraw_to, "vLST-wrapper", "alice", 0)


class TestVotesToken:
    def test_plain_ledger_moves_of_the_votes_token_are_refused(self, funded):
        """Reproduction: state.transfer of vLST moved balance without power, so delegated power could
        exceed the supply. Transfer, approve, transfer_from, mint and burn outside the wrapper revert."""
        w = funded
        state, token = w.state, w.votes.token
        w.votes.approve("alice", "bob", E18)
        for call in (lambda: state.transfer(token, "alice", "carol", E18),
                     lambda: state.approve(token, "alice", "carol", E18),
                     lambda: state.transfer_from(token, "bob", "alice", "carol", E18),
                     lambda: state.mint(token, "carol", E18),
                     lambda: state.burn(token, "alice", E18)):
            assert_refused(state, NotTheCaller, call)
            before = state.digest()
            with pytest.raises(NotTheCaller), state.tx("alice"):
                call()
            assert state.digest() == before
        w.votes.delegate("carol", "carol")
        with state.tx("bob"):
            w.votes.transfer_from("bob", "alice", "carol", E18)
        assert (w.votes.get_votes("alice"), w.votes.get_votes("carol")) == (59 * E18, 11 * E18)  # carol held 10
        assert sum(w.votes.delegate_powers().values()) == w.votes.total_supply() == 100 * E18


VOTERS = ("alice", "bob", "carol", "dave", "vLST-wrapper", "gov", "timelock", "knob", None)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(("transfer", "transfer_from", "approve", "delegate", "deposit",
                                           "withdraw", "raw_transfer", "raw_burn", "mine")),
                          st.sampled_from(VOTERS), st.sampled_from(VOTERS),
                          st.sampled_from(("itself", *VOTERS)), st.integers(0, 40)), max_size=30))
def test_hostile_actor_keeps_power_within_supply(steps):
    """Every address in every argument, from outside, its own tx or another's: each call succeeds or
    raises a typed error writing nothing; total power never exceeds the supply, the supply equals
    the underlying in escrow, and each delegate's power is the sum of its delegators' balances."""
    w = make_world()
    state, votes = w.state, w.votes
    for name in ("alice", "bob", "carol"):
        w.fund(name, 20 * E18)
        state.mint(w.lst, name, 30 * E18)
    calls = {
        "transfer": lambda a, b, n: votes.transfer(a, b, n * E18),
        "transfer_from": lambda a, b, n: votes.transfer_from(a, b, a, n * E18),
        "approve": lambda a, b, n: votes.approve(a, b, n * E18),
        "delegate": lambda a, b, n: votes.delegate(a, b),
        "deposit": lambda a, b, n: votes.deposit_for(a, b, n * E18),
        "withdraw": lambda a, b, n: votes.withdraw_to(a, b, n * E18),
        "raw_transfer": lambda a, b, n: state.transfer(votes.token, a, b, n * E18),
        "raw_burn": lambda a, b, n: state.burn(votes.token, a, n * E18),
        "mine": lambda a, b, n: mine(state, n),
    }
    for action, a, b, sender, n in steps:
        sender = a if sender == "itself" else sender  # the acting party's own tx, or another's, or none
        attempt(state, sender, functools.partial(calls[action], a, b, n))
        supply = votes.total_supply()
        powers = votes.delegate_powers()
        assert sum(powers.values()) <= supply
        assert supply == state.balance_of(w.lst, "vLST-wrapper")
        expected: dict[str, int] = {}
        for holder, balance in state.holders(votes.token).items():
            delegatee = votes.delegates(holder)
            if delegatee is not None:
                expected[delegatee] = expected.get(delegatee, 0) + balance
        assert {k: v for k, v in powers.items() if v} == expected
