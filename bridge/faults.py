"""Fault injection for scenarios and auditors: lose, delay and re-send messages; mint without
backing (Wormhole, Nomad) or drain the escrow (Ronin).

A mixin of :class:`bridge.bridge.L1TokenBridge`: these are not calls a healthy bridge
offers, they are the ways real bridges failed, made expressible. Every fault is an event; a
dropped message is never silently lost (it stays in flight and ``retry`` re-posts it).

Each fault is a public action of the bridge (:func:`chain.external`): it runs in the
bridge's own frame, so the escrow moves from the bridge's code, never by impersonating it.
Anyone may inject a fault (these are scenario tools, not permissions of the real contract).
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

import attrs

from bridge.logic import delayed, due_time
from bridge.records import (
    DROPPED,
    PENDING,
    BackingBelowOne,
    EscrowDrained,
    Message,
    MessageDelayed,
    MessageDropped,
    MessageRetried,
    UnbackedMint,
)
from bridge.validation import validate_drop, validate_not_bridge, validate_party, validate_retry
from chain import atomic, check_amount, external

if TYPE_CHECKING:
    from bridge.records import Backing, Config, Totals
    from chain import Contract, Token

    _Base = Contract
else:
    _Base = object


class BridgeFaults(_Base):
    """The faults of a bridge (see the module docstring)."""

    if TYPE_CHECKING:  # what the faults use of the L1TokenBridge they are mixed into
        canonical: Token
        wrapped: Token
        destination: str
        l2_address: str

        def config(self) -> Config: ...

        def totals(self) -> Totals: ...

        def backing(self) -> Backing: ...

        def receiving(self, direction: str) -> str: ...

    @external
    def drop(self, message_id: int) -> Message:
        """Fault: lose a pending message. It stays in flight (its value is still owed) and is
        reported by MessageDropped; :meth:`retry` posts it again.

        Raises UnknownMessage, AlreadyDelivered, MessageNotPending.
        """
        message = validate_drop(self, message_id)
        message = message.with_status(DROPPED)
        self._store(("msg", message.id), message)
        self.state.emit(MessageDropped(self.address, message.id, message.direction, message.amount))
        return message

    @external
    def retry(self, message_id: int) -> Message:
        """Post a dropped message again, due after the direction's latency from now.

        Raises UnknownMessage, AlreadyDelivered, MessageNotDropped. Emits MessageRetried.
        """
        message = validate_retry(self, message_id)
        at, block = due_time(self.state, self.config(), message.direction, self.receiving(message.direction))
        message = attrs.evolve(
            message, status=PENDING, deliverable_at=at, deliverable_block=block, attempts=message.attempts + 1
        )
        self._store(("msg", message.id), message)
        self.state.emit(MessageRetried(self.address, message.id, message.attempts, at))
        return message

    @external
    def delay(self, message_id: int, seconds: int) -> Message:
        """Fault: a pending message arrives ``seconds`` later (block mode: ceil(seconds /
        block_time) blocks later). Raises UnknownMessage, AlreadyDelivered, MessageNotPending,
        InvalidAmount. Emits MessageDelayed."""
        check_amount(seconds, "seconds")
        message = validate_drop(self, message_id)
        message = delayed(self.state, message, seconds, self.receiving(message.direction))
        self._store(("msg", message.id), message)
        self.state.emit(MessageDelayed(self.address, message.id, message.deliverable_at))
        return message

    @external
    @atomic
    def exploit_mint(self, recipient: str, amount: int) -> None:
        """Fault (Wormhole, Nomad): mint ``amount`` wrapped wei to ``recipient`` with nothing
        locked. Emits Transfer, UnbackedMint, and BackingBelowOne if the ratio falls below 1.
        Raises InvalidAmount, UnknownAccount, WrongNetwork."""
        check_amount(amount, "amount", positive=True)
        validate_party(self.state, recipient, self.destination, "recipient")
        before = self.backing().ratio
        self.state.mint(self.wrapped, recipient, amount)
        totals = self.totals()
        self._store("totals", attrs.evolve(totals, unbacked_minted=totals.unbacked_minted + amount))
        self.state.emit(UnbackedMint(self.address, recipient, amount))
        self._watch_backing(before)

    @external
    @atomic
    def exploit_drain(self, recipient: str, amount: int) -> None:
        """Fault (Ronin): move ``amount`` canonical wei out of the escrow to ``recipient`` with
        nothing burned. Emits Transfer, EscrowDrained, and BackingBelowOne if the ratio falls
        below 1. Raises InvalidAmount, UnknownAccount, WrongNetwork, InvalidRecipient (the
        escrow itself: the books would count a drain that moved nothing), InsufficientBalance."""
        check_amount(amount, "amount", positive=True)
        validate_party(self.state, recipient, self.network, "recipient")
        validate_not_bridge(self, recipient)
        before = self.backing().ratio
        self.state.transfer(self.canonical, self.address, recipient, amount)
        totals = self.totals()
        self._store("totals", attrs.evolve(totals, drained=totals.drained + amount))
        self.state.emit(EscrowDrained(self.address, recipient, amount))
        self._watch_backing(before)

    def _watch_backing(self, before: Fraction) -> None:
        backing = self.backing()
        if before >= 1 > backing.ratio:
            self.state.emit(BackingBelowOne(self.address, backing.assets, backing.claims))
