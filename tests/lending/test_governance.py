"""Governable parameters, feeds in other decimals, collateral toggles, and v3.0.2 vs v3.3 switches."""

from __future__ import annotations

import pytest

from chain import ManualFeed, ParameterSet, UnknownAccount, WrongNetwork
from chain.fixedpoint import UINT256_MAX, percent_mul, wad_div
from lending import CollateralSet, FeedSet, Market, MustNotLeaveDust, ReserveInactive, UserEModeSet
from tests.lending.conftest import make_world

E18, U6, P8 = 10**18, 10**6, 10**8


def wsteth_loan(world, emode: bool = False) -> None:
    m = world.market
    m.supply("bob", world.weth, 100 * E18)
    m.supply("bob", world.usdc, 100_000 * U6)
    m.supply("alice", world.wsteth, 10 * E18)
    if emode:
        m.set_emode("alice", 1)
        m.borrow("alice", world.weth, 10 * E18)
    else:
        m.borrow("alice", world.usdc, 10_000 * U6)


class TestParams:
    def test_names(self, world) -> None:
        """The governance names exist with their bounds."""
        specs = world.market.param_specs()
        for name in ("WETH.liquidation_threshold", "wstETH.liquidation_threshold", "wstETH.ltv",
                     "USDC.supply_cap", "USDC.borrow_cap", "WETH.reserve_factor", "WETH.liquidation_bonus",
                     "emode.1.ltv", "emode.1.liquidation_threshold", "flash_premium_total", "liquidation_v33"):
            assert name in specs
        assert (specs["wstETH.ltv"].lo, specs["wstETH.ltv"].hi, specs["wstETH.ltv"].unit) == (0, 10_000, "bps")

    def test_wsteth_threshold_reaches_hf(self, world) -> None:
        """wstETH.liquidation_threshold 8100 -> 7900 shows in HF at once, with ParameterSet."""
        wsteth_loan(world)
        m = world.market
        m.set_param("wstETH.ltv", 7000)
        m.set_param("wstETH.liquidation_threshold", 7900)
        assert world.state.events[-1] == ParameterSet("aave", "wstETH.liquidation_threshold", 8100, 7900)
        assert m.health_factor("alice") == wad_div(percent_mul(23_000 * P8, 7900), 10_000 * P8)

    def test_emode_threshold_reaches_hf(self, world) -> None:
        """emode.1.liquidation_threshold applies to eMode users only, at once."""
        wsteth_loan(world, emode=True)
        world.market.set_param("emode.1.liquidation_threshold", 9400)
        assert world.market.get_param("emode.1.liquidation_threshold") == 9400
        assert world.market.health_factor("alice") == wad_div(percent_mul(23_000 * P8, 9400), 20_000 * P8)

    def test_reserve_factor_accrues_first(self, world) -> None:
        """Changing the reserve factor books the past interest at the old factor."""
        wsteth_loan(world)
        m = world.market
        world.state.advance(365 * 86400)
        m.set_param("USDC.reserve_factor", 5000)
        rs = m.reserve_state(world.usdc)
        assert rs.last_update == world.state.now and rs.accrued_to_treasury > 0
        before = rs.accrued_to_treasury
        m.set_param("USDC.reserve_factor", 1000)
        assert m.reserve_state(world.usdc).accrued_to_treasury == before

    def test_v33_flag_switches_rules(self) -> None:
        """The same partial liquidation passes under v3.0.2 and is dust under v3.3."""
        world = make_world()
        m = world.market
        m.supply("bob", world.usdc, 100_000 * U6)
        m.supply("alice", world.weth, 10 * E18)
        m.borrow("alice", world.usdc, 16_000 * U6)
        world.feed("WETH").set(1700 * P8)
        fork = world.state.fork()
        fork.contract("aave").set_param("liquidation_v33", 1)
        with pytest.raises(MustNotLeaveDust):
            fork.contract("aave").liquidate("liquidator", "alice", world.weth, world.usdc, 15_500 * U6)
        s = m.liquidate("liquidator", "alice", world.weth, world.usdc, 15_500 * U6)
        assert s.debt == 15_500 * U6


