"""Liquidation rules as parameters: Aave v2 (50% at any HF < 1, bonus before the division, no
fee), the close factor and its HF threshold, and the v3.3 size threshold and minimum leftover."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chain import InvalidArgument, ManualFeed, ParameterOutOfBounds, State
from chain.fixedpoint import UINT256_MAX, percent_div, percent_mul
from lending import MustNotLeaveDust, presets
from tests.lending.conftest import make_world
from tests.lending.test_liquidation import expected_seizure, underwater

E18, U6, P8 = 10**18, 10**6, 10**8


def v2_market(steth_price: int, **market):
    """Aave v2 (2023-06-19 preset, ETH base): 'eve' holds 100 stETH against 80 WETH of debt."""
    state = State()
    state.add_network("ethereum")
    weth, steth = state.add_token("ethereum", "WETH"), state.add_token("ethereum", "stETH")
    for name in ("treasury", "eve", "liquidator", "bob"):
        state.add_account(name)
    ManualFeed.deploy(state, "weth-eth", "ethereum", base="WETH", quote="ETH", answer=E18)
    ManualFeed.deploy(state, "steth-eth", "ethereum", base="stETH", quote="ETH", answer=E18)
    m = presets.aave_v2_ethereum(state, "aave-v2", "ethereum", treasury="treasury", weth=weth,
                                 weth_feed="weth-eth", steth=steth, steth_feed="steth-eth", **market)
    m.import_position("eve", {steth: 100 * E18}, {weth: 80 * E18})
    state.contract("steth-eth").set(steth_price)
    state.mint(weth, "liquidator", 1_000 * E18)
    return state, m, weth, steth


class TestV2:
    def test_preset_defaults(self) -> None:
        """The v2 preset follows rule v2 in an ETH base with Aave v2's 9 bps flash premium."""
        _, m, _, steth = v2_market(E18)
        mc = m.config()
        assert (mc.liquidation_rule, mc.close_factor_bps, mc.flash_premium_total) == ("v2", 5000, 9)
        assert (m.base_currency, m.price_decimals) == ("ETH", 18)
        cfg = m.reserve_config(steth)
        assert (cfg.ltv, cfg.liquidation_threshold, cfg.liquidation_bonus) == (7200, 8300, 10700)

    def test_half_below_095_where_v3_would_take_all(self) -> None:
        """stETH at 0.5 ETH: HF 0.51875; v2 covers 40 of 80 WETH for 40 x 1.07 / 0.5 = 85.6 stETH."""
        state, m, weth, steth = v2_market(E18 // 2)
        assert m.health_factor("eve") == 51875 * 10**13
        s = m.liquidate("liquidator", "eve", steth, weth, UINT256_MAX)
        assert (s.debt, s.collateral, s.fee) == (40 * E18, 856 * 10**17, 0)
        assert m.debt("eve", weth) == 40 * E18
        assert state.balance_of(steth, "liquidator") == 856 * 10**17

    def test_same_book_under_v302_takes_all_the_collateral(self) -> None:
        """The v3.0.2 rule at HF <= 0.95 covers 100%: capped by the 100 stETH held."""
        _, m, weth, steth = v2_market(E18 // 2, liquidation_rule="v3.0.2")
        s = m.liquidate("liquidator", "eve", steth, weth, UINT256_MAX)
        assert s.collateral == 100 * E18
        assert s.debt == percent_div(E18 // 2 * 100 * E18 // E18, 10700)

    @settings(max_examples=40, deadline=None)
    @given(price=st.integers(min_value=43 * 10**16, max_value=963 * 10**15))
    def test_fifty_percent_at_any_hf_below_one(self, price: int) -> None:
        """For every stETH price with HF < 1 (and collateral enough), exactly 40 WETH is covered
        and the seizure is percentMul(debtPrice x 40e18 x 1e18, 10700) // (price x 1e18)."""
        _, m, weth, steth = v2_market(price)
        assert m.health_factor("eve") < E18
        s = m.liquidate("liquidator", "eve", steth, weth, UINT256_MAX)
        assert s.debt == 40 * E18
        assert s.collateral == percent_mul(E18 * 40 * E18 * E18, 10700) // (price * E18)
        assert s.fee == 0

    def test_v2_pays_no_protocol_fee_even_when_the_reserve_has_one(self) -> None:
        """Rule v2 in the USD world: the 10% fee of the WETH reserve is not taken."""
        world = make_world(liquidation_rule="v2")
        m = underwater(world)
        s = m.liquidate("liquidator", "alice", world.weth, world.usdc, UINT256_MAX)
        assert s.fee == 0 and s.debt == 8_000 * U6
        assert s.collateral == percent_mul(P8 * 8_000 * U6 * E18, 10500) // (1900 * P8 * U6)


class TestCloseFactorParameters:
    def test_close_factor_bps(self) -> None:
        """A 25% close factor covers 4,000 of 16,000 USDC under v3.0.2."""
        m = underwater(world := make_world(close_factor_bps=2500))
        assert m.liquidate("liquidator", "alice", world.weth, world.usdc, UINT256_MAX).debt == 4_000 * U6

    def test_hf_threshold(self) -> None:
        """HF 0.9856 is at or below a 0.99 threshold: 100% is coverable under v3.0.2."""
        m = underwater(world := make_world(close_factor_hf_threshold=99 * 10**16))
        s = m.liquidate("liquidator", "alice", world.weth, world.usdc, UINT256_MAX)
        assert s.debt == 16_000 * U6
        assert (s.collateral, s.fee) == expected_seizure(16_000 * U6, 1900 * P8, P8, E18, U6, 10500, 1000)


class TestV33Parameters:
    def test_default_threshold_caps_at_half_of_total_debt(self) -> None:
        """19,000 USD of collateral and 16,000 of debt, both >= 2,000: 8,000 coverable."""
        m = underwater(world := make_world(liquidation_rule="v3.3"))
        assert m.liquidate("liquidator", "alice", world.weth, world.usdc, UINT256_MAX).debt == 8_000 * U6

    def test_raised_threshold_lets_the_whole_debt_go(self) -> None:
        """With the threshold at 20,000 USD the 19,000 of collateral is below it: all 16,000."""
        m = underwater(world := make_world(liquidation_rule="v3.3", close_factor_threshold_base=20_000 * P8))
        s = m.liquidate("liquidator", "alice", world.weth, world.usdc, UINT256_MAX)
        assert s.debt == 16_000 * U6

    def test_min_leftover(self) -> None:
        """Covering 15,500 leaves 500 USD of debt: dust at the default 1,000, fine at 400."""
        kw = dict(liquidation_rule="v3.3", close_factor_threshold_base=20_000 * P8)
        m = underwater(world := make_world(**kw))
        with pytest.raises(MustNotLeaveDust):
            m.liquidate("liquidator", "alice", world.weth, world.usdc, 15_500 * U6)
        m = underwater(world := make_world(**kw, min_leftover_base=400 * P8))
        assert m.liquidate("liquidator", "alice", world.weth, world.usdc, 15_500 * U6).debt == 15_500 * U6


class TestGovernance:
    def test_rule_codes_and_alias(self) -> None:
        """liquidation_rule 0/1/2 = v2/v3.0.2/v3.3; liquidation_v33 reads and writes the same rule."""
        m = make_world().market
        assert (m.get_param("liquidation_rule"), m.get_param("liquidation_v33")) == (1, 0)
        m.set_param("liquidation_rule", 0)
        assert m.config().liquidation_rule == "v2"
        m.set_param("liquidation_v33", 1)
        assert (m.config().liquidation_rule, m.get_param("liquidation_rule")) == ("v3.3", 2)
        assert m.config().liquidation_v33
        m.set_param("close_factor_bps", 3000)
        m.set_param("min_leftover_base", 7)
        assert (m.config().close_factor_bps, m.get_param("min_leftover_base")) == (3000, 7)
        with pytest.raises(ParameterOutOfBounds):
            m.set_param("liquidation_rule", 3)
        with pytest.raises(ParameterOutOfBounds):
            m.set_param("close_factor_bps", 0)

    def test_deploy_refuses_contradictions(self) -> None:
        with pytest.raises(InvalidArgument):
            make_world(liquidation_rule="v2", liquidation_v33=True)
        with pytest.raises(InvalidArgument):
            make_world(liquidation_rule="v4")
        with pytest.raises(InvalidArgument):
            make_world(close_factor_bps=0)
        assert make_world(liquidation_v33=True).market.config().liquidation_rule == "v3.3"
