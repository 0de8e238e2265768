"""Probes: thresholds by bisection against the closed forms, cascades, dependency paths."""

from __future__ import annotations

import math

import pytest

from chain import WAD
from lstlab import audit
from lstlab.agents import l2_borrowers, loop_population, protocol_rate
from lstlab.errors import StrategyError
from lstlab.strategies import closed_form
from lstlab.world import default_world, names
from lstlab.world.params import PoolParams, WorldParams

AGREE = 1e-9
"""Bisection vs closed form: both exact on integers; they differ by the composite feeds'
floor to 8 decimals of USD (about 1e-11 relative here)."""


@pytest.fixture(scope="module")
def loops_world():
    world = default_world()
    accounts = loop_population(world, 4, 11, leverage=(3.0, 12.0))
    return world, accounts


@pytest.fixture(scope="module")
def shallow_world():
    """A 3,000 + 3,000 StableSwap pool and 40 loops at 8-13x: liquidations move the pool."""
    world = default_world(WorldParams(pools=PoolParams(curve_eth=3000, curve_steth=3000)))
    loop_population(world, 40, 7, leverage=(8.0, 13.0), equity=(10.0, 30.0))
    return world


def _mode(world, mode):
    fork = world.fork()
    fork.set_oracle(mode)
    return fork


@pytest.mark.parametrize("mode", ["exchange-rate", "market"])
def test_thresholds_agree_with_closed_form(loops_world, mode):
    base, accounts = loops_world
    world = _mode(base, mode)
    digest = world.state.digest()
    table = audit.thresholds(world, accounts)
    assert world.state.digest() == digest
    assert list(table.columns) == ["account", "factor", "threshold_bisection", "threshold_closed_form", "current"]
    assert len(table) == 3 * len(accounts)
    by = {f: t for f, t in table.groupby("factor")}
    # ETH/USD moves collateral and debt alike for a wstETH/WETH loop: no threshold
    assert by["eth-usd"].threshold_bisection.isna().all() and by["eth-usd"].threshold_closed_form.isna().all()
    rate = by["lst-rate"]
    assert ((rate.threshold_bisection / rate.threshold_closed_form - 1).abs() < AGREE).all()
    ratio = by["steth-eth"]
    if mode == "market":
        assert ((ratio.threshold_bisection / ratio.threshold_closed_form - 1).abs() < AGREE).all()
        # the rate and the market ratio enter the wstETH price as one product
        assert (abs(ratio.threshold_bisection.values / rate.threshold_bisection.values - 1) < AGREE).all()
    else:
        assert ratio.threshold_bisection.isna().all() and ratio.threshold_closed_form.isna().all()


def test_threshold_matches_the_loop_closed_form(loops_world):
    """Opened at par with rate 1: the rate threshold is (L - 1) / (L x LT), LT = 95%."""
    world, accounts = loops_world
    for user in accounts:
        found = audit.bisect_threshold(world, user, "lst-rate") / WAD
        m = world.market
        leverage = m.supplied(user, world.wsteth) / (m.supplied(user, world.wsteth) - m.debt(user, world.weth))
        assert found == pytest.approx(closed_form.liquidation_ratio(leverage, 0.95), rel=AGREE)


def test_bisection_is_exact_to_one_unit(loops_world):
    """At the threshold the position is liquidatable; one unit of the feed above, it is not."""
    base, accounts = loops_world
    world = _mode(base, "market")
    user = accounts[0]
    found = audit.bisect_threshold(world, user, "steth-eth")
    for answer, liquidatable in ((found, True), (found + 1, False)):
        trial = world.fork()
        trial.feed("steth-eth-market").set(answer)
        assert (trial.market.health_factor(user) < WAD) is liquidatable


