"""The market's actions, one module per feature (Aave ``SupplyLogic``, ``BorrowLogic``,
``LiquidationLogic``, ``FlashLoanLogic``, ``EModeLogic``). Each ``execute_*`` takes the market
facade, accrues in memory, validates, writes the new records, moves cash and emits events."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lending.reserve import accrue
from lending.types import UserPosition, added_at
from lending.validation import can_be_collateral

if TYPE_CHECKING:
    from lending.market import Market
    from lending.types import ReserveConfig, ReserveState


def touch(m: Market, i: int) -> tuple[ReserveConfig, ReserveState]:
    """Reserve ``i``'s configuration and its state accrued to now, in memory (``cache`` +
    ``updateState``); the caller stores the state once it is done."""
    cfg = m._rcfg(i)
    return cfg, accrue(m._rstate(i), cfg.reserve_factor, m.state.now)


def credit_supply(pos: UserPosition, cfg: ReserveConfig, scaled: int) -> tuple[UserPosition, bool]:
    """``pos`` with ``scaled`` more aTokens of reserve ``cfg.id``; a first supply of an asset
    that can be collateral is enabled as collateral. Returns the position and whether it was."""
    i = cfg.id
    supplied, borrowed, mask, emode = pos
    enable = not (i < len(supplied) and supplied[i]) and not mask >> i & 1 and can_be_collateral(cfg)
    if enable:
        mask |= 1 << i
    return UserPosition._make((added_at(supplied, i, scaled), borrowed, mask, emode)), enable
