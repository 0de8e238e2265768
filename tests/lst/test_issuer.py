"""The issuer: bootstrap, submit, the rebasing view, transfers, deposits, reports, fees,
governance, the value-accruing configuration and concentration figures."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import chain
from lst import (
    ETHEREUM,
    SOLANA,
    InsufficientBuffer,
    Issuer,
    NoOperators,
    ReportOutOfBounds,
    StakeLimitExceeded,
    StakingPaused,
    Submitted,
    TokenRebased,
    UnknownOperator,
    ValidatorsDeposited,
    ValidatorsExited,
    ZeroDeposit,
    round_robin,
    sharemath,
)

from .conftest import ETH, make_world, unchanged

P = sharemath.FEE_PRECISION_POINTS


def staked(n_validators: int, operators: int = 2, **kwargs):
    """A world where alice staked 32 ETH per validator and all of it was deposited."""
    state, weth, issuer = make_world(operators=operators, **kwargs)
    issuer.submit("alice", 32 * n_validators * ETH)
    assert issuer.deposit() == n_validators
    return state, weth, issuer


class TestBootstrap:
    def test_shares_locked_at_dead(self, world):
        """The bootstrap mints its shares 1:1 to DEAD_ADDRESS (Lido _bootstrapInitialHolder)."""
        state, weth, issuer = world
        assert issuer.shares_of(chain.DEAD_ADDRESS) == ETH
        assert issuer.total_shares() == ETH and issuer.total_pooled() == ETH
        assert state.balance_of(weth, "lido") == ETH

    def test_bootstrap_must_be_positive(self):
        """A zero bootstrap is refused."""
        with pytest.raises(ZeroDeposit):
            make_world(bootstrap=0)


class TestSubmit:
    def test_one_to_one_then_at_rate(self):
        """Shares = amount*S//T: 1:1 first, then at the rate after rewards (floor)."""
        state, _weth, issuer = make_world(bootstrap=3)
        issuer.report(0, el_rewards=7)
        assert (issuer.total_pooled(), issuer.total_shares()) == (10, 3)
        assert issuer.submit("alice", 10) == 3
        assert state.balance_of(issuer.token, "alice") == 3  # ledger balances are shares
        assert issuer.balance_of("alice") == 10
        assert state.events[-1] == Submitted("lido", "alice", 10, 3)

    def test_transfer_shortfall(self):
        """At T=20, S=6 sending 7 wei moves 2 shares: bob sees 6 wei (1 short), alice keeps 13."""
        _state, _weth, issuer = make_world(bootstrap=3)
        issuer.report(0, el_rewards=7)
        issuer.submit("alice", 10)
        assert issuer.transfer("alice", "bob", 7) == 2
        assert issuer.balance_of("bob") == 6
        assert issuer.balance_of("alice") == 3
        assert issuer.transfer_shares("alice", "bob", 1) == 3

    def test_zero_share_submit_refused(self):
        """A submit too small to buy one share is refused, not swallowed."""
        state, _weth, issuer = make_world(bootstrap=3)
        issuer.report(0, el_rewards=7)
        unchanged(state, lambda: issuer.submit("alice", 1), ZeroDeposit)

    def test_stake_limit(self, world):
        """Total pooled may not pass stake_limit."""
        state, _weth, issuer = world
        issuer.set_param("stake_limit", 11 * ETH)
        issuer.submit("alice", 10 * ETH)
        unchanged(state, lambda: issuer.submit("alice", 1), StakeLimitExceeded)

    def test_pause(self, world):
        """Paused: no submit, no transfer; unpaused again: both work."""
        state, _weth, issuer = world
        issuer.submit("alice", ETH)
        issuer.set_param("paused", 1)
        unchanged(state, lambda: issuer.submit("alice", ETH), StakingPaused)
        unchanged(state, lambda: issuer.transfer("alice", "bob", 1), StakingPaused)
        issuer.set_param("paused", 0)
        issuer.transfer("alice", "bob", ETH)
        assert issuer.balance_of("bob") == ETH


