"""The TWAP feed: averages of the pair's accumulators over a window, journaled."""

from __future__ import annotations

import pytest

from amm import Pair, TwapFeed, TwapNotReady, TwapUpdated, get_amount_out
from chain import Feed, InvalidAmount, InvalidArgument
from tests.amm.conftest import E18, World, add_liquidity


def test_average_over_two_prices(world: World, pair: Pair) -> None:
    """10 s at price 1 then 20 s at price r1/r0 average to (2**112*10 + (r1*2**112//r0)*20)//30."""
    state = world.state
    add_liquidity(world, pair, 3 * E18, 3 * E18)
    feed = TwapFeed.deploy(state, "twap", "ethereum", pair=pair.address, base=pair.token0, window=30)
    assert isinstance(feed, Feed)
    with pytest.raises(TwapNotReady):
        feed.latest()
    state.advance(10)
    state.transfer(pair.token0, "wallet", pair.address, 6 * E18)
    pair.swap(0, get_amount_out(6 * E18, 3 * E18, 3 * E18), "wallet")
    r0, r1, _ = pair.get_reserves()
    state.advance(19)
    digest = state.digest()
    with pytest.raises(TwapNotReady):
        feed.update()
    assert state.digest() == digest
    state.advance(1)
    average = feed.update()
    expected = (2**112 * 10 + (r1 * 2**112 // r0) * 20) // 30
    assert average == expected
    assert state.events[-1] == TwapUpdated("twap", state.now, expected)
    reading = feed.latest()
    assert reading.answer == expected * 10**18 // 2**112
    assert (reading.decimals, reading.updated_at) == (18, state.now)


def test_quote_side_and_fork(world: World, pair: Pair) -> None:
    """The token1 feed reads price1; an update on a fork leaves the parent's feed alone."""
    state = world.state
    add_liquidity(world, pair, 2 * E18, 8 * E18)
    feed = TwapFeed.deploy(state, "twap1", "ethereum", pair=pair.address, base=pair.token1, window=60, decimals=8)
    state.advance(60)
    fork = state.fork()
    fork.contract("twap1").update()
    assert fork.contract("twap1").latest().answer == 25_000_000  # 0.25 TKA per TKB, 8 decimals
    with pytest.raises(TwapNotReady):
        feed.latest()


def test_bad_deploys(world: World, pair: Pair) -> None:
    """A non-pair address, a foreign token or a zero window is refused."""
    state = world.state
    with pytest.raises(InvalidArgument):
        TwapFeed.deploy(state, "t1", "ethereum", pair="factory", base=pair.token0, window=1)
    with pytest.raises(InvalidArgument):
        TwapFeed.deploy(state, "t2", "ethereum", pair=pair.address, base=world.token2, window=1)
    with pytest.raises(InvalidAmount):
        TwapFeed.deploy(state, "t3", "ethereum", pair=pair.address, base=pair.token0, window=0)
