"""Deposits, deliveries and withdrawals: exact amounts, fees, the clock, limits and pauses."""

from __future__ import annotations

import pytest

from bridge import (
    DELIVERED,
    DEPOSIT,
    PENDING,
    WITHDRAWAL,
    AlreadyPaused,
    AmountBelowFee,
    BridgePaused,
    DirectionPaused,
    MessageDelivered,
    MessageSent,
    NotPaused,
    NotYetDeliverable,
    OutOfOrder,
    RateLimited,
)
from chain import ParameterSet, Transfer, Unauthorized
from tests.bridge.conftest import CHALLENGE, LATENCY, make_world

UNIT = 10**18


def ceil_fee(amount: int, fixed: int, bps: int) -> int:
    return fixed + -(-amount * bps // 10_000)


class TestRoundTrip:
    def test_round_trip_returns_amount_less_both_fees(self) -> None:
        """Deposit, deliver, withdraw all, deliver: alice gets back exactly the amount less two fees."""
        w = make_world(fee_fixed=1_000, fee_bps=7)
        state, bridge = w.state, w.bridge
        amount = 3 * UNIT + 12_345
        start = state.balance_of(w.canonical, "alice")
        fee_in = ceil_fee(amount, 1_000, 7)
        mid = bridge.deposit("alice", amount)
        assert state.balance_of(w.canonical, "alice") == start - amount
        assert state.balance_of(w.canonical, "treasury") == fee_in
        assert bridge.escrow() == amount - fee_in
        state.advance(LATENCY)
        assert bridge.deliver(mid).status == DELIVERED
        minted = state.balance_of(w.wrapped, "alice")
        assert minted == amount - fee_in
        fee_out = ceil_fee(minted, 1_000, 7)
        wid = bridge.withdraw("alice", minted)
        assert state.balance_of(w.wrapped, "alice") == 0
        assert state.balance_of(w.wrapped, "treasury") == fee_out
        state.advance(CHALLENGE)
        bridge.deliver(wid)
        assert state.balance_of(w.canonical, "alice") == start - fee_in - fee_out
        assert bridge.escrow() == fee_out == state.total_supply(w.wrapped)

    def test_nothing_arrives_one_second_early(self, world) -> None:
        """A deposit is not deliverable one second before its latency, and is at the second."""
        state, bridge = world.state, world.bridge
        mid = bridge.deposit("alice", UNIT)
        assert bridge.message(mid).deliverable_at == state.now + LATENCY
        state.advance(LATENCY - 1)
        assert bridge.relay() == []
        with pytest.raises(NotYetDeliverable):
            bridge.deliver(mid)
        assert state.balance_of(world.wrapped, "alice") == 0
        state.advance(1)
        assert bridge.relay() == [mid]
        assert state.balance_of(world.wrapped, "alice") == UNIT

    def test_withdrawal_waits_the_challenge_period(self, world) -> None:
        """A withdrawal burns at once and releases only after the whole challenge period."""
        state, bridge = world.state, world.bridge
        bridge.deposit("alice", UNIT)
        state.advance(LATENCY)
        bridge.relay()
        wid = bridge.withdraw("alice", UNIT, "bob")
        assert state.total_supply(world.wrapped) == 0
        assert bridge.totals().in_flight_withdrawals == UNIT
        state.advance(CHALLENGE - 1)
        assert bridge.relay() == []
        state.advance(1)
        assert bridge.relay() == [wid]
        assert state.balance_of(world.canonical, "bob") == UNIT
        assert bridge.escrow() == 0

    def test_block_latency_counts_destination_blocks(self) -> None:
        """With a latency of 5 blocks of the 2 s destination, delivery waits for block + 5."""
        w = make_world(deposit_latency_blocks=5)
        state, bridge = w.state, w.bridge
        state.advance(1)
        start_block = state.block_number("optimism")
        mid = bridge.deposit("alice", UNIT)
        assert bridge.message(mid).deliverable_block == start_block + 5
        state.advance(8)
        assert state.block_number("optimism") == start_block + 4
        assert bridge.relay() == []
        state.advance(1)
        assert state.block_number("optimism") == start_block + 5
        assert bridge.relay() == [mid]

    def test_block_delay_rounds_up_to_whole_blocks(self) -> None:
        """In block mode a delay of 3 s on 2 s blocks pushes delivery back by 2 blocks."""
        w = make_world(deposit_latency_blocks=5)
        state, bridge = w.state, w.bridge
        start_block = state.block_number("optimism")
        mid = bridge.deposit("alice", UNIT)
        assert bridge.delay(mid, 3).deliverable_block == start_block + 7
        state.advance(12)
        assert bridge.relay() == []
        state.advance(2)
        assert bridge.relay() == [mid]

    def test_withdraw_through_the_destination_side(self, world) -> None:
        """The L2 side forwards withdraw to the source side and reports the same backing."""
        state, bridge = world.state, world.bridge
        l2 = state.contract("bridge-l2")
        assert (l2.network, l2.wrapped) == ("optimism", world.wrapped)
        assert world.wrapped.decimals == world.canonical.decimals
        bridge.deposit("alice", UNIT)
        state.advance(LATENCY)
        bridge.relay()
        wid = l2.withdraw("alice", UNIT // 4, "bob")
        assert bridge.message(wid).direction == WITHDRAWAL
        assert l2.backing() == bridge.backing()
        assert bridge.backing().claims == UNIT - UNIT // 4
        assert bridge.backing().assets == UNIT - UNIT // 4

    def test_events_of_a_deposit(self, world) -> None:
        """A deposit emits the lock Transfer and MessageSent; delivery the mint and MessageDelivered."""
        state, bridge = world.state, world.bridge
        mid = bridge.deposit("alice", UNIT, "bob")
        assert state.events == [
            Transfer(world.canonical, "alice", "bridge", UNIT),
            MessageSent("bridge", mid, "tokens", DEPOSIT, "alice", "bob", UNIT, 0, state.now + LATENCY),
        ]
        state.advance(LATENCY)
        bridge.deliver(mid)
        assert state.events[-1] == MessageDelivered("bridge", mid, "tokens", DEPOSIT, "bob", UNIT)


class TestFees:
    @pytest.mark.parametrize(
        ("amount", "fixed", "bps", "fee"),
        [(10_000, 0, 1, 1), (10_001, 0, 1, 2), (9_999, 0, 1, 1), (1, 0, 0, 0), (20_000, 5, 30, 65)],
    )
    def test_fee_table(self, amount: int, fixed: int, bps: int, fee: int) -> None:
        """The fee is fixed + amount * bps / 10,000 rounded up, kept by the fee recipient."""
        w = make_world(fee_fixed=fixed, fee_bps=bps)
        mid = w.bridge.deposit("alice", amount)
        assert w.bridge.message(mid).fee == fee
        assert w.bridge.message(mid).amount == amount - fee
        assert w.state.balance_of(w.canonical, "treasury") == fee

    def test_amount_must_exceed_fee(self) -> None:
        """An amount equal to the fee is refused; one wei more passes with one wei bridged."""
        w = make_world(fee_fixed=100)
        digest = w.state.digest()
        with pytest.raises(AmountBelowFee):
            w.bridge.deposit("alice", 100)
        assert w.state.digest() == digest
        mid = w.bridge.deposit("alice", 101)
        assert w.bridge.message(mid).amount == 1


class TestRateLimit:
    def test_limit_per_window_and_reset(self) -> None:
        """Gross amounts count in fixed windows: the limit passes, one wei more fails, a new window resets."""
        w = make_world(deposit_limit_per_window=10 * UNIT, rate_limit_window=3_600)
        state, bridge = w.state, w.bridge
        state.advance(3_600 - state.now % 3_600)
        bridge.deposit("alice", 4 * UNIT)
        bridge.deposit("alice", 6 * UNIT)
        digest = state.digest()
        with pytest.raises(RateLimited):
            bridge.deposit("alice", 1)
        assert state.digest() == digest
        state.advance(3_599)
        with pytest.raises(RateLimited):
            bridge.deposit("alice", 1)
        state.advance(1)
        bridge.deposit("alice", 10 * UNIT)

    def test_directions_have_separate_limits(self) -> None:
        """Withdrawals are limited by their own parameter, not by the deposits' usage."""
        w = make_world(deposit_limit_per_window=5 * UNIT, withdrawal_limit_per_window=2 * UNIT)
        state, bridge = w.state, w.bridge
        bridge.deposit("alice", 5 * UNIT)
        state.advance(LATENCY)
        bridge.relay()
        bridge.withdraw("alice", 2 * UNIT)
        with pytest.raises(RateLimited):
            bridge.withdraw("alice", 1)


class TestPause:
    def test_guardian_pauses_deposits_and_their_delivery(self, world) -> None:
        """Paused deposits: no new deposit, and pending ones wait (as BridgingManager); unpause resumes."""
        state, bridge = world.state, world.bridge
        mid = bridge.deposit("alice", UNIT)
        bridge.pause(DEPOSIT, "guardian")
        assert state.events[-1] == DirectionPaused("bridge", DEPOSIT, "guardian")
        with pytest.raises(BridgePaused):
            bridge.deposit("alice", UNIT)
        state.advance(LATENCY)
        assert bridge.relay() == []
        with pytest.raises(BridgePaused):
            bridge.deliver(mid)
        assert bridge.message(mid).status == PENDING
        bridge.unpause(DEPOSIT, "dao")
        assert bridge.relay() == [mid]

    def test_pause_rules(self, world) -> None:
        """Only guardian or admin may pause; pausing twice or unpausing a live direction reverts."""
        bridge, state = world.bridge, world.state
        digest = state.digest()
        with pytest.raises(Unauthorized):
            bridge.pause(WITHDRAWAL, "alice")
        with pytest.raises(NotPaused):
            bridge.unpause(WITHDRAWAL, "guardian")
        assert state.digest() == digest
        bridge.pause(WITHDRAWAL, "guardian")
        with pytest.raises(AlreadyPaused):
            bridge.pause(WITHDRAWAL, "dao")
        assert bridge.get_param("paused_withdrawals") == 1
        assert bridge.get_param("paused_deposits") == 0

    def test_governance_pauses_through_parameters(self, world) -> None:
        """The admin sets paused_withdrawals=1 through set_param; withdrawals then revert."""
        state, bridge = world.state, world.bridge
        bridge.deposit("alice", UNIT)
        state.advance(LATENCY)
        bridge.relay()
        bridge.set_param("paused_withdrawals", 1, "dao")
        assert state.events[-1] == ParameterSet("bridge", "paused_withdrawals", 0, 1)
        with pytest.raises(BridgePaused):
            bridge.withdraw("alice", UNIT)
        with pytest.raises(Unauthorized):
            bridge.set_param("paused_withdrawals", 0, "guardian")


class TestOrdering:
    def test_reorder_allowed_by_default(self, world) -> None:
        """Without ordered delivery the second deposit may arrive first."""
        state, bridge = world.state, world.bridge
        first = bridge.deposit("alice", UNIT)
        second = bridge.deposit("alice", 2 * UNIT, "bob")
        state.advance(LATENCY)
        bridge.deliver(second)
        assert state.balance_of(world.wrapped, "bob") == 2 * UNIT
        assert bridge.pending() == (first,)

    def test_ordered_delivery_refuses_overtaking(self) -> None:
        """With ordered delivery an overtaking message reverts; relay delivers both in order."""
        w = make_world(ordered_delivery=1)
        state, bridge = w.state, w.bridge
        first = bridge.deposit("alice", UNIT)
        state.advance(10)
        second = bridge.deposit("alice", UNIT)
        state.advance(LATENCY)
        digest = state.digest()
        with pytest.raises(OutOfOrder):
            bridge.deliver(second)
        assert state.digest() == digest
        assert bridge.relay() == [first, second]

    def test_ordered_relay_stops_behind_a_delayed_message(self) -> None:
        """With ordered delivery a delayed message holds back later ones of its direction."""
        w = make_world(ordered_delivery=1)
        state, bridge = w.state, w.bridge
        first = bridge.deposit("alice", UNIT)
        second = bridge.deposit("alice", UNIT)
        bridge.delay(first, 100)
        state.advance(LATENCY)
        assert bridge.relay() == []
        state.advance(100)
        assert bridge.relay() == [first, second]
