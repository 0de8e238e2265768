"""Real positions into a world: a table of a market snapshot, loaded and opened as positions.

The schema is long, one row per (account, market, asset):

========================  ==========================================================  ========
column                    meaning                                                     required
========================  ==========================================================  ========
``account``               the holder (added to the world as an account if new)        yes
``market``                a market address of ``World.markets()`` or a preset name    unless ``market=``
                          of ``WorldParams.markets`` (``aave-v3``, ``aave-v2``)
``asset``                 a reserve's token symbol in that market (``WETH``, ...)     yes
``collateral``            supplied, whole tokens (``12.5``)                           yes
``debt``                  variable debt, whole tokens                                 yes
``emode``                 eMode category of the account in that market (0: none)      no (0)
``collateral_enabled``    the supply counts as collateral (true/false, 1/0)           no (true)
========================  ==========================================================  ========

Token amounts are decimal strings or numbers and are converted exactly (``Decimal``; a float
through its shortest repr, the digits the file had): a value with digits below the token's
base unit is refused unless ``round_to_unit`` is given (then rounded half-even to the unit).
An empty cell is 0 (``collateral``, ``debt``, ``emode``) or true (``collateral_enabled``).

Every error is a :class:`SnapshotError` naming the file, the data row (1-based, the header not
counted: a CSV file's line ``row + 1``) and the column. :func:`open_positions` is all or
nothing: on any error nothing is written to the world.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import attrs
import pandas as pd

import lending
from chain import LstlabError, Token
from lstlab.errors import DataError
from lstlab.world.build import World

REQUIRED = ("account", "asset", "collateral", "debt")
OPTIONAL = ("market", "emode", "collateral_enabled")
TRUE, FALSE = ("true", "1", "yes", "y", "t"), ("false", "0", "no", "n", "f")


class SnapshotError(DataError):
    """A snapshot table row cannot be loaded or opened: fix the cell it names."""

    code = "BAD_SNAPSHOT"

    def __init__(self, file: str, row: int | None, column: str | None, message: str) -> None:
        where = f"{file}, row {row}" if row is not None else file
        super().__init__(f"{where}, column {column!r}: {message}" if column else f"{where}: {message}")
        self.file, self.row, self.column, self.detail = file, row, column, message


@attrs.frozen
class Holding:
    """One row: an account's collateral and debt of one asset in one market (exact decimals,
    whole tokens), with the row it came from."""

    row: int
    account: str
    market: str
    asset: str
    collateral: Decimal
    debt: Decimal
    emode: int
    collateral_enabled: bool


@attrs.frozen
class Positions:
    """A loaded snapshot: its rows in file order and the name of its source."""

    source: str
    holdings: tuple[Holding, ...]

    def accounts(self) -> list[str]:
        """Every account, in order of first appearance."""
        return list(dict.fromkeys(h.account for h in self.holdings))

    def by_position(self) -> dict[tuple[str, str], list[Holding]]:
        """Rows grouped by (market, account), in order of first appearance."""
        out: dict[tuple[str, str], list[Holding]] = {}
        for h in self.holdings:
            out.setdefault((h.market, h.account), []).append(h)
        return out


def _read(source: str | Path | pd.DataFrame) -> tuple[pd.DataFrame, str]:
    if isinstance(source, pd.DataFrame):
        return source.reset_index(drop=True), "<DataFrame>"
    path = Path(source)
    name = str(path)
    if not path.is_file():
        raise SnapshotError(name, None, None, "no such file: give the path of a .csv or .parquet table")
    try:
        if path.suffix.lower() == ".parquet":
            return pd.read_parquet(path).reset_index(drop=True), name
        return pd.read_csv(path, dtype=str, keep_default_na=False), name
    except (OSError, ValueError, ImportError) as err:
        raise SnapshotError(name, None, None, f"cannot read the table ({err}): give a CSV or Parquet file") from err


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _decimal(value: Any, file: str, row: int, column: str) -> Decimal:
    """An amount cell as an exact Decimal, at least 0 (empty: 0)."""
    if _blank(value):
        return Decimal(0)
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        out = Decimal(repr(float(value))) if isinstance(value, float) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise SnapshotError(file, row, column, f"{value!r} is not a number: give whole tokens, e.g. 12.5") from None
    if not out.is_finite():
        raise SnapshotError(file, row, column, f"{value!r} is not a finite amount")
    if out < 0:
        raise SnapshotError(file, row, column, f"a negative amount ({value}): amounts are at least 0")
    return out


def _emode(value: Any, file: str, row: int) -> int:
    if _blank(value):
        return 0
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        number = Decimal(-1)
    if not number.is_finite() or number != number.to_integral_value() or not 0 <= number <= 255:
        raise SnapshotError(file, row, "emode", f"{value!r} is not an eMode category (an int in [0, 255])")
    return int(number)


def _flag(value: Any, file: str, row: int) -> bool:
    if _blank(value):
        return True
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE or text == "1.0":
        return True
    if text in FALSE or text == "0.0":
        return False
    raise SnapshotError(file, row, "collateral_enabled", f"{value!r} is not true or false")


def _text(value: Any, file: str, row: int, column: str) -> str:
    if _blank(value):
        raise SnapshotError(file, row, column, f"empty {column}: every row names its {column}")
    return str(value).strip()


def load_positions(source: str | Path | pd.DataFrame, *, market: str | None = None) -> Positions:
    """Load a snapshot table (module docstring) from a CSV or Parquet file or a DataFrame.
    ``market``: with a ``market`` column, keep only that market's rows; without one, the
    market of every row (then required). Writes nothing; raises SnapshotError naming the
    file, row and column of the first bad cell (assets are checked by :func:`open_positions`,
    which knows the markets)."""
    frame, name = _read(source)
    columns = [str(c).strip() for c in frame.columns]
    frame.columns = columns
    needed = REQUIRED if "market" in columns or market is not None else (*REQUIRED, "market")
    missing = [c for c in needed if c not in columns]
    if missing:
        raise SnapshotError(name, None, missing[0], f"missing column(s) {missing}: the table needs "
                            f"{list(REQUIRED)} and 'market' (or pass market=)")
    holdings = []
    for i, record in enumerate(frame.to_dict(orient="records"), start=1):
        row_market = _text(record["market"], name, i, "market") if "market" in columns else market
        if market is not None and row_market != market:
            continue
        holdings.append(Holding(
            i, _text(record["account"], name, i, "account"), str(row_market), _text(record["asset"], name, i, "asset"),
            _decimal(record["collateral"], name, i, "collateral"), _decimal(record["debt"], name, i, "debt"),
            _emode(record.get("emode"), name, i), _flag(record.get("collateral_enabled"), name, i)))
    return Positions(name, tuple(holdings))


def to_units(amount: Decimal, token: Token, *, round_to_unit: bool = False) -> int | None:
    """``amount`` whole tokens in base units, exactly; None when it has digits below the unit
    (rounded half-even to the unit instead with ``round_to_unit``)."""
    scaled = amount.scaleb(token.decimals)
    whole = scaled.to_integral_value(rounding=ROUND_HALF_EVEN)
    if whole != scaled and not round_to_unit:
        return None
    return int(whole)


def _market_of(world: World, name: str) -> lending.Market | None:
    markets = world.markets()
    if name in markets:
        return markets[name]
    if name in world.params.markets:
        return markets[world.market_addresses()[world.params.markets.index(name)]]
    return None


@attrs.frozen
class _Opening:
    market: lending.Market
    account: str
    supplied: Mapping[Token, int]
    borrowed: Mapping[Token, int]
    emode: int
    collateral: Mapping[Token, bool]
    row: int


def _resolve(world: World, positions: Positions, rows: list[Holding], round_to_unit: bool) -> _Opening:
    """One (market, account) group as base-unit amounts by reserve token; raises SnapshotError."""
    file, first = positions.source, rows[0]
    market = _market_of(world, first.market)
    if market is None:
        raise SnapshotError(file, first.row, "market", f"unknown market {first.market!r}: use one of "
                            f"{[*world.markets(), *world.params.markets]}")
    tokens = {t.symbol: t for t in market.reserves()}
    supplied: dict[Token, int] = {}
    borrowed: dict[Token, int] = {}
    flags: dict[Token, bool] = {}
    for h in rows:
        if h.emode != first.emode:
            raise SnapshotError(file, h.row, "emode", f"eMode {h.emode} differs from {first.emode} on row "
                                f"{first.row} for the same account and market: one category per account")
        token = tokens.get(h.asset)
        if token is None:
            raise SnapshotError(file, h.row, "asset", f"unknown asset {h.asset!r} in market {market.address!r}: "
                                f"use one of {sorted(tokens)}")
        if token in supplied or token in borrowed:
            raise SnapshotError(file, h.row, "asset", f"{h.asset} appears twice for {h.account!r} in "
                                f"{first.market!r}: one row per account, market and asset")
        for column, amount, out in (("collateral", h.collateral, supplied), ("debt", h.debt, borrowed)):
            units = to_units(amount, token, round_to_unit=round_to_unit)
            if units is None:
                raise SnapshotError(file, h.row, column, f"{amount} has digits below the unit of {h.asset} "
                                    f"({token.decimals} decimals): round it, or pass round_to_unit=True")
            if units:
                out[token] = units
        if h.collateral:
            flags[token] = h.collateral_enabled
    return _Opening(market, first.account, supplied, borrowed, first.emode, flags, first.row)


def open_positions(world: World, positions: Positions, *, round_to_unit: bool = False) -> list[str]:
    """Open every position of ``positions`` in ``world`` through ``Market.import_position``
    (a snapshot, not a borrow: LTV and health factor are not checked), adding accounts that
    are new. All or nothing: every row is resolved (market, asset, units) before the first
    write, and any error of the market reverts every import. ``round_to_unit`` (default
    False: exact, as the module docstring says) rounds sub-unit digits half-even instead of
    refusing them. Returns the accounts opened, in order of first appearance. Raises
    SnapshotError naming the row (and, for a market's refusal, the account's first row)."""
    openings = [_resolve(world, positions, rows, round_to_unit) for rows in positions.by_position().values()]
    state = world.state
    snap = state.snapshot()
    try:
        for o in openings:
            if not state.has_address(o.account):
                state.add_account(o.account)
            try:
                o.market.import_position(o.account, o.supplied, o.borrowed, emode=o.emode,
                                         collateral=o.collateral or None)
            except LstlabError as err:
                raise SnapshotError(positions.source, o.row, "account",
                                    f"market {o.market.address!r} refused the position of {o.account!r}: {err}") from err
    except BaseException:
        state.revert(snap)
        raise
    state.commit(snap)
    return positions.accounts()


__all__ = ["Holding", "Positions", "SnapshotError", "load_positions", "open_positions", "to_units"]