class TestDeposit:
    def test_least_active_stake(self, world):
        """Three validators over two operators go 2/1, the next one to the smaller."""
        state, weth, issuer = world
        issuer.submit("alice", 128 * ETH)
        assert issuer.deposit(3) == 3
        assert [op.validators for op in issuer.operators()] == [2, 1]
        assert issuer.deposit(1) == 1
        assert [op.validators for op in issuer.operators()] == [2, 2]
        assert ValidatorsDeposited("lido", 1, 1, 32 * ETH) in state.events
        assert issuer.pool().buffered == ETH and state.balance_of(weth, "lido") == ETH
        assert issuer.total_pooled() == 129 * ETH

    def test_pluggable_policy(self):
        """round_robin ignores existing stake."""
        _state, _weth, issuer = make_world(operators=3, policy=round_robin)
        issuer.submit("alice", 5 * 32 * ETH)
        issuer.deposit(5)
        assert [op.validators for op in issuer.operators()] == [2, 2, 1]

    def test_errors(self):
        """No operators, or more validators than the buffer funds: typed errors, nothing written."""
        state, _weth, issuer = make_world()
        issuer.submit("alice", 64 * ETH)
        unchanged(state, lambda: issuer.deposit(1), NoOperators)
        issuer.add_operator("op", "bob")
        unchanged(state, lambda: issuer.deposit(3), InsufficientBuffer)


