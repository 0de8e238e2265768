"""The error catalogue of the lending market (Aave V3 ``helpers/Errors.sol``, named).

Every leaf derives from :class:`LendingError` and mixes in :class:`chain.InputError` (the call
is malformed, nothing was written) or :class:`chain.Revert` (the state forbids it; the action's
snapshot is reverted). ``code`` is the Aave error name; the docstring says what to do.
Amount errors reuse :class:`chain.InvalidAmount`, missing tokens :class:`chain.UnknownToken`.
"""

from __future__ import annotations

from chain import InputError, LstlabError, Revert


class LendingError(LstlabError):
    """Base of every error raised by the lending market."""

    code = "LENDING"


# --- malformed calls -------------------------------------------------------------------


class ReserveNotListed(LendingError, InputError):
    """The token has no reserve in this market: list it with ``market.list_reserve`` first."""

    code = "ASSET_NOT_LISTED"


class ReserveAlreadyListed(LendingError, InputError):
    """The token already has a reserve in this market: configure it with ``set_param``."""

    code = "RESERVE_ALREADY_INITIALIZED"


class InvalidReserveParams(LendingError, InputError):
    """Reserve or category figures are inconsistent (LTV > threshold, bonus too large...)."""

    code = "INVALID_RESERVE_PARAMS"


class NoExplicitAmountToRepayOnBehalf(LendingError, InputError):
    """Repaying "all" of another user's debt needs an explicit amount: pass the amount."""

    code = "NO_EXPLICIT_AMOUNT_TO_REPAY_ON_BEHALF"


class UnknownEModeCategory(LendingError, InputError):
    """No efficiency-mode category with that id: add it with ``market.set_emode_category``."""

    code = "INCONSISTENT_EMODE_CATEGORY"


# --- reserve flags ---------------------------------------------------------------------


class ReserveInactive(LendingError, Revert):
    """The reserve is not active: governance must activate it."""

    code = "RESERVE_INACTIVE"


class ReservePaused(LendingError, Revert):
    """The reserve is paused: wait for governance to unpause it."""

    code = "RESERVE_PAUSED"


class ReserveFrozen(LendingError, Revert):
    """The reserve is frozen: no new supply or borrow until governance unfreezes it."""

    code = "RESERVE_FROZEN"


class BorrowingNotEnabled(LendingError, Revert):
    """The asset cannot be borrowed: pick a borrowable asset."""

    code = "BORROWING_NOT_ENABLED"


class FlashLoanDisabled(LendingError, Revert):
    """Flash loans of this asset are disabled."""

    code = "FLASHLOAN_DISABLED"


# --- caps, balances, health ------------------------------------------------------------


class SupplyCapExceeded(LendingError, Revert):
    """The supply would pass the reserve's supply cap: supply less."""

    code = "SUPPLY_CAP_EXCEEDED"


class BorrowCapExceeded(LendingError, Revert):
    """The borrow would pass the reserve's borrow cap: borrow less."""

    code = "BORROW_CAP_EXCEEDED"


class NotEnoughAvailableUserBalance(LendingError, Revert):
    """The user has supplied less than the amount: withdraw at most ``supplied(user, asset)``."""

    code = "NOT_ENOUGH_AVAILABLE_USER_BALANCE"


class InvalidMintAmount(LendingError, Revert):
    """The amount is worth zero scaled units at the current index: use a larger amount."""

    code = "INVALID_MINT_AMOUNT"


class InvalidBurnAmount(LendingError, Revert):
    """The amount is worth zero scaled units at the current index: use a larger amount."""

    code = "INVALID_BURN_AMOUNT"


class CollateralBalanceZero(LendingError, Revert):
    """The user has no collateral enabled: supply and enable collateral before borrowing."""

    code = "COLLATERAL_BALANCE_IS_ZERO"


