"""What every agent is: something that acts on a world once per backtest step.

The backtest calls ``agent.act(world, step)`` after it has moved the clock, credited staking
rewards and set the feeds for the step; an agent returns the metrics it contributes for that
step (floats, keyed by metric name; counts as floats too). Agents keep no mutable Python state
that matters to results beyond what they return: anything persistent lives in the world's
state, so forks and reruns are exact.

Metric names an agent returns (the backtest sums them over agents and fills 0 on steps an
agent did not report):

- ``{name}_{what}`` for the agent's own figures (``arb_volume_eth``, ``liq_profit_eth``), with
  the unit in the name (``_eth``, ``_usd``, ``_wsteth``, ``_bps``) or a count;
- ``{name}_blocked_{reason}``: how many opportunities the agent saw this step and could not
  take, by reason (``inventory``, ``unprofitable``, ``revert``, ``paused``...). An agent that
  cannot do its job says so here, never silently;
- figures about the user's position, the system's liquidations and bad debt and the pools'
  tracking errors are recorded by the backtest itself (from the state and its events), not by
  agents, so they exist whichever agents run.
"""

from __future__ import annotations

from typing import Protocol, Self

import attrs

from lstlab.world.build import World


@attrs.frozen
class Step:
    """One row of the price table as the world sees it."""

    index: int
    time: int
    """Unix seconds."""
    dt: int
    """Seconds since the previous step (0 on the first)."""
    eth_usd: float
    steth_eth: float
    """stETH/ETH market ratio from the data (or the synthetic path)."""
    staking_apr: float


class Agent(Protocol):
    """An actor of the backtest (arbitrageur, liquidator, a passive population...)."""

    name: str

    def act(self, world: World, step: Step) -> dict[str, float]: ...


class Funded:
    """Base of an agent whose account (and inventory) :meth:`fund` sets up in a world."""

    __slots__ = ()

    def fund(self, world: World) -> None:
        raise NotImplementedError

    @classmethod
    def create(cls, world: World, **settings: object) -> Self:
        """An agent with ``settings`` (fields of the class), funded in ``world``."""
        agent = cls(**settings)  # type: ignore[call-arg]
        agent.fund(world)
        return agent
