"""Price feeds: the interface through which every package reads a price.

A feed is a contract with ``latest() -> PriceReading``: the price of one ``base`` unit in
``quote``, as an int with ``decimals`` decimals, and the time it was last updated. A package
that needs a price stores the feed's *address* and resolves it with ``state.contract`` at use,
so forks read their own feeds. The market never knows what is behind a feed (a settable
value, an AMM TWAP, an LST exchange rate, a product of two feeds).
"""

from __future__ import annotations

from typing import Protocol, Self, runtime_checkable

import attrs

from chain.calls import external
from chain.contract import Contract
from chain.errors import InvalidAmount, InvalidArgument, StaleFeed, UnknownContract, WrongNetwork
from chain.events import Event
from chain.record import Record
from chain.state import State
from chain.validation import check_amount, check_decimals, check_name


class PriceReading(Record):
    """``answer`` / 10**decimals units of quote per unit of base, as of ``updated_at`` (s)."""

    answer: int
    decimals: int
    updated_at: int

    def rescaled(self, decimals: int) -> int:
        """The answer with ``decimals`` decimals, rounded down."""
        scale: int
        if decimals == self.decimals:  # the common case, without the power of ten
            return self.answer * 1  # as answer * 10**0: an int for a bool answer too
        if decimals > self.decimals:
            scale = 10 ** (decimals - self.decimals)
            return self.answer * scale
        scale = 10 ** (self.decimals - decimals)
        return self.answer // scale


@runtime_checkable
class Feed(Protocol):
    """What any price source offers: see the module docstring."""

    address: str
    base: str
    quote: str
    decimals: int

    def latest(self) -> PriceReading: ...


class FeedUpdated(Event):
    """A settable feed's answer changed."""

    feed: str
    answer: int
    updated_at: int


def require_fresh(reading: PriceReading, now: int, max_age: int, what: str = "feed") -> PriceReading:
    """Return ``reading`` if it is at most ``max_age`` seconds old, else raise StaleFeed."""
    age = now - reading.updated_at
    if age > max_age:
        raise StaleFeed(f"{what} was updated {age} s ago, more than the allowed {max_age} s: update it")
    return reading


def check_answer(answer: object) -> int:
    """Return ``answer`` if it is a positive int within uint256, else raise InvalidAmount.

    A price of 0 (or a negative one, as a Chainlink ``int256`` can report) is never usable:
    Aave's oracle reverts on it, so a feed refuses to hold it."""
    if type(answer) is not int:
        raise InvalidAmount(f"a feed answer must be an int with the feed's decimals, got "
                            f"{type(answer).__name__} {answer!r:.60}: scale it, e.g. int(price * 10**decimals)")
    return check_amount(answer, "answer", positive=True)


@attrs.frozen
class _Answer:
    answer: int
    updated_at: int


class ManualFeed(Contract):
    """A feed whose answer is set by hand or by a scenario; journaled like everything else."""

    kind = "feed.manual"

    def __init__(self, state: State, address: str, network: str, base: str, quote: str, decimals: int) -> None:
        super().__init__(state, address, network)
        self.base = base
        self.quote = quote
        self.decimals = decimals

    @classmethod
    def deploy(
        cls, state: State, address: str, network: str, *, base: str, quote: str, decimals: int = 18, answer: int
    ) -> ManualFeed:
        """Register a settable feed with an initial ``answer`` (decimals as given).

        Raises InvalidArgument (names, decimals), InvalidAmount (an answer that is not a
        positive int: a price of 0 lets any collateral borrow everything), UnknownNetwork,
        DuplicateName; writes nothing on error.
        """
        check_name(base, "base")
        check_name(quote, "quote")
        check_decimals(decimals)
        check_answer(answer)
        feed = cls(state, address, network, base, quote, decimals)
        state.register_contract(feed)
        feed._store("answer", _Answer(answer, state.now))
        return feed

    @external
    def set(self, answer: int) -> None:
        """Set the answer (``decimals`` decimals) as of now; emits FeedUpdated.

        Raises InvalidAmount unless ``answer`` is a positive int (not 0, negative, a float,
        NaN or inf); writes nothing then."""
        check_answer(answer)
        now = self.state.now
        self._store("answer", _Answer(answer, now))
        self.state.emit(FeedUpdated(self.address, answer, now))

    def latest(self) -> PriceReading:
        record = self._load("answer")
        return PriceReading._make((record.answer, self.decimals, record.updated_at))


