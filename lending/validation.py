"""Every check of the lending market, one ``validate_<action>`` each (Aave ``ValidationLogic``).

Actions call them in Aave's order: accrue (in memory), validate, change, emit. Each raises the
typed error of :mod:`lending.errors` named after Aave's error code, in the order Aave checks.
Amounts in wei, health factors in WAD, LTVs in bps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chain import InvalidAmount, require_fresh
from chain.fixedpoint import UINT256_MAX, WAD, percent_div, ray_mul
from lending.account import account_data
from lending.errors import (
    BorrowCapExceeded,
    BorrowingNotEnabled,
    CollateralBalanceZero,
    CollateralCannotBeLiquidated,
    CollateralCannotCoverNewBorrow,
    FlashLoanDisabled,
    HealthFactorNotBelowThreshold,
    HealthFactorTooLow,
    InconsistentEModeCategory,
    LtvValidationFailed,
    NoDebt,
    NoExplicitAmountToRepayOnBehalf,
    NotEnoughAvailableUserBalance,
    ReserveFrozen,
    ReserveInactive,
    ReservePaused,
    SpecifiedCurrencyNotBorrowed,
    SupplyCapExceeded,
    UnderlyingBalanceZero,
    UnknownEModeCategory,
)
from lending.sentinel import validate_borrow_allowed
from lending.types import AccountData, ReserveConfig, ReserveState, UserPosition

if TYPE_CHECKING:
    from lending.market import Market


def validate_flags(cfg: ReserveConfig, *, frozen: bool = False) -> None:
    """Active, not paused, and (when ``frozen`` matters) not frozen."""
    if not cfg.active:
        raise ReserveInactive(f"reserve {cfg.asset.key} is not active")
    if cfg.paused:
        raise ReservePaused(f"reserve {cfg.asset.key} is paused")
    if frozen and cfg.frozen:
        raise ReserveFrozen(f"reserve {cfg.asset.key} is frozen: no new supply or borrow")


def _nonzero(amount: int) -> None:
    if amount == 0:
        raise InvalidAmount("amount must be positive, got 0")


def validate_supply(cfg: ReserveConfig, rs: ReserveState, amount: int) -> None:
    """Amount, flags, then the supply cap on (supply + treasury accrual) at the new index."""
    _nonzero(amount)
    validate_flags(cfg, frozen=True)
    if cfg.supply_cap:
        after = ray_mul(rs.scaled_supply + rs.accrued_to_treasury, rs.liquidity_index) + amount
        if after > cfg.supply_cap * cfg.unit:
            raise SupplyCapExceeded(
                f"supplying {amount} takes {cfg.asset.key} to {after} wei, past its cap of "
                f"{cfg.supply_cap} tokens: supply at most {cfg.supply_cap * cfg.unit - after + amount}"
            )


def validate_withdraw(cfg: ReserveConfig, amount: int, balance: int) -> None:
    """Amount, the user's balance, flags."""
    _nonzero(amount)
    if amount > balance:
        raise NotEnoughAvailableUserBalance(
            f"cannot withdraw {amount} of {cfg.asset.key}: only {balance} is supplied"
        )
    validate_flags(cfg)


