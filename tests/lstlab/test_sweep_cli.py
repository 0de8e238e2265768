"""Real scenario sweeps through the CLI: three executors, one table; a killed sweep resumes to
exactly the uninterrupted dataset."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from lstlab.cli.app import main
from lstlab.sim.sweep import ResultStore

SCENARIO = """\
name = "tiny"
[prices]
source = "synthetic"
[prices.synthetic]
days = 12
[[prices.synthetic.depegs]]
start_day = 4
depth = 0.05
hold_days = 2
recovery_days = 4
[agents]
arbitrageur = false
liquidator = true
loops = 5
[run]
oracle = "market"
"""
GRID = ["--grid", "leverage=6,11,13", "--grid", "depeg=0.02,0.06", "--paths", "2", "--seed", "9"]


@pytest.fixture
def scenario_file(tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text(SCENARIO)
    return path


def _sweep(capsys, scenario, out, *extra):
    code = main(["sweep", str(scenario), *GRID, "--out", str(out), "--json", *extra])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out), ResultStore(out).summary()


def test_three_executors_one_table(tmp_path, capsys, scenario_file):
    from distributed import LocalCluster

    _, inproc = _sweep(capsys, scenario_file, tmp_path / "a", "--executor", "inprocess")
    _, procs = _sweep(capsys, scenario_file, tmp_path / "b", "--workers", "2")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      host="127.0.0.1") as cluster:
        _, dask = _sweep(capsys, scenario_file, tmp_path / "c", "--scheduler", cluster.scheduler_address,
                         "--workers", "2")
    assert len(inproc) == 12 and list(inproc["run_index"]) == list(range(12))
    pd.testing.assert_frame_equal(inproc, procs)
    pd.testing.assert_frame_equal(inproc, dask)
    # the grid means something: 13x liquidates in every 6% depeg path, 6x in none
    deep = inproc[inproc["depeg"] == 0.06]
    assert (deep[deep["leverage"] == 13.0]["loop_liquidations"] > 0).all()
    assert (inproc[inproc["leverage"] == 6.0]["loop_liquidations"] == 0).all()
    page = main(["report", str(tmp_path / "a")])
    assert page == 0 and (tmp_path / "a" / "report.html").exists()


def test_killed_sweep_resumes_to_the_same_dataset(tmp_path, capsys, scenario_file):
    _, full = _sweep(capsys, scenario_file, tmp_path / "full", "--executor", "inprocess")
    out = tmp_path / "cut"
    cmd = [sys.executable, "-c", "from lstlab.cli.app import run; run()", "sweep", str(scenario_file), *GRID,
           "--out", str(out), "--executor", "inprocess", "--flush-every", "1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list((out / "summary").glob("part-*.parquet"))) < 3:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done = ResultStore(out).done()
    assert 3 <= len(done) < 12, "the sweep was not cut midway"
    stats, resumed = _sweep(capsys, scenario_file, out, "--executor", "inprocess", "--resume")
    assert stats["skipped (already done)"] == len(done) and stats["computed"] == 12 - len(done)
    pd.testing.assert_frame_equal(resumed, full)
    assert not resumed["run_index"].duplicated().any()


def test_bad_grid_fails_before_running(tmp_path, capsys, scenario_file):
    code = main(["sweep", str(scenario_file), "--grid", "world.pools.colour=1,2", "--out", str(tmp_path / "x")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "colour" in err
    assert not (tmp_path / "x").exists()


def test_a_sweep_whose_paths_cannot_differ_says_so_at_the_start_and_in_the_report(tmp_path, capsys):
    """Data with its own staking APR and no background flows: every path reads the same inputs."""
    (tmp_path / "p.csv").write_text("date,eth_usd,steth_eth,staking_apr\n" + "".join(
        f"2022-01-{d:02d},3000,{1 - d / 1000},0.04\n" for d in range(1, 11)))
    scenario = tmp_path / "fixed.toml"
    scenario.write_text('[prices]\nfile = "p.csv"\n[agents]\nbackground = false\n')
    code = main(["sweep", str(scenario), "--grid", "leverage=3,4", "--paths", "2", "--executor", "inprocess",
                 "--out", str(tmp_path / "s"), "--json"])
    err = capsys.readouterr().err
    assert code == 0 and "note: no random input varies" in err and "2 paths per point are copies" in err
    assert main(["report", str(tmp_path / "s")]) == 0
    assert "no random input varies" in (tmp_path / "s" / "report.html").read_text()
    scenario.write_text('[prices]\nfile = "p.csv"\n[agents]\nbackground = false\nloops = 3\n')
    main(["sweep", str(scenario), "--grid", "leverage=3", "--paths", "2", "--executor", "inprocess",
          "--out", str(tmp_path / "t"), "--json"])
    assert "only the seeded loop population differs" in capsys.readouterr().err
    scenario.write_text('[prices]\nfile = "p.csv"\n')  # the background flows follow the seed
    main(["sweep", str(scenario), "--grid", "leverage=3", "--paths", "2", "--executor", "inprocess",
          "--out", str(tmp_path / "u"), "--json"])
    assert "note:" not in capsys.readouterr().err
