"""Every user error of the command line (issue 13, section 5) is one line on stderr naming the
problem, nothing on stdout, exit status 2; the cases that were silently accepted are refused.
Each case fails before any world is built or any protocol is called."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from lstlab.cli.app import main

SYNTH = ["--synthetic", "--days", "5", "--no-agents"]
SCENARIO_OK = 'name = "ok"\n[prices]\nsource = "synthetic"\n[prices.synthetic]\ndays = 5\n'

FILES = {
    "good.toml": SCENARIO_OK,
    "seed.toml": "[run]\nseed = -1\n",
    "inf.csv": "date,eth_usd,steth_eth\n2022-01-01,1,1\n2022-01-02,inf,1\n",
    "century.csv": "timestamp,eth_usd,steth_eth\n16500000000,1,1\n16500864000,1,1\n",
    "nan.toml": "[strategy]\nleverage = nan\n",
    "inf.toml": "[strategy]\nequity_eth = inf\n",
    "event-nan.toml": SCENARIO_OK + '[[events]]\nkind = "slash"\nat = nan\n',
    "deep.toml": "a = " + "[" * 5000 + "]" * 5000 + "\n",
    "loops.toml": "[agents]\nloops = 1000000000000\n",
    "days.toml": '[prices]\nsource = "synthetic"\n[prices.synthetic]\ndays = 1000000000000\n',
    "depeg-nan.toml": SCENARIO_OK + "[[prices.synthetic.depegs]]\nstart_day = nan\ndepth = 0.1\n",
    "curve-a.toml": "[world.pools]\ncurve_a = 1000000\n",
    "curve-fee.toml": "[world.pools]\ncurve_fee = 5000000001\n",
    "admin-fee.toml": "[world.pools]\ncurve_admin_fee = 10000000001\n",
    "quorum.toml": "[world.governance]\nquorum_percent = 101\n",
    "voting-period.toml": "[world.governance]\nvoting_period_blocks = 4294967296\n",
    "timelock.toml": "[world.governance]\ntimelock_delay = 86400\n",
    "apr.toml": "[world.lst]\nstaking_apr = 5.0\n",
    "operators.toml": "[world.lst]\noperators = 1000000\n",
    "staked.toml": "[world.lst]\nstaked_eth = 1000\n",
    "world-start.toml": '[world]\nstart = "2023-02-30"\n',
    "slash-ops.toml": SCENARIO_OK + '[[events]]\nkind = "slash"\nat = 1\noperators = [99]\n',
    "slash-validators.toml": SCENARIO_OK + '[[events]]\nkind = "slash"\nat = 1\nvalidators = -1\n',
    "exploit.toml": SCENARIO_OK + '[[events]]\nkind = "bridge-exploit"\nat = 1\n',
    "ramp-a.toml": SCENARIO_OK + '[[events]]\nkind = "ramp-a"\nat = 1\nfuture_a = 301\n',
    "ramp-days.toml": SCENARIO_OK + '[[events]]\nkind = "ramp-a"\nat = 1\nfuture_a = 60\nramp_days = 0.5\n',
    "gov.toml": SCENARIO_OK + '[[events]]\nkind = "governance"\nat = 1\ntarget = "aave"\n',
}
"""Input files of the cases, by name (written into a temporary directory)."""

CASES = [
    # (id, argv with {d} the temporary directory, a phrase the one line must hold)
    *[(f"backtest-equity-{v}", ["backtest", *SYNTH, "--equity", v, "--out", "{d}/o"], "equity is in ETH")
      for v in ("0", "-1", "nan", "inf")],
    *[(f"loop-equity-{v}", ["loop", "--equity", v], "equity is in ETH") for v in ("nan", "inf", "1e300")],
    ("loop-staking-apr-nan", ["loop", "--staking-apr", "nan"], "APR is a fraction: 0.05 for 5%"),
    ("loop-staking-apr-negative", ["loop", "--staking-apr", "-0.5"], "APR is a fraction: 0.05 for 5%"),
    ("loop-staking-apr-percent", ["loop", "--staking-apr", "5"], "APR is a fraction: 0.05 for 5%"),
    ("loop-staking-apr-past-oracle-limit", ["loop", "--staking-apr", "0.5"], "oracle refuses"),
    ("loop-leverage-0", ["loop", "--leverage", "0"], "leverage is collateral / equity"),
    ("loop-leverage-under-max-past-premium", ["loop", "--leverage", "14.28"],
     "under 1/(1-LTV) = 14.2857 but a flash-loan open (mode 0) also borrows its 0.05% premium"),
    ("loop-health-nan", ["loop", "--health", "nan"], "not a finite number"),
    *[(f"backtest-start-{v}", ["backtest", "--start", v, "--out", "{d}/o"], "is not a date")
      for v in ("2022-02-30", "yesterday", "garbage")],
    ("backtest-end-garbage", ["backtest", "--end", "soon", "--out", "{d}/o"], "give YYYY-MM-DD"),
    ("backtest-seed", ["backtest", *SYNTH, "--seed", "-1", "--out", "{d}/o"], "a seed is a whole number from 0"),
    ("probe-seed", ["probe", "--seed", "-1"], "a seed is a whole number from 0"),
    ("run-seed", ["run", "{d}/good.toml", "--seed", "-1"], "a seed is a whole number from 0"),
    ("scenario-seed", ["run", "{d}/seed.toml"], "run: seed = -1"),
    ("backtest-out-proc", ["backtest", *SYNTH, "--out", "/proc/x"], "cannot write into '/proc/x'"),
    ("run-out-proc", ["run", "{d}/good.toml", "--out", "/proc/x"], "cannot write into '/proc/x'"),
    ("sweep-out-proc", ["sweep", "{d}/good.toml", "--out", "/proc/x", "--executor", "inprocess"], "/proc/x"),
    ("graph-out-proc", ["graph", "--out", "/proc/x"], "cannot write to '/proc/x'"),
    ("graph-out-no-such-dir", ["graph", "--out", "{d}/no-such-dir/x.json"], "does not exist: create it first"),
    ("probe-leverage-13:6", ["probe", "--leverage", "13:6"], "write 6:13"),
    ("probe-leverage-5:2", ["probe", "--leverage", "5:2"], "write 2:5"),
    ("probe-leverage-nan:nan", ["probe", "--leverage", "nan:nan"], "two finite leverages"),
    ("probe-leverage-below-1", ["probe", "--leverage", "0.5:2"], "1 (no debt) or more"),
    ("probe-loops-negative", ["probe", "--loops", "-1"], "0<=x<=10000"),
    ("probe-loops-huge", ["probe", "--loops", "100000000"], "0<=x<=10000"),
    ("report-corrupt-sweep-json", ["report", "{d}/sweep"], "sweep.json is unreadable"),
    ("price-csv-inf", ["backtest", "--data", "{d}/inf.csv", "--out", "{d}/o"], "column 'eth_usd' is infinite at row 3"),
    ("price-csv-times-not-seconds", ["backtest", "--data", "{d}/century.csv", "--out", "{d}/o"],
     "neither Unix seconds"),
    ("scenario-nan", ["run", "{d}/nan.toml"], "strategy.leverage = nan: give a finite number"),
    ("scenario-inf", ["run", "{d}/inf.toml"], "strategy.equity_eth = inf: give a finite number"),
    ("scenario-event-at-nan", ["run", "{d}/event-nan.toml"], "events[0].at = nan"),
    ("scenario-not-utf8", ["run", "{d}/latin1.toml"], "is not UTF-8"),
    ("scenario-deep-nesting", ["run", "{d}/deep.toml"], "nested too deeply"),
    ("scenario-huge-loops", ["run", "{d}/loops.toml"], "give 0 to 10000 seeded positions"),
    ("scenario-huge-days", ["run", "{d}/days.toml"], "more than the 36500 days"),
    ("backtest-huge-days", ["backtest", "--synthetic", "--days", "1000000000000", "--out", "{d}/o"], "1<=x<=36500"),
    ("backtest-depeg-negative", ["backtest", *SYNTH, "--depeg", "-0.1", "--out", "{d}/o"], "fraction of par"),
    ("backtest-depeg-nan", ["backtest", *SYNTH, "--depeg", "nan", "--out", "{d}/o"], "fraction of par"),
    ("backtest-depeg-without-synthetic", ["backtest", "--depeg", "0.1", "--out", "{d}/o"], "--synthetic"),
    ("scenario-depeg-start-nan", ["run", "{d}/depeg-nan.toml"], "depegs[0].start_day = nan"),
    ("sweep-grid-oracle", ["sweep", "{d}/good.toml", "--grid", "run.oracle=1", "--out", "{d}/sw",
                           "--executor", "inprocess"], "cannot sweep 'run.oracle'"),
    ("scenario-curve-a", ["run", "{d}/curve-a.toml"], "world.pools.curve_a = 1000000"),
    ("scenario-curve-fee", ["run", "{d}/curve-fee.toml"], "world.pools.curve_fee = 5000000001"),
    ("scenario-curve-admin-fee", ["run", "{d}/admin-fee.toml"], "world.pools.curve_admin_fee"),
    ("scenario-quorum", ["run", "{d}/quorum.toml"], "world.governance.quorum_percent = 101"),
    ("scenario-voting-period", ["run", "{d}/voting-period.toml"], "world.governance.voting_period_blocks"),
    ("scenario-timelock-delay", ["run", "{d}/timelock.toml"], "world.governance.timelock_delay = 86400"),
    ("scenario-staking-apr", ["run", "{d}/apr.toml"], "world.lst.staking_apr = 5.0: APR is a fraction: 0.05 for 5%"),
    ("scenario-operators", ["run", "{d}/operators.toml"], "world.lst.operators = 1000000"),
    ("scenario-staked-eth", ["run", "{d}/staked.toml"], "world.lst.staked_eth = 1000"),
    ("scenario-world-start", ["run", "{d}/world-start.toml"], "world.start"),
    ("scenario-slash-operators", ["run", "{d}/slash-ops.toml"], "events[0].operators = [99]"),
    ("scenario-slash-validators", ["run", "{d}/slash-validators.toml"], "events[0].validators = -1"),
    ("scenario-exploit-amount", ["run", "{d}/exploit.toml"], "events[0].amount = 0.0"),
    ("scenario-ramp-a", ["run", "{d}/ramp-a.toml"], "events[0].future_a = 301"),
    ("scenario-ramp-days", ["run", "{d}/ramp-days.toml"], "events[0].ramp_days = 0.5"),
    ("scenario-governance-parameter", ["run", "{d}/gov.toml"], "events[0].parameter"),
]
"""Section 5 of issue 13, one row each, plus the neighbours of its cases."""


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    directory = tmp_path_factory.mktemp("inputs")
    for name, text in FILES.items():
        (directory / name).write_text(text, encoding="utf-8")
    (directory / "latin1.toml").write_bytes('name = "Zürich"\n'.encode("latin-1"))
    (directory / "sweep").mkdir()
    (directory / "sweep" / "sweep.json").write_text('{"scenario": "x.toml", "runs": ')
    return directory


@pytest.mark.parametrize(("argv", "phrase"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_user_error_is_one_line_and_status_2(inputs, capsys, argv, phrase):
    code = main([arg.format(d=inputs) for arg in argv])
    out = capsys.readouterr()
    assert (code, out.out) == (2, "")
    assert out.err.startswith("error: ") and out.err.count("\n") == 1 and out.err.endswith("\n")
    assert phrase in out.err


def test_every_case_has_its_own_id():
    assert len({case[0] for case in CASES}) == len(CASES)


def test_scenario_errors_point_at_the_line(inputs, capsys):
    """The key's line in the file: ``quorum_percent`` is on line 2 of its file."""
    assert main(["run", str(inputs / "quorum.toml")]) == 2
    assert capsys.readouterr().err.startswith(f"error: {inputs / 'quorum.toml'}:2: world.governance.quorum_percent")


