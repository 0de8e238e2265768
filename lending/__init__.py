"""lending: an Aave V3-style overcollateralised market on the chain state.

Reserves of chain ledger tokens with scaled aToken and debt balances, a kinked rate strategy,
ray indexes with Aave v3.0.2's interest math and rounding, health factors, liquidations with
close factor, bonus and protocol fee (Aave v2, v3.0.2 or v3.3 rules per market, close factor
and its thresholds as parameters), efficiency-mode categories, flash loans, prices from any
chain ``Feed`` with an optional staleness limit and L2 sequencer sentinel, snapshot import of
positions, presets of Aave v2 and v3 Ethereum as deployed at a date, governable risk
parameters, and a vectorised risk view.

    m = Market.deploy(state, "aave", "ethereum", treasury="treasury")
    m.list_reserve(weth, "weth-usd", presets.WETH_STRATEGY, **presets.WETH)
    m.supply("alice", weth, 10**18); m.borrow("alice", usdc, 1000 * 10**6)
    m.account_data("alice").health_factor
"""

from lending import presets
from lending.account import account_data
from lending.errors import (
    BorrowCapExceeded,
    BorrowingNotEnabled,
    CollateralBalanceZero,
    CollateralCannotBeLiquidated,
    CollateralCannotCoverNewBorrow,
    FlashLoanDisabled,
    FlashLoanNotRepaid,
    GracePeriod,
    HealthFactorNotBelowThreshold,
    HealthFactorTooLow,
    InconsistentEModeCategory,
    InvalidAssetPrice,
    InvalidBurnAmount,
    InvalidMintAmount,
    InvalidReserveParams,
    LendingError,
    LtvValidationFailed,
    MustNotLeaveDust,
    NoDebt,
    NoExplicitAmountToRepayOnBehalf,
    NotEnoughAvailableUserBalance,
    NotUsableAsCollateral,
    PositionAlreadyOpen,
    ReserveAlreadyListed,
    ReserveFrozen,
    ReserveInactive,
    ReserveNotListed,
    ReservePaused,
    SequencerDown,
    SpecifiedCurrencyNotBorrowed,
    SupplyCapExceeded,
    UnderlyingBalanceZero,
    UnknownEModeCategory,
)
from lending.events import (
    BadDebtRecorded,
    Borrow,
    CollateralSet,
    DeficitCreated,
    FeedSet,
    FlashLoan,
    LiquidationCall,
    MintedToTreasury,
    OraclePolicySet,
    PositionImported,
    Repay,
    ReserveListed,
    Supply,
    UserEModeSet,
    Withdraw,
)
from lending.logic.liquidation import Seizure, collateral_to_seize
from lending.market import Market
from lending.math import SECONDS_PER_YEAR, compounded_interest, linear_interest
from lending.presets import PRESETS
from lending.rates import Rates, RateStrategy, calculate_interest_rates
from lending.risk import (
    LoopForm,
    health_factors,
    health_factors_exact,
    liquidatable,
    liquidation_price,
    liquidation_ratio,
    loop_closed_form,
    max_leverage,
)
from lending.sentinel import SequencerOracle
from lending.types import (
    LIQUIDATION_RULES,
    AccountData,
    EModeCategory,
    MarketConfig,
    ReserveConfig,
    ReserveState,
    UserPosition,
)

__all__ = [
    "LIQUIDATION_RULES",
    "PRESETS",
    "SECONDS_PER_YEAR",
    "AccountData",
    "BadDebtRecorded",
    "Borrow",
    "BorrowCapExceeded",
    "BorrowingNotEnabled",
    "CollateralBalanceZero",
    "CollateralCannotBeLiquidated",
    "CollateralCannotCoverNewBorrow",
    "CollateralSet",
    "DeficitCreated",
    "EModeCategory",
    "FeedSet",
    "FlashLoan",
    "FlashLoanDisabled",
    "FlashLoanNotRepaid",
    "GracePeriod",
    "HealthFactorNotBelowThreshold",
    "HealthFactorTooLow",
    "InconsistentEModeCategory",
    "InvalidAssetPrice",
    "InvalidBurnAmount",
    "InvalidMintAmount",
    "InvalidReserveParams",
    "LendingError",
    "LiquidationCall",
    "LoopForm",
    "LtvValidationFailed",
    "Market",
    "MarketConfig",
    "MintedToTreasury",
    "MustNotLeaveDust",
    "NoDebt",
    "NoExplicitAmountToRepayOnBehalf",
    "NotEnoughAvailableUserBalance",
    "NotUsableAsCollateral",
    "OraclePolicySet",
    "PositionAlreadyOpen",
    "PositionImported",
    "RateStrategy",
    "Rates",
    "Repay",
    "ReserveAlreadyListed",
    "ReserveConfig",
    "ReserveFrozen",
    "ReserveInactive",
    "ReserveListed",
    "ReserveNotListed",
    "ReservePaused",
    "ReserveState",
    "Seizure",
    "SequencerDown",
    "SequencerOracle",
    "SpecifiedCurrencyNotBorrowed",
    "Supply",
    "SupplyCapExceeded",
    "UnderlyingBalanceZero",
    "UnknownEModeCategory",
    "UserEModeSet",
    "UserPosition",
    "Withdraw",
    "account_data",
    "calculate_interest_rates",
    "collateral_to_seize",
    "compounded_interest",
    "health_factors",
    "health_factors_exact",
    "linear_interest",
    "liquidatable",
    "liquidation_price",
    "liquidation_ratio",
    "loop_closed_form",
    "max_leverage",
    "presets",
]
