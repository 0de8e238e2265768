"""The LRT issuer (restaking.lrt) alone and wired into a world (lstlab.world.lrt): exact mints,
fees and withdrawals; a service slashing lowers the rate by exactly the socialised amount and
the health factor of LRT-backed loans with it; a leveraged LRT loop liquidates under the market
oracle at the closed-form ratio; the LRT depeg shock and price-model path."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chain
from chain import DEAD_ADDRESS, WAD
from chain.fixedpoint import mul_div_up, percent_mul, wad_div
from lending.presets import ETH_CORRELATED
from lstlab import audit
from lstlab.audit.lrt import apply_lrt_depeg, lrt_peg_path, lrt_pool_peg
from lstlab.errors import StrategyFailed
from lstlab.market.synthetic import Depeg, SyntheticPath
from lstlab.strategies import closed_form
from lstlab.strategies.lrt_loop import lrt_figures, open_lrt_loop, unwind_lrt_loop
from lstlab.world.build import default_world
from lstlab.world.lrt import AVS, OPERATOR, WEETH, LrtParams, deploy_lrt, lrt_world
from restaking import StrategyManager
from restaking.lrt import (
    LiquidRestakingToken,
    LrtRateFeed,
    NotEnoughRestaked,
    NotRequestOwner,
    RequestClaimed,
    RequestNotReady,
    UnsupportedAsset,
    ZeroMint,
)

ETH = 10**18
OFFSET = 10**3  # StrategyBase's virtual shares and balance (restaking.params)


# --- closed forms of the restaking contracts (EigenLayer v1.3.0, written out) -----------------


def to_assets(shares: int, total: int, balance: int) -> int:
    """StrategyBase.sharesToUnderlyingView: (balance + 1e3) * shares // (total + 1e3)."""
    return (balance + OFFSET) * shares // (total + OFFSET)


def slash_outcome(total: int, balance: int, pool: int, magnitude: int, fraction: int) -> tuple[int, int, int]:
    """A slash of ``fraction`` (wad) of an allocation of ``magnitude`` (max magnitude 1e18) on an
    operator pool of ``pool`` shares, in a strategy of ``total`` shares and ``balance`` assets:
    magnitude cut = ceil(magnitude * fraction / 1e18); new max = 1e18 - cut; shares burned =
    pool - ceil(pool * new max / 1e18); assets burned = their value. Returns (assets burned,
    pool shares left, strategy total left, strategy balance left)."""
    cut = mul_div_up(magnitude, fraction, WAD)
    burned_shares = pool - mul_div_up(pool, WAD - cut, WAD)
    burned = to_assets(burned_shares, total, balance)
    return burned, pool - burned_shares, total - burned_shares, balance - burned


# --- a bare restaking state ---------------------------------------------------------------------


