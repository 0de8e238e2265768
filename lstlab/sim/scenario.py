"""Scenario files: one TOML file describes a whole run, and a sweep varies it.

Tables (every key optional but a depeg's ``start_day`` and ``depth`` and an event's ``kind``
and ``at``; ``lstlab scenario schema`` prints every key with its type, default, unit and an
example, and ``lstlab/scenarios/*.toml`` are commented examples):

- ``[world]``: :class:`lstlab.params.WorldParams` (``[world.lst]``, ``[world.lending]``...);
- ``[strategy]``: the loop (``leverage`` or ``health``, ``equity_eth``, ``[strategy.band]``);
- ``[agents]``: ``relayer``, ``background``, ``arbitrageur``, ``liquidator`` (booleans),
  ``[agents.flows]`` (the background flows' processes), ``loops`` (a seeded population);
- ``[prices]``: ``source = "data"`` (``file`` relative to the scenario, or ``dataset`` a shipped
  series by name, default the shipped CoinMarketCap series; ``start``, ``end``; a gap in time is an error unless ``allow_gaps = true``) or ``"synthetic"`` (``[prices.synthetic]``: days, volatility,
  drift, ``[[prices.synthetic.depegs]]``...);
- ``[[events]]``: scheduled ``slash``, ``bridge-exploit``, ``ramp-a``, ``governance`` at a
  date (``at = "2022-06-10"``) or a day offset from the start (``at = 30``);
- ``[run]``: ``oracle`` (a name of ``lstlab.world.oracles.ORACLES``: ``exchange-rate``,
  ``market``, ``chainlink-market``, ``curve-ema``, ``v2-twap``, ``pool-quote``) and ``seed``.

World keys of note: ``[world] markets = ["aave-v3", "aave-v2"]`` (presets, the first is the
loop's market), ``[world.lst] start_rate``, ``[world.lending] background`` and the pool switches
``[world.pools] curve / v2 / usdc_v2 / l2_curve`` (false: the pool is absent).

Nothing in a file is executed; unknown or missing keys, wrong types and impossible values are
errors that name the file, line, table and key, with the type expected and an example.
"""

from __future__ import annotations

import hashlib
import math
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import attrs
import numpy as np
import pandas as pd

from amm import stableswap_math
from governance import timelock
from lending import presets as lending_presets
from lst import IssuerParams
from lstlab.agents.background import FlowParams
from lstlab.agents.scheduled import ScheduledEvent, Scheduler
from lstlab.errors import DataError, ScenarioError
from lstlab.market.prices import PriceTable, load_prices
from lstlab.market.synthetic import Depeg, SyntheticPath
from lstlab.sim.backtest import Backtest, BacktestResult, LoopConfig, default_agents
from lstlab.sim.schema import SCENARIO_DOCS, build, load_toml
from lstlab.strategies.loop import MAX_EQUITY_ETH, Band
from lstlab.world.build import World, default_world, staked_at_build
from lstlab.world.oracles import ORACLES
from lstlab.world.params import WorldParams

MAX_LOOPS = 10_000
"""Most seeded loop positions a scenario or probe opens: 200 open in 0.04 s (measured), so this
is a couple of seconds, and far more positions than the liquidator needs for a market."""
SEED_LIMIT = 2**128
"""Seeds are whole numbers in [0, 2**128): numpy's SeedSequence takes no negative, and the
background flows' counter-based draws take 128 bits."""
MAX_OPERATORS = 1_000
"""Most node operators a world registers: Lido's curated module has had about 30-40 and its
community module a few hundred (2025), so a thousand covers any set while building fast."""


@attrs.frozen
class BandSpec:
    low: float = 1.03
    target: float = 1.06
    high: float = 1.15

    def __attrs_post_init__(self) -> None:
        if not 1 < self.low <= self.target <= self.high:
            raise ValueError(f"low = {self.low:g}, target = {self.target:g}, high = {self.high:g}: a band needs "
                             "1 < low <= target <= high, e.g. 1.03, 1.06, 1.15")


