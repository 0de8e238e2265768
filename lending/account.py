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


def account_data(m: Market, pos: UserPosition, prices: dict[int, int] | None = None,
                 read: dict[int, int] | None = None) -> AccountData:
    """The account of ``pos`` at the current time; ``prices`` overrides reserve prices by id
    (base units) for what-if questions; ``read`` (when given) receives the price read from each
    reserve's feed, by id. Feeds are read in reserve order, each once."""
    now = m.state.now
    storage = m._storage
    supplied, borrowed, mask, category = pos
    emode = storage.get(("emode", category)) if category else None  # m._emode(category)
    collateral = debt = avg_ltv = avg_lt = 0
    zero_ltv = False
    n_supplied, n_borrowed = len(supplied), len(borrowed)
    for i in range(max(n_supplied, n_borrowed)):
        as_collateral = mask >> i & 1 and i < n_supplied and supplied[i]
        owes = i < n_borrowed and borrowed[i]
        if not (as_collateral or owes):
            continue
        cfg = storage[("rcfg", i)]
        rs = storage[("rs", i)]
        view = m._view(i, cfg)
        if prices is not None and i in prices:
            price = prices[i]
        else:
            price = view.price()
            if read is not None:
                read[i] = price
        unit = view.unit
        fresh = rs.last_update == now
        if as_collateral and cfg.liquidation_threshold:
            income = rs.liquidity_index if fresh else normalized_income(rs, now)
            value = ray_mul(supplied[i], income) * price // unit
            collateral += value
            if emode is not None and cfg.emode_category == emode.id:
                ltv, lt = emode.ltv, emode.liquidation_threshold
            else:
                ltv, lt = cfg.ltv, cfg.liquidation_threshold
            if cfg.ltv:
                avg_ltv += value * ltv
            else:
                zero_ltv = True
            avg_lt += value * lt
        if owes:
            index = rs.variable_borrow_index if fresh else normalized_debt(rs, now)
            debt += ray_mul(borrowed[i], index) * price // unit
    if collateral:
        avg_ltv //= collateral
        avg_lt //= collateral
    else:
        avg_ltv = avg_lt = 0
    hf = UINT256_MAX if debt == 0 else wad_div(percent_mul(collateral, avg_lt), debt)
    room = percent_mul(collateral, avg_ltv)
    available = room - debt if room > debt else 0
    return AccountData._make((collateral, debt, available, avg_ltv, avg_lt, hf, zero_ltv))
