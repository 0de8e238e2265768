"""Scenario files: the shipped examples, strict errors, scheduled events, isolated runs."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

from lstlab.errors import ScenarioError
from lstlab.sim import scenario as sc

EXAMPLES = Path(sc.__file__).parent.parent / "scenarios"


def _quiet(s):
    """The scenario without agents (fast; the agents have their own tests)."""
    return attrs.evolve(s, agents=attrs.evolve(s.agents, arbitrageur=False, liquidator=False, loops=0))


def test_every_shipped_example_loads():
    """Each file of lstlab/scenarios loads, with its own name and a description."""
    names = []
    for path in sorted(EXAMPLES.glob("*.toml")):
        s = sc.load_scenario(path)
        assert s.name and s.description
        names.append(path.stem)
    assert names == ["bridge-exploit", "depeg-stress", "governance-lt", "june-2022-depeg", "negative-carry",
                     "slashing"]


def _write(tmp_path, text):
    path = tmp_path / "s.toml"
    path.write_text(text)
    return path


SYNTH = '[prices]\nsource = "synthetic"\n[prices.synthetic]\ndays = 20\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("levrage = 3\n", "s.toml:1: unknown key 'levrage'"),
        ("[strategy]\nleverage = \"high\"\n", "s.toml:2: strategy.leverage must be a number"),
        (SYNTH + "volatility = -0.2\n", "volatility -0.2 must not be negative"),
        (SYNTH + "[[prices.synthetic.depegs]]\nstart_day = 40\ndepth = 0.1\n", "after the path ends"),
        (SYNTH + "[[events]]\nkind = \"slash\"\nat = 25\n", "events[0] (slash)"),
        (SYNTH + "[[events]]\nkind = \"meteor\"\nat = 5\n", 'events[0].kind = "meteor" is not one of "slash"'),
        ("[run]\noracle = \"chainlink\"\n", 's.toml:2: run.oracle = "chainlink" is not one of "exchange-rate"'),
        ("[world.lending]\nweth_borrowed = -5\n", "weth_borrowed must not be negative"),
        ("[strategy]\nleverage = 4.0\nhealth = 1.1\n", "exactly one of leverage or health"),
        ("[strategy]\nleverage = 5.0\nhealth = 1.1\n", "exactly one of leverage or health"),
    ],
)
def test_bad_files_name_the_key(tmp_path, text, message):
    with pytest.raises(ScenarioError) as info:
        sc.load_scenario(_write(tmp_path, text))
    assert message in str(info.value)


def test_data_file_with_gap_or_nan_rejected(tmp_path):
    csv = tmp_path / "p.csv"
    csv.write_text("date,eth_usd,steth_eth\n2022-01-01,3000,1\n2022-01-02,3000,\n")
    with pytest.raises(ScenarioError, match="'steth_eth' is NaN or not a number at row 3"):
        sc.load_scenario(_write(tmp_path, '[prices]\nfile = "p.csv"\n'))
    csv.write_text("date,eth_usd,steth_eth\n2022-01-01,3000,1\n2022-01-02,3000,1\n2022-01-09,3000,1\n")
    with pytest.raises(ScenarioError, match="1 gap.* between 2022-01-02 00:00 and 2022-01-09 00:00"):
        sc.load_scenario(_write(tmp_path, '[prices]\nfile = "p.csv"\n'))
    s = sc.load_scenario(_write(tmp_path, '[prices]\nfile = "p.csv"\nallow_gaps = true\n'))
    assert len(sc.price_table(s, 0).quality.gaps) == 1


def _depeg_ratio(day: float, start: float, depth: float, hold: float, recovery: float) -> float:
    """The closed form of one depeg, as lstlab.market.synthetic.Depeg defines it: 1 - depth
    from ``start`` for ``hold`` days, then back to 1 linearly over ``recovery`` days."""
    since = day - start
    if 0 <= since <= hold:
        return 1 - depth
    if hold < since < hold + recovery:
        return 1 - depth * (1 - (since - hold) / recovery)
    return 1.0


def test_depeg_stress_prices_are_par_times_the_two_depegs():
    """depeg-stress.toml: with steth_model = "par", stETH/ETH is exactly the product of its two
    scheduled depegs (4% on day 20 for 3 days, 10 back; 10% on day 60 for 5 days, 30 back)."""
    s = sc.load_scenario(EXAMPLES / "depeg-stress.toml")
    shocks = s.prices.synthetic.depegs
    assert [(d.start_day, d.depth, d.hold_days, d.recovery_days) for d in shocks] == [(20, 0.04, 3, 10),
                                                                                      (60, 0.10, 5, 30)]
    ratio = sc.price_table(s, s.run.seed).frame["steth_eth"].to_numpy()
    assert len(ratio) == 121
    expected = [_depeg_ratio(d, 20, 0.04, 3, 10) * _depeg_ratio(d, 60, 0.10, 5, 30) for d in range(121)]
    assert ratio.tolist() == pytest.approx(expected, rel=1e-15, abs=0)
    assert ratio[19] == 1.0 and ratio[20] == ratio[23] == 0.96 and ratio[60] == ratio[65] == 0.9
    assert ratio[80] == pytest.approx(0.95, rel=1e-15)  # half way back: 15 of 30 recovery days


def test_depeg_stress_liquidates_the_loop_in_the_second_depeg_only():
    """The 7x loop under the market oracle opens at HF 7 x 0.95 / 6 = 1.108: the 4% dip takes it
    to 1.064 (closed form), the 10% fall to 0.9975, and it is liquidated on day 60 alone. The
    flash premium (5 bps of the debt) and 60 days of carry move the HF by under 0.1%."""
    from lstlab.strategies import closed_form

    result = sc.run_scenario(sc.load_scenario(EXAMPLES / "depeg-stress.toml"))
    m = result.metrics
    hf = m["hf_pre"].to_numpy()
    assert hf[0] == pytest.approx(closed_form.health_factor(7.0, 0.95), rel=1e-3)
    assert hf[20] == pytest.approx(closed_form.health_factor(7.0, 0.95, 0.96), rel=1e-3) and hf[20] > 1
    assert hf[60] == pytest.approx(closed_form.health_factor(7.0, 0.95, 0.90), rel=1e-3) and hf[60] < 1
    assert m["loop_liquidated"].to_numpy().nonzero()[0].tolist() == [60]
    assert result.summary["loop_liquidations"] == 1


def test_slashing_event_lands_on_its_day():
    """Operators 0-4 slashed on day 30: the rate falls that day and not before."""
    result = sc.run_scenario(_quiet(sc.load_scenario(EXAMPLES / "slashing.toml")))
    rate = result.metrics["lst_rate"].to_numpy()
    assert rate[29] > rate[28] and rate[30] < rate[29] * 0.98
    assert result.metrics["slashed_eth"].iloc[30] > 0 and result.metrics["slashed_eth"].iloc[29] == 0


def test_bridge_exploit_backing_ratio_exact():
    """20,000 unbacked on 57,000 backed (50,000 supplied to the L2 market, 4,000 in the L2
    pool, 3,000 held by the exchange on the L2): backing = 57,000 / 77,000 from day 10 on."""
    scenario = _quiet(sc.load_scenario(EXAMPLES / "bridge-exploit.toml"))
    w = scenario.world
    backed = w.bridge.bridged_wsteth + w.pools.l2_curve_wsteth + w.bridge.cex_l2_wsteth
    assert backed == 57_000
    result = sc.run_scenario(scenario)
    backing = result.metrics["backing_ratio"].to_numpy()
    assert backing[9] == 1.0 and backing[10] == 57_000 / 77_000 and backing[-1] == 57_000 / 77_000


def test_governance_change_lands_after_its_delays():
    """Proposed on day 2: 1 day of delay, 7 days of voting, 2 days of timelock -> day 13."""
    result = sc.run_scenario(_quiet(sc.load_scenario(EXAMPLES / "governance-lt.toml")))
    hf = result.metrics["hf_post"].to_numpy()
    executed = result.metrics["proposals_executed"].fillna(0).to_numpy()
    day = int(executed.nonzero()[0][0])
    assert day == 13 and executed.sum() == 1
    # the opening flash premium (5 bps of the debt) lowers the HF by 5e-4; the carry of
    # staking over borrowing lifts it back by about 3e-4 over the 13 days
    assert hf[day - 1] == pytest.approx(13 * 0.95 / 12, rel=5e-4)
    assert hf[day] == pytest.approx(13 * 0.93 / 12, rel=5e-4)


def test_runs_never_share_state():
    """A run that slashes its world leaves the cached base world, and the next run, untouched."""
    s = _quiet(sc.load_scenario(EXAMPLES / "slashing.toml"))
    table = sc.price_table(s, s.run.seed)
    base = sc.base_world(s.world, int(table.seconds[0]))
    before = base.state.digest()
    first = sc.run_scenario(s)
    assert base.state.digest() == before
    calm = attrs.evolve(s, events=())
    second = sc.run_scenario(calm)
    assert second.metrics["lst_rate"].min() >= 1.0 > first.metrics["lst_rate"].min()
    again = sc.run_scenario(s)
    assert again.metrics.equals(first.metrics)


def test_overrides_and_aliases():
    s = sc.load_scenario(EXAMPLES / "slashing.toml")
    t = sc.with_overrides(s, {"leverage": 3.0, "volatility": 0.2, "world.pools.curve_a": 50.0})
    assert (t.strategy.leverage, t.prices.synthetic.volatility, t.world.pools.curve_a) == (3.0, 0.2, 50)
    assert isinstance(t.world.pools.curve_a, int)
    with pytest.raises(ScenarioError, match="not one of"):
        sc.with_overrides(s, {"world.pools.colour": 1.0})
    with pytest.raises(ScenarioError, match="integers"):
        sc.with_overrides(s, {"world.pools.curve_a": 50.5})
    with pytest.raises(ScenarioError, match="no depegs"):
        sc.with_overrides(s, {"depeg": 0.1})


def test_moving_utilisation_moves_the_borrow_rate_and_hot_borrowing_is_negative_carry():
    """The default flows move the WETH borrow rate through the market's own model; held past the
    kink (negative-carry.toml) it stays above the staking APR and both APYs are negative."""
    calm = sc.run_scenario(attrs.evolve(sc.load_scenario(EXAMPLES / "negative-carry.toml"),
                                        agents=sc.AgentsSpec()))
    rate = calm.metrics["borrow_apr"]
    assert rate.min() < rate.max() and calm.metrics["utilisation"].nunique() > 100
    hot = sc.run_scenario(sc.load_scenario(EXAMPLES / "negative-carry.toml"))
    m, s = hot.metrics, hot.summary
    assert s["share_borrow_above_staking"] > 0.5  # most days
    assert (m["borrow_apr"] > m["staking_apr"]).mean() == s["share_borrow_above_staking"]
    assert s["net_apy_oracle"] < 0 and s["net_apy_market"] < 0
    assert s["loop_liquidations"] == 0  # the loss is carry, not a liquidation


def test_world_and_oracle_keys_load(tmp_path):
    """The world keys of issue 14 and a named oracle load into WorldParams and the run settings."""
    text = ('[world]\nmarkets = ["aave-v3", "aave-v2"]\n[world.lst]\nstart_rate = 1.129\n'
            '[world.lending]\nbackground = false\n[world.pools]\nv2 = false\nl2_curve = false\n'
            '[run]\noracle = "curve-ema"\n')
    s = sc.load_scenario(_write(tmp_path, text))
    assert s.world.markets == ("aave-v3", "aave-v2") and s.world.lst.start_rate == 1.129
    assert (s.world.lending.background, s.world.pools.v2, s.world.pools.l2_curve) == (False, False, False)
    assert s.run.oracle == "curve-ema"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[world]\nmarkets = ["aave-v9"]\n', "world.markets[0]"),
        ("[run]\noracle = \"twap\"\n", 'run.oracle = "twap"'),
        ("[world.lst]\nstart_rate = 0.9\n", "start_rate must be at least 1"),
    ],
)
def test_bad_world_and_oracle_keys_name_the_key(tmp_path, text, message):
    with pytest.raises(ScenarioError) as info:
        sc.load_scenario(_write(tmp_path, text))
    assert message in str(info.value)


def test_a_lean_scenario_runs(tmp_path):
    """No V2 pool, no background borrower (so no background flows), the curve-ema oracle: 20
    synthetic days run, with no ``price_v2`` column and no background figures."""
    text = SYNTH + ('[world.lending]\nbackground = false\n[world.pools]\nv2 = false\n'
                    '[run]\noracle = "curve-ema"\n[strategy]\nleverage = 3.0\n')
    result = sc.run_scenario(_quiet(sc.load_scenario(_write(tmp_path, text))))
    assert len(result.metrics) == 20 + 1  # days x steps_per_day + 1 rows (SyntheticPath)
    assert "price_v2" not in result.metrics and not any(c.startswith("background_") for c in result.metrics)
    assert "price_curve" in result.metrics
