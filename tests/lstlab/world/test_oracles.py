"""Oracles by name: install points the Ethereum market's wstETH reserve at them, and its price follows.

Expected prices are written from the feeds' definitions: a product feed is
``a * b * 10**d // 10**(da + db)``, so wstETH/USD = (rate x stETH/ETH // 1e18) x ETH/USD // 1e18
with ETH/USD at 8 decimals.
"""

from __future__ import annotations

import pytest

from amm import TwapNotReady
from amm.oracles import pool_spot_price, wad_exp
from chain import WAD, InvalidAmount, InvalidArgument, Unauthorized
from lstlab.world.names import CURVE, L2_MARKET, MARKET
from lstlab.world.oracles import ORACLES, UnknownOracle, install, oracle_of, poke_all

Q112 = 2**112


@pytest.fixture
def rated(world):
    """The default world a year on, the issuer's rate at 1.035 (so no factor of the price is 1)."""
    world.state.advance(365 * 86_400)
    world.report_rewards(0.035)
    return world


def rate(world) -> int:
    return world.feed("wsteth-steth").latest().answer


def eth_usd(world) -> int:
    return world.feed("eth-usd").latest().answer


def usd(world, wsteth_eth: int) -> int:
    """wstETH/USD (8 decimals) for a wstETH/ETH price (wad), as the product feed rounds."""
    return wsteth_eth * eth_usd(world) // WAD


