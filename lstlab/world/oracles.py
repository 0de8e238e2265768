"""Oracles as deployed, by name: how an Ethereum market of the world prices wstETH.

Each oracle is a chain of feeds ending in a wstETH/USD feed (8 decimals, as Aave's oracle)
that the market's wstETH reserve reads:

- ``exchange-rate``: Aave's wstETH adapter, the issuer's rate x stETH/ETH pegged at 1 x ETH/USD;
- ``market``: the rate x the market stETH/ETH feed (set from data or from a pool) x ETH/USD;
- ``chainlink-market``: the rate x a Chainlink-style aggregator over the market stETH/ETH feed
  (:class:`chain.oracles.AggregatorFeed`, mainnet stETH/ETH figures: 0.5% / 24 h) x ETH/USD;
- ``curve-ema``: the rate x the Curve pool's EMA ``price_oracle`` of stETH in ETH
  (:class:`amm.oracles.CurveEmaFeed`) x ETH/USD;
- ``v2-twap``: the V2 pair's TWAP of wstETH in WETH (:class:`amm.TwapFeed`) x ETH/USD;
- ``pool-quote``: the fee-inclusive price of selling ``size`` wstETH into a pool, read live
  or sampled at each :func:`poke_all`, optionally put on a grid, down or to the nearest step
  (:class:`amm.oracles.PoolQuoteFeed`) x ETH/USD; with ``quote="steth-eth"`` (the StableSwap
  venue) the grid applies to stETH/ETH (the quote per rate unit), then x the rate.

:func:`install` deploys what a name needs (once: it reuses feeds already there) and points
the market's wstETH reserve at it; options other than the defaults give feeds of their own
(their address carries the options), so two settings can coexist in one world. Aggregators,
EMAs and TWAPs move only when poked: :func:`poke_all` pokes every one the world has (the
backtest calls it each step). Everything lives in the chain state, so forks and reruns agree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import amm
import lending
from amm.oracles import MA_EXP_TIME, CurveEmaFeed, PoolQuoteFeed
from chain import CompositeFeed, InputError, InvalidArgument, State
from chain.oracles import CHAINLINK_STETH_ETH, AggregatorFeed
from lstlab.errors import CompositionError
from lstlab.world.names import ETH, FEED_DECIMALS

if TYPE_CHECKING:
    from lstlab.world.build import World

ORACLES: dict[str, str] = {
    "exchange-rate": "Aave's wstETH adapter: protocol rate x stETH/ETH pegged at 1 x ETH/USD",
    "market": "protocol rate x the market stETH/ETH feed x ETH/USD",
    "chainlink-market": "protocol rate x a Chainlink-style aggregator (0.5% / 24 h) over the market "
                        "stETH/ETH feed x ETH/USD; options deviation_bps, heartbeat",
    "curve-ema": "protocol rate x the Curve pool's EMA price_oracle of stETH in ETH x ETH/USD; option ma_exp_time",
    "v2-twap": "the V2 pair's TWAP of wstETH in WETH x ETH/USD (no reading before one window); option window",
    "pool-quote": "price of selling size wstETH into a pool, fee included, read live or sampled at each "
                  "poke, optionally on a grid, x ETH/USD; options size, grid, rounding (floor or nearest), "
                  "quote (wsteth-eth, or steth-eth: the grid on stETH/ETH, then x the rate; curve only), "
                  "live, venue (curve or v2)",
}
"""Every oracle :func:`install` knows, name -> what the market's wstETH price then is."""

TWAP_WINDOW = 3600
"""Default TWAP window (s): one hour, the ETH/USD aggregator's heartbeat, so a TWAP and the
aggregators refresh on the same clock in an hourly backtest; pass ``window=`` for another."""
QUOTE_SIZE = 10**18
"""Default pool-quote size: one wstETH, the fee-inclusive price at the margin; pass ``size=``
(wei) for the price a liquidator selling a block would get."""

_DEFAULTS: dict[str, dict[str, Any]] = {
    "exchange-rate": {},
    "market": {},
    "chainlink-market": {"deviation_bps": CHAINLINK_STETH_ETH["deviation_bps"],
                         "heartbeat": CHAINLINK_STETH_ETH["heartbeat"]},
    "curve-ema": {"ma_exp_time": MA_EXP_TIME},
    "v2-twap": {"window": TWAP_WINDOW},
    "pool-quote": {"size": QUOTE_SIZE, "grid": None, "venue": "curve", "rounding": "floor", "quote": "wsteth-eth",
                   "live": True},
}
_STEMS = {"exchange-rate": "rate", "market": "market", "chainlink-market": "chainlink", "curve-ema": "curve-ema",
          "v2-twap": "v2-twap", "pool-quote": "pool-quote"}
