"""Service rewards (this package's model of RewardsCoordinator submissions): minted shares
split by allocated stake, the operator's 10% (mainnet GLOBAL_OPERATOR_COMMISSION_BIPS) as its
own units, the rest to every unit of its pool; the annual-rate bill of a service."""

from __future__ import annotations

from restaking import OPERATOR_SPLIT_BPS, NoRewardableStake, RewardsSubmitted
from tests.restaking.conftest import ETH, WAD, unchanged


def test_mainnet_operator_split():
    """GLOBAL_OPERATOR_COMMISSION_BIPS: 1000 (script/configs/mainnet.json at v1.3.0)."""
    assert OPERATOR_SPLIT_BPS == 1000


def test_reward_raises_delegators_and_pays_the_operator(staked):
    """1 token into a strategy at rate 1 mints 1e18 shares: 0.9e18 to the pool, 0.1e18 as
    floor(1e17 * 40e18 / 40.9e18) new units of op1."""
    state, _token, manager, strategy, service = staked
    dm, am = manager.delegation, manager.allocation
    manager.deposit("carol", strategy, 10 * ETH)  # undelegated: earns nothing
    assert am.reward(service, strategy, ETH) == ETH
    cut_units = 10**17 * 40 * ETH // (409 * 10**17)
    pool = dm.pool("op1", strategy)
    assert (pool.shares, pool.units) == (41 * ETH, 40 * ETH + cut_units)
    assert manager.shares_of("alice", strategy) == 30 * ETH * 41 * ETH // pool.units
    assert manager.shares_of("op1", strategy) == cut_units * 41 * ETH // pool.units
    assert manager.shares_of("carol", strategy) == 10 * ETH
    assert state.events[-1] == RewardsSubmitted(service, "avs", strategy, ETH, ETH)
    # alice's gain is 30/40 of the stakers' 0.9 share, within the floors
    assert 30 * ETH + 675 * 10**15 - 2 <= manager.shares_of("alice", strategy) <= 30 * ETH + 675 * 10**15


def test_reward_split_by_allocated_stake(staked):
    """op1 (40 shares at half) and op2 (20 shares in full) have 20 each at stake: equal halves."""
    _state, _token, manager, strategy, service = staked
    dm, am = manager.delegation, manager.allocation
    dm.register_operator("op2")
    manager.deposit("carol", strategy, 20 * ETH)
    dm.delegate("carol", "op2")
    am.allocate("op2", service, strategy, WAD)
    am.reward(service, strategy, 2 * ETH)
    assert dm.pool("op1", strategy).shares == 41 * ETH
    assert dm.pool("op2", strategy).shares == 21 * ETH


def test_due_reward_is_the_annual_rate(staked):
    """20 tokens at stake at 5%/yr owe exactly 1 token a year."""
    _state, _token, manager, strategy, service = staked
    assert manager.allocation.due_reward(service, strategy, 365 * 86400) == ETH


def test_nobody_to_reward(world):
    """A service without allocated stake cannot pay rewards."""
    state, _token, manager, strategy = world
    service = manager.allocation.create_service("avs", 100, "x")
    unchanged(state, lambda: manager.allocation.reward(service, strategy, ETH), NoRewardableStake)
