"""The trading venues and lending markets of a world, as data: what agents iterate over so that
no pool or market is forgotten."""

from __future__ import annotations

from math import isqrt
from typing import TYPE_CHECKING, Any, Literal

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


MIDS_KEPT = 256
"""StableSwap mids remembered by the pool read they come from (:func:`stableswap_mid`): a
step reads a few pools, so this holds many steps' worth; the table empties when full."""
_MIDS: dict[PoolQuote, int] = {}


def stableswap_mid(quote: PoolQuote) -> int:
    """A StableSwap pool's mid price from one read of it (wad, coin 0 per coin 1): the
    geometric mean of the bid and ask of a :data:`PROBE` trade, 0 when the pool cannot quote.
    Remembered by the read's value (every figure ``get_dy`` uses), so a pool read again
    unchanged costs no quote."""
    mid = _MIDS.get(quote)
    if mid is None:
        try:
            bid = quote.get_dy(BASE_I, QUOTE_I, PROBE) * WAD // PROBE
            got = quote.get_dy(QUOTE_I, BASE_I, PROBE)
        except LstlabError:
            mid = 0
        else:
            ask = PROBE * WAD // got if got else bid
            mid = isqrt(bid * ask)
        if len(_MIDS) >= MIDS_KEPT:
            _MIDS.clear()
        _MIDS[quote] = mid
    return mid


def v2_reserves(world: World, pool: PoolInfo) -> tuple[int, int]:
    """``(base, quote)`` reserves (wei) of a V2 pair, read from the pair itself."""
    pair: Any = world.state.contract(pool.address)
    r0, r1, _ = pair.get_reserves()
    return (r0, r1) if pair.token0 == pool.base else (r1, r0)


def mid_price(world: World, pool: PoolInfo) -> int:
    """The pool's mid price, quote per base (wad): a V2 pair's reserve ratio; a StableSwap
    pool's geometric mean of the bid and ask of a :data:`PROBE` trade (fee and first-order
    impact cancel; :func:`stableswap_mid`). 0 when the pool cannot quote."""
    if pool.kind == "v2":
        r_base, r_quote = v2_reserves(world, pool)
        return _wad_price(r_quote, pool.quote, r_base, pool.base) if r_base else 0
    return stableswap_mid(PoolQuote.of(world.state.contract(pool.address)))


def protocol_rate(world: World) -> int:
    """stETH (= ETH at par) per wstETH, wad: the issuer's rate as the world's pools and
    markets read it (the ``wsteth-steth`` feed)."""
    return world.feed("wsteth-steth").latest().rescaled(18)  # type: ignore[no-any-return]


def reference_price(world: World, pool: PoolInfo, eth_usd: float, steth_eth: float,
                    rate: int | None = None) -> int:
    """What the pool should read (wad, quote per base) at the given market prices: WETH per
    wstETH = stETH/ETH x the issuer's protocol rate on Ethereum (on every network: the L2's
    relayed rate lags it); USDC per WETH = ETH/USD. ``rate``: :func:`protocol_rate` when the
    caller has read it already (the same state), else it is read here."""
    if pool.base.symbol == "wstETH":
        if rate is None:
            rate = protocol_rate(world)
        return round(steth_eth * 10**12) * rate // 10**12
    return round(eth_usd * 10**8) * 10**10


def tracking_bps(mid: int, reference: int) -> float:
    """Signed distance of a pool's mid price from its reference, basis points."""
    return (mid / reference - 1.0) * 1e4 if reference else float("nan")


__all__ = ["BASE_I", "MIDS_KEPT", "PROBE", "QUOTE_I", "PoolInfo", "PoolKind", "mid_price", "protocol_rate",
           "reference_price", "stableswap_mid", "tracking_bps", "v2_reserves"]
