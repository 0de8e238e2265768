"""The trading venues and lending markets of a world, as data: what agents iterate over so that
no pool or market is forgotten."""

from __future__ import annotations

from math import isqrt
from typing import TYPE_CHECKING, Literal

import attrs

from amm.stableswap_price import PoolQuote
from chain import WAD, LstlabError, Token

if TYPE_CHECKING:
    from lstlab.world.build import World

PoolKind = Literal["stableswap", "v2"]


@attrs.frozen
class PoolInfo:
    """One pool: ``base`` is the asset priced, in units of ``quote`` (wstETH in WETH, WETH in USDC).

    ``key`` names the pool in metrics (``tracking_bps_{key}``); ``address`` is the pool
    contract (for a V2 pair, the pair itself); the router of V2 pairs is the world's.
    """

    key: str
    address: str
    network: str
    kind: PoolKind
    base: Token
    quote: Token


QUOTE_I, BASE_I = 0, 1
"""Coin indexes of the world's StableSwap pools: the quote asset (WETH) first, then the base."""
PROBE = 10**18
"""Trade size that reads a StableSwap pool's bid and ask for its mid price (1 token)."""


def _wad_price(quote_amount: int, quote: Token, base_amount: int, base: Token) -> int:
    """Quote per base as a wad, whatever the two decimals (floor)."""
    return quote_amount * 10**base.decimals * WAD // (base_amount * 10**quote.decimals)


def mid_price(world: World, pool: PoolInfo) -> int:
    """The pool's mid price, quote per base (wad): a V2 pair's reserve ratio; a StableSwap
    pool's geometric mean of the bid and ask of a :data:`PROBE` trade (fee and first-order
    impact cancel). 0 when the pool cannot quote."""
    if pool.kind == "v2":
        r_base, r_quote = world.router.reserves_for(pool.base, pool.quote)
        return _wad_price(r_quote, pool.quote, r_base, pool.base) if r_base else 0
    quote = PoolQuote.of(world.state.contract(pool.address))
    try:
        bid = quote.get_dy(BASE_I, QUOTE_I, PROBE) * WAD // PROBE
        got = quote.get_dy(QUOTE_I, BASE_I, PROBE)
    except LstlabError:
        return 0
    ask = PROBE * WAD // got if got else bid
    return isqrt(bid * ask)


def reference_price(world: World, pool: PoolInfo, eth_usd: float, steth_eth: float) -> int:
    """What the pool should read (wad, quote per base) at the given market prices: WETH per
    wstETH = stETH/ETH x the issuer's protocol rate on Ethereum (on every network: the L2's
    relayed rate lags it); USDC per WETH = ETH/USD."""
    if pool.base.symbol == "wstETH":
        rate = world.feed("wsteth-steth").latest().rescaled(18)
        return round(steth_eth * 10**12) * rate // 10**12
    return round(eth_usd * 10**8) * 10**10


def tracking_bps(mid: int, reference: int) -> float:
    """Signed distance of a pool's mid price from its reference, basis points."""
    return (mid / reference - 1.0) * 1e4 if reference else float("nan")


__all__ = ["BASE_I", "PROBE", "QUOTE_I", "PoolInfo", "PoolKind", "mid_price", "reference_price", "tracking_bps"]
