"""Cascades through the whole-book liquidator: every market and debt asset, sales split by best
execution, venues re-aligned each round, tokens conserved, the given world untouched."""

from __future__ import annotations

import pytest

from amm.stableswap import FEE_DENOMINATOR
from chain import WAD
from lstlab import audit
from lstlab.agents import Arbitrageur, Liquidator
from lstlab.audit.cascade import sold
from lstlab.world import names
from lstlab.world.book import bad_debt_book
from tests.lstlab.audit.conftest import band_bps

STETH_POOLS = ("v2", "l2_curve")


def _untouched_cascade(world, shock):
    digest = world.state.digest()
    c = audit.cascade(world, shock, 0.05)
    assert world.state.digest() == digest
    return c


@pytest.fixture(scope="module")
def depeg(book_world):
    return _untouched_cascade(book_world[0], "steth-depeg")


@pytest.fixture(scope="module")
def eth_price(book_world):
    return _untouched_cascade(book_world[0], "eth-price")


def _networks(world) -> dict[str, str]:
    return {p.key: p.network for p in world.pools()}


@pytest.mark.parametrize("which", ["depeg", "eth_price"])
def test_rounds_conserve_tokens(request, which):
    """Per round and market: wstETH seized = wstETH the pools of its network received (wei), and
    the row's floats are those integers over 1e18; the WETH the USDC pair received is exactly
    the WETH the first hops of USDC-debt sales returned."""
    c = request.getfixturevalue(which)
    networks = _networks(c.world)
    rows = c.rounds.set_index("round")
    assert len(c.records) >= 2
    for r in c.records:
        eth, lst = sold(r.sweep)
        for address, market in c.world.markets().items():
            seized = sum(x.collateral_seized for x in r.sweep.liquidations
                         if x.market == address and x.collateral_asset.symbol == "wstETH")
            received = sum(wei for key, wei in lst.items() if networks[key] == market.network)
            assert seized == received
            assert rows.loc[r.number, f"{address}_collateral_seized_wsteth"] == seized / WAD
        hop = sum(leg.amount_out for x in r.sweep.liquidations if x.debt_asset.symbol == "USDC"
                  for leg in x.plan.legs if leg.token_out.symbol == "WETH")
        assert eth.get("usdc_v2", 0) == hop
        for key in networks:
            assert rows.loc[r.number, f"{key}_sold_eth"] == eth.get(key, 0) / WAD


def test_round_one_matches_the_ledger(book_world, depeg):
    """Replayed from the public steps (move, follow, sweep): the market's wstETH outflow is what
    Curve and V2 took in, which is the row's seizure; the liquidator keeps no wstETH."""
    world, _, _ = book_world
    fork = world.fork()
    audit.move(fork, "steth-depeg", 0.05)
    audit.follow(fork, "steth-depeg", Arbitrageur())
    state, wst = fork.state, fork.wsteth
    held = {a: state.balance_of(wst, a) for a in (names.MARKET, names.CURVE, fork.pair.address)}
    sweep = Liquidator().sweep(fork)
    assert sweep.liquidations == depeg.records[1].sweep.liquidations
    out = held[names.MARKET] - state.balance_of(wst, names.MARKET)
    into = sum(state.balance_of(wst, a) - held[a] for a in (names.CURVE, fork.pair.address))
    assert out == into > 0
    assert depeg.rounds.loc[1, "aave_collateral_seized_wsteth"] == out / WAD
    assert state.balance_of(wst, "liq") == 0


def test_depeg_sales_are_split_and_the_venues_stay_together(depeg):
    """Each round with sales, Curve and V2 both take wstETH; after the sales their mids stand
    where best execution levels the marginal prices, V2 above Curve by (1 - f_curve) / (1 -
    f_v2) (26.1 bps) to within 0.5 bp; after the arbitrage every stETH pool is inside its band
    of the reference, which the market feed reads."""
    world = depeg.world
    f_curve = world.curve.record.fee / FEE_DENOMINATOR
    level = ((1 - f_curve) / (1 - world.pair.fee_bps / 1e4) - 1) * 1e4
    rows = depeg.rounds.set_index("round")
    assert rows.loc[1, "liquidations"] > 0
    for r in depeg.records[1:]:
        _, lst = sold(r.sweep)
        assert lst["curve"] > 0 and lst["v2"] > 0
        sales = dict(r.mids_after_sales)
        assert (sales["v2"] / sales["curve"] - 1) * 1e4 == pytest.approx(level, abs=0.5)
    for r in depeg.records:
        mids = dict(r.mids_after_arbitrage)
        for key in STETH_POOLS:
            lo, hi = band_bps(world, key)
            assert lo <= (mids[key] / mids["curve"] - 1) * 1e4 <= hi, (r.number, key)
        assert r.feed == mids["curve"] * WAD // r.rate
    assert (rows.feed_steth_eth == rows.reference_steth_eth).all()


