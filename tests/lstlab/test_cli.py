"""The command line: one-line errors with a non-zero exit, never a traceback; JSON output; text
for people (units, percent, 80 columns, "and N more", no bare nan); --version; default outputs
under lstlab-out/<command>/ that leave git status clean."""

from __future__ import annotations

import importlib.metadata
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from lstlab.cli.app import main


def _run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize(
    ("csv", "message"),
    [
        (None, "does not exist"),
        ("date,eth\n2022-01-01,1\n", "lacks column(s) eth_usd, steth_eth"),
        ("date,eth_usd,steth_eth\n2022-01-02,1,1\n2022-01-01,1,1\n", "not strictly increasing"),
        ("date,eth_usd,steth_eth\n2022-01-01,1,nan\n2022-01-02,1,1\n", "NaN"),
    ],
    ids=["missing-file", "wrong-columns", "non-monotonic", "nan"],
)
def test_backtest_bad_data(tmp_path, capsys, csv, message):
    path = tmp_path / "prices.csv"
    if csv is not None:
        path.write_text(csv)
    code, out, err = _run(capsys, "backtest", "--data", str(path), "--out", str(tmp_path / "o"))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: ") and message in err


def test_leverage_above_maximum(capsys):
    code, _, err = _run(capsys, "loop", "--leverage", "15")
    assert code == 2 and err.count("\n") == 1 and "outside [1, 14.2857)" in err


def test_usage_errors_are_one_line(capsys):
    code, _, err = _run(capsys, "backtest", "--leverage", "high")
    assert code == 2 and err.count("\n") == 1 and "'high' is not a number: leverage is collateral / equity" in err
    code, _, err = _run(capsys, "run", "/nonexistent.toml")
    assert code == 2 and err == "error: scenario file '/nonexistent.toml' does not exist\n"


