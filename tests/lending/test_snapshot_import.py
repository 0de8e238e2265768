"""Market.import_position: a snapshot written at the reserves' current indexes (after interest
accrued), with every invariant kept and nothing written on a bad row."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from chain import InvalidAmount, InvalidArgument, Token, Unauthorized, UnknownToken
from chain.fixedpoint import RAY, UINT256_MAX, percent_mul, ray_mul, wad_div
from lending import (
    CollateralCannotCoverNewBorrow,
    InconsistentEModeCategory,
    NotUsableAsCollateral,
    PositionAlreadyOpen,
    PositionImported,
    ReserveInactive,
    ReserveNotListed,
    UnderlyingBalanceZero,
    UnknownEModeCategory,
)
from lending.reserve import accrue
from tests.lending.conftest import USDC_STRATEGY, make_world
from tests.lending.test_liquidation import expected_seizure

E18, U6, P8 = 10**18, 10**6, 10**8
YEAR_HALF = 182 * 86_400


def half_up_div(amount: int, index: int) -> int:
    """Aave's rayDiv (REFERENCE 2.3: scaled = amount.rayDiv(index), half up)."""
    return (amount * RAY + index // 2) // index


def accrued_world():
    """A world whose WETH and USDC reserves have earned half a year of interest."""
    world = make_world()
    m, s = world.market, world.state
    m.supply("bob", world.usdc, 1_000_000 * U6)
    m.supply("bob", world.weth, 800 * E18)
    m.supply("carol", world.wsteth, 900 * E18)
    m.borrow("carol", world.usdc, 600_000 * U6)
    m.borrow("carol", world.weth, 300 * E18)
    s.advance(YEAR_HALF)
    s.add_account("eve")
    return world


def assert_solvent_and_conserved(world) -> None:
    """Scaled totals match the positions; owed <= cash + debt; balances sum to supply."""
    m, s = world.market, world.state
    positions = [m.position(u) for u in m.users()]
    for i, asset in enumerate(m.reserves()):
        stored = m._rstate(i)
        assert sum(p.supplied_of(i) for p in positions) == stored.scaled_supply
        assert sum(p.borrowed_of(i) for p in positions) == stored.scaled_debt
        rs = accrue(stored, m._rcfg(i).reserve_factor, s.now)
        owed = ray_mul(rs.scaled_supply + rs.accrued_to_treasury, rs.liquidity_index)
        owing = ray_mul(rs.scaled_debt, rs.variable_borrow_index)
        assert owed <= s.balance_of(asset, m.address) + owing
        assert sum(s.holders(asset).values()) == s.total_supply(asset)


class TestWrites:
    def test_exact_scaled_balances_at_accrued_indexes(self) -> None:
        """Scaled supply and debt are rayDiv(amount, index) at the indexes grown to now."""
        world = accrued_world()
        m, s = world.market, world.state
        weth_income, usdc_debt_index = m.liquidity_index(world.weth), m.borrow_index(world.usdc)
        weth_debt_index = m.borrow_index(world.weth)
        assert weth_income > RAY and usdc_debt_index > RAY and weth_debt_index > RAY
        before = {t: m.reserve_state(t) for t in m.reserves()}
        cash = {t: s.balance_of(t, m.address) for t in m.reserves()}
        supplied = {world.weth: 7 * E18 + 3, world.wsteth: 123_456_789 * 10**12}
        borrowed = {world.usdc: 50_000 * U6 + 7, world.weth: 2 * E18 + 1}
        m.import_position("eve", supplied, borrowed)

        pos = m.position("eve")
        wi, si, ui = (m.reserve_id(t) for t in (world.weth, world.wsteth, world.usdc))
        assert pos.supplied_of(wi) == half_up_div(7 * E18 + 3, weth_income)
        assert pos.supplied_of(si) == 123_456_789 * 10**12  # no borrower: index still RAY
        assert pos.borrowed_of(ui) == half_up_div(50_000 * U6 + 7, usdc_debt_index)
        assert pos.borrowed_of(wi) == half_up_div(2 * E18 + 1, weth_debt_index)
        assert pos.collateral_mask == (1 << wi) | (1 << si) and pos.emode == 0
        after = m.reserve_state(world.weth)
        assert after.last_update == s.now and after.liquidity_index == weth_income
        assert after.scaled_supply == before[world.weth].scaled_supply + pos.supplied_of(wi)
        assert after.scaled_debt == before[world.weth].scaled_debt + pos.borrowed_of(wi)
        # supplied underlying minted to the market; borrowed to the user
        assert s.balance_of(world.weth, m.address) == cash[world.weth] + 7 * E18 + 3
        assert s.balance_of(world.usdc, m.address) == cash[world.usdc]
        assert s.balance_of(world.usdc, "eve") == 50_000 * U6 + 7
        assert s.balance_of(world.weth, "eve") == 2 * E18 + 1
        assert m.debt("eve", world.usdc) == ray_mul(pos.borrowed_of(ui), usdc_debt_index)
        assert_solvent_and_conserved(world)
        event = [e for e in s.events if isinstance(e, PositionImported)][-1]
        assert event.user == "eve" and dict(event.borrowed) == borrowed and dict(event.supplied) == supplied

    def test_interest_keeps_accruing_after_import(self) -> None:
        """The imported debt grows with the borrow index like any debt: solvency still holds."""
        world = accrued_world()
        m = world.market
        m.import_position("eve", {world.wsteth: 100 * E18}, {world.usdc: 10_000 * U6})
        debt0 = m.debt("eve", world.usdc)
        world.state.advance(YEAR_HALF)
        assert m.debt("eve", world.usdc) > debt0
        assert_solvent_and_conserved(world)

    def test_emode_and_flags(self) -> None:
        """The category is written; a False flag keeps a supply out of the collateral."""
        world = accrued_world()
        m = world.market
        m.import_position("eve", {world.wsteth: 10 * E18, world.usdc: 5 * U6}, {world.weth: E18},
                          emode=1, collateral={world.usdc: False})
        pos = m.position("eve")
        assert pos.emode == 1
        assert pos.collateral_mask == 1 << m.reserve_id(world.wsteth)


class TestRiskIsNotChecked:
    def test_above_ltv_below_threshold_imports_and_cannot_borrow_more(self) -> None:
        """183,000 USDC against 230,000 USD of wstETH: above LTV 78.5%, below LT 81%."""
        world = accrued_world()
        m = world.market
        with pytest.raises(CollateralCannotCoverNewBorrow):  # a borrow could not open it
            m.supply("dave", world.wsteth, 100 * E18)
            m.borrow("dave", world.usdc, 183_000 * U6)
        m.import_position("eve", {world.wsteth: 100 * E18}, {world.usdc: 183_000 * U6})
        acct = m.account_data("eve")
        assert acct.health_factor == wad_div(percent_mul(230_000 * P8, 8100), 183_000 * P8) > E18
        assert acct.available_borrows_base == 0
        with pytest.raises(CollateralCannotCoverNewBorrow):
            m.borrow("eve", world.usdc, 1 * U6)

    def test_above_threshold_imports_and_is_liquidatable_at_once(self) -> None:
        """HF 186,300/190,000 < 1: the liquidator covers 50% (HF > 0.95) at a 6% bonus."""
        world = make_world()
        world.state.add_account("eve")
        m = world.market
        m.supply("bob", world.usdc, 1_000_000 * U6)
        m.import_position("eve", {world.wsteth: 100 * E18}, {world.usdc: 190_000 * U6})
        hf = m.health_factor("eve")
        assert hf == wad_div(percent_mul(230_000 * P8, 8100), 190_000 * P8) and 95 * 10**16 < hf < E18
        s = m.liquidate("liquidator", "eve", world.wsteth, world.usdc, UINT256_MAX)
        assert s.debt == 95_000 * U6
        assert (s.collateral, s.fee) == expected_seizure(95_000 * U6, 2300 * P8, P8, E18, U6, 10600, 1000)
        assert_solvent_and_conserved(world)


def bad_world() -> SimpleNamespace:
    """The accrued world plus a debt-only USDT reserve (threshold 0) and an unlisted FOO."""
    world = accrued_world()
    usdt = world.state.add_token("ethereum", "USDT", 6)
    world.market.list_reserve(usdt, "usdc-usd", USDC_STRATEGY, ltv=0, liquidation_threshold=0)
    foo = world.state.add_token("ethereum", "FOO")
    return SimpleNamespace(**{k: getattr(world, k) for k in ("state", "market", "weth", "wsteth", "usdc")},
                           usdt=usdt, foo=foo)


BAD_ROWS = [
    ("unlisted", lambda w: ({w.wsteth: E18, w.foo: E18}, {}, {}), ReserveNotListed, "FOO"),
    ("unknown token", lambda w: ({Token("ethereum", "BAR", 18): E18}, {}, {}), UnknownToken, "BAR"),
    ("negative", lambda w: ({w.wsteth: E18}, {w.usdc: -1}, {}), InvalidAmount, "USDC"),
    ("float", lambda w: ({w.wsteth: 1.5e18}, {}, {}), InvalidAmount, "wstETH"),
    ("bool", lambda w: ({w.wsteth: True}, {}, {}), InvalidAmount, "wstETH"),
    ("outside category", lambda w: ({w.wsteth: E18}, {w.usdc: U6}, dict(emode=1)),
     InconsistentEModeCategory, "USDC"),
    ("unknown category", lambda w: ({w.wsteth: E18}, {}, dict(emode=7)), UnknownEModeCategory, "7"),
    ("flag on zero threshold", lambda w: ({w.wsteth: E18, w.usdt: U6}, {},
                                          dict(collateral={w.usdt: True})), NotUsableAsCollateral, "USDT"),
    ("flag without supply", lambda w: ({w.wsteth: E18}, {}, dict(collateral={w.weth: True})),
     UnderlyingBalanceZero, "WETH"),
    ("flag not a bool", lambda w: ({w.wsteth: E18}, {}, dict(collateral={w.wsteth: 1})),
     InvalidArgument, "wstETH"),
    ("not a mapping", lambda w: ([(w.wsteth, E18)], {}, {}), InvalidArgument, "supplied"),
]


class TestBadRows:
    @pytest.mark.parametrize("name, row, error, named", BAD_ROWS, ids=[r[0] for r in BAD_ROWS])
    def test_typed_error_naming_the_asset_and_nothing_written(self, name, row, error, named) -> None:
        """Each bad row raises its typed error, names what was wrong, and leaves the state as is."""
        world = bad_world()
        supplied, borrowed, options = row(world)
        before = world.state.digest()
        with pytest.raises(error, match=named):
            world.market.import_position("eve", supplied, borrowed, **options)
        assert world.state.digest() == before

    def test_inactive_reserve(self) -> None:
        """A reserve that is not active cannot hold a snapshot."""
        world = bad_world()
        world.market.set_reserve_config(world.weth, active=False)
        before = world.state.digest()
        with pytest.raises(ReserveInactive, match="WETH"):
            world.market.import_position("eve", {world.wsteth: E18}, {world.weth: E18})
        assert world.state.digest() == before

    def test_account_with_a_position(self) -> None:
        """An account already in the market (bob supplies) is refused."""
        world = bad_world()
        before = world.state.digest()
        with pytest.raises(PositionAlreadyOpen, match="bob"):
            world.market.import_position("bob", {world.wsteth: E18}, {})
        assert world.state.digest() == before

    def test_the_market_itself(self) -> None:
        world = bad_world()
        with pytest.raises(InvalidArgument, match="market"):
            world.market.import_position("aave", {world.wsteth: E18}, {})


class TestCaller:
    def test_script_or_admin_only_once_an_admin_is_set(self) -> None:
        """With an admin, a transaction of another account is refused; a script and the admin pass."""
        world = accrued_world()
        m, s = world.market, world.state
        s.add_account("admin")
        m.set_param_admin("admin")
        with pytest.raises(Unauthorized), s.tx("dave"):
            m.import_position("eve", {world.wsteth: E18}, {})
        with s.tx("admin"):
            m.import_position("eve", {world.wsteth: E18}, {})
        s.add_account("fred")
        m.import_position("fred", {world.wsteth: E18}, {})
        assert m.supplied("eve", world.wsteth) == m.supplied("fred", world.wsteth) == E18
