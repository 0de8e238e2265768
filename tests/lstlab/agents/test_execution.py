"""Best execution: splits over pools at a common marginal price, two-hop routes, exact plans."""

from __future__ import annotations

import pytest

import amm
from amm import get_amount_out
from amm.errors import Slippage
from chain import WAD, InvalidAmount, InvalidArgument
from lstlab.agents import execution
from lstlab.agents.execution import NoRoute
from lstlab.world.names import ETH, L2
from lstlab.world.venues import BASE_I, QUOTE_I, PoolInfo

STEP = 10**15
"""One quote step (0.001 token): the resolution at which the split's optimality is checked."""
LARGE = 50_000 * WAD
"""A sale large enough that the Curve pool's marginal price falls below the V2 pair's par (the
default pools: Curve about 235k + 242k, V2 5,000 + 5,000)."""


def _v2_quote(world, pair_address, token_in, amount):
    """Exact V2 output (``getAmountOut``) of ``amount`` into the pair in its current state."""
    pair = world.state.contract(pair_address)
    r0, r1, _ = pair.get_reserves()
    r_in, r_out = (r0, r1) if token_in == pair.token0 else (r1, r0)
    return get_amount_out(amount, r_in, r_out) if amount else 0


def _curve_quote(world, amount):
    return world.curve.get_dy(BASE_I, QUOTE_I, amount) if amount else 0


def _wsteth_pools(world):
    return [p for p in world.pools() if p.network == ETH and p.base == world.wsteth]


