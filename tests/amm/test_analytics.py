"""LP analytics: impermanent loss on a real pool, position value, fees earned."""

from __future__ import annotations

from fractions import Fraction
from math import sqrt

import pytest

from amm import (
    MINIMUM_LIQUIDITY,
    amount_in_to_price,
    fees_earned,
    get_amount_out,
    impermanent_loss,
    liquidity_value,
    position_value,
    value_in_token1,
)
from tests.amm.conftest import make_world

WAD = 10**18
RESERVE = 10**24
RATIOS = [Fraction(1, 100), Fraction(1, 4), Fraction(1, 2), Fraction(4, 5), Fraction(5, 4), 2, 4, 16, 100]


def _pool(fee_bps: int):
    world = make_world(fee_bps)
    pair = world.factory.create_pair(world.token0, world.token1)
    world.state.transfer(pair.token0, "wallet", pair.address, RESERVE)
    world.state.transfer(pair.token1, "wallet", pair.address, RESERVE)
    return world, pair, pair.mint("wallet")


def _swap(world, pair, zero_for_one: bool, amount_in: int) -> None:
    r0, r1, _ = pair.get_reserves()
    if zero_for_one:
        out = get_amount_out(amount_in, r0, r1, pair.fee_bps)
        world.state.transfer(pair.token0, "wallet", pair.address, amount_in)
        pair.swap(0, out, "wallet")
    else:
        out = get_amount_out(amount_in, r1, r0, pair.fee_bps)
        world.state.transfer(pair.token1, "wallet", pair.address, amount_in)
        pair.swap(out, 0, "wallet")


@pytest.mark.parametrize("r", RATIOS)
def test_impermanent_loss_matches_formula(r) -> None:
    """A fee-less pool arbitraged to price r loses 2*sqrt(r)/(1+r) - 1 against holding (1e-9)."""
    world, pair, liquidity = _pool(0)
    supply = pair.total_supply()
    held = liquidity_value(RESERVE, RESERVE, supply, liquidity)
    r = Fraction(r)
    if r < 1:  # token0 falls: sell token0 until token1-per-token0 is r
        _swap(world, pair, True, amount_in_to_price(RESERVE, RESERVE, int(r * WAD), 0))
    else:
        _swap(world, pair, False, amount_in_to_price(RESERVE, RESERVE, int(WAD / r), 0))
    position = position_value(pair, liquidity)
    loss = impermanent_loss(*held, *position, int(r * WAD))
    assert abs(float(loss) - (2 * sqrt(r) / (1 + r) - 1)) < 1e-9


def test_position_value_is_what_burn_pays_with_fee_on() -> None:
    """position_value counts the protocol fee not yet minted, exactly as burn does."""
    world, pair, liquidity = _pool(30)
    world.factory.set_fee_to("other")
    world.factory.set_param("fee_on", 1)
    _swap(world, pair, True, 10**22)  # fee on only counts growth after the next liquidity event
    world.state.transfer(pair.token0, "wallet", pair.address, 10**21)
    world.state.transfer(pair.token1, "wallet", pair.address, 10**21)
    liquidity += pair.mint("wallet")
    _swap(world, pair, False, 3 * 10**22)
    _swap(world, pair, True, 2 * 10**22)
    expected = position_value(pair, liquidity)
    world.state.transfer(pair.lp_token, "wallet", pair.address, liquidity)
    assert pair.burn("wallet") == expected
    assert world.state.balance_of(pair.lp_token, "other") > 0


def test_fees_earned() -> None:
    """Fees are ~0.3% of the traded value at 30 bps, and zero (to the wei) without a fee."""
    for fee_bps in (0, 30):
        world, pair, liquidity = _pool(fee_bps)
        supply, before = pair.total_supply(), pair.get_reserves()[:2]
        _swap(world, pair, True, 10**21)
        _swap(world, pair, False, 10**21)
        now = pair.get_reserves()[:2]
        fee0, fee1 = fees_earned(liquidity, supply, before, pair.total_supply(), now)
        price = now[1] * WAD // now[0]
        value = value_in_token1(fee0, fee1, price)
        if fee_bps == 0:
            assert abs(fee0) <= 1 and abs(fee1) <= 1
        else:
            share = Fraction(liquidity, supply)
            assert abs(Fraction(value) / (Fraction(6 * 10**18) * share) - 1) < Fraction(1, 100)


def test_liquidity_value_rounds_down() -> None:
    """The locked MINIMUM_LIQUIDITY makes a full withdrawal round down."""
    assert liquidity_value(3 * WAD, 3 * WAD, 3 * WAD, 3 * WAD - MINIMUM_LIQUIDITY) == (3 * WAD - 1000,) * 2
    assert liquidity_value(10, 7, 3, 1) == (3, 2)
