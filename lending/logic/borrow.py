"""Borrow and repay (Aave ``BorrowLogic``), variable rate only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chain.fixedpoint import UINT256_MAX, ray_div, ray_mul
from lending.errors import InvalidBurnAmount, InvalidMintAmount, NotEnoughAvailableUserBalance
from lending.events import Borrow, Repay
from lending.logic import touch
from lending.rates import variable_rates
from lending.reserve import accrue, update_rates
from lending.types import EMPTY_POSITION, ReserveState
from lending.validation import validate_borrow, validate_repay

if TYPE_CHECKING:
    from lending.market import Market
    from lending.types import ReserveConfig, UserPosition


def execute_borrow(m: Market, user: str, i: int, amount: int, *, release: bool = True) -> None:
    """Open ``amount`` wei of variable debt: mint ``rayDiv(amount, borrowIndex)`` scaled debt
    (half up), update rates with the cash taken, send the cash (unless ``release`` is False:
    a flash loan already sent it). Emits Borrow. The caller holds a snapshot: the transfer,
    which can fail, comes after the records are written (Aave's order of events)."""
    state, address = m.state, m.address
    storage = m._storage
    cfg: ReserveConfig = storage[("rcfg", i)]
    rs: ReserveState = storage[("rs", i)]
    now = state.now
    if rs.last_update != now:  # else accrue returns rs itself
        rs = accrue(rs, cfg.reserve_factor, now)
    pos: UserPosition = storage.get(("pos", user), EMPTY_POSITION)
    validate_borrow(m, cfg, rs, pos, amount)
    index, borrow_index, _, _, last_update, accrued, scaled_supply, scaled_debt, deficit, bad_debt = rs
    scaled = ray_div(amount, borrow_index)
    if scaled == 0:
        raise InvalidMintAmount(f"{amount} wei is worth 0 scaled debt at index {borrow_index}")
    asset = cfg.asset
    scaled_debt += scaled
    cash = m._view(i, cfg).book.get(address, 0)  # the market's balance of the asset
    liquidity_rate, borrow_rate = variable_rates(
        cfg.strategy, cash - amount if release else cash, ray_mul(scaled_debt, borrow_index), cfg.reserve_factor,
    )
    m._put_change(
        i, ReserveState._make((index, borrow_index, liquidity_rate, borrow_rate, last_update, accrued,
                               scaled_supply, scaled_debt, deficit, bad_debt)),
        user, pos.plus_borrowed(i, scaled), "borrowed", scaled, borrow_index, asset,
    )
    if release:
        state.transfer(asset, address, user, amount)
    state.emit(Borrow._make((address, asset, user, amount, borrow_rate)))


def execute_repay(m: Market, payer: str, user: str, i: int, amount: int | None, with_a_tokens: bool) -> int:
    """Repay up to ``amount`` wei (None or 2**256-1: all) of ``user``'s debt; with aTokens the
    payer's supply is burned instead of cash moving (all = the payer's aToken balance).
    Returns the amount repaid. Emits Repay."""
    state = m.state
    cfg, rs = touch(m, i)
    pos = m._position(user)
    debt = ray_mul(pos.borrowed_of(i), rs.variable_borrow_index)
    if amount is None:
        amount = UINT256_MAX
    validate_repay(cfg, amount, debt, payer != user)
    if with_a_tokens and amount == UINT256_MAX:
        amount = ray_mul(m._position(payer).supplied_of(i), rs.liquidity_index)
    payback = min(amount, debt)
    scaled = ray_div(payback, rs.variable_borrow_index)
    if scaled == 0:
        raise InvalidBurnAmount(f"{payback} wei is worth 0 scaled debt at index {rs.variable_borrow_index}")
    rs = rs.replace(scaled_debt=rs.scaled_debt - scaled)
    pos = pos.with_borrowed(i, pos.borrowed_of(i) - scaled)
    rs = update_rates(rs, cfg, state.balance_of(cfg.asset, m.address), 0 if with_a_tokens else payback, 0)
    m._put_position(user, pos)
    if with_a_tokens:
        payer_pos = m._position(payer)
        burned = ray_div(payback, rs.liquidity_index)
        if burned == 0:
            raise InvalidBurnAmount(f"{payback} wei is worth 0 scaled aTokens")
        if burned > payer_pos.supplied_of(i):
            raise NotEnoughAvailableUserBalance(f"{payer} has supplied less {cfg.asset.key} than {payback}")
        m._put_position(payer, payer_pos.with_supplied(i, payer_pos.supplied_of(i) - burned))
        rs = rs.replace(scaled_supply=rs.scaled_supply - burned)
    else:
        state.transfer(cfg.asset, payer, m.address, payback)
    m._put_rstate(i, rs)
    state.emit(Repay(m.address, cfg.asset, user, payer, payback, with_a_tokens))
    return payback
