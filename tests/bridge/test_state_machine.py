"""A hypothesis state machine over deposits, withdrawals, deliveries, delays, drops, retries,
pauses and rate-limit windows, run against a ghost model of what must happen."""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from bridge import (
    DELIVERED,
    DEPOSIT,
    DROPPED,
    WITHDRAWAL,
    AlreadyDelivered,
    AmountBelowFee,
    BridgePaused,
    MessageDelivered,
    MessageNotPending,
    NotYetDeliverable,
    RateLimited,
)
from chain import InsufficientBalance
from tests.bridge.conftest import LATENCY, make_world

UNIT = 10**18
FIXED, BPS = 3, 25
LIMIT, WINDOW = 100 * UNIT, 3_600
CHALLENGE = 3 * LATENCY
LATENCIES = {DEPOSIT: LATENCY, WITHDRAWAL: CHALLENGE}
PEOPLE = ("alice", "bob")

amounts = st.one_of(st.integers(1, 30).map(lambda n: n * UNIT), st.integers(1, 10**6))


class BridgeMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.w = make_world(
            fee_fixed=FIXED,
            fee_bps=BPS,
            deposit_limit_per_window=LIMIT,
            withdrawal_limit_per_window=LIMIT,
            rate_limit_window=WINDOW,
            withdrawal_delay=CHALLENGE,
        )
        self.state, self.bridge = self.w.state, self.w.bridge
        self.state.mint(self.w.canonical, "bob", 500 * UNIT)
        self.total_canonical = self.state.total_supply(self.w.canonical)
        # ghost model
        self.msgs: dict[int, dict] = {}
        self.in_flight = {DEPOSIT: 0, WITHDRAWAL: 0}
        self.paused = {DEPOSIT: False, WITHDRAWAL: False}
        self.windows = {DEPOSIT: (None, 0), WITHDRAWAL: (None, 0)}

    # --- helpers ----------------------------------------------------------------------------

    def _predict_send(self, direction: str, sender: str, amount: int):
        token = self.w.canonical if direction == DEPOSIT else self.w.wrapped
        fee = FIXED + -(-amount * BPS // 10_000)
        index = self.state.now // WINDOW
        used = self.windows[direction][1] if self.windows[direction][0] == index else 0
        if self.paused[direction]:
            return BridgePaused, fee, index, used
        if amount <= fee:
            return AmountBelowFee, fee, index, used
        if used + amount > LIMIT:
            return RateLimited, fee, index, used
        if self.state.balance_of(token, sender) < amount:
            return InsufficientBalance, fee, index, used
        return None, fee, index, used

    def _send(self, direction: str, sender: str, recipient: str, amount: int) -> None:
        error, fee, index, used = self._predict_send(direction, sender, amount)
        digest = self.state.digest()
        call = self.bridge.deposit if direction == DEPOSIT else self.bridge.withdraw
        if error is not None:
            try:
                call(sender, amount, recipient)
            except error:
                assert self.state.digest() == digest
                return
            raise AssertionError(f"expected {error.__name__}")
        mid = call(sender, amount, recipient)
        assert mid not in self.msgs
        self.windows[direction] = (index, used + amount)
        self.in_flight[direction] += amount - fee
        self.msgs[mid] = {
            "direction": direction,
            "recipient": recipient,
            "amount": amount - fee,
            "due": self.state.now + LATENCIES[direction],
            "status": "pending",
        }

    def _ids(self, status: str) -> list[int]:
        return sorted(i for i, m in self.msgs.items() if m["status"] == status)

    def _delivered(self, mid: int) -> None:
        ghost = self.msgs[mid]
        ghost["status"] = DELIVERED
        self.in_flight[ghost["direction"]] -= ghost["amount"]

    # --- rules ------------------------------------------------------------------------------

    @rule(sender=st.sampled_from(PEOPLE), recipient=st.sampled_from(PEOPLE), amount=amounts)
    def deposit(self, sender: str, recipient: str, amount: int) -> None:
        self._send(DEPOSIT, sender, recipient, amount)

    @initialize(first=st.lists(amounts, min_size=1, max_size=3))
    def bridged_at_start(self, first: list[int]) -> None:
        for i, amount in enumerate(first):
            self._send(DEPOSIT, "alice", PEOPLE[i % 2], amount)
        self.state.advance(LATENCY)
        self._relay()

    @rule(
        sender=st.sampled_from(PEOPLE),
        recipient=st.sampled_from(PEOPLE),
        share=st.one_of(st.integers(1, 10_000), st.just(10_001)),
    )
    def withdraw(self, sender: str, recipient: str, share: int) -> None:
        balance = self.state.balance_of(self.w.wrapped, sender)
        self._send(WITHDRAWAL, sender, recipient, max(balance * share // 10_000, 1))

    @precondition(lambda self: self.msgs)
    @rule(data=st.data())
    def deliver(self, data) -> None:
        undelivered = sorted(i for i, m in self.msgs.items() if m["status"] != DELIVERED)
        pool = undelivered if undelivered and data.draw(st.integers(0, 3)) else sorted(self.msgs)
        mid = data.draw(st.sampled_from(pool))
        ghost = self.msgs[mid]
        expected = {DELIVERED: AlreadyDelivered, DROPPED: MessageNotPending}.get(ghost["status"])
        if expected is None and self.paused[ghost["direction"]]:
            expected = BridgePaused
        if expected is None and self.state.now < ghost["due"]:
            expected = NotYetDeliverable
        digest = self.state.digest()
        if expected is not None:
            try:
                self.bridge.deliver(mid)
            except expected:
                assert self.state.digest() == digest
                return
            raise AssertionError(f"expected {expected.__name__}")
        token = self.w.wrapped if ghost["direction"] == DEPOSIT else self.w.canonical
        before = self.state.balance_of(token, ghost["recipient"])
        self.bridge.deliver(mid)
        assert self.state.balance_of(token, ghost["recipient"]) == before + ghost["amount"]
        self._delivered(mid)

    @rule()
    def relay(self) -> None:
        self._relay()

    def _relay(self) -> None:
        due = [
            i
            for i in self._ids("pending")
            if self.msgs[i]["due"] <= self.state.now and not self.paused[self.msgs[i]["direction"]]
        ]
        assert self.bridge.relay() == due
        for mid in due:
            self._delivered(mid)

    @rule(seconds=st.sampled_from([1, 59, LATENCY - 1, LATENCY, WINDOW, CHALLENGE]), then_relay=st.booleans())
    def advance(self, seconds: int, then_relay: bool) -> None:
        self.state.advance(seconds)
        if then_relay:
            self._relay()

    @precondition(lambda self: self._ids("pending"))
    @rule(data=st.data(), seconds=st.integers(0, 2 * LATENCY))
    def delay(self, data, seconds: int) -> None:
        mid = data.draw(st.sampled_from(self._ids("pending")))
        self.bridge.delay(mid, seconds)
        self.msgs[mid]["due"] += seconds

    @precondition(lambda self: self._ids("pending"))
    @rule(data=st.data())
    def drop(self, data) -> None:
        mid = data.draw(st.sampled_from(self._ids("pending")))
        self.bridge.drop(mid)
        self.msgs[mid]["status"] = DROPPED

    @precondition(lambda self: self._ids(DROPPED))
    @rule(data=st.data())
    def retry(self, data) -> None:
        mid = data.draw(st.sampled_from(self._ids(DROPPED)))
        self.bridge.retry(mid)
        self.msgs[mid].update(status="pending", due=self.state.now + LATENCIES[self.msgs[mid]["direction"]])

    @rule(direction=st.sampled_from([DEPOSIT, WITHDRAWAL]), really=st.integers(0, 2))
    def toggle_pause(self, direction: str, really: int) -> None:
        if really and not self.paused[direction]:
            return
        if self.paused[direction]:
            self.bridge.unpause(direction, "dao")
        else:
            self.bridge.pause(direction, "guardian")
        self.paused[direction] = not self.paused[direction]

    # --- invariants -------------------------------------------------------------------------

    @invariant()
    def backing_equation(self) -> None:
        """wrapped supply + in-flight deposits == escrow - in-flight withdrawals (ghost totals)."""
        state = self.state
        escrow = state.balance_of(self.w.canonical, "bridge")
        supply = state.total_supply(self.w.wrapped)
        assert supply + self.in_flight[DEPOSIT] == escrow - self.in_flight[WITHDRAWAL]
        totals = self.bridge.totals()
        assert (totals.in_flight_deposits, totals.in_flight_withdrawals) == (
            self.in_flight[DEPOSIT],
            self.in_flight[WITHDRAWAL],
        )
        assert self.bridge.backing_ratio() == 1
        held = sum(state.balance_of(self.w.canonical, who) for who in (*PEOPLE, "treasury", "bridge"))
        assert held == self.total_canonical

    @invariant()
    def delivered_once_and_drops_visible(self) -> None:
        """Each message is delivered at most once; every dropped message is listed and still in flight."""
        seen = [e.message_id for e in self.state.events if isinstance(e, MessageDelivered)]
        assert len(seen) == len(set(seen))
        assert sorted(seen) == self._ids(DELIVERED)
        assert [m.id for m in self.bridge.messages(status=DROPPED)] == self._ids(DROPPED)
        assert list(self.bridge.pending()) == self._ids("pending")


BridgeMachine.TestCase.settings = settings(max_examples=100, stateful_step_count=30, deadline=None)
TestBridgeMachine = BridgeMachine.TestCase
