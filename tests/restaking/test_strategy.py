"""Strategies: StrategyBase's virtual-offset share math (EigenLayer v1.3.0
``src/contracts/strategies/StrategyBase.sol``), deposits, the inflation-attack defence."""

from __future__ import annotations

import pytest

import chain
from restaking import NewSharesZero, StrategyExists, UnknownStrategy, WrongToken, sharemath
from restaking.strategy import Strategy
from tests.restaking.conftest import ETH, make_world, unchanged


class TestShareMath:
    def test_empty_strategy_mints_one_to_one(self, world):
        """The first deposit into an empty strategy mints shares 1:1 (1e3/1e3 virtual rate)."""
        state, token, manager, strategy = world
        assert manager.deposit("alice", strategy, 5 * ETH) == 5 * ETH
        assert manager.shares_of("alice", strategy) == 5 * ETH
        assert manager.strategy_assets(strategy) == 5 * ETH == state.balance_of(token, strategy)

    def test_donation_raises_the_rate_with_virtual_offsets(self, world):
        """After a donation, shares and assets follow (balance + 1e3) / (total + 1e3) exactly."""
        state, token, manager, strategy = world
        manager.deposit("alice", strategy, 1000)
        state.transfer(token, "bob", strategy, 1000)  # a donation: the balance is the assets
        assert manager.to_assets(strategy, 1000) == (2000 + 1000) * 1000 // (1000 + 1000) == 1500
        # the next deposit: amount * (total + 1e3) // (balance before + 1e3)
        assert manager.deposit("carol", strategy, 999) == 999 * 2000 // 3000 == 666

    def test_inflation_attack_costs_the_attacker(self, world):
        """A 1-wei first deposit plus a large donation leaves the attacker far less than it gave."""
        state, token, manager, strategy = world
        manager.deposit("bob", strategy, 1)
        state.transfer(token, "bob", strategy, 10 * ETH)
        victim = manager.deposit("alice", strategy, 10 * ETH)
        # shares = 1e19 * (1 + 1e3) // (1e19 + 1 + 1e3): 1000 shares, not 0 as without offsets
        assert victim == 10 * ETH * 1001 // (10 * ETH + 1001) == 1000
        attacker = manager.to_assets(strategy, manager.shares_of("bob", strategy))
        assert attacker < ETH // 100  # the virtual shares absorbed nearly all of the donation

    def test_zero_shares_refused(self, world):
        """A deposit that would mint 0 shares reverts NewSharesZero and writes nothing."""
        state, token, manager, strategy = world
        manager.deposit("bob", strategy, 1)
        state.transfer(token, "bob", strategy, 10 * ETH)
        unchanged(state, lambda: manager.deposit("alice", strategy, 10**15), NewSharesZero)

    def test_pool_math_rounds_against_the_staker(self):
        """Out of a pool floors, into a withdrawal rounds up; slashed shares never overslash."""
        assert sharemath.shares_for(3, 10, 7) == 4  # 30/7 = 4.28
        assert sharemath.units_to_cover(4, 10, 7) == 3  # ceil(28/10)
        assert sharemath.units_for(5, 10, 7) == 3  # floor(35/10)
        assert sharemath.slashed_shares(10, 3, 2) == 10 - 7 == 3  # 10 - ceil(20/3)
        assert sharemath.magnitude_to_slash(3, 5 * 10**17) == 2  # ceil(1.5)


class TestStrategies:
    def test_one_strategy_per_token(self, world):
        """A second strategy for the same token is refused."""
        state, token, manager, strategy = world
        assert manager.strategies() == (strategy,) and manager.strategy_for(token) == strategy
        unchanged(state, lambda: manager.add_strategy(token), StrategyExists)

    def test_token_of_another_network_refused(self, world):
        """A strategy holds tokens of the restaking contracts' network only."""
        state, _token, manager, _strategy = world
        state.add_network("l2")
        other = state.add_token("l2", "X")
        unchanged(state, lambda: manager.add_strategy(other), WrongToken)

    def test_owner_whitelists(self):
        """With an owner, only the owner adds strategies."""
        state, _token, manager, _strategy = make_world(owner="carol")
        weth = state.add_token("ethereum", "WETH")
        unchanged(state, lambda: manager.add_strategy(weth, caller="alice"), chain.Unauthorized)
        with state.tx("carol"):
            assert manager.add_strategy(weth) == "eigen.strategy.WETH"

    def test_unknown_strategy(self, world):
        """Deposits into anything but a strategy of this manager are refused."""
        state, _token, manager, _strategy = world
        unchanged(state, lambda: manager.deposit("alice", "eigen", ETH), UnknownStrategy)

    def test_strategy_moves_only_from_its_manager(self, world):
        """The strategy's deposit and withdraw run only from the manager's code."""
        state, _token, manager, strategy = world
        manager.deposit("alice", strategy, ETH)
        target: Strategy = state.contract(strategy)
        unchanged(state, lambda: target.withdraw("alice", ETH), chain.Unauthorized)
        with state.tx("alice"), pytest.raises(chain.Unauthorized):
            target.deposit(ETH)
        unchanged(state, lambda: manager.burn_shares(strategy, 1), chain.Unauthorized)
        unchanged(state, lambda: manager.set_deposit_shares("alice", strategy, 10 * ETH), chain.Unauthorized)
        unchanged(state, lambda: manager.deposit_rewards("alice", strategy, ETH), chain.Unauthorized)
