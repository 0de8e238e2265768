"""Real scenario sweeps through the CLI: three executors, one table; a sweep killed while it writes
a part resumes to exactly the uninterrupted dataset; a second writer, a bad part, changed data
and an unreachable scheduler are each one line and exit status 2."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket

import pandas as pd
import pytest

from lstlab.cli.app import main
from lstlab.sim.sweep import ResultStore
from tests.lstlab.sweep.killpoint import hang_at, kill_at

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


@pytest.fixture(scope="module")
def kept(tmp_path_factory):
    """An uninterrupted in-process sweep of the tiny scenario with --keep-steps: (file, folder)."""
    root = tmp_path_factory.mktemp("kept")
    (root / "tiny.toml").write_text(SCENARIO)
    assert main(["sweep", str(root / "tiny.toml"), *GRID, *KEPT, "--out", str(root / "full"), "--json"]) == 0
    return root / "tiny.toml", root / "full"


KEPT = ["--executor", "inprocess", "--keep-steps", "--flush-every", "2"]
"""12 runs, flushed two at a time: the kill points below fall on part 2 (after runs 0-3)."""


def _sweep_args(scenario, out, *extra):
    return ["sweep", str(scenario), *GRID, *KEPT, "--out", str(out), "--json", *extra]


def _assert_equal_and_clean(out, full):
    store, reference = ResultStore(out), ResultStore(full)
    pd.testing.assert_frame_equal(store.summary(), reference.summary())
    pd.testing.assert_frame_equal(store.steps(), reference.steps())
    raw = pd.read_parquet(out / "steps")
    assert len(raw) == len(reference.steps()) and not raw.duplicated(["run_index", "time"]).any()
    assert not pd.read_parquet(out / "summary")["run_index"].duplicated().any()
    assert list(out.rglob("*.tmp")) == [] and list((out / ".incoming").iterdir()) == []


def test_sigkill_while_a_part_is_written_resumes_to_the_same_dataset(tmp_path, capsys, kept):
    """Killed with steps part 2 staged and half of summary part 2 written: resume removes both
    staged files and computes runs 4-11 only."""
    scenario, full = kept
    out = tmp_path / "cut"
    kill_at("writing", 2, out, *_sweep_args(scenario, out))
    assert ResultStore(out).done() == {0, 1, 2, 3}
    code = main(_sweep_args(scenario, out, "--resume"))
    captured = capsys.readouterr()
    assert code == 0, captured.err
    stats = json.loads(captured.out)
    assert stats["skipped (already done)"] == 4 and stats["computed"] == 8
    assert "note: took over the lock left by pid" in captured.err and "note: removed 2 unfinished part(s)" in captured.err
    _assert_equal_and_clean(out, full)


def test_a_second_writer_is_refused_and_a_kill_between_steps_and_summary_stores_no_step_twice(
        tmp_path, capsys, kept):
    """One sweep hangs with steps part 2 in place and summary part 2 not: a concurrent --resume is
    refused in one line; after a SIGKILL the resume drops the orphan steps and equals the full sweep."""
    scenario, full = kept
    out = tmp_path / "cut"
    writer = hang_at("between", 2, out, *_sweep_args(scenario, out))
    try:
        code = main(_sweep_args(scenario, out, "--resume"))
        captured = capsys.readouterr()
        assert code == 2 and captured.out == "" and captured.err.count("\n") == 1
        assert captured.err.startswith(f"error: {out} is being written by pid {writer.pid} on ")
    finally:
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
    assert sorted(set(pd.read_parquet(out / "steps")["run_index"])) == [0, 1, 2, 3, 4, 5]  # the orphan
    code = main(_sweep_args(scenario, out, "--resume"))
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "note: deleted steps/part-000002.parquet, written without its summary part" in captured.err
    _assert_equal_and_clean(out, full)


def test_a_truncated_part_is_one_line_and_resume_recomputes_its_runs(tmp_path, capsys, kept):
    scenario, full = kept
    out = tmp_path / "copy"
    shutil.copytree(full, out)
    part = out / "summary" / "part-000001.parquet"
    part.write_bytes(part.read_bytes()[:100])
    assert main(["report", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "summary/part-000001.parquet: it is not a whole Parquet file" in (
        captured.err) and "--resume" in captured.err
    code = main(_sweep_args(scenario, out, "--resume"))
    captured = capsys.readouterr()
    assert code == 0 and json.loads(captured.out)["computed"] == 2
    assert "note: moved summary/part-000001.parquet, steps/part-000001.parquet aside to .rejected/" in captured.err
    _assert_equal_and_clean(out, full)


def test_an_unreachable_scheduler_is_one_line(tmp_path, capsys, scenario_file):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{s.getsockname()[1]}"
    code = main(["sweep", str(scenario_file), "--scheduler", address, "--connect-timeout", "0.5",
                 "--out", str(tmp_path / "x")])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == "" and captured.err == (
        f"error: cannot reach the Dask scheduler at {address} within 0.5 s: start it (`dask scheduler`) or "
        "check the address\n")
    assert (tmp_path / "x" / ".lock").read_text() == ""  # released


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
    capsys.readouterr()
    (tmp_path / "p.csv").write_text((tmp_path / "p.csv").read_text().replace(",3000,", ",3100,"))
    code = main(["sweep", str(scenario), "--grid", "leverage=3,4", "--paths", "2", "--executor", "inprocess",
                 "--out", str(tmp_path / "s"), "--resume"])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == "" and captured.err.count("\n") == 2  # the inputs note, the error
    assert "error: " in captured.err and "prices.file p.csv changed since the sweep started" in captured.err
    scenario.write_text('[prices]\nfile = "p.csv"\n[agents]\nbackground = false\nloops = 3\n')
    main(["sweep", str(scenario), "--grid", "leverage=3", "--paths", "2", "--executor", "inprocess",
          "--out", str(tmp_path / "t"), "--json"])
    assert "only the seeded loop population differs" in capsys.readouterr().err
    scenario.write_text('[prices]\nfile = "p.csv"\n')  # the background flows follow the seed
    main(["sweep", str(scenario), "--grid", "leverage=3", "--paths", "2", "--executor", "inprocess",
          "--out", str(tmp_path / "u"), "--json"])
    assert "note:" not in capsys.readouterr().err
