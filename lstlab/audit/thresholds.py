"""Liquidation thresholds per risk factor (:mod:`lstlab.audit.factors`), by bisection on
forks beside the closed form. Nothing here mutates the world it is given.

:func:`bisect_threshold` bisects a factor over its integer values (resolution: one unit of the
feed's answer, so the boundary is exact: at the threshold the position is liquidatable, one
unit above it is not). :func:`closed_form_threshold` is :func:`lending.liquidation_price` of
wstETH scaled to the factor (the wstETH price is linear in the stETH/ETH ratio, in the rate
and in the backing), or, for ETH/USD, the root of the linear collateral-vs-debt model through
two prices (none for positions whose every asset is priced in ETH: ETH/USD moves both sides
alike). The two agree to the feeds' rounding (composite feeds floor to 8 decimals: about
1e-10 relative).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction

import pandas as pd

import chain
from chain import WAD
from lending import liquidation_price
from lstlab.audit.factors import (
    FACTORS,
    L2_FACTORS,
    Factor,
    borrowers,
    install_backing_oracle,
    market_of,
    set_eth_usd,
    setters,
)
from lstlab.errors import StrategyError
from lstlab.world import names
from lstlab.world.build import World

COLUMNS = ["account", "factor", "threshold_bisection", "threshold_closed_form", "current"]
"""Columns of :func:`thresholds`."""


def _liquidatable_at(world: World, user: str, setter: Callable[[World, int], None], value: int,
                     l2: bool) -> bool:
    trial = world.fork()
    try:
        setter(trial, value)
    except chain.LstlabError:
        return False
    return market_of(trial, l2).health_factor(user) < WAD


def bisect_threshold(world: World, user: str, factor: Factor, *, l2: bool = False) -> int | None:
    """The highest raw value of ``factor`` (at most the current one) at which ``user`` is
    liquidatable in the Ethereum market (``l2``: the L2 market), each trial on a fork; None
    when no value down to 1/10,000 of the current one liquidates it."""
    current, setter, _ = setters()[factor]
    hi = current(world)
    if _liquidatable_at(world, user, setter, hi, l2):
        return hi
    lo = max(1, hi // 10**4)
    if not _liquidatable_at(world, user, setter, lo, l2):
        return None
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _liquidatable_at(world, user, setter, mid, l2):
            lo = mid
        else:
            hi = mid
    return lo


def _uses_market_feed(world: World) -> bool:
    return world.market.reserve_config(world.wsteth).feed == "wsteth-usd-market"


def closed_form_threshold(world: World, user: str, factor: Factor, *, l2: bool = False) -> float | None:
    """The factor's threshold (float, in the factor's units) from the closed forms; None where
    the factor does not reach the position."""
    if factor == "eth-usd":
        return _eth_usd_closed_form(world, user, l2)
    if factor == "steth-eth" and (l2 or not _uses_market_feed(world)):
        return None
    if factor == "bridge-backing":
        if not l2:
            return None
        world = world.fork()
        install_backing_oracle(world)
    m, asset = (world.l2_market, world.l2_wsteth) if l2 else (world.market, world.wsteth)
    p = liquidation_price(m, user, asset)
    if p is None:
        return None
    current, _, unit = setters()[factor]
    return float(Fraction(p, m.price(asset)) * Fraction(current(world), unit))


def _eth_usd_closed_form(world: World, user: str, l2: bool) -> float | None:
    """Root of (weighted collateral - debt), linear in ETH/USD, through two prices; None when
    the root is not above 1/10,000 of the current price (a position priced all in ETH has its
    root at 0: ETH/USD moves both sides alike)."""
    answer = world.feed("eth-usd").latest().answer
    gaps = []
    for value in (answer, answer // 2):
        trial = world.fork()
        set_eth_usd(trial, value)
        acct = market_of(trial, l2).account_data(user)
        gaps.append(Fraction(acct.total_collateral_base * acct.liquidation_threshold, 10_000) - acct.total_debt_base)
    slope = (gaps[0] - gaps[1]) / (answer - answer // 2)
    if slope == 0:
        return None
    root = answer - gaps[0] / slope
    return float(root) / 10**names.FEED_DECIMALS if root * 10**4 > answer else None


def thresholds(world: World, accounts: Iterable[str] | None = None, factors: Sequence[Factor] | None = None,
               *, l2: bool = False) -> pd.DataFrame:
    """For each account (default: every borrower of the market) and factor (default
    :data:`FACTORS`, or :data:`L2_FACTORS` with ``l2``): the bisected threshold, the closed
    form and the current value, as floats in the factor's units (NaN: no threshold).
    ``l2`` probes positions of the L2 market. Columns: :data:`COLUMNS`. Raises StrategyError
    for an unknown factor (before any trial)."""
    rows = []
    table = setters()
    factors = (L2_FACTORS if l2 else FACTORS) if factors is None else factors
    unknown = [f for f in factors if f not in table]
    if unknown:
        raise StrategyError(f"unknown risk factor(s) {unknown}: use {', '.join(table)}")
    for user in (borrowers(world, l2) if accounts is None else list(accounts)):
        for factor in factors:
            current, _, unit = table[factor]
            found = bisect_threshold(world, user, factor, l2=l2)
            form = closed_form_threshold(world, user, factor, l2=l2)
            rows.append({
                "account": user, "factor": factor,
                "threshold_bisection": math.nan if found is None else found / unit,
                "threshold_closed_form": math.nan if form is None else form,
                "current": current(world) / unit,
            })
    return pd.DataFrame(rows, columns=COLUMNS)


__all__ = ["COLUMNS", "bisect_threshold", "closed_form_threshold", "thresholds"]
