"""The relayer: due L1->L2 messages delivered, the wstETH rate pushed on its cadence."""

from __future__ import annotations

import pytest

from bridge import DEPOSIT, PENDING
from chain import WAD
from chain.errors import InvalidArgument
from lstlab.agents.base import Step
from lstlab.agents.relayer import LIDO_REPORT_CADENCE, LastPush, Relayer

DAY = 86_400
FEED = "l2:wsteth-steth"


def step(world, agents, index, dt, report):
    """One step as the backtest makes it: clock, oracle report when due, feeds, agents."""
    if dt:
        world.state.advance(dt)
    if report:
        world.report_rewards(0.035)
    world.set_prices(1719.0, 1.0)
    out = [agent.act(world, Step(index, world.state.now, dt, 1719.0, 1.0, 0.035)) for agent in agents]
    world.state.drain_events()
    return out


def days(world, agents, n):
    """``n`` daily steps with a daily oracle report; returns each step's metrics and the L1
    rate (wad) and time right after each step."""
    metrics, l1 = [], []
    for i in range(n):
        metrics.append(step(world, agents, i, DAY if i else 0, True))
        l1.append((world.feed("wsteth-steth").latest().answer, world.state.now))
    return metrics, l1


class TestNinetyDays:
    def test_l2_holds_the_previous_push(self, world):
        """After 90 daily steps the L2 rate is exactly the L1 rate of the previous push, read
        one cadence ago, within cadence + latency of now; the L1 rate has moved meanwhile."""
        relayer = Relayer.create(world)
        latency = world.bridge.get_param("deposit_latency")
        _, l1 = days(world, [relayer], 91)
        reading = world.feed(FEED).latest()
        previous_rate, previous_time = l1[-2]
        assert reading.answer == previous_rate and reading.updated_at == previous_time
        assert world.state.now - reading.updated_at <= relayer.cadence + latency
        assert l1[-1][0] > reading.answer > WAD
        assert relayer.last_push(world).time == world.state.now

    def test_counts(self, world):
        """One push per daily step, one delivery per step from the second on; the lag metric is
        one day once the first push has arrived."""
        metrics, _ = days(world, [Relayer()], 91)
        rows = [m[0] for m in metrics]
        assert [r["relayer_pushes"] for r in rows] == [1.0] * 91
        assert [r["relayer_delivered"] for r in rows] == [0.0] + [1.0] * 90
        assert {r["relayer_l2_rate_lag_s"] for r in rows[1:]} == {float(DAY)}
        assert all(r["relayer_l2_rate_gap_bps"] > 0 for r in rows[1:])
        assert not any(v for r in rows for k, v in r.items() if "_blocked_" in k)

    def test_without_the_relayer_the_feed_stays_at_build(self, world):
        """Without a relayer nobody pushes: the L2 rate stays at its build value while L1 moves."""
        built = world.feed(FEED).latest()
        _, l1 = days(world, [], 91)
        assert world.feed(FEED).latest() == built
        assert l1[-1][0] > built.answer


class TestCadence:
    def test_pushes_once_per_cadence(self, world):
        """With 6-hour steps and a one-day cadence it pushes on steps 0, 4 and 8 only, and the
        lag never exceeds cadence + latency once the first push arrived."""
        relayer = Relayer()
        latency = world.bridge.get_param("deposit_latency")
        rows = [step(world, [relayer], i, 6 * 3600 if i else 0, i % 4 == 0)[0] for i in range(12)]
        assert [i for i, r in enumerate(rows) if r["relayer_pushes"]] == [0, 4, 8]
        assert max(r["relayer_l2_rate_lag_s"] for r in rows[1:]) <= relayer.cadence + latency

    def test_default_cadence_is_lidos_daily_report(self):
        """The default cadence is one AccountingOracle frame: 225 epochs of 32 12-second slots."""
        assert Relayer().cadence == LIDO_REPORT_CADENCE == 225 * 32 * 12

    @pytest.mark.parametrize("cadence", [0, -5, 1.5])
    def test_rejects_bad_cadence(self, cadence):
        """A cadence that is not a positive int raises InvalidArgument."""
        with pytest.raises(InvalidArgument):
            Relayer(cadence=cadence)

    def test_rejects_a_feed_that_is_not_relayed(self, world):
        """Funding a relayer of a feed that is not a relayed feed raises InvalidArgument."""
        with pytest.raises(InvalidArgument):
            Relayer.create(world, feed="eth-usd")


def _deposit(world, account, eth):
    world.fund(world.weth, account, eth * WAD)
    amount = world.stake(account, eth * WAD)
    world.bridge.deposit(account, amount)
    return amount


class TestPause:
    def test_paused_deposit_is_counted_and_kept(self, world):
        """A due deposit of a paused bridge stays pending and is counted; the rate still
        arrives; after the unpause the deposit is delivered."""
        relayer = Relayer()
        step(world, [relayer], 0, 0, False)
        amount = _deposit(world, "alice", 10)
        world.bridge.pause(DEPOSIT)
        (m,) = step(world, [relayer], 1, DAY, True)
        assert m["relayer_blocked_paused"] == 1.0 and m["relayer_delivered"] == 1.0
        assert world.state.balance_of(world.l2_wsteth, "alice") == 0
        world.bridge.unpause(DEPOSIT)
        (m,) = step(world, [relayer], 2, DAY, True)
        assert m["relayer_blocked_paused"] == 0.0 and m["relayer_delivered"] == 2.0
        assert world.state.balance_of(world.l2_wsteth, "alice") == amount

    def test_withdrawals_are_left_to_their_recipients(self, world):
        """An L2->L1 withdrawal past its delay stays pending: the relayer only delivers L1->L2."""
        relayer = Relayer()
        step(world, [relayer], 0, 0, False)
        amount = _deposit(world, "bob", 5)
        step(world, [relayer], 1, DAY, False)
        message_id = world.bridge.withdraw("bob", amount)
        step(world, [relayer], 2, 8 * DAY, False)
        assert world.bridge.message(message_id).status == PENDING


class TestState:
    def test_last_push_lives_in_the_world(self, world):
        """The last push is a record of the bridge, so a fork carries it and a new relayer
        object on the fork does not push again before the cadence."""
        step(world, [Relayer()], 0, 0, False)
        record = Relayer().last_push(world)
        assert isinstance(record, LastPush) and record.time == world.state.now
        fork = world.fork()
        (m,) = step(fork, [Relayer()], 1, DAY - 1, False)
        assert m["relayer_pushes"] == 0.0 and Relayer().last_push(world) == record

    def test_fork_continues_like_the_original(self, world):
        """A run forked after 30 days ends with the same L2 feed and bridge records as the
        straight run."""
        relayer = Relayer()
        straight = world.fork()
        days(straight, [relayer], 60)
        half = world.fork()
        for i in range(30):
            step(half, [relayer], i, DAY if i else 0, True)
        rest = half.fork()
        for i in range(30, 60):
            step(rest, [relayer], i, DAY, True)
        assert rest.feed(FEED).latest() == straight.feed(FEED).latest()
        bridge = rest.bridge.address
        assert dict(rest.state.records(bridge)) == dict(straight.state.records(bridge))
