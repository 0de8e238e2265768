"""Price feeds (settable, composite, staleness) and governable parameters."""

from __future__ import annotations

import attrs
import pytest

from chain import (
    CompositeFeed,
    Contract,
    FeedUpdated,
    Governable,
    InvalidAmount,
    InvalidArgument,
    ManualFeed,
    ParameterOutOfBounds,
    ParameterSet,
    ParamSpec,
    PriceReading,
    StaleFeed,
    State,
    Unauthorized,
    UnknownParameter,
    require_fresh,
)


@pytest.fixture
def state():
    state = State()
    state.add_network("ethereum")
    state.add_account("dao")
    return state


def test_manual_feed_set_and_revert(state):
    feed = ManualFeed.deploy(state, "steth-eth", "ethereum", base="stETH", quote="ETH", answer=10**18)
    assert feed.latest() == PriceReading(10**18, 18, state.now)
    state.advance(100)
    with pytest.raises(RuntimeError), state.tx():
        feed.set(93 * 10**16)
        assert feed.latest().answer == 93 * 10**16
        raise RuntimeError
    assert feed.latest() == PriceReading(10**18, 18, state.now - 100)
    feed.set(95 * 10**16)
    assert state.events[-1] == FeedUpdated("steth-eth", 95 * 10**16, state.now)
    with pytest.raises(InvalidAmount):
        feed.set(-1)


def test_composite_feed_rounds_down_and_takes_older_time(state):
    """stETH/ETH 0.95 (18 dp) x ETH/USD 1719.12345678 (8 dp) = stETH/USD, 8 dp, floored."""
    ManualFeed.deploy(state, "steth-eth", "ethereum", base="stETH", quote="ETH", answer=95 * 10**16)
    state.advance(10)
    ManualFeed.deploy(state, "eth-usd", "ethereum", base="ETH", quote="USD", decimals=8, answer=171912345678)
    feed = CompositeFeed.deploy(state, "steth-usd", "ethereum", first="steth-eth", second="eth-usd", decimals=8)
    reading = feed.latest()
    assert reading.answer == 95 * 171912345678 // 100  # 163316728394.1 -> floor
    assert reading.updated_at == state.now - 10
    assert (feed.base, feed.quote) == ("stETH", "USD")
    with pytest.raises(InvalidArgument):
        CompositeFeed.deploy(state, "bad", "ethereum", first="eth-usd", second="steth-eth")


def test_composite_feed_reads_every_change_of_its_feeds(state):
    """The product is read once per state version and follows every change: a sub-feed set, a
    reverted set, time, and a fork's own prices (the parent's reading unchanged)."""
    first = ManualFeed.deploy(state, "steth-eth", "ethereum", base="stETH", quote="ETH", answer=95 * 10**16)
    second = ManualFeed.deploy(state, "eth-usd", "ethereum", base="ETH", quote="USD", decimals=8, answer=2000 * 10**8)
    feed = CompositeFeed.deploy(state, "steth-usd", "ethereum", first="steth-eth", second="eth-usd", decimals=8)

    def product() -> int:
        return first.latest().answer * second.latest().answer // 10**18

    assert feed.latest() is feed.latest() and feed.latest().answer == product() == 1900 * 10**8
    second.set(1000 * 10**8)
    assert feed.latest().answer == product() == 950 * 10**8
    with pytest.raises(RuntimeError), state.tx():
        first.set(5 * 10**17)
        assert feed.latest().answer == 500 * 10**8
        raise RuntimeError
    assert feed.latest().answer == 950 * 10**8
    state.advance(60)
    first.set(96 * 10**16)  # the older reading is the eth-usd one, 60 s ago
    assert feed.latest() == PriceReading(960 * 10**8, 8, state.now - 60)
    fork = state.fork()
    fork.contract("eth-usd").set(10 * 10**8)
    assert fork.contract("steth-usd").latest().answer == 96 * 10**7
    assert feed.latest().answer == 960 * 10**8


def test_require_fresh_boundary(state):
    reading = PriceReading(1, 0, state.now - 3600)
    assert require_fresh(reading, state.now, 3600) is reading
    with pytest.raises(StaleFeed):
        require_fresh(reading, state.now, 3599)
    assert PriceReading(123456, 3, 0).rescaled(5) == 12345600
    assert PriceReading(123456, 3, 0).rescaled(1) == 1234


@attrs.frozen
class _Fee:
    bps: int


class FeeBox(Governable, Contract):
    kind = "test.feebox"

    def param_specs(self):
        return {"fee_bps": ParamSpec("fee_bps", 0, 2000, "bps", "a fee")}

    def get_param(self, name):
        return self._load("fee", _Fee(1000)).bps

    def _apply_param(self, name, value):
        self._store("fee", _Fee(value))


def test_governable_parameters(state):
    box = state.register_contract(FeeBox(state, "box", "ethereum"))
    box.set_param("fee_bps", 500)
    assert box.get_param("fee_bps") == 500
    assert state.events[-1] == ParameterSet("box", "fee_bps", 1000, 500)
    box.set_param_admin("dao")
    before = state.digest()
    with pytest.raises(Unauthorized):
        box.set_param("fee_bps", 600, caller="mallory")
    with pytest.raises(UnknownParameter, match="declares: fee_bps"):
        box.set_param("fee", 600, caller="dao")
    for bad in (2001, -1, 5.0, True):
        with pytest.raises(ParameterOutOfBounds):
            box.set_param("fee_bps", bad, caller="dao")
    assert state.digest() == before
    box.set_param("fee_bps", 2000, caller="dao")
    assert box.get_param("fee_bps") == 2000
