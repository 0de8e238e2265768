"""A world with stETH, rETH and mSOL (on its own Solana network) runs backtest steps; each
provider's issuer reports at its own chain's epoch cadence, within its own chain's limit."""

from __future__ import annotations

import pandas as pd
import pytest

import lst
from chain import InvalidArgument
from lstlab.market.prices import load_prices
from lstlab.sim.backtest import Backtest, LoopConfig, default_agents
from lstlab.world.build import default_world
from lstlab.world.params import WorldParams
from lstlab.world.providers import ProviderReports, deploy_providers, providers

DAY, YEAR, ETHER, SOL = 86_400, 365 * 86_400, 10**18, 10**9


def _prices(days: int):
    return load_prices(pd.DataFrame({
        "date": pd.date_range("2024-01-01", periods=days, freq="D"),
        "eth_usd": [2300.0] * days, "steth_eth": [1.0] * days, "staking_apr": [0.03] * days,
    }))


@pytest.fixture(scope="module")
def run():
    prices = _prices(4)
    world = default_world(WorldParams(providers=("steth", "reth", "msol")), start=int(prices.seconds[0]))
    built = {k: (world.state.now, world.state.contract(p.issuer).pool()) for k, p in providers(world).items()}
    backtest = Backtest(prices, LoopConfig(leverage=2.0), world=world,
                        agents=[*default_agents(world), ProviderReports()])
    return prices, built, backtest.run()


def test_networks_and_venues(run):
    """mSOL lives on a solana network with 1 s blocks; rETH is listed in the Ethereum market."""
    result = run[2]
    world = result.world
    found = providers(world)
    assert set(found) == {"steth", "reth", "msol"}
    assert world.state.network("solana").block_time == lst.SOLANA.block_time == 1
    assert world.state.contract(found["msol"].issuer).network == "solana"
    assert world.state.token("ethereum", "rETH") in world.market.reserves()
    assert found["msol"].unstake == "marinade:unstake" and found["msol"].market is None


def test_own_limits(run):
    """Each issuer's report limit is its chain preset's: Ethereum 1000 bps, Solana 2 x 700."""
    world = run[2].world
    limits = {k: world.state.contract(p.issuer).get_param("annual_increase_limit_bps")
              for k, p in providers(world).items()}
    assert limits == {"steth": 1000, "reth": 1000, "msol": 1400}


def test_reports_at_own_epochs(run):
    """The providers are deployed at the end of the build, 360 s in (the bridge's two
    latencies), and the clock then moves a day a row: rETH (225 epochs = 1 day) reports on
    every later row, mSOL (one 2-day Solana epoch) on the second only."""
    prices, built, result = run
    m = result.metrics
    assert built["reth"][0] - int(prices.seconds[0]) == 360
    assert built["reth"][1].last_report_time == built["msol"][1].last_report_time == built["reth"][0]
    assert list(m["providers_reth_reports"]) == [0.0, 1.0, 1.0, 1.0]
    assert list(m["providers_msol_reports"]) == [0.0, 0.0, 1.0, 0.0]
    assert "providers_blocked_report_limit" not in m


def test_rewards_exact(run):
    """Each report credits the chain's gross rate on the CL base, simple over the time since the
    last report: base x bps x elapsed // (1e4 x year), from the validators deposited at build."""
    _, built, result = run
    world = result.world
    # rETH: 540,000 + 10,000 + 1 ETH staked -> 17,187 validators of 32 ETH (17 ETH stay buffered);
    # mSOL: 4,850,000 + 150,000 + 1 SOL, one validator per SOL.
    assert built["reth"][1].deposited_validators == 17_187 and built["reth"][1].buffered == 17 * ETHER
    assert built["msol"][1].deposited_validators == 5_000_001
    gains, base = [], 17_187 * 32 * ETHER
    for _ in range(3):
        gains.append(base * 300 * DAY // (10_000 * YEAR))
        base += gains[-1]
    msol_gain = 5_000_001 * SOL * 700 * 2 * DAY // (10_000 * YEAR)
    m = result.metrics
    assert list(m["providers_reth_rewards_eth"])[1:] == [g / ETHER for g in gains]
    assert list(m["providers_msol_rewards_sol"]) == [0.0, 0.0, msol_gain / SOL, 0.0]
    reth, msol = world.state.contract("rocketpool"), world.state.contract("marinade")
    assert reth.pool().cl_balance == base
    assert reth.pool().last_report_time == built["reth"][0] + 3 * DAY
    assert msol.pool().cl_balance == 5_000_001 * SOL + msol_gain
    assert msol.pool().last_report_time == built["msol"][0] + 2 * DAY


def test_fee_of_reth_report_goes_to_operators(run):
    """rETH's 14% commission is minted to its operators; the treasury gets only the rounding
    remainder of the split (less than one share per operator, Lido's module split)."""
    world = run[2].world
    reth = world.state.contract("rocketpool")
    operators = reth.operators()
    assert len(operators) == 1_659
    assert sum(reth.shares_of(op.reward_address) for op in operators) > 0
    assert reth.shares_of("treasury") < len(operators) * 3  # three reports


def test_unknown_and_repeated_names():
    """Unknown or repeated provider names are refused, by WorldParams and by deploy_providers."""
    with pytest.raises(ValueError):
        WorldParams(providers=("steth", "nope"))
    with pytest.raises(ValueError):
        WorldParams(providers=("reth", "reth"))
    world = default_world()
    with pytest.raises(InvalidArgument):
        deploy_providers(world, ["steth", "wbtc"])
    assert set(providers(world)) == {"steth"}
