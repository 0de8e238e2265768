"""Fixtures of the amm tests: a state with two 18-decimal tokens, a funded wallet, a factory."""

from __future__ import annotations

import attrs
import pytest

from amm import Factory, Pair, Router, StableSwap
from chain import State, Token

E18 = 10**18


@attrs.frozen
class World:
    state: State
    token0: Token
    token1: Token
    token2: Token
    factory: Factory
    router: Router


def make_world(fee_bps: int = 30) -> World:
    state = State()
    state.add_network("ethereum")
    state.add_network("arbitrum")
    tokens = [state.add_token("ethereum", s) for s in ("TKA", "TKB", "TKC")]
    for name in ("wallet", "other"):
        state.add_account(name)
    for token in tokens:
        state.mint(token, "wallet", 10**30)
    factory = Factory.deploy(state, "factory", "ethereum", fee_bps=fee_bps)
    router = Router.deploy(state, "router", "ethereum", factory="factory")
    return World(state, *tokens, factory, router)


@pytest.fixture
def world() -> World:
    return make_world()


def add_liquidity(world: World, pair: Pair, amount0: int, amount1: int, to: str = "wallet") -> int:
    """Send both amounts to the pair and mint, as v2-core's ``addLiquidity`` test helper."""
    world.state.transfer(pair.token0, "wallet", pair.address, amount0)
    world.state.transfer(pair.token1, "wallet", pair.address, amount1)
    return pair.mint(to)


def fails_unchanged(state: State, exc: type[Exception], fn, *args) -> None:
    """``fn(*args)`` raises ``exc`` and leaves ``state.digest()`` as it was."""
    digest = state.digest()
    with pytest.raises(exc):
        fn(*args)
    assert state.digest() == digest


@pytest.fixture
def pair(world: World) -> Pair:
    return world.factory.create_pair(world.token0, world.token1)


def stableswap_world(address: str = "pool", *, rates=None, fee: int = 4_000_000, admin_fee: int = 5 * 10**9,
                     A: int = 50, balances=(1000 * E18, 1000 * E18)) -> tuple[State, StableSwap]:
    """A WETH/stETH StableSwap at ``address`` seeded by ``lp`` with ``balances``; ``lp`` and
    ``trader`` hold 1e30 of each coin."""
    state = State()
    state.add_network("ethereum")
    coins = [state.add_token("ethereum", "WETH"), state.add_token("ethereum", "stETH")]
    for name in ("lp", "trader"):
        state.add_account(name)
        for coin in coins:
            state.mint(coin, name, 10**30)
    pool = StableSwap.deploy(state, address, "ethereum", coins, A=A, fee=fee, admin_fee=admin_fee, rates=rates)
    pool.add_liquidity("lp", list(balances), 0)
    return state, pool
