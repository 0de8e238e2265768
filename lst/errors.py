"""The errors of ``lst``: one package base, leaves that mix in ``InputError`` (malformed call,
nothing written) or ``Revert`` (the state forbids it). Each leaf has a stable ``code`` and a
docstring that says what to do. Chain's own leaves (InvalidAmount, Unauthorized,
InsufficientBalance...) are reused where they fit."""

from __future__ import annotations

from chain import InputError, LstlabError, Revert


class LstError(LstlabError):
    """Base of every error the liquid staking package raises on purpose."""

    code = "LST"


class ZeroDeposit(LstError, InputError):
    """A submit, wrap or unwrap of zero: pass a positive amount."""

    code = "ZERO_DEPOSIT"


class StakingPaused(LstError, Revert):
    """The issuer is paused by governance: wait for ``paused`` to be set back to 0."""

    code = "STAKING_PAUSED"


class StakeLimitExceeded(LstError, Revert):
    """The submit would take total pooled native past ``stake_limit``: submit less."""

    code = "STAKE_LIMIT"


class RequestTooSmall(LstError, InputError):
    """A withdrawal request below the minimum (100 wei on Lido): request more."""

    code = "REQUEST_AMOUNT_TOO_SMALL"


class RequestTooLarge(LstError, InputError):
    """A withdrawal request above the maximum (1000 stETH on Lido): split it."""

    code = "REQUEST_AMOUNT_TOO_LARGE"


class UnknownRequest(LstError, InputError):
    """No withdrawal request has that id: pass an id returned by ``request_withdrawal``."""

    code = "INVALID_REQUEST_ID"


class RequestNotFinalized(LstError, Revert):
    """The request is not finalized yet: wait for a report that finalizes it."""

    code = "REQUEST_NOT_FOUND_OR_NOT_FINALIZED"


class RequestAlreadyClaimed(LstError, Revert):
    """The request was already claimed: each request pays once."""

    code = "REQUEST_ALREADY_CLAIMED"


class NotRequestOwner(LstError, Revert):
    """Only the owner of a request may claim it: claim from the owner's account."""

    code = "NOT_OWNER"


class UnknownOperator(LstError, InputError):
    """No node operator has that id: pass an id returned by ``add_operator``."""

    code = "UNKNOWN_OPERATOR"


class NoOperators(LstError, Revert):
    """Validators need node operators: add one with ``add_operator`` first."""

    code = "NO_OPERATORS"


class InsufficientBuffer(LstError, Revert):
    """The buffer cannot fund that many validators: deposit fewer or wait for submits."""

    code = "INSUFFICIENT_BUFFER"


class ReportOutOfBounds(LstError, InputError):
    """An oracle report outside the sanity bounds (CL increase per year, one-off decrease,
    validator counts): check the report, or change the bound through governance."""

    code = "REPORT_OUT_OF_BOUNDS"


class InsufficientLiquidity(LstError, Revert):
    """The unstake pool holds less native than the payout: unstake less or add liquidity."""

    code = "INSUFFICIENT_LIQUIDITY"


class SlippageExceeded(LstError, Revert):
    """The payout is below the caller's minimum: lower the minimum or retry later."""

    code = "SLIPPAGE"


class WrongToken(LstError, InputError):
    """The native token is not a token of the issuer's network, or an LST symbol is taken."""

    code = "WRONG_TOKEN"
