"""Probes for auditors: liquidation thresholds per risk factor, shocks that move every venue
coherently, liquidation cascades through the whole-book liquidator, dependency paths.

Nothing here mutates a world it is given, except the setters and shocks, which say so
(use them on forks).
"""

from lstlab.audit.cascade import Cascade, Round, cascade
from lstlab.audit.factors import (
    BACKED_L2_FEED,
    BACKING_FEED,
    FACTORS,
    L2_FACTORS,
    SHOCKER,
    BackingFeed,
    Factor,
    borrowers,
    install_backing_oracle,
    set_backing,
    set_eth_usd,
    set_rate,
)
from lstlab.audit.paths import paths
from lstlab.audit.shocks import (
    REFERENCE_POOL,
    SHOCK_NODES,
    SHOCKS,
    Shock,
    align,
    apply_shock,
    depeg_pool,
    feed_from_pool,
    follow,
    move,
    pool_steth_eth,
    references,
)
from lstlab.audit.thresholds import bisect_threshold, closed_form_threshold, thresholds

__all__ = [
    "BACKED_L2_FEED", "BACKING_FEED", "FACTORS", "L2_FACTORS", "REFERENCE_POOL", "SHOCKER",
    "SHOCKS", "SHOCK_NODES", "BackingFeed", "Cascade", "Factor", "Round", "Shock", "align",
    "apply_shock", "bisect_threshold", "borrowers", "cascade", "closed_form_threshold",
    "depeg_pool", "feed_from_pool", "follow", "install_backing_oracle", "move", "paths",
    "pool_steth_eth", "references", "set_backing", "set_eth_usd", "set_rate", "thresholds",
]
