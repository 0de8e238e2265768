"""A Chainlink-style aggregator: a feed that stores rounds, updated by deviation or heartbeat.

Chainlink's OCR aggregators (``OffchainAggregator`` / ``AccessControlledOCR2Aggregator``) keep
the latest round on chain: a round id that grows by one per transmission, the answer and the
block time it was written (``latestRoundData() -> (roundId, answer, startedAt, updatedAt,
answeredInRound)``). The nodes transmit a new round only when the observed median deviates from
the stored answer by at least the feed's threshold, ``|new - old| / |old| >= alpha``, or when
the stored answer is older than the heartbeat (libocr ``median.go``: ``DefaultDeviationFunc``
and the ``deltaC`` timeout of ``shouldReport``). Between rounds the answer does not move,
however the market moves.

:class:`AggregatorFeed` models that over any source feed (the "observed median"):
:meth:`AggregatorFeed.poke` is the node operators' transmission, callable by anyone, and stores
a round only when one of the two rules holds. Time is whole seconds here, so the heartbeat
rule reads ``now - updatedAt >= heartbeat`` (libocr compares nanosecond times strictly; the
first whole second at which that holds is the heartbeat itself).

Mainnet figures (the feed pages https://data.chain.link/feeds/ethereum/mainnet/eth-usd and
.../steth-eth): ETH/USD (proxy 0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419) 0.5% deviation, 3600 s
heartbeat, 8 decimals; stETH/ETH (proxy 0x86392dC19c0b719886221c78AB11eb8Cf5c52812) 0.5%
deviation, 86400 s heartbeat, 18 decimals: :data:`CHAINLINK_ETH_USD`,
:data:`CHAINLINK_STETH_ETH`.
"""

from __future__ import annotations

from typing import Any

import attrs

from chain.calls import external
from chain.contract import Contract
from chain.errors import InvalidArgument
from chain.events import Event
from chain.feeds import PriceReading, _feed_of
from chain.state import State
from chain.validation import check_amount, check_bps, check_decimals

CHAINLINK_ETH_USD: dict[str, int] = {"deviation_bps": 50, "heartbeat": 3600, "decimals": 8}
"""Chainlink ETH/USD on Ethereum mainnet: 0.5% / 1 h / 8 decimals (see the module docstring)."""
CHAINLINK_STETH_ETH: dict[str, int] = {"deviation_bps": 50, "heartbeat": 86_400, "decimals": 18}
"""Chainlink stETH/ETH on Ethereum mainnet: 0.5% / 24 h / 18 decimals (see the module docstring)."""


@attrs.frozen
class Round:
    """One transmitted round: its id (1, 2, ...), the answer (the feed's decimals) and the
    time it was written (s)."""

    round_id: int
    answer: int
    updated_at: int


class AnswerUpdated(Event):
    """A new round was stored (Chainlink's ``AnswerUpdated(current, roundId, updatedAt)``)."""

    feed: str
    answer: int
    round_id: int
    updated_at: int


def deviates(old: int, new: int, deviation_bps: int) -> bool:
    """Whether ``new`` is at least ``deviation_bps`` away from ``old``, relative to ``old``:
    ``|new - old| * 10_000 >= deviation_bps * |old|``, exactly (libocr's rational comparison);
    any change from 0 deviates, 0 to 0 does not."""
    if old == 0:
        return new != 0
    return abs(new - old) * 10_000 >= deviation_bps * abs(old)


