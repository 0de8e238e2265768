"""lstlab agents: the liquidator's scan-and-liquidate step over 1,000 loops (10,000 with
``--full``).

Each timed step runs on a fresh fork of a prepared world (2-10x loops on a market with 8M WETH
supplied, the market pricing wstETH at market, stETH/ETH marked 6% down so about a tenth of the
loops are liquidatable); the fork is made untimed in the setup. The first scan on a fork
builds the risk arrays, as after any position change.
"""

from __future__ import annotations

from collections.abc import Iterator

from bench.harness import Row, Timing, Workload, measure
from lending import health_factors_exact
from lstlab.agents import Liquidator, loop_population
from lstlab.world import default_world
from lstlab.world.build import World
from lstlab.world.params import LendingParams, WorldParams


def _world(n: int, steth_eth: float) -> World:
    world = default_world(WorldParams(lending=LendingParams(weth_supplied=8_000_000)))
    loop_population(world, n, 1)
    world.set_oracle("market")
    world.set_prices(world.params.eth_usd, steth_eth)
    world.state.drain_events()
    return world


def _step(world: World) -> tuple[dict[str, Timing], int]:
    """The liquidator's step on forks of ``world`` against the exact HF of every position."""
    slot: list[World] = []
    counts: list[int] = []

    def setup() -> None:
        slot[:] = [world.fork()]

    def step() -> None:
        counts.append(Liquidator().sweep(slot[0]).count)

    n = len(world.market.users())
    t = measure({"step": Workload(step, n, setup), "exact": Workload(lambda: health_factors_exact(world.market), n)})
    return t, counts[-1]


def liquidator_step(sizes: tuple[int, ...] = (1_000,)) -> Iterator[Row]:
    """The liquidator's step over depegged loops, per position, against exact health factors."""
    per: dict[int, Timing] = {}
    for n in sizes:
        t, count = _step(_world(n, 0.94))
        per[n] = t["step"]
        yield Row(f"liquidator step, {n:,} loops ({count} liquidations)", t["step"],
                  "exact HF of every position, one by one", t["exact"])
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        yield Row(f"liquidator step, {large:,} vs {small:,} loops, per position", per[large],
                  f"the {small:,}-loop step", per[small], note="flat per position: the scan is vectorised")


def liquidator_step_full() -> Iterator[Row]:
    """As liquidator_step, with 1,000 and 10,000 loops."""
    yield from liquidator_step((1_000, 10_000))


def liquidator_scan(n: int = 1_000) -> Iterator[Row]:
    """The liquidator's step over healthy loops (a scan that finds nothing)."""
    t, count = _step(_world(n, 1.0))
    yield Row(f"liquidator step, {n:,} healthy loops ({count} liquidations)", t["step"],
              "exact HF of every position, one by one", t["exact"])


def liquidator_scan_full() -> Iterator[Row]:
    """As liquidator_scan, with 10,000 loops."""
    yield from liquidator_scan(10_000)


CASES = [liquidator_step, liquidator_scan]
FULL_CASES = [liquidator_step_full, liquidator_scan_full]
