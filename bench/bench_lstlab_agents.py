"""lstlab agents: the liquidator's scan-and-liquidate step over 1,000 and 10,000 loops.

Each timed step runs on a fresh fork of a prepared world (2-10x loops on a market with 8M WETH supplied, the market pricing
wstETH at market, stETH/ETH marked 6% down so about a fifth of the loops are liquidatable);
the fork is made untimed in the setup. The first scan on a fork builds the risk arrays, as
after any position change.
"""

from __future__ import annotations

from bench.harness import Row, best_of
from lending import health_factors_exact
from lstlab.world import default_world, names
from lstlab.agents import Liquidator, loop_population
from lstlab.world.params import LendingParams, WorldParams


def _world(n: int, steth_eth: float) -> World:
    world = default_world(WorldParams(lending=LendingParams(weth_supplied=8_000_000)))
    loop_population(world, n, 1)
    world.set_oracle("market")
    world.set_prices(world.params.eth_usd, steth_eth)
    world.state.drain_events()
    return world


def _timed_sweep(world: World) -> tuple[float, int]:
    slot: list = []
    counts: list[int] = []

    def setup() -> None:
        slot[:] = [world.fork()]

    def step() -> None:
        counts.append(Liquidator().sweep(slot[0]).count)

    return best_of(step, setup=setup), counts[-1]


def liquidator_step() -> list[Row]:
    rows, per = [], {}
    for n in (1_000, 10_000):
        world = _world(n, 0.94)
        seconds, count = _timed_sweep(world)
        t_exact = best_of(lambda w=world: health_factors_exact(w.market))
        per[n] = seconds
        rows.append(Row(f"liquidator step, {n:,} loops ({count} liquidations)", n, seconds,
                        "exact HF of every position, one by one", t_exact))
    rows.append(Row("liquidator step, 10,000 vs 1,000 loops", 10_000, per[10_000], "the 1,000-loop step",
                    per[1_000], base_n=1_000, note=f"total x{per[10_000] / per[1_000]:.1f} for 10x positions"))
    return rows


def liquidator_scan() -> list[Row]:
    world = _world(10_000, 1.0)
    seconds, count = _timed_sweep(world)
    t_exact = best_of(lambda: health_factors_exact(world.market))
    return [Row(f"liquidator step, 10,000 healthy loops ({count} liquidations)", 10_000, seconds,
                "exact HF of every position, one by one", t_exact)]


CASES = [liquidator_step, liquidator_scan]
