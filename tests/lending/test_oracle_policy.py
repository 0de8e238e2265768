"""The market's oracle policy: a price older than max_age makes borrowing revert StaleFeed; the
L2 sequencer sentinel (Aave PriceOracleSentinel) refuses borrows while down and for the grace
period after, and lets only positions below HF 0.95 be liquidated meanwhile."""

from __future__ import annotations

import pytest

from chain import InvalidArgument, StaleFeed, Unauthorized
from chain.fixedpoint import UINT256_MAX, percent_mul
from lending import GracePeriod, OraclePolicySet, SequencerDown, SequencerOracle
from tests.lending.conftest import make_world

E18, U6, P8 = 10**18, 10**6, 10**8


def borrower(world):
    m = world.market
    m.supply("bob", world.usdc, 1_000_000 * U6)
    m.supply("alice", world.weth, 10 * E18)
    return m


class TestMaxAge:
    def test_stale_past_max_age_fresh_at_it(self) -> None:
        """At exactly max_age a borrow passes; one second later it reverts StaleFeed, naming the
        feed, and writes nothing; refreshing every feed the borrow uses lets it through."""
        world = make_world()
        m, s = borrower(world), world.state
        m.set_oracle_policy(max_age=3600)
        for symbol in ("WETH", "USDC"):
            world.feed(symbol).set(world.feed(symbol).latest().answer)
        s.advance(3600)
        m.borrow("alice", world.usdc, 100 * U6)
        s.advance(1)
        before = s.digest()
        with pytest.raises(StaleFeed, match="usdc-usd|weth-usd"):
            m.borrow("alice", world.usdc, 100 * U6)
        assert s.digest() == before
        world.feed("USDC").set(P8)
        with pytest.raises(StaleFeed, match="weth-usd"):  # the collateral's price is stale too
            m.borrow("alice", world.usdc, 100 * U6)
        world.feed("WETH").set(2000 * P8)
        m.borrow("alice", world.usdc, 100 * U6)
        assert m.debt("alice", world.usdc) >= 200 * U6

    def test_no_limit_by_default_and_liquidations_unaffected(self) -> None:
        """Without max_age a week-old price borrows; with one, a liquidation still reads it."""
        world = make_world()
        m, s = borrower(world), world.state
        s.advance(7 * 86_400)
        m.borrow("alice", world.usdc, 16_000 * U6)
        m.set_oracle_policy(max_age=60)
        world.feed("WETH").set(1900 * P8)
        s.advance(61)
        assert m.liquidate("liquidator", "alice", world.weth, world.usdc, UINT256_MAX).debt > 0


def sentinel_world(*, grace: int = 3600):
    world = make_world()
    m, s = borrower(world), world.state
    m.borrow("alice", world.usdc, 16_000 * U6)
    SequencerOracle.deploy(s, "sequencer", "ethereum")
    m.set_oracle_policy(sequencer_feed="sequencer", grace_period=grace)
    return world, m, s, s.contract("sequencer")


class TestSentinel:
    def test_grace_period_after_deploy_boundary(self) -> None:
        """Up since now: borrows wait until more than grace_period has passed (Aave's '>')."""
        world, m, s, _ = sentinel_world()
        with pytest.raises(GracePeriod):
            m.borrow("alice", world.usdc, U6)
        s.advance(3600)
        with pytest.raises(GracePeriod):
            m.borrow("alice", world.usdc, U6)
        s.advance(1)
        m.borrow("alice", world.usdc, U6)

    def test_down_refuses_borrows_and_liquidations_at_or_above_095(self) -> None:
        """Down: no borrow; HF 0.9856 cannot be liquidated; at WETH 1800 (HF 0.934) it can."""
        world, m, s, seq = sentinel_world()
        s.advance(3601)
        seq.set_status(True)
        with pytest.raises(SequencerDown):
            m.borrow("alice", world.usdc, U6)
        world.feed("WETH").set(1900 * P8)
        assert 95 * 10**16 <= m.health_factor("alice") < E18
        before = s.digest()
        with pytest.raises(SequencerDown, match="0.95"):
            m.liquidate("liquidator", "alice", world.weth, world.usdc, UINT256_MAX)
        assert s.digest() == before
        world.feed("WETH").set(1800 * P8)
        assert m.health_factor("alice") < 95 * 10**16
        owed = m.debt("alice", world.usdc)  # 16,000 USDC and an hour of interest
        assert m.liquidate("liquidator", "alice", world.weth, world.usdc, UINT256_MAX).debt == owed

    def test_back_up_then_grace_then_all_allowed(self) -> None:
        """Up again at t: borrows and liquidations at HF >= 0.95 wait until t + grace + 1."""
        world, m, s, seq = sentinel_world(grace=600)
        s.advance(601)
        seq.set_status(True)
        s.advance(100)
        seq.set_status(False)
        world.feed("WETH").set(1900 * P8)
        s.advance(600)
        with pytest.raises(GracePeriod):
            m.liquidate("liquidator", "alice", world.weth, world.usdc, UINT256_MAX)
        with pytest.raises(GracePeriod):
            m.borrow("bob", world.weth, E18)
        s.advance(1)
        half = percent_mul(m.debt("alice", world.usdc), 5000)  # HF > 0.95: the 50% close factor
        assert m.liquidate("liquidator", "alice", world.weth, world.usdc, UINT256_MAX).debt == half

    def test_repeated_up_report_keeps_its_start(self) -> None:
        """Reporting 'up' again does not restart the grace period (Chainlink's startedAt)."""
        world, m, s, seq = sentinel_world(grace=10)
        s.advance(11)
        seq.set_status(False)
        m.borrow("alice", world.usdc, U6)
        assert seq.latest_answer() == (False, s.now - 11)


class TestPolicyInput:
    def test_config_event_and_checks(self) -> None:
        """The policy shows in config(), emits OraclePolicySet; bad values and non-admins fail."""
        world = make_world()
        m, s = world.market, world.state
        SequencerOracle.deploy(s, "sequencer", "ethereum", is_down=True)
        m.set_oracle_policy(max_age=90, sequencer_feed="sequencer", grace_period=7)
        mc = m.config()
        assert (mc.max_age, mc.sequencer_feed, mc.grace_period) == (90, "sequencer", 7)
        assert s.events[-1] == OraclePolicySet("aave", 90, "sequencer", 7)
        for bad in (dict(max_age=-1), dict(max_age=1.5), dict(grace_period=-1),
                    dict(sequencer_feed="weth-usd"), dict(sequencer_feed=3)):
            with pytest.raises(InvalidArgument):
                m.set_oracle_policy(**bad)
        s.add_account("admin")
        m.set_param_admin("admin")
        with pytest.raises(Unauthorized), s.tx("alice"):
            m.set_oracle_policy()
        with s.tx("admin"):
            m.set_oracle_policy()
        assert m.config().sequencer_feed is None and m.config().max_age is None

    def test_oracle_since_must_not_be_in_the_future(self) -> None:
        world = make_world()
        with pytest.raises(InvalidArgument):
            SequencerOracle.deploy(world.state, "sequencer", "ethereum", since=world.state.now + 1)
