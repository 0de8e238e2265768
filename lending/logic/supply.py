"""Supply, withdraw, collateral on/off and treasury minting (Aave ``SupplyLogic``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chain.fixedpoint import ray_div, ray_mul
from lending.errors import InvalidBurnAmount, InvalidMintAmount, LtvValidationFailed
from lending.events import CollateralSet, MintedToTreasury, Supply, Withdraw
from lending.logic import credit_supply, touch
from lending.rates import variable_rates
from lending.reserve import accrue, normalized_income, update_rates
from lending.types import EMPTY_POSITION, ReserveState
from lending.validation import (
    can_be_collateral,
    validate_hf_and_ltv,
    validate_set_collateral,
    validate_supply,
    validate_withdraw,
)

if TYPE_CHECKING:
    from lending.market import Market
    from lending.types import ReserveConfig, UserPosition


def execute_supply(m: Market, user: str, i: int, amount: int, on_behalf_of: str) -> None:
    """Move ``amount`` wei from ``user`` to the market and credit ``on_behalf_of`` with
    ``rayDiv(amount, index)`` scaled aTokens (half up). A first supply of an asset with a
    non-zero LTV is enabled as collateral. Emits Supply (and CollateralSet).

    Every check runs before the first write (the transfer), so it needs no snapshot: cache and
    accrue (in memory), validate, the new rates on the cash after the supply, then one record of
    the reserve and one of the position written."""
    state, address = m.state, m.address
    storage = m._storage
    cfg: ReserveConfig = storage[("rcfg", i)]
    rs: ReserveState = storage[("rs", i)]
    now = state.now
    if rs.last_update != now:  # else accrue returns rs itself
        rs = accrue(rs, cfg.reserve_factor, now)
    validate_supply(cfg, rs, amount)
    view = m._view(i, cfg)
    asset = cfg.asset
    index, borrow_index, _, _, last_update, accrued, scaled_supply, scaled_debt, deficit, bad_debt = rs
    liquidity_rate, borrow_rate = variable_rates(
        cfg.strategy, view.book.get(address, 0) + amount, ray_mul(scaled_debt, borrow_index), cfg.reserve_factor,
    )
    scaled = ray_div(amount, index)
    if scaled == 0:
        raise InvalidMintAmount(f"{amount} wei is worth 0 scaled units at index {index}")
    state.transfer(asset, user, address, amount)
    old: UserPosition = storage.get(("pos", on_behalf_of), EMPTY_POSITION)
    pos, enable = credit_supply(old, cfg, scaled)
    supply = Supply._make((address, asset, user, on_behalf_of, amount))
    m._put_change(
        i, ReserveState._make((index, borrow_index, liquidity_rate, borrow_rate, last_update, accrued,
                               scaled_supply + scaled, scaled_debt, deficit, bad_debt)),
        on_behalf_of, pos, "supplied", scaled, index, asset,
        (CollateralSet._make((address, asset, on_behalf_of, True)), supply) if enable else (supply,),
    )


def execute_withdraw(m: Market, user: str, i: int, amount: int | None) -> int:
    """Burn aTokens worth ``amount`` wei (None or 2**256-1: everything) and send the cash;
    withdrawing all turns collateral off. Checks HF >= 1 after when the asset was collateral
    and the user borrows. Returns the amount. Emits Withdraw (and CollateralSet)."""
    state = m.state
    cfg, rs = touch(m, i)
    pos = m._position(user)
    balance = ray_mul(pos.supplied_of(i), rs.liquidity_index)
    if amount is None:
        amount = balance
    validate_withdraw(cfg, amount, balance)
    rs = update_rates(rs, cfg, state.balance_of(cfg.asset, m.address), 0, amount)
    was_collateral = pos.uses_as_collateral(i)
    emptied = was_collateral and amount == balance
    if emptied:
        pos = pos.with_collateral(i, False)
    scaled = ray_div(amount, rs.liquidity_index)
    if scaled == 0:
        raise InvalidBurnAmount(f"{amount} wei is worth 0 scaled units at index {rs.liquidity_index}")
    pos = pos.with_supplied(i, pos.supplied_of(i) - scaled)
    if was_collateral and pos.is_borrowing_any():
        validate_hf_and_ltv(m, pos, cfg)
    m._put_rstate(i, rs.replace(scaled_supply=rs.scaled_supply - scaled))
    m._put_position(user, pos)
    state.transfer(cfg.asset, m.address, user, amount)
    if emptied:
        state.emit(CollateralSet(m.address, cfg.asset, user, False))
    state.emit(Withdraw(m.address, cfg.asset, user, amount))
    return amount


def execute_set_collateral(m: Market, user: str, i: int, enabled: bool) -> None:
    """Turn reserve ``i`` on or off as the user's collateral (no-op when unchanged).
    Turning on a zero-LTV asset raises LtvValidationFailed; turning off checks HF >= 1."""
    state = m.state
    cfg = m._rcfg(i)
    pos = m._position(user)
    balance = ray_mul(pos.supplied_of(i), normalized_income(m._rstate(i), state.now))
    validate_set_collateral(cfg, balance)
    if enabled == pos.uses_as_collateral(i):
        return
    pos = pos.with_collateral(i, enabled)
    if enabled and not can_be_collateral(cfg):
        raise LtvValidationFailed(f"{cfg.asset.key} has zero LTV and cannot be enabled as collateral")
    if not enabled and pos.is_borrowing_any():
        validate_hf_and_ltv(m, pos, cfg)
    m._put_position(user, pos)
    state.emit(CollateralSet(m.address, cfg.asset, user, enabled))


def execute_mint_to_treasury(m: Market, i: int) -> int:
    """Credit the treasury with the reserve's accrued share as aTokens (``mintToTreasury``:
    no accrual; ``rayMul`` by the current income, re-scaled with ``rayDiv``); returns wei."""
    state = m.state
    cfg = m._rcfg(i)
    rs = m._rstate(i)
    if not cfg.active or rs.accrued_to_treasury == 0:
        return 0
    income = normalized_income(rs, state.now)
    amount = ray_mul(rs.accrued_to_treasury, income)
    scaled = ray_div(amount, income)
    treasury = m.config().treasury
    pos = m._position(treasury)
    m._put_position(treasury, pos.with_supplied(i, pos.supplied_of(i) + scaled))
    m._put_rstate(i, rs.replace(accrued_to_treasury=0, scaled_supply=rs.scaled_supply + scaled))
    state.emit(MintedToTreasury(m.address, cfg.asset, amount))
    return amount
