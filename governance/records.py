"""Frozen state records of governance/ (stored in the chain's journaled store) and the
action value a proposal carries. Amounts are votes in the votes token's base units (wei);
blocks are block numbers of the governor's network; times are Unix seconds."""

from __future__ import annotations

import enum

import attrs


class Support(enum.IntEnum):
    """A vote's direction, numbered as Governor Bravo and OpenZeppelin's counting module."""

    AGAINST = 0
    FOR = 1
    ABSTAIN = 2


class ProposalState(enum.Enum):
    """The states of OpenZeppelin's ``IGovernor.ProposalState`` and Bravo's ``ProposalState``."""

    PENDING = "pending"
    ACTIVE = "active"
    CANCELED = "canceled"
    DEFEATED = "defeated"
    SUCCEEDED = "succeeded"
    QUEUED = "queued"
    EXPIRED = "expired"
    EXECUTED = "executed"


@attrs.frozen
class Checkpoint:
    """A value (votes, wei) that holds from ``block`` on, until the next checkpoint."""

    block: int
    value: int


@attrs.frozen
class Count:
    """How many checkpoints a history has (their records are keyed by index)."""

    n: int


@attrs.frozen
class Delegation:
    """Whom an account delegates its voting units to (None: nobody, so no power)."""

    delegatee: str | None


@attrs.frozen
class Action:
    """Set parameter ``name`` of the Governable contract at ``target`` to ``value``."""

    target: str
    name: str
    value: int


@attrs.frozen
class Settings:
    """A governor's settings: delay and period in blocks, threshold in votes (wei)."""

    voting_delay: int
    voting_period: int
    proposal_threshold: int


@attrs.frozen
class Proposal:
    """One proposal. Votes count power at ``start`` (the snapshot block); voting is open in
    blocks ``start+1 .. end``. ``eta`` is 0 until queued, then the Unix time the timelock
    allows execution from."""

    id: int
    proposer: str
    actions: tuple[Action, ...]
    description: str
    start: int
    end: int
    eta: int = 0
    executed: bool = False
    canceled: bool = False
    for_votes: int = 0
    against_votes: int = 0
    abstain_votes: int = 0
    voters: int = 0


@attrs.frozen
class Receipt:
    """How one account voted on one proposal, with the power it counted (wei)."""

    support: Support
    weight: int


@attrs.frozen
class Admin:
    """The one address allowed to queue, execute and cancel on a timelock."""

    address: str


@attrs.frozen
class Delay:
    """A timelock's delay in seconds."""

    seconds: int


@attrs.frozen
class QueuedBatch:
    """Actions a timelock holds for a proposal until ``eta`` (Unix s)."""

    actions: tuple[Action, ...]
    eta: int
