"""Liquidations (Aave ``LiquidationLogic``) under the market's rule: "v2", "v3.0.2" or "v3.3".

- v2 (aave/protocol-v2 ``LendingPoolCollateralManager``): at any HF < 1 one liquidation covers
  at most ``close_factor_bps`` (``LIQUIDATION_CLOSE_FACTOR_PERCENT = 5000``) of the reserve
  debt; the bonus is applied before the price division; no protocol fee, no dust rule.
- v3.0.2: ``close_factor_bps`` of the reserve debt above ``close_factor_hf_threshold`` (0.95),
  100% at or below it.
- v3.3: the whole reserve debt, except ``close_factor_bps`` of the user's *total* debt (in
  base, converted back) when both the reserve's collateral and debt are worth at least
  ``close_factor_threshold_base`` and HF > ``close_factor_hf_threshold``; a liquidation must
  clear the debt, clear the collateral or leave ``min_leftover_base`` of both; when no
  collateral is left the remaining debt of every reserve is burned into ``deficit``.

With a sequencer sentinel set, a liquidation at HF >= 0.95 waits for it (:mod:`lending.sentinel`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from chain.fixedpoint import percent_div, percent_mul, ray_div, ray_mul
from lending.account import account_data
from lending.errors import InvalidAssetPrice, InvalidBurnAmount, MustNotLeaveDust
from lending.events import BadDebtRecorded, CollateralSet, DeficitCreated, LiquidationCall
from lending.logic import credit_supply, touch
from lending.reserve import normalized_debt, normalized_income, update_rates
from lending.sentinel import validate_liquidation_allowed
from lending.types import AccountData, MarketConfig, UserPosition
from lending.validation import validate_liquidation

if TYPE_CHECKING:
    from lending.market import Market

DEFAULT_CLOSE_FACTOR = 5_000
"""bps: Aave's default ``close_factor_bps`` (v2 ``LIQUIDATION_CLOSE_FACTOR_PERCENT``, v3
``DEFAULT_LIQUIDATION_CLOSE_FACTOR``)."""
MAX_CLOSE_FACTOR = 10_000
"""bps: share coverable at or below the threshold (v3 ``MAX_LIQUIDATION_CLOSE_FACTOR``)."""
CLOSE_FACTOR_HF_THRESHOLD = 95 * 10**16
"""WAD: 0.95, Aave v3's default ``close_factor_hf_threshold``."""


@attrs.frozen
class Seizure:
    """The outcome of ``_calculateAvailableCollateralToLiquidate`` (wei unless noted)."""

    collateral: int  # to the liquidator, fee excluded
    debt: int  # debt covered by the liquidator
    fee: int  # collateral to the treasury
    collateral_base: int  # base: collateral + fee valued at the collateral price (v3.3)


