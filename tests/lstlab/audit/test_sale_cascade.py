"""Cascades from a sale: tokens conserved, the every-eligible rule takes exactly the positions below
1 each round, a v2 and a v3 market stressed together, seizable collateral by rule."""

from __future__ import annotations

import pandas as pd
import pytest

import lending
from chain import WAD
from lstlab import audit
from lstlab.agents import Liquidator
from lstlab.audit.sale import KEEPER, SELLER
from lstlab.audit.seizable import lst_prices
from lstlab.world import LendingParams, PoolParams, WorldParams, default_world, names

HFS = (1.002, 1.006, 1.01, 1.015, 1.02, 1.03, 1.045, 1.06)
"""Health factors of the imported positions at par: a ladder the sale's price fall walks down."""


def _book(world, market: str, lt_bps: int, emode: int, prefix: str) -> pd.DataFrame:
    """One wstETH/WETH position per HF of HFS in ``market``: 100 wstETH against the debt giving
    that HF at the market's prices (floored to a whole wei)."""
    m = world.state.contract(market) if market != "aave-v3" else world.market
    value = 100 * m.price(world.wsteth) * lt_bps // (10_000 * m.price(world.weth))  # ETH at LT
    rows = []
    for k, hf in enumerate(HFS):
        debt = f"{value / hf:.6f}"
        rows += [(f"{prefix}{k}", market, "wstETH", "100", "0", emode, True),
                 (f"{prefix}{k}", market, "WETH", "0", debt, emode, True)]
    return pd.DataFrame(rows, columns=["account", "market", "asset", "collateral", "debt", "emode",
                                       "collateral_enabled"])


@pytest.fixture(scope="module")
def world():
    """Two markets (v3 first, eMode LT 95%; v2, stETH figures LT 83%), a 3,000 + 3,000 Curve pool,
    the market oracle, no background borrower; HFS laddered in both markets."""
    params = WorldParams(markets=("aave-v3", "aave-v2"), pools=PoolParams(curve_eth=3000, curve_steth=3000),
                         lending=LendingParams(background=False))
    w = default_world(params)
    w.set_oracle("market")
    v2_lt = w.state.contract("aave-v2").reserve_config(w.wsteth).liquidation_threshold
    frame = pd.concat([_book(w, "aave-v3", 9500, 1, "v3-"), _book(w, "aave-v2", v2_lt, 0, "v2-")])
    audit.open_positions(w, audit.load_positions(frame))
    return w


SALE = 300 * WAD
"""wstETH sold into the 3,000 + 3,000 pool: enough to push stETH/ETH a few percent down."""


@pytest.fixture(scope="module")
def every(world):
    return audit.cascade(world, sale=audit.Sale("curve", SALE), rule="every-eligible")


def test_the_given_world_is_untouched(world):
    digest = world.state.digest()
    audit.cascade(world, sale=audit.Sale("curve", SALE), rule="every-eligible", max_rounds=1)
    assert world.state.digest() == digest


def test_every_eligible_liquidates_exactly_the_positions_below_one(world, every):
    """Round k takes every (market, account) whose exact HF is below 1 and that holds collateral
    when the round starts (the world after k-1 rounds: the same cascade stopped there), and
    nothing else."""
    assert len(every.taken) >= 1
    for k, taken in enumerate(every.taken, start=1):
        start = audit.cascade(world, sale=audit.Sale("curve", SALE), rule="every-eligible", max_rounds=k - 1).world
        below = {(a, u) for a, m in start.markets().items() for u in m.users()
                 if m.health_factor(u) < WAD and m.supplied(u, start.wsteth)}
        assert {(t.market, t.user) for t in taken} == below
    end = every.world
    left = [u for m in end.markets().values() for u in lending.liquidatable(m)]
    assert left == [] or len(every.taken) == 20


def test_a_sale_cascade_conserves_tokens(world, every):
    """WETH's supply grows by exactly the seller's stake and the keeper's funding; the pool took the
    sale plus every wstETH seized; the keeper holds none, and holds the proceeds plus what funding
    the liquidations did not use; every ledger sums to its supply."""
    end = every.world
    state0, state1 = world.state, end.state
    taken = [t for r in every.taken for t in r]
    stake = world.issuer.get_pooled_by_shares_up(SALE) + 2
    funded = dict(every.funded)
    assert state1.total_supply(end.weth) - state0.total_supply(world.weth) == stake + funded[end.weth]
    seized = sum(t.collateral for t in taken)
    assert seized == sum(t.sold for t in taken)
    pool_gain = state1.balance_of(end.wsteth, names.CURVE) - state0.balance_of(world.wsteth, names.CURVE)
    assert pool_gain == SALE + seized
    assert state1.balance_of(end.wsteth, KEEPER) == 0
    assert state1.balance_of(end.wsteth, SELLER) <= 2  # the +2 wei of its stake over the sale
    unused = funded[end.weth] - sum(t.debt for t in taken)
    assert state1.balance_of(end.weth, KEEPER) == sum(t.proceeds for t in taken) + unused
    for token in (end.weth, end.wsteth):
        assert sum(state1.holders(token).values()) == state1.total_supply(token)


def test_both_markets_are_stressed_by_one_sale(every):
    """The ladder sits in both markets; one sale liquidates in both, and the rows say so per market."""
    rows = every.rounds
    assert rows["aave_liquidations"].sum() > 0 and rows["aave-v2_liquidations"].sum() > 0
    assert (rows["price_after_steth_eth"] <= rows["price_before_steth_eth"]).all()
    assert rows.loc[0, "collateral_sold_wsteth"] == SALE / WAD


def test_the_liquidator_works_both_markets(world):
    """After the price falls (the market feed at 0.97), the whole-book liquidator liquidates in
    the v3 and the v2 market in one sweep."""
    fork = world.fork()
    fork.feed("steth-eth-market").set(97 * 10**16)
    sweep = Liquidator.create(fork).sweep(fork)
    assert {x.market for x in sweep.liquidations} == {names.MARKET, "aave-v2"}


def test_seizable_follows_each_rule(world):
    """At stETH/ETH 0.97 each market's row counts the positions below 1 at that price, and repays
    what its rule allows: at most half of each debt under v2 (50% always)."""
    table = audit.seizable(world, 0.97).set_index("market")
    v2 = world.state.contract("aave-v2")
    assert table.loc["aave-v2", "rule"] == "v2"
    below = [u for u in v2.users() if v2.account_data(u, _at(world, v2, 0.97)).health_factor < WAD]
    assert table.loc["aave-v2", "positions"] == len(below) > 0
    half = sum(v2.debt(u, world.weth) // 2 for u in below)
    assert table.loc["aave-v2", "debt_repaid_eth"] * WAD == pytest.approx(half, rel=1e-12)


def _at(world, m, price):
    return lst_prices(world, m, round(price * WAD))
