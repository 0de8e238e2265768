"""Acceptance: restaking conservation under a hypothesis state machine of deposits,
delegations, undelegations, queued and completed withdrawals, allocations, service slashing
and rewards.

Checked after every step, exactly:
- the strategy's token balance equals the ghost flow deposits + rewards - paid - burned;
- its total shares equal the sum of the share books: undelegated stakers' shares, every
  operator's active and queued pool, and undelegated withdrawals' shares;
- each pool's units equal the units its members hold (delegated stakers' deposit shares,
  open withdrawals' units);
- shares x rate: every position's withdrawable shares valued at the strategy's rate never add
  up to more than the assets held, and fall short only by the rounding dust (the virtual
  offset's claim and at most a few shares per position);
- a slash of an operator costs each of its delegators the fraction kept/previous magnitude,
  within the floors: floor(s * r) <= s' <= s * r + 2.
"""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from restaking import BALANCE_OFFSET, SHARES_OFFSET, WITHDRAWAL_DELAY, RestakingError
from tests.restaking.conftest import ETH, WAD, make_world

STAKERS = ("alice", "bob", "carol")
OPERATORS = ("op1", "op2")


class Restaking(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.state, self.token, self.sm, self.strategy = make_world()
        self.dm, self.am = self.sm.delegation, self.sm.allocation
        for op in OPERATORS:
            self.dm.register_operator(op)
        self.service = self.am.create_service("avs", 800, "double-signing")
        self.inflow = 0
        self.outflow = 0

    @initialize(amounts=st.lists(st.integers(1, 50 * ETH), min_size=3, max_size=3),
                magnitudes=st.lists(st.integers(1, WAD), min_size=2, max_size=2))
    def start(self, amounts, magnitudes):
        """alice with op1, bob with op2, carol undelegated; both operators allocate."""
        for who, amount in zip(STAKERS, amounts):
            self.sm.deposit(who, self.strategy, amount)
            self.inflow += amount
        self.dm.delegate("alice", "op1")
        self.dm.delegate("bob", "op2")
        for op, magnitude in zip(OPERATORS, magnitudes):
            self.am.allocate(op, self.service, self.strategy, magnitude)

    def _try(self, fn):
        """Run an action; a typed refusal of this package must leave the state as it was."""
        before = self.state.digest()
        try:
            return fn()
        except RestakingError:
            assert self.state.digest() == before
            return None

    @rule(who=st.sampled_from(STAKERS + OPERATORS), amount=st.integers(1, 50 * ETH))
    def deposit(self, who, amount):
        if self._try(lambda: self.sm.deposit(who, self.strategy, amount)) is not None:
            self.inflow += amount

    @rule(who=st.sampled_from(STAKERS), op=st.sampled_from(OPERATORS))
    def delegate(self, who, op):
        if self.dm.delegated_to(who) is None:
            self._try(lambda: self.dm.delegate(who, op))

    @rule(who=st.sampled_from(STAKERS))
    def undelegate(self, who):
        if self.dm.delegated_to(who) is not None:
            self.dm.undelegate(who)

    @rule(who=st.sampled_from(STAKERS + OPERATORS), part=st.integers(1, 100))
    def queue(self, who, part):
        shares = self.sm.shares_of(who, self.strategy) * part // 100
        if shares:
            self._try(lambda: self.dm.queue_withdrawal(who, self.strategy, shares))

    @precondition(lambda self: any(not w.completed for w in self.dm.withdrawals()))
    @rule(data=st.data())
    def complete(self, data):
        w = data.draw(st.sampled_from([w for w in self.dm.withdrawals() if not w.completed]))
        wait = self.dm.withdrawable_at(w.id) - self.state.now
        if wait > 0:
            self.state.advance(wait)
        self.outflow += self.dm.complete_withdrawal(w.staker, w.id)

    @rule(op=st.sampled_from(OPERATORS), magnitude=st.integers(0, WAD))
    def allocate(self, op, magnitude):
        self._try(lambda: self.am.allocate(op, self.service, self.strategy, magnitude))

    @rule(op=st.sampled_from(OPERATORS), wad=st.integers(1, WAD))
    def slash(self, op, wad):
        prev = self.am.max_magnitude(op, self.strategy)
        members = [s for s in STAKERS + OPERATORS if self.dm.delegated_to(s) == op]
        before = {s: self.sm.shares_of(s, self.strategy) for s in members}
        self.outflow += self.am.slash("avs", op, self.strategy, wad)
        new = self.am.max_magnitude(op, self.strategy)
        for s in members:
            after = self.sm.shares_of(s, self.strategy)
            low = before[s] * new // prev if prev else 0
            assert low <= after <= low + 2

    @rule(amount=st.integers(1, 5 * ETH))
    def reward(self, amount):
        if self._try(lambda: self.am.reward(self.service, self.strategy, amount)) is not None:
            self.inflow += amount

    @rule(seconds=st.integers(0, WITHDRAWAL_DELAY))
    def wait(self, seconds):
        self.state.advance(seconds)

    # --- invariants ----------------------------------------------------------------------

    @invariant()
    def assets_follow_the_flows(self):
        assets = self.sm.strategy_assets(self.strategy)
        assert assets == self.state.balance_of(self.token, self.strategy) == self.inflow - self.outflow

    @invariant()
    def share_books_add_up(self):
        open_ws = [w for w in self.dm.withdrawals() if not w.completed]
        plain = sum(self.sm.deposit_shares(s, self.strategy) for s in STAKERS + OPERATORS
                    if self.dm.delegated_to(s) is None)
        plain += sum(w.units for w in open_ws if w.operator is None)
        pooled = 0
        for op in OPERATORS:
            active, queued = self.dm.pool(op, self.strategy), self.dm.pool(op, self.strategy, queued=True)
            pooled += active.shares + queued.shares
            assert active.units == sum(self.sm.deposit_shares(s, self.strategy) for s in STAKERS + OPERATORS
                                       if self.dm.delegated_to(s) == op)
            assert queued.units == sum(w.units for w in open_ws if w.operator == op)
            assert (active.units == 0) <= (active.shares == 0)  # no shares without owners
        assert self.sm.total_shares(self.strategy) == plain + pooled

    @invariant()
    def shares_times_rate_is_the_assets(self):
        total, assets = self.sm.total_shares(self.strategy), self.sm.strategy_assets(self.strategy)
        positions = [self.sm.shares_of(s, self.strategy) for s in STAKERS + OPERATORS]
        positions += [self.dm.withdrawal_shares(w.id) for w in self.dm.withdrawals() if not w.completed]
        value = sum(self.sm.to_assets(self.strategy, p) for p in positions)
        rate_ceil = -(-(assets + BALANCE_OFFSET) // (total + SHARES_OFFSET))
        offset_claim = -(-(assets + BALANCE_OFFSET) * SHARES_OFFSET // (total + SHARES_OFFSET))
        assert value <= assets
        assert assets - value <= offset_claim + 3 * len(positions) * (rate_ceil + 1)


Restaking.TestCase.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)
TestRestakingConservation = Restaking.TestCase
