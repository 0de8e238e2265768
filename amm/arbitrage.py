"""Closed-form arbitrage sizing for a constant-product pool, refined to exact integers.

Prices are wads of token_out per token_in (``p = price_wad / 1e18``); the fee is ``fee_bps``
on the input (``gamma = 1 - fee_bps/1e4``); reserves and amounts are wei.

- :func:`profit_maximizing_trade`: the input that maximises ``out - p*in`` against an external
  price: ``sqrt(k/(gamma p)) - r_in/gamma`` (v2-periphery ``computeProfitMaximizingTrade``),
  then hill-climbed on V2's exact integer output to a local maximum (one wei more or less
  earns no more; near the optimum the integer profit can be flat over many wei when each wei
  of input buys a whole number of wei of output, and any point of that plateau is optimal).
- :func:`amount_in_to_price`: the smallest input after which the pool's mid price
  ``r_out'/r_in'`` is at or below a target, with the fee accounted: the root of
  ``gamma dx^2 + (1+gamma) x dx + x^2 - k/t = 0``, then adjusted to the exact boundary.
"""

from __future__ import annotations

from math import isqrt

from amm.library import BPS, get_amount_out
from chain import WAD, check_amount


def _profit_wad(amount_in: int, reserve_in: int, reserve_out: int, price_wad: int, fee_bps: int) -> int:
    if amount_in <= 0:
        return 0
    return get_amount_out(amount_in, reserve_in, reserve_out, fee_bps) * WAD - amount_in * price_wad


def arbitrage_profit(amount_in: int, reserve_in: int, reserve_out: int, price_wad: int, fee_bps: int = 30) -> int:
    """Profit in token_out wei of selling ``amount_in`` into the pool and buying it back
    outside at ``price_wad``: ``out - amount_in * p``, rounded down (may be negative)."""
    check_amount(amount_in, "amount_in")
    return _profit_wad(amount_in, reserve_in, reserve_out, price_wad, fee_bps) // WAD


def profit_maximizing_trade(reserve_in: int, reserve_out: int, price_wad: int, fee_bps: int = 30) -> int:
    """The input (wei of token_in) that maximises :func:`arbitrage_profit`; 0 when no input
    of token_in is profitable (the pool then needs the trade the other way round)."""
    for value, what in ((reserve_in, "reserve_in"), (reserve_out, "reserve_out"), (price_wad, "price_wad")):
        check_amount(value, what, positive=True)
    g = BPS - fee_bps
    left = isqrt(reserve_in * reserve_out * BPS * WAD // (g * price_wad))
    right = reserve_in * BPS // g
    if left <= right:
        return 0
    dx = left - right

    def profit(x: int) -> int:
        return _profit_wad(x, reserve_in, reserve_out, price_wad, fee_bps)

    while profit(dx + 1) > profit(dx):
        dx += 1
    while dx > 1 and profit(dx - 1) > profit(dx):
        dx -= 1
    return dx if profit(dx) > 0 else 0


def _at_or_below(dx: int, reserve_in: int, reserve_out: int, target_wad: int, fee_bps: int) -> bool:
    out = get_amount_out(dx, reserve_in, reserve_out, fee_bps) if dx else 0
    return (reserve_out - out) * WAD <= target_wad * (reserve_in + dx)


def amount_in_to_price(reserve_in: int, reserve_out: int, target_wad: int, fee_bps: int = 30) -> int:
    """Smallest input (wei of token_in) after which ``reserve_out'/reserve_in' <= target``
    (token_out per token_in, wad) with V2's exact output; 0 when the pool is already there."""
    for value, what in ((reserve_in, "reserve_in"), (reserve_out, "reserve_out"), (target_wad, "target_wad")):
        check_amount(value, what, positive=True)
    if _at_or_below(0, reserve_in, reserve_out, target_wad, fee_bps):
        return 0
    g = BPS - fee_bps
    x, k = reserve_in, reserve_in * reserve_out
    root = isqrt((BPS - g) ** 2 * x * x + 4 * g * BPS * k * WAD // target_wad)
    dx = max(1, (root - (BPS + g) * x) // (2 * g))
    while not _at_or_below(dx, reserve_in, reserve_out, target_wad, fee_bps):
        dx += 1
    while dx > 1 and _at_or_below(dx - 1, reserve_in, reserve_out, target_wad, fee_bps):
        dx -= 1
    return dx
