"""Aave V3 Ethereum (core market, Pool 0x87870Bca...) figures as presets.

Source: ../shared/REFERENCE.md section 2.9, a reconstruction from governance payload diffs
(bgd-labs/aave-proposals-v3) up to Feb 2026, not a live on-chain read; the WETH slopes were
not re-verified after 2024-07 (REFERENCE section 10). Caps are left unset (0 = none) because
risk stewards move them without a payload.
"""

from __future__ import annotations

from typing import Any

from chain import State, Token
from lending.market import Market
from lending.rates import RateStrategy

ETH_CORRELATED = 1
"""Efficiency-mode category id of "ETH correlated" on Aave V3 Ethereum."""

WETH_STRATEGY = RateStrategy.from_percent("90", "0", "2.7", "80")
"""WETH: U* 90% (2024-01), base 0, slope1 2.7% (2024-07), slope2 80% (not re-verified)."""

WSTETH_STRATEGY = RateStrategy.from_percent("80", "0", "1", "40")
"""wstETH: U* 80%, base 0, slope1 1%, slope2 40% (2025-07)."""

WETH: dict[str, Any] = dict(
    ltv=8050, liquidation_threshold=8300, liquidation_bonus=10500,
    liquidation_protocol_fee=1000, reserve_factor=1500, emode_category=ETH_CORRELATED,
)
"""WETH reserve: LTV 80.5%, LT 83% (2023-06), bonus 5%, protocol fee 10%, RF 15%."""

WSTETH: dict[str, Any] = dict(
    ltv=7850, liquidation_threshold=8100, liquidation_bonus=10600,
    liquidation_protocol_fee=1000, reserve_factor=3500, emode_category=ETH_CORRELATED,
)
"""wstETH reserve: LTV 78.5%, LT 81% (2023-09), bonus 6% (2023-07), protocol fee 10%, RF 35% (2025-07)."""

ETH_CORRELATED_FIGURES = dict(
    label="ETH correlated", ltv=9300, liquidation_threshold=9500, liquidation_bonus=10100,
)
"""eMode 1: LTV 93%, LT 95%, bonus 1% (2024-01/03)."""


def aave_v3_ethereum(
    state: State, address: str, network: str, *, treasury: str, weth: Token, weth_feed: str,
    wsteth: Token, wsteth_feed: str, **market: Any,
) -> Market:
    """A market with the WETH and wstETH reserves and the "ETH correlated" category of Aave
    V3 Ethereum; ``market`` passes on to :meth:`Market.deploy` (e.g. ``liquidation_v33``)."""
    m = Market.deploy(state, address, network, treasury=treasury, **market)
    m.list_reserve(weth, weth_feed, WETH_STRATEGY, **WETH)
    m.list_reserve(wsteth, wsteth_feed, WSTETH_STRATEGY, **WSTETH)
    m.set_emode_category(ETH_CORRELATED, **ETH_CORRELATED_FIGURES)
    return m
