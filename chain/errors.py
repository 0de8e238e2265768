"""The one error hierarchy of lstlab.

Every error raised on purpose by lstlab derives from :class:`LstlabError`. Two branches
tell a caller what kind of failure it is:

- :class:`InputError`: the call itself is malformed (a negative amount, an unknown token, a
  token of another network). It is raised before anything is written.
- :class:`Revert`: the call is well formed but the state does not allow it (insufficient
  balance, a health factor too low). Inside ``state.tx(...)`` every write is undone.

Each leaf carries a stable ``code`` (like the short revert strings of the contracts) and a
message that says what was wrong and what to do. Protocol packages derive their own base
(``AmmError``, ``LendingError``...) from :class:`LstlabError` and mix in one of the branches.
"""

from __future__ import annotations


class LstlabError(Exception):
    """Root of every error lstlab raises on purpose."""

    code: str = "LSTLAB"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class InputError(LstlabError, ValueError):
    """The call is malformed; nothing was written."""

    code = "INPUT"


class Revert(LstlabError):
    """The state does not allow the call; a surrounding transaction reverts."""

    code = "REVERT"


# --- bad input -------------------------------------------------------------------------


class InvalidAmount(InputError):
    """An amount is not a non-negative int within uint256: pass ints in base units."""

    code = "INVALID_AMOUNT"


class InvalidArgument(InputError):
    """An argument has the wrong type or an impossible value."""

    code = "INVALID_ARGUMENT"


class UnknownNetwork(InputError):
    """The network was never added to this state: call ``state.add_network`` first."""

    code = "UNKNOWN_NETWORK"


class UnknownToken(InputError):
    """The token was never added to this state: call ``state.add_token`` first."""

    code = "UNKNOWN_TOKEN"


class UnknownAccount(InputError):
    """The address is neither an account nor a contract of this state."""

    code = "UNKNOWN_ACCOUNT"


class UnknownContract(InputError):
    """No contract is registered at that address."""

    code = "UNKNOWN_CONTRACT"


class DuplicateName(InputError):
    """A network, token, account or contract of that name already exists."""

    code = "DUPLICATE_NAME"


class WrongNetwork(InputError):
    """A token or contract of one network was used where another network is required."""

    code = "WRONG_NETWORK"


class InvalidSnapshot(InputError):
    """The snapshot was already reverted or committed, or belongs to another state."""

    code = "INVALID_SNAPSHOT"


class UnknownParameter(InputError):
    """The contract declares no governable parameter of that name."""

    code = "UNKNOWN_PARAMETER"


class ParameterOutOfBounds(InputError):
    """A governable parameter was set outside the bounds its contract declares."""

    code = "PARAMETER_OUT_OF_BOUNDS"


# --- reverts ---------------------------------------------------------------------------


class InsufficientBalance(Revert):
    """The sender holds less than the amount: lower the amount or fund the sender."""

    code = "INSUFFICIENT_BALANCE"


class InsufficientAllowance(Revert):
    """The spender's allowance is below the amount: approve more first."""

    code = "INSUFFICIENT_ALLOWANCE"


class Overflow(Revert):
    """A result exceeds the integer width the contract stores (uint256, uint112...)."""

    code = "OVERFLOW"


class DivisionByZero(Revert):
    """A fixed-point division by zero, which the contracts revert on."""

    code = "DIVISION_BY_ZERO"


class Unauthorized(Revert):
    """The sender may not call this: call it from the account that holds the role."""

    code = "UNAUTHORIZED"


class NotTheCaller(Unauthorized):
    """An acting party that is not the one calling (a contract's address used from outside its
    code, or another account than the transaction's sender): act from that party's own frame."""

    code = "NOT_THE_CALLER"


class StaleFeed(Revert):
    """A price feed's last update is older than the allowed age: update the feed."""

    code = "STALE_FEED"


class NoTransaction(Revert):
    """The operation needs an open transaction: wrap it in ``with state.tx(sender):``."""

    code = "NO_TRANSACTION"
