"""Backtests: a price table drives the default world step by step.

Each step, in this fixed order (the template; agents are the injected parts):

1. the clock advances to the row's time;
2. staking rewards are reported once a day (Lido's oracle cadence) at the row's staking APR
   (the table's ``staking_apr`` column; a table without one gets a path of the seeded
   :class:`lstlab.market.apr.StakingAprProcess` around ``LstParams.staking_apr``, or the
   constant ``staking_apr`` when one is given);
3. the ETH/USD and stETH/ETH market feeds are set from the row;
4. the user's health factor is read (``hf_pre``: what a liquidator sees);
5. every agent acts (by default, :func:`default_agents`: the relayer, the background lending
   flows, the arbitrageur, the liquidator);
6. the strategy's rebalancing policy acts, if one is set;
7. the row is recorded (:mod:`lstlab.sim.record`): the user's position valued by the oracle and
   by the market, every market's liquidations and bad debt, each pool against the data.

The result is a pandas DataFrame of metrics (see :data:`lstlab.report.summary.METRICS`), a
summary (:func:`lstlab.report.summary.summarize`, every key described in
:data:`lstlab.report.summary.SUMMARY`) and the data-quality report of the table. The same
table, configuration and seed give byte-identical metrics; ``seed`` drives every random input
the run reads besides the table (the staking APR path, the background flows).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import attrs
import numpy as np
import pandas as pd

from lstlab import strategies
from lstlab.agents.background import BackgroundFlows, FlowParams
from lstlab.agents.base import Agent, Step
from lstlab.market.apr import StakingAprProcess, with_staking_apr
from lstlab.market.prices import PriceTable, Quality
from lstlab.records import EventRecorder
from lstlab.records.valuation import Prices
from lstlab.report.summary import summarize
from lstlab.sim.record import health_factor, step_row
from lstlab.world.build import World, default_world
from lstlab.world.oracles import poke_all
from lstlab.world.params import OracleMode, WorldParams

DAY = 86_400


@attrs.frozen
class LoopConfig:
    """The strategy under test: a flash-loan loop opened at the first row."""

    leverage: float | None = 5.0
    health: float | None = None
    equity_eth: float = 100.0
    account: str = "strategist"
    band: strategies.Band | None = None
    """Rebalance into this health-factor band after each step (None: never rebalance)."""

    def __attrs_post_init__(self) -> None:
        if self.equity_eth <= 0:
            raise ValueError(f"equity_eth must be positive, got {self.equity_eth}")
        if (self.leverage is None) == (self.health is None):
            raise ValueError("give exactly one of leverage or health")


@attrs.frozen
class BacktestResult:
    metrics: pd.DataFrame
    summary: dict
    quality: Quality
    world: World

    def _repr_html_(self) -> str:
        """The summary and metrics as tables in a notebook (:func:`lstlab.report.notebook.backtest_html`)."""
        from lstlab.report.notebook import backtest_html

        return backtest_html(self)


class Backtest:
    """One run: build (or take) a world, open the loop, step through the table."""

    def __init__(self, prices: PriceTable, loop: LoopConfig = LoopConfig(), *,
                 world_params: WorldParams | None = None, oracle: OracleMode | None = None,
                 agents: Sequence[Agent] | None = None, world: World | None = None,
                 staking_apr: float | None = None, seed: int = 0, records: str | Path | None = None,
                 checkpoint_every: int = DAY) -> None:
        self.loop = loop
        self.params = world_params or WorldParams()
        if "staking_apr" not in prices.frame.columns:
            apr = StakingAprProcess(mean=self.params.lst.staking_apr) if staking_apr is None else staking_apr
            prices = with_staking_apr(prices, apr, seed)
        self.prices = prices
        self.world = world if world is not None else default_world(self.params, start=int(prices.seconds[0]))
        if oracle is not None:
            self.world.set_oracle(oracle)
        self.agents = list(agents) if agents is not None else default_agents(self.world, seed)
        self.records = EventRecorder(records, checkpoint_every=checkpoint_every) if records is not None else None
        """Every event of the run streamed to Parquet under ``records`` (:mod:`lstlab.records`),
        with each step's prices and, every ``checkpoint_every`` seconds and at the last step,
        every account's holdings."""
        self.pools = self.world.pools()
        self._agent_keys: set[str] = set()

    def _open(self, first: Step) -> None:
        world, loop = self.world, self.loop
        world.set_prices(first.eth_usd, first.steth_eth)
        equity = int(loop.equity_eth * 10**18)
        world.fund(world.weth, loop.account, equity)
        strategies.open_flash(world, loop.account, equity, leverage=loop.leverage, health=loop.health)

    def _step(self, step: Step) -> dict[str, float]:
        """Steps 2-6 of the module docstring for one row; returns the recorded row."""
        world, account = self.world, self.loop.account
        world.set_prices(step.eth_usd, step.steth_eth)
        poke_all(world)  # the oracles' keepers (aggregator nodes, EMA/TWAP pokes), before hf_pre and agents
        hf_pre = health_factor(world, account)
        contributed: dict[str, float] = {}
        for agent in self.agents:
            for key, value in agent.act(world, step).items():
                contributed[key] = contributed.get(key, 0.0) + value
        self._agent_keys.update(contributed)
        if self.loop.band is not None and world.market.debt(account, world.weth):
            strategies.rebalance(world, account, self.loop.band)
        row = step_row(world, step, account, hf_pre, self.pools, contributed)
        self._drain(step)
        return row

    def _drain(self, step: Step, *, snapshot: bool = True, opening: bool = False) -> None:
        """Hand the step's events (with their transaction numbers) to the recorder and, at the
        end of a step, the step's snapshot (prices, Lido's totals, holdings at checkpoints)."""
        state = self.world.state
        if self.records is None:
            state.drain_events()
            return
        events, txs = state.drain_log()
        self.records.record(step.index, step.time, events, tx=txs, state=state)
        if snapshot:
            final = step.index == len(self.prices.seconds) - 1
            self.records.snapshot(self.world, step.index, step.time, Prices(step.eth_usd, step.steth_eth),
                                  final=final, opening=opening)

    def run(self, progress: Callable[[int, int], None] | None = None) -> BacktestResult:
        """Step through every row; returns metrics, summary and the data-quality report."""
        world, frame = self.world, self.prices.frame
        seconds = self.prices.seconds
        eth, ratio = frame["eth_usd"].to_numpy(), frame["steth_eth"].to_numpy()
        apr = frame["staking_apr"].to_numpy()
        first = Step(0, int(seconds[0]), 0, float(eth[0]), float(ratio[0]), float(apr[0]))
        if self.records is not None:  # step -1: what happened since the build (agents funded), then the opening balances
            self._drain(attrs.evolve(first, index=-1), opening=True)
        self._open(first)
        self._drain(first, snapshot=False)  # the opening transaction's events belong to the first step
        rows, last_report = [self._step(first)], int(seconds[0])
        for i in range(1, len(seconds)):
            t = int(seconds[i])
            step = Step(i, t, t - int(seconds[i - 1]), float(eth[i]), float(ratio[i]), float(apr[i]))
            world.state.advance(step.dt)
            if t - last_report >= DAY:
                world.report_rewards(step.staking_apr)
                last_report = t
            rows.append(self._step(step))
            if progress is not None:
                progress(i + 1, len(seconds))
        metrics = pd.DataFrame(rows, index=frame.index)
        reported = [c for c in metrics.columns if c not in rows[0] or c in self._agent_keys]
        metrics[reported] = metrics[reported].fillna(0.0)  # an agent's figure is 0 on steps it did not report
        metrics.index.name = "time"
        if self.records is not None:
            self.records.close()
        return BacktestResult(metrics, summarize(metrics), self.prices.quality, world)


