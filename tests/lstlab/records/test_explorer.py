"""The explorer and the reconciliation over a recorded default backtest (issue: run records).

- every account reconciles for every token (ledger balances, scaled supply and debt) at the
  end and at 10 sampled checkpoints, and against the live state; a dropped event fails;
- the strategy's accrued staking rewards equal its wstETH x (rate_end - rate_start), the rate
  being Lido's floored getPooledEthByShares read from the live issuer by a watcher agent;
- the README's DuckDB query (largest liquidations of the June 2022 run, their liquidators and
  the venue the seized collateral was sold on) runs and names the Curve pool.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lstlab import records
from lstlab.cli.app import main
from lstlab.errors import DataError
from lstlab.market.data import default_path
from lstlab.market.prices import load_prices
from lstlab.records.explorer import account
from lstlab.records.reconcile import reconcile
from lstlab.sim.backtest import Backtest, LoopConfig, default_agents

ROOT = Path(__file__).resolve().parents[3]


class RateWatcher:
    """Acts last each step: the strategy's wstETH supplied and what it is worth in stETH."""

    name = "watcher"

    def __init__(self, account: str) -> None:
        self.account = account
        self.seen: list[tuple[int, int, int]] = []

    def act(self, world, step):
        wsteth = world.market.supplied(self.account, world.wsteth)
        self.seen.append((step.index, wsteth, world.issuer.get_pooled_by_shares(wsteth)))
        return {}


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    """The default backtest (5x, the shipped data 2020-12..2026-04) with records on."""
    run_dir = tmp_path_factory.mktemp("default") / "run"
    prices = load_prices(default_path())
    bt = Backtest(prices, LoopConfig(), records=run_dir)
    watcher = RateWatcher(bt.loop.account)
    bt.agents = [*default_agents(bt.world, 0), watcher]
    result = bt.run()
    return run_dir, result, watcher


def test_every_account_reconciles_at_the_end_and_at_sampled_steps(default_run):
    run_dir, result, _ = default_run
    n = len(result.metrics)
    sampled = [round(i * (n - 1) / 9) for i in range(10)]
    report = reconcile(run_dir, world=result.world, steps=sampled)
    assert report.ok, str(report)
    assert report.checkpoints == tuple(sampled)
    accounts = records.open(run_dir).execute(
        "SELECT count(DISTINCT account) FROM holdings WHERE step = ?", [n - 1]).fetchone()[0]
    assert accounts >= 20  # agents, loops of the background, pools, markets, the issuer
    assert report.balances_compared >= 10 * accounts
    full = reconcile(run_dir, world=result.world)
    assert full.ok and len(full.checkpoints) == n


def test_a_dropped_event_fails_reconciliation(default_run, tmp_path):
    """Remove one Transfer of the strategy's opening: from that step on, its balance is off by
    exactly that amount, and reconciliation names the account and the token."""
    run_dir, result, _ = default_run
    broken = tmp_path / "broken"
    shutil.copytree(run_dir, broken)
    part = min((broken / "events").glob("part-*.parquet"))
    table = pq.read_table(part)
    rows = table.to_pylist()
    drop = next(i for i, r in enumerate(rows)
                if r["event"] == "Transfer" and r["step"] == 0 and r["dst"] == "strategist")
    pq.write_table(pa.concat_tables([table.slice(0, drop), table.slice(drop + 1)]), part)
    report = reconcile(broken, steps=[0, 1, len(result.metrics) - 1])
    assert not report.ok
    dropped = rows[drop]
    assert {(d.account, d.token) for d in report.differences} == {("strategist", dropped["token"]),
                                                                  (dropped["src"], dropped["token"])} - {
        ("0x0000000000000000000000000000000000000000", dropped["token"])}
    mine = [d for d in report.differences if d.account == "strategist"]
    assert [d.step for d in mine] == [0, 1, len(result.metrics) - 1]
    assert all(d.from_state - d.from_records == int(dropped["amount"]) for d in mine)


