"""``lstlab compare``: one row per provider, each figure from its stated source, closed forms
checked on a small hand-built state of five issuers on three networks."""

from __future__ import annotations

import csv
import json
import math
from fractions import Fraction

import attrs
import pytest

import amm
import chain
import lst
from amm.library import get_amount_out
from lst.operators import single_operator
from lst.presets import COSMOS, ETHEREUM, SOLANA
from lstlab.cli.app import main
from lstlab.market.data import dataset_path
from lstlab.report.compare import FIGURES, NETWORK_SHARES, compare_providers, quote_sale, records, venues

ETH = 10**18
SOL = 10**9
ATOM = 10**6


class Vault(chain.Contract):
    """A stand-in restaking contract: only its kind and its balances matter to compare."""

    kind = "restaking.test_vault"


def _issuer(state, address, network, native, preset, operators, stake, **kwargs):
    unit = 10**native.decimals
    state.mint(native, "dao", unit + stake)
    issuer = lst.Issuer.deploy(state, address, network, native=native, funder="dao", bootstrap=unit,
                               treasury=f"treasury-{network}", preset=preset, **kwargs)
    for k in range(operators):
        state.add_account(f"{address}-op{k}")
        issuer.add_operator(f"{address} op{k}", f"{address}-op{k}")
    if stake:
        issuer.submit("dao", stake)
        if operators:
            issuer.deposit()
    return issuer


@pytest.fixture(scope="module")
def built():
    """stETH (rebasing, wrapper, thin V2 pair and deep StableSwap), rETH (V2 pair, restaked
    in part), cbETH (one operator, no venue), mSOL (Solana, instant-unstake pool) and
    stATOM (Cosmos, no operators, no venue)."""
    state = chain.State()
    for network in ("ethereum", "solana", "cosmos"):
        state.add_network(network)
        state.add_account(f"treasury-{network}")
    state.add_account("dao")
    weth = state.add_token("ethereum", "WETH")
    wsol = state.add_token("solana", "SOL", 9)
    atom = state.add_token("cosmos", "ATOM", 6)
    # 5 validators over 3 operators by least active stake: 2, 2, 1.
    lido = _issuer(state, "lido", "ethereum", weth, ETHEREUM, 3, 5 * 32 * ETH)
    wrapper = lst.Wrapper.deploy(state, "wsteth", "ethereum", issuer="lido")
    reth_preset = attrs.evolve(ETHEREUM, lst_symbol="rETH", rebasing=False)
    rocket = _issuer(state, "rocket", "ethereum", weth, reth_preset, 2, 4 * 32 * ETH)
    rocket.set_param("fee_bps", 1400)
    cb_preset = attrs.evolve(ETHEREUM, lst_symbol="cbETH", rebasing=False)
    _issuer(state, "coinbase", "ethereum", weth, cb_preset, 1, 2 * 32 * ETH, policy=single_operator(0))
    _issuer(state, "marinade", "solana", wsol, SOLANA, 4, 8 * SOL)
    _issuer(state, "stride", "cosmos", atom, COSMOS, 0, 0)
    # venues: stETH in a thin V2 pair and a deep StableSwap pool (as wstETH); rETH in a V2 pair
    state.mint(weth, "dao", 10**6 * ETH)
    wrapper.wrap("dao", lido.balance_of("dao"))  # 160 wstETH at a rate of 1 (no rewards yet)
    amm.Factory.deploy(state, "factory", "ethereum")
    router = amm.Router.deploy(state, "router", "ethereum", factory="factory")
    router.add_liquidity("dao", wrapper.token, weth, 20 * ETH, 20 * ETH, 0, 0, "dao", state.now + 60)
    lst.RateFeed.deploy(state, "wsteth-rate", "ethereum", issuer="lido")
    curve = amm.StableSwap.deploy(state, "curve", "ethereum", [weth, wrapper.token], A=30, fee=4_000_000,
                                  rates=[None, "wsteth-rate"])
    curve.add_liquidity("dao", [100 * ETH, 100 * ETH], 0)
    router.add_liquidity("dao", rocket.token, weth, 60 * ETH, 60 * ETH, 0, 0, "dao", state.now + 60)
    state.register_contract(Vault(state, "vault", "ethereum"))
    rocket.transfer("dao", "vault", 30 * ETH)
    state.mint(wsol, "dao", 10 * SOL)
    pool = lst.UnstakePool.deploy(state, "liq", "solana", issuer="marinade", liquidity_target=10 * SOL)
    pool.add_liquidity("dao", 10 * SOL)
    return state


