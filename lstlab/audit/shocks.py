"""Shocks that move every venue coherently (each mutates the world it is given: pass a fork).

A shock moves its own market first, then the arbitrageur (:class:`lstlab.agents.Arbitrageur`)
brings every other pool to the shared reference (:func:`references`) against its external
exchange, before any liquidation:

- ``steth-depeg``: wstETH is sold into the Ethereum StableSwap pool until its stETH/ETH mid
  has fallen by the size (:func:`depeg_pool`); the other stETH pools (the V2 pair, the L2
  StableSwap) are brought to it and the market's stETH/ETH feed is set to it
  (:func:`feed_from_pool`);
- ``eth-price``: the ETH/USD feeds (Ethereum and L2) fall by the size; the WETH/USDC pair is
  brought to the new ETH/USD;
- ``slashing``: the protocol rate falls by the size (:func:`lstlab.audit.factors.set_rate`);
  the StableSwap pool's price follows through its rate oracle, the V2 pair and the L2 pool
  (whose relayed rate lags) are brought to it;
- ``bridge-exploit``: the size of the bridge escrow is drained (backing ``1 - size``; the L2
  market's feeds do not read the backing), then the venues are aligned as above;
- ``lrt-depeg`` (a world with an LRT, :func:`lstlab.world.lrt.deploy_lrt`): LRT is sold into
  the LRT/WETH pool until its price over the LRT's rate has fallen by the size, and the LRT's
  market peg feed is set to it (:mod:`lstlab.audit.lrt`); the stETH venues are aligned as above.

The stETH reference is the Ethereum StableSwap pool's mid: the deepest stETH venue (235k ETH
a side in the default world, ``PoolParams``: Curve stETH/ETH on 2023-06-19, against thousands
on the others), where the stETH/ETH price is formed and which the exchange quotes. ETH/USD is
the feed's, set by the world's external markets, not by the WETH/USDC pair. Shocks other than
the depeg leave the stETH/ETH feed where it was: they do not move the stETH/ETH ratio.
"""

from __future__ import annotations

from typing import Literal

from chain import WAD
from lstlab.agents.arbitrageur import WETH_I, WSTETH_I, Arbitrageur, Trades, curve_mid, protocol_rate
from lstlab.audit.factors import DEPEG_STEP, SHOCKER, sell_until, set_eth_usd, set_rate
from lstlab.audit.lrt import depeg_lrt_pool, feed_lrt_from_pool
from lstlab.errors import StrategyError
from lstlab.world import names
from lstlab.world.build import World
from lstlab.world.lrt import PEG_FEED, lrt_world

Shock = Literal["steth-depeg", "eth-price", "slashing", "bridge-exploit", "lrt-depeg"]
SHOCKS: tuple[Shock, ...] = ("steth-depeg", "eth-price", "slashing", "bridge-exploit", "lrt-depeg")
SHOCK_NODES = {"steth-depeg": "steth-eth-market", "eth-price": "eth-usd", "slashing": names.ISSUER,
               "bridge-exploit": names.BRIDGE, "lrt-depeg": PEG_FEED}
"""The graph node each shock starts from."""
REFERENCE_POOL = "curve"
"""The pool whose mid is the stETH reference (module docstring)."""


def pool_steth_eth(world: World) -> int:
    """The Ethereum StableSwap pool's mid price as a stETH/ETH ratio (wad, floor)."""
    return curve_mid(world) * WAD // protocol_rate(world)