def test_accrued_staking_rewards_equal_wsteth_times_the_rate_change(default_run):
    run_dir, result, watcher = default_run
    (first, w0, st0), (last, w1, st1) = watcher.seen[0], watcher.seen[-1]
    assert (first, last) == (0, len(result.metrics) - 1)
    assert w0 == w1 > 0  # the loop's wstETH did not change over the run (no liquidation, no rebalance)
    view = account(run_dir, "strategist")
    rewards = view.exact["staking_rewards_steth_wei"]
    assert rewards == st1 - st0  # wstETH x (rate_end - rate_start), Lido's floored rate, to the wei
    assert rewards > w0 // 10  # five years of staking: more than 10% of the stake


def test_the_explorer_measures_what_it_says(default_run):
    """Opening value 0, a 100 ETH contribution, PnL = end - contributions; the two PnL parts add
    up; no liquidation; interest paid equals the growth of the WETH debt beyond what was borrowed."""
    run_dir, result, _ = default_run
    view = account(run_dir, "strategist")
    exact = view.exact
    assert exact["value_eth_start"] == 0 and exact["contributions_eth"] == pytest.approx(100.0, abs=1e-9)
    assert exact["pnl_eth"] == pytest.approx(exact["value_eth_end"] - 100.0, abs=1e-9)
    assert exact["realised_pnl_eth"] + exact["unrealised_pnl_eth"] == pytest.approx(exact["pnl_eth"], abs=1e-9)
    assert exact["liquidations"] == 0 and exact["liquidation_loss_eth"] == 0
    debt_end = result.world.market.debt("strategist", result.world.weth)
    borrowed = sum(int(a) for (a,) in records.open(run_dir).execute(
        "SELECT fields->>'amount' FROM events WHERE event = 'Borrow' AND fields->>'user' = 'strategist'").fetchall())
    assert borrowed == 400 * 10**18 + 400 * 10**18 * 5 // 10_000  # 5x on 100 ETH, and the flash premium (5 bps)
    assert exact["interest_wei"] == {"WETH owed at aave": debt_end - borrowed}
    assert view.value_eth.iloc[-1].sum() == pytest.approx(exact["value_eth_end"])
    assert list(view.history.columns) == ["step", "time", "tx", "event", "contract", "detail"]
    assert view.history_total == len(view.history) > 0


def test_the_account_command_prints_and_writes_its_page(default_run, tmp_path, capsys):
    run_dir, _, _ = default_run
    page = tmp_path / "strategist.html"
    assert main(["account", "strategist", "--run", str(run_dir), "--html", str(page)]) == 0
    out = capsys.readouterr().out
    assert "accrued staking rewards" in out and "wstETH supplied at aave" in out
    assert page.exists() and "<script src=" not in page.read_text()
    assert main(["account", "nobody", "--run", str(run_dir)]) == 2
    assert "appears in no event" in capsys.readouterr().err


def test_no_holdings_no_explorer(tmp_path):
    with records.EventRecorder(tmp_path):
        pass
    with pytest.raises(DataError, match="holdings"):
        account(tmp_path, "strategist")


def _readme_query() -> tuple[str, str]:
    text = (ROOT / "README.md").read_text()
    block = re.search(r"<!-- records-query -->\s*```bash\n(.*?)```", text, re.DOTALL)
    assert block, "the README's records query block (<!-- records-query -->) is missing"
    run = re.search(r"lstlab run (\S+) --records (\S+)", block.group(1))
    query = re.search(r'lstlab query \S+ "(.*?)"', block.group(1), re.DOTALL)
    assert run and query
    return run.group(1), query.group(1)


def test_the_readme_records_query_runs(tmp_path, capsys):
    scenario, sql = _readme_query()
    run_dir = tmp_path / "june"
    assert main(["run", str(ROOT / scenario), "--records", str(run_dir), "--out", str(tmp_path / "out")]) == 0
    capsys.readouterr()
    assert main(["query", str(run_dir), sql, "--json"]) == 0
    import json

    rows = json.loads(capsys.readouterr().out)
    assert 1 <= len(rows) <= 5
    assert [r["debt_repaid_weth"] for r in rows] == sorted((r["debt_repaid_weth"] for r in rows), reverse=True)
    assert all(r["liquidator"] and r["sold_on"] for r in rows)
    assert "curve:steth" in {venue for r in rows for venue in r["sold_on"].split(", ")}
    con = records.open(run_dir)
    assert len(rows) == min(5, con.execute("SELECT count(*) FROM liquidations WHERE time >= epoch(TIMESTAMP "
                                           "'2022-06-01') AND time < epoch(TIMESTAMP '2022-07-01')").fetchone()[0])


