"""Delegation and queued withdrawals (EigenLayer v1.3.0 ``DelegationManager``): operator pools,
the 14-day withdrawal delay of the mainnet deployment, undelegation, refusals."""

from __future__ import annotations

import pytest

import chain
from restaking import (
    WITHDRAWAL_DELAY,
    ActivelyDelegated,
    AlreadyOperator,
    InsufficientShares,
    NotActivelyDelegated,
    NotWithdrawer,
    OperatorsCannotUndelegate,
    UnknownOperator,
    UnknownWithdrawal,
    WithdrawalAlreadyCompleted,
    WithdrawalCompleted,
    WithdrawalNotReady,
)
from tests.restaking.conftest import ETH, unchanged


def test_mainnet_withdrawal_delay():
    """100800 blocks of 12 s (script/configs/mainnet.json at v1.3.0) = 14 days."""
    assert WITHDRAWAL_DELAY == 100_800 * 12 == 14 * 24 * 3600


class TestDelegation:
    def test_delegated_shares_join_the_operator_pool(self, staked):
        """Two delegators' shares make the operator's active pool, one unit per share at first."""
        _state, _token, manager, strategy, _ = staked
        dm = manager.delegation
        assert dm.delegated_to("alice") == "op1" and dm.delegated_to("op1") == "op1"
        assert dm.pool("op1", strategy).shares == dm.pool("op1", strategy).units == 40 * ETH
        assert dm.operator_shares("op1", strategy) == 40 * ETH
        assert manager.shares_of("alice", strategy) == 30 * ETH
        manager.deposit("alice", strategy, 2 * ETH)  # later deposits join the pool too
        assert dm.pool("op1", strategy).shares == 42 * ETH
        assert manager.shares_of("alice", strategy) == 32 * ETH

    def test_register_and_delegate_refusals(self, staked):
        """Operators register once; stakers delegate once, to an operator; operators stay."""
        state, _token, manager, _strategy, _ = staked
        dm = manager.delegation
        unchanged(state, lambda: dm.register_operator("op1"), AlreadyOperator)
        unchanged(state, lambda: dm.register_operator("alice"), AlreadyOperator)
        unchanged(state, lambda: dm.delegate("carol", "bob"), UnknownOperator)
        dm.register_operator("op2")
        unchanged(state, lambda: dm.delegate("alice", "op2"), ActivelyDelegated)
        unchanged(state, lambda: dm.undelegate("carol"), NotActivelyDelegated)
        unchanged(state, lambda: dm.undelegate("op1"), OperatorsCannotUndelegate)

    def test_registering_moves_the_operators_own_shares(self, world):
        """An operator's own deposit joins its pool when it registers (self-delegation)."""
        _state, _token, manager, strategy = world
        manager.deposit("op2", strategy, 3 * ETH)
        manager.delegation.register_operator("op2")
        assert manager.delegation.pool("op2", strategy).shares == 3 * ETH
        assert manager.shares_of("op2", strategy) == 3 * ETH


class TestWithdrawals:
    def test_queue_and_complete_after_the_delay(self, staked):
        """A withdrawal pays its assets after exactly the delay, not one second before."""
        state, token, manager, strategy, _ = staked
        dm = manager.delegation
        before = state.balance_of(token, "alice")
        wid = dm.queue_withdrawal("alice", strategy, 12 * ETH)
        assert manager.shares_of("alice", strategy) == 18 * ETH
        assert dm.pool("op1", strategy).shares == 28 * ETH
        assert dm.pool("op1", strategy, queued=True).shares == 12 * ETH
        assert dm.withdrawable_at(wid) == state.now + WITHDRAWAL_DELAY
        state.advance(WITHDRAWAL_DELAY - 1)
        unchanged(state, lambda: dm.complete_withdrawal("alice", wid), WithdrawalNotReady)
        state.advance(1)
        assert dm.complete_withdrawal("alice", wid) == 12 * ETH
        assert state.balance_of(token, "alice") == before + 12 * ETH
        assert state.events[-1] == WithdrawalCompleted(wid, "alice", strategy, 12 * ETH, 12 * ETH)
        assert manager.total_shares(strategy) == manager.strategy_assets(strategy) == 28 * ETH
        unchanged(state, lambda: dm.complete_withdrawal("alice", wid), WithdrawalAlreadyCompleted)

    def test_withdrawal_refusals(self, staked):
        """Only the queuer completes; ids must exist; at most the withdrawable shares."""
        state, _token, manager, strategy, _ = staked
        dm = manager.delegation
        unchanged(state, lambda: dm.queue_withdrawal("alice", strategy, 30 * ETH + 1), InsufficientShares)
        unchanged(state, lambda: dm.queue_withdrawal("alice", strategy, 0), chain.InvalidAmount)
        wid = dm.queue_withdrawal("alice", strategy, ETH)
        state.advance(WITHDRAWAL_DELAY)
        unchanged(state, lambda: dm.complete_withdrawal("bob", wid), NotWithdrawer)
        unchanged(state, lambda: dm.complete_withdrawal("alice", 99), UnknownWithdrawal)

    def test_undelegate_queues_everything(self, staked):
        """Undelegating queues the whole position; the staker can then delegate elsewhere."""
        state, _token, manager, strategy, _ = staked
        dm = manager.delegation
        (wid,) = dm.undelegate("bob")
        assert dm.delegated_to("bob") is None and manager.deposit_shares("bob", strategy) == 0
        assert dm.withdrawal(wid).shares == 10 * ETH
        dm.register_operator("op2")
        dm.delegate("bob", "op2")
        state.advance(WITHDRAWAL_DELAY)
        assert dm.complete_withdrawal("bob", wid) == 10 * ETH

    def test_undelegated_withdrawal_is_plain_shares(self, world):
        """An undelegated staker's withdrawal holds plain strategy shares."""
        state, _token, manager, strategy = world
        manager.deposit("carol", strategy, 5 * ETH)
        wid = manager.delegation.queue_withdrawal("carol", strategy, 2 * ETH)
        assert manager.delegation.withdrawal(wid).operator is None
        state.advance(WITHDRAWAL_DELAY)
        assert manager.delegation.complete_withdrawal("carol", wid) == 2 * ETH
        assert manager.shares_of("carol", strategy) == 3 * ETH


class TestCallers:
    def test_acting_party_must_be_the_caller(self, staked):
        """A transaction of alice cannot deposit, delegate or withdraw for bob."""
        state, _token, manager, strategy, service = staked
        dm, am = manager.delegation, manager.allocation
        for action in (lambda: manager.deposit("bob", strategy, ETH),
                       lambda: dm.queue_withdrawal("bob", strategy, ETH),
                       lambda: dm.undelegate("bob"),
                       lambda: am.allocate("op1", service, strategy, 0),
                       lambda: am.slash("avs", "op1", strategy, 10**17),
                       lambda: am.reward(service, strategy, ETH)):
            before = state.digest()
            with pytest.raises(chain.NotTheCaller), state.tx("alice"):
                action()
            assert state.digest() == before

    def test_hooks_run_only_from_their_contracts(self, staked):
        """Pool hooks refuse every caller but the contract they serve."""
        state, _token, manager, strategy, _ = staked
        dm = manager.delegation
        unchanged(state, lambda: dm.increase_delegated_shares("alice", strategy, ETH), chain.Unauthorized)
        unchanged(state, lambda: dm.slash_operator_shares("op1", strategy, 10, 5), chain.Unauthorized)
        unchanged(state, lambda: dm.credit_rewards("op1", strategy, ETH, 0), chain.Unauthorized)
