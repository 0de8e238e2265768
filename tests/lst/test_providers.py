"""Provider presets (stETH, rETH, cbETH, mSOL, stATOM) and chain report limits derived from
each chain's own reward rate."""

from __future__ import annotations

import pytest

import chain
from lst import (
    CARDANO,
    COSMOS,
    ETHEREUM,
    PRESETS,
    PROVIDERS,
    SOLANA,
    Issuer,
    ReportOutOfBounds,
    derived_report_limit,
    sharemath,
)

YEAR = 365 * 86_400
DAY = 86_400


class TestDerivedLimit:
    def test_table(self):
        """max(1000, 2 x rate): Lido's 10% floor, twice the rate above 5%; boundary at 500/501."""
        assert [derived_report_limit(r) for r in (0, 300, 500, 501, 700, 1500)] == [1000, 1000, 1000, 1002,
                                                                                    1400, 3000]

    def test_presets_carry_it(self):
        """Ethereum keeps Lido's 1000 bps; Solana 1400, Cosmos 3000, Cardano 1000."""
        assert [p.report_limit_bps for p in (ETHEREUM, SOLANA, COSMOS, CARDANO)] == [1000, 1400, 3000, 1000]

    def test_explicit_limit_wins(self):
        """A preset given its own limit keeps it."""
        assert chain_preset_with(report_limit_bps=777).report_limit_bps == 777


def chain_preset_with(**changes):
    import attrs

    fields = {f.name: getattr(COSMOS, f.name) for f in attrs.fields(type(COSMOS)) if f.name != "report_limit_bps"}
    return type(COSMOS)(**{**fields, **changes})


def cosmos_issuer(preset=COSMOS):
    """An issuer on a cosmos network: 1,000,000 ATOM staked and reported once, a day ago."""
    state = chain.State()
    state.add_network("cosmos", block_time=preset.block_time)
    atom = state.add_token("cosmos", "ATOM", 6)
    for a in ("dao", "treasury", "alice", "v0"):
        state.add_account(a)
        state.mint(atom, a, 10**15)
    issuer = Issuer.deploy(state, "stride", "cosmos", native=atom, funder="dao", bootstrap=10**6,
                           treasury="treasury", preset=preset)
    issuer.add_operator("v0", "v0")
    issuer.submit("alice", 10**12 - 10**6)
    issuer.deposit()
    issuer.report(10**12)  # every validator seen on the CL, no gain
    state.advance(DAY)
    return state, issuer


class TestOwnRateAccepted:
    @pytest.mark.parametrize("name", sorted(PRESETS))
    def test_issuer_starts_at_the_preset_limit(self, name):
        """Issuer.deploy takes the report limit from its chain preset."""
        preset = PRESETS[name]
        state = chain.State()
        state.add_network(name)
        native = state.add_token(name, preset.native_symbol, preset.decimals)
        state.add_account("dao")
        state.mint(native, "dao", 10**preset.decimals)
        issuer = Issuer.deploy(state, "x", name, native=native, funder="dao", bootstrap=10**preset.decimals,
                               treasury="dao", preset=preset)
        assert issuer.get_param("annual_increase_limit_bps") == preset.report_limit_bps

    def test_cosmos_15_percent_passes_its_own_limit(self):
        """A day at Cosmos's 15% a year passes the derived 3000 bps limit; Lido's 1000 refuses it."""
        state, issuer = cosmos_issuer()
        gain = 10**12 * COSMOS.reward_rate_bps * DAY // (10_000 * YEAR)
        assert sharemath.annual_increase_bps(10**12, 10**12 + gain, 0, DAY) == 1499
        fork = state.fork()
        fork.contract("stride").set_param("annual_increase_limit_bps", 1000)
        with pytest.raises(ReportOutOfBounds):
            fork.contract("stride").report(10**12 + gain)
        issuer.report(10**12 + gain)
        assert issuer.total_pooled() == 10**12 + gain

    def test_limit_boundary(self):
        """The largest gain annualising to 3000 bps passes; one more unit is refused, nothing written."""
        _state, issuer = cosmos_issuer()
        top = 3001 * 10**12 * DAY // (YEAR * 10_000)  # smallest gain reaching 3001 bps is top or top+1
        while sharemath.annual_increase_bps(10**12, 10**12 + top, 0, DAY) > 3000:
            top -= 1
        assert sharemath.annual_increase_bps(10**12, 10**12 + top + 1, 0, DAY) == 3001
        before = issuer.pool()
        with pytest.raises(ReportOutOfBounds):
            issuer.report(10**12 + top + 1)
        assert issuer.pool() == before
        issuer.report(10**12 + top)
        assert issuer.pool().cl_balance == 10**12 + top


