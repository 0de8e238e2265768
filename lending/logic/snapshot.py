"""Snapshot import: a position written as it stood, not opened by supply and borrow calls.

Every check runs before the first write (the facade's snapshot also reverts on error). The
reserves touched are accrued to now, the scaled balances written at the accrued indexes
(``rayDiv``, half up, as a mint), and the rates re-priced with the new cash and debt.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from chain import InvalidAmount, InvalidArgument, check_amount
from chain.fixedpoint import ray_div
from lending.errors import (
    InconsistentEModeCategory,
    InvalidMintAmount,
    NotUsableAsCollateral,
    PositionAlreadyOpen,
    ReserveInactive,
    UnderlyingBalanceZero,
    UnknownEModeCategory,
)
from lending.events import PositionImported
from lending.logic import touch
from lending.reserve import update_rates
from lending.types import UserPosition

if TYPE_CHECKING:
    from lending.market import Market


def _amounts(m: Market, amounts: object, role: str) -> dict[int, int]:
    """Reserve id -> positive wei from a ``{Token: int}`` mapping; zero entries are dropped.
    Raises InvalidArgument (not a mapping), UnknownToken / WrongNetwork / ReserveNotListed
    (the asset), InvalidAmount (naming the asset), ReserveInactive."""
    if not isinstance(amounts, Mapping):
        raise InvalidArgument(f"{role} must be a mapping of Token to wei, got {type(amounts).__name__}")
    out: dict[int, int] = {}
    for asset, amount in amounts.items():
        i = m.reserve_id(asset)
        cfg = m._rcfg(i)
        try:
            check_amount(amount, f"{role} {cfg.asset.key}")
        except InvalidAmount as exc:
            raise InvalidAmount(f"{exc}: give wei of {cfg.asset.key} as an int >= 0") from None
        if not cfg.active:
            raise ReserveInactive(f"reserve {cfg.asset.key} is not active: a snapshot cannot hold it")
        if amount:
            out[i] = amount
    return out


def _collateral_mask(m: Market, supplied: dict[int, int], flags: object) -> int:
    """Bit i set for each supplied reserve counted as collateral: by default every one with a
    non-zero liquidation threshold; ``flags`` ({Token: bool}) override per asset."""
    mask = 0
    for i in supplied:
        if m._rcfg(i).liquidation_threshold:
            mask |= 1 << i
    if flags is None:
        return mask
    if not isinstance(flags, Mapping):
        raise InvalidArgument(f"collateral must be a mapping of Token to bool or None, got {type(flags).__name__}")
    for asset, flag in flags.items():
        i = m.reserve_id(asset)
        cfg = m._rcfg(i)
        if not isinstance(flag, bool):
            raise InvalidArgument(f"the collateral flag of {cfg.asset.key} must be a bool, got {flag!r}")
        if not flag:
            mask &= ~(1 << i)
            continue
        if not cfg.liquidation_threshold:
            raise NotUsableAsCollateral(
                f"{cfg.asset.key} has a zero liquidation threshold in {m.address!r}: it cannot be "
                "collateral; drop its flag"
            )
        if i not in supplied:
            raise UnderlyingBalanceZero(f"{cfg.asset.key} is flagged as collateral but nothing of it is "
                                        "supplied: drop the flag or give the amount")
        mask |= 1 << i
    return mask


def _check_emode(m: Market, emode: object, borrowed: dict[int, int]) -> int:
    if type(emode) is not int or not 0 <= emode <= 255:
        raise UnknownEModeCategory(f"emode must be an int in [0, 255], got {emode!r}")
    if emode == 0:
        return 0
    if m._emode(emode) is None:
        raise UnknownEModeCategory(f"no efficiency-mode category {emode} in {m.address!r}")
    for i in borrowed:
        cfg = m._rcfg(i)
        if cfg.emode_category != emode:
            raise InconsistentEModeCategory(
                f"the snapshot borrows {cfg.asset.key}, which is outside category {emode}: "
                "import the position with emode=0 or without that debt"
            )
    return emode


def execute_import(m: Market, user: str, supplied: Any, borrowed: Any, emode: Any, flags: Any) -> None:
    """Write ``user``'s snapshot (see :meth:`lending.Market.import_position`). Emits
    PositionImported."""
    state = m.state
    held = m._position(user)
    if any(held.supplied) or any(held.borrowed) or held.collateral_mask or held.emode:
        raise PositionAlreadyOpen(f"{user!r} already holds a position in {m.address!r}: import into a "
                                  "fresh account")
    sup = _amounts(m, supplied, "supplied")
    bor = _amounts(m, borrowed, "borrowed")
    category = _check_emode(m, emode, bor)
    mask = _collateral_mask(m, sup, flags)
    pos = UserPosition(collateral_mask=mask, emode=category)
    states = {}
    for i in sorted(sup.keys() | bor.keys()):
        cfg, rs = touch(m, i)
        scaled_supply = ray_div(sup[i], rs.liquidity_index) if i in sup else 0
        scaled_debt = ray_div(bor[i], rs.variable_borrow_index) if i in bor else 0
        if (i in sup and scaled_supply == 0) or (i in bor and scaled_debt == 0):
            raise InvalidMintAmount(f"the snapshot's {cfg.asset.key} amount is worth 0 scaled units at the "
                                    "reserve's index: give a larger amount or leave it out")
        rs = rs.replace(scaled_supply=rs.scaled_supply + scaled_supply, scaled_debt=rs.scaled_debt + scaled_debt)
        cash = state.balance_of(cfg.asset, m.address)
        states[i] = update_rates(rs, cfg, cash, sup.get(i, 0), 0)
        pos = pos.with_supplied(i, scaled_supply).with_borrowed(i, scaled_debt)
    for i, rs in states.items():
        m._put_rstate(i, rs)
    m._put_position(user, pos)
    for i, amount in sup.items():
        state.mint(m._rcfg(i).asset, m.address, amount)
    for i, amount in bor.items():
        state.mint(m._rcfg(i).asset, user, amount)
    state.emit(PositionImported(
        m.address, user, tuple((m._rcfg(i).asset, a) for i, a in sorted(sup.items())),
        tuple((m._rcfg(i).asset, a) for i, a in sorted(bor.items())), category,
    ))
