"""Strategies: the leveraged staking loop (open, unwind, rebalance) and its closed forms."""

from lstlab.strategies import closed_form
from lstlab.strategies.loop import (
    Band,
    LoopFigures,
    Venue,
    deleverage,
    emode_figures,
    figures,
    open_flash,
    open_iterative,
    rebalance,
    releverage,
    target_debt,
    unwind,
)

__all__ = ["Band", "LoopFigures", "Venue", "closed_form", "deleverage", "emode_figures", "figures", "open_flash",
           "open_iterative", "rebalance", "releverage", "target_debt", "unwind"]
