"""The LRT depeg: the LRT's market price falls against its protocol rate, as a shock for the
probe and as a scheduled :class:`lstlab.market.synthetic.Depeg` in the price model.

- :func:`apply_lrt_depeg` (the probe's ``lrt-depeg``): LRT (restaked for the purpose by
  :data:`lstlab.audit.factors.SHOCKER`) is sold into the LRT/WETH StableSwap pool until the
  pool's mid over the protocol rate has fallen by the size (:func:`depeg_lrt_pool`), then the
  market's LRT peg feed is set to that ratio (:func:`feed_lrt_from_pool`). The pool is the
  LRT's only venue in the world, so it is the reference and no other pool needs aligning. A
  market pricing the LRT by its exchange rate (Aave's choice for weETH) does not see the move;
  one on the market oracle does.
- :func:`lrt_peg_path`: the peg multiplier a price table's rows get from scheduled depegs,
  for a backtest that sets :meth:`lstlab.world.lrt.LrtWorld.set_peg` row by row.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from chain import WAD
from lstlab.audit.factors import DEPEG_STEP, SHOCKER, sell_until
from lstlab.errors import StrategyError
from lstlab.market.prices import PriceTable
from lstlab.market.synthetic import Depeg
from lstlab.world.lrt import LrtWorld
from lstlab.world.venues import BASE_I, QUOTE_I, mid_price

LRT_DEPEG = "lrt-depeg"
"""The shock's name (as the probe's shocks are named)."""


def lrt_pool_peg(lw: LrtWorld) -> int:
    """The LRT pool's mid price (WETH per LRT) over the LRT's protocol rate (wad, floor): 1e18
    at par."""
    return mid_price(lw.world, lw.pool_info) * WAD // lw.issuer.rate()


def depeg_lrt_pool(lw: LrtWorld, fall: float) -> int:
    """Sell LRT on the LRT/WETH pool until :func:`lrt_pool_peg` is at most ``(1 - fall)`` times
    the current one; returns the LRT sold (wei). Bisection on the amount (resolution
    :data:`DEPEG_STEP`), each trial in a reverted snapshot. Raises StrategyError for a fall
    outside (0, 1), before any write."""
    if not 0 < fall < 1:
        raise StrategyError(f"a depeg is a fraction in (0, 1), got {fall}")
    world, pool = lw.world, lw.pool
    state = world.state
    target = int(lrt_pool_peg(lw) * (1 - fall))
    supply = state.balance_of(world.weth, lw.pool.address) * 4  # more than any fall short of 100% needs
    world.fund(world.weth, SHOCKER, supply)
    held = lw.issuer.deposit(SHOCKER, world.weth, supply)

    return sell_until(world, pool, BASE_I, QUOTE_I, held, lambda: lrt_pool_peg(lw) <= target)


def feed_lrt_from_pool(lw: LrtWorld) -> int:
    """Set the LRT peg feed to :func:`lrt_pool_peg`; returns it (wad)."""
    peg = lrt_pool_peg(lw)
    lw.peg_feed.set(peg)
    return peg


def apply_lrt_depeg(lw: LrtWorld, size: float) -> int:
    """The ``lrt-depeg`` shock of relative ``size`` (mutates the world: pass a fork): the pool
    move (:func:`depeg_lrt_pool`), then the peg feed set from the pool. Returns the peg (wad)."""
    depeg_lrt_pool(lw, size)
    return feed_lrt_from_pool(lw)


def lrt_peg_path(table: PriceTable, depegs: Sequence[Depeg]) -> np.ndarray:
    """The LRT's market/rate multiplier on each row of ``table``: the product of each
    :class:`Depeg`'s ratio on the row's day since the first row (1.0 without depegs)."""
    seconds = table.seconds
    day = (seconds - seconds[0]) / 86_400.0
    peg = np.ones(len(day))
    for shock in depegs:
        peg = peg * shock.ratio(day)
    return peg


__all__ = ["DEPEG_STEP", "LRT_DEPEG", "apply_lrt_depeg", "depeg_lrt_pool", "feed_lrt_from_pool", "lrt_peg_path",
           "lrt_pool_peg"]