"""Address stem of each oracle's feeds: ``wsteth-usd-<stem>`` is what the market reads."""
_POKED = ("feed.curve_ema", "feed.twap", "feed.pool_quote", "feed.aggregator")
"""Kinds :func:`poke_all` updates, in this order: pool-derived feeds first, so an aggregator
over one observes it as of this step."""


class UnknownOracle(CompositionError, InputError):
    """An oracle name :func:`install` does not know; the message lists the ones it does."""

    code = "UNKNOWN_ORACLE"


def _suffix(name: str, options: Mapping[str, Any]) -> str:
    """``[k=v,...]`` for the options that differ from the defaults (sorted), else ''."""
    changed = {k: v for k, v in sorted(options.items()) if v != _DEFAULTS[name][k]}
    return "[" + ",".join(f"{k}={v}" for k, v in changed.items()) + "]" if changed else ""


def _options(name: str, given: Mapping[str, Any]) -> dict[str, Any]:
    if name not in ORACLES:
        raise UnknownOracle(f"unknown oracle {name!r}: choose one of {', '.join(ORACLES)}")
    unknown = sorted(set(given) - set(_DEFAULTS[name]))
    if unknown:
        allowed = ", ".join(_DEFAULTS[name]) or "none"
        raise InvalidArgument(f"oracle {name!r} takes no option {', '.join(unknown)}: its options are {allowed}")
    return {**_DEFAULTS[name], **given}


def _composite(state: State, address: str, first: str, second: str, decimals: int = 18) -> str:
    if not state.has_address(address):
        CompositeFeed.deploy(state, address, ETH, first=first, second=second, decimals=decimals)
    return address


def _pool(world: World, key: str, name: str) -> str:
    for pool in world.pools():
        if pool.key == key and pool.network == ETH:
            return pool.address
    raise InvalidArgument(f"oracle {name!r} reads the {key!r} pool, which this world does not have: "
                          "switch the pool on in WorldParams.pools or choose another oracle")


def _rate_times(world: World, stem: str, steth_eth: str) -> str:
    """wstETH/USD = wstETH/stETH (the issuer's rate) x ``steth_eth`` x ETH/USD."""
    eth = _composite(world.state, f"wsteth-eth-{stem}", "wsteth-steth", steth_eth)
    return _composite(world.state, f"wsteth-usd-{stem}", eth, "eth-usd", FEED_DECIMALS)


def _exchange_rate(world: World, o: dict[str, Any], sfx: str) -> str:
    return _rate_times(world, "rate", "steth-eth-peg")


def _market(world: World, o: dict[str, Any], sfx: str) -> str:
    return _rate_times(world, "market", "steth-eth-market")


def _chainlink(world: World, o: dict[str, Any], sfx: str) -> str:
    address = f"steth-eth-chainlink{sfx}"
    if not world.state.has_address(address):
        AggregatorFeed.deploy(world.state, address, ETH, source="steth-eth-market", deviation_bps=o["deviation_bps"],
                              heartbeat=o["heartbeat"], decimals=CHAINLINK_STETH_ETH["decimals"])
    return _rate_times(world, f"chainlink{sfx}", address)


def _curve_ema(world: World, o: dict[str, Any], sfx: str) -> str:
    address = f"steth-eth-curve-ema{sfx}"
    if not world.state.has_address(address):
        CurveEmaFeed.deploy(world.state, address, ETH, pool=_pool(world, "curve", "curve-ema"), coin=1,
                            ma_exp_time=o["ma_exp_time"], base="stETH")
    return _rate_times(world, f"curve-ema{sfx}", address)


def _v2_twap(world: World, o: dict[str, Any], sfx: str) -> str:
    address = f"wsteth-eth-v2-twap{sfx}"
    if not world.state.has_address(address):
        amm.TwapFeed.deploy(world.state, address, ETH, pair=_pool(world, "v2", "v2-twap"), base=world.wsteth,
                            window=o["window"])
    return _composite(world.state, f"wsteth-usd-v2-twap{sfx}", address, "eth-usd", FEED_DECIMALS)


