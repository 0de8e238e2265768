"""hypothesis drives the governor with random programs of proposals, votes, transfers, time
moves, queues, executions and cancels, next to a ghost model that applies the documented rules
independently: after every step every proposal's state must agree, every refused call must
write nothing, and the governed parameter must hold the last executed proposal's value."""

from __future__ import annotations

import hypothesis.strategies as st
from hypothesis import given, settings

from chain import LstlabError
from governance import GRACE_PERIOD, Action, ProposalState, Support
from tests.governance.conftest import DAY, E18, make_world, mine

S = ProposalState
ACCOUNTS = ("alice", "bob", "carol")
START = {"alice": 40 * E18, "bob": 35 * E18, "carol": 25 * E18}
who = st.sampled_from(ACCOUNTS)


class Ghost:
    """The governor under test and the ghost model beside it."""

    def __init__(self) -> None:
        self.w = make_world(numerator=30, delay=2, period=5)
        for name, amount in START.items():
            self.w.fund(name, amount)
        self.balances = dict(START)
        self.power_at = {self.w.gov.clock(): dict(START)}
        self.ghost: dict[int, dict] = {}
        self.last_executed_fee = 30

    # --- the ghost's rules -------------------------------------------------------------

    def power(self, block: int) -> dict[str, int]:
        return self.power_at[max(b for b in self.power_at if b <= block)]

    def expected(self, pid: int) -> ProposalState:
        g, block, now = self.ghost[pid], self.w.gov.clock(), self.w.state.now
        if g["executed"]:
            return S.EXECUTED
        if g["canceled"]:
            return S.CANCELED
        if block <= g["start"]:
            return S.PENDING
        if block <= g["end"]:
            return S.ACTIVE
        tally = {s: sum(wt for s2, wt in g["votes"].values() if s2 == s) for s in Support}
        quorum = 100 * E18 * 30 // 100
        if tally[Support.FOR] + tally[Support.ABSTAIN] < quorum or tally[Support.FOR] <= tally[Support.AGAINST]:
            return S.DEFEATED
        if not g["eta"]:
            return S.SUCCEEDED
        return S.EXPIRED if now >= g["eta"] + GRACE_PERIOD else S.QUEUED

    def pick(self, index: int, wanted: ProposalState | None = None) -> int:
        """A proposal id: for small ``index`` one the ghost holds ``wanted`` if any (so calls
        often succeed), otherwise counted back from the newest (so they also often fail)."""
        if wanted is not None and index < 4:
            for pid in self.ghost:
                if self.expected(pid) is wanted:
                    return pid
        return len(self.ghost) - index % len(self.ghost)

    def attempt(self, allowed: bool, call, *args):
        """Run the call; if the ghost refuses it, it must raise and write nothing."""
        if allowed:
            return call(*args)
        before = self.w.state.digest()
        try:
            call(*args)
        except LstlabError:
            assert self.w.state.digest() == before
            return None
        raise AssertionError(f"{call.__name__}{args} succeeded; the ghost refuses it")

    # --- rules -------------------------------------------------------------------------

    def first_proposal(self):
        self.propose(proposer="bob")

    def another_proposal(self, proposer, really):
        """Propose one time in three, so earlier proposals get time to run their course."""
        if not really:
            self.propose(proposer)

    def propose(self, proposer):
        pid = len(self.ghost) + 1
        start = self.w.gov.clock() + 2
        assert self.w.gov.propose(proposer, [Action("knob", "fee", pid)]) == pid
        self.ghost[pid] = {"proposer": proposer, "start": start, "end": start + 5, "votes": {}, "eta": 0,
                           "executed": False, "canceled": False}

    def vote(self, voter, index, support):
        self.vote_on(self.pick(index, S.ACTIVE), voter, support)

    def vote_on(self, pid, voter, support):
        g = self.ghost.get(pid)
        ok = g is not None and self.expected(pid) is S.ACTIVE and voter not in g["votes"]
        weight = self.attempt(ok, self.w.gov.cast_vote, voter, pid, support)
        if ok:
            assert weight == self.power(g["start"])[voter]
            g["votes"][voter] = (support, weight)

    def transfer(self, src, dst, amount):
        amount = min(amount, self.balances[src])
        self.w.votes.transfer(src, dst, amount)
        self.balances[src] -= amount
        self.balances[dst] += amount
        self.power_at[self.w.gov.clock()] = dict(self.balances)

    def move_time(self, index, to):
        """Mine one block, or to just past a snapshot or deadline, or to an eta, its last queued second or its expiry."""
        g = self.ghost[self.pick(index, S.QUEUED if to in ("eta", "grace", "expiry") else None)]
        if to in ("start", "end"):
            mine(self.w.state, max(1, g[to] + 1 - self.w.gov.clock()))
        elif to == "block" or not g["eta"]:
            mine(self.w.state)
        else:
            target = g["eta"] + {"eta": 0, "grace": GRACE_PERIOD - 1, "expiry": GRACE_PERIOD}[to]
            self.w.state.advance(max(0, target - self.w.state.now))

    def queue(self, index):
        self.queue_pid(self.pick(index, S.SUCCEEDED))

    def queue_pid(self, pid):
        ok = pid in self.ghost and self.expected(pid) is S.SUCCEEDED
        eta = self.attempt(ok, self.w.gov.queue, pid)
        if ok:
            assert eta == self.w.state.now + 2 * DAY
            self.ghost[pid]["eta"] = eta

    def execute(self, index):
        self.execute_pid(self.pick(index, S.QUEUED))

    def execute_pid(self, pid):
        ok = pid in self.ghost and self.expected(pid) is S.QUEUED and self.w.state.now >= self.ghost[pid]["eta"]
        self.attempt(ok, self.w.gov.execute, pid)
        if ok:
            self.ghost[pid]["executed"] = True
            self.last_executed_fee = pid

    def cancel(self, index, really):
        if really:
            return  # cancel one time in four, so proposals live long enough to run
        pid = self.pick(index)
        ok = pid in self.ghost and self.expected(pid) not in (S.EXECUTED, S.CANCELED, S.EXPIRED)
        self.attempt(ok, self.w.gov.cancel, pid, self.ghost[pid]["proposer"] if pid in self.ghost else "alice")
        if ok:
            self.ghost[pid]["canceled"] = True

    def progress(self, index, voter, support):
        """Take a proposal one step along its natural course (mine, vote, queue, wait, execute)."""
        live = [p for p in self.ghost if self.expected(p) in (S.PENDING, S.ACTIVE, S.SUCCEEDED, S.QUEUED)]
        pid = live[0] if live and not index else self.pick(index)
        g, current = self.ghost[pid], self.expected(pid)
        if current is S.PENDING:
            mine(self.w.state, g["start"] + 1 - self.w.gov.clock())
        elif current is S.ACTIVE and voter not in g["votes"]:
            self.vote_on(pid, voter, support)
        elif current is S.ACTIVE:
            mine(self.w.state, g["end"] + 1 - self.w.gov.clock())
        elif current is S.SUCCEEDED:
            self.queue_pid(pid)
        elif current is S.QUEUED and self.w.state.now < g["eta"]:
            self.w.state.advance(g["eta"] - self.w.state.now)
        elif current is S.QUEUED:
            self.execute_pid(pid)

    # --- invariants --------------------------------------------------------------------

    def states_agree(self):
        for pid in self.ghost:
            assert self.w.gov.state_of(pid) is self.expected(pid)

    def only_executed_proposals_changed_the_target(self):
        assert self.w.knob.get_param("fee") == self.last_executed_fee


index = st.integers(0, 7)
progress = st.tuples(st.just("progress"), st.integers(0, 1), who, st.sampled_from(list(Support)))
step = st.one_of(
    *[progress] * 6,
    st.tuples(st.just("another_proposal"), who, st.integers(0, 2)),
    st.tuples(st.just("vote"), who, index, st.sampled_from(list(Support))),
    st.tuples(st.just("transfer"), who, who, st.integers(0, 50 * E18)),
    st.tuples(st.just("move_time"), index, st.sampled_from(["start", "end", "eta", "grace", "expiry", "block"])),
    st.tuples(st.just("queue"), index),
    st.tuples(st.just("execute"), index),
    st.tuples(st.just("cancel"), index, st.integers(0, 3)),
)


@settings(max_examples=150)
@given(st.lists(step, min_size=10, max_size=40))
def test_governor_agrees_with_the_ghost(program):
    """Every step keeps the governor's states and the governed value equal to the ghost's."""
    g = Ghost()
    g.first_proposal()
    for name, *args in program:
        getattr(g, name)(*args)
        g.states_agree()
        g.only_executed_proposals_changed_the_target()
