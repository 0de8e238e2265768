"""A user's account in the base currency (Aave V3 v3.0.2 ``GenericLogic``).

Values in base units (the market's price decimals), floored per asset exactly as Aave:
``balance * price // 10**decimals``. Averages are floored; the health factor is
``wadDiv(percentMul(collateral, avgLT), debt)`` (half up), ``2**256-1`` without debt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chain.fixedpoint import UINT256_MAX, percent_mul, ray_mul, wad_div
from lending.reserve import normalized_debt, normalized_income
from lending.types import AccountData, UserPosition

if TYPE_CHECKING:
    from lending.market import Market


def account_data(m: Market, pos: UserPosition, prices: dict[int, int] | None = None) -> AccountData:
    """The account of ``pos`` at the current time; ``prices`` overrides reserve prices by id
    (base units) for what-if questions."""
    now = m.state.now
    emode = m._emode(pos.emode) if pos.emode else None
    collateral = debt = avg_ltv = avg_lt = 0
    zero_ltv = False
    mask = pos.collateral_mask
    supplied, borrowed = pos.supplied, pos.borrowed
    for i in range(max(len(supplied), len(borrowed))):
        as_collateral = mask >> i & 1 and i < len(supplied) and supplied[i]
        owes = i < len(borrowed) and borrowed[i]
        if not (as_collateral or owes):
            continue
        cfg = m._rcfg(i)
        rs = m._rstate(i)
        price = prices[i] if prices is not None and i in prices else m._price(i)
        unit = cfg.unit
        if as_collateral and cfg.liquidation_threshold:
            value = ray_mul(supplied[i], normalized_income(rs, now)) * price // unit
            collateral += value
            in_emode = emode is not None and cfg.emode_category == emode.id
            ltv = emode.ltv if in_emode else cfg.ltv
            if cfg.ltv:
                avg_ltv += value * ltv
            else:
                zero_ltv = True
            avg_lt += value * (emode.liquidation_threshold if in_emode else cfg.liquidation_threshold)
        if owes:
            debt += ray_mul(borrowed[i], normalized_debt(rs, now)) * price // unit
    if collateral:
        avg_ltv //= collateral
        avg_lt //= collateral
    else:
        avg_ltv = avg_lt = 0
    hf = UINT256_MAX if debt == 0 else wad_div(percent_mul(collateral, avg_lt), debt)
    available = max(percent_mul(collateral, avg_ltv) - debt, 0)
    return AccountData(collateral, debt, available, avg_ltv, avg_lt, hf, zero_ltv)