def test_bare_lstlab_prints_help_and_exits_0(capsys):
    code = main([])
    out = capsys.readouterr()
    assert code == 0 and out.err == ""
    assert out.out.startswith("Usage: lstlab") and "error" not in out.out
    for command in ("backtest", "loop", "probe", "run", "sweep", "report", "graph"):
        assert command in out.out


def test_millisecond_times_are_read_with_a_note(tmp_path):
    """2022-04-15 00:00 UTC in milliseconds is 1650000000000: read as milliseconds, said so."""
    from lstlab.market.prices import load_prices

    path = tmp_path / "ms.csv"
    path.write_text("timestamp,eth_usd,steth_eth\n1650000000000,3000,1\n1650086400000,3100,1\n")
    table = load_prices(path)
    assert list(table.seconds) == [1_650_000_000, 1_650_086_400]
    assert table.quality.notes == (("column 'timestamp' is in Unix milliseconds (values up to 1650086400000): "
                                    "read as such"),)
    assert "note: column 'timestamp' is in Unix milliseconds" in "\n".join(table.quality.lines())


@pytest.mark.parametrize(("first", "accepted"), [(1_438_214_400, True), (1_438_214_399, False)],
                         ids=["genesis-day", "one-second-before"])
def test_seconds_start_at_ethereum_genesis_day(tmp_path, first, accepted):
    """2015-07-30 00:00 UTC (1438214400) is the first second a numeric time may name."""
    from lstlab.errors import DataError
    from lstlab.market.prices import load_prices

    path = tmp_path / "s.csv"
    path.write_text(f"timestamp,eth_usd,steth_eth\n{first},1,1\n{first + 86_400},1,1\n")
    if accepted:
        assert load_prices(path).seconds[0] == first
    else:
        with pytest.raises(DataError, match="neither Unix seconds"):
            load_prices(path)