def test_loop_json(capsys):
    code, out, _ = _run(capsys, "loop", "--leverage", "4", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["figures"]["health factor"]["closed_form"] == pytest.approx(4 * 0.95 / 3)
    # opened by a mode-0 flash loan: the debt also carries the 5 bps premium
    assert data["figures"]["health factor"]["simulated"] == pytest.approx(4 * 0.95 / (3 * 1.0005), rel=1e-12)


def test_backtest_writes_outputs(tmp_path, capsys):
    out_dir = tmp_path / "out"
    code, out, _ = _run(capsys, "backtest", "--start", "2022-06-01", "--end", "2022-06-30", "--no-agents",
                        "--out", str(out_dir), "--json")
    summary = json.loads(out)
    assert code == 0 and summary["steps"] == 30
    assert {p.name for p in out_dir.iterdir()} >= {"metrics.csv", "report.html", "summary.json", "health.png"}


def test_console_script_never_prints_a_traceback(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("date,eth_usd,steth_eth\n2022-01-01,1,1\n2022-01-01,1,1\n")
    proc = subprocess.run([sys.executable, "-c", "from lstlab.cli.app import run; run()", "backtest", "--data", str(bad)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1


def test_graph_formats(tmp_path, capsys):
    code, out, _ = _run(capsys, "graph")
    data = json.loads(out)
    assert code == 0 and any(n["id"] == "aave" for n in data["nodes"])
    code, _, _ = _run(capsys, "graph", "--format", "graphml", "--out", str(tmp_path / "g.graphml"))
    assert code == 0 and (tmp_path / "g.graphml").read_text().startswith("<?xml")


def test_probe_json(capsys):
    """A 5% depeg under the market oracle liquidates in round 1; the exchange-rate oracle in none."""
    code, out, _ = _run(capsys, "probe", "--loops", "8", "--size", "0.05", "--json")
    data = json.loads(out)
    assert code == 0 and data["rounds"][1]["liquidations"] > 0
    assert {r["factor"] for r in data["thresholds"]} == {"eth-usd", "steth-eth", "lst-rate"}
    assert all(path[-1] == "steth-eth-market" for path in data["paths"].values())
    code, out, _ = _run(capsys, "probe", "--loops", "8", "--size", "0.05", "--oracle", "exchange-rate", "--json")
    assert code == 0 and sum(r["liquidations"] for r in json.loads(out)["rounds"]) == 0


def test_backtest_prints_both_drawdowns_and_the_dip_a_liquidator_saw(tmp_path, monkeypatch, capsys):
    """10x through June 2022 under a market oracle: liquidated, and the health factor recorded
    before the liquidator acted is below 1; both valuations' drawdowns are printed, in percent,
    amounts with their unit, every line within 80 columns."""
    monkeypatch.chdir(tmp_path)
    argv = ["backtest", "--start", "2022-05-01", "--end", "2022-07-31", "--leverage", "10", "--oracle", "market",
            "--out", "o"]
    code, out, _ = _run(capsys, *argv, "--json")
    summary = json.loads(out)
    assert code == 0 and summary["loop_liquidations"] > 0
    assert summary["min_health_factor_pre_liquidation"] < 1.0
    assert summary["max_drawdown_market"] > 0 and summary["max_drawdown_oracle"] > 0
    code, out, _ = _run(capsys, *argv)
    assert code == 0 and "max_drawdown_oracle" in out and "max_drawdown_market" in out
    assert "min_health_factor_pre_liquidation " in out  # whole: descriptions wrap, names do not
    assert all(len(line) <= 80 for line in out.splitlines())
    drawdown = next(line for line in out.splitlines() if line.startswith("max_drawdown_market "))
    assert f"{summary['max_drawdown_market'] * 100:.2f}%" in drawdown  # a fraction printed in percent
    repaid = next(line for line in out.splitlines() if line.startswith("loop_debt_repaid_eth "))
    assert f"{summary['loop_debt_repaid_eth']:,.2f} ETH" in repaid


def test_backtest_dataset_by_name(tmp_path, capsys):
    code, out, _ = _run(capsys, "backtest", "--dataset", "coingecko-2021-2023", "--end", "2021-01-10",
                        "--no-agents", "--out", str(tmp_path / "o"), "--json")
    assert code == 0 and json.loads(out)["start"].startswith("2021-01-01")
    code, _, err = _run(capsys, "backtest", "--dataset", "nope", "--out", str(tmp_path / "o"))
    assert code == 2 and "nope" in err


ROOT = Path(__file__).resolve().parents[2]
TINY = """\
name = "tiny"
[prices]
source = "synthetic"
[prices.synthetic]
days = 8
[[prices.synthetic.depegs]]
start_day = 3
depth = 0.06
hold_days = 2
recovery_days = 2
[agents]
arbitrageur = false
loops = 4
[run]
oracle = "market"
"""


def _readable(text: str) -> None:
    """Every line within 80 columns and no number printed as a bare nan."""
    assert [line for line in text.splitlines() if len(line) > 80] == []
    assert not re.search(r"\bnan\b", text, flags=re.IGNORECASE)


def test_version_is_the_installed_package_version(capsys):
    """``lstlab --version`` prints the distribution's version, the one pyproject.toml declares."""
    code, out, err = _run(capsys, "--version")
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert (code, err) == (0, "")
    assert out == f"lstlab {importlib.metadata.version('lstlab')}\n" == f"lstlab {declared}\n"


DEFAULT_RUNS = {
    "backtest": (["backtest", "--start", "2022-05-01", "--end", "2022-07-31"], "lstlab-out/backtest",
                 {"report.html", "metrics.csv", "summary.json"}),
    "run": (["run", "{in}/tiny.toml"], "lstlab-out/run/tiny", {"report.html", "metrics.csv"}),
    "sweep": (["sweep", "{in}/tiny.toml", "--grid", "leverage=4,12", "--paths", "2", "--executor", "inprocess"],
              "lstlab-out/sweep/tiny", {"sweep.json", "summary"}),
    "compare": (["compare"], "lstlab-out/compare", {"compare.png"}),
    "calibrate": (["calibrate", "--paths", "4"], "lstlab-out/calibrate", {"calibration.png"}),
}
"""Each command that writes files by default: argv ({in}: the inputs folder), its default folder,
files it must hold."""


@pytest.mark.parametrize("command", list(DEFAULT_RUNS))
def test_default_outputs_leave_git_status_clean(tmp_path, monkeypatch, capsys, command):
    """Run with no --out in a fresh git repository: the files land in lstlab-out/<command>/, the
    message names that folder, git status --porcelain stays empty (the folder ignores itself),
    and what the command prints fits 80 columns without a bare nan."""
    inputs, repo = tmp_path / "in", tmp_path / "repo"
    inputs.mkdir()
    repo.mkdir()
    (inputs / "tiny.toml").write_text(TINY)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    monkeypatch.chdir(repo)
    argv, folder, files = DEFAULT_RUNS[command]
    code, out, err = _run(capsys, *(a.format(**{"in": inputs}) for a in argv))
    assert code == 0, err
    assert files <= {p.name for p in (repo / folder).iterdir()}
    assert folder in out + err
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], capture_output=True,
                            text=True, check=True, cwd=repo)
    assert status.stdout == ""
    assert (repo / "lstlab-out" / ".gitignore").read_text().splitlines()[-1] == "*"
    _readable(out + err)


def _ladder(path: Path) -> None:
    """Twelve wstETH/WETH positions of aave-v3 (eMode) at HF 1.001-1.012 at par."""
    lines = ["account,market,asset,collateral,debt,emode,collateral_enabled"]
    for k in range(12):
        hf = 1.001 + k / 1000
        lines += [f"p{k:02d},aave-v3,wstETH,100,0,1,true", f"p{k:02d},aave-v3,WETH,0,{95 / hf:.6f},1,true"]
    path.write_text("\n".join(lines) + "\n")


PRINTS = {
    "loop": ["loop", "--leverage", "10"],
    "probe": ["probe", "--loops", "12"],
    "probe-slashing": ["probe", "--shock", "slashing", "--size", "0.1", "--loops", "6", "--oracle", "exchange-rate"],
    "probe-positions": ["probe", "--positions", "book.csv", "--sell", "2000", "--pool-balances", "3000,3000",
                        "--rule", "every-eligible", "--seizable", "0.99,0.9", "--oracle", "market"],
    "graph": ["graph", "--out", "g.json"],
}
"""Commands whose printed text is checked for people (run in a temporary folder)."""


@pytest.mark.parametrize("name", list(PRINTS))
def test_printed_text_fits_80_columns(tmp_path, monkeypatch, capsys, name):
    monkeypatch.chdir(tmp_path)
    _ladder(tmp_path / "book.csv")
    code, out, err = _run(capsys, *PRINTS[name])
    assert code == 0, err
    _readable(out + err)


def test_loop_prints_percent_and_units(capsys):
    """The loop's table: leverage as 5.00x, the net APY in percent, inputs with their units; the
    JSON keeps fractions."""
    code, out, _ = _run(capsys, "loop", "--leverage", "5")
    _, data, _ = _run(capsys, "loop", "--leverage", "5", "--json")
    figures = json.loads(data)
    assert code == 0
    apy = figures["figures"]["net APY on equity"]
    line = next(line for line in out.splitlines() if line.startswith("net APY on equity"))
    assert line.split()[-2:] == [f"{apy['closed_form'] * 100:.2f}%", f"{apy['simulated'] * 100:.2f}%"]
    assert next(line for line in out.splitlines() if line.startswith("leverage ")).split()[1] == "5.00x"
    assert "staking APR                  3.50%" in out and "500.00 wstETH" in out
    assert "closed form only" in out  # the maximum leverage has no simulated value


def test_report_prints_a_sentence_or_json(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    scenario = tmp_path / "tiny.toml"
    scenario.write_text(TINY)
    out = Path("sw")
    assert main(["sweep", str(scenario), "--grid", "leverage=4", "--executor", "inprocess", "--out", str(out),
                 "--json"]) == 0
    capsys.readouterr()
    code, text, _ = _run(capsys, "report", str(out))
    assert code == 0 and text == "wrote sw/report.html (the per-point table is sw/points.csv)\n"
    code, text, _ = _run(capsys, "report", str(out), "--json")
    assert code == 0 and json.loads(text) == {"report": str(out / "report.html")}


def test_sweep_prints_each_point_with_its_interval(tmp_path, capsys):
    """The tiny sweep's table: one row per leverage, each probability with its Wilson interval
    (1 of 2 runs: 50.0% (9.5-90.5%)); the JSON keeps its keys."""
    from lstlab.sim.sweep import ResultStore
    from lstlab.sim.sweep.stats import point_table, wilson

    scenario = tmp_path / "tiny.toml"
    scenario.write_text(TINY)
    code, out, _ = _run(capsys, "sweep", str(scenario), "--grid", "leverage=4,12", "--paths", "2", "--executor",
                        "inprocess", "--out", str(tmp_path / "sw"))
    assert code == 0
    points = point_table(ResultStore(tmp_path / "sw").summary(), ["leverage"])
    for row in points.to_dict(orient="records"):
        hits = round(row["p_loop_liquidated"] * 2)
        lo, hi = wilson(hits, 2)
        line = next(line for line in out.splitlines() if line.split()[:1] == [f"{row['leverage']:g}"])
        assert line.split()[1:3] == ["2", f"{hits * 50:.1f}%"]
        assert f"({lo * 100:.1f}-{hi * 100:.1f}%)" in out
    assert "sweep of tiny: 4 runs, 4 computed and 0 already done" in out