@pytest.fixture(scope="module")
def frame(built):
    return compare_providers(built, size=2).set_index("provider")


class TestRows:
    def test_one_row_per_issuer_with_every_figure_filled_or_explained(self, frame):
        """Each issuer is a row; each figure is finite or NaN with an 'unknown: <reason>' source."""
        assert list(frame.index) == ["stETH", "rETH", "cbETH", "mSOL", "stATOM"]
        for provider, row in frame.iterrows():
            for name in FIGURES:
                source = row[f"{name}_source"]
                if math.isnan(row[name]):
                    assert source.startswith("unknown: ") and len(source) > 20, (provider, name)
                else:
                    assert source and not source.startswith("unknown"), (provider, name)

    def test_apr_net_of_the_fee(self, frame):
        """apr_net = reward_rate_bps x (1 - fee_bps) / 1e8: Lido's 10% and a 14% commission."""
        assert frame.loc["stETH", "apr_gross"] == 0.03
        assert frame.loc["stETH", "apr_net"] == pytest.approx(float(Fraction(300 * 9000, 10**8)), rel=1e-15)
        assert frame.loc["rETH", "fee"] == 0.14
        assert frame.loc["rETH", "apr_net"] == pytest.approx(float(Fraction(300 * 8600, 10**8)), rel=1e-15)
        assert frame.loc["stATOM", "apr_net"] == pytest.approx(float(Fraction(1500 * 9000, 10**8)), rel=1e-15)

    def test_exit_days_from_the_provider_presets(self, frame):
        """Lido: 256 Ethereum epochs of 384 s; rETH burns at once against the deposit pool;
        Marinade's delayed unstake: one Solana epoch of 2 days; Stride: Cosmos' 21 days."""
        assert frame.loc["stETH", "exit_days"] == 256 * 384 / 86_400
        assert frame.loc["rETH", "exit_days"] == 0.0
        assert "RocketTokenRETH.burn" in frame.loc["rETH", "exit_days_source"]
        assert frame.loc["mSOL", "exit_days"] == 2.0
        assert frame.loc["stATOM", "exit_days"] == 21.0


class TestConcentration:
    def test_three_operators_holding_2_2_1_validators(self, frame):
        """Largest 2/5, Herfindahl (4+4+1)/25, Nakamoto 1 (2/5 > 1/3)."""
        row = frame.loc["stETH"]
        assert (row["largest_operator"], row["herfindahl"], row["nakamoto"]) == (0.4, 0.36, 1.0)

    def test_a_single_operator_is_the_whole_stake(self, frame):
        """cbETH's one operator: share 1, Herfindahl 1, Nakamoto 1."""
        row = frame.loc["cbETH"]
        assert (row["largest_operator"], row["herfindahl"], row["nakamoto"]) == (1.0, 1.0, 1.0)

    def test_no_validators_is_unknown(self, frame):
        """stATOM has no operators: concentration is unknown, not zero."""
        assert math.isnan(frame.loc["stATOM", "herfindahl"])
        assert "no active validators" in frame.loc["stATOM", "herfindahl_source"]