def test_cascade_acceptance_market_feed_gives_a_second_round(shallow_world):
    """Issue 8 acceptance: under the market feed the first liquidations sell into the pools, the
    feed follows the reference pool down, and a second round liquidates more."""
    world = _mode(shallow_world, "market")
    digest = world.state.digest()
    c = audit.cascade(world, "steth-depeg", 0.03)
    assert world.state.digest() == digest
    rounds = c.rounds.set_index("round")
    assert rounds.loc[1, "liquidations"] > 0 and rounds.loc[2, "liquidations"] > 0
    assert rounds.loc[2, "feed_steth_eth"] < rounds.loc[1, "feed_steth_eth"] < rounds.loc[0, "feed_steth_eth"]
    assert (rounds.feed_steth_eth == rounds.reference_steth_eth).all()
    assert (rounds.feed_steth_eth == rounds.curve_price_arb_steth_eth).all()
    assert rounds.loc[0, "reference_steth_eth"] == pytest.approx(0.97, abs=1e-5)
    assert (rounds.loc[1:, "curve_sold_eth"] > 0).all() and (rounds.loc[1:, "v2_sold_eth"] > 0).all()
    # every liquidated account reaches the shocked feed through the market and its feed chain
    assert set(c.paths) == set(c.liquidated)
    for user, path in c.paths.items():
        assert path == [user, names.MARKET, "wsteth-usd-market", "wsteth-eth-market", "steth-eth-market"]


def test_cascade_exchange_rate_feed_has_no_liquidation(shallow_world):
    world = _mode(shallow_world, "exchange-rate")
    c = audit.cascade(world, "steth-depeg", 0.03)
    assert list(c.rounds["round"]) == [0]
    assert c.liquidated == () and c.paths == {}
    assert c.rounds.loc[0, "reference_steth_eth"] == pytest.approx(0.97, abs=1e-5)


def test_slashing_liquidates_under_either_feed(shallow_world):
    """A 12% loss of the protocol rate reaches loops through the rate feed in both modes."""
    for mode in ("exchange-rate", "market"):
        c = audit.cascade(_mode(shallow_world, mode), "slashing", 0.12)
        assert c.rounds.loc[1, "liquidations"] > 0
        assert all(path[-1] == names.ISSUER for path in c.paths.values())


def test_eth_price_and_bridge_exploit_leave_eth_loops_alone(shallow_world):
    world = _mode(shallow_world, "market")
    assert list(audit.cascade(world, "eth-price", 0.5).rounds["round"]) == [0]
    c = audit.cascade(world, "bridge-exploit", 0.3)
    assert list(c.rounds["round"]) == [0]
    assert c.world.bridge.backing().ratio == pytest.approx(0.7, abs=1e-9)


@pytest.mark.parametrize("shock, size", [("steth-depeg", 0.0), ("eth-price", 1.0), ("meteor", 0.1)])
def test_bad_shock_writes_nothing(shallow_world, shock, size):
    world = shallow_world.fork()
    digest = world.state.digest()
    with pytest.raises(StrategyError):
        audit.cascade(world, shock, size)
    assert world.state.digest() == digest


def test_paths_follow_the_oracle(loops_world):
    base, accounts = loops_world
    market, rate = _mode(base, "market"), _mode(base, "exchange-rate")
    assert set(audit.paths(market, "steth-eth-market", accounts)) == set(accounts)
    assert audit.paths(rate, "steth-eth-market", accounts) == {}
    for world in (market, rate):
        found = audit.paths(world, "wsteth-steth", accounts)
        assert set(found) == set(accounts)
        assert all(p[0] == u and p[-1] == "wsteth-steth" and names.MARKET in p for u, p in found.items())


def test_set_rate_reads_back_exactly(world):
    audit.set_rate(world, 912_345_678_901_234_567)
    assert protocol_rate(world) == 912_345_678_901_234_567
    assert not math.isnan(audit.pool_steth_eth(world))


def test_l2_backing_thresholds_agree_with_closed_form(base_world):
    """Bridged wstETH priced at rate x backing: a wstETH/WETH position is liquidated when the
    backing falls to 1/HF; bisection, closed form and 1/HF agree."""
    world = base_world.fork()
    accounts = l2_borrowers(world, 3, 2)
    digest = world.state.digest()
    table = audit.thresholds(world, l2=True)
    assert world.state.digest() == digest
    assert list(table.account.unique()) == sorted(set(accounts) | set(audit.borrowers(world, l2=True)))
    backing = table[table.factor == "bridge-backing"].set_index("account")
    assert ((backing.threshold_bisection / backing.threshold_closed_form - 1).abs() < AGREE).all()
    for user in accounts:
        hf = world.l2_market.health_factor(user) / WAD
        assert backing.loc[user, "threshold_bisection"] == pytest.approx(1 / hf, rel=AGREE)
    assert table[table.factor == "eth-usd"].threshold_bisection.isna().all()


