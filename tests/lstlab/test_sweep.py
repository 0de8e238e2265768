"""Sweeps: grids and seeds, identical results on every executor, resume without duplicates."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from lstlab.errors import ScenarioError
from lstlab.sim.sweep import Grid, ResultStore, parse_axis, run_seed, run_sweep
from tests.lstlab.sweep_tasks import NoisyMean

MANIFEST = {"task": "noisy-mean", "grid": ["mu=0:1:0.25"], "paths": 3, "seed": 11}


def _grid():
    return Grid.from_strings(["mu=0:1:0.25"], paths=3, seed=11)


def test_parse_axis_exact():
    name, values = parse_axis("leverage=2:12:0.5")
    assert name == "leverage" and len(values) == 21 and values[-1] == 12.0 and values[3] == 3.5
    assert parse_axis("depeg=0.01,0.05") == ("depeg", (0.01, 0.05))
    for bad in ("leverage", "x=1:2", "x=2:1:1", "x=1:2:0", "x=a,b"):
        with pytest.raises(ScenarioError):
            parse_axis(bad)


def test_runs_and_seeds_are_reproducible_alone():
    runs = _grid().runs()
    assert len(runs) == len(_grid()) == 15
    assert runs[7].params == (("mu", 0.5),) and runs[7].path == 1
    assert runs[7].seed == run_seed(11, 7) and len({r.seed for r in runs}) == 15
    assert Grid.from_strings(["mu=0:1:0.25"], paths=3, seed=12).runs()[7].seed != runs[7].seed


def _sweep(tmp_path, name, **kwargs):
    store = ResultStore(tmp_path / name)
    store.start(MANIFEST, resume=False)
    run_sweep(NoisyMean(), _grid().runs(), store, keep_steps=True, **kwargs)
    return store.summary()


def test_executors_give_identical_tables(tmp_path):
    """In-process, 2 local processes and a 2-worker Dask LocalCluster: the same table."""
    from distributed import Client, LocalCluster

    inproc = _sweep(tmp_path, "a", executor="inprocess")
    procs = _sweep(tmp_path, "b", executor="processes", workers=2)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      host="127.0.0.1") as cluster, Client(cluster) as client:
        dask = _sweep(tmp_path, "c", executor="dask", scheduler=client, workers=2)
    assert len(inproc) == 15 and list(inproc["run_index"]) == list(range(15))
    pd.testing.assert_frame_equal(inproc, procs)
    pd.testing.assert_frame_equal(inproc, dask)


def test_interrupted_sweep_resumes_to_the_same_dataset(tmp_path):
    """Interrupt after 2 batches; resume computes only the rest; no duplicate rows."""
    full = _sweep(tmp_path, "full", executor="inprocess", batch_size=2, flush_every=2)
    store = ResultStore(tmp_path / "cut")
    store.start(MANIFEST, resume=False)
    calls = []

    def interrupt(done, total):
        calls.append(done)
        if len(calls) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_sweep(NoisyMean(), _grid().runs(), store, executor="inprocess", batch_size=2,
                  flush_every=2, keep_steps=True, progress=interrupt)
    assert store.done() == {0, 1, 2, 3}
    with pytest.raises(ScenarioError, match="--resume"):
        store.start(MANIFEST, resume=False)
    store.start(MANIFEST, resume=True)
    stats = run_sweep(NoisyMean(), _grid().runs(), store, executor="inprocess", batch_size=2, keep_steps=True)
    assert (stats.skipped, stats.computed) == (4, 11)
    pd.testing.assert_frame_equal(store.summary(), full)
    steps = pd.read_parquet(store.steps_dir)
    assert len(steps) == 45 and sorted(set(steps["run_index"])) == list(range(15))
    assert not steps.duplicated(["run_index", "step"]).any()


def test_resume_of_another_sweep_is_refused(tmp_path):
    store = ResultStore(tmp_path / "s")
    store.start(MANIFEST, resume=False)
    with pytest.raises(ScenarioError, match="different sweep"):
        store.start({**MANIFEST, "seed": 12}, resume=True)


def test_bad_executor_arguments(tmp_path):
    store = ResultStore(tmp_path / "s")
    store.start(MANIFEST, resume=False)
    with pytest.raises(ScenarioError, match="scheduler"):
        run_sweep(NoisyMean(), _grid().runs(), store, executor="dask")
    with pytest.raises(ScenarioError, match="not one of"):
        run_sweep(NoisyMean(), _grid().runs(), store, executor="threads")


def test_report_tables_probabilities_per_point(tmp_path):
    """Two axes x 4 paths with chosen outcomes: the per-point probabilities are exact."""
    from lstlab.sim.sweep.analysis import write_report

    store = ResultStore(tmp_path / "r")
    manifest = {"grid": ["leverage=2,4", "depeg=0.05,0.1"], "paths": 4, "seed": 0}
    store.start(manifest, resume=False)
    rows = []
    for i, (lev, dep, path) in enumerate(itertools.product((2.0, 4.0), (0.05, 0.1), range(4))):
        liquidated = lev == 4.0 and (dep == 0.1 or path == 0)
        rows.append({"run_index": i, "path": path, "seed": i, "leverage": lev, "depeg": dep,
                     "liquidated_debt_eth": 1.0 if liquidated else 0.0,
                     "bad_debt_eth": 0.5 if liquidated and path == 3 else 0.0, "net_apy": 0.01 * lev})
    store.append(rows)
    page = write_report(tmp_path / "r")
    points = pd.read_csv(tmp_path / "r" / "points.csv")
    assert list(points["p_liquidation"]) == [0.0, 0.0, 0.25, 1.0]
    assert list(points["p_bad_debt"]) == [0.0, 0.0, 0.0, 0.25]
    assert list(points["apy_mean"]) == [0.02, 0.02, 0.04, 0.04]
    assert page.read_text().count("data:image/png;base64,") == 3
