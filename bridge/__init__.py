"""bridge: a lock-and-mint bridge between two networks of one chain state.

:class:`L1TokenBridge` (source side: escrow, messages, parameters, the public API) and
:class:`L2TokenBridge` (destination side: owns the wrapped token) are deployed together by
``L1TokenBridge.deploy``. Messages have a latency in seconds or blocks, fees, rate limits per
window and direction, pauses; a :class:`RelayedRateFeed` carries a source feed's value to the
destination as stale as the latency; faults (drop, delay, reorder, unbacked mint, escrow
drain) and :class:`Backing` let scenarios and auditors break and watch the backing.

Example::

    bridge = L1TokenBridge.deploy(state, "bridge", "ethereum", canonical=wsteth,
                                  destination="optimism", l2_address="bridge-l2",
                                  fee_recipient="treasury", deposit_latency=600)
    mid = bridge.deposit("alice", 10**18)
    state.advance(600)
    bridge.relay()          # mints 10**18 wrapped wstETH on optimism to alice
"""

from bridge.bridge import PARAM_SPECS, L1TokenBridge, L2TokenBridge
from bridge.errors import (
    AlreadyDelivered,
    AlreadyPaused,
    AmountBelowFee,
    BridgeError,
    BridgePaused,
    InvalidRecipient,
    MessageNotDropped,
    MessageNotPending,
    NotPaused,
    NotYetDeliverable,
    OutOfOrder,
    RateLimited,
    UnknownDirection,
    UnknownMessage,
    UnsupportedToken,
)
from bridge.logic import fee_of
from bridge.rate import RateRelayed, RateUpdateIgnored, RelayedAnswer, RelayedRateFeed
from bridge.records import (
    DELIVERED,
    DEPOSIT,
    DROPPED,
    PENDING,
    RATE,
    TOKENS,
    WITHDRAWAL,
    Backing,
    BackingBelowOne,
    Config,
    DirectionPaused,
    DirectionUnpaused,
    EscrowDrained,
    Message,
    MessageDelayed,
    MessageDelivered,
    MessageDropped,
    MessageRetried,
    MessageSent,
    Totals,
    UnbackedMint,
    Window,
)

__all__ = [
    "DELIVERED",
    "DEPOSIT",
    "DROPPED",
    "PARAM_SPECS",
    "PENDING",
    "RATE",
    "TOKENS",
    "WITHDRAWAL",
    "AlreadyDelivered",
    "AlreadyPaused",
    "AmountBelowFee",
    "Backing",
    "BackingBelowOne",
    "BridgeError",
    "BridgePaused",
    "Config",
    "DirectionPaused",
    "DirectionUnpaused",
    "EscrowDrained",
    "InvalidRecipient",
    "L1TokenBridge",
    "L2TokenBridge",
    "Message",
    "MessageDelayed",
    "MessageDelivered",
    "MessageDropped",
    "MessageNotDropped",
    "MessageNotPending",
    "MessageRetried",
    "MessageSent",
    "NotPaused",
    "NotYetDeliverable",
    "OutOfOrder",
    "RateLimited",
    "RateRelayed",
    "RateUpdateIgnored",
    "RelayedAnswer",
    "RelayedRateFeed",
    "Totals",
    "UnbackedMint",
    "UnknownDirection",
    "UnknownMessage",
    "UnsupportedToken",
    "Window",
    "fee_of",
]
