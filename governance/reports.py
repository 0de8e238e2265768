"""Reports on who holds voting power and how many use it.

All shares are exact wads (1e18 = 100%), floored. Power is delegated power: balances whose
holders never delegated count for nobody, so they are left out of the total power but stay in
the supply (as OpenZeppelin's quorum counts them).
"""

from __future__ import annotations

import attrs

from chain.concentration import herfindahl, nakamoto, share_of
from governance.governor import Governor
from governance.votes import VotesToken


@attrs.frozen
class Concentration:
    """How concentrated voting power is at one block.

    ``top_share`` is the share (wad) of the ``top_n`` largest delegates in the total power;
    ``nakamoto`` the fewest delegates that together hold more than half of it (0 when no
    power exists); ``herfindahl`` the sum of squared shares (wad; 1e18 = one delegate holds
    everything); ``delegated_share`` the total power's share of the supply.
    """

    block: int | None
    supply: int
    total_power: int
    delegates: int
    top_n: int
    top_power: int
    top_share: int
    nakamoto: int
    herfindahl: int
    delegated_share: int


@attrs.frozen
class Turnout:
    """Votes (wei) cast on one proposal against the supply and quorum at its snapshot.

    ``turnout`` is cast / supply (wad, floored; 0 with no supply).
    """

    proposal_id: int
    for_votes: int
    against_votes: int
    abstain_votes: int
    cast: int
    voters: int
    supply: int
    quorum: int
    turnout: int


def concentration(votes: VotesToken, top_n: int = 10, block: int | None = None) -> Concentration:
    """Concentration of delegated power now (``block`` None) or at a past ``block``.

    Raises FutureLookup for a current or future ``block``.
    """
    if block is None:
        powers = [p for p in votes.delegate_powers().values() if p]
        supply = votes.total_supply()
    else:
        supply = votes.get_past_total_supply(block)
        powers = [p for p in (votes.get_past_votes(a, block) for a in votes.delegate_powers()) if p]
    powers.sort(reverse=True)
    total = sum(powers)
    top = sum(powers[:top_n])
    return Concentration(block, supply, total, len(powers), top_n, top, share_of(top, total),
                         nakamoto(powers, 1, 2), herfindahl(powers), share_of(total, supply))


def turnout(governor: Governor, proposal_id: int) -> Turnout:
    """Turnout of one proposal; raises UnknownProposal, FutureLookup before its snapshot passed."""
    p = governor.proposal(proposal_id)
    supply = governor.votes.get_past_total_supply(p.start)
    cast = p.for_votes + p.against_votes + p.abstain_votes
    return Turnout(proposal_id, p.for_votes, p.against_votes, p.abstain_votes, cast, p.voters, supply,
                   governor.quorum(p.start), share_of(cast, supply))
