"""hypothesis properties of the pair and the router (issue 3 acceptance)."""

from __future__ import annotations

from math import isqrt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amm import (
    InsufficientLiquidityBurned,
    InsufficientLiquidityMinted,
    KInvariant,
    ReserveOverflow,
    Slippage,
    get_amount_in,
    get_amount_out,
)
from tests.amm.conftest import make_world

reserve = st.integers(min_value=10**4, max_value=10**28)
amount = st.integers(min_value=1, max_value=10**27)
fee = st.sampled_from([0, 5, 30, 100])


def _pool(r0: int, r1: int, fee_bps: int = 30):
    world = make_world(fee_bps)
    pair = world.factory.create_pair(world.token0, world.token1)
    world.state.transfer(pair.token0, "wallet", pair.address, r0)
    world.state.transfer(pair.token1, "wallet", pair.address, r1)
    pair.mint("wallet")
    return world, pair


@given(r0=reserve, r1=reserve, amount_in=amount, fee_bps=fee, zero_for_one=st.booleans())
def test_k_never_falls_and_one_wei_more_fails(r0, r1, amount_in, fee_bps, zero_for_one) -> None:
    """The quoted output keeps K; one wei more fails K and writes nothing."""
    world, pair = _pool(r0, r1, fee_bps)
    r_in, r_out = (r0, r1) if zero_for_one else (r1, r0)
    out = get_amount_out(amount_in, r_in, r_out, fee_bps)
    token_in = pair.token0 if zero_for_one else pair.token1
    world.state.transfer(token_in, "wallet", pair.address, amount_in)
    outs = (lambda o: (0, o)) if zero_for_one else (lambda o: (o, 0))
    if out + 1 < r_out:
        digest = world.state.digest()
        with pytest.raises(KInvariant):
            pair.swap(*outs(out + 1), "wallet")
        assert world.state.digest() == digest
    if out == 0:
        return
    pair.swap(*outs(out), "wallet")
    n0, n1, _ = pair.get_reserves()
    assert n0 * n1 >= r0 * r1


@given(r0=reserve, r1=reserve, out=amount, fee_bps=fee)
def test_rounding_favours_the_pool(r0, r1, out, fee_bps) -> None:
    """get_amount_in buys at least ``out``, and the pair accepts exactly that input."""
    if out >= r1:
        return
    amount_in = get_amount_in(out, r0, r1, fee_bps)
    assert get_amount_out(amount_in, r0, r1, fee_bps) >= out
    if r0 + amount_in < 2**112:
        world, pair = _pool(r0, r1, fee_bps)
        world.state.transfer(pair.token0, "wallet", pair.address, amount_in)
        pair.swap(0, out, "wallet")
        assert pair.get_reserves()[1] == r1 - out


@given(r0=reserve, r1=reserve, a0=amount, a1=amount, fee_on=st.booleans())
def test_mint_then_burn_returns_no_more(r0, r1, a0, a1, fee_on) -> None:
    """Depositing and withdrawing at once never returns more than was deposited."""
    world, pair = _pool(r0, r1)
    if isqrt(r0 * r1) <= 1000:
        return
    if fee_on:
        world.factory.set_fee_to("other")
        world.factory.set_param("fee_on", 1)
    state = world.state
    state.add_account("lp")
    state.mint(pair.token0, "lp", a0)
    state.mint(pair.token1, "lp", a1)
    state.transfer(pair.token0, "lp", pair.address, a0)
    state.transfer(pair.token1, "lp", pair.address, a1)
    try:
        liquidity = pair.mint("lp")
    except (InsufficientLiquidityMinted, ReserveOverflow):
        return  # too small to mint, or past uint112: nothing to redeem
    state.transfer(pair.lp_token, "lp", pair.address, liquidity)
    try:
        got0, got1 = pair.burn("lp")
    except InsufficientLiquidityBurned:
        got0 = got1 = 0
    assert got0 <= a0 and got1 <= a1


@given(r0=reserve, r1=reserve, amount_in=amount, extra=st.integers(1, 10**6))
def test_failed_swap_reverts_whole_transaction(r0, r1, amount_in, extra) -> None:
    """A transaction that swaps, then asks the router for too much, undoes the first swap too."""
    world, pair = _pool(r0, r1)
    state = world.state
    out = get_amount_out(amount_in, r0, r1)
    if out == 0 or r0 + 2 * amount_in >= 2**112:
        return
    digest = state.digest()
    path = [pair.token0, pair.token1]
    with pytest.raises(Slippage), state.tx("wallet"):
        state.transfer(pair.token0, "wallet", pair.address, amount_in)
        pair.swap(0, out, "wallet")
        quoted = world.router.get_amounts_out(amount_in, path)[-1]
        world.router.swap_exact_in("wallet", amount_in, quoted + extra, path, "wallet", 2**40)
    assert state.digest() == digest
