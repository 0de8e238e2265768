"""Governance over the default world: a proposal lowers the wstETH liquidation threshold of the
lending market and the LST's fee; both show in behaviour. Borrowed votes count for nothing."""

from __future__ import annotations

import pytest

from chain import WAD, Unauthorized
from chain.fixedpoint import percent_mul, wad_div
from governance import Action, ProposalState, Support
from lstlab import strategies
from lstlab.world.build import DAO, ISSUER, MARKET

BLOCK = 12


def _mine(world, blocks):
    world.state.advance(blocks * BLOCK)


def _delegate_dao(world):
    ldo = world.state.token("ethereum", "LDO")
    amount = world.state.balance_of(ldo, DAO)
    world.votes.deposit_for(DAO, DAO, amount)
    world.votes.delegate(DAO, DAO)
    _mine(world, 1)
    return ldo


def test_lifecycle_changes_lending_threshold_and_lst_fee(world):
    world.hand_parameters_to_governance()
    with pytest.raises(Unauthorized):
        world.market.set_param("wstETH.liquidation_threshold", 7000, caller=DAO)
    world.fund(world.weth, "user", 10 * WAD)
    strategies.open_flash(world, "user", 10 * WAD, leverage=3.0, mode=2)
    # outside eMode the wstETH reserve's own threshold applies: leave eMode to expose it
    world.market.set_emode("user", 0)
    hf_before = world.market.health_factor("user")
    _delegate_dao(world)
    gov = world.governor
    actions = [Action(MARKET, "wstETH.liquidation_threshold", 8000), Action(ISSUER, "fee_bps", 500)]
    pid = gov.propose(DAO, actions, "LT 81% -> 80%, fee 10% -> 5%")
    assert gov.state_of(pid) == ProposalState.PENDING
    _mine(world, world.params.governance.voting_delay_blocks + 1)
    gov.cast_vote(DAO, pid, Support.FOR)
    _mine(world, world.params.governance.voting_period_blocks)
    assert gov.state_of(pid) == ProposalState.SUCCEEDED
    gov.queue(pid)
    world.state.advance(world.params.governance.timelock_delay)
    gov.execute(pid)
    assert gov.state_of(pid) == ProposalState.EXECUTED
    # the threshold: HF = wadDiv(percentMul(collateral, 8000), debt), down from the 8100 figure
    data = world.market.account_data("user")
    assert world.market.get_param("wstETH.liquidation_threshold") == 8000
    assert data.liquidation_threshold == 8000
    assert data.health_factor == wad_div(percent_mul(data.total_collateral_base, 8000), data.total_debt_base)
    assert data.health_factor < hf_before
    # the fee: the next report mints shares worth 5% of the rewards to the fee recipients
    assert world.issuer.get_param("fee_bps") == 500
    treasury_before = world.issuer.balance_of(world.issuer.treasury)
    world.state.advance(86_400)
    gain = world.report_rewards(0.035)
    treasury_gain = world.issuer.balance_of(world.issuer.treasury) - treasury_before
    operators_gain = sum(world.issuer.balance_of(f"operator-{k:02d}") for k in range(world.params.lst.operators))
    fee_value = treasury_gain + operators_gain
    assert gain * 500 // 10_000 - 2 * (world.params.lst.operators + 1) <= fee_value <= gain * 500 // 10_000


def test_votes_acquired_after_the_snapshot_have_no_power(world):
    """A whale buys LDO (a transfer) during the voting period: its vote weighs 0."""
    ldo = _delegate_dao(world)
    pid = world.governor.propose(DAO, [Action(ISSUER, "fee_bps", 900)], "fee 9%")
    _mine(world, world.params.governance.voting_delay_blocks + 1)
    world.state.add_account("whale")
    world.votes.transfer(DAO, "whale", world.votes.get_votes(DAO) // 2)
    world.votes.delegate("whale", "whale")
    _mine(world, 1)
    assert world.governor.cast_vote("whale", pid, Support.AGAINST) == 0
    assert world.governor.cast_vote(DAO, pid, Support.FOR) == ldo.units(world.params.governance.supply)
