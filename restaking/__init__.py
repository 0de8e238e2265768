"""restaking: EigenLayer-style restaking (slashing release v1.3.0 of
``Layr-Labs/eigenlayer-contracts``): strategies holding LSTs (or a native-token stand-in for
native restaking) against shares, operators and delegation, queued withdrawals with the
protocol's delay, services (AVS operator sets) with allocations of magnitude, slashing
socialised over an operator's delegators, and service rewards. Imports ``chain`` only.

Deploy the core with :meth:`StrategyManager.deploy`; reach the other two contracts as
``manager.delegation`` and ``manager.allocation``.
"""

from restaking.allocation import AllocationManager
from restaking.delegation import DelegationManager
from restaking.errors import (
    ActivelyDelegated,
    AlreadyOperator,
    FullySlashed,
    InsufficientMagnitude,
    InsufficientShares,
    InvalidWadToSlash,
    ModificationAlreadyPending,
    NewSharesZero,
    NoRewardableStake,
    NotActivelyDelegated,
    NotWithdrawer,
    OperatorsCannotUndelegate,
    RestakingError,
    StrategyExists,
    TotalSharesExceedsMax,
    UnknownOperator,
    UnknownService,
    UnknownStrategy,
    UnknownWithdrawal,
    WithdrawalAlreadyCompleted,
    WithdrawalNotReady,
    WrongToken,
)
from restaking.events import (
    AllocationUpdated,
    Deposit,
    OperatorRegistered,
    OperatorSlashed,
    RewardsSubmitted,
    ServiceCreated,
    StakerDelegated,
    StakerUndelegated,
    StrategyAdded,
    WithdrawalCompleted,
    WithdrawalQueued,
)
from restaking.manager import StrategyManager
from restaking.params import (
    BALANCE_OFFSET,
    BURN_ADDRESS,
    DEALLOCATION_DELAY,
    OPERATOR_SPLIT_BPS,
    SHARES_OFFSET,
    WITHDRAWAL_DELAY,
)
from restaking.records import Allocation, Pool, Service, Withdrawal
from restaking.strategy import Strategy

__all__ = [
    "BALANCE_OFFSET", "BURN_ADDRESS", "DEALLOCATION_DELAY", "OPERATOR_SPLIT_BPS", "SHARES_OFFSET",
    "WITHDRAWAL_DELAY", "ActivelyDelegated", "Allocation", "AllocationManager", "AllocationUpdated",
    "AlreadyOperator", "DelegationManager", "Deposit", "FullySlashed", "InsufficientMagnitude",
    "InsufficientShares", "InvalidWadToSlash", "ModificationAlreadyPending", "NewSharesZero",
    "NoRewardableStake", "NotActivelyDelegated", "NotWithdrawer", "OperatorRegistered", "OperatorSlashed",
    "OperatorsCannotUndelegate", "Pool", "RestakingError", "RewardsSubmitted", "Service", "ServiceCreated",
    "StakerDelegated", "StakerUndelegated", "Strategy", "StrategyAdded", "StrategyExists", "StrategyManager",
    "TotalSharesExceedsMax", "UnknownOperator", "UnknownService", "UnknownStrategy", "UnknownWithdrawal",
    "Withdrawal", "WithdrawalAlreadyCompleted", "WithdrawalCompleted", "WithdrawalNotReady",
    "WithdrawalQueued", "WrongToken",
]