def _feed_of(state: State, address: object, network: str, role: str) -> Contract:
    """The feed at ``address`` on ``network``: UnknownContract, InvalidArgument (not a feed),
    WrongNetwork."""
    if not isinstance(address, str):
        raise UnknownContract(f"{role} feed must be a contract address, got {address!r}")
    feed = state.contract(address)
    if not all(hasattr(feed, name) for name in ("latest", "base", "quote", "decimals")):
        raise InvalidArgument(f"{role} {address!r} is a {feed.kind}, not a feed: pass the address of a Feed")
    if feed.network != network:
        raise WrongNetwork(f"{role} feed {address!r} lives on {feed.network!r}, not {network!r}: use a feed "
                           f"of {network!r} (relay it with a bridge's rate feed)")
    return feed


_POW10 = tuple(10**k for k in range(80))


class VersionedFeed(Contract):
    """A feed whose reading is a function of the state alone (its records, balances and the
    clock, its sources' as well): :meth:`latest` computes it with :meth:`_read` once per state
    version. The version changes with every write, so an unchanged version reads the same
    value (a market valuing several accounts between two writes reads it once)."""

    _kept: tuple[int, PriceReading] | None = None
    """The last reading and the state version it was read at (derived data of this facade)."""

    def bind(self, state: State) -> Self:
        """The feed bound to ``state``, keeping no reading of the state it came from."""
        clone = super().bind(state)
        clone._kept = None
        return clone

    def latest(self) -> PriceReading:
        """The reading now (:meth:`_read`, or the one read at this same version)."""
        version = self.state.version
        kept = self._kept
        if kept is not None and kept[0] == version:
            return kept[1]
        reading = self._read()
        self._kept = (version, reading)
        return reading

    def _read(self) -> PriceReading:
        raise NotImplementedError


class CompositeFeed(VersionedFeed):
    """``first`` x ``second``: e.g. stETH/ETH x ETH/USD = stETH/USD, rounded down.

    The reading is as old as the older of the two. It is read once per state version
    (:class:`VersionedFeed`), so both sources must read only the state, as every contract
    here does (a feed answering from a Python attribute set outside the journal would be seen
    late).
    """

    kind = "feed.composite"

    def __init__(self, state: State, address: str, network: str, first: str, second: str, decimals: int) -> None:
        super().__init__(state, address, network)
        self.first = first
        self.second = second
        self.decimals = decimals
        a, b = _feed_of(state, first, network, "first"), _feed_of(state, second, network, "second")
        if a.quote != b.base:  # type: ignore[attr-defined]
            raise InvalidArgument(
                f"cannot chain {a.base}/{a.quote} with {b.base}/{b.quote}: "  # type: ignore[attr-defined]
                "the first feed's quote must be the second feed's base"
            )
        self.base = a.base  # type: ignore[attr-defined]
        self.quote = b.quote  # type: ignore[attr-defined]

    @classmethod
    def deploy(cls, state: State, address: str, network: str, *, first: str, second: str, decimals: int = 18) -> CompositeFeed:
        """Register the product feed of the feeds at addresses ``first`` and ``second``, both
        feeds of ``network``, with ``decimals`` in [0, 36].

        Raises UnknownNetwork, InvalidArgument (decimals, a contract that is not a feed, feeds
        that do not chain), UnknownContract, WrongNetwork (a feed of another network: a market
        there could not read it), DuplicateName; writes nothing on error.
        """
        state.network(network)
        check_decimals(decimals)
        feed = cls(state, address, network, first, second, decimals)
        state.register_contract(feed)
        state.depend(address, first, "reads-price")
        state.depend(address, second, "reads-price")
        return feed

    def _read(self) -> PriceReading:
        """The product of the two readings with this feed's decimals, as old as the older one
        (:meth:`VersionedFeed.latest` reads it once per state version)."""
        state = self.state
        a = state.contract(self.first).latest()  # type: ignore[attr-defined]
        b = state.contract(self.second).latest()  # type: ignore[attr-defined]
        decimals = self.decimals
        shift = a.decimals + b.decimals - decimals
        product = a.answer * b.answer
        if 0 <= shift < len(_POW10):  # a x b x 10**d // 10**(da + db), the power of ten divided out
            answer = product // _POW10[shift]
        else:
            answer = product * 10**decimals // 10 ** (shift + decimals)
        return PriceReading._make((answer, decimals, min(a.updated_at, b.updated_at)))
