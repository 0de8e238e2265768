"""Seeded populations: loops, stakers, L2 borrowers."""

from __future__ import annotations

from chain import WAD
from lstlab.agents import l2_borrowers, loop_population, stakers


def test_loop_population_is_deterministic_per_seed(base_world):
    a, b, c = base_world.fork(), base_world.fork(), base_world.fork()
    names = loop_population(a, 12, 5)
    assert loop_population(b, 12, 5) == names
    loop_population(c, 12, 6)
    assert [a.market.position(u) for u in names] == [b.market.position(u) for u in names]
    assert [a.market.position(u) for u in names] != [c.market.position(u) for u in names]
    assert a.state.digest() == b.state.digest() != c.state.digest()


def test_stakers_hold_what_they_staked(world):
    names = stakers(world, 5, 1, amount=(1.0, 2.0))
    held = [world.state.balance_of(world.wsteth, u) for u in names]
    assert all(WAD <= h <= 2 * WAD for h in held)  # rate 1 in the default world
    assert names == [f"staker-{k:05d}" for k in range(5)]


def test_l2_borrowers_are_deterministic_and_in_band(base_world):
    a, b = base_world.fork(), base_world.fork()
    names = l2_borrowers(a, 4, 9, health=(1.1, 1.3))
    assert l2_borrowers(b, 4, 9, health=(1.1, 1.3)) == names
    assert a.state.digest() == b.state.digest()
    assert all(1.1 <= a.l2_market.health_factor(u) / WAD <= 1.3 + 1e-9 for u in names)
