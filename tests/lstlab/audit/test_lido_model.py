"""The Lido risk team's liquidation model reproduced from its data (``lido_model`` adapter):
the Curve quotes after sales, the v2 seizable-collateral and v3 liquidated-collateral tables,
the sale that makes the cascade collapse the pool; with the model's settings and with real
Aave's. The data are read from ../shared/data at run time; a missing file fails the test."""

from __future__ import annotations

import shlex
from pathlib import Path

import pandas as pd
import pytest

from amm.stableswap import FEE_DENOMINATOR
from chain import WAD
from tests.lstlab.audit import lido_model as lm

QUOTE_GAP = 3e-5
"""lstlab's pool vs CurveSim on the model's 1e5-wei quote, where one wei is 1e-5: Curve's
``dy = xp_j - y - 1`` (CurveSim drops the 1), the 1-wei convergence of ``y`` (lstlab solves
the A_PRECISION invariant, CurveSim the plain-A one) and the floor of the fee."""
BALANCE_GAP = 1
"""Whole tokens: the notebook prints balances rounded to the token, start balances included."""


class TestData:
    def test_missing_file_fails_naming_the_place(self):
        """A missing data file raises, naming ../shared/data, instead of skipping."""
        with pytest.raises(FileNotFoundError, match="shared/data"):
            lm.data_file("no-such-bin.csv")

    def test_bins_are_the_committed_ones(self):
        """The four bins load with the position counts of the committed CSVs (PROVENANCE: 271
        and 124 bin-1 positions)."""
        counts = {key: len(lm.read_bin(*key)) for key in lm.BINS}
        assert counts == {("v2", "b1"): 271, ("v2", "b31"): 55, ("v3", "b1"): 124, ("v3", "b31"): 11}


