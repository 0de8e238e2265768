"""The liquidator: who is liquidated, on which market, for how much, at what profit."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chain import WAD, ManualFeed
from chain.fixedpoint import percent_div, percent_mul
from lending import health_factors_exact, liquidatable
from lending.presets import WETH_STRATEGY
from lstlab.agents import Liquidator, Step, l2_borrowers, loop_population
from lstlab.agents.liquidator import DEFAULT_GAS, ETHEREUM_GAS_PRICE, GAS_UNITS, L2_GAS_WEI, REASONS
from lstlab.world import LendingParams, WorldParams, book, default_world
from lstlab.world.names import ETH, L2, L2_MARKET, MARKET
from lstlab.world.venues import BASE_I, QUOTE_I

FEE_BPS = 1000
"""Liquidation protocol fee of every reserve of the default world: 10% of the bonus (REFERENCE 2.9)."""
FLASH_BPS = 5
"""Flash-loan premium of the default markets: 5 bps (REFERENCE 2.7, Aave V3 Ethereum)."""
U6 = 10**6


def _step(world, steth_eth: float) -> Step:
    return Step(0, world.state.now, 0, 1719.0, steth_eth, 0.035)


def _seizure(cover, debt_price, debt_unit, col_price, col_unit, held, bonus):
    """REFERENCE 2.6 written out: (collateral to the liquidator, debt covered)."""
    base = debt_price * cover * col_unit // (col_price * debt_unit)
    collateral, debt = percent_mul(base, bonus), cover
    if collateral > held:
        collateral = held
        debt = percent_div(col_price * collateral * debt_unit // (debt_price * col_unit), bonus)
    fee = percent_mul(collateral - percent_div(collateral, bonus), FEE_BPS)
    return collateral - fee, debt


def _eth(market, token, amount):
    """``amount`` of ``token`` in ETH wei at the market's prices, written out."""
    weth = next(t for t in market.reserves() if t.symbol == "WETH")
    return amount * market.price(token) * WAD // (10**token.decimals * market.price(weth))


# --- loops on Ethereum (WETH debt, wstETH collateral) ----------------------------------------


@pytest.fixture
def stressed(world):
    """20 loops at 8-13x, the market pricing wstETH at market, stETH/ETH marked 5% down (the
    pool stays at par, so every liquidation pays)."""
    accounts = loop_population(world, 20, 3, leverage=(8.0, 13.0), equity=(5.0, 50.0))
    world.set_oracle("market")
    world.set_prices(1719.0, 0.95)
    return world, accounts


def test_default_gas_is_the_stated_figures():
    assert DEFAULT_GAS.wei(ETH) == GAS_UNITS * ETHEREUM_GAS_PRICE == 12 * 10**15
    assert DEFAULT_GAS.wei(L2) == L2_GAS_WEI == 10**14
    assert Liquidator(gas_wei=7).gas_wei.wei(L2) == 7


def test_liquidator_takes_exactly_the_positions_below_one(stressed):
    world, accounts = stressed
    exact = health_factors_exact(world.market)
    below = {u for u, hf in exact.items() if hf < WAD}
    healthy = [u for u in accounts if exact[u] >= WAD]
    assert below and healthy
    untouched = {u: world.market.position(u) for u in healthy}
    sweep = Liquidator(gas_wei=0, max_passes=1).sweep(world)
    assert {x.user for x in sweep.liquidations} == below
    assert {u: world.market.position(u) for u in healthy} == untouched
    assert all(x.profit > 0 and x.market == MARKET for x in sweep.liquidations)


