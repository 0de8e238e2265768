"""The errors of the bridge package.

Every leaf derives from :class:`BridgeError` and from one of chain's two branches:
``InputError`` (the call is malformed; nothing was written) or ``Revert`` (the bridge's state
forbids the call now). Codes are stable; the messages say what to do instead.
"""

from __future__ import annotations

from chain import InputError, LstlabError, Revert


class BridgeError(LstlabError):
    """Base of every error the bridge package raises on purpose."""

    code = "BRIDGE"


class UnknownMessage(BridgeError, InputError):
    """No message has that id on this bridge: pass an id returned by deposit/withdraw/push_rate."""

    code = "UNKNOWN_MESSAGE"


class UnknownDirection(BridgeError, InputError):
    """The direction is neither ``"deposit"`` nor ``"withdrawal"``: pass one of those."""

    code = "UNKNOWN_DIRECTION"


class InvalidRecipient(BridgeError, InputError):
    """The recipient is a side of the bridge itself: what it received would be lost or counted
    twice (Optimism's StandardBridge refuses to send to itself). Send to an account or another contract."""

    code = "INVALID_RECIPIENT"


class UnsupportedToken(BridgeError, InputError):
    """The token is known but is not the one this bridge carries: pass its canonical or wrapped token."""

    code = "UNSUPPORTED_TOKEN"


class BridgePaused(BridgeError, Revert):
    """That direction of the bridge is paused: wait until a guardian or governance unpauses it."""

    code = "BRIDGE_PAUSED"


class AlreadyPaused(BridgeError, Revert):
    """The direction is already paused: nothing to do."""

    code = "ALREADY_PAUSED"


class NotPaused(BridgeError, Revert):
    """The direction is not paused, so it cannot be unpaused: nothing to do."""

    code = "NOT_PAUSED"


class RateLimited(BridgeError, Revert):
    """The amount would take this window's volume past its limit: wait for the next window or send less."""

    code = "RATE_LIMITED"


class AmountBelowFee(BridgeError, Revert):
    """The amount does not exceed the bridge fee, so nothing would arrive: send more."""

    code = "AMOUNT_BELOW_FEE"


class NotYetDeliverable(BridgeError, Revert):
    """The message's latency has not elapsed: advance the clock to its ``deliverable_at`` first."""

    code = "NOT_YET_DELIVERABLE"


class AlreadyDelivered(BridgeError, Revert):
    """The message was delivered already; a message is delivered at most once."""

    code = "ALREADY_DELIVERED"


class MessageNotPending(BridgeError, Revert):
    """The message was dropped and cannot be delivered: ``retry`` it first."""

    code = "MESSAGE_NOT_PENDING"


class MessageNotDropped(BridgeError, Revert):
    """Only a dropped message can be retried; a pending one is still on its way: deliver it."""

    code = "MESSAGE_NOT_DROPPED"


class OutOfOrder(BridgeError, Revert):
    """Ordered delivery is on and an earlier message of that direction is pending: deliver it first."""

    code = "OUT_OF_ORDER"
