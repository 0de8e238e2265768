"""The arbitrageur: pools moved to the reference, sizing, LST arbitrage."""

from __future__ import annotations


import pytest

from amm import profit_maximizing_trade
from amm.stableswap_price import PoolQuote
from chain import WAD, LstlabError
from lstlab.audit import probe
from lstlab.agents import Arbitrageur, Step
from lstlab.agents.arbitrageur import (
    PRICE_TOLERANCE,
    STEP,
    WETH_I,
    WSTETH_I,
    curve_mid,
    curve_size,
    protocol_rate,
)


def _step(world, steth_eth: float) -> Step:
    return Step(0, world.state.now, 0, 1719.0, steth_eth, 0.035)


def _value(world, account: str, ref: int) -> int:
    """Holdings of ``account`` in WETH wei x WAD, wstETH at ``ref``."""
    state = world.state
    return state.balance_of(world.weth, account) * WAD + state.balance_of(world.wsteth, account) * ref


def _marginal(world, i: int, j: int) -> int:
    """Output of the next STEP of coin i, wad of j per i."""
    return world.curve.get_dy(i, j, STEP) * WAD // STEP


# --- arbitrageur ------------------------------------------------------------------------


@pytest.mark.parametrize("steth_eth", [0.995, 1.004])
def test_arbitrageur_moves_curve_to_the_reference(world, steth_eth):
    """Below the pool's price it sells wstETH, above it buys; afterwards the pool's marginal
    bid/ask brackets the reference and the side it traded sits within PRICE_TOLERANCE of it;
    the trade's profit valued at the reference is what it reported and positive."""
    arb = Arbitrageur(weth_inventory=200_000 * WAD, wsteth_inventory=200_000 * WAD, venues=("curve",))
    arb.fund(world)
    ref = arb.reference(world, steth_eth)
    before = _value(world, "arb", ref)
    done = arb.arbitrage(world, ref)
    assert done.trades >= 1
    assert 0 <= (_value(world, "arb", ref) - before) // WAD - done.profit < done.trades
    assert done.profit > 0
    bid = _marginal(world, WSTETH_I, WETH_I)
    ask = WAD * WAD // _marginal(world, WETH_I, WSTETH_I)
    assert bid <= ref * (1 + PRICE_TOLERANCE) and ask >= ref * (1 - PRICE_TOLERANCE)
    moved = bid if steth_eth < 1 else ask
    assert abs(moved / ref - 1) <= PRICE_TOLERANCE
    assert arb.arbitrage(world, ref).trades == 0


