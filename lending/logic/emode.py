"""Efficiency mode (Aave ``EModeLogic``): a user picks a category of correlated assets."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lending.events import UserEModeSet
from lending.validation import validate_health_factor, validate_set_emode

if TYPE_CHECKING:
    from lending.market import Market


def execute_set_emode(m: Market, user: str, category: int) -> None:
    """Set the user's category (0 leaves eMode); every borrowed asset must be in the new
    category, and leaving a category must keep HF >= 1. Emits UserEModeSet."""
    pos = m._position(user)
    validate_set_emode(m, pos, category)
    previous = pos.emode
    pos = pos.with_emode(category)
    if previous:
        validate_health_factor(m, pos)
    m._put_position(user, pos)
    m.state.emit(UserEModeSet(m.address, user, category))
