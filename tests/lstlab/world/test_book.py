"""System bad debt: booked by the markets, and the unbooked shortfall of underwater positions."""

from __future__ import annotations

import pytest

from chain import UINT256_MAX, WAD, InvalidArgument
from lstlab.world import book
from lstlab.world.names import L2_MARKET, MARKET

U6 = 10**6


def _two_debts(world) -> str:
    """``bob``: 100 ETH of wstETH supplied (no eMode), 30 WETH and 60,000 USDC borrowed."""
    m = world.market
    world.fund(world.weth, "bob", 100 * WAD)
    m.supply("bob", world.wsteth, world.stake("bob", 100 * WAD))
    m.borrow("bob", world.weth, 30 * WAD)
    m.borrow("bob", world.usdc, 60_000 * U6)
    return "bob"


def test_a_fresh_world_has_no_bad_debt(world):
    table = book.bad_debt_book(world)
    assert [(r.market, r.asset.symbol) for r in table.rows] == [
        (MARKET, "WETH"), (MARKET, "wstETH"), (MARKET, "USDC"), (L2_MARKET, "WETH"), (L2_MARKET, "wstETH")]
    assert all(r.booked == r.shortfall == r.eth == r.usd == 0 for r in table.rows)
    assert table.eth == 0 and book.bad_debt_eth(world) == 0.0 and book.bad_debt_usd(world) == 0.0


def test_values_use_the_market_feeds(world):
    m = world.market
    assert book.eth_value(m, world.weth, 12_345) == 12_345
    assert book.eth_value(m, world.usdc, 1719 * U6) == 1719 * U6 * 10**8 * WAD // (U6 * m.price(world.weth))
    assert book.base_value(m, world.usdc, 2_500_000) == 250_000_000  # $2.5 at $1 with 8 decimals
    assert book.eth_asset(world.l2_market) == world.l2_weth


def test_a_shortfall_is_shared_by_the_debts_pro_rata(world):
    """ETH/USD at 800 puts bob's wstETH below his debts (the USDC one does not fall; the
    background wstETH/WETH loop is unmoved): the gap (debt - collateral, base units) goes to
    WETH and USDC in proportion to their debt values."""
    user = _two_debts(world)
    world.set_prices(800.0, 1.0)
    m = world.market
    acct = m.account_data(user)
    gap = acct.total_debt_base - acct.total_collateral_base
    assert gap > 0
    weth = 30 * WAD * gap // acct.total_debt_base
    usdc = 60_000 * U6 * gap // acct.total_debt_base
    table = book.bad_debt_book(world)
    assert (table.of(MARKET, world.weth).shortfall, table.of(MARKET, world.usdc).shortfall) == (weth, usdc)
    assert table.of(MARKET, world.wsteth).shortfall == 0 and table.of(MARKET, world.weth).booked == 0
    eth = weth + usdc * m.price(world.usdc) * WAD // (U6 * m.price(world.weth))
    usd = weth * m.price(world.weth) // WAD + usdc * m.price(world.usdc) // U6
    assert table.eth == eth and book.bad_debt_eth(world) == eth / WAD
    assert book.bad_debt_usd(world) == pytest.approx(usd / 10**8, rel=1e-15)
    # the liquidator's own scan gives the same book
    assert book.bad_debt_book(world, {MARKET: [user]}) == table
    assert book.bad_debt_book(world, {MARKET: []}).eth == 0


def test_booked_debt_is_not_counted_twice(world):
    """At ETH/USD 800, liquidating the WETH debt, then the USDC debt, takes all the collateral:
    v3.0.2 books the USDC left as ``bad_debt``; bob still owes it but holds no collateral, so
    it is no shortfall."""
    user = _two_debts(world)
    world.set_prices(800.0, 1.0)
    m = world.market
    world.fund(world.weth, "hand", 30 * WAD)
    world.fund(world.usdc, "hand", 60_000 * U6)
    m.liquidate("hand", user, world.wsteth, world.weth, UINT256_MAX)
    m.liquidate("hand", user, world.wsteth, world.usdc, UINT256_MAX)
    assert m.supplied(user, world.wsteth) == 0 and m.debt(user, world.weth) == 0
    owed = m.debt(user, world.usdc)
    table = book.bad_debt_book(world)
    row = table.of(MARKET, world.usdc)
    assert row.booked == m.reserve_state(world.usdc).bad_debt == owed > 0 and row.shortfall == 0
    assert table.eth == book.eth_value(m, world.usdc, owed) and table.of(MARKET, world.weth).total == 0
    assert book.bad_debt_usd(world) == owed * m.price(world.usdc) // U6 / 10**8


def test_unknown_rows_raise(world):
    with pytest.raises(InvalidArgument):
        book.bad_debt_book(world).of(L2_MARKET, world.usdc)
