"""The command line: one-line errors with a non-zero exit, never a traceback; JSON output."""

from __future__ import annotations

import json
import subprocess
import sys

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
                          capture_output=True, text=True, timeout=120)
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


def test_backtest_prints_both_drawdowns_and_the_dip_a_liquidator_saw(tmp_path, capsys):
    """10x through June 2022 under a market oracle: liquidated, and the health factor recorded
    before the liquidator acted is below 1; both valuations' drawdowns are printed."""
    argv = ["backtest", "--start", "2022-05-01", "--end", "2022-07-31", "--leverage", "10", "--oracle", "market",
            "--out", str(tmp_path / "o")]
    code, out, _ = _run(capsys, *argv, "--json")
    summary = json.loads(out)
    assert code == 0 and summary["loop_liquidations"] > 0
    assert summary["min_health_factor_pre_liquidation"] < 1.0
    assert summary["max_drawdown_market"] > 0 and summary["max_drawdown_oracle"] > 0
    code, out, _ = _run(capsys, *argv)
    assert code == 0 and "max_drawdown_oracle" in out and "max_drawdown_market" in out
    assert "min_health_factor_pre_l" in out  # the table wraps long names at 80 columns


def test_backtest_dataset_by_name(tmp_path, capsys):
    code, out, _ = _run(capsys, "backtest", "--dataset", "coingecko-2021-2023", "--end", "2021-01-10",
                        "--no-agents", "--out", str(tmp_path / "o"), "--json")
    assert code == 0 and json.loads(out)["start"].startswith("2021-01-01")
    code, _, err = _run(capsys, "backtest", "--dataset", "nope", "--out", str(tmp_path / "o"))
    assert code == 2 and "nope" in err
