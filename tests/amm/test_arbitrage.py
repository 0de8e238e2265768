"""Arbitrage sizing, checked by executing the trade on a pair."""

from __future__ import annotations

import pytest

from amm import amount_in_to_price, arbitrage_profit, get_amount_out, profit_maximizing_trade
from tests.amm.conftest import make_world

WAD = 10**18
CASES = [  # reserve_in, reserve_out, price (wad, out per in), fee_bps
    (1_000 * WAD, 1_000 * WAD, 95 * WAD // 100, 30),
    (3_000 * WAD, 1_000_000 * WAD, 250_123_456_789 * WAD // 1_000_000_000, 30),
    (1_000 * WAD, 2_000_000 * WAD, 1_500 * WAD, 30),
    (10**24, 3 * 10**24, 2 * WAD, 5),
    (5 * WAD, 10 * WAD, WAD, 30),
    (123_456_789, 987_654_321, 5 * WAD, 0),
]


def _execute(reserve_in: int, reserve_out: int, dx: int, fee_bps: int) -> tuple[int, int]:
    world = make_world(fee_bps)
    pair = world.factory.create_pair(world.token0, world.token1)
    world.state.transfer(pair.token0, "wallet", pair.address, reserve_in)
    world.state.transfer(pair.token1, "wallet", pair.address, reserve_out)
    pair.mint("wallet")
    out = get_amount_out(dx, reserve_in, reserve_out, fee_bps)
    world.state.transfer(pair.token0, "wallet", pair.address, dx)
    pair.swap(0, out, "wallet")
    return pair.get_reserves()[:2]


@pytest.mark.parametrize("r_in,r_out,price,fee", CASES)
def test_amount_to_price_lands_on_target(r_in, r_out, price, fee) -> None:
    """After the trade the pool price is at or below the target; one wei less is above it."""
    target = price
    dx = amount_in_to_price(r_in, r_out, target, fee)
    assert dx > 0
    n_in, n_out = _execute(r_in, r_out, dx, fee)
    assert n_out * WAD <= target * n_in
    n_in, n_out = _execute(r_in, r_out, dx - 1, fee) if dx > 1 else (r_in, r_out)
    assert n_out * WAD > target * n_in


@pytest.mark.parametrize("r_in,r_out,price,fee", CASES)
def test_profit_maximising_trade(r_in, r_out, price, fee) -> None:
    """The sized trade earns no less than one wei less or more, and more than 0.1% less or more."""
    dx = profit_maximizing_trade(r_in, r_out, price, fee)
    assert dx > 0
    best = arbitrage_profit(dx, r_in, r_out, price, fee)
    exact = get_amount_out(dx, r_in, r_out, fee) * WAD - dx * price
    for other in (dx - 1, dx + 1):
        profit = get_amount_out(other, r_in, r_out, fee) * WAD - other * price
        assert profit <= exact
        if price % WAD:  # a plateau needs a whole number of output wei per input wei
            assert profit < exact
    for other in (dx - dx // 1000, dx + dx // 1000):
        assert arbitrage_profit(other, r_in, r_out, price, fee) < best
    assert best > 0


def test_no_trade_when_pool_is_cheaper() -> None:
    """If the pool already pays less than the external price, nothing is profitable or needed."""
    assert profit_maximizing_trade(1000 * WAD, 1000 * WAD, 2 * WAD) == 0
    assert amount_in_to_price(1000 * WAD, 1000 * WAD, 2 * WAD) == 0
