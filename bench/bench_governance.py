"""governance/ benchmarks: votes, checkpointed transfers and past-power lookups."""

from __future__ import annotations

import random

from bench.harness import Row, best_of
from chain import State
from governance import Action, Governor, Support, VotesToken, linear_lookup

N = 10_000
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


def votes_vs_transfers() -> list[Row]:
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

    t_vote = best_of(cast, setup=new_proposal)
    t_plain = best_of(plain, setup=state.drain_events)
    t_wrapped = best_of(wrapped, setup=state.drain_events)
    return [
        Row("cast_vote, 10k distinct voters", N, t_vote, "plain ledger transfer", t_plain),
        Row("VotesToken.transfer (checkpoints)", N, t_wrapped, "plain ledger transfer", t_plain),
    ]


def past_votes_lookup() -> list[Row]:
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
    t_search = best_of(search)
    t_scan = best_of(scan)
    return [Row("get_past_votes, 10k checkpoints (binary)", N, t_search, "linear scan, same history",
                t_scan, base_n=len(few))]


CASES = [votes_vs_transfers, past_votes_lookup]