@attrs.frozen
class StrategySpec:
    health: float | None = None
    leverage: float | None = attrs.field(
        default=attrs.Factory(lambda spec: 5.0 if spec.health is None else None, takes_self=True))
    """Default 5 when no health target is given, none when one is."""
    equity_eth: float = 100.0
    band: BandSpec | None = None

    def __attrs_post_init__(self) -> None:
        if (self.leverage is None) == (self.health is None):
            raise ValueError("give exactly one of leverage or health")
        if not 0 < self.equity_eth <= MAX_EQUITY_ETH:
            raise ValueError(f"equity_eth = {self.equity_eth:g} ETH: give a positive amount up to "
                             f"{MAX_EQUITY_ETH:,.0f} ETH (about all the ETH there is)")
        if self.leverage is not None and self.leverage < 1:
            raise ValueError(f"leverage = {self.leverage:g}: leverage is collateral / equity, 1 (no debt) or more")
        if self.health is not None and self.health <= 1:
            raise ValueError(f"health = {self.health:g}: the health factor to open at must exceed 1")


@attrs.frozen
class AgentsSpec:
    """Which default agents run (:func:`lstlab.sim.backtest.default_agents`), the background
    flows' parameters, and a seeded population of other loops."""

    relayer: bool = True
    """Deliver L1->L2 messages and push the wstETH rate to the L2 at Lido's daily cadence."""
    background: bool = True
    """Seeded lending flows that move the WETH utilisation, hence the borrow rate."""
    flows: FlowParams = attrs.Factory(FlowParams)
    """The background flows' processes (``[agents.flows]``)."""
    arbitrageur: bool = True
    liquidator: bool = True
    loops: int = 0
    """Extra seeded loop positions opened at the start (a population for the liquidator)."""

    def __attrs_post_init__(self) -> None:
        if not 0 <= self.loops <= MAX_LOOPS:
            raise ValueError(f"loops = {self.loops}: give 0 to {MAX_LOOPS} seeded positions")


@attrs.frozen
class PricesSpec:
    source: Literal["data", "synthetic"] = "data"
    file: str | None = None
    """A price table relative to the scenario file (CSV or Parquet); or:"""
    dataset: str | None = None
    """A shipped series by name (``lstlab.market.data.DATASETS``); neither: the default series."""
    start: str | None = None
    end: str | None = None
    allow_gaps: bool = False
    """A gap in the data's time steps is an error unless allowed (then it is only reported)."""
    synthetic: SyntheticPath = attrs.Factory(SyntheticPath)


OracleName = Literal[tuple(ORACLES)]  # type: ignore[valid-type]
"""The names of ``lstlab.world.oracles.ORACLES``, as the schema checks them (``run.oracle``)."""


@attrs.frozen
class RunSettings:
    oracle: OracleName = "exchange-rate"  # type: ignore[valid-type]
    """The LST oracle of the Ethereum markets: a name of ``lstlab.world.oracles.ORACLES``."""
    seed: int = 0

    def __attrs_post_init__(self) -> None:
        if not 0 <= self.seed < SEED_LIMIT:
            raise ValueError(f"seed = {self.seed}: a seed is a whole number from 0 to 2**128 - 1")


@attrs.frozen
class Scenario:
    name: str = "scenario"
    description: str = ""
    world: WorldParams = attrs.Factory(WorldParams)
    strategy: StrategySpec = attrs.Factory(StrategySpec)
    agents: AgentsSpec = attrs.Factory(AgentsSpec)
    prices: PricesSpec = attrs.Factory(PricesSpec)
    events: tuple[ScheduledEvent, ...] = ()
    run: RunSettings = attrs.Factory(RunSettings)
    base_dir: str = attrs.field(default=".", metadata={"toml": False})
    """Directory that relative ``prices.file`` paths are resolved against (not a TOML key)."""


