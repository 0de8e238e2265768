"""Prices the market cannot use: a feed answering 0 (or a negative, fractional or missing price)
makes every action that reads it revert with InvalidAssetPrice, as Aave's oracle reverts, and
writes nothing. The feed here is a custom one that checks nothing, so the market defends itself
whatever the feed does."""

from __future__ import annotations

import pytest

from chain import Contract, PriceReading
from chain.fixedpoint import percent_div, percent_mul, wad_div
from lending import CollateralCannotCoverNewBorrow, InvalidAssetPrice, collateral_to_seize
from tests.lending.conftest import make_world

E18, U6, P8 = 10**18, 10**6, 10**8


class RawFeed(Contract):
    """A feed that returns whatever it was set to (a buggy or hostile price source)."""

    kind = "test.raw-feed"
    base, quote = "X", "USD"

    @classmethod
    def deploy(cls, state, address: str, answer: object, decimals: object = 8) -> RawFeed:
        feed = cls(state, address, "ethereum")
        state.register_contract(feed)
        feed.put(answer, decimals)
        return feed

    def put(self, answer: object, decimals: object = 8) -> None:
        self._store("answer", (answer, decimals))

    @property
    def decimals(self) -> object:
        return self._load("answer")[1]

    def latest(self) -> PriceReading:
        answer, decimals = self._load("answer")
        return PriceReading(answer, decimals, self.state.now)


UNUSABLE = [
    pytest.param(0, 8, id="zero"),
    pytest.param(-1, 8, id="negative"),
    pytest.param(1.5, 8, id="float"),
    pytest.param(None, 8, id="none"),
    pytest.param(1, 18, id="rounds to 0 at 8 decimals"),
    pytest.param(2**256, 8, id="past uint256"),
]


@pytest.fixture
def rich_market():
    """bob lends 500M USDC; alice holds 1 WETH of collateral (2,000 USD at the WETH feed)."""
    world = make_world()
    world.state.mint(world.usdc, "bob", 500_000_000 * U6)
    world.market.supply("bob", world.usdc, 500_000_000 * U6)
    world.market.supply("alice", world.weth, E18)
    return world


class TestZeroDebtPrice:
    @pytest.mark.parametrize("answer,decimals", UNUSABLE)
    def test_one_weth_cannot_borrow_the_reserve(self, rich_market, answer, decimals) -> None:
        """With the USDC feed unusable, borrowing all 500M USDC (or 1 unit) against 1 WETH reverts
        with InvalidAssetPrice and nothing moves."""
        world, m = rich_market, rich_market.market
        RawFeed.deploy(world.state, "raw", answer, decimals)
        m.set_feed(world.usdc, "raw")
        digest = world.state.digest()
        for amount in (500_000_000 * U6, 1):
            with pytest.raises(InvalidAssetPrice):
                m.borrow("alice", world.usdc, amount)
        assert world.state.digest() == digest
        assert world.state.balance_of(world.usdc, "aave") == 500_000_000 * U6

    def test_a_usable_price_again_lends_by_ltv(self, rich_market) -> None:
        """Once the feed answers 1 USD again, 1 WETH borrows exactly LTV 80.5% of 2,000 USD (1,610
        USDC), and one unit (1e-6 USDC) more is refused as beyond the LTV."""
        world, m = rich_market, rich_market.market
        feed = RawFeed.deploy(world.state, "raw", 0)
        m.set_feed(world.usdc, "raw")
        with pytest.raises(InvalidAssetPrice):
            m.borrow("alice", world.usdc, U6)
        feed.put(P8)
        room = m.account_data("alice").available_borrows_base
        assert room == percent_mul(2000 * P8, 8050)
        m.borrow("alice", world.usdc, room * U6 // P8)
        assert m.debt("alice", world.usdc) == 1610 * U6
        with pytest.raises(CollateralCannotCoverNewBorrow):
            m.borrow("alice", world.usdc, 1)


class TestZeroCollateralPrice:
    @pytest.fixture
    def loan(self):
        world = make_world()
        m = world.market
        m.supply("bob", world.usdc, 100_000 * U6)
        m.supply("alice", world.weth, 10 * E18)
        m.borrow("alice", world.usdc, 16_000 * U6)
        return world

    @pytest.mark.parametrize("answer,decimals", UNUSABLE)
    def test_liquidate_reverts_typed(self, loan, answer, decimals) -> None:
        """With the WETH feed unusable, liquidate raises InvalidAssetPrice (not ZeroDivisionError),
        and so do the views that value alice's collateral; nothing is written."""
        world, m = loan, loan.market
        RawFeed.deploy(world.state, "raw", answer, decimals)
        m.set_feed(world.weth, "raw")
        digest = world.state.digest()
        with pytest.raises(InvalidAssetPrice):
            m.liquidate("liquidator", "alice", world.weth, world.usdc, 2**256 - 1)
        for view in (m.health_factor, m.account_data):
            with pytest.raises(InvalidAssetPrice):
                view("alice")
        with pytest.raises(InvalidAssetPrice):
            m.price(world.weth)
        assert world.state.digest() == digest

    def test_health_factor_is_back_with_the_old_feed(self, loan) -> None:
        """Pointing WETH back at its feed restores alice's exact HF: 20,000 x 83% / 16,000."""
        world, m = loan, loan.market
        RawFeed.deploy(world.state, "raw", 0)
        m.set_feed(world.weth, "raw")
        m.set_feed(world.weth, "weth-usd")
        assert m.health_factor("alice") == wad_div(percent_mul(20_000 * P8, 8300), 16_000 * P8)

    @pytest.mark.parametrize("collateral_price,debt_price", [(0, P8), (2000 * P8, 0), (-1, P8)])
    def test_collateral_to_seize_refuses_a_price_it_would_divide_by(self, collateral_price, debt_price) -> None:
        """The pure seizure formula refuses non-positive prices instead of dividing by zero."""
        with pytest.raises(InvalidAssetPrice):
            collateral_to_seize(1_000 * U6, collateral_price, E18, debt_price, U6, 10 * E18, 10500, 1000)

    def test_collateral_to_seize_at_positive_prices(self) -> None:
        """Control: 1,000 USDC at 2,000 USD/WETH with a 5% bonus seizes 0.525 WETH, 10% of the
        bonus part (0.0025 WETH) to the treasury."""
        s = collateral_to_seize(1_000 * U6, 2000 * P8, E18, P8, U6, 10 * E18, 10500, 1000)
        seized = percent_mul(E18 // 2, 10500)
        fee = percent_mul(seized - percent_div(seized, 10500), 1000)
        assert (s.collateral + s.fee, s.fee, s.debt) == (525 * 10**15, fee, 1_000 * U6)
        assert fee == 25 * 10**14