def _twin_pair(world):
    """A second wstETH/WETH V2 pair with exactly the reserves of the world's pair."""
    r_wst, r_weth = world.router.reserves_for(world.wsteth, world.weth)
    world.fund(world.weth, "lp2", 2 * r_weth + r_weth // 10)
    staked = world.stake("lp2", r_weth + r_weth // 10)
    assert staked >= r_wst
    pair = amm.Pair.deploy(world.state, "pair-b", ETH, world.wsteth, world.weth, lp_symbol="LP-B")
    world.state.transfer(world.wsteth, "lp2", pair.address, r_wst)
    world.state.transfer(world.weth, "lp2", pair.address, r_weth)
    pair.mint("lp2")
    return PoolInfo("v2b", pair.address, ETH, "v2", world.wsteth, world.weth)


def test_two_pools_at_one_price_share_the_sale_evenly(world):
    """Two identical V2 pairs: the optimum is half into each, which pays 2 x getAmountOut(X/2)
    (to the wei of the floors) and strictly more than all of X into one pair."""
    twin = _twin_pair(world)
    pools = [p for p in world.pools() if p.key == "v2"] + [twin]
    x = 500 * WAD
    plan = execution.plan_sale(world, world.wsteth, world.weth, x, pools)
    assert [leg.pool for leg in plan.legs] == ["v2", "v2b"]
    assert sum(leg.amount_in for leg in plan.legs) == x
    assert all(abs(leg.amount_in - x // 2) <= x // 10**9 for leg in plan.legs)
    for leg in plan.legs:
        assert leg.amount_out == _v2_quote(world, leg.address, world.wsteth, leg.amount_in)
    assert plan.amount_out == sum(leg.amount_out for leg in plan.legs)
    half = _v2_quote(world, twin.address, world.wsteth, x // 2)
    assert abs(plan.amount_out - 2 * half) <= 2
    single = _v2_quote(world, twin.address, world.wsteth, x)
    assert plan.amount_out > single
    assert plan.amount_out >= _v2_quote(world, world.pair.address, world.wsteth, x)


def test_a_large_sale_splits_over_curve_and_v2_and_beats_either(world):
    plan = execution.plan_sale(world, world.wsteth, world.weth, LARGE)
    legs = {leg.pool: leg for leg in plan.legs}
    assert set(legs) == {"curve", "v2"} and legs["v2"].amount_in + legs["curve"].amount_in == LARGE
    assert legs["curve"].amount_out == _curve_quote(world, legs["curve"].amount_in)
    assert legs["v2"].amount_out == _v2_quote(world, world.pair.address, world.wsteth, legs["v2"].amount_in)
    assert plan.amount_out > _curve_quote(world, LARGE)
    assert plan.amount_out > _v2_quote(world, world.pair.address, world.wsteth, LARGE)


def test_the_split_marginal_prices_meet_within_one_quote_step(world):
    """Moving one STEP of input from either pool to the other pays no more (exact quotes): the
    next step of each pool pays no more than the last step of the other."""
    plan = execution.plan_sale(world, world.wsteth, world.weth, LARGE)
    legs = {leg.pool: leg.amount_in for leg in plan.legs}
    c, v = legs["curve"], legs["v2"]
    assert c > STEP and v > STEP

    def total(dc):
        return _curve_quote(world, c + dc) + _v2_quote(world, world.pair.address, world.wsteth, v - dc)

    assert total(0) == plan.amount_out
    assert total(STEP) <= total(0) and total(-STEP) <= total(0)


def test_a_pool_far_off_gets_nothing(world):
    """Pushed 20% down, the V2 pair pays less than Curve's marginal price even after the large
    sale: everything goes to Curve, at Curve's exact quote of the whole amount."""
    world.fund(world.weth, "pusher", 700 * WAD)
    pushed = world.stake("pusher", 700 * WAD)
    world.router.swap_exact_in("pusher", pushed, 0, [world.wsteth, world.weth], "pusher", world.state.now)
    plan = execution.plan_sale(world, world.wsteth, world.weth, LARGE)
    assert [(leg.pool, leg.amount_in) for leg in plan.legs] == [("curve", LARGE)]
    assert plan.amount_out == _curve_quote(world, LARGE)


def test_a_two_hop_sale_pays_the_chained_exact_quotes(world):
    """wstETH -> USDC has no direct pool: the first hop splits over Curve and V2, the second
    sells exactly their output into the WETH/USDC pair; executing pays exactly the plan."""
    plan = execution.plan_sale(world, world.wsteth, world.usdc, LARGE)
    first = [leg for leg in plan.legs if leg.token_out == world.weth]
    second = [leg for leg in plan.legs if leg.token_in == world.weth]
    assert {leg.pool for leg in first} == {"curve", "v2"} and [leg.pool for leg in second] == ["usdc_v2"]
    sold = {leg.pool: leg.amount_in for leg in first}
    weth = _curve_quote(world, sold["curve"]) + _v2_quote(world, world.pair.address, world.wsteth, sold["v2"])
    assert second[0].amount_in == weth
    usdc = world.router.get_amounts_out(weth, [world.weth, world.usdc])[-1]
    assert plan.amount_out == usdc == second[0].amount_out
    world.fund(world.weth, "seller", LARGE + WAD)
    world.stake("seller", LARGE + WAD)
    held = world.state.balance_of(world.wsteth, "seller")
    volumes = execution.execute(world, "seller", plan)
    assert world.state.balance_of(world.usdc, "seller") == usdc
    assert world.state.balance_of(world.wsteth, "seller") == held - LARGE
    assert world.state.balance_of(world.weth, "seller") == 0
    assert volumes == {leg.pool: leg.amount_in for leg in plan.legs}


def test_execution_is_all_or_nothing(world):
    """A plan made before another trade moved the V2 pair fails its minimum and writes nothing."""
    plan = execution.plan_sale(world, world.wsteth, world.weth, LARGE)
    world.fund(world.weth, "seller", 2 * LARGE)
    world.stake("seller", 2 * LARGE)
    world.router.swap_exact_in("seller", 100 * WAD, 0, [world.wsteth, world.weth], "seller", world.state.now)
    digest = world.state.digest()
    with pytest.raises(Slippage):
        execution.execute(world, "seller", plan)
    assert world.state.digest() == digest


def test_the_l2_sells_into_its_own_pool(world):
    plan = execution.plan_sale(world, world.l2_wsteth, world.l2_weth, 100 * WAD)
    assert [leg.pool for leg in plan.legs] == ["l2_curve"]
    assert plan.amount_out == world.l2_curve.get_dy(BASE_I, QUOTE_I, 100 * WAD)


def test_no_route_and_bad_input(world):
    dai = world.state.add_token(L2, "DAI")
    with pytest.raises(NoRoute):
        execution.plan_sale(world, world.l2_wsteth, dai, WAD)
    with pytest.raises(NoRoute):
        execution.plan_sale(world, world.wsteth, world.weth, WAD, pools=_wsteth_pools(world)[:0])
    with pytest.raises(InvalidAmount):
        execution.plan_sale(world, world.wsteth, world.weth, 0)
    with pytest.raises(InvalidArgument):
        execution.plan_sale(world, world.wsteth, world.wsteth, WAD)
    with pytest.raises(InvalidArgument):
        execution.plan_sale(world, world.wsteth, world.l2_weth, WAD)
