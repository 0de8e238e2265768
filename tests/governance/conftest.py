"""Fixtures of the governance tests: one network, an underlying token, a votes wrapper, a
governor with its timelock, and a small test-local Governable contract to govern."""

from __future__ import annotations

from collections.abc import Mapping

import attrs
import pytest

from chain import Contract, Governable, ParamSpec, State
from governance import Governor, Support, VotesToken

BLOCK = 12
E18 = 10**18
DAY = 86_400


@attrs.frozen
class KnobValues:
    fee: int
    cap: int


class Knob(Governable, Contract):
    """Two governable parameters: ``fee`` in bps and ``cap`` in wei."""

    kind = "knob"

    @classmethod
    def deploy(cls, state: State, address: str, network: str) -> Knob:
        facade = cls(state, address, network)
        state.register_contract(facade)
        facade._store("values", KnobValues(30, 1_000 * E18))
        return facade

    def param_specs(self) -> Mapping[str, ParamSpec]:
        return {"fee": ParamSpec("fee", 0, 10_000, "bps"), "cap": ParamSpec("cap", 1, 10**30, "wei")}

    def get_param(self, name: str) -> int:
        return getattr(self._load("values"), name)

    def _apply_param(self, name: str, value: int) -> None:
        self._store("values", attrs.evolve(self._load("values"), **{name: value}))

    def charge(self, amount: int) -> int:
        """The fee on ``amount``, so a test sees the parameter in behaviour."""
        return amount * self.get_param("fee") // 10_000


class Plain(Contract):
    """A contract with no governable parameters."""

    kind = "plain"


def mine(state: State, blocks: int = 1) -> None:
    """Advance the clock by ``blocks`` blocks of 12 s."""
    state.advance(BLOCK * blocks)


@attrs.define
class World:
    state: State
    lst: object
    votes: VotesToken
    gov: Governor
    knob: Knob

    def fund(self, account: str, amount: int, delegate_to: str | None = "self") -> None:
        """Mint ``amount`` underlying to ``account``, wrap it, and delegate (to itself by default)."""
        self.state.mint(self.lst, account, amount)
        self.votes.deposit_for(account, account, amount)
        if delegate_to is not None:
            self.votes.delegate(account, account if delegate_to == "self" else delegate_to)


def make_world(*, threshold: int = 0, numerator: int = 4, delay: int = 1, period: int = 10,
               abstain_in_quorum: bool = True) -> World:
    state = State()
    state.add_network("ethereum", block_time=BLOCK)
    lst = state.add_token("ethereum", "LST")
    for name in ("alice", "bob", "carol", "dave", "erin"):
        state.add_account(name)
    votes = VotesToken.deploy(state, "vLST-wrapper", "ethereum", underlying=lst)
    gov = Governor.deploy(state, "gov", "ethereum", votes="vLST-wrapper", timelock="timelock",
                          voting_delay=delay, voting_period=period, proposal_threshold=threshold,
                          quorum_numerator=numerator, abstain_in_quorum=abstain_in_quorum)
    knob = Knob.deploy(state, "knob", "ethereum")
    knob.set_param_admin("timelock")
    state.register_contract(Plain(state, "plain", "ethereum"))
    return World(state, lst, votes, gov, knob)


@pytest.fixture
def world() -> World:
    return make_world()


def assert_refused(state: State, error: type[Exception], call, *args, **kwargs) -> Exception:
    """``call(...)`` raises ``error`` and leaves ``state.digest()`` unchanged; returns the error."""
    before = state.digest()
    with pytest.raises(error) as info:
        call(*args, **kwargs)
    assert state.digest() == before
    return info.value


def open_vote(w, actions, proposer="alice"):
    """Propose and mine to the first block of the voting period; returns the id."""
    pid = w.gov.propose(proposer, actions, "proposal")
    mine(w.state, w.gov.settings().voting_delay + 1)
    return pid


def close_vote(w, pid):
    """Mine to the first block after the proposal's deadline."""
    mine(w.state, w.gov.proposal(pid).end + 1 - w.gov.clock())


def pass_vote(w, actions):
    """alice (who holds a majority) proposes and votes For; the vote closes. Returns the id."""
    pid = open_vote(w, actions)
    w.gov.cast_vote("alice", pid, Support.FOR)
    close_vote(w, pid)
    return pid


def pass_and_queue(w, actions):
    """As :func:`pass_vote`, then queued in the timelock."""
    pid = pass_vote(w, actions)
    w.gov.queue(pid)
    return pid


@pytest.fixture
def funded(world):
    """alice 60, bob 30, carol 10 (e18), each delegated to itself, one block mined."""
    world.fund("alice", 60 * E18)
    world.fund("bob", 30 * E18)
    world.fund("carol", 10 * E18)
    mine(world.state)
    return world
