"""Risk views for strategies and auditors: every health factor at once, liquidation prices,
and the closed forms of a leveraged loop.

``health_factors`` is vectorised with numpy in float64: good for picking candidates, never for
deciding. ``liquidatable`` confirms every candidate with the exact integer health factor of
:mod:`lending.account` before returning it. The position arrays are rebuilt only when a
position changed (the market stamps each position write with ``state.version``, which never
repeats within one state); prices, indexes and risk figures are read fresh on every call,
so a price move, a governance change or a fork is seen at once. The cache is derived data
kept on the facade bound to one state, never state itself.

Liquidation prices are exact integers: the closed form gives a first guess, then the exact
health factor (with the price overridden) pins the boundary to the base unit.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

import attrs
import numpy as np

from chain import Token
from chain.fixedpoint import RAY, WAD
from lending.account import account_data
from lending.reserve import normalized_debt, normalized_income

if TYPE_CHECKING:
    from lending.market import Market
    from lending.types import ReserveConfig


@attrs.frozen(eq=False)
class _Arrays:
    state_id: object
    stamp: int
    users: tuple[str, ...]
    supplied: np.ndarray  # (users, reserves) scaled aTokens, 0 where not collateral
    borrowed: np.ndarray  # (users, reserves) scaled debt
    categories: tuple[int, ...]  # the distinct category ids of the users, ascending
    codes: np.ndarray  # (users,) index of each user's category in ``categories``


def _arrays(m: Market) -> _Arrays:
    stamp = m._load(("stamp",), -1)
    cache: _Arrays | None = m._risk_cache
    if cache is not None and cache.state_id is m.state and cache.stamp == stamp:
        return cache
    n = m.config().reserve_count
    users = borrowers(m)
    records = m._records()
    flat_s: list[int] = []
    flat_b: list[int] = []
    masks: list[int] = []
    modes: list[int] = []
    pad = (0,) * n
    for user in users:
        supplied, borrowed, mask, emode = records[("pos", user)]
        flat_s += supplied
        flat_s += pad[len(supplied):]
        flat_b += borrowed
        flat_b += pad[len(borrowed):]
        masks.append(mask)
        modes.append(emode)
    shape = (len(users), n)
    supplied_all = np.array(flat_s, dtype=np.float64).reshape(shape)
    categories, codes = np.unique(np.array(modes, dtype=np.int64), return_inverse=True)
    arrays = _Arrays(
        m.state, stamp, users, np.where(_collateral_bits(masks, n), supplied_all, 0.0),
        np.array(flat_b, dtype=np.float64).reshape(shape), tuple(categories.tolist()), codes,
    )
    m._risk_cache = arrays
    return arrays


def _collateral_bits(masks: list[int], n: int) -> np.ndarray:
    """``(users, n)`` booleans: bit ``i`` of each user's collateral mask."""
    if n < 63:
        try:
            words = np.array(masks, dtype=np.int64)
        except OverflowError:  # a mask with bits past int64: read bit by bit below
            pass
        else:
            bits: np.ndarray = (words[:, None] >> np.arange(n, dtype=np.int64)[None, :]) & 1 != 0
            return bits
    return np.array([[mask >> i & 1 for i in range(n)] for mask in masks], dtype=bool).reshape(len(masks), n)


def _row_sums(x: np.ndarray) -> np.ndarray:
    """``x.sum(axis=1)`` for a C-contiguous 2-d array, value for value: numpy adds fewer than
    8 columns one after the other, left to right, which the columns added here repeat without
    numpy's strided reduction (much slower on few columns); 8 or more go to ``sum``."""
    columns = x.shape[1]
    if not 0 < columns < 8:
        sums: np.ndarray = x.sum(axis=1)
        return sums
    total = x[:, 0].copy()
    for k in range(1, columns):
        total += x[:, k]
    return total