def test_unknown_factor_is_refused(loops_world):
    world, accounts = loops_world
    digest = world.state.digest()
    with pytest.raises(StrategyError, match="unknown risk factor"):
        audit.thresholds(world, accounts, ["gravity"])
    assert world.state.digest() == digest


def _ladder_csv(path) -> None:
    """Four wstETH/WETH positions in each of aave-v3 (eMode, LT 95%) and aave-v2 (LT 83%) at HF
    1.002-1.02 at par (rate 1, 1 wstETH = 1 WETH at the market oracle)."""
    lines = ["account,market,asset,collateral,debt,emode,collateral_enabled"]
    for market, lt, emode in (("aave-v3", 0.95, 1), ("aave-v2", 0.83, 0)):
        for k, hf in enumerate((1.002, 1.006, 1.01, 1.02)):
            lines += [f"{market}-{k},{market},wstETH,100,0,{emode},true",
                      f"{market}-{k},{market},WETH,0,{100 * lt / hf:.6f},{emode},true"]
    path.write_text("\n".join(lines) + "\n")


def test_probe_positions_cli_matches_the_api(tmp_path, capsys):
    """``lstlab probe --positions`` builds the world from its options, opens the snapshot and prints
    the rounds of the sale's cascade: the same rows as the public API on the same world."""
    import json

    from lstlab.cli.app import main
    from lstlab.cli.probe import sale_world_params

    path = tmp_path / "book.csv"
    _ladder_csv(path)
    argv = ["probe", "--positions", str(path), "--market-preset", "aave-v3", "--market-preset", "aave-v2",
            "--sell", "300", "--pool-balances", "3000,3000", "--amp", "30", "--fee-bps", "4",
            "--oracle", "market", "--rule", "every-eligible", "--json"]
    assert main(argv) == 0
    printed = json.loads(capsys.readouterr().out)
    params = sale_world_params(("aave-v3", "aave-v2"), "3000,3000", 30, 4.0, None)
    assert (params.pools.curve_eth, params.pools.curve_steth, params.pools.curve_a, params.pools.curve_fee) == (
        3000, 3000, 30, 4_000_000)
    world = default_world(params)
    audit.open_positions(world, audit.load_positions(path))
    result = audit.cascade(world, sale=audit.Sale.of_steth(world, "curve", 300 * WAD), rule="every-eligible",
                           oracle="market")
    assert printed["rounds"] == result.rounds.to_dict(orient="records")
    assert printed["positions"] == 8 and len(printed["rounds"]) >= 2
    assert sum(r["aave-v2_liquidations"] for r in printed["rounds"]) > 0
    assert sum(r["aave_liquidations"] for r in printed["rounds"]) > 0


def test_probe_positions_needs_a_sale(tmp_path, capsys):
    """--positions without --sell is a usage error (exit 2) that names --sell."""
    from lstlab.cli.app import main

    path = tmp_path / "book.csv"
    _ladder_csv(path)
    code = main(["probe", "--positions", str(path)])
    assert code == 2 and "--sell" in capsys.readouterr().err


def _threshold_frame(n: int):
    """``n`` positions whose stETH/ETH and rate thresholds are 0.95 + k/1000 (k = 0..n-1, the
    closed form equal), ETH/USD not reachable; today 1,719 USD and 1.0."""
    import pandas as pd

    rows = []
    for k in range(n):
        t = 0.95 + k / 1000
        rows += [{"account": f"loop-{k:05d}", "factor": "eth-usd", "threshold_bisection": math.nan,
                  "threshold_closed_form": math.nan, "current": 1719.0},
                 {"account": f"loop-{k:05d}", "factor": "steth-eth", "threshold_bisection": t,
                  "threshold_closed_form": t, "current": 1.0},
                 {"account": f"loop-{k:05d}", "factor": "lst-rate", "threshold_bisection": t,
                  "threshold_closed_form": t * (1 + 1e-12), "current": 1.0}]
    from lstlab.audit.thresholds import COLUMNS

    return pd.DataFrame(rows, columns=COLUMNS)


