"""Background lending flows: the process, the flows that follow it, the rate they produce."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chain import RAY, WAD
from chain.errors import InvalidArgument
from lending import presets as aave
from lending.rates import calculate_interest_rates
from lstlab.agents.background import (
    BackgroundFlows,
    FlowParams,
    draws,
    expit,
    logit,
    move_to,
    ou_step,
    reserve_totals,
    utilisation_of,
)
from lstlab.agents.base import Step
from lstlab.world.names import BORROWER, LENDER, MARKET

DAY = 86_400
SEED = 2024
"""The stated seed of the year-long runs (any seed should pass: the assertions are properties)."""


def day(world, agents, index, rewards=True):
    """One daily step as the backtest makes it: clock, oracle report, feeds, agents."""
    if index:
        world.state.advance(DAY)
    if rewards:
        world.report_rewards(0.035)
    world.set_prices(1719.0, 1.0)
    step = Step(index, world.state.now, DAY if index else 0, 1719.0, 1.0, 0.035)
    out = [agent.act(world, step) for agent in agents]
    world.state.drain_events()
    return out


def closed_form_rate(u: float) -> float:
    """WETH's kinked variable rate at utilisation ``u`` (U* 90%, base 0, slopes 2.7% / 80%)."""
    if u <= 0.9:
        return 0.027 * u / 0.9
    return 0.027 + 0.80 * (u - 0.9) / 0.1


class TestDraws:
    def test_reproducible_from_the_key(self):
        """The draws of a step depend on (seed, index) only."""
        assert np.array_equal(draws(7, 12), draws(7, 12))
        assert not np.array_equal(draws(7, 12), draws(7, 13))
        assert not np.array_equal(draws(7, 12), draws(8, 12))

    def test_steps_share_no_counter_blocks(self):
        """Consecutive steps' streams do not overlap (a plain counter = index would)."""
        a, b = draws(7, 12, 64), draws(7, 13, 64)
        assert not set(a.tolist()) & set(b.tolist())

    @pytest.mark.parametrize("seed", [0, 1, 2024, 2**64 - 1, 2**64 + 5, 2**128 - 1])
    @pytest.mark.parametrize("index", [0, 1, 365, 8_760, 2**64 - 1, 2**64 + 3])
    def test_the_draws_of_philox_keyed_by_the_seed_at_the_steps_counter(self, seed, index):
        """Bit for bit ``Generator(Philox(key=seed, counter=index << 64)).standard_normal``,
        the generator re-keyed in place; whatever step was drawn before does not matter."""
        draws(seed ^ 1, index + 1, 3)  # leave the generator elsewhere first
        for n in (1, 2, 5):
            expected = np.random.Generator(np.random.Philox(key=seed, counter=index << 64)).standard_normal(n)
            assert np.array_equal(draws(seed, index, n), expected)

    @pytest.mark.parametrize(("seed", "index"), [(-1, 0), (2**128, 0), (0, -1), (0, 2**192)])
    def test_a_seed_or_index_out_of_range_is_refused(self, seed, index):
        with pytest.raises(InvalidArgument, match="seed"):
            draws(seed, index)

    def test_standard_normal(self):
        """Over 4000 steps the first draws have mean 0 and variance 1 (within 5 standard errors)."""
        z = np.array([draws(3, i)[0] for i in range(4000)])
        assert abs(z.mean()) < 5 / math.sqrt(4000)
        assert abs(z.var() - 1) < 5 * math.sqrt(2 / 4000)


class TestOuStep:
    def test_half_life(self):
        """Without noise a deviation halves over one half-life and is unchanged over 0 s."""
        assert ou_step(3.0, 1.0, 0.5, DAY, DAY, 0.0) == 2.0
        assert ou_step(3.0, 1.0, 0.5, DAY, 0, 1.7) == 3.0

    def test_noise_scale(self):
        """The noise over one half-life is sd * sqrt(1 - 1/4) per unit draw."""
        assert ou_step(1.0, 1.0, 0.4, DAY, DAY, 1.0) == pytest.approx(1.0 + 0.4 * math.sqrt(0.75), abs=1e-15)

    def test_logit_inverts(self):
        """expit(logit(u)) = u, and logit is clipped at the ends."""
        assert expit(logit(0.85)) == pytest.approx(0.85, abs=1e-15)
        assert logit(1.0) == 30.0 and logit(0.0) == -30.0


