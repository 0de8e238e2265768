"""Who may act on the bridge (chain.calls): senders are the caller, deliveries come from the bridge's
code, the relayed feed listens only to the bridge's destination side, and no side of the bridge is
a recipient. A hostile actor naming every address in every address argument breaks no invariant."""

from __future__ import annotations

import functools
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bridge import DEPOSIT, WITHDRAWAL, DirectionPaused, InvalidRecipient
from chain import Contract, NotTheCaller, Unauthorized, external
from tests.bridge.conftest import CHALLENGE, LATENCY, RATE_0, invariant_gap, make_world
from tests.hostile import attempt

UNIT = 10**18


class Vault(Contract):
    """A contract that bridges its own wstETH from its code (a legitimate contract sender)."""

    kind = "test.vault"

    @external
    def bridge_out(self, bridge: str, amount: int, recipient: str) -> int:
        return self.state.contract(bridge).deposit(self.address, amount, recipient)


def _refused(state, error, call):
    before = state.digest()
    with pytest.raises(error):
        call()
    assert state.digest() == before


class TestSenders:
    def test_the_bridge_cannot_deposit_its_own_escrow(self, world):
        """Reproduction: deposit("bridge", ...) minted wrapped tokens against nothing (backing 0.98)."""
        state, bridge = world.state, world.bridge
        bridge.deposit("alice", 100 * UNIT)
        state.advance(LATENCY)
        bridge.relay()
        for side in ("bridge", "bridge-l2"):
            _refused(state, NotTheCaller, lambda side=side: bridge.deposit(side, 2 * UNIT, "bob"))
            with pytest.raises(NotTheCaller), state.tx("bob"):
                bridge.deposit(side, 2 * UNIT, "bob")
        assert bridge.backing_ratio() == 1
        assert invariant_gap(bridge) == 0

    def test_an_account_sends_only_for_itself(self, world):
        """In bob's transaction alice's wstETH cannot be deposited, nor her wrapped withdrawn."""
        state, bridge = world.state, world.bridge
        bridge.deposit("alice", 10 * UNIT)
        state.advance(LATENCY)
        bridge.relay()
        l2 = state.contract("bridge-l2")
        for call in (lambda: bridge.deposit("alice", UNIT, "bob"), lambda: bridge.withdraw("alice", UNIT, "bob"),
                     lambda: l2.withdraw("alice", UNIT, "bob")):
            with pytest.raises(NotTheCaller), state.tx("bob"):
                call()
        with state.tx("alice"):
            mid = l2.withdraw("alice", UNIT, "bob")
        state.advance(CHALLENGE)
        assert bridge.relay() == [mid]
        assert state.balance_of(world.canonical, "bob") == UNIT

    def test_a_contract_deposits_from_its_own_code(self, world):
        """A vault's code deposits the vault's tokens; the same deposit named from outside is refused."""
        state, bridge = world.state, world.bridge
        vault = state.register_contract(Vault(state, "vault", "ethereum"))
        state.transfer(world.canonical, "alice", "vault", 5 * UNIT)
        _refused(state, NotTheCaller, lambda: bridge.deposit("vault", UNIT, "alice"))
        mid = vault.bridge_out("bridge", 5 * UNIT, "alice")
        assert (bridge.message(mid).sender, bridge.message(mid).recipient) == ("vault", "alice")
        assert bridge.escrow() == 5 * UNIT


class TestRecipients:
    def test_no_side_of_the_bridge_receives(self, world):
        """Releasing into the escrow would count a withdrawal out that stayed in: InvalidRecipient."""
        state, bridge = world.state, world.bridge
        bridge.deposit("alice", 10 * UNIT)
        state.advance(LATENCY)
        bridge.relay()
        _refused(state, InvalidRecipient, lambda: bridge.deposit("alice", UNIT, "bridge-l2"))
        _refused(state, InvalidRecipient, lambda: bridge.withdraw("alice", UNIT, "bridge"))
        _refused(state, InvalidRecipient, lambda: state.contract("bridge-l2").withdraw("alice", UNIT, "bridge"))
        _refused(state, InvalidRecipient, lambda: bridge.exploit_drain("bridge", UNIT))
        assert invariant_gap(bridge) == 0