def collateral_to_seize(
    debt_to_cover: int, collateral_price: int, collateral_unit: int, debt_price: int, debt_unit: int,
    user_collateral: int, bonus: int, fee_bps: int, *, rule: str = "v3.0.2",
) -> Seizure:
    """Collateral for ``debt_to_cover`` at ``bonus`` (bps, 10000 + bonus), capped by the user's
    balance (then the debt is cut to match); the fee is ``fee_bps`` of the bonus part.
    Floors on the price conversions, half up on ``percentMul``/``percentDiv``, as Aave. Under
    ``rule`` "v2" the bonus multiplies the numerator before the price division
    (``debtPrice * debt * colUnit .percentMul(bonus) / (colPrice * debtUnit)``, Aave v2) and
    there is no fee. Raises InvalidAssetPrice for a price that is not positive."""
    if collateral_price <= 0 or debt_price <= 0:
        raise InvalidAssetPrice(
            f"liquidation needs positive prices, got collateral {collateral_price} and debt {debt_price} "
            "base units: the reserve's feed is broken; fix it or set another feed"
        )
    if rule == "v2":
        fee_bps = 0
        max_collateral = percent_mul(debt_price * debt_to_cover * collateral_unit, bonus) // (
            collateral_price * debt_unit)
    else:
        base = debt_price * debt_to_cover * collateral_unit // (collateral_price * debt_unit)
        max_collateral = percent_mul(base, bonus)
    if max_collateral > user_collateral:
        collateral = user_collateral
        debt = percent_div(collateral_price * collateral * debt_unit // (debt_price * collateral_unit), bonus)
    else:
        collateral, debt = max_collateral, debt_to_cover
    collateral_base = collateral * collateral_price // collateral_unit
    fee = 0
    if fee_bps:
        fee = percent_mul(collateral - percent_div(collateral, bonus), fee_bps)
    return Seizure(collateral - fee, debt, fee, collateral_base)


def max_liquidatable_debt(
    mc: MarketConfig, acct: AccountData, user_debt: int, user_collateral: int,
    collateral_price: int, collateral_unit: int, debt_price: int, debt_unit: int,
) -> int:
    """The most of ``user_debt`` (wei) one liquidation may cover under the market's rule (see
    the module docstring)."""
    hf, rule, factor = acct.health_factor, mc.liquidation_rule, mc.close_factor_bps
    if rule == "v2":
        return percent_mul(user_debt, factor)
    if rule == "v3.0.2":
        return percent_mul(user_debt, factor if hf > mc.close_factor_hf_threshold else MAX_CLOSE_FACTOR)
    debt_base = user_debt * debt_price // debt_unit
    collateral_base = user_collateral * collateral_price // collateral_unit
    threshold = mc.close_factor_threshold_base
    if collateral_base >= threshold and debt_base >= threshold and hf > mc.close_factor_hf_threshold:
        capped = percent_mul(acct.total_debt_base, factor)
        if debt_base > capped:
            return capped * debt_unit // debt_price
    return user_debt


def check_dust(mc: MarketConfig, s: Seizure, user_debt: int, user_collateral: int,
               collateral_price: int, collateral_unit: int, debt_price: int, debt_unit: int) -> None:
    """(v3.3) Clear the debt, clear the collateral, or leave at least ``min_leftover_base`` of both."""
    if s.debt < user_debt and s.collateral + s.fee < user_collateral:
        debt_left = (user_debt - s.debt) * debt_price // debt_unit
        collateral_left = (user_collateral - s.collateral) * collateral_price // collateral_unit
        if debt_left < mc.min_leftover_base or collateral_left < mc.min_leftover_base:
            raise MustNotLeaveDust(
                f"the liquidation would leave {debt_left} base of debt and {collateral_left} base of "
                f"collateral, below the minimum {mc.min_leftover_base}: cover all the debt or less of it"
            )


def execute_liquidation(m: Market, liquidator: str, user: str, cr: int, dr: int,
                        debt_to_cover: int, receive_a_token: bool) -> Seizure:
    """Liquidate ``user``: the liquidator pays debt of reserve ``dr`` and takes collateral of
    reserve ``cr`` with the bonus. Emits LiquidationCall (and CollateralSet, DeficitCreated or
    BadDebtRecorded). Returns the seizure."""
    state, now, mc = m.state, m.state.now, m.config()
    ccfg = m._rcfg(cr)
    dcfg, drs = touch(m, dr)
    pos = m._position(user)
    acct = account_data(m, pos)
    user_debt = ray_mul(pos.borrowed_of(dr), drs.variable_borrow_index)
    validate_liquidation_allowed(m, acct.health_factor)
    validate_liquidation(ccfg, dcfg, acct.health_factor, pos, user_debt)
    rule, v33 = mc.liquidation_rule, mc.liquidation_v33
    emode = m._emode_for(pos, ccfg)
    bonus = ccfg.liquidation_bonus if emode is None else emode.liquidation_bonus
    income = drs.liquidity_index if cr == dr else normalized_income(m._rstate(cr), now)
    user_collateral = ray_mul(pos.supplied_of(cr), income)
    prices = (m._price(cr), ccfg.unit, m._price(dr), dcfg.unit)
    cap = max_liquidatable_debt(mc, acct, user_debt, user_collateral, *prices)
    s = collateral_to_seize(min(debt_to_cover, cap), *prices, user_collateral, bonus,
                            ccfg.liquidation_protocol_fee, rule=rule)
    if v33:
        check_dust(mc, s, user_debt, user_collateral, *prices)
    emptied = s.collateral + s.fee == user_collateral
    if emptied:
        pos = pos.with_collateral(cr, False)
    no_collateral_left = v33 and acct.total_collateral_base == s.collateral_base
    burn = user_debt if no_collateral_left else s.debt
    scaled = ray_div(burn, drs.variable_borrow_index)
    if scaled == 0:
        raise InvalidBurnAmount(f"covering {burn} wei burns 0 scaled debt: cover more")
    pos = pos.with_borrowed(dr, pos.borrowed_of(dr) - scaled)
    deficit = user_debt - s.debt if no_collateral_left else 0
    drs = drs.replace(scaled_debt=drs.scaled_debt - scaled, deficit=drs.deficit + deficit)
    drs = update_rates(drs, dcfg, state.balance_of(dcfg.asset, m.address), s.debt, 0)
    m._put_rstate(dr, drs)
    m._put_position(user, pos)
    if emptied:
        state.emit(CollateralSet(m.address, ccfg.asset, user, False))
    if deficit:
        state.emit(DeficitCreated(m.address, user, dcfg.asset, deficit))
    _move_collateral(m, liquidator, user, cr, s.collateral, income, receive_a_token)
    if s.fee:
        s = attrs.evolve(s, fee=_pay_fee(m, user, cr, s.fee, income))
    if no_collateral_left:
        _burn_bad_debt(m, user)
    elif not v33:
        _record_bad_debt(m, user)
    state.transfer(dcfg.asset, liquidator, m.address, s.debt)
    state.emit(LiquidationCall(m.address, ccfg.asset, dcfg.asset, user, s.debt, s.collateral, s.fee,
                               liquidator, receive_a_token))
    return s


def _move_collateral(m: Market, liquidator: str, user: str, cr: int, amount: int, income: int,
                     receive_a_token: bool) -> None:
    state = m.state
    ccfg = m._rcfg(cr)
    pos = m._position(user)
    if receive_a_token:
        scaled = ray_div(amount, income)
        m._put_position(user, pos.with_supplied(cr, pos.supplied_of(cr) - scaled))
        liq, enable = credit_supply(m._position(liquidator), ccfg, scaled)
        m._put_position(liquidator, liq)
        if enable:
            state.emit(CollateralSet(m.address, ccfg.asset, liquidator, True))
        return
    _, crs = touch(m, cr)
    crs = update_rates(crs, ccfg, state.balance_of(ccfg.asset, m.address), 0, amount)
    scaled = ray_div(amount, crs.liquidity_index)
    if scaled == 0:
        raise InvalidBurnAmount(f"{amount} wei of collateral is worth 0 scaled units: cover more debt")
    m._put_rstate(cr, crs.replace(scaled_supply=crs.scaled_supply - scaled))
    m._put_position(user, pos.with_supplied(cr, pos.supplied_of(cr) - scaled))
    state.transfer(ccfg.asset, m.address, liquidator, amount)


def _pay_fee(m: Market, user: str, cr: int, fee: int, income: int) -> int:
    """Move the protocol fee from the user's aTokens to the treasury's at the collateral
    reserve's ``income`` (RAY); returns the fee paid (cut to the user's balance when rounding
    left one wei less, as Aave)."""
    pos = m._position(user)
    if ray_div(fee, income) > pos.supplied_of(cr):
        fee = ray_mul(pos.supplied_of(cr), income)
    scaled = ray_div(fee, income)
    m._put_position(user, pos.with_supplied(cr, pos.supplied_of(cr) - scaled))
    treasury = m.config().treasury
    tpos = m._position(treasury)
    m._put_position(treasury, tpos.with_supplied(cr, tpos.supplied_of(cr) + scaled))
    return fee


def _burn_bad_debt(m: Market, user: str) -> None:
    """(v3.3) Burn every remaining debt of a user without collateral into reserve deficits."""
    state = m.state
    pos = m._position(user)
    for j, scaled in enumerate(pos.borrowed):
        if not scaled:
            continue
        cfg, rs = touch(m, j)
        debt = ray_mul(scaled, rs.variable_borrow_index)
        rs = rs.replace(scaled_debt=rs.scaled_debt - scaled, deficit=rs.deficit + debt)
        m._put_rstate(j, update_rates(rs, cfg, state.balance_of(cfg.asset, m.address), 0, 0))
        pos = pos.with_borrowed(j, 0)
        state.emit(DeficitCreated(m.address, user, cfg.asset, debt))
    m._put_position(user, pos)


def _record_bad_debt(m: Market, user: str) -> None:
    """(v3.0.2) When no collateral balance is left and debt remains, book it as ``bad_debt``
    (the debt stays on the user's books, as Aave v3.0.2 leaves it)."""
    pos: UserPosition = m._position(user)
    if any(pos.uses_as_collateral(j) and pos.supplied_of(j) for j in range(len(pos.supplied))):
        return
    for j, scaled in enumerate(pos.borrowed):
        if scaled:
            rs = m._rstate(j)
            debt = ray_mul(scaled, normalized_debt(rs, m.state.now))
            m._put_rstate(j, rs.replace(bad_debt=rs.bad_debt + debt))
            m.state.emit(BadDebtRecorded(m.address, user, m._rcfg(j).asset, debt))