class TestProviders:
    def test_keys_and_chains(self):
        """Five providers, each on its chain's preset."""
        assert {k: p.chain.name for k, p in PROVIDERS.items()} == {
            "steth": "ethereum", "reth": "ethereum", "cbeth": "ethereum", "msol": "solana", "statom": "cosmos"}

    def test_figures(self):
        """Fees 10%, 14%, 25%, 6%, 10%; only stETH rebases; exits: 256 epochs, instant, 256
        epochs, one Solana epoch, 21 days."""
        got = {k: (p.fee_bps, p.rebasing, p.exit_delay_seconds) for k, p in PROVIDERS.items()}
        assert got == {"steth": (1000, True, 256 * 384), "reth": (1400, False, 0),
                       "cbeth": (2500, False, 256 * 384), "msol": (600, False, 172_800),
                       "statom": (1000, False, 21 * DAY)}

    def test_report_periods_are_chain_epochs(self):
        """Ethereum providers report per 225 epochs of 384 s (a day); mSOL per Solana epoch; stATOM per day."""
        assert {k: p.report_period_seconds for k, p in PROVIDERS.items()} == {
            "steth": 86_400, "reth": 86_400, "cbeth": 86_400, "msol": 172_800, "statom": 86_400}

    def test_net_rate(self):
        """Net = gross x (1 - fee), floored: 300 x 0.86 = 258; 700 x 0.94 = 658; 1500 x 0.9 = 1350."""
        assert {k: p.net_reward_rate_bps for k, p in PROVIDERS.items()} == {
            "steth": 270, "reth": 258, "cbeth": 225, "msol": 658, "statom": 1350}

    def test_every_figure_has_a_source(self):
        """fee_bps, operators_share_bps, exit_delay_seconds and report_epochs name a source."""
        for p in PROVIDERS.values():
            assert all(p.source(f) for f in ("fee_bps", "operators_share_bps", "exit_delay_seconds",
                                             "report_epochs")), p.key
        assert PROVIDERS["msol"].unstake is not None and PROVIDERS["msol"].source("unstake")
        assert PROVIDERS["steth"].source("nothing") == ""

    def test_reth_commission_goes_to_operators(self):
        """rETH: 14% of a 1 ETH reward, all of it to the node operators, nothing to the treasury;
        the operators' shares are worth the fee (Lido's mint formula, floor)."""
        preset = PROVIDERS["reth"]
        state = chain.State()
        state.add_network("ethereum")
        weth = state.add_token("ethereum", "WETH")
        for a in ("dao", "treasury", "alice", "node"):
            state.add_account(a)
            state.mint(weth, a, 10**24)
        issuer = Issuer.deploy(state, "rocketpool", "ethereum", native=weth, funder="dao", bootstrap=10**18,
                               treasury="treasury", symbol=preset.symbol, preset=preset.chain,
                               rebasing=preset.rebasing)
        issuer.set_param("fee_bps", preset.fee_bps)
        issuer.set_param("operators_share_bps", preset.operators_share_bps)
        issuer.add_operator("node", "node")
        issuer.submit("alice", 31 * 10**18)
        issuer.deposit()
        state.advance(DAY)
        issuer.report(32 * 10**18 + 10**15)  # 1e15 wei in a day: 114 bps a year
        T, S, R = 32 * 10**18, 32 * 10**18, 10**15
        minted = R * 1400 * S // ((T + R) * 10_000 - R * 1400)
        assert issuer.shares_of("node") == minted and issuer.shares_of("treasury") == 0
        assert issuer.token.symbol == "rETH" and not issuer.rebasing