def load_scenario(path: str | Path) -> Scenario:
    """Parse and check a scenario file (see the module docstring)."""
    data, source = load_toml(path)
    scenario = build(Scenario, data, source, docs=SCENARIO_DOCS)
    scenario = attrs.evolve(scenario, base_dir=str(Path(path).resolve().parent))
    try:
        check_world(scenario.world)
        check_event_fields(scenario)
        check_events(scenario, price_table(scenario, scenario.run.seed))
    except (ScenarioError, DataError) as exc:
        key = exc.key if isinstance(exc, ScenarioError) else None
        where = source.where(key) if key else source.name
        raise ScenarioError(f"{where}: {exc.message}") from None
    return scenario


def _refuse(key: str, value: Any, why: str) -> ScenarioError:
    """A ScenarioError about ``key`` (kept as ``.key`` so the file's line can be found)."""
    return ScenarioError(f"{key} = {value}: {why}", key)


def max_staking_apr(fee_bps: int, limit_bps: int = IssuerParams().annual_increase_limit_bps) -> float:
    """The highest staking APR (after the protocol fee) whose oracle reports pass the issuer's
    sanity check: the consensus balance grows ``apr / (1 - fee)`` a year, at most ``limit_bps``
    (Lido's annual increase limit, 1000 bps, IssuerParams)."""
    return limit_bps / 10_000 * (10_000 - fee_bps) / 10_000


def check_world(p: WorldParams) -> None:
    """Refuse, naming the key, world parameters the protocols would reject while the world is
    built or run: Curve's A and fees (StableSwap's MAX_A, MAX_FEE, MAX_ADMIN_FEE), the
    governor's quorum and block counts, the timelock's delay (2 to 30 days), the staking APR
    (a fraction within the oracle's sanity limit), the start date, the operator count, and
    a staked total that covers what the world stakes for its pools, market and bridge."""
    pools, g, lst = p.pools, p.governance, p.lst
    if not 0 < pools.curve_a < stableswap_math.MAX_A:
        raise _refuse("world.pools.curve_a", pools.curve_a, f"Curve's A must be 1 to {stableswap_math.MAX_A - 1}")
    for name, value, high in (("curve_fee", pools.curve_fee, stableswap_math.MAX_FEE),
                              ("curve_admin_fee", pools.curve_admin_fee, stableswap_math.MAX_ADMIN_FEE)):
        if not 0 <= value <= high:
            raise _refuse(f"world.pools.{name}", value,
                          f"in units of 1e10 = 100% (4000000 = 0.04%), from 0 to {high} ({high / 1e8:g}%)")
    if not 0 < g.quorum_percent <= 100:
        raise _refuse("world.governance.quorum_percent", g.quorum_percent, "a percent of supply, 1 to 100")
    if not g.voting_delay_blocks < 2**48:
        raise _refuse("world.governance.voting_delay_blocks", g.voting_delay_blocks, "at most 2**48 - 1 blocks")
    if not g.voting_period_blocks < 2**32:
        raise _refuse("world.governance.voting_period_blocks", g.voting_period_blocks, "at most 2**32 - 1 blocks")
    low, high = timelock.MINIMUM_DELAY, timelock.MAXIMUM_DELAY
    if not low <= g.timelock_delay <= high:
        raise _refuse("world.governance.timelock_delay", g.timelock_delay,
                      f"seconds from {low} (2 days) to {high} (30 days), the timelock's bounds")
    limit = max_staking_apr(lst.fee_bps)
    if not lst.staking_apr <= limit:
        raise _refuse("world.lst.staking_apr", lst.staking_apr,
                      f"APR is a fraction: 0.05 for 5%; above {limit:.4g} the oracle's sanity check refuses "
                      "the rewards (a 10% a year limit on the consensus balance)")
    if lst.operators > MAX_OPERATORS:
        raise _refuse("world.lst.operators", lst.operators, f"at most {MAX_OPERATORS} node operators")
    try:
        datetime.fromisoformat(p.start)
    except ValueError:
        raise _refuse("world.start", repr(p.start), "give a date YYYY-MM-DD, e.g. 2023-06-19") from None
    presets = lending_presets.PRESETS
    for i, name in enumerate(p.markets):
        if name not in presets:
            raise _refuse(f"world.markets[{i}]", repr(name), f"a market preset: one of {', '.join(sorted(presets))}")
    staked = staked_at_build(p)
    if lst.staked_eth < staked:
        raise _refuse("world.lst.staked_eth", lst.staked_eth,
                      f"the world stakes {staked} ETH for its market, pools and bridge: give at least that")