def test_liquidation_repays_the_close_factor_and_profits_bonus_less_premium_and_impact(stressed):
    """Replay one liquidation by hand on a twin fork: the close factor and bonus of REFERENCE
    2.6, the seized wstETH sold leg by leg on the same pools; profit = proceeds - debt - 5 bps."""
    world, _ = stressed
    twin = world.fork()
    m = world.market
    user = min(u for u, hf in health_factors_exact(m).items() if hf < WAD)
    hf, debt, held = m.health_factor(user), m.debt(user, world.weth), m.supplied(user, world.wsteth)
    cover = percent_mul(debt, 5000 if hf > 95 * 10**16 else 10_000)
    seized, repaid = _seizure(cover, m.price(world.weth), WAD, m.price(world.wsteth), WAD, held, 10_100)
    done = Liquidator(gas_wei=0).liquidate(world, user)
    assert done is not None and (done.debt_asset, done.collateral_asset) == (world.weth, world.wsteth)
    assert (done.debt_repaid, done.collateral_seized) == (repaid, seized)
    twin.fund(twin.weth, "hand", repaid)
    assert twin.market.liquidate("hand", user, twin.wsteth, twin.weth, repaid).collateral == seized
    proceeds = 0
    for leg in done.plan.legs:
        if leg.pool == "curve":
            proceeds += twin.curve.exchange("hand", BASE_I, QUOTE_I, leg.amount_in, 0)
        else:
            path = [twin.wsteth, twin.weth]
            proceeds += twin.router.swap_exact_in("hand", leg.amount_in, 0, path, "hand", twin.state.now)[-1]
    assert sum(leg.amount_in for leg in done.plan.legs) == seized
    assert proceeds == done.proceeds == done.proceeds_eth
    assert done.premium == percent_mul(repaid, FLASH_BPS)
    assert done.profit == proceeds - repaid - done.premium
    assert dict(done.sold_eth) == {leg.pool: leg.amount_out for leg in done.plan.legs}


def test_unprofitable_liquidations_are_not_executed_and_are_counted(stressed):
    world, _ = stressed
    below = sum(hf < WAD for hf in health_factors_exact(world.market).values())
    liquidator = Liquidator(gas_wei=10**6 * WAD)
    liquidator.fund(world)
    digest = world.state.digest()
    sweep = liquidator.sweep(world)
    assert sweep.count == 0 and world.state.digest() == digest
    assert sweep.blocked_by("unprofitable") == below and sweep.blocked_by("revert") == 0


def test_gas_is_charged_to_the_wei(stressed):
    """Profit p before gas: gas p blocks the liquidation, gas p - 1 runs it for a profit of 1 wei."""
    world, _ = stressed
    user = min(u for u, hf in health_factors_exact(world.market).items() if hf < WAD)
    p = Liquidator(gas_wei=0).liquidate(world.fork(), user).profit
    blocked = world.fork()
    Liquidator.create(blocked)
    digest = blocked.state.digest()
    assert Liquidator(gas_wei=p).attempt(blocked, user) == "unprofitable"
    assert blocked.state.digest() == digest
    done = Liquidator(gas_wei=p - 1).liquidate(world, user)
    assert done.profit == 1 and done.gas == p - 1


def test_profitability_splits_the_candidates(stressed):
    """With gas between two profit levels, only the liquidations above it run."""
    world, _ = stressed
    users = sorted(u for u, hf in health_factors_exact(world.market).items() if hf < WAD)
    profits = {u: Liquidator(gas_wei=0).liquidate(world.fork(), u).profit for u in users}
    ordered = sorted(profits.values())
    _, k = max((b - a, k) for k, (a, b) in enumerate(itertools.pairwise(ordered)))
    gas = (ordered[k] + ordered[k + 1]) // 2
    sweep = Liquidator(gas_wei=gas, max_passes=1).sweep(world)
    assert {x.user for x in sweep.liquidations} == {u for u, p in profits.items() if p > gas}
    assert sweep.blocked_by("unprofitable") == sum(p <= gas for p in profits.values())


def test_liquidator_act_metrics(stressed):
    world, _ = stressed
    liquidator = Liquidator.create(world)
    metrics = liquidator.act(world, _step(world, 0.95))
    assert metrics["liq_liquidations"] == metrics["liq_liquidations_aave"] > 0
    assert metrics["liq_liquidations_aave-l2"] == 0
    assert metrics["liq_proceeds_eth"] > metrics["liq_debt_repaid_eth"] > 0
    assert metrics["liq_profit_eth"] > 0 and metrics["liq_bad_debt_eth"] == 0
    assert metrics["liq_gas_eth"] == metrics["liq_liquidations"] * 0.012
    sold = sum(v for k, v in metrics.items() if k.startswith("liq_sold_eth_"))
    assert sold == pytest.approx(metrics["liq_proceeds_eth"], rel=1e-15)
    assert all(metrics[f"liq_blocked_{r}"] == 0 for r in ("unprofitable", "revert", "no_venue"))
    again = liquidator.act(world, _step(world, 0.95))
    assert again["liq_liquidations"] == 0 and again["liq_profit_eth"] == 0