def validate_borrow(m: Market, cfg: ReserveConfig, rs: ReserveState, pos: UserPosition,
                    amount: int) -> AccountData:
    """Aave's ``validateBorrow`` order: amount, flags, borrowing enabled, the oracle sentinel
    (SequencerDown, GracePeriod), cap, eMode, then the account: fresh prices (StaleFeed, when
    the market sets a max age), collateral, LTV, HF > 1, collateral covering debt + amount at
    the LTV. Each feed is read once (the account's prices serve the new debt's too)."""
    _nonzero(amount)
    validate_flags(cfg, frozen=True)
    if not cfg.borrowing_enabled:
        raise BorrowingNotEnabled(f"{cfg.asset.key} cannot be borrowed in this market")
    mc = m.config()
    if mc.sequencer_feed is not None:
        validate_borrow_allowed(m)
    if cfg.borrow_cap:
        after = ray_mul(rs.scaled_debt, rs.variable_borrow_index) + amount
        if after > cfg.borrow_cap * cfg.unit:
            raise BorrowCapExceeded(
                f"borrowing {amount} takes {cfg.asset.key} debt to {after} wei, "
                f"past its cap of {cfg.borrow_cap} tokens"
            )
    if pos.emode and cfg.emode_category != pos.emode:
        raise InconsistentEModeCategory(
            f"{cfg.asset.key} is not in the user's efficiency-mode category {pos.emode}: leave it first"
        )
    if mc.max_age is not None:
        validate_prices_fresh(m, pos, cfg)
    prices: dict[int, int] = {}
    acct = account_data(m, pos, read=prices)
    collateral, debt, available, ltv, _, health_factor, _ = acct
    if collateral == 0:
        raise CollateralBalanceZero("the user has no enabled collateral: supply collateral first")
    if ltv == 0:
        raise LtvValidationFailed("the user's collateral has zero LTV: it gives no borrowing power")
    if health_factor <= WAD:
        raise HealthFactorTooLow(
            f"health factor {health_factor} (WAD) is not above 1: repay or add collateral"
        )
    view = m._view(cfg.id, cfg)
    price = prices.get(cfg.id)
    if price is None:
        price = view.price()
    needed = percent_div(debt + price * amount // view.unit, ltv)
    if needed > collateral:
        raise CollateralCannotCoverNewBorrow(
            f"debt + new borrow need {needed} base of collateral at LTV {ltv} bps; "
            f"the user has {collateral}: borrow less (at most {available} base)"
        )
    return acct


def validate_prices_fresh(m: Market, pos: UserPosition, cfg: ReserveConfig) -> None:
    """Every price a borrow of ``cfg``'s asset uses (that asset's, and those of the user's
    enabled collateral and debts) is at most the market's ``max_age`` seconds old; raises
    chain.StaleFeed naming the feed. No check when ``max_age`` is None (Aave's own oracle reads
    Chainlink's latest answer without one)."""
    max_age = m.config().max_age
    if max_age is None:
        return
    used = {cfg.id}
    used.update(i for i in range(len(pos.supplied)) if pos.supplied[i] and pos.uses_as_collateral(i))
    used.update(i for i, scaled in enumerate(pos.borrowed) if scaled)
    now = m.state.now
    for i in sorted(used):
        rcfg = m._rcfg(i)
        feed: Any = m.state.contract(rcfg.feed)
        try:
            reading = feed.latest()
            updated_at = reading.updated_at
        except (TypeError, ValueError, AttributeError, ArithmeticError):
            continue  # the price read itself raises InvalidAssetPrice
        require_fresh(reading, now, max_age, f"feed {rcfg.feed!r} pricing {rcfg.asset.key} (at t={updated_at})")


def validate_repay(cfg: ReserveConfig, amount: int, debt: int, on_behalf: bool) -> None:
    """Amount (explicit when repaying for another), flags, and some debt to repay."""
    _nonzero(amount)
    if on_behalf and amount == UINT256_MAX:
        raise NoExplicitAmountToRepayOnBehalf("repaying all of another user's debt needs an explicit amount")
    validate_flags(cfg)
    if debt == 0:
        raise NoDebt(f"the user owes no {cfg.asset.key}")


def validate_health_factor(m: Market, pos: UserPosition) -> AccountData:
    """HF >= 1 after the action (``validateHealthFactor``)."""
    acct = account_data(m, pos)
    if acct.health_factor < WAD:
        raise HealthFactorTooLow(
            f"the action would leave health factor {acct.health_factor} (WAD) below 1: repay first or do less"
        )
    return acct


def validate_hf_and_ltv(m: Market, pos: UserPosition, cfg: ReserveConfig) -> None:
    """``validateHFAndLtv``: HF >= 1, and no LTV-bearing collateral leaves while zero-LTV
    collateral is enabled."""
    acct = validate_health_factor(m, pos)
    if cfg.ltv and acct.has_zero_ltv_collateral:
        raise LtvValidationFailed("zero-LTV collateral is enabled: disable or withdraw it first")


def validate_set_collateral(cfg: ReserveConfig, balance: int) -> None:
    """The user holds some of the asset; flags."""
    if balance == 0:
        raise UnderlyingBalanceZero(f"the user has supplied no {cfg.asset.key}")
    validate_flags(cfg)


def can_be_collateral(cfg: ReserveConfig) -> bool:
    """``validateUseAsCollateral`` (v3.0.2, no isolation mode): a zero-LTV asset is never
    enabled automatically."""
    return cfg.ltv != 0


def validate_set_emode(m: Market, pos: UserPosition, category: int) -> None:
    """The category exists, and every asset the user borrows belongs to it."""
    if not category:
        return
    if m._emode(category) is None:
        raise UnknownEModeCategory(f"no efficiency-mode category {category}")
    for i, scaled in enumerate(pos.borrowed):
        if scaled and m._rcfg(i).emode_category != category:
            raise InconsistentEModeCategory(
                f"the user borrows {m._rcfg(i).asset.key}, outside category {category}: repay it first"
            )


def validate_liquidation(
    ccfg: ReserveConfig, dcfg: ReserveConfig, hf: int, pos: UserPosition, user_debt: int
) -> None:
    """Flags of both reserves, HF < 1, the collateral enabled, the debt owed."""
    validate_flags(ccfg)
    validate_flags(dcfg)
    if hf >= WAD:
        raise HealthFactorNotBelowThreshold(
            f"health factor {hf} (WAD) is not below 1: the position is healthy"
        )
    if not (ccfg.liquidation_threshold and pos.uses_as_collateral(ccfg.id) and pos.supplied_of(ccfg.id)):
        raise CollateralCannotBeLiquidated(f"the user does not use {ccfg.asset.key} as collateral")
    if user_debt == 0:
        raise SpecifiedCurrencyNotBorrowed(f"the user owes no {dcfg.asset.key}")


def validate_flash_loan(cfg: ReserveConfig, amount: int, cash: int) -> None:
    """Amount, flags, flash loans enabled, enough cash."""
    _nonzero(amount)
    validate_flags(cfg)
    if not cfg.flash_loan_enabled:
        raise FlashLoanDisabled(f"flash loans of {cfg.asset.key} are disabled")
    if amount > cash:
        raise NotEnoughAvailableUserBalance(f"the market holds {cash} of {cfg.asset.key}, less than {amount}")
