"""lending/ benchmarks: health factors of 10,000 positions, and supply/borrow transactions."""

from __future__ import annotations

from collections.abc import Iterator

from bench.harness import Row, Workload, measure
from chain import ManualFeed, State
from lending import Market, health_factors, health_factors_exact, presets
from lending.rates import RateStrategy

N_POSITIONS = 10_000
N_TX = 4_000
"""Transactions per timed round."""
E18, U6, P8 = 10**18, 10**6, 10**8


def _market(users: int) -> tuple[State, Market, object, object]:
    state = State()
    state.add_network("ethereum")
    weth = state.add_token("ethereum", "WETH")
    usdc = state.add_token("ethereum", "USDC", 6)
    wsteth = state.add_token("ethereum", "wstETH")
    state.add_account("treasury")
    state.add_account("whale")
    for symbol, usd in (("WETH", 2000), ("wstETH", 2300), ("USDC", 1)):
        ManualFeed.deploy(state, f"{symbol.lower()}-usd", "ethereum", base=symbol, quote="USD", decimals=8,
                          answer=usd * P8)
    m = presets.aave_v3_ethereum(state, "aave", "ethereum", treasury="treasury", weth=weth,
                                 weth_feed="weth-usd", wsteth=wsteth, wsteth_feed="wsteth-usd")
    m.list_reserve(usdc, "usdc-usd", RateStrategy.from_percent("90", "0", "4", "60"),
                   ltv=7500, liquidation_threshold=7800, liquidation_bonus=10450)
    state.mint(usdc, "whale", 10**18 * U6)
    m.supply("whale", usdc, 10**15 * U6)
    for k in range(users):
        user = state.add_account(f"u{k}")
        state.mint(weth, user, 10**6 * E18)
        state.mint(usdc, user, 10**9 * U6)
    return state, m, weth, usdc


def health_factors_10k() -> Iterator[Row]:
    """Health factors of 10,000 positions, vectorised, against the exact loop over positions."""
    state, m, weth, usdc = _market(N_POSITIONS)
    for k in range(N_POSITIONS):
        m.supply(f"u{k}", weth, (k % 50 + 1) * E18)
        m.borrow(f"u{k}", usdc, (k % 50 + 1) * 1000 * U6)
    state.drain_events()
    health_factors(m)  # build the position arrays once
    feed = state.contract("weth-usd")

    def vectorised() -> None:
        feed.set(1990 * P8)  # a price move: arrays stay, prices and indexes are re-read
        health_factors(m)

    def rebuilt() -> None:
        m._risk_cache = None
        health_factors(m)

    t = measure({"vector": Workload(vectorised), "rebuilt": Workload(rebuilt),
                 "exact": Workload(lambda: health_factors_exact(m))})
    yield Row("HF of 10,000 positions, numpy (after a price move)", t["vector"], "exact integer loop", t["exact"],
              note="target < 5 ms")
    yield Row("HF of 10,000 positions, numpy incl. array rebuild", t["rebuilt"], "exact integer loop", t["exact"])


def supply_borrow_tx() -> Iterator[Row]:
    """Alternating supply and borrow transactions of 100 users against a ledger transfer in a
    transaction."""
    state, m, weth, usdc = _market(100)
    for k in range(100):
        m.supply(f"u{k}", weth, 1000 * E18)
    state.drain_events()
    users = [f"u{k}" for k in range(100)]

    def lending_tx() -> None:
        tx, supply, borrow = state.tx, m.supply, m.borrow
        for n in range(N_TX // 2):
            user = users[n % 100]
            with tx(user):
                supply(user, weth, E18)
            with tx(user):
                borrow(user, usdc, U6)

    def transfers() -> None:
        tx, transfer = state.tx, state.transfer
        for n in range(N_TX):
            user = users[n % 100]
            with tx(user):
                transfer(usdc, user, "whale", 1)

    t = measure({"lending": Workload(lending_tx, N_TX, state.drain_events),
                 "transfer": Workload(transfers, N_TX, state.drain_events)})
    yield Row("lending supply/borrow transaction (alternating)", t["lending"], "ledger transfer in state.tx",
              t["transfer"], target=4.0)


CASES = [health_factors_10k, supply_borrow_tx]