def via_rate(world, steth_eth: int) -> int:
    """wstETH/USD for a stETH/ETH price (wad): the issuer's rate first."""
    return usd(world, rate(world) * steth_eth // WAD)


def sell_wsteth(world, amount: int) -> None:
    world.fund(world.weth, "seller", amount * 2)
    world.curve.exchange("seller", 1, 0, world.stake("seller", amount * 2) // 2, 0)


@pytest.mark.parametrize("name", list(ORACLES))
def test_each_oracle_installs_and_the_market_reads_it(rated, name):
    """Every name deploys its feeds, the wstETH reserve reads the returned feed, and prices by it."""
    feed = install(rated, name)
    assert rated.market.reserve_config(rated.wsteth).feed == feed
    assert oracle_of(rated) == name
    if name == "v2-twap":
        rated.state.advance(3600)
        poke_all(rated)
    price = rated.market.price(rated.wsteth)
    assert price == rated.feed(feed).latest().rescaled(8)
    assert 0.9 * 1719e8 < price < 1.1 * 1719e8


def test_exchange_rate_ignores_the_market(rated):
    """The adapter prices by the rate x 1 x ETH/USD whatever stETH trades at."""
    install(rated, "market")
    install(rated, "exchange-rate")
    rated.feed("steth-eth-market").set(90 * 10**16)
    assert rated.market.price(rated.wsteth) == via_rate(rated, WAD)


def test_market_follows_the_market_feed(rated):
    """With the market oracle the price is the rate x the market stETH/ETH x ETH/USD."""
    install(rated, "market")
    rated.feed("steth-eth-market").set(95 * 10**16)
    assert rated.market.price(rated.wsteth) == via_rate(rated, 95 * 10**16)


def test_chainlink_market_moves_at_the_band_or_the_heartbeat(rated):
    """0.49% below the last round nothing moves; at 0.5% it does; inside the band again, after 24 h."""
    install(rated, "chainlink-market")
    market, source = rated.market, rated.feed("steth-eth-market")
    source.set(WAD - 49 * 10**14)
    poke_all(rated)
    assert market.price(rated.wsteth) == via_rate(rated, WAD)
    source.set(WAD - 50 * 10**14)
    assert poke_all(rated) == {"steth-eth-chainlink": True}
    assert market.price(rated.wsteth) == via_rate(rated, 995 * 10**15)
    source.set(994 * 10**15)
    rated.state.advance(86_399)
    assert poke_all(rated) == {"steth-eth-chainlink": False}
    rated.state.advance(1)
    poke_all(rated)
    assert market.price(rated.wsteth) == via_rate(rated, 994 * 10**15)
    assert rated.feed("steth-eth-chainlink").round()[0] == 3


def test_curve_ema_follows_the_pool_with_its_lag(rated):
    """After a sale the price keeps the old average in the same second; 866 s on it is e^-1 of the way back."""
    install(rated, "curve-ema")
    ema = rated.feed("steth-eth-curve-ema")
    before = ema.price_oracle()
    sell_wsteth(rated, 20_000 * WAD)
    poke_all(rated)
    assert rated.market.price(rated.wsteth) == via_rate(rated, before)
    spot = pool_spot_price(rated.curve, 1)
    rated.state.advance(866)
    alpha = wad_exp(-WAD)  # exp(-866 * 1e18 // 866): Solady's e^-1, 367879441171442321
    expected = (spot * (WAD - alpha) + before * alpha) // WAD
    assert ema.price_oracle() == expected
    assert rated.market.price(rated.wsteth) == via_rate(rated, expected)
    assert spot < expected < before


def test_v2_twap_reads_after_one_window(rated):
    """The TWAP has no reading before its first window; over a still pair it is the reserve ratio."""
    install(rated, "v2-twap")
    with pytest.raises(TwapNotReady):
        rated.market.price(rated.wsteth)
    rated.state.advance(3599)
    assert poke_all(rated) == {"wsteth-eth-v2-twap": False}
    rated.state.advance(1)
    assert poke_all(rated) == {"wsteth-eth-v2-twap": True}
    pair = rated.pair
    r0, r1, _ = pair.get_reserves()
    r_wst, r_weth = (r0, r1) if pair.token0 == rated.wsteth else (r1, r0)
    twap = (r_weth * Q112 // r_wst) * WAD // Q112
    assert rated.market.price(rated.wsteth) == usd(rated, twap)


def test_pool_quote_is_read_live_and_floored_to_its_grid(rated):
    """The price is get_dy(size)/size x ETH/USD, moves with a trade without a poke, and sits on the grid."""
    size, grid = 1000 * WAD, 25 * 10**14
    feed = install(rated, "pool-quote", size=size, grid=grid)
    assert feed == "wsteth-usd-pool-quote[grid=2500000000000000,size=1000000000000000000000]"
    curve = rated.curve

    def quoted() -> int:
        return usd(rated, curve.get_dy(1, 0, size) * WAD // size // grid * grid)

    assert rated.market.price(rated.wsteth) == quoted()
    sell_wsteth(rated, 30_000 * WAD)
    assert rated.market.price(rated.wsteth) == quoted()
    assert rated.feed("wsteth-eth-pool-quote[grid=2500000000000000,size=1000000000000000000000]") \
        .latest().answer % grid == 0


def test_pool_quote_on_the_v2_venue(rated):
    """venue='v2' quotes the V2 pair (its 0.3% fee) instead of Curve."""
    install(rated, "pool-quote", venue="v2")
    r0, r1, _ = rated.pair.get_reserves()
    r_wst, r_weth = (r0, r1) if rated.pair.token0 == rated.wsteth else (r1, r0)
    out = WAD * 997 * r_weth // (r_wst * 1000 + WAD * 997)
    assert rated.market.price(rated.wsteth) == usd(rated, out)


def test_install_is_idempotent(rated):
    """Installing the same oracle twice writes nothing the second time."""
    install(rated, "curve-ema")
    digest, count = rated.state.digest(), len(rated.state.contracts())
    assert install(rated, "curve-ema") == "wsteth-usd-curve-ema"
    assert rated.state.digest() == digest and len(rated.state.contracts()) == count


def test_switching_back_and_forth_reuses_the_feeds(rated):
    """Oracles coexist: switching back restores the same feed and price."""
    first = install(rated, "chainlink-market")
    price = rated.market.price(rated.wsteth)
    install(rated, "chainlink-market", heartbeat=3600)
    assert rated.market.reserve_config(rated.wsteth).feed == "wsteth-usd-chainlink[heartbeat=3600]"
    assert install(rated, "chainlink-market") == first
    assert rated.market.price(rated.wsteth) == price


def test_unknown_name_lists_the_names(rated):
    """An unknown name is a typed error naming every oracle there is; nothing is written."""
    digest = rated.state.digest()
    with pytest.raises(UnknownOracle) as info:
        install(rated, "median-of-three")
    assert all(name in str(info.value) for name in ORACLES)
    assert rated.state.digest() == digest


@pytest.mark.parametrize("name, options, error", [
    ("market", {"size": WAD}, InvalidArgument),
    ("pool-quote", {"venue": "balancer"}, InvalidArgument),
    ("pool-quote", {"size": 0}, InvalidAmount),
    ("chainlink-market", {"heartbeat": 0}, InvalidAmount),
    ("curve-ema", {"ma_exp_time": -1}, InvalidAmount),
])
def test_bad_options_write_nothing(rated, name, options, error):
    """An option the oracle does not take, or a bad value, raises typed and leaves the world as it was."""
    digest = rated.state.digest()
    with pytest.raises(error):
        install(rated, name, **options)
    assert rated.state.digest() == digest


def test_a_refused_feed_switch_undoes_the_deploys(rated):
    """Once the timelock governs the market, install raises Unauthorized and leaves no feed behind."""
    rated.hand_parameters_to_governance()
    digest = rated.state.digest()
    with pytest.raises(Unauthorized):
        install(rated, "curve-ema")
    assert rated.state.digest() == digest and not rated.state.has_address("steth-eth-curve-ema")


def test_only_ethereum_markets(rated):
    """The L2 market and a contract that is not a market are refused with a typed error."""
    with pytest.raises(InvalidArgument, match="optimism"):
        install(rated, "market", market=L2_MARKET)
    with pytest.raises(InvalidArgument, match="not a lending market"):
        install(rated, "market", market=CURVE)


def test_named_market_and_forks(rated):
    """``market=`` names the market; a fork installs alone."""
    fork = rated.fork()
    install(fork, "market", market=MARKET)
    assert oracle_of(fork) == "market" and oracle_of(rated) == "exchange-rate"
    assert not rated.state.has_address("steth-eth-curve-ema")


def test_poke_all_pokes_each_kind(rated):
    """A fresh world has nothing to poke; with an EMA, a TWAP and an aggregator, poke_all reports each."""
    assert poke_all(rated) == {}
    for name in ("curve-ema", "v2-twap", "chainlink-market"):
        install(rated, name)
    rated.state.advance(3600)
    assert poke_all(rated) == {"steth-eth-curve-ema": True, "wsteth-eth-v2-twap": True, "steth-eth-chainlink": False}