def check_event_fields(scenario: Scenario) -> None:
    """Refuse, naming ``events[i].key``, event fields the protocols would reject when the
    event fires: slashed operators the world lacks, a negative validator count, an exploit of
    no amount, an A ramp outside StableSwap's rules (A within MAX_A and a factor of
    MAX_A_CHANGE of the pool's, at least MIN_RAMP_TIME long), a governance event without its
    target or parameter."""
    operators = scenario.world.lst.operators
    a_now = scenario.world.pools.curve_a  # each ramp starts from the A the one before it ends at
    for i, event in enumerate(scenario.events):
        key = f"events[{i}]"
        if isinstance(event.at, float) and not math.isfinite(event.at):
            raise _refuse(f"{key}.at", event.at, "give a date or a finite day offset")
        if event.kind == "slash":
            if not event.operators or any(not 0 <= op < operators for op in event.operators):
                raise _refuse(f"{key}.operators", list(event.operators),
                              f"operator ids run from 0 to {operators - 1} (world.lst.operators = {operators})")
            if event.validators < 0:
                raise _refuse(f"{key}.validators", event.validators, "a count of validators, 0 for all")
        elif event.kind == "bridge-exploit" and not event.amount > 0:
            raise _refuse(f"{key}.amount", event.amount, "wstETH minted, more than 0")
        elif event.kind == "ramp-a":
            ratio = stableswap_math.MAX_A_CHANGE
            if not (0 < event.future_a < stableswap_math.MAX_A and a_now <= event.future_a * ratio
                    and event.future_a <= a_now * ratio):
                raise _refuse(f"{key}.future_a", event.future_a,
                              f"the pool's A is {a_now}: a ramp goes to 1 .. {stableswap_math.MAX_A - 1}, within "
                              f"{ratio}x of it ({max(1, -(-a_now // ratio))} to {a_now * ratio})")
            if event.ramp_days * 86_400 < stableswap_math.MIN_RAMP_TIME:
                raise _refuse(f"{key}.ramp_days", event.ramp_days, "a ramp lasts at least 1 day (MIN_RAMP_TIME)")
            a_now = event.future_a
        elif event.kind == "governance":
            for name in ("target", "parameter"):
                if not getattr(event, name):
                    raise _refuse(f"{key}.{name}", repr(getattr(event, name)),
                                  "a governance event needs target and parameter, e.g. \"aave\" and "
                                  "\"emode.1.liquidation_threshold\"")


def price_table(scenario: Scenario, seed: int) -> PriceTable:
    """The scenario's prices: its data file (or the shipped data) or its synthetic path."""
    p = scenario.prices
    if p.source == "synthetic":
        return p.synthetic.table(seed)
    from lstlab.market.data import dataset_path, default_path

    if p.file is not None and p.dataset is not None:
        raise ScenarioError("prices.file and prices.dataset name two tables: keep one")
    if p.file is not None:
        file = str(Path(scenario.base_dir) / p.file)
    else:
        file = default_path() if p.dataset is None else dataset_path(p.dataset)
    table = load_prices(file, start=p.start, end=p.end)
    if table.quality.gaps and not p.allow_gaps:
        a, b = table.quality.gaps[0]
        raise ScenarioError(
            f"prices.file {p.file or 'the shipped data'}: {len(table.quality.gaps)} gap(s) in time, the first "
            f"between {a:%Y-%m-%d %H:%M} and {b:%Y-%m-%d %H:%M}: fill them in the data, or set "
            "prices.allow_gaps = true to run over them"
        )
    return table


def _event_time(event: ScheduledEvent, table: PriceTable) -> int:
    start = int(table.seconds[0])
    if isinstance(event.at, str):
        try:
            return int(pd.Timestamp(event.at, tz="UTC").timestamp())
        except ValueError:
            raise ScenarioError(f"event at {event.at!r} is not a date") from None
    if not math.isfinite(event.at):
        raise ScenarioError(f"event at {event.at}: give a date or a finite day offset")
    return start + round(event.at * 86_400)


