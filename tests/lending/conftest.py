"""A small world for the lending tests: one network, WETH/wstETH/USDC, manual USD feeds."""

from __future__ import annotations

import attrs
import pytest

from chain import ManualFeed, State
from lending import Market, RateStrategy, presets

USERS = ("alice", "bob", "carol", "dave", "liquidator")
USDC_SETTINGS = dict(ltv=7500, liquidation_threshold=7800, liquidation_bonus=10450,
                     liquidation_protocol_fee=1000, reserve_factor=1000)
USDC_STRATEGY = RateStrategy.from_percent("90", "0", "4", "60")


@attrs.define
class World:
    state: State
    market: Market
    weth: object
    wsteth: object
    usdc: object

    def feed(self, symbol: str) -> ManualFeed:
        return self.state.contract(f"{symbol.lower()}-usd")  # type: ignore[return-value]


def make_world(**market_kwargs: object) -> World:
    state = State()
    state.add_network("ethereum")
    weth = state.add_token("ethereum", "WETH")
    wsteth = state.add_token("ethereum", "wstETH")
    usdc = state.add_token("ethereum", "USDC", 6)
    for name in (*USERS, "treasury"):
        state.add_account(name)
    for symbol, usd in (("WETH", 2000), ("wstETH", 2300), ("USDC", 1)):
        ManualFeed.deploy(state, f"{symbol.lower()}-usd", "ethereum", base=symbol, quote="USD", decimals=8,
                          answer=usd * 10**8)
    market = presets.aave_v3_ethereum(
        state, "aave", "ethereum", treasury="treasury", weth=weth, weth_feed="weth-usd",
        wsteth=wsteth, wsteth_feed="wsteth-usd", **market_kwargs,
    )
    market.list_reserve(usdc, "usdc-usd", USDC_STRATEGY, **USDC_SETTINGS)
    for name in USERS:
        state.mint(weth, name, 1_000 * 10**18)
        state.mint(wsteth, name, 1_000 * 10**18)
        state.mint(usdc, name, 10_000_000 * 10**6)
    return World(state, market, weth, wsteth, usdc)


@pytest.fixture
def world() -> World:
    return make_world()