# --- USDC debt on Ethereum -------------------------------------------------------------------


def _usdc_borrower(world, eth: int = 100) -> str:
    """``alice``: ``eth`` ETH staked to wstETH, supplied (no eMode), USDC borrowed to the LTV."""
    m = world.market
    world.fund(world.weth, "alice", eth * WAD)
    m.supply("alice", world.wsteth, world.stake("alice", eth * WAD))
    m.borrow("alice", world.usdc, m.account_data("alice").available_borrows_base * U6 // m.price(world.usdc))
    return "alice"


def test_a_usdc_borrower_is_liquidated_through_weth(world):
    """ETH/USD 1719 -> 1600: HF 0.96, above 0.95, so 50% of the USDC debt is covered; the seized
    wstETH (6% bonus) is sold on Curve for WETH, then on the WETH/USDC pair for USDC."""
    user = _usdc_borrower(world)
    world.set_prices(1600.0, 1.0)
    m = world.market
    hf, debt, held = m.health_factor(user), m.debt(user, world.usdc), m.supplied(user, world.wsteth)
    assert 95 * 10**16 < hf < WAD
    cover = percent_mul(debt, 5000)
    seized, repaid = _seizure(cover, m.price(world.usdc), U6, m.price(world.wsteth), WAD, held, 10_600)
    twin = world.fork()
    weth = twin.curve.get_dy(BASE_I, QUOTE_I, seized)
    usdc = twin.router.get_amounts_out(weth, [twin.weth, twin.usdc])[-1]
    assert book.bad_debt_usd(world) == 0
    sweep = Liquidator.create(world).sweep(world)
    assert sweep.count == 1
    done = sweep.liquidations[0]
    assert (done.market, done.user) == (MARKET, user)
    assert (done.debt_asset, done.collateral_asset) == (world.usdc, world.wsteth)
    assert (done.debt_repaid, done.collateral_seized) == (repaid, seized)
    assert [(leg.pool, leg.amount_in, leg.amount_out) for leg in done.plan.legs] == [
        ("curve", seized, weth), ("usdc_v2", weth, usdc)]
    assert done.proceeds == usdc and done.premium == percent_mul(repaid, FLASH_BPS)
    assert done.profit == _eth(m, world.usdc, usdc - repaid - done.premium) - DEFAULT_GAS.wei(ETH)
    assert dict(done.sold_eth) == {"curve": weth, "usdc_v2": weth}
    assert m.debt(user, world.usdc) == debt - repaid
    assert world.state.balance_of(world.usdc, "liq") == usdc - repaid - done.premium
    assert book.bad_debt_usd(world) == 0


@pytest.fixture(scope="module")
def v33_world():
    return default_world(WorldParams(lending=LendingParams(liquidation_v33=True)))


@pytest.mark.parametrize("rules", ["v3.0.2", "v3.3"])
def test_an_underwater_usdc_borrower_leaves_bad_debt_before_and_after(world, v33_world, rules):
    """ETH/USD 1719 -> 1300 puts the collateral below the debt. Before any liquidation the gap
    is a shortfall; the liquidation (HF <= 0.95: the whole debt may be covered) takes all the
    collateral and the debt it does not cover is booked: v3.0.2 as ``bad_debt`` (still owed),
    v3.3 as ``deficit`` (burned). Either way bad_debt_usd shows it, exactly."""
    world = world if rules == "v3.0.2" else v33_world.fork()
    user = _usdc_borrower(world)
    world.set_prices(1300.0, 1.0)
    m = world.market
    p_usdc, p_wst = m.price(world.usdc), m.price(world.wsteth)
    debt, held = m.debt(user, world.usdc), m.supplied(user, world.wsteth)
    debt_base, collateral_base = debt * p_usdc // U6, held * p_wst // WAD
    assert m.health_factor(user) <= 95 * 10**16 and collateral_base < debt_base
    shortfall = debt * (debt_base - collateral_base) // debt_base
    assert book.bad_debt_usd(world) == shortfall * p_usdc // U6 / 10**8
    seized, repaid = _seizure(debt, p_usdc, U6, p_wst, WAD, held, 10_600)
    assert repaid < debt
    sweep = Liquidator.create(world).sweep(world)
    done = sweep.liquidations[0]
    assert sweep.count == 1 and (done.debt_repaid, done.collateral_seized) == (repaid, seized)
    assert m.supplied(user, world.wsteth) == 0
    left = debt - repaid
    rs = m.reserve_state(world.usdc)
    assert (rs.bad_debt, rs.deficit) == ((left, 0) if rules == "v3.0.2" else (0, left))
    assert m.debt(user, world.usdc) == (left if rules == "v3.0.2" else 0)
    assert book.bad_debt_usd(world) == left * p_usdc // U6 / 10**8
    assert done.bad_debt_eth == sweep.bad_debt == _eth(m, world.usdc, left)


def test_a_paused_reserve_is_counted_as_a_revert(world):
    user = _usdc_borrower(world)
    world.set_prices(1600.0, 1.0)
    world.market.set_reserve_config(world.usdc, paused=True)
    liquidator = Liquidator.create(world)
    digest = world.state.digest()
    metrics = liquidator.act(world, _step(world, 1.0))
    assert metrics["liq_liquidations"] == 0 and metrics["liq_blocked_revert"] == 1
    assert world.state.digest() == digest and world.market.health_factor(user) < WAD


# --- the L2 market -------------------------------------------------------------------------


def test_a_position_on_the_l2_is_liquidated_there_into_the_l2_pool(world):
    """The L2 oracle's stETH/ETH leg marked 3% down: HF about 0.995, 50% of the L2 WETH debt
    covered with the eMode bonus (1%); the seized bridged wstETH is sold on the L2 pool, and
    the L2 gas figure is charged."""
    (user,) = l2_borrowers(world, 1, 5, health=(1.022, 1.03))
    world.feed("l2:steth-eth-peg").set(97 * 10**16)
    m = world.l2_market
    hf, debt, held = m.health_factor(user), m.debt(user, world.l2_weth), m.supplied(user, world.l2_wsteth)
    assert 95 * 10**16 < hf < WAD
    cover = percent_mul(debt, 5000)
    seized, repaid = _seizure(cover, m.price(world.l2_weth), WAD, m.price(world.l2_wsteth), WAD, held, 10_100)
    proceeds = world.fork().l2_curve.get_dy(BASE_I, QUOTE_I, seized)
    ethereum = world.market.position("borrower")
    sweep = Liquidator.create(world).sweep(world)
    assert sweep.count == 1
    done = sweep.liquidations[0]
    assert done.market == L2_MARKET
    assert (done.debt_asset, done.collateral_asset) == (world.l2_weth, world.l2_wsteth)
    assert (done.debt_repaid, done.collateral_seized, done.proceeds) == (repaid, seized, proceeds)
    assert [leg.pool for leg in done.plan.legs] == ["l2_curve"]
    assert done.gas == L2_GAS_WEI
    assert done.profit == proceeds - repaid - percent_mul(repaid, FLASH_BPS) - L2_GAS_WEI
    assert world.market.position("borrower") == ethereum


def test_collateral_no_pool_sells_is_counted_as_no_venue(world):
    """A DAI reserve on the L2 (no pool trades DAI there): the position is liquidatable, the
    liquidator cannot sell the collateral, writes nothing and says so."""
    state, m = world.state, world.l2_market
    dai = state.add_token(L2, "DAI")
    ManualFeed.deploy(state, "l2:dai-usd", L2, base="DAI", quote="USD", decimals=8, answer=10**8)
    m.list_reserve(dai, "l2:dai-usd", WETH_STRATEGY, ltv=7500, liquidation_threshold=8000,
                   liquidation_bonus=10500, liquidation_protocol_fee=FEE_BPS)
    world.fund(dai, "dana", 100_000 * WAD)
    m.supply("dana", dai, 100_000 * WAD)
    room = m.account_data("dana").available_borrows_base * WAD // m.price(world.l2_weth)
    m.borrow("dana", world.l2_weth, room)
    world.feed("l2:dai-usd").set(9 * 10**7)
    liquidator = Liquidator.create(world)
    digest = state.digest()
    sweep = liquidator.sweep(world)
    assert sweep.count == 0 and sweep.blocked_by("no_venue") == 1
    assert state.digest() == digest and m.health_factor("dana") < WAD


def test_markets_restricts_the_sweep(world):
    (user,) = l2_borrowers(world, 1, 5, health=(1.022, 1.03))
    world.feed("l2:steth-eth-peg").set(97 * 10**16)
    assert Liquidator.create(world, markets=MARKET).sweep(world).count == 0
    assert Liquidator.create(world, markets=[L2_MARKET]).sweep(world).liquidations[0].user == user


# --- properties --------------------------------------------------------------------------

KINDS = ("loop", "usdc-wsteth", "usdc-weth")
"""Positions drawn by the property: an eMode wstETH/WETH loop, wstETH or WETH collateral with
USDC debt."""


def _open(world, account: str, kind: str, eth: int, usage: float) -> None:
    """Supply ``eth`` ETH of collateral and borrow ``usage`` of the borrowing power."""
    m = world.market
    world.fund(world.weth, account, eth * WAD)
    if kind == "usdc-weth":
        m.supply(account, world.weth, eth * WAD)
    else:
        m.supply(account, world.wsteth, world.stake(account, eth * WAD))
    debt = world.weth if kind == "loop" else world.usdc
    if kind == "loop":
        m.set_emode(account, 1)
    room = m.account_data(account).available_borrows_base * 10**debt.decimals // m.price(debt)
    m.borrow(account, debt, max(int(room * usage), 1))


def _supplies(world) -> dict[str, tuple[int, int]]:
    state = world.state
    return {t.key: (state.total_supply(t), sum(state.holders(t).values())) for t in state.tokens}


@settings(max_examples=20, deadline=None)
@given(
    positions=st.lists(st.tuples(st.sampled_from(KINDS), st.integers(1, 300), st.floats(0.9, 1.0)),
                       min_size=1, max_size=4),
    eth_usd=st.floats(1000.0, 1719.0), steth_eth=st.floats(0.85, 1.0),
    gas=st.sampled_from([0, DEFAULT_GAS, 10 * WAD]),
)
def test_a_sweep_leaves_nothing_profitable_writes_nothing_in_vain_and_conserves_tokens(
        base_world, positions, eth_usd, steth_eth, gas):
    """Random positions (up to 300 ETH of collateral, 90-100% of their borrowing power) and an
    ETH/USD and stETH/ETH shock under the market oracle, with no, the default or 10 ETH of gas:
    every token's supply and holdings are unchanged by the sweep, every liquidation it made
    paid, and every position it left liquidatable is refused on a retry without a write."""
    world = base_world.fork()
    for k, (kind, eth, usage) in enumerate(positions):
        _open(world, f"p{k}", kind, eth, usage)
    world.set_oracle("market")
    world.set_prices(eth_usd, steth_eth)
    world.state.drain_events()
    before = _supplies(world)
    liquidator = Liquidator(gas_wei=gas, max_passes=50)
    sweep = liquidator.sweep(world)
    after = _supplies(world)
    assert after == before and all(total == held for total, held in after.values())
    assert all(x.profit > 0 for x in sweep.liquidations)
    world.state.drain_events()
    for address, market in world.markets().items():
        for user in liquidatable(market):
            trial = world.fork()
            digest = trial.state.digest()
            assert liquidator.attempt(trial, user, address) in (None, *REASONS)
            assert trial.state.digest() == digest


def test_an_unexpected_error_in_a_sale_leaves_nothing_written_and_no_snapshot_open(stressed, monkeypatch):
    """A non-lstlab exception inside an attempt (a bug in a venue, an interrupt) propagates, and the
    attempt's snapshot is reverted: no open snapshot, the state as before."""
    world, _ = stressed
    liquidator = Liquidator.create(world)
    digest = world.state.digest()

    def broken(*_args, **_kwargs):
        raise RuntimeError("a venue failed")

    monkeypatch.setattr("lstlab.agents.execution.execute", broken)
    with pytest.raises(RuntimeError, match="a venue failed"):
        liquidator.sweep(world)
    assert not world.state.in_transaction
    assert world.state.digest() == digest
