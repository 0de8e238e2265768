"""Faults: dropped, retried and delayed messages; unbacked mints and drains; the graph."""

from __future__ import annotations

from fractions import Fraction

import pytest

from bridge import (
    DEPOSIT,
    DROPPED,
    PENDING,
    WITHDRAWAL,
    AlreadyDelivered,
    BackingBelowOne,
    EscrowDrained,
    MessageDelayed,
    MessageDropped,
    MessageNotDropped,
    MessageNotPending,
    MessageRetried,
    UnbackedMint,
)
from chain import WAD, Contract, InsufficientBalance, exposure, holders, token_node
from tests.bridge.conftest import CHALLENGE, LATENCY, invariant_gap

UNIT = 10**18


class TestDropRetryDelay:
    def test_dropped_message_is_reported_and_retryable(self, world) -> None:
        """A drop is an event, keeps the value in flight, and retry delivers it after a fresh latency."""
        state, bridge = world.state, world.bridge
        mid = bridge.deposit("alice", UNIT)
        state.advance(LATENCY)
        bridge.drop(mid)
        assert state.events[-1] == MessageDropped("bridge", mid, DEPOSIT, UNIT)
        assert bridge.messages(status=DROPPED) == [bridge.message(mid)]
        assert bridge.totals().in_flight_deposits == UNIT
        assert bridge.relay() == []
        with pytest.raises(MessageNotPending):
            bridge.deliver(mid)
        retried = bridge.retry(mid)
        assert (retried.status, retried.attempts, retried.deliverable_at) == (PENDING, 2, state.now + LATENCY)
        assert state.events[-1] == MessageRetried("bridge", mid, 2, state.now + LATENCY)
        state.advance(LATENCY)
        assert bridge.relay() == [mid]
        assert state.balance_of(world.wrapped, "alice") == UNIT
        assert invariant_gap(bridge) == 0

    def test_retry_and_drop_rules(self, world) -> None:
        """Only a dropped message can be retried; a delivered one cannot be dropped, retried or delivered."""
        state, bridge = world.state, world.bridge
        mid = bridge.deposit("alice", UNIT)
        with pytest.raises(MessageNotDropped):
            bridge.retry(mid)
        state.advance(LATENCY)
        bridge.deliver(mid)
        digest = state.digest()
        for action in (bridge.retry, bridge.drop, bridge.deliver):
            with pytest.raises(AlreadyDelivered):
                action(mid)
        assert state.digest() == digest

    def test_delay_pushes_the_due_time(self, world) -> None:
        """A delay of 300 s makes a deposit due 300 s later, not a second before."""
        state, bridge = world.state, world.bridge
        mid = bridge.deposit("alice", UNIT)
        due = bridge.message(mid).deliverable_at
        bridge.delay(mid, 300)
        assert state.events[-1] == MessageDelayed("bridge", mid, due + 300)
        state.advance(LATENCY + 299)
        assert bridge.relay() == []
        state.advance(1)
        assert bridge.relay() == [mid]

    def test_messages_revert_with_their_transaction_and_survive_forks(self, world) -> None:
        """A deposit inside a failing tx leaves no message; a fork delivers its own copy independently."""
        state, bridge = world.state, world.bridge
        with pytest.raises(InsufficientBalance), state.tx("alice"):
            bridge.deposit("alice", UNIT)
            state.transfer(world.canonical, "alice", "bob", 10**30)
        assert bridge.pending() == () and bridge.totals().next_id == 1
        mid = bridge.deposit("alice", UNIT)
        fork = state.fork()
        fork.advance(LATENCY)
        assert bridge.on(fork).relay() == [mid]
        assert fork.balance_of(world.wrapped, "alice") == UNIT
        assert bridge.pending() == (mid,)
        assert state.balance_of(world.wrapped, "alice") == 0


class TestExploit:
    def _funded(self, world) -> None:
        state, bridge = world.state, world.bridge
        bridge.deposit("alice", 100 * UNIT)
        state.advance(LATENCY)
        bridge.relay()

    def test_unbacked_mint_lowers_backing_by_exactly_the_amount(self, world) -> None:
        """120 unbacked on 100 backed: claims exceed assets by exactly 120, ratio 100/220, one event."""
        self._funded(world)
        state, bridge = world.state, world.bridge
        assert bridge.backing_ratio() == 1
        before = bridge.backing()
        bridge.exploit_mint("bob", 120 * UNIT)
        after = bridge.backing()
        assert after.claims - after.assets == 120 * UNIT
        assert after.shortfall - before.shortfall == 120 * UNIT
        assert after.ratio == Fraction(100, 220)
        assert after.ratio_wad == 100 * WAD // 220
        assert state.events[-2:] == [
            UnbackedMint("bridge", "bob", 120 * UNIT),
            BackingBelowOne("bridge", 100 * UNIT, 220 * UNIT),
        ]
        bridge.exploit_mint("bob", 1)
        assert not isinstance(state.events[-1], BackingBelowOne)
        assert invariant_gap(bridge) == 0

    def test_graph_shows_who_holds_the_unbacked_token(self, world) -> None:
        """After the exploit the attacker and a destination contract (a market) hold the wrapped token,
        and exposure from each reaches the L2 bridge, the escrow and the canonical token."""
        self._funded(world)
        state, bridge = world.state, world.bridge
        market = Contract(state, "market", "optimism")
        state.register_contract(market)
        bridge.exploit_mint("bob", 50 * UNIT)
        state.transfer(world.wrapped, "bob", "market", 30 * UNIT)
        assert holders(state, world.wrapped) == {"alice": 100 * UNIT, "bob": 20 * UNIT, "market": 30 * UNIT}
        for holder in ("market", "bob", "alice"):
            reach = exposure(state, holder)
            assert reach["bridge"] == [holder, token_node(world.wrapped), "bridge-l2", "bridge"]
            assert reach[token_node(world.canonical)][-1] == token_node(world.canonical)

    def test_drain_lowers_assets(self, world) -> None:
        """Draining 40 of 100 (Ronin): assets 60 against claims 100, the last withdrawal fails."""
        self._funded(world)
        state, bridge = world.state, world.bridge
        bridge.exploit_drain("bob", 40 * UNIT)
        assert state.events[-2:] == [
            EscrowDrained("bridge", "bob", 40 * UNIT),
            BackingBelowOne("bridge", 60 * UNIT, 100 * UNIT),
        ]
        assert bridge.backing_ratio() == Fraction(60, 100)
        first = bridge.withdraw("alice", 60 * UNIT)
        second = bridge.withdraw("alice", 40 * UNIT)
        state.advance(CHALLENGE)
        assert bridge.relay() == [first]
        assert bridge.pending() == (second,)
        with pytest.raises(InsufficientBalance):
            bridge.deliver(second)
        assert invariant_gap(bridge) == 0
        assert bridge.message(second).direction == WITHDRAWAL

    def test_in_flight_value_is_a_graph_edge(self, world) -> None:
        """A recipient waiting for a deposit is exposed to the L2 bridge through a 'bridging' edge."""
        state, bridge = world.state, world.bridge
        bridge.deposit("alice", 7 * UNIT, "bob")
        edges = [(s, d, k["amount"]) for s, d, k in state.graph().edges(data=True) if k["kind"] == "bridging"]
        assert edges == [("bob", "bridge-l2", 7 * UNIT)]
        assert "bridge" in exposure(state, "bob")
