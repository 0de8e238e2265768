"""Events of governance/, named after OpenZeppelin's ``IVotes`` / ``IGovernor`` events and
Bravo's timelock events."""

from __future__ import annotations

from chain import Event
from governance.records import Action, Support


class DelegateChanged(Event):
    """``delegator`` moved its delegation from ``old`` to ``new`` (None: nobody)."""

    votes: str
    delegator: str
    old: str | None
    new: str | None


class DelegateVotesChanged(Event):
    """``delegate``'s power (wei) went from ``old`` to ``new``."""

    votes: str
    delegate: str
    old: int
    new: int


class ProposalCreated(Event):
    """Proposal ``id`` opened: power counted at block ``start``, voting until ``end``."""

    governor: str
    id: int
    proposer: str
    actions: tuple[Action, ...]
    start: int
    end: int
    description: str


class VoteCast(Event):
    """``voter`` cast ``weight`` votes (wei) with ``support`` on proposal ``id``."""

    governor: str
    voter: str
    id: int
    support: Support
    weight: int
    reason: str


class ProposalQueued(Event):
    """Proposal ``id`` is queued in the timelock until ``eta`` (Unix s)."""

    governor: str
    id: int
    eta: int


class ProposalExecuted(Event):
    """Every action of proposal ``id`` was applied."""

    governor: str
    id: int


class ProposalCanceled(Event):
    """Proposal ``id`` was canceled."""

    governor: str
    id: int


class QuorumNumeratorUpdated(Event):
    """The quorum numerator went from ``old`` to ``new`` (out of the governor's denominator)."""

    governor: str
    old: int
    new: int


class BatchQueued(Event):
    """The timelock holds ``actions`` under ``key`` until ``eta``."""

    timelock: str
    key: int
    eta: int


class BatchExecuted(Event):
    """The timelock applied the batch ``key``."""

    timelock: str
    key: int


class BatchCanceled(Event):
    """The timelock dropped the batch ``key``."""

    timelock: str
    key: int
