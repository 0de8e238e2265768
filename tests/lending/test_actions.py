"""Supply, borrow, interest, repay, withdraw, collateral and governance, checked to the wei
against the published formulas (REFERENCE section 2.1-2.5) computed here step by step."""

from __future__ import annotations

import pytest

from chain import Unauthorized
from chain.fixedpoint import RAY, UINT256_MAX, percent_mul, ray_div, ray_mul, wad_div, wad_to_ray
from lending import Borrow, CollateralSet, MintedToTreasury, Repay, Supply, Withdraw
from lending.math import compounded_interest, linear_interest
from tests.lending.conftest import USDC_SETTINGS, USDC_STRATEGY

E18 = 10**18
U6 = 10**6


def open_usdc_loan(world) -> tuple[int, int]:
    m = world.market
    m.supply("bob", world.usdc, 100_000 * U6)
    m.supply("alice", world.weth, 10 * E18)
    m.borrow("alice", world.usdc, 10_000 * U6)
    return 100_000 * U6, 10_000 * U6


class TestSupply:
    def test_supply_credits_scaled_and_enables_collateral(self, world) -> None:
        """A first supply mints rayDiv(amount, index) and enables collateral; events in order."""
        m = world.market
        world.state.drain_events()
        m.supply("alice", world.weth, 3 * E18)
        assert m.position("alice").supplied_of(0) == ray_div(3 * E18, RAY) == 3 * E18
        assert m.position("alice").uses_as_collateral(0)
        assert world.state.balance_of(world.weth, "aave") == 3 * E18
        events = [e for e in world.state.events if isinstance(e, (Supply, CollateralSet))]
        assert events == [CollateralSet("aave", world.weth, "alice", True),
                          Supply("aave", world.weth, "alice", "alice", 3 * E18)]

    def test_on_behalf_of(self, world) -> None:
        """Supplying for another credits the other and takes the sender's cash."""
        world.market.supply("alice", world.weth, E18, on_behalf_of="bob")
        assert world.market.supplied("bob", world.weth) == E18
        assert world.market.supplied("alice", world.weth) == 0
        assert world.state.balance_of(world.weth, "alice") == 999 * E18

    def test_zero_ltv_not_enabled(self, world) -> None:
        """A zero-LTV asset is never enabled as collateral automatically."""
        world.market.set_param("USDC.ltv", 0)
        world.market.supply("alice", world.usdc, 100 * U6)
        assert not world.market.position("alice").uses_as_collateral(2)


class TestBorrowAndInterest:
    def test_rates_after_borrow(self, world) -> None:
        """Usage 10k/100k on a 90% kink: var = slope1 x U / U*; supply = overall x U x (1 - RF)."""
        cash_total, debt = open_usdc_loan(world)
        rs = world.market.reserve_state(world.usdc)
        usage = ray_div(debt, cash_total)
        var = ray_div(ray_mul(USDC_STRATEGY.slope1, usage), USDC_STRATEGY.optimal_usage)
        overall = ray_div(ray_mul(wad_to_ray(debt), var), wad_to_ray(debt))
        assert rs.variable_borrow_rate == var
        keep = 10_000 - USDC_SETTINGS["reserve_factor"]
        assert rs.liquidity_rate == percent_mul(ray_mul(overall, usage), keep)
        assert world.state.balance_of(world.usdc, "alice") == 10_000_000 * U6 + debt

    def test_borrow_event(self, world) -> None:
        """Borrow emits the amount and the new variable rate."""
        open_usdc_loan(world)
        rate = world.market.reserve_state(world.usdc).variable_borrow_rate
        assert world.state.events[-1] == Borrow("aave", world.usdc, "alice", 10_000 * U6, rate)

    def test_accrual_30_days(self, world) -> None:
        """After 30 days: debt by the compounded index, supply by the linear index, treasury
        share = percentMul(debt growth, RF) scaled by the new liquidity index."""
        open_usdc_loan(world)
        m = world.market
        rs0 = m.reserve_state(world.usdc)
        dt = 30 * 86400
        world.state.advance(dt)
        growth = compounded_interest(rs0.variable_borrow_rate, 0, dt)
        borrow_index = ray_mul(growth, rs0.variable_borrow_index)
        liquidity_index = ray_mul(linear_interest(rs0.liquidity_rate, 0, dt), rs0.liquidity_index)
        assert m.debt("alice", world.usdc) == ray_mul(rs0.scaled_debt, borrow_index)
        assert m.supplied("bob", world.usdc) == ray_mul(ray_div(100_000 * U6, RAY), liquidity_index)
        growth = ray_mul(rs0.scaled_debt, borrow_index) - ray_mul(rs0.scaled_debt, rs0.variable_borrow_index)
        m.supply("carol", world.usdc, U6)
        rs1 = m.reserve_state(world.usdc)
        assert rs1.accrued_to_treasury == ray_div(percent_mul(growth, 1000), liquidity_index)
        minted = m.mint_to_treasury(world.usdc)
        assert minted == ray_mul(rs1.accrued_to_treasury, liquidity_index)
        assert world.state.events[-1] == MintedToTreasury("aave", world.usdc, minted)
        treasury_scaled = ray_div(minted, liquidity_index)
        assert m.supplied("treasury", world.usdc) == ray_mul(treasury_scaled, liquidity_index)

    def test_repay_all_with_interest(self, world) -> None:
        """Repaying None pays the whole debt with interest and clears it."""
        open_usdc_loan(world)
        m = world.market
        world.state.advance(90 * 86400)
        owed = m.debt("alice", world.usdc)
        assert owed > 10_000 * U6
        assert m.repay("alice", world.usdc) == owed
        assert m.debt("alice", world.usdc) == 0
        assert world.state.events[-1] == Repay("aave", world.usdc, "alice", "alice", owed, False)

    def test_repay_with_a_tokens(self, world) -> None:
        """Repaying with aTokens burns the payer's supply; cash does not move."""
        m = world.market
        open_usdc_loan(world)
        m.supply("alice", world.usdc, 4_000 * U6)
        cash = world.state.balance_of(world.usdc, "aave")
        assert m.repay("alice", world.usdc, 3_000 * U6, with_a_tokens=True) == 3_000 * U6
        assert world.state.balance_of(world.usdc, "aave") == cash
        assert m.supplied("alice", world.usdc) == 1_000 * U6
        assert m.debt("alice", world.usdc) == 7_000 * U6
        assert m.repay("alice", world.usdc, UINT256_MAX, with_a_tokens=True) == 1_000 * U6
        assert m.supplied("alice", world.usdc) == 0