def default_agents(world: World, seed: int = 0, *, relayer: bool = True, background: bool = True,
                   arbitrageur: bool = True, liquidator: bool = True,
                   flows: FlowParams | None = None) -> list[Agent]:
    """The default agents, funded in ``world``, in the order they act each step: the relayer
    (L1->L2 messages, the wstETH rate pushed at Lido's cadence), the background lending flows
    (seeded by ``seed``: they move the WETH utilisation and so the borrow rate), the
    arbitrageur (every pool to the data, hedged on the exchange), the liquidator (every
    market, every debt and collateral)."""
    from lstlab.agents.arbitrageur import Arbitrageur
    from lstlab.agents.liquidator import Liquidator
    from lstlab.agents.relayer import Relayer

    agents: list[Agent] = []
    if relayer:
        agents.append(Relayer.create(world))
    if background:
        agents.append(BackgroundFlows.create(world, seed=seed, params=flows or FlowParams()))
    if arbitrageur:
        agents.append(Arbitrageur.create(world))
    if liquidator:
        agents.append(Liquidator.create(world))
    return agents


def leverage_limits(world: World, prices: PriceTable) -> dict[str, float]:
    """Closed-form limits of the loop for this data: the maximum leverage the eMode LTV allows,
    and the highest leverage that the table's lowest stETH/ETH ratio (relative to the first
    row) does not liquidate under a market-price oracle."""
    from lstlab.strategies import closed_form

    ltv, lt = strategies.emode_figures(world)
    ratio = prices.column("steth_eth")
    worst = float(np.min(ratio) / ratio[0])
    return {"max_leverage": closed_form.max_leverage(ltv), "worst_ratio": worst,
            "max_safe_leverage_market_oracle": closed_form.max_safe_leverage(worst, lt)}


__all__ = ["Backtest", "BacktestResult", "LoopConfig", "default_agents", "leverage_limits"]