def _weights(m: Market, a: _Arrays, cfgs: list[ReserveConfig], lt: np.ndarray) -> np.ndarray:
    """Each user's liquidation threshold per reserve (bps, float): the user's eMode category's
    for an asset of that category, else the reserve's; ``lt`` itself (one row, broadcast) when
    no user is in a category."""
    if not any(a.categories):
        return lt
    rows = []
    for cid in a.categories:
        cat = m._emode(cid) if cid else None
        weight = cat.liquidation_threshold if cat is not None else 0
        rows.append([weight if cid and c.emode_category == cid else lt[i] for i, c in enumerate(cfgs)])
    table = np.array(rows, dtype=np.float64).reshape(len(rows), len(cfgs))
    weights: np.ndarray = table[a.codes]
    return weights


def health_factors(m: Market) -> tuple[tuple[str, ...], np.ndarray]:
    """``(users, hf)`` for every borrowing position, ``hf`` as float64 (1.0 = WAD).

    Same formula as the exact one (collateral x price x average threshold / debt x price,
    eMode figures for assets of the user's category, the average floored to whole bps)
    without the per-asset floors of base values: agrees to about 1e-12 relative (1e-4 when a
    tie in the bps floor falls the other way), enough to pick candidates.
    """
    a = _arrays(m)
    n = a.supplied.shape[1]
    now = m.state.now
    cfgs = [m._rcfg(i) for i in range(n)]
    states = [m._rstate(i) for i in range(n)]
    views = [m._view(i, c) for i, c in enumerate(cfgs)]
    value = np.array([v.price() / v.unit for v in views], dtype=np.float64)
    income = np.array([normalized_income(s, now) / RAY for s in states]) * value
    debt_value = np.array([normalized_debt(s, now) / RAY for s in states]) * value
    lt = np.array([c.liquidation_threshold for c in cfgs], dtype=np.float64)
    collateral = a.supplied * income
    total = _row_sums(collateral)
    safe_total = np.where(total > 0, total, 1.0)
    # Aave floors the average threshold to whole bps; so does this view (1e-9 guards ties).
    avg_lt = np.floor(_row_sums(collateral * _weights(m, a, cfgs, lt)) / safe_total + 1e-9)
    debt = a.borrowed @ debt_value
    hf = np.where(debt > 0, total * avg_lt / 1e4 / np.where(debt > 0, debt, 1.0), np.inf)
    return a.users, hf


EXACT_BOOK = 16
"""A book of at most this many borrowers is checked exactly, position by position: fewer
integer health factors than building and reading the float arrays costs, the same answer."""


def borrowers(m: Market) -> tuple[str, ...]:
    """Every user with debt, in the order of the market's records (those of
    :func:`health_factors`); remembered until a position is written (the positions stamp)."""
    stamp = m._load(("stamp",), -1)
    cache = m._borrowers_cache
    if cache is not None and cache[0] is m.state and cache[1] == stamp:
        users: tuple[str, ...] = cache[2]
        return users
    users = tuple(key[1] for key, pos in m._records().items() if key[0] == "pos" and any(pos.borrowed))
    m._borrowers_cache = (m.state, stamp, users)
    return users


def liquidatable(m: Market, margin: float = 2e-4) -> list[str]:
    """Users whose *exact* health factor is below 1, in the order of the market's records: on
    a book of at most :data:`EXACT_BOOK` borrowers every one checked with the integer
    computation; on a larger one the candidates of the float view within ``margin``, each
    confirmed with it."""
    users = borrowers(m)
    if len(users) <= EXACT_BOOK:
        return [u for u in users if m.account_data(u).health_factor < WAD]
    users, hf = health_factors(m)
    picked = np.nonzero(hf < 1.0 + margin)[0]
    return [users[k] for k in picked if m.account_data(users[k]).health_factor < WAD]


def health_factors_exact(m: Market) -> dict[str, int]:
    """Every borrowing position's exact health factor (WAD), one by one (the reference)."""
    return {
        key[1]: account_data(m, pos).health_factor
        for key, pos in m._records().items()
        if key[0] == "pos" and any(pos.borrowed)
    }