class TestCurveQuotes:
    def test_start_quote(self):
        """At the date's balances, A and fee the pool quotes the model's 0.99871 (cell 1)."""
        _, pool = lm.curve_pool()
        assert abs(lm.quote(pool) - lm.START_QUOTE) <= QUOTE_GAP

    @pytest.mark.parametrize("sale", sorted(lm.SALE_QUOTES))
    def test_quote_after_sale(self, sale):
        """After each sale of cell 29's log: the ETH left and the quote, as the model printed."""
        _, pool = lm.curve_pool()
        pool.exchange("seller", 1, 0, sale * WAD, 0)
        eth_left, published = lm.SALE_QUOTES[sale]
        assert abs(pool.balances()[0] / WAD - eth_left) <= BALANCE_GAP
        assert abs(lm.quote(pool) - published) <= QUOTE_GAP

    def test_admin_fee_leaves_the_pool(self):
        """The model keeps the whole fee in the pool; with the real 50% admin fee the ETH side
        the LPs own is lower by exactly the admin's share, and the quote after the sale too."""
        sale = lm.CASCADE_THRESHOLD * WAD
        _, kept = lm.curve_pool(lm.MODEL)
        _, real = lm.curve_pool(lm.AAVE)
        out = kept.exchange("seller", 1, 0, sale, 0)
        assert real.exchange("seller", 1, 0, sale, 0) == out
        admin = real.record.admin_balances[0]
        # dy - floor(dy * fee / 1e10) == out: dy is one of two integers next to the real solution
        guess = out * FEE_DENOMINATOR // (FEE_DENOMINATOR - lm.POOL_FEE)
        dy = next(d for d in (guess - 1, guess, guess + 1, guess + 2)
                  if d - d * lm.POOL_FEE // FEE_DENOMINATOR == out)
        assert admin == dy * lm.POOL_FEE // FEE_DENOMINATOR * lm.AAVE.admin_fee // FEE_DENOMINATOR
        assert kept.balances()[0] - real.balances()[0] == admin
        assert lm.quote(real) < lm.quote(kept)


class TestModelRules:
    """The adapter's restatement of the model's rules (the reference the engine is checked
    against) gives the published tables from the committed data."""

    @pytest.mark.parametrize("table", ["v2", "v3"])
    def test_published_tables(self, table):
        published = lm.V2_SEIZED if table == "v2" else lm.V3_LIQUIDATED
        misses = []
        for name, cells in published.items():
            frame = lm.read_bin(table, name)
            for peg, figure in cells.items():
                got = float(lm.model_seized(frame, table, name, peg).sum())
                if not lm.close_to(got, figure, lm.gap(table, name, peg)):
                    misses.append((name, peg, figure, round(got, 2)))
        assert misses == []

    def test_gaps_are_real(self):
        """Each listed data gap is more than 0.1%: none is listed without need."""
        for (version, name, peg), (bound, _) in lm.DATA_GAPS.items():
            figure = (lm.V2_SEIZED if version == "v2" else lm.V3_LIQUIDATED)[name][peg]
            got = float(lm.model_seized(lm.read_bin(version, name), version, name, peg).sum())
            assert 0.001 < abs(got / figure - 1) <= bound

    def test_grid(self):
        """The model evaluates at the quote rounded to 0.01: 0.96517 -> 0.97, 0.96398 -> 0.96
        (cell 29: the 92,000 sale liquidates at 0.97, the 94,000 one at 0.96)."""
        assert lm.grid_price(0.96517) == 0.97
        assert lm.grid_price(0.96398) == 0.96
        assert lm.grid_price(0.80097) == 0.80
        assert lm.grid_price(0.96398, None) == 0.96398


def _table(version: str) -> dict[str, dict[float, float]]:
    return lm.V2_SEIZED if version == "v2" else lm.V3_LIQUIDATED


@pytest.fixture(scope="module")
def model_bins():
    """One world per bin with the model's settings (positions opened through the snapshot API)."""
    return {key: lm.open_bins(lm.MODEL, (key,)) for key in lm.BINS}


@pytest.fixture(scope="module")
def aave_bins():
    return {key: lm.open_bins(lm.AAVE, (key,)) for key in lm.BINS}


class TestTablesWithModelSettings:
    """lstlab's ``seizable`` on the imported positions, the model's settings."""

    @pytest.mark.parametrize("key", list(lm.BINS))
    def test_engine_follows_the_model_rules(self, model_bins, key):
        """At every published peg the engine takes what the model's rules take from the same
        data, within 0.1%; where positions lose their whole collateral, between the model's
        cap (the snapshot amount) and the amount the rebase opens (one position cannot carry
        both: the model values the rebased collateral but caps at the snapshot's)."""
        version, name = key
        frame = lm.read_bin(version, name)
        rebased = lm.opened_amount(frame, version, lm.MODEL)
        for peg in _table(version)[name]:
            got = lm.seized(model_bins[key], version, peg)
            low = float(lm.model_seized(frame, version, name, peg).sum())
            high = float(lm.model_seized(frame, version, name, peg, cap=rebased).sum())
            assert low * (1 - 1e-3) <= got <= max(high, low) * (1 + 1e-3) + 1e-9, (peg, got, low, high)

    @pytest.mark.parametrize("version", ["v2", "v3"])
    def test_published_tables(self, model_bins, version):
        """The v2 seizable-collateral and v3 liquidated-collateral tables within 0.1% of the
        notebook's, except the listed cells where the committed data are not the run's
        (lido_model.DATA_GAPS: each within its bound)."""
        misses = []
        for name, cells in _table(version).items():
            for peg, figure in cells.items():
                got = lm.seized(model_bins[(version, name)], version, peg)
                if not lm.close_to(got, figure, lm.gap(version, name, peg)):
                    misses.append((name, peg, figure, round(got, 2)))
        assert misses == []


class TestTablesWithAaveSettings:
    """The same positions at their amounts, Aave's v3.0.2 close factor (50% above HF 0.95)."""

    @pytest.mark.parametrize("version", ["v2", "v3"])
    def test_against_the_model(self, model_bins, aave_bins, version):
        """Valued at its amount, the collateral is worth less than the model's rebased value
        (the snapshot's oracle price, 0.99974 in v2, is above the reference 0.9987; the real v3
        thresholds are at least the model's 79.5%), so real Aave liquidates every position
        the model does: v2 (same 50% close factor and bonus) takes at least the model's
        figure; v3 takes at least half of it (50% close factor above HF 0.95)."""
        floor = 1.0 if version == "v2" else 0.5
        for name, cells in _table(version).items():
            for peg in cells:
                model = lm.seized(model_bins[(version, name)], version, peg)
                real = lm.seized(aave_bins[(version, name)], version, peg)
                assert real >= floor * model * (1 - 2e-3) - 1e-9, (name, peg, real, model)

    def test_v3_close_factor_halves_the_first_liquidations(self, model_bins, aave_bins):
        """At 0.96 and 0.95 every v3 bin-1 position below 1 is above 0.95 and uncapped: Aave's
        50% close factor takes half the model's 100%, within the rebase's 0.11% on the set."""
        for peg in (0.96, 0.95):
            model = lm.seized(model_bins[("v3", "b1")], "v3", peg)
            real = lm.seized(aave_bins[("v3", "b1")], "v3", peg)
            assert abs(real - model / 2) <= 3e-3 * model, (peg, real, model)


@pytest.fixture(scope="module")
def model_world():
    """Every bin the model's cascade liquidates, in one world with the model's settings."""
    return lm.open_bins(lm.MODEL)


@pytest.fixture(scope="module")
def aave_world():
    return lm.open_bins(lm.AAVE)


class TestCascade:
    def test_threshold_with_model_settings(self, model_world):
        """The model's search (80,000 up by 2,000) stops at 94,000 stETH (cells 28-29): that sale
        leaves the pool at 0.964 and its cascade ends below 0.2; 92,000 settles at 0.965 (cell
        26). Prices are the pool's mid, the model's quote plus the 0.04% fee (within 0.1%)."""
        sale, result = lm.threshold(model_world, lm.MODEL)
        assert sale == lm.CASCADE_THRESHOLD
        rounds = result.rounds
        assert rounds["price_after_steth_eth"].iloc[0] == pytest.approx(lm.CASCADE_START_PEG, rel=1e-3)
        settled = lm.sale_cascade(model_world, lm.NO_CASCADE_SALE, lm.MODEL).rounds
        assert settled["price_after_steth_eth"].iloc[-1] == pytest.approx(lm.NO_CASCADE_PEG, rel=1e-3)

    def test_first_rounds_with_model_settings(self, model_world):
        """Round 1 sells what the model sells (17,315 stETH, cell 29) within 0.1%. The model's
        round 2 (25,540.54) re-prices round 1's seizures at the new grid price (0.96 -> 0.95:
        its cumulative table minus the first round's figure); the engine does not seize twice:
        the model's figure less that re-pricing is the engine's, within 0.1%. From round 3 the
        model subtracts the previous round's sale instead of all past sales, so the rounds part."""
        rounds = lm.sale_cascade(model_world, lm.CASCADE_THRESHOLD, lm.MODEL).rounds
        rate = lm.MODEL.wsteth_steth
        sold = rounds["collateral_sold_wsteth"] * rate
        (_, first), (_, second) = lm.CASCADE_ROUNDS[:2]
        assert sold.iloc[1] == pytest.approx(first, rel=1e-3)
        repriced = sold.iloc[1] * (0.96 / 0.95 - 1)
        assert sold.iloc[2] == pytest.approx(second - repriced, rel=1e-3)
        assert [lm.grid_price(p) for p, _ in lm.CASCADE_ROUNDS[:3]] == [0.96, 0.95, 0.92]

    def test_real_aave_needs_a_larger_sale(self, aave_world):
        """With Aave's settings (amounts at the Chainlink-style stETH/ETH aggregator's price, a
        continuous price, the 50% close factor above HF 0.95, the admin fee leaving the pool) the
        model's 94,000 sale settles: the same search from there finds the real threshold above."""
        assert not lm.collapses(lm.sale_cascade(aave_world, lm.CASCADE_THRESHOLD, lm.AAVE), lm.AAVE)
        sale, result = lm.threshold(aave_world, lm.AAVE, start=lm.CASCADE_THRESHOLD + lm.SEARCH_STEP)
        assert sale > lm.CASCADE_THRESHOLD
        print(f"real-Aave cascade threshold: {sale:,} stETH ({len(result.rounds) - 1} rounds)")


def _probe(capsys, *argv: str) -> dict:
    """``lstlab probe ... --json``: its exit status must be 0; returns the printed JSON."""
    import json

    from lstlab.cli.app import main

    assert main(["probe", *argv, "--json"]) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


class TestModelOracle:
    """The pool-quote oracle with the model's options: stETH/ETH per rate unit, on a 0.01 grid to
    the nearest step, sampled once per oracle update."""

    GRID = 10**16

    def test_nearest_step_decides_the_threshold(self):
        """After 92,000 stETH the pool quotes 0.96517 (cell 29): 0.97 to the nearest step, 0.96
        floored; after 94,000 (0.96398) both give 0.96. The quote per rate unit is the model's
        stETH/ETH within the 1e5-wei quote's gap."""
        from lstlab.world.oracles import install

        world = lm.probe_world(lm.MODEL)
        for name in ("nearest", "floor"):
            install(world, "pool-quote", quote="steth-eth", grid=self.GRID, rounding=name)
        install(world, "pool-quote", quote="steth-eth")
        feed = {name: world.feed(f"steth-eth-pool-quote[grid={self.GRID},quote=steth-eth{sfx}]")
                for name, sfx in (("nearest", ",rounding=nearest"), ("floor", ""))}
        exact = world.feed("steth-eth-pool-quote[quote=steth-eth]")
        from lstlab import audit
        from lstlab.audit.sale import _start_sale

        _start_sale(world, audit.Sale.of_steth(world, "curve", 92_000 * WAD))
        assert abs(exact.latest().answer / WAD - lm.SALE_QUOTES[92_000][1]) <= QUOTE_GAP
        assert (feed["nearest"].latest().answer, feed["floor"].latest().answer) == (97 * self.GRID, 96 * self.GRID)
        _start_sale(world, audit.Sale.of_steth(world, "curve", 2_000 * WAD))
        assert abs(exact.latest().answer / WAD - lm.SALE_QUOTES[94_000][1]) <= QUOTE_GAP
        assert feed["nearest"].latest().answer == feed["floor"].latest().answer == 96 * self.GRID

    def test_rated_quote_is_get_dy_per_rate_unit(self):
        """The stETH/ETH answer is get_dy(size) x rate_WETH x 1e18 // (size x rate_wstETH), floored
        (no grid): the wstETH sold counted as the stETH it stands for."""
        from lstlab.world.oracles import install

        world = lm.probe_world(lm.MODEL)
        install(world, "pool-quote", quote="steth-eth")
        feed = world.feed("steth-eth-pool-quote[quote=steth-eth]")
        pool = world.curve
        i, j = pool.coins.index(world.wsteth), pool.coins.index(world.weth)
        rates = pool.rates()
        assert feed.latest().answer == pool.get_dy(i, j, WAD) * rates[j] * WAD // (WAD * rates[i])

    def test_sampled_quote_holds_between_pokes(self):
        """``live=false``: a sale leaves the answer where the last poke put it; poke_all stores
        the quote of the moment (what a live feed answers)."""
        from lstlab import audit
        from lstlab.audit.sale import _start_sale
        from lstlab.world.oracles import install, poke_all

        world = lm.probe_world(lm.MODEL)
        install(world, "pool-quote", quote="steth-eth", live=False)
        install(world, "pool-quote", quote="steth-eth")
        sampled = world.feed("steth-eth-pool-quote[live=False,quote=steth-eth]")
        live = world.feed("steth-eth-pool-quote[quote=steth-eth]")
        before = sampled.latest()
        _start_sale(world, audit.Sale.of_steth(world, "curve", 10_000 * WAD))
        assert sampled.latest() == before and live.latest().answer < before.answer
        assert poke_all(world) == {"steth-eth-pool-quote[live=False,quote=steth-eth]": True}
        assert sampled.latest().answer == live.latest().answer


class TestProbeOptions:
    def test_close_factor_per_market(self, capsys):
        """A bare --close-factor-bps sets every market, PRESET=BPS one (later wins); an unknown
        preset is a usage error naming the option."""
        from lstlab.cli.probe import sale_world

        world = sale_world(lm.probe_world(lm.MODEL).params, ("7000", "aave-v3=10000"))
        assert [m.config().close_factor_bps for m in world.markets().values()][:2] == [7000, 10_000]
        from lstlab.cli.app import main

        assert main(["probe", "--positions", __file__, "--sell", "1", "--close-factor-bps", "aave-v9=1"]) == 2
        assert "--close-factor-bps" in capsys.readouterr().err

    @pytest.mark.parametrize("text, wei", [("94000", 94_000 * 10**18), ("0.1", 10**17), ("1e-18", 1)])
    def test_amounts_are_exact(self, text, wei):
        """--sell and --seizable are read as decimals: 94000 is 94,000 x 1e18 wei, no float error."""
        from lstlab.cli.probe import exact

        assert exact(text, "--sell") == wei

    @pytest.mark.parametrize("text", ["0", "-1", "1e-19", "x", "nan"])
    def test_bad_amounts(self, text):
        import click

        from lstlab.cli.probe import exact

        with pytest.raises(click.BadParameter):
            exact(text, "--sell")


DOCS = Path(__file__).resolve().parents[3] / "docs" / "lido-model.md"


def docs_command() -> list[str]:
    """The ``lstlab probe`` command of docs/lido-model.md, as argv (continuation lines joined)."""
    lines = DOCS.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("lstlab probe --positions"))
    text = []
    for line in lines[start:]:
        text.append(line.rstrip().removesuffix("\\"))
        if not line.rstrip().endswith("\\"):
            break
    return shlex.split(" ".join(text))


