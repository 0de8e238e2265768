"""Flash loans, and the wstETH/WETH eMode loop against its closed form under an exchange-rate
feed and a market-price feed (ETH-denominated market, 18-decimal prices)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from chain import ManualFeed, State
from chain.fixedpoint import RAY, WAD, percent_mul, ray_div, ray_mul, wad_to_ray
from lending import (
    FlashLoan,
    Market,
    account_data,
    liquidatable,
    liquidation_ratio,
    loop_closed_form,
    max_leverage,
    presets,
)
from tests.lending.conftest import make_world

E18 = 10**18


class TestFlashLoan:
    def test_premium_split(self) -> None:
        """Premium = percentMul(amount, 5); 30% to the treasury, the rest into the liquidity index."""
        world = make_world(flash_premium_to_protocol=3000)
        m, state = world.market, world.state
        m.supply("bob", world.weth, 100 * E18)
        seen = []

        def callback(st, asset, amount, premium):
            seen.append((st.balance_of(asset, "dave"), amount, premium))

        amount = 40 * E18
        premium = m.flash_loan("dave", world.weth, amount, callback)
        assert premium == percent_mul(amount, 5) == 2 * 10**16
        assert seen == [(1040 * E18, amount, premium)]
        to_protocol = percent_mul(premium, 3000)
        index = ray_mul(ray_div(wad_to_ray(premium - to_protocol), wad_to_ray(100 * E18)) + RAY, RAY)
        rs = m.reserve_state(world.weth)
        assert rs.liquidity_index == index
        assert rs.accrued_to_treasury == ray_div(to_protocol, index)
        assert state.balance_of(world.weth, "aave") == 100 * E18 + premium
        assert state.balance_of(world.weth, "dave") == 1000 * E18 - premium
        assert state.events[-1] == FlashLoan("aave", "dave", world.weth, amount, premium, 0)

    def test_mode_2_opens_debt_without_premium(self) -> None:
        """Mode 2 keeps the funds as variable debt, no premium (Aave's published 0.0571 ETH case)."""
        world = make_world()
        m = world.market
        m.supply("bob", world.weth, 100 * E18)
        m.supply("dave", world.usdc, 10_000 * 10**6)
        assert m.flash_loan("dave", world.weth, 57100000000000000, lambda *a: None, mode=2) == 0
        assert m.debt("dave", world.weth) == 57100000000000000


def eth_market(feed_kind: str = "rate") -> tuple[State, Market, object, object]:
    """ETH-based market: WETH at 1, wstETH priced by an exchange-rate feed or a market feed."""
    state = State()
    state.add_network("ethereum")
    weth = state.add_token("ethereum", "WETH")
    wsteth = state.add_token("ethereum", "wstETH")
    for name in ("alice", "bob", "liquidator", "treasury"):
        state.add_account(name)
        state.mint(weth, name, 10_000 * E18)
        state.mint(wsteth, name, 10_000 * E18)
    ManualFeed.deploy(state, "weth-eth", "ethereum", base="WETH", quote="ETH", decimals=18, answer=E18)
    for kind in ("rate", "market"):
        ManualFeed.deploy(state, f"wsteth-{kind}", "ethereum", base="wstETH", quote="ETH", decimals=18,
                          answer=12 * E18 // 10)
    m = presets.aave_v3_ethereum(
        state, "aave", "ethereum", treasury="treasury", weth=weth, weth_feed="weth-eth", wsteth=wsteth,
        wsteth_feed=f"wsteth-{feed_kind}", base_currency="ETH", price_decimals=18,
        close_factor_threshold_base=E18, min_leftover_base=E18 // 2,
    )
    m.supply("bob", weth, 5_000 * E18)
    return state, m, weth, wsteth


def open_loop(m: Market, weth, wsteth, equity: int, q: Fraction, rounds: int, price: Fraction) -> None:
    """Supply equity, then ``rounds`` times borrow q x collateral value in WETH and resupply its
    worth in wstETH (the swap at the oracle price is modelled by the wallet)."""
    m.set_emode("alice", presets.ETH_CORRELATED)
    x = equity
    m.supply("alice", wsteth, x)
    for _ in range(rounds):
        borrow = int(x * price * q)
        m.borrow("alice", weth, borrow)
        x = int(x * q)
        m.supply("alice", wsteth, x)


class TestLoop:
    Q = Fraction(9, 10)
    P = Fraction(6, 5)
    N = 5
    EQUITY = 10 * E18

    def test_leverage_and_health_factor(self) -> None:
        """Leverage and HF of a 5-round 90% loop equal the closed form (HF to WAD half up)."""
        _state, m, weth, wsteth = eth_market()
        open_loop(m, weth, wsteth, self.EQUITY, self.Q, self.N, self.P)
        form = loop_closed_form(self.Q, self.N, 9500, self.P)
        assert Fraction(m.supplied("alice", wsteth), self.EQUITY) == form.leverage
        assert Fraction(m.debt("alice", weth), self.EQUITY) == form.debt
        assert m.health_factor("alice") == int(form.health_factor * WAD + Fraction(1, 2))
        assert form.leverage < max_leverage(9300) == Fraction(100, 7)

    @pytest.mark.parametrize("feed_kind", ["rate", "market"])
    def test_liquidation_ratio(self, feed_kind: str) -> None:
        """The reported liquidation ratio is the exact boundary and matches the closed form."""
        _state, m, weth, wsteth = eth_market(feed_kind)
        open_loop(m, weth, wsteth, self.EQUITY, self.Q, self.N, self.P)
        form = loop_closed_form(self.Q, self.N, 9500, self.P)
        ratio = liquidation_ratio(m, "alice", wsteth, weth)
        # The ratio is an integer in WAD next to the exact HF's boundary, which floors each base
        # value; the closed form is the unfloored rational, so they differ by a unit or two.
        assert abs(Fraction(ratio, WAD) - form.liquidation_ratio) * WAD <= 2
        i = m.reserve_id(wsteth)
        pos = m.position("alice")
        below = account_data(m, pos, {i: ratio}).health_factor
        assert below < WAD <= account_data(m, pos, {i: ratio + 1}).health_factor

    def test_depeg_under_each_feed(self) -> None:
        """A market depeg below the liquidation ratio liquidates under the market feed only; an
        auditor swaps the feed with set_feed and sees the difference at once."""
        state, m, weth, wsteth = eth_market("rate")
        open_loop(m, weth, wsteth, self.EQUITY, self.Q, self.N, self.P)
        ratio = liquidation_ratio(m, "alice", wsteth, weth)
        state.contract("wsteth-market").set(ratio - 10**15)
        assert liquidatable(m) == []
        hf_rate = m.health_factor("alice")
        m.set_feed(wsteth, "wsteth-market")
        assert liquidatable(m) == ["alice"]
        assert m.health_factor("alice") < WAD < hf_rate
        s = m.liquidate("liquidator", "alice", wsteth, weth, 2**256 - 1)
        assert s.debt > 0 and m.health_factor("alice") > 0
