"""lstlab backtest benchmarks: a daily step against curvesim's arbitrage pipeline step, the
daily year with the default agents against the simpler year before them, and (``--full``) a
year of hourly steps with populations of 1,000 and 10,000 loops."""

from __future__ import annotations

from collections.abc import Iterator

from bench import peers
from bench.bench_amm import HOLDINGS, POOL
from bench.harness import Row, Workload, measure
from lstlab.agents.arbitrageur import Arbitrageur
from lstlab.agents.liquidator import Liquidator
from lstlab.agents.population import loop_population
from lstlab.market.synthetic import Depeg, SyntheticPath
from lstlab.sim.backtest import Backtest, LoopConfig, default_agents
from lstlab.world.build import World, default_world
from lstlab.world.params import LendingParams, WorldParams

DAILY_YEAR = SyntheticPath(days=365)
"""The default synthetic year: stETH/ETH from the fitted process, a staking APR process."""
FLAT_YEAR = SyntheticPath(days=365, steth_model="par", apr_model="constant", depegs=(Depeg(start_day=200, depth=0.04),))
"""The same year as it was modelled before the processes: par with a scheduled depeg, a constant APR."""
HOURLY_YEAR = SyntheticPath(days=365, steps_per_day=24, depegs=(Depeg(start_day=200, depth=0.04),))
LARGE_ROUNDS = 3
"""Rounds of the hourly years (minutes each): their median is of 3."""

DEEP_MARKET = WorldParams(lending=LendingParams(weth_supplied=4_000_000))
"""Twice the default WETH supply: 10,000 loops then leave utilisation below the 90% kink, so
both population sizes do the same work per position (a rate spike would turn the larger one
into a liquidation benchmark)."""


class Runs:
    """Backtests of one table on forks of one world: :meth:`setup` forks and builds the
    backtest (untimed), :meth:`run` runs it."""

    def __init__(self, world: World, table, agents=None, oracle: str | None = None) -> None:
        self.world, self.table, self.agents, self.oracle = world, table, agents, oracle
        self.test: Backtest | None = None
        self.result = None

    def setup(self) -> None:
        world = self.world.fork()
        agents = self.agents(world) if self.agents is not None else None
        self.test = Backtest(self.table, LoopConfig(leverage=5.0), world=world, agents=agents, oracle=self.oracle)

    def run(self) -> None:
        self.result = self.test.run()


def backtest_step() -> Iterator[Row]:
    """A daily step of a one-year run (5x loop, arbitrageur, liquidator) against a step of
    curvesim's simple arbitrage pipeline on the same stETH/ETH path."""
    table = DAILY_YEAR.table(1)
    steps = len(table.frame)
    ours = Runs(default_world(start=int(table.seconds[0])), table,
                agents=lambda w: default_agents(w, relayer=False, background=False))
    work = {"lstlab": Workload(ours.run, steps, ours.setup)}
    case, peer = "backtest step, daily, 5x loop + arbitrageur + liquidator", "curvesim SimpleStrategy step"
    if peers.load("curvesim") is None:
        yield Row(case, measure(work)["lstlab"], peer, None, note=peers.missing("curvesim"))
        return
    times = list(table.frame.index.to_pydatetime())
    curve = peers.CurvesimArbitrage(times, table.frame["steth_eth"].tolist(), POOL.curve_a, HOLDINGS,
                                    POOL.curve_fee, POOL.curve_admin_fee)
    work["curvesim"] = Workload(curve.run, steps, curve.setup)
    t = measure(work)
    yield Row(case, t["lstlab"], peer, t["curvesim"],
              note="lstlab: 4 pools, CEX hedge, lending book; curvesim: one pool, one pair")


def _old_agents(world: World) -> list:
    return [Arbitrageur.create(world, mode="fixed", venues=("curve", "v2")),
            Liquidator.create(world, markets=("aave",))]


def _daily_year(path: SyntheticPath, agents=None) -> Workload:
    """One daily year, its world built inside the timed call."""
    table = path.table(1)

    def run() -> None:
        world = default_world(start=int(table.seconds[0]))
        Backtest(table, LoopConfig(leverage=5.0), world=world, agents=agents(world) if agents else None).run()

    return Workload(run)


def daily_year_agents() -> Iterator[Row]:
    """A one-year daily run (world build included) with the default agents and processes
    against the fixed-inventory arbitrageur on the two Ethereum stETH pools, an Ethereum-only
    liquidator, no background flows, no relayer, on a par path with a scheduled depeg."""
    t = measure({"new": _daily_year(DAILY_YEAR), "old": _daily_year(FLAT_YEAR, _old_agents)})
    yield Row("daily year: relayer, flows, CEX arbitrageur on 4 pools, whole-book liquidator, processes",
              t["new"], "fixed inventory, 2 pools, Ethereum liquidator, par path", t["old"], target=1.5)


def _population_world(positions: int, start: int) -> World:
    world = default_world(DEEP_MARKET, start=start)
    if positions:
        loop_population(world, positions, seed=1, equity=(0.1, 5.0))  # 10,000 of them fit the market's WETH
    world.state.drain_events()
    return world


def backtest_year() -> Iterator[Row]:
    """A year of hourly steps with 1,000 and 10,000 loops, arbitrageur and liquidator, against
    the same year without loops or agents (median of 3 rounds)."""
    table = HOURLY_YEAR.table(1)
    start, steps = int(table.seconds[0]), len(table.frame)
    bare = Runs(_population_world(0, start), table, agents=lambda w: [], oracle="market")
    runs = {n: Runs(_population_world(n, start), table, oracle="market") for n in (1_000, 10_000)}
    t = measure({"bare": Workload(bare.run, steps, bare.setup),
                 **{n: Workload(r.run, steps, r.setup) for n, r in runs.items()}}, repeats=LARGE_ROUNDS)
    liquidations = {n: int(r.result.summary["system_liquidations"]) for n, r in runs.items()}
    yield Row("hourly year, 1,000 loops, default agents", t[1_000], "same year, no loops, no agents", t["bare"],
              note=f"{1 / t[1_000].median:,.0f} steps/s; {liquidations[1_000]} liquidations; "
                   f"target < 5 s a year ({t[1_000].median * steps:.1f} s)")
    yield Row("hourly year, 10,000 loops, default agents", t[10_000], "the 1,000-loop year", t[1_000], target=3.0,
              note=f"{1 / t[10_000].median:,.0f} steps/s; {liquidations[10_000]} liquidations")


CASES = [backtest_step, daily_year_agents]
FULL_CASES = [*CASES, backtest_year]
