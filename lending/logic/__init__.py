"""The market's actions, one module per feature (Aave ``SupplyLogic``, ``BorrowLogic``,
``LiquidationLogic``, ``FlashLoanLogic``, ``EModeLogic``). Each ``execute_*`` takes the market
facade, accrues in memory, validates, writes the new records, moves cash and emits events."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lending.reserve import accrue

if TYPE_CHECKING:
    from lending.market import Market
    from lending.types import ReserveConfig, ReserveState


def touch(m: Market, i: int) -> tuple[ReserveConfig, ReserveState]:
    """Reserve ``i``'s configuration and its state accrued to now, in memory (``cache`` +
    ``updateState``); the caller stores the state once it is done."""
    cfg = m._rcfg(i)
    return cfg, accrue(m._rstate(i), cfg.reserve_factor, m.state.now)