def liquidation_price(m: Market, user: str, asset: Token) -> int | None:
    """The price of ``asset`` (base units per whole token) at which the user's exact health
    factor falls below 1, every other price fixed: the highest such price when the asset
    backs the position (net collateral), the lowest when it is net debt. None when no
    price of this asset alone can make the position liquidatable."""
    i = m.reserve_id(asset)
    pos = m._position(user)
    form = _closed_form_price(m, user, asset)
    if form is None:
        return None
    guess, rising = form

    def bad(p: int) -> bool:
        return account_data(m, pos, {i: p}).health_factor < WAD

    # Bracket the boundary around the guess, then bisect on the exact health factor.
    centre = max(int(guess), 0)
    for doubling in range(256):
        span: int = 2**doubling
        lo, hi = max(centre - span, 0), centre + span
        if bad(lo) != bad(hi):
            break
    else:
        return None
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if bad(mid) == bad(lo):
            lo = mid
        else:
            hi = mid
    return lo if rising else hi


def _closed_form_price(m: Market, user: str, asset: Token) -> tuple[Fraction, bool] | None:
    """p* solving sum(collateral x LT) = debt with the asset's price as unknown (Fraction),
    and whether the health factor rises with that price."""
    i = m.reserve_id(asset)
    acct = account_data(m, m._position(user), {i: 0})
    weighted_other = Fraction(acct.total_collateral_base * acct.liquidation_threshold, 10_000)
    debt_other = acct.total_debt_base
    cfg = m._rcfg(i)
    pos = m._position(user)
    emode = m._emode_for(pos, cfg)
    lt = cfg.liquidation_threshold if emode is None else emode.liquidation_threshold
    held = m.supplied(user, asset) if pos.uses_as_collateral(i) else 0
    per_price = Fraction(held * lt, 10_000 * cfg.unit) - Fraction(m.debt(user, asset), cfg.unit)
    if per_price == 0:
        return None
    p = (debt_other - weighted_other) / per_price
    return (p, per_price > 0) if p > 0 else None


def liquidation_ratio(m: Market, user: str, collateral: Token, debt: Token) -> int | None:
    """The collateral/debt price ratio (WAD) at which the user becomes liquidatable, the debt
    asset's price and every other price fixed: ``liquidation_price(collateral) / price(debt)``."""
    p = liquidation_price(m, user, collateral)
    return None if p is None else p * WAD // m.price(debt)


# --- closed forms of a leveraged loop -------------------------------------------------------


@attrs.frozen
class LoopForm:
    """A loop of ``n`` borrow-and-resupply rounds at borrow fraction ``q`` = LTV x usage of
    the borrowing power, on equity 1 (in collateral units), collateral/debt price ``p``."""

    collateral: Fraction  # collateral units per unit of equity: (1 - q**(n+1)) / (1 - q)
    debt: Fraction  # debt units per unit of equity: p * q * (1 - q**n) / (1 - q)
    leverage: Fraction  # collateral / equity
    health_factor: Fraction  # collateral * p * LT / debt
    liquidation_ratio: Fraction  # collateral/debt price at which HF = 1


def loop_closed_form(q: Fraction, rounds: int, lt_bps: int, price: Fraction) -> LoopForm:
    """Closed form of the loop (see :class:`LoopForm`); ``lt_bps`` is the liquidation threshold."""
    collateral = (1 - q ** (rounds + 1)) / (1 - q)
    debt = price * q * (1 - q**rounds) / (1 - q)
    lt = Fraction(lt_bps, 10_000)
    hf = collateral * price * lt / debt
    return LoopForm(collateral, debt, collateral, hf, debt / (collateral * lt))


def max_leverage(ltv_bps: int) -> Fraction:
    """The infinite loop's leverage: 1 / (1 - LTV)."""
    return 1 / (1 - Fraction(ltv_bps, 10_000))
