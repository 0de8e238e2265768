"""governance/ benchmarks: votes, checkpointed transfers and past-power lookups."""

from __future__ import annotations

import random
from collections.abc import Iterator

from bench.harness import Row, Workload, measure
from chain import State
from governance import Action, Governor, Support, VotesToken, linear_lookup

N = 2_000
"""Voters, checkpoints and lookups of a timed round."""
E18 = 10**18


def _world(voters: int) -> tuple[State, object, VotesToken, Governor]:
    state = State()
    state.add_network("ethereum")
    lst = state.add_token("ethereum", "LST")
    votes = VotesToken.deploy(state, "wrapper", "ethereum", underlying=lst)
    gov = Governor.deploy(state, "gov", "ethereum", votes="wrapper", timelock="timelock", voting_delay=1,
                          voting_period=1_000_000, proposal_threshold=0, quorum_numerator=4)
    for i in range(voters):
        name = state.add_account(f"v{i}")
        state.mint(lst, name, 2 * E18)
        votes.deposit_for(name, name, E18)
        votes.delegate(name, name)
    state.advance(12)
    state.drain_events()
    return state, lst, votes, gov


def votes_vs_transfers() -> Iterator[Row]:
    """Votes of distinct voters and checkpointed transfers against plain ledger transfers."""
    state, lst, votes, gov = _world(N)
    names = [f"v{i}" for i in range(N)]
    pids: list[int] = []

    def new_proposal() -> None:
        state.drain_events()
        pids.append(gov.propose("v0", [Action("gov", "voting_delay", 2)]))
        state.advance(24)

    def cast() -> None:
        pid, vote = pids[-1], gov.cast_vote
        for name in names:
            vote(name, pid, Support.FOR)

    def plain() -> None:
        transfer = state.transfer
        for name in names:
            transfer(lst, name, "v0", 1)

    def wrapped() -> None:
        transfer = votes.transfer
        for name in names:
            transfer(name, "v0", 1)

    t = measure({"vote": Workload(cast, N, new_proposal), "plain": Workload(plain, N, state.drain_events),
                 "wrapped": Workload(wrapped, N, state.drain_events)})
    yield Row(f"cast_vote, {N:,} distinct voters", t["vote"], "plain ledger transfer", t["plain"])
    yield Row("VotesToken.transfer (checkpoints)", t["wrapped"], "plain ledger transfer", t["plain"])


def past_votes_lookup() -> Iterator[Row]:
    """Past-votes lookups by binary search against a linear scan of the same history."""
    state, lst, votes, _ = _world(2)
    votes.delegate("v1", "v0")
    state.mint(lst, "v1", N)
    votes.deposit_for("v1", "v1", N)
    for _ in range(N):
        state.advance(12)
        votes.transfer("v1", "v1", 0)
        votes.withdraw_to("v1", "v1", 1)
    state.advance(12)
    state.drain_events()
    assert votes.num_checkpoints("v0") >= N
    rng = random.Random(7)
    blocks = [rng.randrange(votes.clock()) for _ in range(N)]
    few = blocks[:100]
    history = ("votes", "v0")

    def search() -> None:
        past = votes.get_past_votes
        for block in blocks:
            past("v0", block)

    def scan() -> None:
        for block in few:
            linear_lookup(votes, history, block)

    for block in few:
        assert votes.get_past_votes("v0", block) == linear_lookup(votes, history, block)
    t = measure({"search": Workload(search, N), "scan": Workload(scan, len(few))})
    yield Row(f"get_past_votes, {N:,} checkpoints (binary)", t["search"], "linear scan, same history", t["scan"])


CASES = [votes_vs_transfers, past_votes_lookup]
