"""The governor (OpenZeppelin ``Governor`` + ``GovernorCountingSimple`` +
``GovernorVotesQuorumFraction`` + ``GovernorTimelockControl``, with Governor Bravo's
timelock expiry and cancel rule).

Life of a proposal, in blocks of the governor's network and Unix seconds:

- ``propose`` at block ``b`` (the proposer's power at ``b - 1`` must reach the threshold):
  snapshot ``start = b + voting_delay``, deadline ``end = start + voting_period``.
- Pending while ``block <= start``; Active while ``start < block <= end``; votes weigh the
  voter's power at ``start``, so tokens acquired after the snapshot (a transfer or a flash
  loan during the vote) carry no power.
- After ``end``: Defeated unless the quorum is reached (For + Abstain, or For only with
  ``abstain_in_quorum=False`` as Bravo, at least ``supply(start) * numerator // denominator``,
  floored) and For > Against; else Succeeded.
- ``queue`` gives it to the timelock with ``eta = now + delay``: Queued, then Expired from
  ``eta + GRACE_PERIOD`` on; ``execute`` from ``eta`` applies every action or none.
- ``cancel`` (Bravo): by the proposer, or by anyone once the proposer's power fell below the
  threshold; not once executed, canceled or expired.

Proposal ids count from 1. The governor's own settings are governable parameters whose admin
is the timelock, so proposals change them (OpenZeppelin ``onlyGovernance``).

Callers (:mod:`chain.calls`): the proposer, the voter and the canceller must be the caller;
``queue``, ``execute`` and ``cancel`` reach the timelock from the governor's own frame, the only
place the timelock accepts them from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from chain import Contract, Governable, ParamSpec, State, WrongNetwork, external
from chain.fixedpoint import mul_div_down
from governance import checkpoints, validation
from governance.errors import InvalidSetting, UnknownProposal
from governance.events import (
    ProposalCanceled,
    ProposalCreated,
    ProposalExecuted,
    ProposalQueued,
    QuorumNumeratorUpdated,
    VoteCast,
)
from governance.records import Count, Proposal, ProposalState, Receipt, Settings, Support
from governance.timelock import GRACE_PERIOD, Timelock
from governance.votes import MAX_SAFE_SUPPLY, VotesToken

_QUORUM = ("quorum",)
_BOUNDS = {
    "voting_delay": (0, 2**48 - 1, "blocks", "blocks from proposal to snapshot"),
    "voting_period": (1, 2**32 - 1, "blocks", "blocks of voting after the snapshot"),
    "proposal_threshold": (0, MAX_SAFE_SUPPLY, "wei", "votes needed to propose"),
}


class Governor(Governable, Contract):
    """Proposals over a :class:`VotesToken`, executed through a :class:`Timelock`."""

    kind = "governor"

    def __init__(self, state: State, address: str, network: str, *, votes: str, timelock: str,
                 quorum_denominator: int, max_operations: int, abstain_in_quorum: bool) -> None:
        super().__init__(state, address, network)
        self.votes_address = votes
        self.timelock_address = timelock
        self.quorum_denominator = quorum_denominator
        self.max_operations = max_operations
        self.abstain_in_quorum = abstain_in_quorum

    @classmethod
    def deploy(cls, state: State, address: str, network: str, *, votes: str, timelock: str,
               voting_delay: int, voting_period: int, proposal_threshold: int, quorum_numerator: int,
               timelock_delay: int = 2 * 86_400, quorum_denominator: int = 100, max_operations: int = 10,
               abstain_in_quorum: bool = True) -> Governor:
        """Register a governor over the votes token at ``votes`` and deploy its timelock at
        ``timelock`` (admin: the governor). The governor's settings answer to the timelock.

        Raises UnknownContract, WrongNetwork, InvalidSetting, DuplicateName; writes nothing
        on error.
        """
        token = state.contract(votes)
        if not isinstance(token, VotesToken):
            raise InvalidSetting(f"votes must be the address of a VotesToken, got {votes!r}")
        if token.network != network:
            raise WrongNetwork(f"the votes token lives on {token.network!r}, the governor on {network!r}")
        for name, value in (("voting_delay", voting_delay), ("voting_period", voting_period),
                            ("proposal_threshold", proposal_threshold)):
            lo, hi, unit, _ = _BOUNDS[name]
            if type(value) is not int or not lo <= value <= hi:
                raise InvalidSetting(f"{name} must be an int in [{lo}, {hi}] {unit}, got {value!r}")
        if type(quorum_denominator) is not int or quorum_denominator < 1:
            raise InvalidSetting(f"quorum_denominator must be a positive int, got {quorum_denominator!r}")
        if type(quorum_numerator) is not int or not 0 <= quorum_numerator <= quorum_denominator:
            raise InvalidSetting(
                f"quorum_numerator must be an int in [0, {quorum_denominator}], got {quorum_numerator!r}"
            )
        if type(max_operations) is not int or max_operations < 1:
            raise InvalidSetting(f"max_operations must be a positive int, got {max_operations!r}")
        facade = cls(state, address, network, votes=votes, timelock=timelock,
                     quorum_denominator=quorum_denominator, max_operations=max_operations,
                     abstain_in_quorum=bool(abstain_in_quorum))
        with state.atomic():
            state.register_contract(facade)
            Timelock.deploy(state, timelock, network, admin=address, delay=timelock_delay)
            facade._store("settings", Settings(voting_delay, voting_period, proposal_threshold))
            checkpoints.push(facade, _QUORUM, facade.clock(), quorum_numerator)
            facade.set_param_admin(timelock)
            state.depend(address, votes, "counts-votes-of")
            state.depend(address, timelock, "executes-through")
        return facade

    # --- collaborators -----------------------------------------------------------------

    @property
    def votes(self) -> VotesToken:
        """The votes token, as seen by this state."""
        return self.state.contract(self.votes_address)  # type: ignore[return-value]

    @property
    def timelock(self) -> Timelock:
        """The timelock, as seen by this state."""
        return self.state.contract(self.timelock_address)  # type: ignore[return-value]

    def clock(self) -> int:
        """The current block of the governor's network."""
        return self.state.block_number(self.network)

    # --- settings ----------------------------------------------------------------------

    def settings(self) -> Settings:
        """Voting delay and period (blocks) and proposal threshold (wei)."""
        settings: Settings = self._load("settings")
        return settings

    def proposal_threshold(self) -> int:
        """Votes (wei) a proposer needs at the previous block."""
        return self.settings().proposal_threshold

    def quorum_numerator(self, block: int | None = None) -> int:
        """The quorum numerator now, or in force at the end of ``block``."""
        if block is None:
            return checkpoints.latest(self, _QUORUM)
        return checkpoints.upper_lookup_recent(self, _QUORUM, block)

    def quorum(self, block: int) -> int:
        """Votes (wei) needed at snapshot ``block``: ``supply(block) * numerator // denominator``.

        Raises FutureLookup unless ``block`` is past.
        """
        supply = self.votes.get_past_total_supply(block)
        return mul_div_down(supply, self.quorum_numerator(block), self.quorum_denominator)

    def prior_votes(self, account: str) -> int:
        """``account``'s power at the previous block (0 at block 0), as the threshold reads it."""
        block = self.clock()
        return self.votes.get_past_votes(account, block - 1) if block else 0

    def param_specs(self) -> Mapping[str, ParamSpec]:
        specs = {name: ParamSpec(name, lo, hi, unit, doc) for name, (lo, hi, unit, doc) in _BOUNDS.items()}
        specs["quorum_numerator"] = ParamSpec("quorum_numerator", 0, self.quorum_denominator,
                                              f"/{self.quorum_denominator}", "share of supply needed")
        return specs

    def get_param(self, name: str) -> int:
        if name == "quorum_numerator":
            return self.quorum_numerator()
        value: int = getattr(self.settings(), name)
        return value

    def _apply_param(self, name: str, value: int) -> None:
        if name == "quorum_numerator":
            old = checkpoints.push(self, _QUORUM, self.clock(), value)
            self.state.emit(QuorumNumeratorUpdated(self.address, old, value))
        else:
            self._store("settings", attrs.evolve(self.settings(), **{name: value}))

    # --- proposals ---------------------------------------------------------------------

    def proposal_count(self) -> int:
        """How many proposals were made (the last id)."""
        count: Count = self._load("proposals", Count(0))
        return count.n

    def proposal(self, proposal_id: int) -> Proposal:
        """The proposal record; raises UnknownProposal."""
        proposal: Proposal | None = (
            self._load(("proposal", proposal_id), None) if type(proposal_id) is int else None
        )
        if proposal is None:
            raise UnknownProposal(f"governor {self.address!r} has no proposal {proposal_id!r}")
        return proposal

    def receipt(self, proposal_id: int, voter: str) -> Receipt | None:
        """How ``voter`` voted on the proposal, or None."""
        receipt: Receipt | None = self._load(("receipt", proposal_id, voter), None)
        return receipt

    def state_of(self, proposal_id: int) -> ProposalState:
        """The proposal's state now (see the module docstring); raises UnknownProposal."""
        p = self.proposal(proposal_id)
        if p.executed:
            return ProposalState.EXECUTED
        if p.canceled:
            return ProposalState.CANCELED
        block = self.clock()
        if p.start >= block:
            return ProposalState.PENDING
        if p.end >= block:
            return ProposalState.ACTIVE
        if not (self.quorum_reached(p) and p.for_votes > p.against_votes):
            return ProposalState.DEFEATED
        if p.eta == 0:
            return ProposalState.SUCCEEDED
        if self.state.now >= p.eta + GRACE_PERIOD:
            return ProposalState.EXPIRED
        return ProposalState.QUEUED

    def quorum_reached(self, proposal: Proposal) -> bool:
        """True when the counted votes reach the quorum at the proposal's snapshot."""
        counted = proposal.for_votes + (proposal.abstain_votes if self.abstain_in_quorum else 0)
        return self.quorum(proposal.start) <= counted

    @external
    def propose(self, proposer: str, actions: Sequence[Any], description: str = "") -> int:
        """Open a proposal of 1..``max_operations`` actions; returns its id.

        ``proposer`` must be the caller. Every action is validated now (and again at
        execution). Raises NotTheCaller, UnknownAccount, InvalidProposal, UnknownContract, NotGovernable, UnknownParameter,
        ParameterOutOfBounds, InsufficientProposerVotes; emits ProposalCreated.
        """
        self.authorize(proposer, "proposer")
        checked = validation.validate_propose(self, proposer, actions, description)
        settings = self.settings()
        proposal_id = self.proposal_count() + 1
        start = self.clock() + settings.voting_delay
        end = start + settings.voting_period
        proposal = Proposal(proposal_id, proposer, checked, description, start, end)
        self._store(("proposal", proposal_id), proposal)
        self._store("proposals", Count(proposal_id))
        self.state.emit(ProposalCreated(self.address, proposal_id, proposer, checked, proposal.start,
                                        proposal.end, description))
        return proposal_id

    @external
    def cast_vote(self, voter: str, proposal_id: int, support: int, reason: str = "") -> int:
        """Vote with ``voter``'s power at the proposal's snapshot; returns that weight (wei).

        ``voter`` must be the caller. Raises NotTheCaller, UnknownAccount, InvalidVoteType,
        UnknownProposal, UnexpectedProposalState
        (not active), AlreadyVoted; emits VoteCast. A voter without power still votes, with 0.
        """
        self.authorize(voter, "voter")
        choice = validation.validate_vote(self, proposal_id, voter, support)
        p = self.proposal(proposal_id)
        weight = self.votes.get_past_votes(voter, p.start)
        if choice is Support.FOR:
            p = attrs.evolve(p, for_votes=p.for_votes + weight, voters=p.voters + 1)
        elif choice is Support.AGAINST:
            p = attrs.evolve(p, against_votes=p.against_votes + weight, voters=p.voters + 1)
        else:
            p = attrs.evolve(p, abstain_votes=p.abstain_votes + weight, voters=p.voters + 1)
        self._store(("receipt", proposal_id, voter), Receipt(choice, weight))
        self._store(("proposal", proposal_id), p)
        self.state.emit(VoteCast(self.address, voter, proposal_id, choice, weight, str(reason)))
        return weight

    @external
    def queue(self, proposal_id: int) -> int:
        """Queue a succeeded proposal in the timelock; returns its eta (Unix s).

        Raises UnknownProposal, UnexpectedProposalState; emits BatchQueued, ProposalQueued.
        """
        validation.require_state(self, proposal_id, ProposalState.SUCCEEDED)
        p = self.proposal(proposal_id)
        with self.state.atomic():
            eta = self.timelock.queue(self.address, proposal_id, p.actions)
            self._store(("proposal", proposal_id), attrs.evolve(p, eta=eta))
            self.state.emit(ProposalQueued(self.address, proposal_id, eta))
        return eta

    @external
    def execute(self, proposal_id: int) -> None:
        """Apply every action of a queued proposal through the timelock, all or none.

        Raises UnknownProposal, UnexpectedProposalState (not queued: executed, expired...),
        TimelockNotReady, and any action's validation or ``set_param`` error; emits
        ParameterSet per action, BatchExecuted, ProposalExecuted.
        """
        validation.require_state(self, proposal_id, ProposalState.QUEUED)
        p = self.proposal(proposal_id)
        with self.state.atomic():
            self._store(("proposal", proposal_id), attrs.evolve(p, executed=True))
            self.timelock.execute(self.address, proposal_id)
            self.state.emit(ProposalExecuted(self.address, proposal_id))

    @external
    def cancel(self, proposal_id: int, caller: str) -> None:
        """Cancel a proposal (Bravo's rule, see the module docstring); ``caller`` must be the caller.

        Raises NotTheCaller, UnknownAccount, UnknownProposal, UnexpectedProposalState, Unauthorized;
        emits BatchCanceled when queued, ProposalCanceled.
        """
        self.authorize(caller, "caller")
        p = self.proposal(proposal_id)
        validation.validate_cancel(self, p, caller)
        with self.state.atomic():
            self._store(("proposal", proposal_id), attrs.evolve(p, canceled=True))
            if p.eta:
                self.timelock.cancel(self.address, proposal_id)
            self.state.emit(ProposalCanceled(self.address, proposal_id))
