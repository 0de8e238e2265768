"""Liquidations computed independently from the published formula (REFERENCE section 2.6),
to the wei: debt covered, collateral seized, protocol fee; v3.0.2 and v3.3 rules."""

from __future__ import annotations

import pytest

from chain.fixedpoint import UINT256_MAX, percent_div, percent_mul
from lending import BadDebtRecorded, DeficitCreated, LiquidationCall, MustNotLeaveDust
from tests.lending.conftest import make_world

E18, U6, P8 = 10**18, 10**6, 10**8


def underwater(world, weth: int = 10, borrow_usd: int = 16_000, price: int = 1900):
    """Alice: ``weth`` WETH collateral, ``borrow_usd`` USDC debt, then WETH falls to ``price``."""
    m = world.market
    m.supply("bob", world.usdc, 1_000_000 * U6)
    m.supply("alice", world.weth, weth * E18)
    m.borrow("alice", world.usdc, borrow_usd * U6)
    world.feed("WETH").set(price * P8)
    return m


def expected_seizure(debt_to_cover: int, coll_price: int, debt_price: int, coll_unit: int, debt_unit: int,
                     bonus: int, fee_bps: int) -> tuple[int, int]:
    """(collateral to liquidator, protocol fee) when the user's balance is not the limit."""
    base = debt_price * debt_to_cover * coll_unit // (coll_price * debt_unit)
    total = percent_mul(base, bonus)
    fee = percent_mul(total - percent_div(total, bonus), fee_bps)
    return total - fee, fee


class TestV302:
    def test_worked_liquidation_to_the_wei(self) -> None:
        """HF 0.9856 > 0.95: 50% close factor; 5% bonus; 10% of the bonus to the treasury."""
        world = make_world()
        m = underwater(world)
        hf_before = m.health_factor("alice")
        assert 95 * 10**16 < hf_before < E18
        cover = percent_mul(16_000 * U6, 5000)
        seized, fee = expected_seizure(cover, 1900 * P8, P8, E18, U6, 10500, 1000)
        weth_before = world.state.balance_of(world.weth, "liquidator")
        s = m.liquidate("liquidator", "alice", world.weth, world.usdc, UINT256_MAX)
        # By hand: 8000/1900 ETH x 1.05 = 4.421052631578947368; bonus part 0.210526315789473684;
        # 10% of it (0.021052631578947368) to the treasury; 4.4 ETH to the liquidator.
        assert (s.debt, s.collateral, s.fee) == (cover, seized, fee)
        assert (cover, seized, fee) == (8_000 * U6, 4_400_000_000_000_000_000, 21_052_631_578_947_368)
        assert world.state.balance_of(world.weth, "liquidator") - weth_before == seized
        assert m.supplied("treasury", world.weth) == fee
        assert m.supplied("alice", world.weth) == 10 * E18 - seized - fee
        assert m.debt("alice", world.usdc) == 8_000 * U6
        assert world.state.events[-1] == LiquidationCall(
            "aave", world.weth, world.usdc, "alice", cover, seized, fee, "liquidator", False
        )
        assert m.health_factor("alice") > hf_before

    def test_full_close_factor_below_095(self) -> None:
        """At HF <= 0.95 the whole reserve debt may be covered."""
        world = make_world()
        m = underwater(world, price=1700)
        assert m.health_factor("alice") <= 95 * 10**16
        s = m.liquidate("liquidator", "alice", world.weth, world.usdc, 12_000 * U6)
        seized, fee = expected_seizure(12_000 * U6, 1700 * P8, P8, E18, U6, 10500, 1000)
        assert (s.debt, s.collateral, s.fee) == (12_000 * U6, seized, fee)

    def test_capped_by_collateral_and_bad_debt(self) -> None:
        """Collateral worth less than debt x bonus: all collateral goes, the debt covered is cut to
        percentDiv(collateral value, bonus), and the rest is recorded as bad debt (still owed)."""
        world = make_world()
        m = underwater(world, weth=10, borrow_usd=16_000, price=1000)
        s = m.liquidate("liquidator", "alice", world.weth, world.usdc, UINT256_MAX)
        user_coll = 10 * E18
        debt_needed = percent_div(1000 * P8 * user_coll * U6 // (P8 * E18), 10500)
        fee = percent_mul(user_coll - percent_div(user_coll, 10500), 1000)
        assert (s.debt, s.collateral, s.fee) == (debt_needed, user_coll - fee, fee)
        left = 16_000 * U6 - debt_needed
        assert m.debt("alice", world.usdc) == left
        assert m.reserve_state(world.usdc).bad_debt == left
        assert BadDebtRecorded("aave", "alice", world.usdc, left) in world.state.events

    def test_receive_a_token(self) -> None:
        """With receive_a_token the liquidator gets aTokens, enabled as collateral."""
        world = make_world()
        m = underwater(world)
        s = m.liquidate("liquidator", "alice", world.weth, world.usdc, 1_000 * U6, receive_a_token=True)
        assert m.supplied("liquidator", world.weth) == s.collateral
        assert m.position("liquidator").uses_as_collateral(0)
        assert world.state.balance_of(world.weth, "aave") == 10 * E18


class TestV33:
    def test_small_position_fully_liquidatable(self) -> None:
        """Below 2000 base of collateral the whole debt goes even at HF > 0.95."""
        world = make_world(liquidation_v33=True)
        m = underwater(world, weth=1, borrow_usd=1_600, price=1900)
        assert m.health_factor("alice") > 95 * 10**16
        s = m.liquidate("liquidator", "alice", world.weth, world.usdc, UINT256_MAX)
        assert s.debt == 1_600 * U6
        assert m.debt("alice", world.usdc) == 0

    def test_large_position_half_of_total_debt(self) -> None:
        """Both sides >= 2000 base and HF > 0.95: cap = 50% of the total debt in base, converted."""
        world = make_world(liquidation_v33=True)
        m = underwater(world)
        total_debt_base = m.account_data("alice").total_debt_base
        cap = percent_mul(total_debt_base, 5000) * U6 // P8
        s = m.liquidate("liquidator", "alice", world.weth, world.usdc, UINT256_MAX)
        assert s.debt == cap == 8_000 * U6

    def test_dust_rule(self) -> None:
        """Leaving less than 1000 base of debt while not clearing it reverts, writing nothing."""
        world = make_world(liquidation_v33=True)
        m = underwater(world, price=1700)
        digest = world.state.digest()
        with pytest.raises(MustNotLeaveDust):
            m.liquidate("liquidator", "alice", world.weth, world.usdc, 15_500 * U6)
        assert world.state.digest() == digest

    def test_deficit(self) -> None:
        """No collateral left: the remaining debt is burned into the reserve deficit."""
        world = make_world(liquidation_v33=True)
        m = underwater(world, price=1000)
        s = m.liquidate("liquidator", "alice", world.weth, world.usdc, UINT256_MAX)
        deficit = 16_000 * U6 - s.debt
        assert m.debt("alice", world.usdc) == 0
        assert m.reserve_state(world.usdc).deficit == deficit
        assert DeficitCreated("aave", "alice", world.usdc, deficit) in world.state.events
