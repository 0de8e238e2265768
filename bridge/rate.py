"""A feed on the destination network whose answer is relayed by the bridge.

The source side reads a feed (the LST exchange rate, or any value) and posts it as a
message; when the message is delivered this feed takes the value, stamped with the time the
source was read. So ``now - latest().updated_at`` is at least the bridge's latency: a
lending market on the destination sees the rate exactly as stale as the bridge makes it.
As Lido's L2 ``TokenRateOracle``, an update read earlier than the current one (delivered
out of order) is ignored and reported, never rolls the rate back.
"""

from __future__ import annotations

import attrs

from chain import (
    Contract,
    Event,
    InvalidArgument,
    PriceReading,
    State,
    Unauthorized,
    WrongNetwork,
    check_amount,
    external,
)
from chain.feeds import check_answer


@attrs.frozen
class RelayedAnswer:
    """The relayed value (``decimals`` decimals), when the source was read and when it arrived (s)."""

    answer: int
    read_at: int
    received_at: int


class RateRelayed(Event):
    """The relayed feed took ``answer``, read on the source at ``read_at``."""

    feed: str
    answer: int
    read_at: int


class RateUpdateIgnored(Event):
    """An update read at ``read_at`` arrived after a newer one (read at ``current_read_at``)."""

    feed: str
    answer: int
    read_at: int
    current_read_at: int


class RelayedRateFeed(Contract):
    """A chain ``Feed`` on the destination fed by a bridge from a feed on the source."""

    kind = "feed.relayed"

    def __init__(
        self,
        state: State,
        address: str,
        network: str,
        *,
        bridge: str,
        source: str,
        base: str,
        quote: str,
        decimals: int,
    ) -> None:
        super().__init__(state, address, network)
        self.bridge = bridge
        self.source = source
        self.base = base
        self.quote = quote
        self.decimals = decimals

    @classmethod
    def deploy(cls, state: State, address: str, *, bridge: str, source: str) -> RelayedRateFeed:
        """Register a relayed copy of the feed at ``source`` (on the bridge's source network)
        on the bridge's destination, starting from the source's answer now.

        Raises UnknownContract, InvalidArgument (not a bridge or not a feed), WrongNetwork.
        """
        facade = state.contract(bridge)
        if not hasattr(facade, "push_rate"):
            raise InvalidArgument(f"{bridge!r} is not a bridge: pass the source-side bridge address")
        feed = state.contract(source)
        if not hasattr(feed, "latest"):
            raise InvalidArgument(f"{source!r} is not a feed: pass the address of a Feed")
        if feed.network != facade.network:
            raise WrongNetwork(
                f"feed {source!r} lives on {feed.network!r}; the bridge reads feeds of {facade.network!r}"
            )
        reading: PriceReading = feed.latest()
        relayed = cls(
            state,
            address,
            facade.destination,  # type: ignore[attr-defined]
            bridge=bridge,
            source=source,
            base=feed.base,  # type: ignore[attr-defined]
            quote=feed.quote,  # type: ignore[attr-defined]
            decimals=reading.decimals,
        )
        with state.atomic():
            relayed._install(reading.answer, facade.l2_address)  # type: ignore[attr-defined]
        return relayed

    def _install(self, answer: int, l2_address: str) -> None:
        state = self.state
        state.register_contract(self)
        self._store("answer", RelayedAnswer(answer, state.now, state.now))
        state.depend(self.address, l2_address, "relayed-by")
        state.depend(self.address, self.source, "relays")

    def latest(self) -> PriceReading:
        """The last relayed answer; ``updated_at`` is when the source was read (s)."""
        record = self._load("answer")
        return PriceReading(record.answer, self.decimals, record.read_at)

    def received_at(self) -> int:
        """When the last relayed answer arrived on the destination (s)."""
        record: RelayedAnswer = self._load("answer")
        return record.received_at

    @property
    def relayer(self) -> str:
        """The only caller of :meth:`receive`: the destination side of the bridge."""
        relayer: str = self.state.contract(self.bridge).l2_address  # type: ignore[attr-defined]
        return relayer

    @external
    def receive(self, answer: int, read_at: int, caller: str | None = None) -> bool:
        """Take ``answer`` read at ``read_at``; returns False and emits RateUpdateIgnored when a
        newer answer is already here, else emits RateRelayed. An update read at the same time
        as the current one only bumps ``received_at``.

        Only the destination side of the bridge may call, from its code (as Lido's
        ``TokenRateOracle.updateRate`` only from the L2 bridge): the caller is the msg_sender,
        and a named ``caller`` must be it (NotTheCaller). Raises Unauthorized for any other
        caller, InvalidAmount for an answer that is not a positive int or a ``read_at`` that
        is not an int time."""
        who = self.acting(caller)
        if who != self.relayer:
            raise Unauthorized(
                f"only the bridge {self.relayer!r} (destination side of {self.bridge!r}) may relay to "
                f"{self.address!r}, not {who!r}"
            )
        check_answer(answer)
        check_amount(read_at, "read_at")
        current = self._load("answer")
        if read_at < current.read_at:
            self.state.emit(RateUpdateIgnored(self.address, answer, read_at, current.read_at))
            return False
        if read_at == current.read_at:
            answer = current.answer
        self._store("answer", RelayedAnswer(answer, read_at, self.state.now))
        self.state.emit(RateRelayed(self.address, answer, read_at))
        return True