def make_core(magnitude: int = WAD // 2):
    """(state, weth, manager, strategy, lrt): one strategy for WETH, operator "op" allocating
    ``magnitude`` of it to service 0 of "avs", an LRT bootstrapped with 1 ETH and delegated to op."""
    state = chain.State()
    state.add_network("ethereum")
    weth = state.add_token("ethereum", "WETH")
    for name in ("dao", "treasury", "alice", "bob", "op", "avs"):
        state.add_account(name)
        state.mint(weth, name, 10**6 * ETH)
    manager = StrategyManager.deploy(state, "eigen", "ethereum")
    strategy = manager.add_strategy(weth)
    manager.delegation.register_operator("op")
    service = manager.allocation.create_service("avs", 100, "double-signing")
    manager.allocation.allocate("op", service, strategy, magnitude)
    lrt = LiquidRestakingToken.deploy(state, "lrt", "ethereum", native=weth, native_strategy=strategy,
                                      strategy_manager="eigen", delegation="eigen.delegation", funder="dao",
                                      bootstrap=ETH, treasury="treasury")
    lrt.delegate("op")
    return state, weth, manager, strategy, lrt


@pytest.fixture
def core():
    return make_core()


class TestDepositAndFees:
    def test_bootstrap_and_first_deposit_mint_at_par(self, core):
        """The bootstrap sits with the dead address; a deposit at rate 1 mints its amount."""
        _state, weth, manager, strategy, lrt = core
        assert lrt.balance_of(DEAD_ADDRESS) == ETH and lrt.rate() == WAD
        minted = lrt.deposit("alice", weth, 10 * ETH)
        # value * S // V = 10e18 * 1e18 // 1e18; strategy shares 10e18 * (1e18 + 1e3) // (1e18 + 1e3)
        assert minted == 10 * ETH
        assert manager.shares_of("lrt", strategy) == 11 * ETH
        assert lrt.total_value() == 11 * ETH and lrt.rate() == WAD

    def test_reward_gain_pays_the_fee_in_new_lrt(self, core):
        """A service reward raises V by the written-out pool math; 10% of the gain is minted to the
        treasury as fee * S // (V - fee) LRT, and the rate does not move when it is minted."""
        _state, weth, manager, strategy, lrt = core
        lrt.deposit("alice", weth, 99 * ETH)
        pool = manager.delegation.pool("op", strategy)
        total, balance = manager.total_shares(strategy), manager.strategy_assets(strategy)
        reward = 3 * ETH
        manager.allocation.reward(0, strategy, reward)
        minted = reward * (total + OFFSET) // (balance + OFFSET)
        cut = minted * 1000 // 10_000  # the operator's 10% split (OPERATOR_SPLIT_BPS)
        cut_units = cut * pool.units // (pool.shares + minted - cut)
        lrt_shares = pool.units * (pool.shares + minted) // (pool.units + cut_units)
        value = to_assets(lrt_shares, total + minted, balance + reward)
        assert lrt.total_value() == value
        supply, gain = lrt.total_supply(), value - 100 * ETH
        fee = gain * 1000 // 10_000
        fee_shares = fee * supply // (value - fee)
        rate_before = lrt.rate()
        assert rate_before == value * WAD // (supply + fee_shares)
        assert lrt.accrue() == fee_shares
        assert lrt.balance_of("treasury") == fee_shares
        assert lrt.rate() == rate_before
        assert lrt.accrue() == 0  # nothing more to charge

    def test_the_bootstrap_runs_once(self, core):
        """After deploy nobody can bootstrap again (it would move the funder's tokens)."""
        state, _weth, _manager, _strategy, lrt = core
        before = state.digest()
        with pytest.raises(chain.InvalidArgument):
            lrt._bootstrap("alice", ETH)
        assert state.digest() == before

    def test_refusals_write_nothing(self, core):
        """Unsupported assets, deposits worth no LRT and deposits for another account are refused."""
        state, weth, _manager, _strategy, lrt = core
        other = state.add_token("ethereum", "OTHER")
        before = state.digest()
        with pytest.raises(UnsupportedAsset):
            lrt.deposit("alice", other, ETH)
        with pytest.raises(ZeroMint):
            lrt.deposit("alice", weth, 0)
        with pytest.raises(chain.InvalidAmount):
            lrt.deposit("alice", weth, -1)
        with state.tx("bob"), pytest.raises(chain.NotTheCaller):
            lrt.deposit("alice", weth, ETH)
        assert state.digest() == before


class TestSlashing:
    @pytest.mark.parametrize("fraction", [WAD // 10, WAD // 3, WAD])
    def test_slash_lowers_the_rate_by_the_socialised_amount(self, fraction):
        """The LRT is the operator's only delegator: a slash of x of an allocation of magnitude m
        burns ceil-rounded x * m of the pool's shares (slash_outcome), and the rate falls to
        V' * 1e18 // S exactly; no fee is due on a loss."""
        _state, weth, manager, strategy, lrt = make_core(magnitude=WAD // 2)
        lrt.deposit("alice", weth, 40 * ETH)
        pool = manager.delegation.operator_shares("op", strategy)
        total, balance = manager.total_shares(strategy), manager.strategy_assets(strategy)
        supply = lrt.total_supply()
        assert lrt.rate() == WAD
        burned, left, total_after, balance_after = slash_outcome(total, balance, pool, WAD // 2, fraction)
        assert manager.allocation.slash("avs", "op", strategy, fraction) == burned
        value = to_assets(left, total_after, balance_after)
        assert lrt.total_value() == value
        assert lrt.rate() == value * WAD // supply
        assert lrt.pending_fee_shares() == 0
        # the socialised loss is x * m of the stake, up to the rounding above
        assert abs((WAD - lrt.rate()) / WAD - fraction / WAD / 2) < 1e-15


class TestWithdrawals:
    def test_request_then_claim_after_the_delay(self, core):
        """A request burns the LRT and queues held * value // V shares; the claim before the
        delay is refused; after it, it pays those shares' assets at the strategy's rate."""
        state, weth, manager, strategy, lrt = core
        lrt.deposit("alice", weth, 20 * ETH)
        rate = lrt.rate()
        held, value = manager.shares_of("lrt", strategy), lrt.to_value(5 * ETH)
        shares = held * value // to_assets(held, manager.total_shares(strategy), manager.strategy_assets(strategy))
        rid = lrt.request_withdrawal("alice", 5 * ETH)
        assert lrt.balance_of("alice") == 15 * ETH and lrt.request(rid).shares == shares
        assert lrt.rate() >= rate  # rounding stays with the holders
        with pytest.raises(RequestNotReady):
            lrt.claim_withdrawal("alice", rid)
        state.advance(manager.delegation.withdrawal_delay)
        with pytest.raises(NotRequestOwner):
            lrt.claim_withdrawal("bob", rid)
        expected = to_assets(shares, manager.total_shares(strategy), manager.strategy_assets(strategy))
        before = state.balance_of(weth, "alice")
        assert lrt.claim_withdrawal("alice", rid) == expected
        assert state.balance_of(weth, "alice") - before == expected
        with pytest.raises(RequestClaimed):
            lrt.claim_withdrawal("alice", rid)

    def test_a_slash_in_the_delay_reaches_the_withdrawer(self, core):
        """Queued shares stay slashable (EigenLayer): the claim pays what the queued pool keeps."""
        state, weth, manager, strategy, lrt = core
        lrt.deposit("alice", weth, 20 * ETH)
        rid = lrt.request_withdrawal("alice", 10 * ETH)
        queued = manager.delegation.pool("op", strategy, queued=True).shares
        cut = mul_div_up(WAD // 2, WAD // 5, WAD)  # a fifth of a half: a tenth of the stake
        burn_queued = queued - mul_div_up(queued, WAD - cut, WAD)
        manager.allocation.slash("avs", "op", strategy, WAD // 5)
        assert manager.delegation.pool("op", strategy, queued=True).shares == queued - burn_queued
        state.advance(manager.delegation.withdrawal_delay)
        total, balance = manager.total_shares(strategy), manager.strategy_assets(strategy)
        assert lrt.claim_withdrawal("alice", rid) == to_assets(queued - burn_queued, total, balance)

    def test_more_than_the_asset_holds_is_refused(self, core):
        """With two assets, a withdrawal in one worth more than its position is refused, nothing
        written; the second asset is valued by its feed."""
        state, _weth, manager, _strategy, lrt = core
        lst = state.add_token("ethereum", "LST")
        state.mint(lst, "alice", 100 * ETH)
        chain.ManualFeed.deploy(state, "lst-eth", "ethereum", base="LST", quote="WETH", answer=WAD * 11 // 10)
        lrt.add_asset(lst, manager.add_strategy(lst), "lst-eth")
        assert lrt.deposit("alice", lst, 10 * ETH) == 11 * ETH  # 10 LST at 1.1 ETH, rate 1
        before = state.digest()
        with pytest.raises(NotEnoughRestaked):
            lrt.request_withdrawal("alice", 2 * ETH)  # the WETH strategy holds the 1 ETH bootstrap
        assert state.digest() == before
        rid = lrt.request_withdrawal("alice", 11 * ETH, lst)
        assert lrt.request(rid).value == 11 * ETH


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["deposit", "request", "reward", "claim"]),
                          st.integers(1, 50 * ETH)), max_size=12))
def test_rate_never_falls_without_slashing(ops):
    """Deposits, requests, claims and rewards never lower the rate (every rounding stays with
    the holders) and balances always add up to the supply."""
    state, weth, manager, strategy, lrt = make_core()
    pending: list[int] = []
    rate = lrt.rate()
    for op, amount in ops:
        try:
            if op == "deposit":
                lrt.deposit("alice", weth, amount)
            elif op == "request" and lrt.balance_of("alice"):
                pending.append(lrt.request_withdrawal("alice", min(amount, lrt.balance_of("alice"))))
            elif op == "reward":
                manager.allocation.reward(0, strategy, amount // 100 + 1)
            elif op == "claim" and pending:
                state.advance(manager.delegation.withdrawal_delay)
                lrt.claim_withdrawal("alice", pending.pop(0))
        except ZeroMint:
            pass
        assert lrt.rate() >= rate
        rate = lrt.rate()
        holders = ("alice", "treasury", DEAD_ADDRESS)
        assert sum(lrt.balance_of(h) for h in holders) == lrt.total_supply()


# --- the LRT in a world -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built():
    world = default_world()
    return deploy_lrt(world)


@pytest.fixture
def lw(built):
    return built.fork()


def weeth_price(lw) -> int:
    """The market's weETH price by the rate oracle, written out: rate (weETH/eETH) x peg 1 x
    ETH/USD, each product floored: rate * eth_usd // 1e18 (8 decimals)."""
    rate = lw.issuer.to_value(ETH) * WAD // ETH
    return rate * lw.world.feed("eth-usd").latest().answer // WAD


class TestWorld:
    def test_listing_pool_and_feeds(self, lw):
        """weETH is listed with the cited figures in the ETH-correlated category, priced at its
        rate; the pool's mid is the rate at balance; the rate feed reads the issuer."""
        m, token = lw.world.market, lw.token
        cfg = m.reserve_config(token)
        assert (cfg.ltv, cfg.liquidation_threshold, cfg.liquidation_bonus) == (7250, 7500, 10750)
        assert cfg.emode_category == ETH_CORRELATED == WEETH["emode_category"]
        assert m.price(token) == weeth_price(lw)
        assert lw.issuer.rate() == WAD
        assert isinstance(lw.world.feed("weeth-eeth"), LrtRateFeed)
        assert abs(lrt_pool_peg(lw) - WAD) <= WAD // 10**6
        expected = 1 + 2_000_000 + 50_000 + 15_000  # bootstrap, native, wstETH, the pool's side
        assert lw.issuer.total_supply() == expected * ETH
        exposed = chain.exposed_to(lw.state, OPERATOR)  # market -> feed -> LRT -> operator
        assert {"aave", "etherfi", "curve:weeth"} <= set(exposed)

    def test_lrt_world_finds_a_fork_and_refuses_a_plain_world(self, lw):
        """The view is found again on a fork; a world without an LRT is refused."""
        assert lrt_world(lw.world.fork()).issuer.rate() == lw.issuer.rate()
        with pytest.raises(chain.InvalidArgument):
            lrt_world(default_world(params=None))

    def test_slashing_lowers_rate_and_health_factor_exactly(self, lw):
        """A slash of x of the operator's allocated stake in both strategies lowers V by the
        burned stake (slash_outcome per strategy, wstETH valued at its rate) and the rate to
        V' * 1e18 // S; an LRT-backed loan's HF falls to wadDiv(percentMul(C', LT), D)."""
        world, token = lw.world, lw.token
        m, sm = world.market, lw.strategy_manager
        world.fund(world.weth, "restaker", 1_000 * ETH)
        lw.issuer.deposit("restaker", world.weth, 1_000 * ETH)
        m.supply("restaker", token, 1_000 * ETH)
        m.set_emode("restaker", ETH_CORRELATED)
        m.borrow("restaker", world.weth, 900 * ETH)
        debt = m.account_data("restaker").total_debt_base
        fraction, magnitude = WAD // 4, round(LrtParams().magnitude * WAD)
        supply, value, burned = lw.issuer.total_supply(), 0, {}
        for asset in (world.weth, world.wsteth):
            s = lw.strategy(asset)
            burned[asset.symbol], left, total, balance = slash_outcome(sm.total_shares(s), sm.strategy_assets(s),
                                                         lw.delegation.operator_shares(OPERATOR, s), magnitude,
                                                         fraction)
            price = world.feed("wsteth-eth-lrt").latest().answer if asset == world.wsteth else WAD
            value += to_assets(left, total, balance) * price // WAD
        assert lw.slash(fraction) == burned
        assert lw.issuer.total_value() == value
        rate = value * WAD // supply
        assert lw.issuer.rate() == rate
        price = rate * world.feed("eth-usd").latest().answer // WAD
        assert m.price(token) == price
        collateral = m.supplied("restaker", token) * price // ETH
        assert m.health_factor("restaker") == wad_div(percent_mul(collateral, 9500), debt)
        assert abs(rate / WAD - (1 - 0.25 * 0.5)) < 1e-9  # x * m of the stake is lost

    def test_a_year_of_service_rewards_raises_the_rate(self, lw):
        """A year of the service's 1% on the allocated half of the stake, less the operators' 10%
        and the LRT's 10% fee: the rate rises by 0.5 x 1% x 0.9 x 0.9 (closed form, up to the
        bootstrap and the pool's LRT, which earn with the rest)."""
        paid = lw.pay_service_rewards(365 * 86_400)
        assert set(paid) == {"WETH", "wstETH"}
        assert lw.issuer.rate() / WAD - 1 == pytest.approx(0.5 * 0.01 * 0.9 * 0.9, rel=1e-6)
        fee = lw.issuer.accrue()
        assert lw.issuer.balance_of("treasury") == fee > 0

    def test_the_service_slashes_only_as_its_avs(self, lw):
        """Another account cannot slash through the service."""
        with lw.state.tx("lp"), pytest.raises(chain.NotTheCaller):
            lw.allocation.slash(AVS, OPERATOR, lw.strategy(lw.world.weth), WAD // 10)


class TestLoop:
    def test_liquidates_under_the_market_oracle_at_the_closed_form_ratio(self, lw):
        """Under the market oracle the loop's HF is L x LT x ratio / (L - 1): just above the
        closed-form ratio (L - 1) / (L x LT) no liquidation is allowed, just below one is."""
        world = lw.world
        lw.set_oracle("market")
        world.fund(world.weth, "looper", 100 * ETH)
        f = open_lrt_loop(lw, "looper", 100 * ETH, leverage=10.0)
        lt = world.market.emode_category(ETH_CORRELATED).liquidation_threshold / 1e4
        ratio = closed_form.liquidation_ratio(f.leverage, lt)
        assert 1 - ratio == pytest.approx(1 - (9 / (10 * 0.95)), abs=1e-3)
        world.fund(world.weth, "liquidator", 1_000 * ETH)
        for r, liquidatable in ((ratio * (1 + 1e-6), False), (ratio * (1 - 1e-6), True)):
            fork = lw.fork()
            fork.set_peg(r)
            hf = lrt_figures(fork, "looper").health_factor
            assert hf == pytest.approx(closed_form.health_factor(f.leverage, lt, r), rel=1e-9)
            assert (hf < 1) is liquidatable
            m = fork.world.market
            if liquidatable:
                m.liquidate("liquidator", "looper", fork.token, world.weth, 10 * ETH)
                assert m.debt("looper", world.weth) < f.debt_weth
            else:
                with pytest.raises(chain.Revert):
                    m.liquidate("liquidator", "looper", fork.token, world.weth, 10 * ETH)

    def test_the_rate_oracle_ignores_a_depeg(self, lw):
        """The lrt-depeg shock moves the pool and the peg feed; the loop's HF moves only under
        the market oracle."""
        world = lw.world
        world.fund(world.weth, "looper", 100 * ETH)
        open_lrt_loop(lw, "looper", 100 * ETH, leverage=8.0)
        before = lrt_figures(lw, "looper").health_factor
        shocked = lw.fork()
        peg = apply_lrt_depeg(shocked, 0.04)
        assert peg <= 0.96 * WAD and peg >= 0.959 * WAD
        assert shocked.peg_feed.latest().answer == peg == lrt_pool_peg(shocked)
        assert lrt_figures(shocked, "looper").health_factor == before
        shocked.set_oracle("market")
        assert lrt_figures(shocked, "looper").health_factor == pytest.approx(before * peg / WAD, rel=1e-9)

    def test_lrt_depeg_is_a_probe_shock(self, lw):
        """``apply_shock(world, "lrt-depeg", size)`` depegs the LRT pool and feed (and leaves the
        stETH feed alone); on a world without an LRT it is refused before any write."""
        world = lw.world
        steth = world.feed("steth-eth-market").latest().answer
        audit.apply_shock(world, "lrt-depeg", 0.03)
        peg = lw.peg_feed.latest().answer
        assert peg == lrt_pool_peg(lw) and 0.969 * WAD <= peg <= 0.97 * WAD
        assert world.feed("steth-eth-market").latest().answer == steth
        plain = default_world()
        before = plain.state.digest()
        with pytest.raises(chain.InvalidArgument):
            audit.apply_shock(plain, "lrt-depeg", 0.03)
        assert plain.state.digest() == before

    def test_unwind_closes_the_loop(self, lw):
        """Unwinding repays every wei of debt and returns most of the equity (pool fees and
        slippage aside)."""
        world = lw.world
        world.fund(world.weth, "looper", 10 * ETH)
        open_lrt_loop(lw, "looper", 10 * ETH, leverage=4.0)
        got = unwind_lrt_loop(lw, "looper")
        assert world.market.debt("looper", world.weth) == 0
        assert world.market.supplied("looper", lw.token) == 0
        assert 9.9 * ETH < got < 10 * ETH

    def test_a_target_past_the_ltv_writes_nothing(self, lw):
        """A loop whose debt the market refuses reverts whole."""
        world = lw.world
        world.fund(world.weth, "looper", 10 * ETH)
        lw.world.market.set_reserve_config(lw.token, ltv=0, liquidation_threshold=7500)
        before = world.state.digest()
        with pytest.raises(StrategyFailed):
            open_lrt_loop(lw, "looper", 10 * ETH, leverage=3.0)
        assert world.state.digest() == before


def test_price_model_depeg_path():
    """lrt_peg_path applies each Depeg's ratio on the row's day: down at the start, held, then
    linear back to par."""
    table = SyntheticPath(days=6, steth_model="par", apr_model="constant").table(0)
    path = lrt_peg_path(table, [Depeg(start_day=1, depth=0.1, hold_days=1, recovery_days=2)])
    assert path.tolist() == pytest.approx([1.0, 0.9, 0.9, 0.95, 1.0, 1.0, 1.0])
    assert math.prod(lrt_peg_path(table, [])) == 1.0
