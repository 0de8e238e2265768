"""System bad debt: what every lending market of a world is owed and will not get back.

Per market and reserve, two figures in the reserve's token (wei):

- ``booked``: what the market itself books, ``ReserveState.bad_debt`` (v3.0.2: debt left
  without collateral by a liquidation, still on the user's books, counted when it was booked)
  plus ``ReserveState.deficit`` (v3.3: debt burned when a liquidation took the last collateral);
- ``shortfall``: debt not booked but not covered either: every position that still holds
  collateral (a reserve enabled as collateral with a balance: the market's own rule for
  booking) whose collateral value is below its debt value, both at the market's oracle as
  :func:`lending.account_data` computes them (base units, floored per asset). A position's gap
  ``debt - collateral`` (base) is attributed to its debt reserves in proportion to their debt
  value: reserve ``j`` gets ``debt_j * gap // total_debt`` wei (floor), the part of each debt
  the collateral does not cover if it covered every debt pro rata.

Positions without collateral are left to the booked figures, so nothing is counted twice.
Underwater positions have a health factor below the average liquidation threshold, hence
below 1: only :func:`lending.liquidatable` candidates are examined (the vectorised scan,
:func:`candidates`: made once per state version, so a book read right after the liquidator
scanned reuses its scan).

Values use each market's own feeds: ETH as ``amount * price * 1e18 // (unit * price(WETH))``
(wei of ETH; exact for WETH itself), USD as ``amount * price // unit`` (the market's base
units, ``price_decimals``), both floored. :func:`bad_debt_eth` and :func:`bad_debt_usd` are
the world's totals as floats, for reports.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

import lending
from chain import WAD, InvalidArgument, Token
from lstlab.world.build import World
from lstlab.world.memo import remembered

MARGIN = 2e-4
"""Float health factors below 1 + MARGIN are examined for a shortfall (each confirmed exactly);
the liquidator's default scan margin."""


def eth_asset(market: lending.Market) -> Token:
    """The market's WETH reserve (what ETH values are expressed in); raises InvalidArgument."""
    for token in market.reserves():
        if token.symbol == "WETH":
            return token
    raise InvalidArgument(f"market {market.address!r} lists no WETH reserve: ETH values need one")


def eth_value(market: lending.Market, token: Token, amount: int) -> int:
    """``amount`` wei of ``token`` in wei of ETH at the market's prices (floor; exact for WETH)."""
    weth = eth_asset(market)
    return amount * market.price(token) * 10**weth.decimals // (10**token.decimals * market.price(weth))


def base_value(market: lending.Market, token: Token, amount: int) -> int:
    """``amount`` wei of ``token`` in the market's base currency units (floor, as Aave)."""
    return amount * market.price(token) // 10**token.decimals


@attrs.frozen
class ReserveBadDebt:
    """One reserve's bad debt (see the module docstring): token wei, ETH wei, base units."""

    market: str
    asset: Token
    booked: int
    shortfall: int
    eth: int
    usd: int
    usd_decimals: int

    @property
    def total(self) -> int:
        """``booked + shortfall`` (wei of the asset)."""
        return self.booked + self.shortfall


@attrs.frozen
class BadDebtBook:
    """Every reserve of every market, in the order of ``World.markets()`` and listing."""

    rows: tuple[ReserveBadDebt, ...]

    @property
    def eth(self) -> int:
        """Total bad debt, wei of ETH."""
        return sum(r.eth for r in self.rows)

    @property
    def usd(self) -> float:
        """Total bad debt, USD (float, for reports)."""
        return sum(r.usd / 10**r.usd_decimals for r in self.rows)

    def of(self, market: str, asset: Token) -> ReserveBadDebt:
        """The row of ``asset`` in ``market``; raises InvalidArgument when there is none."""
        for row in self.rows:
            if row.market == market and row.asset == asset:
                return row
        raise InvalidArgument(f"market {market!r} has no reserve {asset.key} in the book")


def owes(market: lending.Market) -> bool:
    """True when some reserve of ``market`` has debt (else no position can be liquidatable)."""
    return any(market.reserve_state(t).scaled_debt for t in market.reserves())


def candidates(market: lending.Market, margin: float = MARGIN) -> tuple[str, ...]:
    """``lending.liquidatable(market, margin)``: the users whose exact health factor is below
    1, () for a market without debt; computed once per state version (:mod:`lstlab.world.memo`).
    Writes nothing."""
    def scan() -> tuple[str, ...]:
        return tuple(lending.liquidatable(market, margin)) if owes(market) else ()

    return remembered(market.state, ("liquidatable", market.address, margin), scan)


def _holds_collateral(pos: lending.UserPosition) -> bool:
    return any(s and pos.uses_as_collateral(i) for i, s in enumerate(pos.supplied))


def shortfalls(market: lending.Market, users: Iterable[str]) -> dict[Token, int]:
    """Unbooked shortfall (wei per debt asset) of those of ``users`` that still hold
    collateral worth less than their debt (see the module docstring)."""
    out: dict[Token, int] = {}
    reserves: list[Token] | None = None
    for user in users:
        pos = market.position(user)
        if not _holds_collateral(pos):
            continue
        acct = market.account_data(user)
        gap = acct.total_debt_base - acct.total_collateral_base
        if gap <= 0:
            continue
        reserves = reserves or market.reserves()
        for i, scaled in enumerate(pos.borrowed):
            if scaled:
                asset = reserves[i]
                out[asset] = out.get(asset, 0) + market.debt(user, asset) * gap // acct.total_debt_base
    return out


def booked(market: lending.Market) -> dict[Token, int]:
    """What the market books as bad debt per reserve: ``bad_debt + deficit`` (wei of the asset)."""
    out = {}
    for token in market.reserves():
        rs = market.reserve_state(token)
        out[token] = rs.bad_debt + rs.deficit
    return out


def _market_rows(address: str, market: lending.Market, users: Iterable[str] | None) -> list[ReserveBadDebt]:
    if users is None:
        users = candidates(market)
    unbooked = shortfalls(market, users)
    rows = []
    for token, on_books in booked(market).items():
        short = unbooked.get(token, 0)
        total = on_books + short
        eth = eth_value(market, token, total) if total else 0
        usd = base_value(market, token, total) if total else 0
        rows.append(ReserveBadDebt(address, token, on_books, short, eth, usd, market.price_decimals))
    return rows


def bad_debt_book(world: World, candidates: Mapping[str, Iterable[str]] | None = None) -> BadDebtBook:
    """The bad debt of every reserve of every market of ``world``. ``candidates`` (market
    address -> users) replaces the scan for the markets it names, for a caller that has just
    scanned them. Writes nothing."""
    rows: list[ReserveBadDebt] = []
    for address, market in world.markets().items():
        users = None if candidates is None else candidates.get(address)
        rows += _market_rows(address, market, users)
    return BadDebtBook(tuple(rows))


def bad_debt_eth(world: World) -> float:
    """Total bad debt of the world in ETH (float, for reports)."""
    return bad_debt_book(world).eth / WAD


def bad_debt_usd(world: World) -> float:
    """Total bad debt of the world in USD (float, for reports)."""
    return bad_debt_book(world).usd


__all__ = [
    "MARGIN",
    "BadDebtBook",
    "ReserveBadDebt",
    "bad_debt_book",
    "bad_debt_eth",
    "bad_debt_usd",
    "base_value",
    "booked",
    "candidates",
    "eth_asset",
    "eth_value",
    "owes",
    "shortfalls",
]