class TestParams:
    @pytest.mark.parametrize("field, value", [("mean_utilisation", 1.0), ("utilisation_sd", -0.1),
                                              ("utilisation_half_life", 0), ("health_floor", 0.99),
                                              ("mean_liquidity_eth", 0.0)])
    def test_rejects(self, field, value):
        """Impossible parameters raise InvalidArgument."""
        with pytest.raises(InvalidArgument):
            FlowParams(**{field: value})

    def test_seed_must_be_an_int(self):
        """A float or negative seed raises InvalidArgument."""
        with pytest.raises(InvalidArgument):
            BackgroundFlows(seed=1.5)
        with pytest.raises(InvalidArgument):
            BackgroundFlows(seed=-1)


class TestFollowsTheProcess:
    def test_first_step_keeps_the_market(self, world):
        """With no time passed the targets are the market's own utilisation and size: no flow."""
        cash, debt = reserve_totals(world, world.weth)
        agent = BackgroundFlows.create(world, seed=SEED)
        (m,) = day(world, [agent], 0)
        record = agent.record(world)
        assert record.liquidity == cash + debt and record.mean_liquidity == cash + debt
        assert abs(m["background_borrow_flow_eth"]) <= 2e-18 and m["background_supply_flow_eth"] == 0.0

    def test_one_step_is_the_exact_transition(self, world):
        """After a day the targets are the OU transition of the stored ones with draws (seed, 1),
        and the reserve's debt and size equal the targets within 2 wei."""
        p = FlowParams()
        agent = BackgroundFlows(seed=SEED, params=p)
        day(world, [agent], 0)
        before = agent.record(world)
        (m,) = day(world, [agent], 1)
        after = agent.record(world)
        z = np.random.Generator(np.random.Philox(key=SEED, counter=[0, 1, 0, 0])).standard_normal(2)
        a_u, a_l = 0.5 ** (DAY / p.utilisation_half_life), 0.5 ** (DAY / p.liquidity_half_life)
        mu = math.log(p.mean_utilisation / (1 - p.mean_utilisation))
        x0 = math.log(before.utilisation / (RAY - before.utilisation))
        x1 = mu + (x0 - mu) * a_u + p.utilisation_sd * math.sqrt(1 - a_u**2) * z[0]
        y0, y_mean = math.log(before.liquidity), math.log(before.mean_liquidity)
        y1 = y_mean + (y0 - y_mean) * a_l + p.liquidity_sd * math.sqrt(1 - a_l**2) * z[1]
        assert after.utilisation / RAY == pytest.approx(1 / (1 + math.exp(-x1)), rel=1e-12)
        assert after.liquidity / WAD == pytest.approx(math.exp(y1) / WAD, rel=1e-12)
        cash, debt = reserve_totals(world, world.weth)
        assert abs(debt - after.liquidity * after.utilisation // RAY) <= 2
        assert abs(cash + debt - after.liquidity) <= 2
        assert m["background_utilisation"] == pytest.approx(after.utilisation / RAY, abs=1e-15)
        assert not any(v for k, v in m.items() if "_blocked_" in k)

    def test_rate_is_the_market_model_at_that_utilisation(self, world):
        """The stored borrow rate is lending's strategy at the reserve's cash and debt (exact),
        and the kinked closed form at its utilisation."""
        agent = BackgroundFlows(seed=SEED)
        for i in range(5):
            day(world, [agent], i)
            rs = world.market.reserve_state(world.weth)
            cash, debt = reserve_totals(world, world.weth)
            assert rs.last_update == world.state.now
            rates = calculate_interest_rates(aave.WETH_STRATEGY, available_liquidity=cash, variable_debt=debt,
                                             reserve_factor=aave.WETH["reserve_factor"])
            assert rs.variable_borrow_rate == rates.variable_borrow_rate
            expected = closed_form_rate(debt / (cash + debt))
            assert rs.variable_borrow_rate / RAY == pytest.approx(expected, abs=1e-15)


@pytest.fixture(scope="module")
def year(base_world):
    """A year of daily steps of the default parameters with :data:`SEED`."""
    world = base_world.fork()
    agent = BackgroundFlows.create(world, seed=SEED)
    rates, targets, health, metrics = [], [], [], []
    for i in range(365):
        (m,) = day(world, [agent], i)
        metrics.append(m)
        rates.append(world.market.reserve_state(world.weth).variable_borrow_rate)
        targets.append(agent.record(world).utilisation / RAY)
        health.append(world.market.health_factor(BORROWER))
    return world, agent, rates, targets, health, metrics


class TestAYear:
    def test_rate_crosses_the_kink(self, year):
        """The borrow rate spends days on both sides of the kink rate (base + slope1)."""
        _, _, rates, *_ = year
        kink = aave.WETH_STRATEGY.base_rate + aave.WETH_STRATEGY.slope1
        assert min(rates) < kink < max(rates)

    def test_stationary_mean(self, year):
        """The mean of logit(target) is the process mean within 4 standard errors of an AR(1)
        with the daily autocorrelation 2**(-1 day / half-life)."""
        _, agent, _, targets, *_ = year
        p = agent.params
        rho = 0.5 ** (DAY / p.utilisation_half_life)
        n = len(targets)
        se = p.utilisation_sd * math.sqrt((1 + rho) / (1 - rho) / n)
        x = np.log(np.array(targets) / (1 - np.array(targets)))
        assert abs(x.mean() - logit(p.mean_utilisation)) < 4 * se

    def test_borrower_stays_above_the_floor(self, year):
        """The background borrower never ends a step below its health-factor floor (interest
        between steps takes it below; it repays back up)."""
        _, agent, _, _, health, _ = year
        assert min(health) >= agent.params.floor_wad

    def test_follows_unless_blocked(self, year):
        """On every step nothing cut, the utilisation is the target within 1e-15."""
        _, _, _, _, _, metrics = year
        followed = [m for m in metrics if not any(v for k, v in m.items() if "_blocked_" in k)]
        assert len(followed) > len(metrics) // 2
        for m in followed:
            assert m["background_utilisation"] == pytest.approx(m["background_target_utilisation"], abs=1e-15)


def run(world, start, stop, seed=5):
    """Days ``start`` to ``stop - 1`` of background flows with ``seed``; returns the world."""
    for i in range(start, stop):
        day(world, [BackgroundFlows(seed=seed)], i)
    return world


def fingerprint(world):
    """Every contract record (but the market's ``stamp``, a cache key holding the state's
    version counter, which a fork restarts), every supply, the background accounts' balances."""
    state = world.state
    records = {c.address: {k: v for k, v in state.records(c.address).items() if k != ("stamp",)}
               for c in state.contracts()}
    supplies = {t: state.total_supply(t) for t in state.tokens}
    balances = {(t, a): state.balance_of(t, a) for t in state.tokens for a in (LENDER, BORROWER, MARKET)}
    return records, supplies, balances, state.now


class TestDeterminism:
    def test_rerun_and_fork_identical(self, base_world):
        """A rerun from the same world, and a run forked half way, end in the same state; another
        seed does not."""
        straight = fingerprint(run(base_world.fork(), 0, 40))
        assert fingerprint(run(base_world.fork(), 0, 40)) == straight
        half = run(base_world.fork(), 0, 20)
        assert fingerprint(run(half.fork(), 20, 40)) == straight
        assert fingerprint(run(base_world.fork(), 0, 40, seed=6)) != straight


class TestConservation:
    def test_supply_changes_are_the_recorded_mints(self, world):
        """Over 120 days every token's total supply changes by exactly what the agent minted
        (WETH) and nothing else (no oracle reports: they mint stETH fees)."""
        tokens = world.state.tokens
        before = {t: world.state.total_supply(t) for t in tokens}
        agent = BackgroundFlows(seed=SEED)
        minted = 0.0
        for i in range(120):
            (m,) = day(world, [agent], i, rewards=False)
            minted += m["background_minted_eth"]
        record = agent.record(world)
        assert record.minted > 0 and minted == pytest.approx(record.minted / WAD, rel=1e-12)
        for token in tokens:
            change = world.state.total_supply(token) - before[token]
            assert change == (record.minted if token == world.weth else 0), token.key


class TestCuts:
    def test_health_floor_cuts_the_borrow(self, world):
        """A borrow past the floor is cut to the floor (HF >= floor; 1e12 wei more breaks it)."""
        market, weth = world.market, world.weth
        floor = market.health_factor(BORROWER) - WAD // 20
        cash, debt = reserve_totals(world, weth)
        flows = move_to(world, weth, debt + 200_000 * WAD, cash + debt, floor)
        assert flows.blocked == {"health"} and 0 < flows.borrowed < 200_000 * WAD
        assert market.health_factor(BORROWER) >= floor
        probe = world.fork()
        probe.market.borrow(BORROWER, weth, 10**12)
        assert probe.market.health_factor(BORROWER) < floor

    def test_cash_cuts_the_withdrawal(self, world):
        """A withdrawal above the reserve's cash takes the cash and no more."""
        cash, debt = reserve_totals(world, world.weth)
        flows = move_to(world, world.weth, debt, cash + debt - 2 * cash, WAD)
        assert flows.supplied == -cash and "cash" in flows.blocked
        assert world.state.balance_of(world.weth, MARKET) == 0

    def test_repay_is_cut_at_the_borrowers_debt(self, world):
        """Other users' debt the borrower cannot repay: it repays all its own and says so."""
        market, weth = world.market, world.weth
        world.fund(weth, "other", 10_000 * WAD)
        collateral = world.stake("other", 10_000 * WAD)
        market.supply("other", world.wsteth, collateral)
        market.borrow("other", weth, 5_000 * WAD)
        cash, debt = reserve_totals(world, weth)
        owed = market.debt(BORROWER, weth)
        flows = move_to(world, weth, 0, cash + debt, WAD)
        assert flows.borrowed == -owed and flows.blocked == {"debt"}
        assert market.debt(BORROWER, weth) == 0


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(u=st.floats(0.2, 0.97), size=st.floats(0.8, 1.3))
def test_any_target_is_reached_or_the_cut_is_counted(base_world, u, size):
    """For any target the reserve reaches it within 2 wei or a reason is counted; the borrower
    is never left below the floor by a borrow, and WETH supply grows by the mints only."""
    world = base_world.fork()
    weth, floor = world.weth, FlowParams().floor_wad
    cash, debt = reserve_totals(world, weth)
    liquidity = int((cash + debt) * size)
    target = liquidity * int(u * RAY) // RAY
    supply_before = world.state.total_supply(weth)
    flows = move_to(world, weth, target, liquidity, floor)
    cash2, debt2 = reserve_totals(world, weth)
    if not flows.blocked:
        assert abs(debt2 - target) <= 2 and abs(cash2 + debt2 - liquidity) <= 2
        assert abs(utilisation_of(world, weth) - target * RAY // liquidity) <= RAY // liquidity * 4 + 1
    if flows.borrowed > 0:
        assert world.market.health_factor(BORROWER) >= floor
    assert world.state.total_supply(weth) - supply_before == flows.minted
    assert world.market.supplied(LENDER, weth) >= 0 and cash2 >= 0
