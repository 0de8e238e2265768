"""governance: DAO voting over snapshotted power that sets other contracts' parameters.

- :class:`VotesToken` wraps any ledger token into a checkpointed votes token with delegation
  (OpenZeppelin ``ERC20Wrapper`` + ``ERC20Votes``): power at any past block.
- :class:`Governor` runs proposals whose :class:`Action` records each set one parameter of a
  ``chain.Governable`` contract: threshold, delay, period, For/Against/Abstain at the snapshot,
  quorum as a fraction of the supply at the snapshot, states, cancel.
- :class:`Timelock` holds succeeded proposals for a delay and applies them all or none.
- :mod:`governance.reports`: power concentration (top-N share, Nakamoto, Herfindahl), turnout.

Example::

    votes = VotesToken.deploy(state, "vLST", "ethereum", underlying=lst)
    gov = Governor.deploy(state, "gov", "ethereum", votes="vLST", timelock="timelock",
                          voting_delay=1, voting_period=100, proposal_threshold=0, quorum_numerator=4)
    market.set_param_admin("timelock")
    pid = gov.propose("alice", [Action("market", "ltv", 7_500)], "lower LTV")
"""

from governance.checkpoints import linear_lookup, upper_lookup_recent
from governance.errors import (
    AlreadyVoted,
    FutureLookup,
    GovernanceError,
    InsufficientProposerVotes,
    InvalidProposal,
    InvalidReceiver,
    InvalidSetting,
    InvalidVoteType,
    NotGovernable,
    SafeSupplyExceeded,
    StaleBatch,
    TimelockNotReady,
    UnexpectedProposalState,
    UnknownBatch,
    UnknownProposal,
)
from governance.events import (
    BatchCanceled,
    BatchExecuted,
    BatchQueued,
    DelegateChanged,
    DelegateVotesChanged,
    ProposalCanceled,
    ProposalCreated,
    ProposalExecuted,
    ProposalQueued,
    QuorumNumeratorUpdated,
    VoteCast,
)
from governance.governor import Governor
from governance.records import Action, Checkpoint, Proposal, ProposalState, Receipt, Settings, Support
from governance.reports import Concentration, Turnout, concentration, turnout
from governance.timelock import GRACE_PERIOD, MAXIMUM_DELAY, MINIMUM_DELAY, Timelock
from governance.votes import MAX_SAFE_SUPPLY, VotesToken

__all__ = [
    "GRACE_PERIOD",
    "MAXIMUM_DELAY",
    "MAX_SAFE_SUPPLY",
    "MINIMUM_DELAY",
    "Action",
    "AlreadyVoted",
    "BatchCanceled",
    "BatchExecuted",
    "BatchQueued",
    "Checkpoint",
    "Concentration",
    "DelegateChanged",
    "DelegateVotesChanged",
    "FutureLookup",
    "GovernanceError",
    "Governor",
    "InsufficientProposerVotes",
    "InvalidProposal",
    "InvalidReceiver",
    "InvalidSetting",
    "InvalidVoteType",
    "NotGovernable",
    "Proposal",
    "ProposalCanceled",
    "ProposalCreated",
    "ProposalExecuted",
    "ProposalQueued",
    "ProposalState",
    "QuorumNumeratorUpdated",
    "Receipt",
    "SafeSupplyExceeded",
    "Settings",
    "StaleBatch",
    "Support",
    "Timelock",
    "TimelockNotReady",
    "Turnout",
    "UnexpectedProposalState",
    "UnknownBatch",
    "UnknownProposal",
    "VoteCast",
    "VotesToken",
    "concentration",
    "linear_lookup",
    "turnout",
    "upper_lookup_recent",
]
