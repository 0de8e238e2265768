"""The relayed exchange rate: a chain Feed on the destination, stale by the bridge's latency."""

from __future__ import annotations

import pytest

from bridge import RATE, RateRelayed, RateUpdateIgnored, RelayedRateFeed
from chain import (
    CompositeFeed,
    Feed,
    ManualFeed,
    PriceReading,
    StaleFeed,
    Unauthorized,
    WrongNetwork,
    require_fresh,
)
from tests.bridge.conftest import LATENCY, RATE_0

RATE_1 = 1_160_000_000_000_000_000
RATE_2 = 1_170_000_000_000_000_000


class TestRelayedRate:
    def test_deploy_copies_the_source_now(self, world) -> None:
        """A new relayed feed is a chain Feed on the destination with the source's pair and answer."""
        relayed = world.bridge.deploy_rate_feed("rate-op", "rate")
        assert isinstance(relayed, Feed)
        assert (relayed.network, relayed.base, relayed.quote, relayed.decimals) == (
            "optimism",
            "wstETH",
            "stETH",
            18,
        )
        assert relayed.latest() == PriceReading(RATE_0, 18, world.state.now)

    def test_staleness_equals_latency(self, world) -> None:
        """The source changes; the destination sees it only after the latency, dated at the read time."""
        state, bridge = world.state, world.bridge
        relayed = bridge.deploy_rate_feed("rate-op", "rate")
        state.advance(100)
        world.feed.set(RATE_1)
        read_at = state.now
        mid = bridge.push_rate("rate-op")
        assert bridge.message(mid).kind == RATE
        state.advance(LATENCY - 1)
        bridge.relay()
        assert relayed.latest().answer == RATE_0
        state.advance(1)
        assert bridge.relay() == [mid]
        assert relayed.latest() == PriceReading(RATE_1, 18, read_at)
        assert state.now - relayed.latest().updated_at == LATENCY
        assert relayed.received_at() == state.now
        assert state.events[-2] == RateRelayed("rate-op", RATE_1, read_at)
        require_fresh(relayed.latest(), state.now, LATENCY)
        with pytest.raises(StaleFeed):
            require_fresh(relayed.latest(), state.now, LATENCY - 1)

    def test_older_update_delivered_late_is_ignored(self, world) -> None:
        """Reordered: the newer rate arrives first; the older one is ignored and reported."""
        state, bridge = world.state, world.bridge
        relayed = bridge.deploy_rate_feed("rate-op", "rate")
        state.advance(10)
        world.feed.set(RATE_1)
        old = bridge.push_rate("rate-op")
        state.advance(10)
        world.feed.set(RATE_2)
        new = bridge.push_rate("rate-op")
        state.advance(LATENCY)
        bridge.deliver(new)
        bridge.deliver(old)
        assert relayed.latest() == PriceReading(RATE_2, 18, state.now - LATENCY)
        assert state.events[-2] == RateUpdateIgnored(
            "rate-op", RATE_1, state.now - LATENCY - 10, state.now - LATENCY
        )

    def test_only_the_bridge_writes_and_feeds_compose(self, world) -> None:
        """A stranger cannot set the relayed rate; a destination CompositeFeed reads it."""
        state, bridge = world.state, world.bridge
        relayed = bridge.deploy_rate_feed("rate-op", "rate")
        digest = state.digest()
        with pytest.raises(Unauthorized):
            relayed.receive(1, state.now, "alice")
        assert state.digest() == digest
        ManualFeed.deploy(
            state, "steth-usd", "optimism", base="stETH", quote="USD", decimals=8, answer=2_000 * 10**8
        )
        combo = CompositeFeed.deploy(
            state, "wsteth-usd", "optimism", first="rate-op", second="steth-usd", decimals=8
        )
        assert combo.latest().answer == RATE_0 * 2_000 * 10**8 // 10**18

    def test_source_feed_must_live_on_the_source(self, world) -> None:
        """A relayed feed of a feed on the destination is refused with WrongNetwork, writing nothing."""
        state = world.state
        ManualFeed.deploy(state, "op-feed", "optimism", base="x", quote="y", answer=1)
        digest = state.digest()
        with pytest.raises(WrongNetwork):
            RelayedRateFeed.deploy(state, "rate-op", bridge="bridge", source="op-feed")
        assert state.digest() == digest
