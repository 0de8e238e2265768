"""The bridge's state as frozen records, and its events.

Everything mutable lives in these records, stored in the state's journaled store under the
source-side contract's address, so a failed transaction reverts a message with the tokens it
moved and a fork carries every message in flight.

Units: amounts are base units (wei) of the canonical token, which the wrapped token mirrors
1:1; times are Unix seconds; blocks are block numbers of the network that receives.
"""

from __future__ import annotations

from fractions import Fraction

import attrs

from chain import WAD, Event
from chain.fixedpoint import UINT256_MAX

DEPOSIT = "deposit"
"""Direction source -> destination: lock the canonical token, mint the wrapped one."""

WITHDRAWAL = "withdrawal"
"""Direction destination -> source: burn the wrapped token, release the canonical one."""

DIRECTIONS = (DEPOSIT, WITHDRAWAL)

TOKENS = "tokens"
"""Message kind that carries an amount of the bridged token."""

RATE = "rate"
"""Message kind that carries a value read from a source-side feed (an exchange rate)."""

PENDING = "pending"
DELIVERED = "delivered"
DROPPED = "dropped"


@attrs.frozen
class Config:
    """The governable parameters (see ``PARAM_SPECS``); one record, replaced whole."""

    fee_fixed: int = 0
    fee_bps: int = 0
    deposit_limit_per_window: int = UINT256_MAX
    withdrawal_limit_per_window: int = UINT256_MAX
    rate_limit_window: int = 86_400
    deposit_latency: int = 0
    deposit_latency_blocks: int = 0
    withdrawal_delay: int = 0
    withdrawal_delay_blocks: int = 0
    paused_deposits: int = 0
    paused_withdrawals: int = 0
    ordered_delivery: int = 0

    def limit(self, direction: str) -> int:
        """The volume allowed per window in ``direction`` (wei, gross of fees)."""
        return self.deposit_limit_per_window if direction == DEPOSIT else self.withdrawal_limit_per_window

    def paused(self, direction: str) -> bool:
        return bool(self.paused_deposits if direction == DEPOSIT else self.paused_withdrawals)

    def latency(self, direction: str) -> tuple[int, int]:
        """``(seconds, blocks)`` a message of ``direction`` waits; blocks win when non-zero."""
        if direction == DEPOSIT:
            return self.deposit_latency, self.deposit_latency_blocks
        return self.withdrawal_delay, self.withdrawal_delay_blocks


@attrs.frozen
class Message:
    """One cross-chain message.

    ``kind`` TOKENS: ``amount`` wei arrive at ``recipient`` (``fee`` wei were kept at the
    start). ``kind`` RATE: ``amount`` is the relayed answer, ``recipient`` the destination
    feed, ``sent_at`` the time the source was read. The message is due when the receiving
    network reaches ``deliverable_block`` (block mode) or else at ``deliverable_at``.
    """

    id: int
    kind: str
    direction: str
    sender: str
    recipient: str
    amount: int
    fee: int
    sent_at: int
    deliverable_at: int
    deliverable_block: int | None
    status: str = PENDING
    attempts: int = 1

    def with_status(self, status: str) -> Message:
        """This message with another status (a plain constructor call: on the hot path)."""
        return Message(
            self.id,
            self.kind,
            self.direction,
            self.sender,
            self.recipient,
            self.amount,
            self.fee,
            self.sent_at,
            self.deliverable_at,
            self.deliverable_block,
            status,
            self.attempts,
        )


@attrs.frozen
class Totals:
    """Running totals (wei): the next message id, value in flight each way, the faults, and
    ``first_open``: every message id below it is delivered (where pending ones are looked up)."""

    next_id: int = 1
    in_flight_deposits: int = 0
    in_flight_withdrawals: int = 0
    unbacked_minted: int = 0
    drained: int = 0
    first_open: int = 1

    def moved(self, direction: str, amount: int, next_id: int, first_open: int) -> Totals:
        """Totals with ``amount`` wei more in flight in ``direction`` (negative: arrived), and
        the given ``next_id`` and ``first_open`` (a plain constructor call: on the hot path)."""
        deposits, withdrawals = self.in_flight_deposits, self.in_flight_withdrawals
        if direction == DEPOSIT:
            deposits += amount
        else:
            withdrawals += amount
        return Totals(next_id, deposits, withdrawals, self.unbacked_minted, self.drained, first_open)


@attrs.frozen
class Window:
    """Volume (wei, gross) sent in one direction during rate-limit window number ``index``."""

    index: int
    used: int


@attrs.frozen
class Backing:
    """What backs the wrapped token, all in wei.

    ``assets`` = escrow - in-flight withdrawals (the escrow not already owed to the source);
    ``claims`` = wrapped supply + in-flight deposits (what the escrow must cover). Without a
    fault they are equal; an unbacked mint of x raises ``claims`` by x, a drain of x lowers
    ``assets`` by x.
    """

    escrow: int
    wrapped_supply: int
    in_flight_deposits: int
    in_flight_withdrawals: int

    @property
    def assets(self) -> int:
        return self.escrow - self.in_flight_withdrawals

    @property
    def claims(self) -> int:
        return self.wrapped_supply + self.in_flight_deposits

    @property
    def shortfall(self) -> int:
        """``claims - assets`` when positive, else 0 (wei)."""
        return max(self.claims - self.assets, 0)

    @property
    def ratio(self) -> Fraction:
        """``assets / claims`` exactly (1 when nothing is claimed; assets below 0 count as 0)."""
        if self.claims == 0:
            return Fraction(1)
        return Fraction(max(self.assets, 0), self.claims)

    @property
    def ratio_wad(self) -> int:
        """The ratio in WAD, rounded down (so a shortfall of 1 wei shows below 1e18)."""
        if self.claims == 0:
            return WAD
        return max(self.assets, 0) * WAD // self.claims


# --- events ------------------------------------------------------------------------------


class MessageSent(Event):
    """A message was posted: tokens locked or burned (net ``amount``, ``fee`` kept) or a rate read."""

    bridge: str
    message_id: int
    kind: str
    direction: str
    sender: str
    recipient: str
    amount: int
    fee: int
    deliverable_at: int


class MessageDelivered(Event):
    """A message arrived: the wrapped token minted, the canonical one released, or a rate set."""

    bridge: str
    message_id: int
    kind: str
    direction: str
    recipient: str
    amount: int


class MessageDropped(Event):
    """A message was lost on the way; it stays in flight and ``retry`` posts it again."""

    bridge: str
    message_id: int
    direction: str
    amount: int


class MessageRetried(Event):
    """A dropped message was posted again and is due at ``deliverable_at``."""

    bridge: str
    message_id: int
    attempts: int
    deliverable_at: int


class MessageDelayed(Event):
    """A pending message's due time was pushed back to ``deliverable_at``."""

    bridge: str
    message_id: int
    deliverable_at: int


class DirectionPaused(Event):
    """``direction`` of ``bridge`` was paused by ``by``."""

    bridge: str
    direction: str
    by: str | None


class DirectionUnpaused(Event):
    """``direction`` of ``bridge`` was unpaused by ``by``."""

    bridge: str
    direction: str
    by: str | None


class UnbackedMint(Event):
    """``amount`` wei of the wrapped token were minted with nothing locked (an exploit)."""

    bridge: str
    recipient: str
    amount: int


class EscrowDrained(Event):
    """``amount`` wei left the escrow with nothing burned (an exploit)."""

    bridge: str
    recipient: str
    amount: int


class BackingBelowOne(Event):
    """The backing ratio ``assets / claims`` fell below 1 (wei)."""

    bridge: str
    assets: int
    claims: int
