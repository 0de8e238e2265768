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


@attrs.frozen(eq=False)
class _Arrays:
    state_id: object
    stamp: int
    users: tuple[str, ...]
    supplied: np.ndarray  # (users, reserves) scaled aTokens, 0 where not collateral
    borrowed: np.ndarray  # (users, reserves) scaled debt
    emode: np.ndarray  # (users,) category ids


def _arrays(m: Market) -> _Arrays:
    stamp = m._load(("stamp",), -1)
    cache: _Arrays | None = m._risk_cache
    if cache is not None and cache.state_id is m.state and cache.stamp == stamp:
        return cache
    n = m.config().reserve_count
    users, rows_s, rows_b, modes = [], [], [], []
    pad = (0,) * n
    for key, pos in m._records().items():
        if key[0] != "pos" or not any(pos.borrowed):
            continue
        users.append(key[1])
        mask = pos.collateral_mask
        rows_s.append([s if mask >> i & 1 else 0 for i, s in enumerate((pos.supplied + pad)[:n])])
        rows_b.append((pos.borrowed + pad)[:n])
        modes.append(pos.emode)
    shape = (len(users), n)
    arrays = _Arrays(
        m.state, stamp, tuple(users),
        np.array(rows_s, dtype=np.float64).reshape(shape), np.array(rows_b, dtype=np.float64).reshape(shape),
        np.array(modes, dtype=np.int64),
    )
    m._risk_cache = arrays
    return arrays


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
    value = np.array([m._price(i) / c.unit for i, c in enumerate(cfgs)], dtype=np.float64)
    income = np.array([normalized_income(s, now) / RAY for s in states]) * value
    debt_value = np.array([normalized_debt(s, now) / RAY for s in states]) * value
    lt = np.array([c.liquidation_threshold for c in cfgs], dtype=np.float64)
    category = np.array([c.emode_category for c in cfgs], dtype=np.int64)
    table = np.zeros(256)
    for cid in np.unique(a.emode).tolist():  # only the categories in use: O(categories), not O(records)
        cat = m._emode(cid) if cid else None
        if cat is not None:
            table[cid] = cat.liquidation_threshold
    in_emode = (a.emode[:, None] == category[None, :]) & (a.emode[:, None] != 0)
    weights = np.where(in_emode, table[a.emode][:, None], lt[None, :])
    collateral = a.supplied * income
    total = collateral.sum(axis=1)
    safe_total = np.where(total > 0, total, 1.0)
    # Aave floors the average threshold to whole bps; so does this view (1e-9 guards ties).
    avg_lt = np.floor((collateral * weights).sum(axis=1) / safe_total + 1e-9)
    debt = a.borrowed @ debt_value
    hf = np.where(debt > 0, total * avg_lt / 1e4 / np.where(debt > 0, debt, 1.0), np.inf)
    return a.users, hf


def liquidatable(m: Market, margin: float = 2e-4) -> list[str]:
    """Users whose *exact* health factor is below 1 (candidates from the float view within
    ``margin``, each confirmed with the integer computation)."""
    users, hf = health_factors(m)
    picked = np.nonzero(hf < 1.0 + margin)[0]
    return [users[k] for k in picked if account_data(m, m._position(users[k])).health_factor < WAD]


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
