"""Closed-form figures of a leveraged staking loop, to stand beside the simulated ones.

Notation: equity E (in the debt asset), leverage L = collateral value / equity, so the
collateral is worth L*E and the debt is (L-1)*E. LTV and LT are fractions (0.93), APRs too.
These are the textbook formulas; the simulation computes the same quantities with the
contracts' integer rounding, fees and price impact, and the tests compare the two.
"""

from __future__ import annotations

import math

from lstlab.errors import StrategyError


def max_leverage(ltv: float) -> float:
    """1 / (1 - LTV): the leverage at which the debt reaches the borrowing limit."""
    if not 0 <= ltv < 1:
        raise StrategyError(f"LTV {ltv} must be in [0, 1)")
    return 1.0 / (1.0 - ltv)


def max_flash_leverage(ltv: float, premium: float) -> float:
    """The leverage at which a loop opened by a mode-0 flash loan reaches the borrowing limit:
    its debt is (L - 1) x E x (1 + premium) against L x E of collateral, so
    L = (1 + premium) / (1 + premium - LTV). ``premium`` is a fraction (5 bps = 0.0005)."""
    max_leverage(ltv)
    if not 0 <= premium < 1:
        raise StrategyError(f"flash-loan premium {premium} must be a fraction in [0, 1)")
    return (1.0 + premium) / (1.0 + premium - ltv)


def check_leverage(leverage: float, ltv: float) -> float:
    """Return ``leverage`` if 1 <= leverage < 1/(1-LTV), else raise StrategyError."""
    limit = max_leverage(ltv)
    if not (math.isfinite(leverage) and 1.0 <= leverage < limit):
        raise StrategyError(
            f"leverage {leverage} is outside [1, {limit:.4f}): with LTV {ltv:.2%} the loop cannot borrow more"
        )
    return leverage


def health_factor(leverage: float, lt: float, price_ratio: float = 1.0) -> float:
    """HF = collateral x LT / debt = L x LT x ratio / (L - 1); infinite without debt.

    ``price_ratio`` is the collateral's price relative to the one at which the loop was opened.
    """
    if leverage <= 1.0:
        return math.inf
    return leverage * lt * price_ratio / (leverage - 1.0)


def leverage_for_health(target_hf: float, lt: float) -> float:
    """The leverage whose health factor is ``target_hf``: L = HF / (HF - LT)."""
    if target_hf <= lt:
        raise StrategyError(f"a health factor of {target_hf} is unreachable with LT {lt}: it must exceed LT")
    return target_hf / (target_hf - lt)


def liquidation_ratio(leverage: float, lt: float) -> float:
    """The collateral/debt price ratio (relative to the opening one) at which HF reaches 1:
    (L - 1) / (L x LT). Zero without debt."""
    if leverage <= 1.0:
        return 0.0
    return (leverage - 1.0) / (leverage * lt)


def net_apy(leverage: float, staking_apr: float, borrow_apr: float) -> float:
    """Yield on equity: staking APR x L - borrow APR x (L - 1) (simple rates, no compounding)."""
    return staking_apr * leverage - borrow_apr * (leverage - 1.0)


def max_safe_leverage(min_ratio: float, lt: float) -> float:
    """The highest leverage that a fall of the price ratio to ``min_ratio`` does not liquidate:
    1 / (1 - LT x min_ratio)."""
    product = lt * min_ratio
    if product >= 1.0:
        return math.inf
    return 1.0 / (1.0 - product)
