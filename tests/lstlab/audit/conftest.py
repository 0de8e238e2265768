"""Worlds for the audit tests: a book with every kind of borrower, and helpers on pool bands."""

from __future__ import annotations

import pytest

from amm.stableswap import FEE_DENOMINATOR
from chain import WAD
from lstlab import audit
from lstlab.agents import l2_borrowers, loop_population, protocol_rate
from lstlab.agents.arbitrageur import tracking_band_bps
from lstlab.agents.cex import TAKER_FEE_BPS
from lstlab.world import default_world
from lstlab.world.venues import mid_price, tracking_bps

U6 = 10**6
STABLE_RESIDUAL_BPS = 1.0
"""What a StableSwap pool may be left outside its fee band when the next trade would not pay
its gas (documented by lstlab.agents.arbitrageur: under 1 bp)."""


@pytest.fixture(scope="module")
def book_world():
    """Market oracle; 8 loops at 8-13x, ``alice`` with USDC debt against wstETH at the LTV (HF
    81/78.5), 3 L2 borrowers at HF 1.022-1.028; then a 3% loss of the protocol rate relayed to
    the L2: the L2 borrowers are below 1 (HF x 0.97), alice at about 1.0009."""
    world = default_world()
    world.set_oracle("market")
    loops = loop_population(world, 8, 3, leverage=(8.0, 13.0))
    m = world.market
    world.fund(world.weth, "alice", 100 * WAD)
    m.supply("alice", world.wsteth, world.stake("alice", 100 * WAD))
    m.borrow("alice", world.usdc, m.account_data("alice").available_borrows_base * U6 // m.price(world.usdc))
    l2 = l2_borrowers(world, 3, 5, health=(1.022, 1.028))
    audit.set_rate(world, protocol_rate(world) * 97 // 100)
    world.bridge.push_rate("l2:wsteth-steth")
    world.state.advance(world.params.bridge.deposit_latency)
    world.bridge.relay()
    assert all(world.l2_market.health_factor(u) < WAD for u in l2)
    return world, loops, l2


def band_bps(world, key: str) -> tuple[float, float]:
    """The arbitrageur's tracking band (below, above) of pool ``key`` against the default CEX,
    widened by the documented residual for StableSwap pools."""
    pool = next(p for p in world.pools() if p.key == key)
    contract = world.state.contract(pool.address)
    if pool.kind == "v2":
        return tracking_band_bps(contract.fee_bps / 1e4, TAKER_FEE_BPS / 1e4)
    lo, hi = tracking_band_bps(contract.record.fee / FEE_DENOMINATOR, TAKER_FEE_BPS / 1e4)
    return lo - STABLE_RESIDUAL_BPS, hi + STABLE_RESIDUAL_BPS


def off_bps(world, key: str, reference: int) -> float:
    """Signed distance (bps) of pool ``key``'s mid from ``reference``."""
    pool = next(p for p in world.pools() if p.key == key)
    return tracking_bps(mid_price(world, pool), reference)