def _pool_quote(world: World, o: dict[str, Any], sfx: str) -> str:
    if o["venue"] not in ("curve", "v2"):
        raise InvalidArgument(f"pool-quote venue must be 'curve' or 'v2', got {o['venue']!r}")
    if o["quote"] not in ("wsteth-eth", "steth-eth"):
        raise InvalidArgument(f"pool-quote quote must be 'wsteth-eth' or 'steth-eth', got {o['quote']!r}")
    if o["quote"] == "steth-eth" and o["venue"] != "curve":
        raise InvalidArgument("pool-quote quote='steth-eth' prices per rate unit, which only the curve venue "
                              "(a StableSwap with the wstETH rate) has: use venue='curve' or quote='wsteth-eth'")
    pool = _pool(world, o["venue"], "pool-quote")
    rated = o["quote"] == "steth-eth"
    address = f"{'steth' if rated else 'wsteth'}-eth-pool-quote{sfx}"
    if not world.state.has_address(address):
        facade: Any = world.state.contract(pool)
        coins = facade.coins if isinstance(facade, amm.StableSwap) else (facade.token0, facade.token1)
        i, j = coins.index(world.wsteth), coins.index(world.weth)
        PoolQuoteFeed.deploy(world.state, address, ETH, pool=pool, i=i, j=j, size=o["size"], grid=o["grid"],
                             rounding=o["rounding"], rated=rated, live=o["live"],
                             base="stETH" if rated else None)
    if rated:
        return _rate_times(world, f"pool-quote{sfx}", address)
    return _composite(world.state, f"wsteth-usd-pool-quote{sfx}", address, "eth-usd", FEED_DECIMALS)


_BUILDERS: dict[str, Callable[[World, dict[str, Any], str], str]] = {
    "exchange-rate": _exchange_rate, "market": _market, "chainlink-market": _chainlink, "curve-ema": _curve_ema,
    "v2-twap": _v2_twap, "pool-quote": _pool_quote,
}


def _ethereum_market(world: World, market: str | None) -> lending.Market:
    address = world.market.address if market is None else market
    facade = world.state.contract(address)
    if not isinstance(facade, lending.Market):
        raise InvalidArgument(f"{address!r} is a {facade.kind} contract, not a lending market")
    if facade.network != ETH:
        raise InvalidArgument(f"market {address!r} lives on {facade.network!r}: these oracles are Ethereum "
                              f"feeds; pass a market of {ETH!r}")
    return facade


def install(world: World, name: str, *, market: str | None = None, **options: Any) -> str:
    """Deploy what oracle ``name`` (a key of :data:`ORACLES`) needs and point the wstETH reserve
    of ``market`` (an Ethereum market's address; None: ``world.market``) at it; returns the
    address of the wstETH/USD feed the market then reads.

    Idempotent: feeds already in the world are reused, and installing the same name and
    options twice changes nothing more. ``options`` (see :data:`ORACLES`; defaults
    :data:`chain.oracles.CHAINLINK_STETH_ETH`, :data:`amm.oracles.MA_EXP_TIME`,
    :data:`TWAP_WINDOW`, :data:`QUOTE_SIZE`, no grid, the Curve venue) other than the
    defaults deploy feeds of their own. A ``v2-twap`` has no reading until one window has
    passed and :func:`poke_all` has run (as a TWAP deployed on chain): the market's reads of
    wstETH raise TwapNotReady until then.

    Raises UnknownOracle (listing the names), InvalidArgument (an option the oracle does not
    take, a pool the world lacks, a market that is not an Ethereum market), what the feeds'
    deploys raise for bad option values, and the market's set_feed errors (Unauthorized once
    parameters are handed to governance); writes nothing on error.
    """
    opts = _options(name, options)
    m = _ethereum_market(world, market)
    with world.state.atomic():
        feed = _BUILDERS[name](world, opts, _suffix(name, opts))
        if m.reserve_config(world.wsteth).feed != feed:
            m.set_feed(world.wsteth, feed)
    return feed


def oracle_of(world: World, market: str | None = None) -> str | None:
    """The name of the oracle the market's wstETH reserve reads (None: a feed of none of them)."""
    feed = _ethereum_market(world, market).reserve_config(world.wsteth).feed
    stem = feed.split("[", 1)[0]
    for name, own in _STEMS.items():
        if stem == f"wsteth-usd-{own}":
            return name
    return None


def poke_all(world: World) -> dict[str, bool]:
    """Poke every Curve EMA feed, V2 TWAP whose window has passed, sampled pool quote (live
    ones are not listed: they have nothing to store) and aggregator of the world (every
    network), in that order; returns, by feed address, whether it stored a new value (an EMA
    and a sampled quote always store; a TWAP inside its window and an aggregator inside its
    band before its heartbeat do not). Raises what a feed raises when its source cannot answer."""
    state = world.state
    done: dict[str, bool] = {}
    for kind in _POKED:
        for info in state.contracts(kind):
            feed: Any = state.contract(info.address)
            if kind == "feed.curve_ema":
                feed.poke()
                done[info.address] = True
            elif kind == "feed.pool_quote":
                if not feed.live:
                    done[info.address] = feed.poke()
            elif kind == "feed.twap":
                ready = state.now - feed.observation.timestamp >= feed.window
                if ready:
                    feed.update()
                done[info.address] = ready
            else:
                done[info.address] = feed.poke()
    return done


__all__ = ["ORACLES", "QUOTE_SIZE", "TWAP_WINDOW", "UnknownOracle", "install", "oracle_of", "poke_all"]
