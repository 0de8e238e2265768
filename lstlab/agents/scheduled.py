"""Scheduled events of a scenario, applied at the first step at or after their time.

- ``slash``: the issuer slashes ``validators`` validators (0: all) of each operator in
  ``operators`` at once (a correlated set pays the correlation penalty together);
- ``bridge-exploit``: ``amount`` wrapped wstETH minted on the L2 with no backing;
- ``ramp-a``: the StableSwap pool's A ramps to ``future_a`` over ``ramp_days``;
- ``governance``: the DAO proposes ``target.parameter = value`` at the event's time, votes
  as soon as voting opens, queues when it succeeds and executes when the timelock allows:
  the change lands days later, exactly as the governor's delays say.
"""

from __future__ import annotations

from typing import Literal

import attrs

from governance import Action, ProposalState, Support
from lstlab.agents.base import Step
from lstlab.world.build import DAO, World

EventKind = Literal["slash", "bridge-exploit", "ramp-a", "governance"]


@attrs.frozen
class ScheduledEvent:
    """One event of a scenario. In a file ``at`` is a date or a day offset from the start;
    the scheduler takes it resolved to Unix seconds (:func:`lstlab.scenario.check_events`)."""

    kind: EventKind
    at: float | str
    operators: tuple[int, ...] = (0,)
    validators: int = 0
    amount: float = 0.0
    recipient: str = "attacker"
    target: str = ""
    parameter: str = ""
    value: int = 0
    future_a: int = 0
    ramp_days: float = 1.0


def _apply(world: World, event: ScheduledEvent) -> dict[str, float]:
    state = world.state
    if event.kind == "slash":
        penalty = world.issuer.slash(list(event.operators), count=event.validators or None)
        return {"slashed_eth": penalty / 1e18}
    if event.kind == "bridge-exploit":
        if not state.has_address(event.recipient):
            state.add_account(event.recipient)
        world.bridge.exploit_mint(event.recipient, int(event.amount * 1e18))
        return {"unbacked_minted": event.amount}
    if event.kind == "ramp-a":
        world.curve.ramp_A(event.future_a, state.now + int(event.ramp_days * 86_400))
        return {}
    raise ValueError(f"unknown event kind {event.kind!r}")


class Scheduler:
    """Applies every scheduled event once, at the first step at or after its time (an Agent)."""

    name = "scheduler"

    def __init__(self, events: tuple[ScheduledEvent, ...]) -> None:
        self.events = tuple(sorted(events, key=lambda e: e.at))

    def act(self, world: World, step: Step) -> dict[str, float]:
        out: dict[str, float] = {}
        state = world.state
        done = state.load(world.issuer.address, ("scheduler", "done"), 0)
        while done < len(self.events) and int(self.events[done].at) <= step.time:
            event = self.events[done]
            if event.kind == "governance":
                out.update(_propose(world, event))
            else:
                for key, value in _apply(world, event).items():
                    out[key] = out.get(key, 0.0) + value
            done += 1
        state.store(world.issuer.address, ("scheduler", "done"), done)
        out.update(_advance_proposals(world))
        return out


def _propose(world: World, event: ScheduledEvent) -> dict[str, float]:
    world.governor.propose(DAO, [Action(event.target, event.parameter, event.value)],
                           f"set {event.target}.{event.parameter} to {event.value}")
    return {"proposals": 1.0}


def _advance_proposals(world: World) -> dict[str, float]:
    """Drive every open proposal of the DAO: vote, queue, execute as soon as each is allowed."""
    gov = world.governor
    executed = 0.0
    for pid in range(1, gov.proposal_count() + 1):
        status = gov.state_of(pid)
        if status == ProposalState.ACTIVE and gov.receipt(pid, DAO) is None:
            gov.cast_vote(DAO, pid, Support.FOR)
        elif status == ProposalState.SUCCEEDED:
            gov.queue(pid)
        elif status == ProposalState.QUEUED and world.state.now >= gov.proposal(pid).eta:
            gov.execute(pid)
            executed += 1
    return {"proposals_executed": executed} if executed else {}
