"""Reserve accounting (Aave V3 v3.0.2 ``ReserveLogic.sol``): indexes, treasury, rates.

Pure functions over :class:`lending.types.ReserveState` records: each returns a new record.
Indexes in RAY, amounts in wei, scaled amounts in scaled units; rounding is Aave's half-up.
"""

from __future__ import annotations

from chain.fixedpoint import RAY, percent_mul, ray_div, ray_mul, wad_to_ray
from lending.math import compounded_interest, linear_interest
from lending.rates import variable_rates
from lending.types import ReserveConfig, ReserveState


def normalized_income(rs: ReserveState, now: int) -> int:
    """The liquidity index as of ``now`` (RAY), without writing (``getNormalizedIncome``)."""
    if rs.last_update == now:
        return rs.liquidity_index
    return ray_mul(linear_interest(rs.liquidity_rate, rs.last_update, now), rs.liquidity_index)


def normalized_debt(rs: ReserveState, now: int) -> int:
    """The variable borrow index as of ``now`` (RAY), without writing (``getNormalizedDebt``)."""
    if rs.last_update == now:
        return rs.variable_borrow_index
    growth = compounded_interest(rs.variable_borrow_rate, rs.last_update, now)
    return ray_mul(growth, rs.variable_borrow_index)


def accrue(rs: ReserveState, reserve_factor: int, now: int) -> ReserveState:
    """``updateState``: grow both indexes to ``now`` and book the treasury's share.

    The liquidity index grows only at a non-zero supply rate, the borrow index only with
    outstanding debt. The treasury accrues ``percentMul(debt growth, reserve_factor)``,
    stored scaled by the new liquidity index (``rayDiv``, half up).
    """
    if rs.last_update == now:
        return rs
    liquidity_index = rs.liquidity_index
    if rs.liquidity_rate:
        liquidity_index = ray_mul(linear_interest(rs.liquidity_rate, rs.last_update, now), liquidity_index)
    borrow_index = rs.variable_borrow_index
    if rs.scaled_debt:
        growth = compounded_interest(rs.variable_borrow_rate, rs.last_update, now)
        borrow_index = ray_mul(growth, borrow_index)
    accrued = rs.accrued_to_treasury
    if reserve_factor:
        prev_debt = ray_mul(rs.scaled_debt, rs.variable_borrow_index)
        curr_debt = ray_mul(rs.scaled_debt, borrow_index)
        to_mint = percent_mul(curr_debt - prev_debt, reserve_factor)
        if to_mint:
            accrued += ray_div(to_mint, liquidity_index)
    return rs.replace(
        liquidity_index=liquidity_index, variable_borrow_index=borrow_index,
        accrued_to_treasury=accrued, last_update=now,
    )


def update_rates(rs: ReserveState, cfg: ReserveConfig, cash: int, added: int, taken: int) -> ReserveState:
    """``updateInterestRates``: new rates from the cash ``cash + added - taken`` (wei) and the
    reserve's debt at its current index; call after the scaled debt changed."""
    liquidity_rate, borrow_rate = variable_rates(
        cfg.strategy, cash + added - taken, ray_mul(rs.scaled_debt, rs.variable_borrow_index), cfg.reserve_factor,
    )
    return ReserveState(
        rs.liquidity_index, rs.variable_borrow_index, liquidity_rate, borrow_rate, rs.last_update,
        rs.accrued_to_treasury, rs.scaled_supply, rs.scaled_debt, rs.deficit, rs.bad_debt,
    )


def cumulate_to_liquidity_index(rs: ReserveState, total_liquidity: int, amount: int) -> ReserveState:
    """Spread ``amount`` (wei) over ``total_liquidity`` (wei) in the liquidity index
    (``cumulateToLiquidityIndex``; flash-loan premiums)."""
    factor = ray_div(wad_to_ray(amount), wad_to_ray(total_liquidity)) + RAY
    return rs.replace(liquidity_index=ray_mul(factor, rs.liquidity_index))
