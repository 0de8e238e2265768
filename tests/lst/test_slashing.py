"""Slashing: Bellatrix penalties, socialised through the share rate; diversification pays.

Constants: ethereum/consensus-specs specs/bellatrix/beacon-chain.md
(MIN_SLASHING_PENALTY_QUOTIENT_BELLATRIX = 32, PROPORTIONAL_SLASHING_MULTIPLIER_BELLATRIX = 3,
EFFECTIVE_BALANCE_INCREMENT = 1 ETH). The expected figures below are computed by hand from
those formulas, not by the code under test.
"""

from __future__ import annotations

import pytest

import chain
from lst import UnknownOperator
from lst import ValidatorsSlashed as Slashed

from .conftest import ETH, make_world, unchanged

NETWORK = 32_000 * ETH  # 1,000 validators on the whole network


def issuer_with(operators: int, policy=None):
    """100 validators over ``operators`` operators on a 32,000 ETH network; alice staked all."""
    kwargs = {"network_stake": NETWORK}
    state, _weth, issuer = make_world(operators=operators, **kwargs)
    issuer.submit("alice", 3200 * ETH)
    assert issuer.deposit() == 100
    return state, issuer


class TestDiversification:
    def test_one_of_ten_vs_single_operator(self):
        """Slashing one operator: with ten operators 10 validators x (1 + 0) ETH = 10 ETH;
        with one operator 100 validators x (1 + 9) ETH = 1,000 ETH.

        Correlation penalty = 32 * min(3 * slashed, 32,000) // 32,000 whole ETH:
        10 slashed: 32 * 960 // 32,000 = 0; 100 slashed: 32 * 9,600 // 32,000 = 9.
        """
        _state10, ten = issuer_with(10)
        _state1, one = issuer_with(1)
        alice10, alice1 = ten.balance_of("alice"), one.balance_of("alice")
        assert ten.slash(0) == 10 * ETH
        assert one.slash(0) == 1000 * ETH
        assert ten.total_pooled() == 3201 * ETH - 10 * ETH
        assert one.total_pooled() == 3201 * ETH - 1000 * ETH
        lost10 = alice10 - ten.balance_of("alice")
        lost1 = alice1 - one.balance_of("alice")
        # alice holds 3200 of 3201 shares: she bears 3200/3201 of each loss (floored reads).
        assert lost10 == alice10 - 3200 * ETH * (3191 * ETH) // (3201 * ETH)
        assert lost1 == alice1 - 3200 * ETH * (2201 * ETH) // (3201 * ETH)
        # diversification saves alice 990 ETH x 3200/3201, to 1 wei
        assert abs((lost1 - lost10) * 3201 - 990 * ETH * 3200) <= 3201
        assert lost1 > 99 * lost10

    def test_events_and_operator_record(self):
        """The event splits initial and correlation penalties; the operator loses its actives."""
        state, issuer = issuer_with(1)
        issuer.slash(0, count=40)
        # 40 slashed: 32 * min(3 * 1280, 32000) // 32000 = 32 * 3840 // 32000 = 3 ETH each.
        assert state.events[-1] == Slashed("lido", 0, 40, 40 * ETH, 40 * 3 * ETH)
        op = issuer.operator(0)
        assert (op.slashed, op.active, op.penalties) == (40, 60, 160 * ETH)

    def test_window_accumulates_and_expires(self):
        """A second slashing in the window counts the first; after the window it does not."""
        state, issuer = issuer_with(10)
        assert issuer.slash(0) == 10 * ETH
        # 20 slashed in the window: 32 * 1920 // 32000 = 1 ETH correlation.
        assert issuer.slash(1) == 10 * 2 * ETH
        state.advance(issuer.preset.slashing_window_seconds)
        assert issuer.slash(2) == 10 * ETH

    def test_external_slashings_raise_the_correlation(self):
        """Other slashings on the network in the window raise this one's penalty."""
        _state, issuer = issuer_with(10)
        # 10 own + 320 external validators: 32 * 3 * 10,560 // 32,000 = 31 ETH, capped at 32.
        assert issuer.slash(0, external_slashed=320 * 32 * ETH) == 10 * 32 * ETH

    def test_correlated_set(self):
        """A correlated set of operators is slashed together and shares one window."""
        _state, issuer = issuer_with(10)
        # 30 slashed: 32 * 2880 // 32000 = 2 ETH correlation each.
        assert issuer.slash([0, 1, 2]) == 30 * 3 * ETH

    def test_no_fee_on_slashing(self):
        """A slashing mints no shares."""
        _state, issuer = issuer_with(10)
        shares = issuer.total_shares()
        issuer.slash(0)
        assert issuer.total_shares() == shares

    def test_bad_inputs(self):
        """Unknown, repeated or malformed operators, zero counts: typed errors, nothing written."""
        state, issuer = issuer_with(2)
        unchanged(state, lambda: issuer.slash(5), UnknownOperator)
        unchanged(state, lambda: issuer.slash([0, 0]), chain.InvalidArgument)
        unchanged(state, lambda: issuer.slash([]), chain.InvalidArgument)
        unchanged(state, lambda: issuer.slash(0, count=0), chain.InvalidAmount)
        unchanged(state, lambda: issuer.slash(0, external_slashed=-1), chain.InvalidAmount)


@pytest.mark.parametrize("preset_name, per_validator", [("cosmos", 10**6 // 20), ("cardano", 0)])
def test_other_presets(preset_name, per_validator):
    """Cosmos slashes 5% (double sign) with no correlation term; Cardano does not slash."""
    from lst import PRESETS, Issuer

    preset = PRESETS[preset_name]
    state = chain.State()
    state.add_network(preset.name)
    native = state.add_token(preset.name, preset.native_symbol, preset.decimals)
    for a in ("dao", "treasury", "alice", "v"):
        state.add_account(a)
        state.mint(native, a, 10**30)
    issuer = Issuer.deploy(
        state,
        "lst",
        preset.name,
        native=native,
        funder="dao",
        bootstrap=10**6,
        treasury="treasury",
        preset=preset,
    )
    issuer.add_operator("v", "v")
    issuer.submit("alice", 10 * preset.validator_size)
    issuer.deposit()
    assert issuer.slash(0) == 11 * per_validator


def test_launchnodes_october_2023():
    """Lido/Launchnodes, 11 Oct 2023: 20 validators of one operator slashed (REFERENCE.md 9.3;
    research.lido.fi/t/slashing-incident-involving-launchnodes-validators-oct-11-2023/5631/4).
    With about 28M ETH staked the correlation term is 32 * 1,920 // 28,000,000 = 0, so the
    slashing penalties are 20 x 1 ETH; the reported 28.463 ETH also counts missed rewards."""
    _state, _weth, issuer = make_world(operators=30, network_stake=28_000_000 * ETH)
    issuer.submit("alice", 30 * 20 * 32 * ETH)
    issuer.deposit()
    pooled = issuer.total_pooled()
    assert issuer.slash(0) == 20 * ETH
    assert pooled - issuer.total_pooled() == 20 * ETH
    assert issuer.total_pooled() * 10_000 // pooled == 9989  # a 0.1% drop of the share rate
