"""Service slashing (EigenLayer v1.3.0 ``AllocationManager.slashOperator`` ->
``DelegationManager.slashOperatorShares`` -> burn): magnitudes, the socialised loss over the
operator's delegators, queued withdrawals in their delay, deallocation delay, refusals."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import chain
from restaking import (
    BURN_ADDRESS,
    DEALLOCATION_DELAY,
    WITHDRAWAL_DELAY,
    InsufficientMagnitude,
    InvalidWadToSlash,
    ModificationAlreadyPending,
    OperatorSlashed,
    UnknownService,
)
from tests.restaking.conftest import ETH, WAD, make_world, unchanged


def _ceil(a: int, b: int) -> int:
    return -(-a // b)


class TestSlash:
    def test_twenty_percent_of_half_the_stake(self, staked):
        """Slashing 20% of an allocation of half the stake costs every delegator 10%:
        magnitude ceil(0.5e18 * 0.2) = 1e17 leaves max 0.9e18; 40 - ceil(40 * 0.9) = 4 burned."""
        state, token, manager, strategy, service = staked
        am = manager.allocation
        manager.deposit("carol", strategy, 50 * ETH)  # undelegated: not slashable
        burned = am.slash("avs", "op1", strategy, 2 * 10**17)
        assert burned == 4 * ETH == state.balance_of(token, BURN_ADDRESS)
        assert am.max_magnitude("op1", strategy) == 9 * 10**17
        assert am.allocation("op1", service, strategy).current == 4 * 10**17
        assert manager.shares_of("alice", strategy) == 27 * ETH
        assert manager.shares_of("bob", strategy) == 9 * ETH
        assert manager.shares_of("carol", strategy) == 50 * ETH
        assert manager.strategy_assets(strategy) == 86 * ETH == manager.total_shares(strategy)
        assert state.events[-1] == OperatorSlashed(service, "avs", "op1", strategy, 2 * 10**17, 10**17,
                                                   4 * ETH, 4 * ETH, "double-signing")

    @settings(max_examples=60, deadline=None)
    @given(a=st.integers(10**6, 10**24), b=st.integers(10**6, 10**24),
           magnitude=st.integers(1, WAD), wad=st.integers(1, WAD))
    def test_loss_is_the_written_out_fraction(self, a, b, magnitude, wad):
        """For any stakes, allocation m and fraction w: magnitude ceil(m*w/1e18) is cut, the pool
        of P shares keeps ceil(P*(1e18 - cut)/1e18), and each delegator's withdrawable shares
        are floor(units * kept / units_total), within [floor(s*r), s*r + 2] of its s before
        (r = kept magnitude / 1e18)."""
        _state, _token, manager, strategy = make_world()
        dm, am = manager.delegation, manager.allocation
        dm.register_operator("op1")
        for who, amount in (("alice", a), ("bob", b)):
            manager.deposit(who, strategy, amount)
            dm.delegate(who, "op1")
        service = am.create_service("avs", 0, "any")
        am.allocate("op1", service, strategy, magnitude)
        before = {w: manager.shares_of(w, strategy) for w in ("alice", "bob")}
        pool_shares = a + b
        cut = _ceil(magnitude * wad, WAD)
        kept = _ceil(pool_shares * (WAD - cut), WAD)
        assets = am.slash("avs", "op1", strategy, wad)
        assert dm.pool("op1", strategy).shares == kept
        assert assets == (pool_shares + 1000) * (pool_shares - kept) // (pool_shares + 1000)
        for who, amount in (("alice", a), ("bob", b)):
            after = manager.shares_of(who, strategy)
            assert after == amount * kept // pool_shares
            assert before[who] * (WAD - cut) // WAD <= after <= before[who] * (WAD - cut) // WAD + 2

    def test_queued_withdrawal_is_slashed_in_its_delay(self, staked):
        """A withdrawal queued before a slash loses the same fraction when it completes."""
        state, _token, manager, strategy, _ = staked
        dm = manager.delegation
        wid = dm.queue_withdrawal("alice", strategy, 30 * ETH)
        manager.allocation.slash("avs", "op1", strategy, 2 * 10**17)
        assert dm.withdrawal_shares(wid) == 27 * ETH
        assert manager.shares_of("bob", strategy) == 9 * ETH
        state.advance(WITHDRAWAL_DELAY)
        assert dm.complete_withdrawal("alice", wid) == 27 * ETH

    def test_full_slash_of_a_full_allocation(self, world):
        """Slashing 100% of a 100% allocation burns the whole pool and closes it to deposits."""
        state, _token, manager, strategy = world
        dm, am = manager.delegation, manager.allocation
        dm.register_operator("op1")
        manager.deposit("alice", strategy, 7 * ETH)
        dm.delegate("alice", "op1")
        service = am.create_service("avs", 0, "any")
        am.allocate("op1", service, strategy, WAD)
        assert am.slash("avs", "op1", strategy, WAD) == 7 * ETH
        assert manager.shares_of("alice", strategy) == 0 and am.max_magnitude("op1", strategy) == 0
        from restaking import FullySlashed
        unchanged(state, lambda: manager.deposit("alice", strategy, ETH), FullySlashed)
        assert dm.undelegate("alice") == ()
        assert dm.pool("op1", strategy).units == 0

    def test_nothing_allocated_slashes_nothing(self, staked):
        """A slash of an operator with no magnitude in the service burns 0 (EigenLayer skips)."""
        _state, _token, manager, strategy, _ = staked
        manager.delegation.register_operator("op2")
        assert manager.allocation.slash("avs", "op2", strategy, WAD) == 0


class TestAllocations:
    def test_magnitude_is_bounded_by_the_max(self, staked):
        """Allocations to all services together stay within the max magnitude."""
        state, _token, manager, strategy, _service = staked
        am = manager.allocation
        other = am.create_service("avs2", 100, "liveness")
        am.allocate("op1", other, strategy, WAD // 2)
        assert am.encumbered_magnitude("op1", strategy) == WAD
        unchanged(state, lambda: am.allocate("op1", other, strategy, WAD // 2 + 1), InsufficientMagnitude)

    def test_deallocation_stays_slashable_for_the_delay(self, staked):
        """A decrease frees magnitude only after the deallocation delay; until then a slash
        takes the old allocation (and the pending decrease shrinks by the same fraction)."""
        state, _token, manager, strategy, service = staked
        am = manager.allocation
        am.allocate("op1", service, strategy, 0)
        unchanged(state, lambda: am.allocate("op1", service, strategy, WAD // 4), ModificationAlreadyPending)
        state.advance(DEALLOCATION_DELAY - 1)
        assert am.allocation("op1", service, strategy).current == WAD // 2
        assert am.slash("avs", "op1", strategy, 2 * 10**17) == 4 * ETH
        assert am.allocation("op1", service, strategy).pending == 4 * 10**17
        state.advance(1)
        assert am.allocation("op1", service, strategy).current == 0
        assert am.slash("avs", "op1", strategy, WAD) == 0

    def test_slash_refusals(self, staked):
        """Fractions in (0, 1e18]; an AVS slashes through its own services only."""
        state, _token, manager, strategy, service = staked
        am = manager.allocation
        for bad in (0, WAD + 1, 0.5):
            unchanged(state, lambda bad=bad: am.slash("avs", "op1", strategy, bad), InvalidWadToSlash)
        unchanged(state, lambda: am.slash("avs2", "op1", strategy, WAD), UnknownService)
        unchanged(state, lambda: am.slash("avs2", "op1", strategy, WAD, service=service), UnknownService)
        unchanged(state, lambda: am.create_service("avs", 10_001, "x"), chain.InvalidArgument)
