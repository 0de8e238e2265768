"""Sizing an arbitrage trade against a target price: StableSwap pools by exact quotes around
a float estimate, V2 pairs in closed form, and the tracking band a pool is left in.

Every size is exact: a StableSwap trade is the largest multiple of :data:`STEP` whose every step
pays more than the target (found with a few exact ``get_dy`` quotes), a V2 trade is the closed
form trimmed to the least input buying the same output. Pool states are read once per sizing.
"""

from __future__ import annotations

from math import ceil, isfinite, isqrt

from amm import get_amount_in, get_amount_out
from amm.library import BPS
from amm.stableswap import FEE_DENOMINATOR
from amm.stableswap_price import PoolQuote
from chain import WAD, LstlabError
from lstlab.world.build import World
from lstlab.world.venues import BASE_I, PoolInfo, stableswap_mid

STEP = 10**15
"""Resolution of the StableSwap sizing: 0.001 token (wei)."""
PRICE_TOLERANCE = 1e-6
"""Relative distance from the target a StableSwap pool is left within (the band of
:mod:`lstlab.agents.arbitrageur`, widened by this)."""


def beats_price(quotes: Quotes, i: int, j: int, x: int, price_wad: int, step: int) -> bool:
    """True when the ``step`` of coin ``i`` after ``x`` pays more than ``price_wad`` (wad of j per i)."""
    return (quotes.dy(i, j, x + step) - quotes.dy(i, j, x)) * WAD > price_wad * step


class Quotes:
    """Exact ``get_dy`` quotes of a StableSwap pool in its current state (one read of the
    pool), remembered by input; 0 where the pool would refuse the trade."""

    def __init__(self, pool: object) -> None:
        self.pool = PoolQuote.of(pool)
        self.seen: dict[tuple[int, int], int] = {}

    def dy(self, i: int, j: int, dx: int) -> int:
        if dx <= 0:
            return 0
        key = (i, dx)
        out = self.seen.get(key)
        if out is None:
            try:
                out = self.pool.get_dy(i, j, dx)
            except LstlabError:
                out = 0
            self.seen[key] = out
        return out

    def fee_fraction(self) -> tuple[int, int]:
        return self.pool.fee, FEE_DENOMINATOR

    def mid(self) -> int:
        """:func:`lstlab.world.venues.mid_price` of the pool in the state read (wad)."""
        return stableswap_mid(self.pool)

    def side(self, i: int, j: int, price_wad: int, cap: int) -> tuple[int, int, bool]:
        """``(input, output, capped)``: :func:`curve_size` of the side, its exact output and
        whether ``cap`` (not the price) cut it."""
        x = size(self, i, j, price_wad, cap)
        top = cap // STEP * STEP
        return x, self.dy(i, j, x), x == top and beats_price(self, i, j, top, price_wad, STEP)


class Reserves:
    """A V2 pair's reserves as base and quote, read once."""

    def __init__(self, world: World, pool: PoolInfo) -> None:
        pair = world.state.contract(pool.address)
        r0, r1, _ = pair.get_reserves()  # type: ignore[attr-defined]
        self.base, self.quote = (r0, r1) if pair.token0 == pool.base else (r1, r0)  # type: ignore[attr-defined]
        self.fee = pair.fee_bps  # type: ignore[attr-defined]
        self.scale = 10**pool.base.decimals * WAD, 10**pool.quote.decimals

    def fee_fraction(self) -> tuple[int, int]:
        return self.fee, BPS

    def mid(self) -> int:
        """The reserve ratio, quote per base (wad), as :func:`lstlab.world.venues.mid_price`."""
        return self.quote * self.scale[0] // (self.base * self.scale[1]) if self.base else 0

    def side(self, i: int, _j: int, price_wad: int, cap: int) -> tuple[int, int, bool]:
        """``(input, output, capped)`` of the closed-form trade selling coin ``i`` (BASE_I or
        QUOTE_I) against ``price_wad`` (wei of the other coin per wei, wad), cut to ``cap``."""
        r_in, r_out = (self.base, self.quote) if i == BASE_I else (self.quote, self.base)
        x = v2_input(r_in, r_out, price_wad, self.fee)
        capped = x > cap
        x = min(x, cap)
        return (x, get_amount_out(x, r_in, r_out, self.fee), capped) if x else (0, 0, capped)


def in_band(mid: int, ref: int, pool_fee: tuple[int, int], cex_bps: int) -> bool:
    """True when ``mid`` lies in the tracking band of the module docstring, widened by
    PRICE_TOLERANCE: ``ref (1 - c)(1 - f) <= mid <= ref (1 + c) / (1 - f)``, ``f = num / den``."""
    num, den = pool_fee
    lo = ref * (BPS - cex_bps) * (den - num) / (BPS * den)
    hi = ref * (BPS + cex_bps) * den / (BPS * (den - num))
    return lo * (1 - PRICE_TOLERANCE) <= mid <= hi * (1 + PRICE_TOLERANCE)


def v2_input(reserve_in: int, reserve_out: int, price_wad: int, fee_bps: int = 30) -> int:
    """The input (wei) of the profit-maximising V2 trade against ``price_wad`` (wei out per wei
    in, wad): the closed form ``sqrt(k / (gamma p)) - r_in / gamma`` (floors), trimmed to the
    least input buying the same output (``getAmountIn``); 0 when no input pays more than the price."""
    if not reserve_in or not reserve_out:
        return 0
    g = BPS - fee_bps
    x = isqrt(reserve_in * reserve_out * BPS * WAD // (g * price_wad)) - reserve_in * BPS // g
    if x <= 0:
        return 0
    y = get_amount_out(x, reserve_in, reserve_out, fee_bps)
    if y == 0:
        return 0
    return min(x, get_amount_in(y, reserve_in, reserve_out, fee_bps))


def curve_size(world: World, i: int, j: int, price_wad: int, cap: int, step: int = STEP) -> int:
    """The input (wei of coin ``i`` of the Ethereum StableSwap pool, a multiple of ``step``, at
    most ``cap``) made of every step whose marginal output beats ``price_wad`` (wad of coin
    ``j`` per coin ``i``)."""
    return size(Quotes(world.curve), i, j, price_wad, cap, step)


def size(quotes: Quotes, i: int, j: int, price_wad: int, cap: int, step: int = STEP) -> int:
    """:func:`curve_size` on ``quotes``: the first step that does not beat the price, found
    from the float estimate of the boundary with a few exact quotes around it (galloping out
    and bisecting when the estimate is off)."""

    def beats(k: int) -> bool:
        return beats_price(quotes, i, j, k * step, price_wad, step)

    top = cap // step
    if top == 0 or not beats(0):
        return 0
    try:
        estimate = quotes.pool.input_for(i, j, price_wad / WAD, cap) / step - 0.5
    except LstlabError:
        estimate = 0.0
    hi = min(max(ceil(estimate), 1), top) if isfinite(estimate) else 1
    gap = 1
    if hi < top and beats(hi):  # the boundary is above the estimate
        lo = hi
        while True:
            hi = min(lo + gap, top)
            if hi == top or not beats(hi):
                break
            lo, gap = hi, gap * 2
    else:  # at or below it
        while True:
            lo = max(hi - gap, 0)
            if lo == 0 or beats(lo):
                break
            hi, gap = lo, gap * 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if beats(mid):
            lo = mid
        else:
            hi = mid
    return hi * step


__all__ = ["PRICE_TOLERANCE", "STEP", "Quotes", "Reserves", "beats_price", "curve_size", "in_band", "size", "v2_input"]