@pytest.fixture(scope="module")
def model_file(tmp_path_factory):
    """Every bin's positions with the model's settings, a CSV written by the adapter at run time."""
    return lm.write_positions(tmp_path_factory.mktemp("lido") / "model.csv", lm.MODEL)


class TestProbeCli:
    """``lstlab probe --positions`` with :func:`lido_model.probe_args`: the model's figures
    through the CLI, the real-Aave figures beside them."""

    def test_docs_command_is_the_model(self):
        """The command of docs/lido-model.md is the sale, lido_model.probe_args(MODEL) and the
        seizable prices, in that order."""
        argv = docs_command()
        assert argv[:6] == ["lstlab", "probe", "--positions", "/tmp/lido-model.csv", "--sell", "94000"]
        assert argv[6:] == [*lm.probe_args(lm.MODEL), "--seizable", "0.96,0.95,0.80", "--json"]

    def test_cli_is_the_api(self, model_file, capsys):
        """The docs' command (on the adapter's file) prints the public API's rounds and tables on a
        world set up by hand with the same options (preset date, close factor, admin fee, oracle
        and its options), the sale exactly 94,000 stETH; one account per address (some hold
        positions in both markets)."""
        from lstlab import audit
        from lstlab.world.oracles import install

        argv = docs_command()
        argv[3] = str(model_file)
        printed = _probe(capsys, *argv[2:-1])
        assert printed["sell_steth_wei"] == lm.CASCADE_THRESHOLD * 10**18
        world = lm.probe_world(lm.MODEL)
        world.markets()["aave-v3"].set_param("close_factor_bps", 10_000)
        for address in world.market_addresses():
            install(world, "pool-quote", market=address, quote="steth-eth", grid=10**16, rounding="nearest",
                    live=False)
        audit.open_positions(world, audit.load_positions(model_file))
        sale = audit.Sale.of_steth(world, "curve", lm.CASCADE_THRESHOLD * WAD)
        result = audit.cascade(world, sale=sale, rule="every-eligible", max_rounds=lm.MODEL.max_rounds)
        assert printed["rounds"] == result.rounds.to_dict(orient="records")
        tables = pd.concat([audit.seizable(world, peg * 10**16) for peg in (96, 95, 80)], ignore_index=True)
        assert printed["seizable"] == tables.to_dict(orient="records")
        assert printed["positions"] == len(set().union(*(lm.read_bin(*key)["user"] for key in lm.BINS)))

    @pytest.mark.parametrize("version", ["v2", "v3"])
    def test_published_tables(self, tmp_path, capsys, model_bins, aave_bins, version):
        """``--seizable`` at every published peg of each bin: the model's settings give the
        notebook's tables within 0.1% (or the cell's data gap, lido_model.DATA_GAPS) and the API's
        model figures within 0.1%; real Aave's settings give the API's real figures within 0.1%,
        printed beside."""
        address = "aave" if version == "v2" else "aave-v3"
        converter = lm.probe_world(lm.MODEL)
        lines = []
        for name, cells in _table(version).items():
            pegs = ",".join(f"{peg:.2f}" for peg in cells)
            got = {}
            for s in (lm.MODEL, lm.AAVE):
                path = lm.write_positions(tmp_path / f"{s.name}-{version}-{name}.csv", s, ((version, name),),
                                          converter)
                rows = _probe(capsys, "--positions", str(path), "--seizable", pegs, *lm.probe_args(s))["seizable"]
                got[s.name] = {r["steth_eth"]: lm.seized_of(r, version) for r in rows if r["market"] == address}
            for peg, figure in cells.items():
                model, real = got["model"][peg], got["aave"][peg]
                assert lm.close_to(model, figure, lm.gap(version, name, peg)), (name, peg, model, figure)
                assert lm.close_to(model, lm.seized(model_bins[(version, name)], version, peg), 1e-3)
                assert lm.close_to(real, lm.seized(aave_bins[(version, name)], version, peg), 1e-3)
                lines.append(f"{version} {name} {peg:.2f}: published {figure:>11,.2f}  cli model {model:>11,.2f}"
                             f"  cli aave {real:>11,.2f}")
        print("\n".join(lines))

    def test_threshold_with_model_settings(self, model_file, capsys):
        """The model's threshold through the CLI: 92,000 stETH settles at 0.965 (cell 26) and
        94,000 collapses the pool (cells 28-29) within the model's 5 rounds; that sale leaves the
        pool at 0.964 and round 1 sells the model's 17,315 stETH, both within 0.1% (the pool's mid
        is the model's quote plus the 0.04% fee; round 1 sells 0.1% of the v3 part less: the
        preset's protocol fee stays with the treasury)."""
        run = {sale: _probe(capsys, "--positions", str(model_file), "--sell", str(sale),
                            *lm.probe_args(lm.MODEL))["rounds"] for sale in (lm.NO_CASCADE_SALE, lm.CASCADE_THRESHOLD)}
        settled, collapsed = run[lm.NO_CASCADE_SALE], run[lm.CASCADE_THRESHOLD]
        assert len(settled) <= lm.MODEL.max_rounds
        assert settled[-1]["price_after_steth_eth"] == pytest.approx(lm.NO_CASCADE_PEG, rel=1e-3)
        assert collapsed[-1]["price_after_steth_eth"] <= lm.MODEL.collapse_peg
        assert collapsed[0]["price_after_steth_eth"] == pytest.approx(lm.CASCADE_START_PEG, rel=1e-3)
        sold = collapsed[1]["collateral_sold_wsteth"] * lm.MODEL.wsteth_steth
        assert sold == pytest.approx(lm.CASCADE_ROUNDS[0][1], rel=1e-3)
        print(f"cli, model settings: 92,000 -> {settled[-1]['price_after_steth_eth']:.5f}; "
              f"94,000 -> {collapsed[-1]['price_after_steth_eth']:.5f} after {len(collapsed) - 1} rounds")

    def test_real_aave_threshold(self, tmp_path, capsys):
        """With real Aave's settings the CLI's 94,000 sale settles and a 102,000 one collapses
        the pool (the API's real threshold, TestCascade)."""
        path = lm.write_positions(tmp_path / "aave.csv", lm.AAVE)
        run = {sale: _probe(capsys, "--positions", str(path), "--sell", str(sale), *lm.probe_args(lm.AAVE))["rounds"]
               for sale in (lm.CASCADE_THRESHOLD, 102_000)}
        assert run[lm.CASCADE_THRESHOLD][-1]["price_after_steth_eth"] > lm.AAVE.collapse_peg
        assert run[102_000][-1]["price_after_steth_eth"] <= lm.AAVE.collapse_peg
        print(f"cli, real Aave: 94,000 -> {run[lm.CASCADE_THRESHOLD][-1]['price_after_steth_eth']:.5f}; "
              f"102,000 -> {run[102_000][-1]['price_after_steth_eth']:.5f}")