class TestDeliveries:
    def test_only_the_source_bridge_finalizes(self, world):
        """finalize_deposit / finalize_rate from outside or from an account's tx: Unauthorized."""
        state, bridge = world.state, world.bridge
        l2 = state.contract("bridge-l2")
        bridge.deploy_rate_feed("rate-op", "rate")
        _refused(state, Unauthorized, lambda: l2.finalize_deposit("bob", UNIT))
        _refused(state, Unauthorized, lambda: l2.finalize_rate("rate-op", 1, state.now))
        with pytest.raises(Unauthorized), state.tx("bob"):
            l2.finalize_deposit("bob", UNIT)
        assert state.total_supply(world.wrapped) == 0

    def test_relayed_feed_listens_only_to_the_bridge(self, world):
        """Reproduction: receive(None, now, "bridge") from outside broke the L2 market; now refused."""
        state, bridge = world.state, world.bridge
        relayed = bridge.deploy_rate_feed("rate-op", "rate")
        for call in (lambda: relayed.receive(None, state.now, "bridge"),
                     lambda: relayed.receive(1, state.now, "bridge-l2"),
                     lambda: relayed.receive(1, state.now),
                     lambda: relayed.receive(1, state.now, "alice")):
            _refused(state, Unauthorized, call)
        with pytest.raises(NotTheCaller), state.tx("alice"):
            relayed.receive(1, state.now, "bridge")
        assert relayed.latest().answer == RATE_0

    def test_the_bridge_relays_a_pushed_rate(self, world):
        """push_rate then delivery: the feed takes the answer from the bridge's destination side."""
        state, bridge = world.state, world.bridge
        relayed = bridge.deploy_rate_feed("rate-op", "rate")
        state.advance(12)
        world.feed.set(RATE_0 + 7)
        mid = bridge.push_rate("rate-op")
        state.advance(LATENCY)
        assert bridge.relay() == [mid]
        assert relayed.latest().answer == RATE_0 + 7
        assert relayed.relayer == "bridge-l2"


class TestPause:
    def test_pause_takes_the_caller_from_the_chain(self, world):
        """The guardian pauses in its own tx without naming itself; naming it from bob's tx is refused."""
        state, bridge = world.state, world.bridge
        with pytest.raises(NotTheCaller), state.tx("bob"):
            bridge.pause(DEPOSIT, "guardian")
        _refused(state, Unauthorized, lambda: bridge.pause(DEPOSIT))
        with state.tx("guardian"):
            bridge.pause(DEPOSIT)
        assert state.events[-1] == DirectionPaused("bridge", DEPOSIT, "guardian")
        _refused(state, NotTheCaller, lambda: bridge.set_param("paused_deposits", 0, "bridge"))


ADDRESSES = ("alice", "bob", "treasury", "guardian", "dao", "bridge", "bridge-l2", "rate", "rate-op", "vault",
             "market-l2", None)
ACTIONS = ("deposit", "withdraw", "l2_withdraw", "pause", "unpause", "set_param", "receive", "finalize_deposit",
           "deliver", "relay", "advance")


def _hostile_world():
    w = make_world()
    state = w.state
    state.register_contract(Vault(state, "vault", "ethereum"))
    state.register_contract(Contract(state, "market-l2", "optimism"))
    w.bridge.deploy_rate_feed("rate-op", "rate")
    w.bridge.deposit("alice", 100 * UNIT)
    state.advance(LATENCY)
    w.bridge.relay()
    state.mint(w.canonical, "bob", 50 * UNIT)
    return w


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(ACTIONS), st.sampled_from(ADDRESSES), st.sampled_from(ADDRESSES),
                          st.sampled_from(("itself", *ADDRESSES)), st.integers(0, 3 * UNIT)), max_size=25))
def test_hostile_actor_breaks_no_invariant(steps):
    """Every address in every address argument, from outside or from an account's tx: each call
    succeeds or raises a typed error writing nothing; conservation, the backing identity and a
    backing of at least 1 (no fault is injected) always hold."""
    w = _hostile_world()
    state, bridge = w.state, w.bridge
    l2, feed = state.contract("bridge-l2"), state.contract("rate-op")
    supply = state.total_supply(w.canonical)
    calls = {
        "deposit": lambda a, b, n: bridge.deposit(a, n, b),
        "withdraw": lambda a, b, n: bridge.withdraw(a, n, b),
        "l2_withdraw": lambda a, b, n: l2.withdraw(a, n, b),
        "pause": lambda a, b, n: bridge.pause(DEPOSIT if n % 2 else WITHDRAWAL, a),
        "unpause": lambda a, b, n: bridge.unpause(DEPOSIT if n % 2 else WITHDRAWAL, a),
        "set_param": lambda a, b, n: bridge.set_param("fee_bps", n % 100, a),
        "receive": lambda a, b, n: feed.receive(n, state.now, a),
        "finalize_deposit": lambda a, b, n: l2.finalize_deposit(b, n),
        "deliver": lambda a, b, n: bridge.deliver(n % 8),
        "relay": lambda a, b, n: bridge.relay(),
        "advance": lambda a, b, n: state.advance(n % (2 * CHALLENGE)),
    }
    for action, a, b, sender, n in steps:
        sender = a if sender == "itself" else sender  # the acting party's own tx, or another's, or none
        attempt(state, sender, functools.partial(calls[action], a, b, n))
        assert state.total_supply(w.canonical) == supply
        assert invariant_gap(bridge) == 0
        assert bridge.backing().ratio >= Fraction(1)
        assert state.balance_of(w.canonical, "bridge") >= bridge.totals().in_flight_withdrawals
        assert state.total_supply(w.wrapped) == sum(state.holders(w.wrapped).values())