def test_threshold_table_for_people():
    """One row per position, nearest to liquidation first: the threshold and the move it takes
    from today (0.9690 is -3.10%), 'not reachable' where no value liquidates (explained below),
    the first 15 of 20 shown with "and 5 more", the closed form's agreement stated."""
    from lstlab.cli.probe_view import THRESHOLD_ROWS, thresholds_text

    text = thresholds_text(_threshold_frame(20), "market")
    lines = text.splitlines()
    assert all(len(line) <= 80 for line in lines)
    rows = [line for line in lines if line.startswith("loop-")]
    assert len(rows) == THRESHOLD_ROWS
    assert rows[0].split() == ["loop-00019", "not", "reachable", "0.9690", "(-3.10%)", "0.9690", "(-3.10%)"]
    assert rows[-1].split()[0] == "loop-00005"
    flat = " ".join(text.split())
    assert "and 5 more positions (every one in --json)" in flat
    assert "closed form: agrees with every bisected threshold within 1.0e-12 (relative)" in flat
    assert "not reachable: no value of the factor down to 1/10,000 of today's" in flat
    assert "ETH/USD, now 1,719.00" in text and "nan" not in text.lower()


def test_threshold_table_reports_a_closed_form_that_disagrees():
    from lstlab.cli.probe_view import thresholds_text

    frame = _threshold_frame(3)
    frame.loc[2, "threshold_closed_form"] = frame.loc[2, "threshold_bisection"] / 1.001
    frame.loc[4, "threshold_closed_form"] = math.nan
    text = " ".join(thresholds_text(frame, "market").split())
    assert "closed form: differs from a bisected threshold by up to 1.00e-03 (relative; --json has both)" in text
    assert "1 thresholds found by only one of the two" in text


def test_liquidated_accounts_are_counted_and_cut():
    """35 liquidated, 30 through one path and 5 through another: ten named, "and 25 more", each
    path with its own count."""
    from lstlab.cli.probe_view import liquidated_lines

    accounts = [f"a{k:02d}" for k in range(35)]
    paths = {a: [a, "aave", "steth-eth-market"] for a in accounts[:30]}
    paths |= {a: [a, "aave", "lido"] for a in accounts[30:]}
    lines = liquidated_lines(accounts, paths)
    assert all(len(line) <= 80 for line in lines)
    text = " ".join(" ".join(lines).split())
    assert "35 positions liquidated (any market): a00, a01" in text and "a09 and 25 more" in text
    assert "for 30 of them: account -> aave -> steth-eth-market (a00, a01" in text and "a09 and 20 more)" in text
    assert "for 5 of them: account -> aave -> lido (a30, a31, a32, a33, a34)" in text
    one = " ".join(liquidated_lines(accounts[:3], {a: [a, "aave", "x"] for a in accounts[:3]}))
    assert "path from each to the shocked node: account -> aave -> x" in one
    assert liquidated_lines([], {}) == ["no position was liquidated"]


def test_probe_prints_rounds_as_columns_and_every_liquidation_counted(capsys):
    """The shock probe's text agrees with its JSON: one column per round, the liquidations of
    each round, the count of liquidated positions."""
    import json

    from lstlab.cli.app import main

    assert main(["probe", "--loops", "16", "--size", "0.05", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert main(["probe", "--loops", "16", "--size", "0.05"]) == 0
    text = capsys.readouterr().out
    assert all(len(line) <= 80 for line in text.splitlines())
    rounds = len(data["rounds"])
    header = next(line for line in text.splitlines() if line.startswith("figure") and "round 0" in line)
    assert header.split()[1:] == [w for r in range(rounds) for w in ("round", str(r))]
    counts = next(line for line in text.splitlines() if line.startswith("liquidations "))
    assert counts.split()[1:] == [str(r["liquidations"]) for r in data["rounds"]]
    n = len(data["liquidated"])
    assert f"{n} positions liquidated (any market)" in text
    assert (f"and {n - 10} more" in text) == (n > 10)
    assert "nan" not in text.lower()