class TestFeedsAndToggles:
    def test_feed_with_other_decimals(self, world) -> None:
        """An 18-decimal feed is read in the market's 8 decimals (rounded down)."""
        ManualFeed.deploy(world.state, "weth-usd-18", "ethereum", base="WETH", quote="USD", decimals=18,
                          answer=1999_123456789123456789)
        world.market.set_feed(world.weth, "weth-usd-18")
        assert world.market.price(world.weth) == 1999_12345678

    def test_collateral_toggle(self, world) -> None:
        """Turning collateral off and on emits CollateralSet; off removes it from the account."""
        m = world.market
        m.supply("alice", world.weth, E18)
        m.set_collateral("alice", world.weth, False)
        assert m.account_data("alice").total_collateral_base == 0
        assert world.state.events[-1] == CollateralSet("aave", world.weth, "alice", False)
        m.set_collateral("alice", world.weth, True)
        assert m.account_data("alice").total_collateral_base == 2000 * P8

    def test_leave_emode(self, world) -> None:
        """Leaving eMode is allowed while HF stays >= 1 and emits UserEModeSet."""
        m = world.market
        m.supply("bob", world.weth, 100 * E18)
        m.supply("alice", world.wsteth, 10 * E18)
        m.set_emode("alice", 1)
        m.borrow("alice", world.weth, E18)
        m.set_emode("alice", 0)
        assert world.state.events[-1] == UserEModeSet("aave", "alice", 0)
        assert m.account_data("alice").liquidation_threshold == 8100

    def test_withdraw_max_sentinel(self, world) -> None:
        """2**256-1 withdraws everything, interest included."""
        m = world.market
        m.supply("alice", world.usdc, 1_000 * U6)
        m.supply("bob", world.weth, 10 * E18)
        m.borrow("bob", world.usdc, 500 * U6)
        world.state.advance(86400 * 100)
        m.repay("bob", world.usdc)
        owed = m.supplied("alice", world.usdc)
        assert owed > 1_000 * U6
        assert m.withdraw("alice", world.usdc, UINT256_MAX) == owed
        assert m.supplied("alice", world.usdc) == 0


class TestReserveConfig:
    def test_a_new_feed_through_set_reserve_config(self, world) -> None:
        """set_reserve_config(feed=...) checks the feed as set_feed does, emits FeedSet, and the
        price reads from the new feed at once."""
        m = world.market
        m.set_reserve_config(world.usdc, feed="wsteth-usd")
        assert world.state.events[-1] == FeedSet("aave", world.usdc, "usdc-usd", "wsteth-usd")
        assert m.price(world.usdc) == 2300 * P8

    def test_deactivated_reserve_refuses_supply(self, world) -> None:
        """active=False (a bool, as a listing takes it) stops supply with ReserveInactive."""
        world.market.set_reserve_config(world.usdc, active=False)
        with pytest.raises(ReserveInactive):
            world.market.supply("alice", world.usdc, U6)

    def test_treasury_of_another_network_is_refused(self, world) -> None:
        """A market's treasury is an account or a contract of its own network."""
        state = world.state
        state.add_network("arbitrum")
        ManualFeed.deploy(state, "arb-feed", "arbitrum", base="WETH", quote="USD", decimals=8, answer=P8)
        with pytest.raises(WrongNetwork):
            Market.deploy(state, "aave2", "ethereum", treasury="arb-feed")
        with pytest.raises(UnknownAccount):
            Market.deploy(state, "aave2", "ethereum", treasury="nobody")
        assert Market.deploy(state, "aave2", "ethereum", treasury="usdc-usd").config().treasury == "usdc-usd"