class LtvValidationFailed(LendingError, Revert):
    """The collateral's LTV is zero (or zero-LTV collateral blocks the action): withdraw or
    disable the zero-LTV collateral first."""

    code = "LTV_VALIDATION_FAILED"


class HealthFactorTooLow(LendingError, Revert):
    """The action would leave (or starts from) a health factor below 1: add collateral or repay."""

    code = "HEALTH_FACTOR_LOWER_THAN_LIQUIDATION_THRESHOLD"


class CollateralCannotCoverNewBorrow(LendingError, Revert):
    """The collateral's borrowing power (LTV) does not cover the new debt: borrow less."""

    code = "COLLATERAL_CANNOT_COVER_NEW_BORROW"


class NoDebt(LendingError, Revert):
    """The user owes nothing in this asset: nothing to repay."""

    code = "NO_DEBT_OF_SELECTED_TYPE"


class UnderlyingBalanceZero(LendingError, Revert):
    """The user has supplied nothing of this asset: supply before toggling collateral."""

    code = "UNDERLYING_BALANCE_ZERO"


class InconsistentEModeCategory(LendingError, Revert):
    """The asset is outside the user's efficiency-mode category: leave the category first."""

    code = "INCONSISTENT_EMODE_CATEGORY"


# --- liquidation and flash loans ---------------------------------------------------------


class HealthFactorNotBelowThreshold(LendingError, Revert):
    """The position is healthy (HF >= 1): only positions below 1 can be liquidated."""

    code = "HEALTH_FACTOR_NOT_BELOW_THRESHOLD"


class CollateralCannotBeLiquidated(LendingError, Revert):
    """The user does not use that asset as collateral: pick one of the user's collaterals."""

    code = "COLLATERAL_CANNOT_BE_LIQUIDATED"


class SpecifiedCurrencyNotBorrowed(LendingError, Revert):
    """The user does not owe that asset: pick one of the user's debts."""

    code = "SPECIFIED_CURRENCY_NOT_BORROWED_BY_USER"


class MustNotLeaveDust(LendingError, Revert):
    """(v3.3 rules) The liquidation would leave less than the minimum leftover: cover all the
    debt, take all the collateral, or leave more of both."""

    code = "MUST_NOT_LEAVE_DUST"


class InvalidAssetPrice(LendingError, Revert):
    """A reserve's feed returned a price the market cannot use (zero, negative, not an int):
    the action reverts, as Aave's does (``AaveOracle.getAssetPrice`` takes only a positive
    answer and otherwise asks its fallback oracle; without one the call reverts). Fix the feed
    or point the reserve at another one with ``set_feed``."""

    code = "INVALID_ASSET_PRICE"


class FlashLoanNotRepaid(LendingError, Revert):
    """The receiver did not hold amount + premium after the callback: fund it in the callback."""

    code = "FLASHLOAN_NOT_REPAID"


# --- snapshots and the oracle sentinel ----------------------------------------------------


class PositionAlreadyOpen(LendingError, InputError):
    """The account already holds a position in this market: import a snapshot only into an
    account with no supply, debt, collateral flag or category here (use a fresh account)."""

    code = "POSITION_ALREADY_OPEN"


class NotUsableAsCollateral(LendingError, InputError):
    """The reserve has a zero liquidation threshold, so it cannot count as collateral: drop its
    collateral flag."""

    code = "COLLATERAL_NOT_USABLE"


class SequencerDown(LendingError, Revert):
    """The L2 sequencer is down (Aave ``PriceOracleSentinel``): borrowing waits until it is up
    and the grace period has passed; only positions below HF 0.95 can be liquidated."""

    code = "PRICE_ORACLE_SENTINEL_CHECK_FAILED"


class GracePeriod(LendingError, Revert):
    """The L2 sequencer came back up less than the grace period ago (Aave
    ``PriceOracleSentinel``): wait for the grace period to pass; meanwhile only positions below
    HF 0.95 can be liquidated."""

    code = "PRICE_ORACLE_SENTINEL_CHECK_FAILED"