class AggregatorFeed(Contract):
    """A ``chain.Feed`` that answers the last stored round of its ``source`` (module docstring)."""

    kind = "feed.aggregator"

    def __init__(self, state: State, address: str, network: str, source: str, base: str, quote: str,
                 deviation_bps: int, heartbeat: int, decimals: int) -> None:
        super().__init__(state, address, network)
        self.source = source
        self.base = base
        self.quote = quote
        self.deviation_bps = deviation_bps
        self.heartbeat = heartbeat
        self.decimals = decimals

    @classmethod
    def deploy(cls, state: State, address: str, network: str, *, source: str, deviation_bps: int,
               heartbeat: int, decimals: int = 8) -> AggregatorFeed:
        """Register an aggregator over the feed at ``source`` (a feed of ``network``) and store
        round 1 with the source's answer now (OCR's first round of a configuration always
        reports). ``deviation_bps`` in [0, 10000] (0: every poke reports), ``heartbeat`` > 0 s;
        ``decimals`` defaults to 8, Chainlink's USD feeds (ETH pairs use 18: pass
        :data:`CHAINLINK_STETH_ETH`). The answer is the source's rescaled to ``decimals``,
        rounded down.

        Raises UnknownNetwork, UnknownContract, InvalidArgument (not a feed, bounds),
        InvalidAmount (heartbeat), WrongNetwork, DuplicateName; writes nothing on error.
        Emits AnswerUpdated for round 1.
        """
        state.network(network)
        check_bps(deviation_bps, "deviation_bps")
        check_amount(heartbeat, "heartbeat", positive=True)
        check_decimals(decimals)
        src: Any = _feed_of(state, source, network, "source")
        feed = cls(state, address, network, source, src.base, src.quote, deviation_bps, heartbeat, decimals)
        answer = feed.observe()
        with state.atomic():
            state.register_contract(feed)
            state.depend(address, source, "reads-price")
            feed._write_round(Round(1, answer, state.now))
        return feed

    def observe(self) -> int:
        """What the nodes observe now: the source's answer with this feed's decimals (floor)."""
        reading: PriceReading = self.state.contract(self.source).latest()  # type: ignore[attr-defined]
        return reading.rescaled(self.decimals)

    def _write_round(self, new: Round) -> None:
        self._store(("round", new.round_id), new)
        self._store("latest", new)
        self.state.emit(AnswerUpdated(self.address, new.answer, new.round_id, new.updated_at))

    def due(self) -> bool:
        """Whether a poke now would store a round: the source deviates from the stored answer
        by at least ``deviation_bps``, or ``heartbeat`` seconds have passed since ``updatedAt``."""
        last = self._load("latest")
        return (self.state.now - last.updated_at >= self.heartbeat
                or deviates(last.answer, self.observe(), self.deviation_bps))

    @external
    def poke(self) -> bool:
        """The nodes' transmission (anyone may call): store round ``id + 1`` with the observed
        answer and ``updatedAt = now`` when :meth:`due`; returns whether it did. Emits
        AnswerUpdated then. Raises what the source raises (a source that cannot answer)."""
        last = self._load("latest")
        now = self.state.now
        answer = self.observe()
        if now - last.updated_at < self.heartbeat and not deviates(last.answer, answer, self.deviation_bps):
            return False
        self._write_round(Round(last.round_id + 1, answer, now))
        return True

    def round(self) -> tuple[int, int, int]:
        """``(round_id, answer, updated_at)`` of the latest round (``latestRoundData``)."""
        last = self._load("latest")
        return last.round_id, last.answer, last.updated_at

    def get_round(self, round_id: int) -> tuple[int, int, int]:
        """``(round_id, answer, updated_at)`` of a past round (``getRoundData``); raises
        InvalidArgument for a round that was never stored."""
        stored = self._load(("round", round_id), None) if type(round_id) is int else None
        if stored is None:
            latest = self._load("latest").round_id
            raise InvalidArgument(f"{self.address} has rounds 1 to {latest}, not {round_id!r}")
        return stored.round_id, stored.answer, stored.updated_at

    def latest(self) -> PriceReading:
        """The stored answer and its ``updatedAt``: it moves only when a poke stores a round."""
        last = self._load("latest")
        return PriceReading(last.answer, self.decimals, last.updated_at)


__all__ = ["CHAINLINK_ETH_USD", "CHAINLINK_STETH_ETH", "AggregatorFeed", "AnswerUpdated", "Round", "deviates"]
