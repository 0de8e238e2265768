"""Every check of the bridge, one ``validate_<action>`` per action.

Each runs before the action writes anything and raises a typed error (see
:mod:`bridge.errors`); each returns what the action needs (the message, the fee, the new
rate-limit window), so the facade computes nothing twice. Input errors come first, then
the reverts that depend on the bridge's state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bridge.errors import (
    AlreadyDelivered,
    AlreadyPaused,
    AmountBelowFee,
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
from bridge.logic import fee_of, is_due, window_after
from bridge.records import DELIVERED, DEPOSIT, DIRECTIONS, DROPPED, PENDING, TOKENS, Message, Window
from chain import Contract, InsufficientBalance, State, Token, Unauthorized, WrongNetwork, check_amount

if TYPE_CHECKING:
    from bridge.bridge import L1TokenBridge
    from bridge.faults import BridgeFaults


def validate_direction(direction: str) -> str:
    """Return ``direction`` if it is ``"deposit"`` or ``"withdrawal"``; else UnknownDirection."""
    if direction not in DIRECTIONS:
        raise UnknownDirection(f"direction must be one of {DIRECTIONS}, got {direction!r}")
    return direction


def validate_party(state: State, address: str, network: str, what: str) -> str:
    """``address`` if it is an account, or a contract of ``network``.

    Raises UnknownAccount, or WrongNetwork for a contract that lives on another network.
    """
    state.require_address(address)
    if not state.is_account(address):
        home = state.contract(address).network
        if home != network:
            raise WrongNetwork(
                f"{what} {address!r} is a contract of {home!r}, not of {network!r}: use one of {network!r}"
            )
    return address


def validate_not_bridge(bridge: BridgeFaults, recipient: str) -> str:
    """``recipient`` unless it is either side of ``bridge`` (InvalidRecipient): wrapped tokens
    minted to the L2 side could never leave it, and canonical tokens released or drained into
    the escrow would stay there while the books count them out."""
    if recipient in (bridge.address, bridge.l2_address):
        raise InvalidRecipient(
            f"recipient {recipient!r} is a side of bridge {bridge.address!r}: send to an account or another contract"
        )
    return recipient


def validate_token(state: State, token: Any, expected: Token) -> None:
    """Raise unless ``token`` is ``expected`` (UnknownToken, WrongNetwork, UnsupportedToken)."""
    state.require_token(token, expected.network)
    if token != expected:
        raise UnsupportedToken(f"this bridge carries {expected.key}, not {token.key}: pass {expected.key}")


def validate_send(
    bridge: L1TokenBridge, direction: str, sender: Any, amount: Any, recipient: Any, token: Any
) -> tuple[int, Window]:
    """Checks of ``deposit`` (direction DEPOSIT) and ``withdraw`` (WITHDRAWAL).

    Returns ``(fee, window)``: the fee in wei and the rate-limit window after this send.
    Raises InvalidAmount, UnknownToken, WrongNetwork, UnsupportedToken, UnknownAccount,
    BridgePaused, AmountBelowFee, RateLimited, InsufficientBalance.
    """
    state = bridge.state
    spent = bridge.canonical if direction == DEPOSIT else bridge.wrapped
    home, away = (
        (bridge.network, bridge.destination) if direction == DEPOSIT else (bridge.destination, bridge.network)
    )
    if token is not None:
        validate_token(state, token, spent)
    check_amount(amount, "amount", positive=True)
    validate_party(state, sender, home, "sender")
    validate_party(state, recipient, away, "recipient")
    validate_not_bridge(bridge, recipient)
    config = bridge.config()
    if config.paused(direction):
        raise BridgePaused(f"{direction}s through {bridge.address} are paused: wait for unpause")
    fee = fee_of(config, amount)
    if amount <= fee:
        raise AmountBelowFee(f"{amount} wei does not exceed the fee of {fee} wei: send more than {fee}")
    window = window_after(config, bridge._load(("window", direction), None), state.now, amount)
    limit = config.limit(direction)
    if window.used > limit:
        raise RateLimited(
            f"{direction}s of {amount} wei would make {window.used} wei this window, over the limit of "
            f"{limit}: send at most {limit - window.used + amount} or wait for the next window"
        )
    balance = state.balance_of(spent, sender)
    if balance < amount:
        raise InsufficientBalance(f"{sender} holds {balance} of {spent.key} and cannot send {amount}")
    return fee, window


def validate_message(bridge: Contract, message_id: Any) -> Message:
    """The message with that id; UnknownMessage if there is none."""
    message: Message | None = bridge._load(("msg", message_id), None) if type(message_id) is int else None
    if message is None:
        raise UnknownMessage(f"no message {message_id!r} on bridge {bridge.address}")
    return message


def _require_pending(message: Message) -> None:
    if message.status == DELIVERED:
        raise AlreadyDelivered(f"message {message.id} was delivered already; it cannot arrive twice")
    if message.status != PENDING:
        raise MessageNotPending(f"message {message.id} is {message.status}: retry it first")


def validate_deliver(bridge: L1TokenBridge, message_id: Any) -> Message:
    """Checks of ``deliver``: known, pending, not paused, due, in order when ordering is on.

    Raises UnknownMessage, AlreadyDelivered, MessageNotPending, BridgePaused,
    NotYetDeliverable, OutOfOrder, InsufficientBalance (an escrow drained below a release).
    """
    message = validate_message(bridge, message_id)
    _require_pending(message)
    config = bridge.config()
    if message.kind == TOKENS and config.paused(message.direction):
        raise BridgePaused(f"{message.direction}s through {bridge.address} are paused: wait for unpause")
    if not is_due(bridge.state, message, bridge.receiving(message.direction)):
        raise NotYetDeliverable(
            f"message {message.id} is due at {message.deliverable_at}"
            + (f" (block {message.deliverable_block})" if message.deliverable_block is not None else "")
            + f", it is {bridge.state.now}: advance the clock"
        )
    if config.ordered_delivery:
        for other in range(bridge.totals().first_open, message.id):
            earlier = bridge._load(("msg", other))
            if earlier.direction == message.direction and earlier.status == PENDING:
                raise OutOfOrder(
                    f"message {other} of the same direction is pending: deliver it before {message.id}"
                )
    if message.kind == TOKENS and message.direction != DEPOSIT:
        escrow = bridge.escrow()
        if escrow < message.amount:
            raise InsufficientBalance(f"the escrow holds {escrow} and cannot release {message.amount}")
    return message


def validate_drop(bridge: Contract, message_id: Any) -> Message:
    """Checks of ``drop`` and ``delay``: the message is known and pending."""
    message = validate_message(bridge, message_id)
    _require_pending(message)
    return message


def validate_retry(bridge: Contract, message_id: Any) -> Message:
    """Checks of ``retry``: the message is known and was dropped (AlreadyDelivered, MessageNotDropped)."""
    message = validate_message(bridge, message_id)
    if message.status == DELIVERED:
        raise AlreadyDelivered(f"message {message.id} was delivered already; nothing to retry")
    if message.status != DROPPED:
        raise MessageNotDropped(f"message {message.id} is {message.status}, not dropped: deliver it instead")
    return message


def validate_pause(bridge: L1TokenBridge, direction: str, caller: Any, pausing: bool) -> str:
    """Checks of ``pause`` / ``unpause``: a known direction, the guardian or the parameter
    admin (anyone while the bridge has no admin), and a change (AlreadyPaused, NotPaused).

    ``caller`` is the acting party the chain vouched for (:meth:`chain.Contract.acting`)."""
    validate_direction(direction)
    admin = bridge.param_admin()
    if admin is not None and caller != admin and (bridge.guardian is None or caller != bridge.guardian):
        raise Unauthorized(
            f"{caller!r} may not pause or unpause {bridge.address}: only the guardian "
            f"{bridge.guardian!r} or the admin {admin!r} may"
        )
    paused = bridge.config().paused(direction)
    if pausing and paused:
        raise AlreadyPaused(f"{direction}s through {bridge.address} are already paused")
    if not pausing and not paused:
        raise NotPaused(f"{direction}s through {bridge.address} are not paused")
    return direction
