"""A time-weighted average price feed over a pair's UQ112.112 accumulators.

Like v2-periphery's ``ExampleOracleSimple``: the feed stores one observation (time and both
cumulative prices, read as ``currentCumulativePrices`` would, without touching the pair) and the
average over the last completed window. ``update()`` may be called once ``window`` seconds have
passed since the last observation; it records a new observation and the average price between
the two. ``latest()`` returns that average (it does not move until the next ``update``), so a
reading is exactly as manipulable as one window of the pool. Observations are frozen records:
they revert with transactions and fork with the state.
"""

from __future__ import annotations

import attrs

from amm.errors import TwapNotReady
from amm.events import TwapUpdated
from amm.library import Q112, UINT256
from amm.pair import Pair
from chain import (
    Contract,
    InvalidArgument,
    PriceReading,
    State,
    Token,
    WrongNetwork,
    check_amount,
    check_decimals,
    external,
)


@attrs.frozen
class Observation:
    """Cumulative prices (UQ112.112 * s, mod 2**256) at ``timestamp`` (s), and the average
    (UQ112.112) of the base price over the window that ended there (None before the first)."""

    timestamp: int
    price0_cumulative: int
    price1_cumulative: int
    price_average: int | None = None


class TwapFeed(Contract):
    """``chain.Feed`` of ``base`` in the pair's other token, averaged over ``window`` seconds."""

    kind = "feed.twap"

    def __init__(
        self, state: State, address: str, network: str, pair: str, base_token: Token, quote_token: Token,
        window: int, decimals: int,
    ) -> None:
        super().__init__(state, address, network)
        self.pair = pair
        self.base_token = base_token
        self.quote_token = quote_token
        self.base = base_token.symbol
        self.quote = quote_token.symbol
        self.window = window
        self.decimals = decimals

    @classmethod
    def deploy(
        cls, state: State, address: str, network: str, *, pair: str, base: Token, window: int, decimals: int = 18
    ) -> TwapFeed:
        """Register a TWAP of ``base`` (a token of the pair at ``pair``, a pair of ``network``) and
        take the first observation. Raises UnknownContract, InvalidArgument, WrongNetwork,
        InvalidAmount (window)."""
        facade = state.contract(pair)
        if not isinstance(facade, Pair):
            raise InvalidArgument(f"{pair!r} is not an amm Pair")
        if facade.network != network:
            raise WrongNetwork(f"pair {pair!r} lives on {facade.network!r}, not on {network!r}: "
                               "a feed reads only pairs of its own network")
        if base not in (facade.token0, facade.token1):
            raise InvalidArgument(f"{base!r} is not a token of {pair}")
        check_amount(window, "window", positive=True)
        check_decimals(decimals)
        quote = facade.token1 if base == facade.token0 else facade.token0
        feed = cls(state, address, network, pair, base, quote, window, decimals)
        state.register_contract(feed)
        p0, p1, _ = facade.current_cumulative_prices()
        feed._store("observation", Observation(state.now, p0, p1))
        state.depend(address, pair, "reads-price")
        return feed

    def _pair(self) -> Pair:
        return self.state.contract(self.pair)  # type: ignore[return-value]

    @property
    def observation(self) -> Observation:
        """The last observation record."""
        observation: Observation = self._load("observation")
        return observation

    @external
    def update(self) -> int:
        """Record an observation and the window's average; returns it (UQ112.112).

        Raises TwapNotReady before ``window`` seconds have passed. Emits TwapUpdated.
        """
        last: Observation = self._load("observation")
        now = self.state.now
        elapsed = now - last.timestamp
        if elapsed < self.window:
            raise TwapNotReady(f"{elapsed} s since the last observation, the window is {self.window} s: wait")
        pair = self._pair()
        p0, p1, _ = pair.current_cumulative_prices()
        if self.base_token == pair.token0:
            average = (p0 - last.price0_cumulative) % UINT256 // elapsed
        else:
            average = (p1 - last.price1_cumulative) % UINT256 // elapsed
        self._store("observation", Observation(now, p0, p1, average))
        self.state.emit(TwapUpdated(self.address, now, average))
        return average

    def latest(self) -> PriceReading:
        """The last window's average price of one whole ``base`` in whole ``quote``, with
        ``decimals`` decimals, rounded down; ``updated_at`` is the end of that window.
        Raises TwapNotReady before the first ``update``."""
        obs = self._load("observation")
        if obs.price_average is None:
            raise TwapNotReady(f"{self.address} has no completed window yet: call update() after {self.window} s")
        scale = 10 ** (self.decimals + self.base_token.decimals)
        answer = obs.price_average * scale // (Q112 * 10**self.quote_token.decimals)
        return PriceReading(answer, self.decimals, obs.timestamp)