@pytest.mark.parametrize("steth_eth", [0.99, 1.01])
def test_arbitrageur_moves_v2_to_the_closed_form_optimum(world, steth_eth):
    arb = Arbitrageur(venues=("v2",))
    arb.fund(world)
    ref = arb.reference(world, steth_eth)
    before = _value(world, "arb", ref)
    done = arb.arbitrage(world, ref)
    assert done.trades == 1 and done.profit == (_value(world, "arb", ref) - before) // WAD > 0
    r_wst, r_weth = world.router.reserves_for(world.wsteth, world.weth)
    assert profit_maximizing_trade(r_wst, r_weth, ref) == 0
    assert profit_maximizing_trade(r_weth, r_wst, WAD * WAD // ref) == 0
    assert abs(r_weth * WAD / r_wst / ref - 1) < 0.0031  # within the 0.3% fee band


def test_arbitrageur_never_trades_below_its_gas_cost(world):
    arb = Arbitrageur(gas_wei=10**6 * WAD)
    arb.fund(world)
    digest = world.state.digest()
    metrics = arb.act(world, _step(world, 0.99))
    assert metrics["arb_trades"] == 0 and metrics["arb_profit_eth"] == 0
    assert world.state.digest() == digest


def test_arbitrageur_act_reports_the_pool_prices(world):
    arb = Arbitrageur.create(world, wsteth_inventory=200_000 * WAD)
    metrics = arb.act(world, _step(world, 0.995))
    assert metrics["arb_trades"] >= 2 and metrics["arb_profit_eth"] > 0
    # the pool's bid (fee taken) is left at the reference, so its fee-free mid is 0.995 / (1 - fee)
    assert metrics["curve_steth_eth"] == pytest.approx(0.995 / (1 - 0.0004), rel=PRICE_TOLERANCE)
    assert metrics["v2_steth_eth"] == pytest.approx(0.995, rel=0.0031)


def test_lst_arbitrage_buys_below_par_and_queues_redemptions(world):
    """The pool sold 2% below the rate: with a 10 bps band the arbitrageur buys wstETH until
    the marginal ask is back within the band and queues it for redemption."""
    probe.depeg_pool(world, 0.02)
    arb = Arbitrageur(lst_band_bps=10, weth_inventory=1_000_000 * WAD)
    arb.fund(world)
    rate = protocol_rate(world)
    done = arb.lst_arbitrage(world)
    assert done.trades >= 1 and done.requests >= 1 and done.profit > 0
    owned = [r for k, r in world.queue._records().items() if k[0] == "request" and r.owner == "arb"]
    assert len(owned) == done.requests
    ask = WAD * WAD // _marginal(world, WETH_I, WSTETH_I)
    assert abs(ask / (rate * 9990 // 10_000) - 1) <= PRICE_TOLERANCE


def test_lst_arbitrage_mints_above_par(world):
    arb = Arbitrageur(lst_band_bps=10, weth_inventory=200_000 * WAD, wsteth_inventory=0)
    arb.fund(world)
    world.fund(world.weth, "whale", 60_000 * WAD)
    world.curve.exchange("whale", WETH_I, WSTETH_I, 60_000 * WAD, 0)  # the pool above par
    supply = world.issuer.total_shares()
    done = arb.lst_arbitrage(world)
    assert done.trades >= 1 and done.profit > 0
    assert world.issuer.total_shares() > supply
    bid = _marginal(world, WSTETH_I, WETH_I)
    assert abs(bid / (protocol_rate(world) * 10_010 // 10_000) - 1) <= PRICE_TOLERANCE


def _bisected_size(world, i: int, j: int, price: int, cap: int) -> int:
    """curve_size's definition by plain bisection on the pool's own get_dy: the input made
    of every STEP whose marginal output beats ``price``."""

    def out(x: int) -> int:
        try:
            return world.curve.get_dy(i, j, x) if x else 0
        except LstlabError:
            return 0

    def beats(k: int) -> bool:
        return (out((k + 1) * STEP) - out(k * STEP)) * WAD > price * STEP

    lo, hi = 0, cap // STEP
    if hi == 0 or not beats(0):
        return 0
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if beats(mid) else (lo, mid)
    return hi * STEP


def _off_mid(world, i: int, bps: int) -> int:
    """The pool's mid price ``bps`` away, as wad of the other coin per coin ``i``."""
    mid = curve_mid(world)
    return (mid if i == WSTETH_I else WAD * WAD // mid) * (10_000 + bps) // 10_000


SIZINGS = [(WSTETH_I, WETH_I, bps, cap) for bps in (-60, -5, 0, 3, 40) for cap in (3 * STEP, 500 * WAD, 10**6 * WAD)]
SIZINGS += [(WETH_I, WSTETH_I, bps, cap) for bps in (-60, -1, 0, 5, 40) for cap in (STEP - 1, 2 * STEP, 10**6 * WAD)]


@pytest.mark.parametrize(("i", "j", "bps", "cap"), SIZINGS)
def test_curve_size_is_the_bisection_with_few_quotes(world, monkeypatch, i, j, bps, cap):
    """The float-guided sizing returns exactly what bisection over the steps returns, from at
    most 4 exact quotes."""
    price = _off_mid(world, i, bps)
    expected = _bisected_size(world, i, j, price, cap)
    calls = []
    exact = PoolQuote.get_dy
    monkeypatch.setattr(PoolQuote, "get_dy", lambda self, *a: calls.append(a) or exact(self, *a))
    assert curve_size(world, i, j, price, cap) == expected
    assert len(calls) <= 4
    if bps <= -40 and cap == 10**6 * WAD:  # well past the fee: a trade inside the cap
        assert 0 < expected < cap


@pytest.mark.parametrize("guess", [0.0, 1.0, 7e18, 3.3e21, float("inf"), float("nan")])
@pytest.mark.parametrize(("i", "j", "bps"), [(WSTETH_I, WETH_I, -20), (WETH_I, WSTETH_I, -35)])
def test_curve_size_recovers_from_a_wrong_estimate(world, monkeypatch, guess, i, j, bps):
    """Whatever the float estimate says, the exact search around it lands on the bisection."""
    price = _off_mid(world, i, bps)
    cap = 50_000 * WAD
    expected = _bisected_size(world, i, j, price, cap)
    monkeypatch.setattr(PoolQuote, "input_for", lambda *_: guess)
    assert 0 < curve_size(world, i, j, price, cap) == expected < cap


# --- liquidator ------------------------------------------------------------------------


