"""The vectorised risk view against the exact integer one, liquidation prices, the cache, forks,
governance changes and the graph edges."""

from __future__ import annotations

import random

import numpy as np
import pytest

from chain import cycles
from chain.fixedpoint import WAD
from lending import account_data, health_factors, health_factors_exact, liquidatable, liquidation_price, risk
from tests.lending.conftest import make_world

E18, U6, P8 = 10**18, 10**6, 10**8


def population(n: int = 60, seed: int = 7):
    world = make_world()
    m, state = world.market, world.state
    m.supply("bob", world.usdc, 5_000_000 * U6)
    m.supply("bob", world.weth, 500 * E18)
    rng = random.Random(seed)
    for k in range(n):
        user = state.add_account(f"u{k}")
        state.mint(world.weth, user, 100 * E18)
        state.mint(world.wsteth, user, 100 * E18)
        m.supply(user, world.weth, rng.randint(1, 10) * E18)
        if k % 3 == 0:
            m.supply(user, world.wsteth, rng.randint(1, 10) * E18)
        if k % 5 == 0:
            m.set_emode(user, 1)
            room = m.account_data(user).available_borrows_base
            m.borrow(user, world.weth, room * E18 // (2000 * P8) * 9 // 10)
        else:
            room = m.account_data(user).available_borrows_base
            m.borrow(user, world.usdc, room * U6 // P8 * rng.randint(50, 99) // 100)
    return world


class TestVectorised:
    def test_matches_exact(self) -> None:
        """Float HFs agree with the exact integer HFs to 1e-9 relative, user by user."""
        world = population()
        users, hf = health_factors(world.market)
        exact = health_factors_exact(world.market)
        assert sorted(users) == sorted(exact)
        for user, value in zip(users, hf):
            assert abs(value - exact[user] / WAD) <= 1e-9 * value

    def test_liquidatable_is_exact(self) -> None:
        """After a price drop, liquidatable() is exactly the set with integer HF < 1."""
        world = population()
        world.feed("WETH").set(1720 * P8)
        found = liquidatable(world.market)
        truth = sorted(u for u, h in health_factors_exact(world.market).items() if h < WAD)
        assert sorted(found) == truth and truth

    @pytest.mark.parametrize("n", [10, 60])
    @pytest.mark.parametrize("price", [1990, 1850, 1720, 1500])
    def test_the_exact_path_of_a_small_book_and_the_float_view_agree(self, monkeypatch, n, price) -> None:
        """liquidatable() on a book checked position by position (at most EXACT_BOOK borrowers)
        and through the float view returns the same users, in the same order: those with an
        exact HF < 1."""
        world = population(n)
        m = world.market
        world.feed("WETH").set(price * P8)
        truth = [u for u, h in health_factors_exact(m).items() if h < WAD]
        monkeypatch.setattr(risk, "EXACT_BOOK", 10**6)
        exact = liquidatable(m)
        monkeypatch.setattr(risk, "EXACT_BOOK", 0)
        assert exact == liquidatable(m) == truth

    def test_borrowers_follow_the_positions(self) -> None:
        world = population(10)
        m = world.market
        first = risk.borrowers(m)
        assert first == tuple(health_factors_exact(m)) and risk.borrowers(m) is first
        world.state.mint(world.weth, "bob", 10 * E18)
        m.borrow("bob", world.usdc, U6)
        assert risk.borrowers(m) == tuple(health_factors_exact(m)) == ("bob", *first)  # bob's position came first
        assert risk.borrowers(world.state.fork().contract("aave")) == risk.borrowers(m)

    def test_cache_follows_positions_prices_and_governance(self) -> None:
        """Arrays are reused across price moves and rebuilt after a position change."""
        world = population(10)
        m = world.market
        health_factors(m)
        arrays = m._risk_cache
        world.feed("WETH").set(1900 * P8)
        users, hf1 = health_factors(m)
        assert m._risk_cache is arrays
        m.set_param("WETH.liquidation_threshold", 8100)
        _, hf2 = health_factors(m)
        assert np.all(hf2[np.isfinite(hf2)] <= hf1[np.isfinite(hf1)])
        m.supply("u1", world.weth, E18)
        health_factors(m)
        assert m._risk_cache is not arrays
        exact = health_factors_exact(m)
        users, hf = health_factors(m)
        assert all(abs(v - exact[u] / WAD) <= 1e-9 * v for u, v in zip(users, hf))

    def test_fork_sees_its_own_prices(self) -> None:
        """A fork's crash does not touch the parent's view."""
        world = population(10)
        before = health_factors_exact(world.market)
        fork = world.state.fork()
        fork.contract("weth-usd").set(1000 * P8)
        assert liquidatable(fork.contract("aave"))
        assert liquidatable(world.market) == []
        assert health_factors_exact(world.market) == before


class TestLiquidationPrice:
    @staticmethod
    def boundary(world, collateral, amount: int, debt, borrowed: int) -> tuple[int, object]:
        """Alice supplies ``amount`` of ``collateral``, borrows ``borrowed`` (lent by bob);
        returns the WETH liquidation price and HF as a function of the WETH price."""
        m = world.market
        m.supply("bob", debt, 2 * borrowed)
        m.supply("alice", collateral, amount)
        m.borrow("alice", debt, borrowed)
        pos = m.position("alice")
        return liquidation_price(m, "alice", world.weth), lambda p: account_data(m, pos, {0: p}).health_factor

    def test_collateral_price_is_the_boundary(self) -> None:
        """The returned WETH price is the highest at which the exact HF is below 1."""
        world = make_world()
        p, hf = self.boundary(world, world.weth, 3 * E18, world.usdc, 4_321 * U6)
        assert hf(p) < WAD <= hf(p + 1)
        assert abs(p - 4_321 * P8 * 10_000 // (3 * 8300)) <= 1

    def test_debt_price_is_the_boundary(self) -> None:
        """For the debt asset it is the lowest price with HF below 1."""
        world = make_world()
        p, hf = self.boundary(world, world.usdc, 10_000 * U6, world.weth, 3 * E18)
        assert hf(p) < WAD <= hf(p - 1)

    def test_no_debt_no_price(self) -> None:
        """Without debt there is no liquidation price."""
        world = make_world()
        world.market.supply("alice", world.weth, E18)
        assert liquidation_price(world.market, "alice", world.weth) is None


class TestGraph:
    def test_loop_is_a_cycle(self) -> None:
        """user -> market "supplied", market -> user "lent-to", market -> feed "prices-with"."""
        world = make_world()
        m = world.market
        m.supply("bob", world.weth, 10 * E18)
        m.supply("alice", world.wsteth, E18)
        m.borrow("alice", world.weth, E18 // 2)
        graph = world.state.graph()
        kinds = {(s, d, k["kind"]) for s, d, k in graph.edges(data=True)}
        assert ("alice", "aave", "supplied") in kinds
        assert ("aave", "alice", "lent-to") in kinds
        assert ("aave", "wsteth-usd", "prices-with") in kinds
        assert ["aave", "alice"] in cycles(world.state)
        edge = next(d for s, t, d in graph.edges(data=True)
                    if (s, t, d["kind"]) == ("aave", "alice", "lent-to"))
        assert edge["amount"] == E18 // 2 and edge["asset"] == world.weth.key