def depeg_pool(world: World, fall: float) -> int:
    """Sell wstETH (staked for the purpose by :data:`SHOCKER`) on the Ethereum StableSwap pool
    until its mid stETH/ETH price is at most ``(1 - fall)`` times the current one; returns the
    wstETH sold (wei). Bisection on the amount (resolution :data:`DEPEG_STEP`), each trial in a
    reverted snapshot."""
    state, curve = world.state, world.curve
    target = int(pool_steth_eth(world) * (1 - fall))
    rate = protocol_rate(world)
    supply = state.balance_of(world.weth, names.CURVE) * 4  # more than any fall short of 100% needs
    world.fund(world.weth, SHOCKER, supply * rate // WAD + 1)
    held = world.stake(SHOCKER, supply * rate // WAD + 1)

    return sell_until(world, curve, WSTETH_I, WETH_I, held, lambda: pool_steth_eth(world) <= target)


def feed_from_pool(world: World) -> int:
    """Set the stETH/ETH market feed to the reference pool's mid (:func:`pool_steth_eth`);
    returns it (wad)."""
    price = pool_steth_eth(world)
    world.feed("steth-eth-market").set(price)
    return price


def references(world: World) -> dict[str, int]:
    """Every pool's reference but the reference pool's (wad, quote per base): WETH per wstETH =
    the reference pool's mid (on the L2 too: one wstETH, one price), USDC per WETH = the
    ETH/USD feed. Raises StrategyError for a pool of another pair (no rule prices it)."""
    steth, usd = curve_mid(world), world.feed("eth-usd").latest().rescaled(18)
    out = {}
    for pool in world.pools():
        pair = (pool.base.symbol, pool.quote.symbol)
        if pool.key == REFERENCE_POOL:
            continue
        if pair == ("wstETH", "WETH"):
            out[pool.key] = steth
        elif pair == ("WETH", "USDC"):
            out[pool.key] = usd
        else:
            raise StrategyError(f"no reference rule for pool {pool.key!r} ({pair[0]}/{pair[1]}): "
                                "add one to lstlab.audit.shocks.references")
    return out


def align(world: World, arbitrageur: Arbitrageur) -> Trades:
    """The arbitrageur brings every pool it holds (``Arbitrageur.venues``; the reference pool
    excepted) to :func:`references`; nothing else moves the reference pool, so the reference
    holds while it trades. Raises InvalidArgument for a venue the world lacks."""
    held = {p.key for p in arbitrageur.pools(world)}
    return arbitrageur.arbitrage(world, {k: v for k, v in references(world).items() if k in held})


def move(world: World, shock: Shock, size: float) -> None:
    """The shock's own move (module docstring), no arbitrage. Raises StrategyError for an
    unknown shock or a size outside (0, 1), InvalidArgument for ``lrt-depeg`` on a world without
    an LRT, before any write."""
    if shock not in SHOCKS:
        raise StrategyError(f"unknown shock {shock!r}: use one of {', '.join(SHOCKS)}")
    if not 0 < size < 1:
        raise StrategyError(f"a shock size is a fraction in (0, 1), got {size}")
    if shock == "steth-depeg":
        depeg_pool(world, size)
    elif shock == "eth-price":
        set_eth_usd(world, int(world.feed("eth-usd").latest().answer * (1 - size)))
    elif shock == "slashing":
        set_rate(world, int(protocol_rate(world) * (1 - size)))
    elif shock == "lrt-depeg":
        depeg_lrt_pool(lrt_world(world), size)
    else:
        world.fund(world.weth, SHOCKER, 0)
        world.bridge.exploit_drain(SHOCKER, int(world.bridge.escrow() * size))


def follow(world: World, shock: Shock, arbitrageur: Arbitrageur) -> Trades:
    """After a shock's :func:`move`: fund ``arbitrageur`` (:meth:`Arbitrageur.fund`), let it
    :func:`align` the venues, then, for ``steth-depeg``, set the stETH/ETH feed to the
    reference (``lrt-depeg``: the LRT's peg feed to its pool). Returns the arbitrageur's trades."""
    arbitrageur.fund(world)
    done = align(world, arbitrageur)
    if shock == "steth-depeg":
        feed_from_pool(world)
    elif shock == "lrt-depeg":
        feed_lrt_from_pool(lrt_world(world))
    return done


def apply_shock(world: World, shock: Shock, size: float, *, arbitrageur: Arbitrageur | None = None) -> Trades:
    """Apply a shock of relative ``size`` (0.05 = 5%) to ``world`` (mutates it: pass a fork):
    its :func:`move`, then :func:`follow` with ``arbitrageur`` (default ``Arbitrageur()``: the
    CEX arbitrageur with its default fees and gas, holding every pool). Returns the
    arbitrageur's trades. Raises StrategyError for an unknown shock or a size outside (0, 1),
    before any write."""
    move(world, shock, size)
    return follow(world, shock, arbitrageur or Arbitrageur())


__all__ = [
    "DEPEG_STEP", "REFERENCE_POOL", "SHOCKS", "SHOCK_NODES", "Shock", "align", "apply_shock", "depeg_pool",
    "feed_from_pool", "follow", "move", "pool_steth_eth", "references",
]
