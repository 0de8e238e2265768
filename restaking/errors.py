"""The errors of ``restaking``: a package base, leaves that mix in ``InputError`` (malformed
call, nothing written) or ``Revert`` (the state forbids it), each with a stable ``code`` (the
EigenLayer custom error where there is one) and a docstring that says what to do."""

from __future__ import annotations

from chain import InputError, LstlabError, Revert


class RestakingError(LstlabError):
    """Base of every error the restaking package raises on purpose."""

    code = "RESTAKING"


class UnknownStrategy(RestakingError, InputError):
    """No strategy at that address: pass one returned by ``add_strategy``."""

    code = "STRATEGY_NOT_WHITELISTED"


class StrategyExists(RestakingError, InputError):
    """The token has a strategy already (one per token, as ``StrategyFactory``): use it."""

    code = "STRATEGY_ALREADY_EXISTS"


class WrongToken(RestakingError, InputError):
    """The token is not a token of the restaking contracts' network: use one of that network."""

    code = "ONLY_UNDERLYING_TOKEN"


class NewSharesZero(RestakingError, Revert):
    """The deposit would credit zero shares (or zero pool units): deposit more."""

    code = "NEW_SHARES_ZERO"


class TotalSharesExceedsMax(RestakingError, Revert):
    """The strategy would pass 1e38 - 1 shares: deposit less."""

    code = "TOTAL_SHARES_EXCEEDS_MAX"


class InsufficientShares(RestakingError, Revert):
    """The staker holds fewer withdrawable shares than asked: ask for at most ``shares_of``."""

    code = "WITHDRAWAL_EXCEEDS_MAX"


class UnknownOperator(RestakingError, InputError):
    """The address is not a registered operator: register it with ``register_operator``."""

    code = "OPERATOR_NOT_REGISTERED"


class AlreadyOperator(RestakingError, Revert):
    """The address is already an operator (or delegated): an operator registers once."""

    code = "ACTIVELY_DELEGATED"


class ActivelyDelegated(RestakingError, Revert):
    """The staker is delegated already: undelegate first."""

    code = "ACTIVELY_DELEGATED"


class NotActivelyDelegated(RestakingError, Revert):
    """The staker is not delegated: delegate first."""

    code = "NOT_ACTIVELY_DELEGATED"


class OperatorsCannotUndelegate(RestakingError, Revert):
    """An operator is delegated to itself for good: queue withdrawals instead."""

    code = "OPERATORS_CANNOT_UNDELEGATE"


class FullySlashed(RestakingError, Revert):
    """The operator's stake in this strategy was slashed to zero: delegate to another operator."""

    code = "FULLY_SLASHED"


class UnknownWithdrawal(RestakingError, InputError):
    """No queued withdrawal has that id: pass an id returned by ``queue_withdrawal``."""

    code = "WITHDRAWAL_NOT_QUEUED"


class WithdrawalNotReady(RestakingError, Revert):
    """The withdrawal delay has not passed: wait until ``withdrawable_at(id)``."""

    code = "WITHDRAWAL_DELAY_NOT_PASSED"


class WithdrawalAlreadyCompleted(RestakingError, Revert):
    """The withdrawal was completed already: each withdrawal pays once."""

    code = "WITHDRAWAL_NOT_QUEUED"


class NotWithdrawer(RestakingError, Revert):
    """Only the staker who queued a withdrawal may complete it: complete from that staker."""

    code = "WITHDRAWER_NOT_CALLER"


class UnknownService(RestakingError, InputError):
    """No service has that id (or the AVS has none, or several and none was named): pass an id
    returned by ``create_service``."""

    code = "INVALID_OPERATOR_SET"


class InsufficientMagnitude(RestakingError, Revert):
    """The allocations would exceed the operator's max magnitude: allocate less."""

    code = "INSUFFICIENT_MAGNITUDE"


class ModificationAlreadyPending(RestakingError, Revert):
    """A deallocation of this allocation is pending: wait until it takes effect."""

    code = "MODIFICATION_ALREADY_PENDING"


class InvalidWadToSlash(RestakingError, InputError):
    """The fraction to slash must be an int in (0, 1e18]: pass a wad fraction."""

    code = "INVALID_WAD_TO_SLASH"


class NoRewardableStake(RestakingError, Revert):
    """No operator has stake allocated to the service in that strategy: nobody to reward."""

    code = "NO_REWARDABLE_STAKE"
