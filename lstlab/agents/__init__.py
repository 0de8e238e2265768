"""Agents of the backtest: the relayer, background lending flows, the arbitrageur, the
liquidator, passive populations.

Every agent implements ``act(world, step) -> dict[str, float]`` (:class:`Agent`).
"""

from lstlab.agents.arbitrageur import Arbitrageur, Trades, curve_mid, curve_steth_eth, protocol_rate, v2_mid
from lstlab.agents.background import BackgroundFlows, FlowParams
from lstlab.agents.base import Agent, Step
from lstlab.agents.liquidator import Liquidation, Liquidator, Sweep, bad_debt
from lstlab.agents.population import l2_borrowers, loop_population, stakers
from lstlab.agents.relayer import Relayer

__all__ = [
    "Agent",
    "Arbitrageur",
    "BackgroundFlows",
    "FlowParams",
    "Liquidation",
    "Liquidator",
    "Relayer",
    "Step",
    "Sweep",
    "Trades",
    "bad_debt",
    "curve_mid",
    "curve_steth_eth",
    "l2_borrowers",
    "loop_population",
    "protocol_rate",
    "stakers",
    "v2_mid",
]