def check_events(scenario: Scenario, table: PriceTable) -> tuple[ScheduledEvent, ...]:
    """Resolve event times; an event before the start or after the end is an error."""
    start, end = int(table.seconds[0]), int(table.seconds[-1])
    events = []
    for i, spec in enumerate(scenario.events):
        at = _event_time(spec, table)
        if not start <= at <= end:
            raise ScenarioError(
                f"events[{i}] ({spec.kind}) at {pd.Timestamp(at, unit='s', tz='UTC')} is outside the prices "
                f"({pd.Timestamp(start, unit='s', tz='UTC')} .. {pd.Timestamp(end, unit='s', tz='UTC')})"
            )
        if spec.kind == "governance" and not (spec.target and spec.parameter):
            raise ScenarioError(f"events[{i}]: a governance event needs target and parameter")
        events.append(attrs.evolve(spec, at=at))
    return tuple(events)


ALIASES = {
    "leverage": "strategy.leverage",
    "health": "strategy.health",
    "equity": "strategy.equity_eth",
    "volatility": "prices.synthetic.volatility",
    "drift": "prices.synthetic.drift",
    "depeg": "prices.synthetic.depegs.depth",
    "staking_apr": "world.lst.staking_apr",
}


def _set(obj: Any, path: list[str], value: float, full: str) -> Any:
    if isinstance(obj, tuple):
        return tuple(_set(item, path, value, full) for item in obj)
    if not attrs.has(type(obj)) or not path:
        raise ScenarioError(f"cannot sweep {full!r}: not a scenario parameter")
    fields = {f.name: f for f in attrs.fields(type(obj))}
    name = path[0]
    if name not in fields or name == "base_dir":
        raise ScenarioError(f"cannot sweep {full!r}: {name!r} is not one of {', '.join(sorted(fields))}")
    current = getattr(obj, name)
    if isinstance(current, tuple) and not current:
        raise ScenarioError(f"cannot sweep {full!r}: the scenario has no {name} to vary")
    if len(path) > 1:
        return attrs.evolve(obj, **{name: _set(current, path[1:], value, full)})
    new: Any = value
    if isinstance(current, (str, bool)):
        raise ScenarioError(f"cannot sweep {full!r}: it takes {type(current).__name__} values such as "
                            f"{current!r}, not numbers; write one scenario file per value instead")
    if isinstance(current, int) and not isinstance(current, bool):
        if value != int(value):
            raise ScenarioError(f"{full} takes integers, got {value}")
        new = int(value)
    changes = {name: new}
    if full.endswith("strategy.leverage"):
        changes["health"] = None
    elif full.endswith("strategy.health"):
        changes["leverage"] = None
    try:
        return attrs.evolve(obj, **changes)
    except (ValueError, DataError) as exc:
        raise ScenarioError(f"{full} = {value}: {exc}") from None


def with_overrides(scenario: Scenario, overrides: dict[str, float]) -> Scenario:
    """The scenario with each ``key = value`` applied (an alias or a dotted path)."""
    for key, value in overrides.items():
        path = ALIASES.get(key, key)
        scenario = _set(scenario, path.split("."), value, path)
    if overrides:
        try:
            check_world(scenario.world)
            check_event_fields(scenario)
        except ScenarioError as exc:
            raise ScenarioError(f"with {', '.join(f'{k}={v}' for k, v in overrides.items())}: {exc.message}") from None
    return scenario


_WORLDS: dict[tuple[str, int], World] = {}


def base_world(params: WorldParams, start: int) -> World:
    """A pristine world per (parameters, start time), built once per process; never mutated."""
    key = (repr(params), start)
    world = _WORLDS.get(key)
    if world is None:
        if len(_WORLDS) > 8:
            _WORLDS.clear()
        world = _WORLDS[key] = default_world(params, start=start)
    return world


