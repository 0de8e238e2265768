"""Flash loans (Aave ``FlashLoanLogic``, one asset per call)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chain import InsufficientBalance
from chain.fixedpoint import percent_mul, ray_div, ray_mul
from lending.errors import FlashLoanNotRepaid
from lending.events import FlashLoan
from lending.logic import touch
from lending.logic.borrow import execute_borrow
from lending.reserve import cumulate_to_liquidity_index, update_rates
from lending.validation import validate_flash_loan

if TYPE_CHECKING:
    from lending.market import Market

FlashCallback = Callable[[Any, Any, int, int], Any]
"""``callback(state, asset, amount, premium)``: runs while the receiver holds the loan, in the
receiver's call frame (what it calls sees the receiver as the caller, :mod:`chain.calls`)."""


def execute_flash_loan(m: Market, receiver: str, i: int, amount: int, callback: FlashCallback,
                       mode: int) -> int:
    """Send ``amount`` wei to ``receiver``, run ``callback`` as the receiver, then either pull
    back amount + premium (mode 0; premium = ``percentMul(amount, flash_premium_total)``, of which
    ``flash_premium_to_protocol`` bps go to the treasury and the rest to suppliers through
    the liquidity index) or open variable debt for the receiver (mode 2, no premium).
    Returns the premium. Raises FlashLoanNotRepaid when the receiver cannot pay back."""
    state = m.state
    cfg = m._rcfg(i)
    validate_flash_loan(cfg, amount, state.balance_of(cfg.asset, m.address))
    mc = m.config()
    premium = percent_mul(amount, mc.flash_premium_total) if mode == 0 else 0
    state.transfer(cfg.asset, m.address, receiver, amount)
    m.call_back(receiver, callback, state, cfg.asset, amount, premium)
    if mode == 2:
        execute_borrow(m, receiver, i, amount, release=False)
    else:
        _repay_flash(m, receiver, i, amount, premium)
    state.emit(FlashLoan(m.address, receiver, cfg.asset, amount, premium, mode))
    return premium


def _repay_flash(m: Market, receiver: str, i: int, amount: int, premium: int) -> None:
    """``_handleFlashLoanRepayment``: accrue, spread the suppliers' share of the premium, book
    the protocol's share, update rates with the cash coming back, pull amount + premium."""
    state = m.state
    to_protocol = percent_mul(premium, m.config().flash_premium_to_protocol)
    cfg, rs = touch(m, i)
    index = rs.liquidity_index
    total_liquidity = ray_mul(rs.scaled_supply, index) + ray_mul(rs.accrued_to_treasury, index)
    if premium - to_protocol and total_liquidity:
        rs = cumulate_to_liquidity_index(rs, total_liquidity, premium - to_protocol)
    rs = rs.replace(accrued_to_treasury=rs.accrued_to_treasury + ray_div(to_protocol, rs.liquidity_index))
    rs = update_rates(rs, cfg, state.balance_of(cfg.asset, m.address), amount + premium, 0)
    m._put_rstate(i, rs)
    try:
        state.transfer(cfg.asset, receiver, m.address, amount + premium)
    except InsufficientBalance:
        held = state.balance_of(cfg.asset, receiver)
        raise FlashLoanNotRepaid(
            f"{receiver} holds {held} of {cfg.asset.key} after the callback and owes {amount + premium}: "
            "the whole flash loan reverts"
        ) from None