class TestAccount:
    def test_account_data_formula(self, world) -> None:
        """Values are floor(balance x price / unit); HF = wadDiv(percentMul(C, avgLT), D)."""
        m = world.market
        m.supply("bob", world.usdc, 100_000 * U6)
        m.supply("alice", world.weth, 2 * E18)
        m.supply("alice", world.wsteth, 3 * E18)
        m.borrow("alice", world.usdc, 5_000 * U6)
        a = m.account_data("alice")
        c_weth, c_wst = 2 * 2000 * 10**8, 3 * 2300 * 10**8
        total = c_weth + c_wst
        avg_lt = (c_weth * 8300 + c_wst * 8100) // total
        avg_ltv = (c_weth * 8050 + c_wst * 7850) // total
        debt = 5_000 * 10**8
        assert (a.total_collateral_base, a.total_debt_base) == (total, debt)
        assert (a.ltv, a.liquidation_threshold) == (avg_ltv, avg_lt)
        assert a.health_factor == wad_div(percent_mul(total, avg_lt), debt)
        assert a.available_borrows_base == percent_mul(total, avg_ltv) - debt

    def test_governance_threshold_shows_at_once(self, world) -> None:
        """A parameter change through set_param moves the health factor immediately."""
        m = world.market
        open_usdc_loan(world)
        m.set_param_admin("dave")
        with pytest.raises(Unauthorized):
            m.set_param("WETH.liquidation_threshold", 8200, "alice")
        before = m.health_factor("alice")
        m.set_param("WETH.liquidation_threshold", 8200, "dave")
        assert m.get_param("WETH.liquidation_threshold") == 8200
        assert m.health_factor("alice") == wad_div(percent_mul(20_000 * 10**8, 8200), 10_000 * 10**8) < before

    def test_withdraw_all_turns_collateral_off(self, world) -> None:
        """Withdrawing everything disables collateral and emits Withdraw with the amount."""
        m = world.market
        m.supply("alice", world.weth, E18)
        assert m.withdraw("alice", world.weth) == E18
        assert not m.position("alice").uses_as_collateral(0)
        assert world.state.events[-1] == Withdraw("aave", world.weth, "alice", E18)

    def test_emode_raises_borrowing_power(self, world) -> None:
        """In "ETH correlated" wstETH counts at 93% LTV / 95% LT."""
        m = world.market
        m.supply("bob", world.weth, 100 * E18)
        m.supply("alice", world.wsteth, 10 * E18)
        m.set_emode("alice", 1)
        a = m.account_data("alice")
        assert (a.ltv, a.liquidation_threshold) == (9300, 9500)
        m.borrow("alice", world.weth, 10 * E18)
        assert m.health_factor("alice") == wad_div(percent_mul(23_000 * 10**8, 9500), 10 * 2000 * 10**8)
