"""The error catalogue of governance/.

Every error derives from :class:`GovernanceError` and from one of chain's two branches:
:class:`chain.InputError` (the call is malformed; nothing was written) or
:class:`chain.Revert` (the state forbids it; nothing was written either). Codes follow the
custom errors of OpenZeppelin's Governor and Votes and the revert strings of Governor Bravo.
Chain's own leaves are reused where they fit: ``UnknownContract`` (an action's target does
not exist), ``UnknownParameter`` / ``ParameterOutOfBounds`` (an action's parameter),
``Unauthorized`` (a caller without the role), ``InsufficientBalance`` and ``InvalidAmount``.
"""

from __future__ import annotations

from chain import InputError, LstlabError, Revert


class GovernanceError(LstlabError):
    """Base of every error raised by governance/."""

    code = "GOVERNANCE"


# --- malformed calls -------------------------------------------------------------------


class InvalidProposal(GovernanceError, InputError):
    """The action list is empty, too long or not made of ``Action`` records: pass 1..N actions."""

    code = "INVALID_PROPOSAL"


class NotGovernable(GovernanceError, InputError):
    """An action targets a contract that declares no governable parameters: target a Governable."""

    code = "NOT_GOVERNABLE"


class InvalidVoteType(GovernanceError, InputError):
    """Support must be 0 (against), 1 (for) or 2 (abstain)."""

    code = "INVALID_VOTE_TYPE"


class UnknownProposal(GovernanceError, InputError):
    """No proposal has that id: use the id ``propose`` returned."""

    code = "UNKNOWN_PROPOSAL"


class FutureLookup(GovernanceError, InputError):
    """A past-votes query named the current or a future block: ask for an earlier block."""

    code = "FUTURE_LOOKUP"


class InvalidSetting(GovernanceError, InputError):
    """A governor or timelock setting is outside its allowed range at deploy."""

    code = "INVALID_SETTING"


# --- state forbids it ------------------------------------------------------------------


class InsufficientProposerVotes(GovernanceError, Revert):
    """The proposer's power at the previous block is below the proposal threshold: get delegations first."""

    code = "INSUFFICIENT_PROPOSER_VOTES"


class UnexpectedProposalState(GovernanceError, Revert):
    """The proposal is not in a state that allows this call (see ``Governor.state``)."""

    code = "UNEXPECTED_PROPOSAL_STATE"


class AlreadyVoted(GovernanceError, Revert):
    """This account already voted on this proposal: each account votes once."""

    code = "ALREADY_VOTED"


class TimelockNotReady(GovernanceError, Revert):
    """The timelock's eta has not passed yet: advance time to the eta, then execute."""

    code = "TIMELOCK_NOT_READY"


class SafeSupplyExceeded(GovernanceError, Revert):
    """A deposit would take the votes supply past 2**208-1, the most checkpoints can hold."""

    code = "SAFE_SUPPLY_EXCEEDED"


class InvalidReceiver(GovernanceError, InputError):
    """The wrapper itself may not receive wrapped or underlying tokens: name another account."""

    code = "INVALID_RECEIVER"


class StaleBatch(GovernanceError, Revert):
    """The timelock's grace period after the eta has passed: the batch can no longer run."""

    code = "STALE_BATCH"


class UnknownBatch(GovernanceError, Revert):
    """The timelock holds no batch under that key: queue it first."""

    code = "UNKNOWN_BATCH"
