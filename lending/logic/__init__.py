"""The market's actions, one module per feature (Aave ``SupplyLogic``, ``BorrowLogic``,
``LiquidationLogic``, ``FlashLoanLogic``, ``EModeLogic``). Each ``execute_*`` takes the market
facade, accrues in memory, validates, writes the new records, moves cash and emits events."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lending.reserve import accrue
from lending.validation import can_be_collateral

if TYPE_CHECKING:
    from lending.market import Market
    from lending.types import ReserveConfig, ReserveState, UserPosition


def touch(m: Market, i: int) -> tuple[ReserveConfig, ReserveState]:
    """Reserve ``i``'s configuration and its state accrued to now, in memory (``cache`` +
    ``updateState``); the caller stores the state once it is done."""
    cfg = m._rcfg(i)
    return cfg, accrue(m._rstate(i), cfg.reserve_factor, m.state.now)


def credit_supply(pos: UserPosition, cfg: ReserveConfig, scaled: int) -> tuple[UserPosition, bool]:
    """``pos`` with ``scaled`` more aTokens of reserve ``cfg.id``; a first supply of an asset
    that can be collateral is enabled as collateral. Returns the position and whether it was."""
    i = cfg.id
    held = pos.supplied_of(i)
    pos = pos.with_supplied(i, held + scaled)
    enable = held == 0 and not pos.uses_as_collateral(i) and can_be_collateral(cfg)
    return (pos.with_collateral(i, True) if enable else pos), enable
