"""hypothesis: past power equals the balances delegated at that block, for random sequences of
deposits, withdrawals, transfers, delegations and mined blocks, checked against a ghost model."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from governance import Action, AlreadyVoted, Support
from tests.governance.conftest import make_world, mine

ACCOUNTS = ("alice", "bob", "carol", "dave")
who = st.sampled_from(ACCOUNTS)
amount = st.integers(0, 10**6)
op = st.one_of(
    st.tuples(st.just("deposit"), who, amount),
    st.tuples(st.just("withdraw"), who, amount),
    st.tuples(st.just("transfer"), who, who, amount),
    st.tuples(st.just("delegate"), who, st.one_of(st.none(), who)),
    st.tuples(st.just("mine"), st.integers(1, 3)),
)


def apply(w, ghost, step):
    """Apply one step to the wrapper and to the ghost (balances, delegates); skip impossible moves."""
    kind = step[0]
    bal, dele = ghost
    if kind == "deposit":
        _, a, x = step
        w.state.mint(w.lst, a, x)
        w.votes.deposit_for(a, a, x)
        bal[a] += x
    elif kind == "withdraw":
        _, a, x = step
        x = min(x, bal[a])
        w.votes.withdraw_to(a, a, x)
        bal[a] -= x
    elif kind == "transfer":
        _, a, b, x = step
        x = min(x, bal[a])
        w.votes.transfer(a, b, x)
        bal[a] -= x
        bal[b] += x
    elif kind == "delegate":
        _, a, d = step
        w.votes.delegate(a, d)
        dele[a] = d
    else:
        mine(w.state, step[1])


def expected_power(bal, dele):
    return {d: sum(bal[a] for a in ACCOUNTS if dele[a] == d) for d in ACCOUNTS}


@given(st.lists(op, max_size=40))
def test_past_power_equals_delegated_balances(steps):
    """At every past block each account's power is the sum of balances delegated to it then,
    the past supply is the supply then, and the sum of all power never exceeds the supply."""
    w = make_world()
    bal = dict.fromkeys(ACCOUNTS, 0)
    dele = dict.fromkeys(ACCOUNTS)
    history = {}
    for step in steps:
        apply(w, (bal, dele), step)
        history[w.votes.clock()] = (expected_power(bal, dele), sum(bal.values()))
        assert sum(w.votes.get_votes(a) for a in ACCOUNTS) <= w.votes.total_supply()
    mine(w.state)
    last_power, last_supply = dict.fromkeys(ACCOUNTS, 0), 0
    for block in range(w.votes.clock()):
        if block in history:
            last_power, last_supply = history[block]
        assert {a: w.votes.get_past_votes(a, block) for a in ACCOUNTS} == last_power
        assert w.votes.get_past_total_supply(block) == last_supply
        assert sum(last_power.values()) <= last_supply
    assert w.votes.total_supply() == sum(bal.values()) == w.state.balance_of(w.lst, "vLST-wrapper")


@given(
    st.lists(op, max_size=15),
    st.lists(st.tuples(who, st.sampled_from(list(Support)), st.lists(op, max_size=3)), max_size=12),
)
def test_tally_is_snapshot_power_of_distinct_voters(before, votes):
    """Whatever moves during the vote, the tally is each distinct voter's power at the snapshot,
    counted once, and never more than the supply at the snapshot."""
    w = make_world()
    bal, dele = dict.fromkeys(ACCOUNTS, 0), dict.fromkeys(ACCOUNTS)
    for step in before:
        apply(w, (bal, dele), step)
    pid = w.gov.propose("alice", [Action("knob", "fee", 1)])
    snapshot_power = expected_power(bal, dele)
    mine(w.state, 2)
    voted = {}
    for voter, support, moves in votes:
        for step in moves:
            if step[0] != "mine":
                apply(w, (bal, dele), step)
        try:
            weight = w.gov.cast_vote(voter, pid, support)
        except AlreadyVoted:
            assert voter in voted
            continue
        assert voter not in voted
        assert weight == snapshot_power[voter]
        voted[voter] = (support, weight)
    p = w.gov.proposal(pid)
    for support, field in ((Support.FOR, p.for_votes), (Support.AGAINST, p.against_votes),
                           (Support.ABSTAIN, p.abstain_votes)):
        assert field == sum(wt for s, wt in voted.values() if s == support)
    assert p.voters == len(voted)
    assert p.for_votes + p.against_votes + p.abstain_votes <= w.votes.get_past_total_supply(p.start)
