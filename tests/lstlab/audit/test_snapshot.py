"""Snapshot import: a table of positions opened in a world exactly, errors naming file/row/column,
all or nothing."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

import lending
from chain import WAD
from lstlab import audit
from lstlab.audit.snapshot import SnapshotError, to_units
from lstlab.world import LendingParams, WorldParams, default_world


@pytest.fixture(scope="module")
def base():
    """No background borrower: nothing borrows, so every index stays at 1 RAY."""
    return default_world(WorldParams(lending=LendingParams(background=False)))


def _table(rows):
    return pd.DataFrame(rows, columns=["account", "market", "asset", "collateral", "debt", "emode",
                                       "collateral_enabled"])


def _loop(account, collateral, debt, market="aave-v3"):
    return [(account, market, "wstETH", collateral, "0", 1, True), (account, market, "WETH", "0", debt, 1, True)]


def test_above_ltv_below_threshold_imports(base):
    """100 wstETH against 94 WETH in eMode (LTV 93%, LT 95%, rate 1, peg oracle): above the LTV,
    so a borrow could not open it, but the snapshot imports it at exactly those amounts with HF
    95/94 (no borrowing power left, not liquidatable)."""
    world = base.fork()
    opened = audit.open_positions(world, audit.load_positions(_table(_loop("a", "100", "94"))))
    m = world.market
    assert opened == ["a"]
    assert (m.supplied("a", world.wsteth), m.debt("a", world.weth)) == (100 * WAD, 94 * WAD)
    acct = m.account_data("a")
    assert acct.available_borrows_base == 0
    assert acct.health_factor == (95 * 10**18 + 47) // 94  # wadDiv(100 * 0.95, 94), half up
    assert "a" not in lending.liquidatable(m)


def test_above_threshold_imports_and_is_liquidatable_at_once(base):
    """100 wstETH against 96 WETH: HF 95/96 < 1; it imports, is a candidate at once, and a funded
    liquidator takes it (half the debt: v3.0.2 close factor above HF 0.95)."""
    world = base.fork()
    audit.open_positions(world, audit.load_positions(_table(_loop("b", "100", "96"))))
    m = world.market
    assert m.health_factor("b") < WAD and "b" in lending.liquidatable(m)
    world.fund(world.weth, "keeper", 96 * WAD)
    s = m.liquidate("keeper", "b", world.wsteth, world.weth, 2**256 - 1)
    assert s.debt == 48 * WAD and m.debt("b", world.weth) == 48 * WAD


def test_unknown_asset_fails_naming_the_row_and_writes_nothing(base):
    """Row 3 names DAI, which the market does not list: SnapshotError(row 3, column asset), and the
    valid account of rows 1-2 is not opened (no account added, state digest unchanged)."""
    world = base.fork()
    digest = world.state.digest()
    rows = _loop("c", "10", "5") + [("d", "aave-v3", "DAI", "5", "0", 0, True)]
    with pytest.raises(SnapshotError) as err:
        audit.open_positions(world, audit.load_positions(_table(rows)))
    assert (err.value.row, err.value.column) == (3, "asset") and "DAI" in str(err.value)
    assert world.state.digest() == digest and not world.state.has_address("c")


def test_negative_amount_fails_naming_the_file_row_and_column(tmp_path):
    """A CSV with a negative debt on its second data row: the error names the file, row 2, column debt."""
    path = tmp_path / "book.csv"
    _table(_loop("e", "10", "-1")).to_csv(path, index=False)
    with pytest.raises(SnapshotError) as err:
        audit.load_positions(path)
    assert (err.value.file, err.value.row, err.value.column) == (str(path), 2, "debt")
    assert str(path) in str(err.value)


def test_a_market_refusal_reverts_every_import(base):
    """The second account asks for eMode 7, which does not exist: the market refuses it, the error
    names its first row (3), and the first account's import is reverted too."""
    world = base.fork()
    digest = world.state.digest()
    rows = _loop("f", "10", "5") + [("g", "aave-v3", "wstETH", "10", "0", 7, True)]
    with pytest.raises(SnapshotError) as err:
        audit.open_positions(world, audit.load_positions(_table(rows)))
    assert err.value.row == 3
    assert world.state.digest() == digest


def test_units_are_exact():
    """Decimal strings and floats convert exactly (a float by its shortest repr); sub-unit digits
    are refused unless rounding is asked for (half even)."""
    weth = default_world().weth
    assert to_units(Decimal("0.1"), weth) == 10**17
    assert to_units(Decimal("1.0000000000000000005"), weth) is None
    assert to_units(Decimal("1.0000000000000000005"), weth, round_to_unit=True) == 10**18
    assert to_units(Decimal("1.0000000000000000015"), weth, round_to_unit=True) == 10**18 + 2
    positions = audit.load_positions(_table([("h", "aave-v3", "WETH", 0.1, 0.0, 0, True)]))
    assert positions.holdings[0].collateral == Decimal("0.1")


def test_market_argument_fills_or_filters_the_market():
    """Without a market column, ``market=`` names every row's market; with one, it keeps only
    that market's rows; without either, the missing column is named."""
    frame = _table(_loop("i", "1", "0") + _loop("j", "1", "0", market="aave-v2"))
    assert [h.account for h in audit.load_positions(frame, market="aave-v2").holdings] == ["j", "j"]
    bare = frame.drop(columns=["market"])
    assert {h.market for h in audit.load_positions(bare, market="aave").holdings} == {"aave"}
    with pytest.raises(SnapshotError, match="market"):
        audit.load_positions(bare)
