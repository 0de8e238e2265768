"""Probes for auditors: liquidation thresholds per risk factor, shocks that move every venue
coherently, liquidation cascades through the whole-book liquidator or from a sale
(:mod:`lstlab.audit.sale`), collateral seizable at a price (:mod:`lstlab.audit.seizable`),
snapshot import of real positions (:mod:`lstlab.audit.snapshot`), dependency paths.

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
from lstlab.audit.sale import KEEPER, SELLER, Sale, SaleCascade, sale_cascade
from lstlab.audit.seizable import seizable
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
from lstlab.audit.snapshot import Positions, SnapshotError, load_positions, open_positions
from lstlab.audit.thresholds import bisect_threshold, closed_form_threshold, thresholds

__all__ = [
    "BACKED_L2_FEED",
    "BACKING_FEED",
    "FACTORS",
    "KEEPER",
    "L2_FACTORS",
    "REFERENCE_POOL",
    "SELLER",
    "SHOCKER",
    "SHOCKS",
    "SHOCK_NODES",
    "BackingFeed",
    "Cascade",
    "Factor",
    "Positions",
    "Round",
    "Sale",
    "SaleCascade",
    "Shock",
    "SnapshotError",
    "align",
    "apply_shock",
    "bisect_threshold",
    "borrowers",
    "cascade",
    "closed_form_threshold",
    "depeg_pool",
    "feed_from_pool",
    "follow",
    "install_backing_oracle",
    "load_positions",
    "move",
    "open_positions",
    "paths",
    "pool_steth_eth",
    "references",
    "sale_cascade",
    "seizable",
    "set_backing",
    "set_eth_usd",
    "set_rate",
    "thresholds",
]