def _agents(scenario: Scenario, world: World, events: tuple[ScheduledEvent, ...], seed: int) -> list[Any]:
    agents: list[Any] = []
    if events:
        agents.append(Scheduler(events))
    if scenario.agents.loops:
        from lstlab.agents.population import loop_population

        loop_population(world, scenario.agents.loops, seed)
    a = scenario.agents
    background = a.background and scenario.world.lending.background  # no background borrower: no flows
    agents += default_agents(world, seed, relayer=a.relayer, background=background, arbitrageur=a.arbitrageur,
                             liquidator=a.liquidator, flows=a.flows)
    return agents


def run_scenario(scenario: Scenario, seed: int | None = None,
                 progress: Any = None, records: str | Path | None = None) -> BacktestResult:
    """Run one scenario (its own seed unless given) on a fork of a cached world; with
    ``records``, every event, step and checkpoint of the run is kept there (:mod:`lstlab.records`)."""
    seed = scenario.run.seed if seed is None else seed
    table = price_table(scenario, seed)
    events = check_events(scenario, table)
    world = base_world(scenario.world, int(table.seconds[0])).fork()
    s = scenario.strategy
    band = None if s.band is None else Band(s.band.low, s.band.high, s.band.target)
    loop = LoopConfig(leverage=s.leverage, health=s.health, equity_eth=s.equity_eth, band=band)
    agents = _agents(scenario, world, events, seed)
    return Backtest(table, loop, world=world, oracle=scenario.run.oracle, agents=agents,
                    world_params=scenario.world, seed=seed, records=records).run(progress)


def seeded_inputs(scenario: Scenario, seed: int) -> dict[str, str]:
    """What a run on ``seed`` reads that may depend on the seed, as comparable digests: the
    price table (every column: prices and the staking APR), the background flows that move the
    borrow rate (when they run: their draws follow the seed), the seeded population."""
    table = price_table(scenario, seed)
    frame = table.frame
    digest = hashlib.sha256(frame.index.asi8.tobytes())
    for column in sorted(frame.columns):
        digest.update(column.encode() + frame[column].to_numpy(dtype=float).tobytes())
    inputs = {"prices and staking APR": digest.hexdigest()}
    if "staking_apr" not in frame.columns:
        inputs["staking APR path"] = str(seed)  # the backtest draws it from the seed
    if scenario.agents.background:
        inputs["borrow-rate flows"] = str(seed)
    if scenario.agents.loops:
        inputs["seeded loop population"] = str(seed)
    return inputs


SUMMARY_ROW = ("net_apy_oracle", "net_apy_market", "net_return_oracle", "net_return_market",
               "max_drawdown_oracle", "max_drawdown_market", "min_health_factor_pre_liquidation",
               "loop_liquidations", "loop_liquidation_loss_eth", "system_liquidations", "system_debt_repaid_eth",
               "bad_debt_eth", "bad_debt_usd", "borrow_apr_mean", "staking_apr_mean")
"""Summary figures a sweep keeps per run (see :data:`lstlab.report.summary.SUMMARY`)."""


def summary_row(result: BacktestResult) -> dict[str, float]:
    """The figures a sweep keeps per run: :data:`SUMMARY_ROW` and the days from the start to
    the user's first liquidation (NaN: never liquidated)."""
    metrics = result.metrics
    liquidated = metrics["loop_liquidated"].to_numpy() > 0
    days = (metrics.index - metrics.index[0]).total_seconds().to_numpy() / 86_400
    row = {key: float(result.summary[key]) for key in SUMMARY_ROW}
    row["days_to_first_loop_liquidation"] = float(days[int(np.argmax(liquidated))]) if liquidated.any() else math.nan
    return row


__all__ = [
    "MAX_LOOPS",
    "MAX_OPERATORS",
    "SEED_LIMIT",
    "SUMMARY_ROW",
    "Depeg",
    "Scenario",
    "check_event_fields",
    "check_world",
    "load_scenario",
    "max_staking_apr",
    "run_scenario",
    "seeded_inputs",
    "summary_row",
    "with_overrides",
]