def test_each_sweep_run_keeps_its_records_on_request(tmp_path):
    """A 2-point sweep of the June 2022 scenario with records: one directory per run, each
    reconciling, its liquidations those its summary counts; a rerun of a run starts anew."""
    from lstlab.sim.scenario import load_scenario
    from lstlab.sim.sweep import Grid, ResultStore, run_sweep
    from lstlab.sim.sweep.task import ScenarioTask

    scenario = load_scenario(ROOT / "lstlab/scenarios/june-2022-depeg.toml")
    task = ScenarioTask(scenario, records=str(tmp_path / "records"))
    specs = Grid.from_strings(["leverage=3:11:7"], paths=1, seed=0).runs()
    store = ResultStore(tmp_path / "sweep")
    store.start({"scenario": "june"}, resume=False)
    run_sweep(task, specs, store, executor="inprocess")
    summary = store.summary()
    for spec in specs:
        folder = tmp_path / "records" / f"run-{spec.index:06d}"
        assert reconcile(folder).ok
        liquidations = records.open(folder).execute(
            "SELECT count(*) FROM liquidations WHERE \"user\" = 'strategist'").fetchone()[0]
        assert liquidations == summary.loc[summary["run_index"] == spec.index, "loop_liquidations"].item()
    assert task.run_records(specs[0]) == tmp_path / "records" / "run-000000"
    assert not (tmp_path / "records" / "run-000000").exists()  # emptied for the run about to start


def test_a_probe_cascade_keeps_its_rounds_on_request(tmp_path):
    """A shock cascade (8 loops at 8-13x, a 5% stETH depeg, market oracle) with records: one
    step per round, every liquidation of every round in the records, every balance
    reconciling after every round and against the cascade's world; a sale cascade too."""
    from lstlab import audit
    from lstlab.agents import loop_population
    from lstlab.audit.sale import Sale
    from lstlab.world import default_world

    world = default_world()
    world.set_oracle("market")
    loop_population(world, 8, 3, leverage=(8.0, 13.0))
    result = audit.cascade(world, "steth-depeg", 0.05, records=tmp_path / "shock")
    con = records.open(tmp_path / "shock")
    rounds = con.execute("SELECT count(*) FROM steps WHERE step >= 0").fetchone()[0]
    assert rounds == len(result.rounds)
    kept = con.execute("SELECT count(*) FROM liquidations").fetchone()[0]
    assert kept == sum(r.sweep.count for r in result.records) > 0
    assert reconcile(tmp_path / "shock", world=result.world).ok
    sale = audit.cascade(world, sale=Sale("curve", 150_000 * 10**18), records=tmp_path / "sale")
    assert reconcile(tmp_path / "sale", world=sale.world).ok
    con = records.open(tmp_path / "sale")
    assert con.execute("SELECT count(*) FROM steps WHERE step >= 0").fetchone()[0] == len(sale.rounds)  # with round 0
    assert con.execute("SELECT count(*) FROM liquidations").fetchone()[0] == sum(map(len, sale.taken)) > 0


def test_a_live_world_shows_what_an_account_holds_now():
    """A 5x loop in a fresh world: wstETH supplied and WETH owed at the market, exactly the
    market's figures; the shares behind the supply are the wstETH; debt valued negative."""
    from lstlab import strategies
    from lstlab.records.explorer import holdings_now
    from lstlab.world import default_world

    world = default_world()
    world.fund(world.weth, "me", 100 * 10**18)
    strategies.open_flash(world, "me", 100 * 10**18, leverage=5.0)
    now = holdings_now(world, "me").set_index("holding")
    supplied = world.market.supplied("me", world.wsteth)
    assert now.loc["wstETH supplied at aave", "units"] == supplied == now.loc["wstETH supplied at aave", "shares"]
    assert now.loc["WETH owed at aave", "units"] == -world.market.debt("me", world.weth)
    assert now.loc["WETH owed at aave", "value_eth"] == -world.market.debt("me", world.weth) / 1e18
    assert holdings_now(world, "nobody").empty