class TestReport:
    def test_published_example_through_a_report(self):
        """T=S=1e18 and a CL gain of 1e18 at 10% (module 5%): 52631578947368421 shares minted
        and one share worth 1.9e18 after (REFERENCE.md section 5; Lido.sol _distributeFee).
        A 1-ETH validator size lets one validator carry the whole example."""
        preset = attrs.evolve(ETHEREUM, validator_size=ETH)
        _state, _weth, issuer = make_world(bootstrap=ETH, operators=1, preset=preset)
        issuer.set_param("annual_increase_limit_bps", 2**64)
        assert issuer.deposit() == 1
        event = issuer.report(2 * ETH)
        assert event.rewards == ETH
        assert event.shares_minted_as_fees == 52631578947368421
        assert issuer.get_pooled_by_shares(ETH) == 19 * ETH // 10
        assert issuer.balance_of(chain.DEAD_ADDRESS) == 19 * ETH // 10
        assert issuer.shares_of("op0") == 26315789473684210
        assert issuer.shares_of("treasury") == 26315789473684211

    def test_fee_scaled_published_example(self):
        """T=S=32 ETH, R=32 ETH, 10% fee (module 5%): 32x the published example's shares,
        1684210526315789473, split 842105263157894736 operator / 842105263157894737 treasury."""
        state, _weth, issuer = make_world(bootstrap=32 * ETH, operators=1)
        issuer.set_param("annual_increase_limit_bps", 2**64)
        issuer.deposit()
        state.advance(86_400)
        event = issuer.report(64 * ETH)
        assert event.shares_minted_as_fees == 32 * ETH * (10 * P // 100) * 32 * ETH // (
            64 * ETH * P - 32 * ETH * 10 * P // 100
        )
        assert event.shares_minted_as_fees == 1684210526315789473
        assert issuer.shares_of("op0") == 842105263157894736
        assert issuer.shares_of("treasury") == 842105263157894737
        # 3.2 ETH less 2 wei: the floored share fraction (0.68 share at 1.9) and the floored read.
        assert issuer.get_pooled_by_shares(event.shares_minted_as_fees) == 32 * ETH // 10 - 2
        assert issuer.balance_of(chain.DEAD_ADDRESS) == 32 * ETH * 64 * ETH // (
            32 * ETH + 1684210526315789473
        )
        assert issuer.balance_of(chain.DEAD_ADDRESS) == 60800000000000000001

    @given(st.integers(1, 10**6), st.integers(1, 32 * 10**17), st.sampled_from([1, 500, 1000, 10_000]))
    def test_recipients_get_fee_fraction(self, validators, gain, fee_bps):
        """A report with rewards R and fee f gives the recipients shares worth f*R: never more,
        and less by under one wei plus one share's value (the floored share), so to 1-2 wei
        at a rate near 1."""
        _state, _weth, issuer = make_world(bootstrap=32 * validators * ETH, operators=1)
        issuer.set_param("annual_increase_limit_bps", 2**64)
        issuer.set_param("fee_bps", fee_bps)
        issuer.deposit()
        issuer.report(32 * validators * ETH + gain)
        worth = issuer.get_pooled_by_shares(issuer.shares_of("op0") + issuer.shares_of("treasury"))
        t, s = issuer.total_pooled(), issuer.total_shares()
        assert worth * 10_000 <= gain * fee_bps
        assert ((worth + 1) * s + t) * 10_000 > gain * fee_bps * s
        assert worth >= gain * fee_bps // 10_000 - 2

    def test_loss_has_no_fee_and_rebases_everyone(self):
        """A lower CL balance mints no fee (LIP-12) and every balance falls by the same factor."""
        state, _weth, issuer = staked(10)
        issuer.transfer("alice", "bob", 100 * ETH)
        before = {a: issuer.balance_of(a) for a in ("alice", "bob", chain.DEAD_ADDRESS)}
        state.advance(86_400)
        event = issuer.report(320 * ETH - 3 * ETH)
        assert event.shares_minted_as_fees == 0 and event.rewards == 0
        assert issuer.total_pooled() == 318 * ETH
        for who, was in before.items():
            assert abs(issuer.balance_of(who) * 321 - was * 318) <= 321  # same factor, to 1 wei

    def test_el_rewards_count_only_with_cl_gain(self):
        """EL rewards are fee-free on a report without CL gain, and feed R with one."""
        state, weth, issuer = staked(1, operators=1)
        issuer.set_param("annual_increase_limit_bps", 2**64)
        assert issuer.report(32 * ETH, el_rewards=ETH).shares_minted_as_fees == 0
        event = issuer.report(32 * ETH + 1, el_rewards=ETH)
        assert event.rewards == ETH + 1
        assert issuer.pool().buffered == 3 * ETH and state.balance_of(weth, "lido") == 3 * ETH

    def test_governed_fee_changes_next_report(self):
        """fee_bps set through set_param changes the very next report's fee."""
        state, _weth, issuer = make_world(bootstrap=3200 * ETH, operators=1)
        issuer.deposit()
        issuer.set_param("fee_bps", 500)
        state.advance(86_400)
        event = issuer.report(3200 * ETH + 10**17)
        # 5% of R = 0.1 ETH at T = S = 3200 ETH: R*f*S // ((T+R)*P - R*f), by hand
        assert event.shares_minted_as_fees == 10**17 * (5 * P // 100) * 3200 * ETH // (
            (3200 * ETH + 10**17) * P - 10**17 * (5 * P // 100)
        )
        assert event.shares_minted_as_fees == 4999851566906607
        assert chain.ParameterSet("lido", "fee_bps", 1000, 500) in state.events

    def test_sanity_bounds(self):
        """Out-of-bounds reports are refused with nothing written."""
        state, _weth, issuer = staked(10)
        state.advance(86_400)
        too_high = 320 * ETH + 320 * ETH * 1001 // 3_650_000 + 1  # 1001 bps a year
        unchanged(state, lambda: issuer.report(too_high), ReportOutOfBounds)
        issuer.report(320 * ETH + 320 * ETH // 3650)
        unchanged(state, lambda: issuer.report(300 * ETH), ReportOutOfBounds)
        unchanged(state, lambda: issuer.report(320 * ETH, cl_validators=11), ReportOutOfBounds)
        issuer.report(320 * ETH, cl_validators=10)
        unchanged(state, lambda: issuer.report(320 * ETH, cl_validators=9), ReportOutOfBounds)

    def test_oracle_only(self):
        """With an oracle set, only it may report."""
        state, _weth, issuer = make_world(oracle="oracle")
        unchanged(state, lambda: issuer.report(0, caller="bob"), chain.Unauthorized)
        assert isinstance(issuer.report(0, caller="oracle"), TokenRebased)

    def test_pending_validators_count_at_deposit_size(self):
        """Deposited but unreported validators count 32 ETH each (V2 formula)."""
        _state, _weth, issuer = staked(3)
        assert issuer.pool().cl_validators == 0
        assert issuer.total_pooled() == 97 * ETH
        issuer.report(64 * ETH, cl_validators=2)
        assert issuer.total_pooled() == 97 * ETH


class TestAccruingStyle:
    def test_value_accruing_configuration(self):
        """rebasing=False: the token amount is the share amount; its price rises instead."""
        state = chain.State()
        state.add_network("solana", block_time=1)
        sol = state.add_token("solana", "SOL", 9)
        for a in ("dao", "treasury", "alice", "bob", "v0"):
            state.add_account(a)
            state.mint(sol, a, 10**9 * 10**9)
        issuer = Issuer.deploy(
            state,
            "marinade",
            "solana",
            native=sol,
            funder="dao",
            bootstrap=10**9,
            treasury="treasury",
            preset=SOLANA,
        )
        assert issuer.token.symbol == "mSOL" and not issuer.rebasing
        issuer.add_operator("v0", "v0")
        issuer.submit("alice", 99 * 10**9)
        issuer.deposit()
        state.advance(86_400)
        issuer.report(100 * 10**9 + 10**7)
        assert issuer.balance_of("alice") == 99 * 10**9
        assert issuer.st_per_token() == 10**9 * issuer.total_pooled() // issuer.total_shares()
        assert issuer.st_per_token() > 10**9
        assert issuer.transfer("alice", "bob", 12345) == 12345
        assert issuer.balance_of("bob") == 12345


class TestConcentration:
    def test_figures(self):
        """Ten equal operators: HHI 0.1 wad, Nakamoto 4; network share on the parameter."""
        _state, _weth, issuer = staked(10, operators=10, network_stake=3200 * ETH)
        c = issuer.concentration()
        assert (c.herfindahl, c.nakamoto, c.network_share) == (10**17, 4, 10**17)
        assert c.stakes == (32 * ETH,) * 10

    def test_exits_change_stake_and_fee_weight(self):
        """An exited validator stops counting as stake; its operator's fee weight falls."""
        state, _weth, issuer = staked(4, operators=2, network_stake=3200 * ETH)
        issuer.exit_validators(0, 2)
        assert state.events[-1] == ValidatorsExited("lido", 0, 2)
        c = issuer.concentration()
        assert c.stakes == (0, 64 * ETH) and c.herfindahl == 10**18 and c.nakamoto == 1
        assert c.network_share == 2 * 10**16
        issuer.report(128 * ETH + 10**15, withdrawn=0)
        assert issuer.shares_of("op0") == 0 and issuer.shares_of("op1") > 0
        unchanged(state, lambda: issuer.exit_validators(0, 1), chain.InvalidArgument)
        unchanged(state, lambda: issuer.exit_validators(1, 0), chain.InvalidAmount)
        unchanged(state, lambda: issuer.exit_validators(7, 1), UnknownOperator)

    def test_graph_edges(self):
        """Holders are staked with the issuer; the issuer delegates to operators."""
        state, _weth, _issuer = staked(2)
        graph = state.graph()
        kinds = {(u, v, d["kind"]) for u, v, d in graph.edges(data=True)}
        assert ("alice", "lido", "staked") in kinds
        assert ("lido", "op0", "delegates-to") in kinds
        assert "lido" in chain.exposure(state, "alice")


def test_fork_is_independent(world):
    """A fork's issuer reads and writes the fork's records only."""
    state, _weth, issuer = world
    fork = state.fork()
    issuer.on(fork).submit("alice", 5 * ETH)
    assert issuer.on(fork).total_pooled() == 6 * ETH
    assert issuer.total_pooled() == ETH and issuer.balance_of("alice") == 0