class TestExit:
    def test_the_deepest_venue_is_chosen(self, built, frame):
        """stETH exits in the StableSwap pool, which pays more for the sale than the thin pair."""
        lido, wrapper = built.contract("lido"), built.contract("wsteth")
        amount = 2 * ETH * ETH // lido.get_pooled_by_shares(ETH)
        found = {v.address: quote_sale(built, v, amount) for v in venues(built, wrapper.token, lido.native)}
        assert set(found) == {"curve", built.contract("router").pair_for(wrapper.token, lido.native).address}
        assert frame.loc["stETH", "exit_venue"] == max(found, key=found.get) == "curve"
        worth = amount * lido.get_pooled_by_shares(ETH) // ETH
        assert frame.loc["stETH", "exit_cost"] == 1 - found["curve"] / worth

    def test_v2_exit_cost_closed_form(self, built, frame):
        """rETH sells in its pair: out = a*997*R_out / (R_in*1000 + a*997) (Uniswap V2)."""
        rocket = built.contract("rocket")
        pair = built.contract("router").pair_for(rocket.token, rocket.native)
        r0, r1, _ = pair.get_reserves()
        r_in, r_out = (r0, r1) if pair.token0 == rocket.token else (r1, r0)
        per = rocket.get_pooled_by_shares(ETH)
        amount = 2 * ETH * ETH // per
        out = amount * 997 * r_out // (r_in * 1000 + amount * 997)
        assert out == get_amount_out(amount, r_in, r_out, 30)
        assert frame.loc["rETH", "exit_cost"] == 1 - out / (amount * per // ETH)

    def test_unstake_pool_exit_cost(self, built, frame):
        """mSOL sells to the instant-unstake pool at min fee 0.3% while the pool stays above its
        target (Marinade linear_fee): the sale of 2 SOL worth leaves 8 of a 10 SOL target, so
        fee = 300 - (300 - 30) * 8 // 10 = 84 bps."""
        marinade = built.contract("marinade")
        amount = 2 * SOL * SOL // marinade.get_pooled_by_shares(SOL)
        paid = marinade.to_native(amount - amount * 84 // 10_000)
        assert frame.loc["mSOL", "exit_venue"] == "liq"
        assert frame.loc["mSOL", "exit_cost"] == 1 - paid / (amount * marinade.get_pooled_by_shares(SOL) // SOL)

    def test_no_venue_is_unknown(self, frame):
        """cbETH has no pool in this state: unknown, with the reason."""
        assert math.isnan(frame.loc["cbETH", "exit_cost"])
        assert "no venue" in frame.loc["cbETH", "exit_cost_source"]


class TestSharesAndPeg:
    def test_restaked_share_is_the_vaults_holding(self, built, frame):
        """30 rETH of the rETH supply sit in a restaking contract; stETH has none there."""
        assert frame.loc["rETH", "restaked"] == 30 * ETH / built.contract("rocket").total_shares()
        assert frame.loc["stETH", "restaked"] == 0.0

    def test_network_share_is_cited_or_unknown(self, frame):
        """stETH's share is Coin Metrics' 8.9M of 27.9M; an uncited provider is unknown."""
        assert frame.loc["stETH", "network_share"] == 8.9 / 27.9 == NETWORK_SHARES["stETH"][0]
        assert "Coin Metrics" in frame.loc["stETH", "network_share_source"]
        assert math.isnan(frame.loc["cbETH", "network_share"])

    def test_steth_peg_from_the_shipped_series(self, frame):
        """Worst daily mean 0.93658 on 2022-06-18 (PROVENANCE.md); days below 0.99 counted
        from the CSV read independently."""
        with open(dataset_path("cmc-2020-2026"), newline="") as f:
            ratios = [float(r["steth_eth"]) for r in csv.DictReader(f)]
        assert frame.loc["stETH", "peg_days_below_99"] == sum(r < 0.99 for r in ratios)
        assert abs(frame.loc["stETH", "peg_worst_discount"] - (1 - 0.93658)) < 5e-6
        assert "2022-06-18" in frame.loc["stETH", "peg_worst_discount_source"]
        assert math.isnan(frame.loc["rETH", "peg_worst_discount"])


class TestOutput:
    def test_records_carry_value_and_source(self, frame):
        """JSON rows: each figure {value, source}; unknown values are None."""
        rows = {r["provider"]: r for r in records(frame.reset_index())}
        assert rows["cbETH"]["exit_cost"]["value"] is None
        assert rows["stETH"]["apr_gross"] == {"value": 0.03, "source": frame.loc["stETH", "apr_gross_source"]}

    def test_bad_size_is_refused(self, built):
        """A size must be a positive whole number of native units."""
        with pytest.raises(chain.InvalidArgument):
            compare_providers(built, size=0)


class TestCommand:
    def test_json_and_plot(self, tmp_path, capsys):
        """``lstlab compare --json`` prints every provider of the world with at least five rows,
        each figure filled or unknown with a reason, and writes compare.png."""
        assert main(["compare", "--json", "--out", str(tmp_path)]) == 0
        data = json.loads(capsys.readouterr().out)
        assert (tmp_path / "compare.png").stat().st_size > 0
        assert len(data["providers"]) >= 5
        for row in data["providers"]:
            for name in FIGURES:
                figure = row[name]
                assert figure["value"] is not None or figure["source"].startswith("unknown: ")

    def test_unknown_provider_is_a_usage_error(self, tmp_path, capsys):
        """An unknown --providers name: one line on stderr, status 2."""
        assert main(["compare", "--providers", "nosuch", "--out", str(tmp_path)]) == 2
        assert "nosuch" in capsys.readouterr().err
