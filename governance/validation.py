"""Every check of governance/, one ``validate_<action>`` per action, run before any write.

Each raises a typed error (see :mod:`governance.errors`) and writes nothing. The facades call
them in the order accrue, validate, change, emit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from chain import Governable, InsufficientBalance, InvalidArgument, State, Unauthorized, check_amount
from governance.errors import (
    AlreadyVoted,
    InsufficientProposerVotes,
    InvalidProposal,
    InvalidReceiver,
    InvalidVoteType,
    NotGovernable,
    SafeSupplyExceeded,
    UnexpectedProposalState,
)
from governance.records import Action, Proposal, ProposalState, Support

if TYPE_CHECKING:
    from governance.governor import Governor
    from governance.votes import VotesToken


# --- the votes token -------------------------------------------------------------------


def validate_deposit(votes: VotesToken, sender: str, account: str, amount: int, cap: int) -> None:
    """``deposit_for``: amount, both addresses, receiver not the wrapper, balance, supply cap."""
    state = votes.state
    check_amount(amount)
    state.require_address(sender)
    state.require_address(account)
    if votes.address in (sender, account):
        raise InvalidReceiver(f"the wrapper {votes.address!r} cannot deposit or receive its own votes token")
    held = state.balance_of(votes.underlying, sender)
    if held < amount:
        raise InsufficientBalance(
            f"{sender} holds {held} of {votes.underlying.key} and cannot deposit {amount}"
        )
    supply = state.total_supply(votes.token) + amount
    if supply > cap:
        raise SafeSupplyExceeded(f"depositing {amount} takes the votes supply to {supply}, past 2**208-1")


def validate_withdraw(votes: VotesToken, sender: str, account: str, amount: int) -> None:
    """``withdraw_to``: amount, both addresses, receiver not the wrapper, votes balance."""
    state = votes.state
    check_amount(amount)
    state.require_address(sender)
    state.require_address(account)
    if account == votes.address:
        raise InvalidReceiver(f"the wrapper {votes.address!r} cannot receive its own underlying")
    held = state.balance_of(votes.token, sender)
    if held < amount:
        raise InsufficientBalance(f"{sender} holds {held} of {votes.token.key} and cannot withdraw {amount}")


def validate_delegate(votes: VotesToken, account: str, delegatee: str | None) -> None:
    """``delegate``: the delegator is known; the delegatee is known or None."""
    votes.state.require_address(account)
    if delegatee is not None:
        votes.state.require_address(delegatee)


# --- actions ---------------------------------------------------------------------------


def validate_action(state: State, action: Any) -> None:
    """One action: an ``Action`` whose target is a registered Governable declaring the
    parameter, with the value in bounds. Raises InvalidProposal, UnknownContract,
    NotGovernable, UnknownParameter, ParameterOutOfBounds."""
    if not isinstance(action, Action):
        raise InvalidProposal(f"actions must be governance.Action records, got {action!r}")
    target = state.contract(action.target) if isinstance(action.target, str) else None
    if target is None:
        raise InvalidProposal(f"an action's target must be a contract address, got {action.target!r}")
    if not isinstance(target, Governable):
        raise NotGovernable(f"{action.target!r} ({type(target).__name__}) declares no governable parameters")
    target.check_param(action.name, action.value)


def validate_actions(state: State, actions: Sequence[Any], max_operations: int) -> tuple[Action, ...]:
    """A non-empty list of at most ``max_operations`` valid actions, as a tuple."""
    if not isinstance(actions, (list, tuple)) or not 1 <= len(actions) <= max_operations:
        count = len(actions) if isinstance(actions, (list, tuple)) else actions
        raise InvalidProposal(f"a proposal takes 1 to {max_operations} actions in a list, got {count!r}")
    for action in actions:
        validate_action(state, action)
    return tuple(actions)


# --- the governor ----------------------------------------------------------------------


def validate_propose(
    governor: Governor, proposer: str, actions: Sequence[Any], description: str
) -> tuple[Action, ...]:
    """``propose``: proposer known, actions valid, description a str, proposer's power at the
    previous block at least the threshold (OpenZeppelin; skipped when the threshold is 0)."""
    state = governor.state
    state.require_address(proposer)
    if not isinstance(description, str):
        raise InvalidArgument(f"description must be a str, got {description!r}")
    checked = validate_actions(state, actions, governor.max_operations)
    threshold = governor.proposal_threshold()
    if threshold:
        power = governor.prior_votes(proposer)
        if power < threshold:
            raise InsufficientProposerVotes(
                f"{proposer} had {power} votes at the previous block, below the threshold {threshold}: "
                "gather delegations, wait a block, then propose"
            )
    return checked


def require_state(governor: Governor, proposal_id: int, *allowed: ProposalState) -> ProposalState:
    """The proposal's state if it is one of ``allowed``, else UnexpectedProposalState."""
    current = governor.state_of(proposal_id)
    if current not in allowed:
        names = ", ".join(s.value for s in allowed)
        raise UnexpectedProposalState(f"proposal {proposal_id} is {current.value}; this needs it {names}")
    return current


def validate_vote(governor: Governor, proposal_id: int, voter: str, support: Any) -> Support:
    """``cast_vote``: voter known, support 0/1/2, proposal active, no earlier vote."""
    governor.state.require_address(voter)
    if type(support) not in (int, Support) or support not in (0, 1, 2):
        raise InvalidVoteType(f"support must be 0 (against), 1 (for) or 2 (abstain), got {support!r}")
    require_state(governor, proposal_id, ProposalState.ACTIVE)
    if governor.receipt(proposal_id, voter) is not None:
        raise AlreadyVoted(f"{voter} already voted on proposal {proposal_id}")
    return Support(support)


def validate_cancel(governor: Governor, proposal: Proposal, caller: str) -> None:
    """``cancel`` (Governor Bravo's rule): not executed, canceled or expired; the caller is the
    proposer, or anyone once the proposer's power at the previous block fell below the threshold."""
    governor.state.require_address(caller)
    require_state(governor, proposal.id, ProposalState.PENDING, ProposalState.ACTIVE, ProposalState.DEFEATED,
                  ProposalState.SUCCEEDED, ProposalState.QUEUED)
    threshold = governor.proposal_threshold()
    if caller != proposal.proposer and governor.prior_votes(proposal.proposer) >= threshold:
        raise Unauthorized(
            f"only the proposer {proposal.proposer} may cancel proposal {proposal.id} while it holds "
            "the proposal threshold"
        )