def test_depeg_round_rows_carry_every_market_and_pool(depeg):
    columns = set(depeg.rounds.columns)
    for market in ("aave", "aave-l2"):
        assert {f"{market}_{k}" for k in ("liquidations", "debt_repaid_eth", "collateral_seized_eth",
                                          "collateral_seized_wsteth")} <= columns
    for pool in ("curve", "v2", "l2_curve"):
        assert {f"{pool}_sold_eth", f"{pool}_sold_wsteth", f"{pool}_price_sales_steth_eth",
                f"{pool}_price_arb_steth_eth"} <= columns
    assert {"usdc_v2_sold_eth", "usdc_v2_price_arb_usd", "bad_debt_eth", "bad_debt_usd"} <= columns
    assert len(depeg.by_market()) == 2 * len(depeg.rounds) and len(depeg.by_pool()) == 4 * len(depeg.rounds)
    totals = depeg.rounds.liquidations
    assert (totals == depeg.rounds["aave_liquidations"] + depeg.rounds["aave-l2_liquidations"]).all()


def test_depeg_leaves_l2_positions_unprofitable(book_world, depeg):
    """The L2 market prices bridged wstETH at the peg while its pool follows the depeg: its
    below-1 borrowers are left as unprofitable (5% discount against a 1% eMode bonus), and said so."""
    _, _, l2 = book_world
    assert not set(l2) & set(depeg.liquidated)
    assert depeg.rounds.loc[1, "liquidator_blocked_unprofitable"] >= len(l2)


def test_eth_price_liquidates_the_usdc_and_the_l2_borrowers(book_world, eth_price):
    """A 5% fall of ETH/USD: alice (USDC debt, HF 1.0009) is liquidated through WETH into the
    USDC pair; the L2 borrowers (already below 1) sell on the L2 pool only; the eMode loops,
    priced in ETH on both sides, are untouched; the USDC pair ends inside its band of the feed."""
    world, loops, l2 = book_world
    liquidated = set(eth_price.liquidated)
    assert "alice" in liquidated and set(l2) <= liquidated and not liquidated & set(loops)
    done = eth_price.records[1].sweep.liquidations
    usdc = [x for x in done if x.user == "alice"]
    assert usdc and all(x.debt_asset == world.usdc and dict(x.sold_eth)["usdc_v2"] > 0 for x in usdc)
    for x in done:
        if x.market == names.L2_MARKET:
            assert set(x.volumes()) == {"l2_curve"}
    feed = eth_price.world.feed("eth-usd").latest().answer * 10**10
    lo, hi = band_bps(world, "usdc_v2")
    for r in eth_price.records:
        assert lo <= (dict(r.mids_after_arbitrage)["usdc_v2"] / feed - 1) * 1e4 <= hi
    rows = eth_price.rounds.set_index("round")
    assert rows.loc[1, "aave-l2_liquidations"] == len(l2) and rows.loc[1, "usdc_v2_sold_eth"] > 0
    assert list(rows.index) == [0, 1]


def test_max_rounds_bounds_the_cascade(book_world):
    world, _, _ = book_world
    c = audit.cascade(world, "steth-depeg", 0.05, max_rounds=1)
    assert list(c.rounds["round"]) == [0, 1]


def test_rows_carry_the_book_bad_debt(depeg):
    """The last row's bad debt is the book of the world the cascade leaves, in ETH and USD."""
    last = depeg.rounds.iloc[-1]
    book = bad_debt_book(depeg.world)
    assert book.eth > 0
    assert last.bad_debt_eth == book.eth / WAD and last.bad_debt_usd == book.usd


def test_an_arbitrageur_holding_curve_only_leaves_v2_at_par(book_world):
    """Without the alignment (the arbitrageur holds no other pool) V2 stays near par and takes
    a far larger share of the first round's sales: the user's report."""
    world, _, _ = book_world
    c = audit.cascade(world, "steth-depeg", 0.05, arbitrageur=Arbitrageur(venues=("curve",)), max_rounds=1)
    aligned = audit.cascade(world, "steth-depeg", 0.05, max_rounds=1)
    mids = dict(c.records[0].mids_after_arbitrage)
    assert (mids["v2"] / mids["curve"] - 1) * 1e4 > 400
    assert sold(c.records[1].sweep)[1]["v2"] > 10 * sold(aligned.records[1].sweep)[1]["v2"]