def test_flash_leverage_limit_is_the_premium_closed_form():
    """(1 + p) / (1 + p - LTV): LTV 93% and 5 bps give 1.0005 / 0.0705; no premium gives 1/(1-LTV)."""
    from lstlab.strategies.closed_form import max_flash_leverage, max_leverage

    assert max_flash_leverage(0.93, 0.0005) == pytest.approx(1.0005 / 0.0705, rel=1e-15)
    assert max_flash_leverage(0.93, 0.0) == pytest.approx(max_leverage(0.93), rel=1e-15)


def test_staking_apr_limit_follows_the_fee():
    """The consensus balance may grow 10% a year; after a 10% fee holders earn at most 9%."""
    from lstlab.sim.scenario import max_staking_apr

    assert max_staking_apr(1000) == pytest.approx(0.09, rel=1e-15)
    assert max_staking_apr(0) == pytest.approx(0.10, rel=1e-15)


@pytest.mark.parametrize("argv", [
    ["backtest", "--equity", "nan"],
    ["run", "{d}/deep.toml"],
    ["graph", "--out", "/proc/x"],
    ["report", "{d}/sweep"],
], ids=["equity-nan", "deep-nesting", "graph-proc", "corrupt-sweep-json"])
def test_console_script_prints_no_traceback(inputs, argv):
    proc = subprocess.run([sys.executable, "-c", "from lstlab.cli.app import run; run()",
                           *(arg.format(d=inputs) for arg in argv)], capture_output=True, text=True, timeout=120, check=False)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1 and proc.stderr.startswith("error: ")


def test_a_writable_out_file_is_written(inputs, capsys):
    """The ``--out`` check lets a good path through: ``graph`` writes its JSON there."""
    target = inputs / "g.json"
    assert main(["graph", "--out", str(target)]) == 0
    assert "nodes" in json.loads(target.read_text())


@pytest.mark.parametrize("argv", [
    ["sweep", "lstlab/scenarios/slashing.toml", "--grid", "leverage=1:10:0.0000001", "--out", "OUT"],
    ["sweep", "lstlab/scenarios/slashing.toml", "--grid", "leverage=2,3", "--paths", "600000", "--out", "OUT"],
    ["sweep", "lstlab/scenarios/slashing.toml", "--grid", "leverage=2,3", "--seed", "-1", "--out", "OUT"],
], ids=["huge-axis", "huge-grid", "negative-seed"])
def test_sweep_sizes_and_seed_are_bounded(tmp_path, capsys, argv):
    from lstlab.cli.app import main

    argv = [str(tmp_path / "s") if a == "OUT" else a for a in argv]
    code = main(argv)
    out = capsys.readouterr()
    assert code == 2 and out.out == "" and len(out.err.strip().splitlines()) == 1

