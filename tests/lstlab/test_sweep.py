"""Sweeps: grids and seeds, identical results on every executor, resume without duplicates."""

from __future__ import annotations

import itertools
import math

import pandas as pd
import pytest

from lstlab.errors import ScenarioError
from lstlab.sim.sweep import Grid, ResultStore, parse_axis, run_seed, run_sweep
from lstlab.sim.sweep.stats import wilson
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


def _stored(tmp_path, grid, rows):
    store = ResultStore(tmp_path / "r")
    store.start({"grid": grid, "paths": 4, "seed": 0}, resume=False)
    store.append(rows)
    return tmp_path / "r"


def _row(i, path, liquidated, any_liquidation, bad, apy, **axes):
    return {"run_index": i, "path": path, "seed": i, **axes, "loop_liquidations": float(liquidated),
            "system_liquidations": float(any_liquidation), "bad_debt_eth": bad, "net_apy_oracle": apy,
            "net_apy_market": apy - 0.01}


def test_report_tables_probabilities_per_point(tmp_path):
    """Two axes x 4 paths with chosen outcomes: the user's liquidation apart from any
    liquidation, bad debt above its one-gwei floor only, APY quantiles on both valuations."""
    from lstlab.report.sweep import write_report

    rows = []
    for i, (lev, dep, path) in enumerate(itertools.product((2.0, 4.0), (0.05, 0.1), range(4))):
        liquidated = lev == 4.0 and (dep == 0.1 or path == 0)
        rows.append(_row(i, path, liquidated, liquidated or path == 1, 0.5 if liquidated and path == 3 else 1e-12,
                         0.01 * lev + 0.001 * path, leverage=lev, depeg=dep))
    page = write_report(_stored(tmp_path, ["leverage=2,4", "depeg=0.05,0.1"], rows))
    points = pd.read_csv(tmp_path / "r" / "points.csv")
    assert list(points["runs"]) == [4, 4, 4, 4]
    assert list(points["p_loop_liquidated"]) == [0.0, 0.0, 0.25, 1.0]
    assert list(points["p_any_liquidation"]) == [0.25, 0.25, 0.5, 1.0]
    assert list(points["p_bad_debt"]) == [0.0, 0.0, 0.0, 0.25]
    assert list(points["p_loop_liquidated_lo"]) == pytest.approx([wilson(k, 4)[0] for k in (0, 0, 1, 4)])
    assert list(points["apy_oracle_mean"]) == pytest.approx([0.0215, 0.0215, 0.0415, 0.0415])
    assert list(points["apy_market_p50"]) == pytest.approx([0.0115, 0.0115, 0.0315, 0.0315])
    # pandas' linear quantile of [x, x + 0.001, x + 0.002, x + 0.003] at 5%: x + 0.15 x 0.001
    assert list(points["apy_oracle_p5"]) == pytest.approx([0.02015, 0.02015, 0.04015, 0.04015])
    assert sorted(p.name for p in (tmp_path / "r").glob("*.png")) == [
        "apy_market_p50.png", "p_any_liquidation.png", "p_bad_debt.png", "p_loop_liquidated.png",
        "p_loop_liquidated_intervals.png"]
    assert page.read_text().count("class='lstlab-chart'") == 5  # the same figures, interactive


def test_one_axis_report_has_interval_bars_and_apy_bands(tmp_path):
    from lstlab.report.sweep import write_report

    rows = [_row(i, i % 4, i >= 4, i >= 4, 0.0, 0.05, leverage=float(2 + i // 4)) for i in range(8)]
    page = write_report(_stored(tmp_path, ["leverage=2:3:1"], rows))
    assert sorted(p.name for p in (tmp_path / "r").glob("*.png")) == ["apy.png", "probabilities.png"]
    text = page.read_text()
    assert "over all runs" not in text  # no headline pooled over the grid: one row per point
    assert "<td>0.0% (0.0% to 49.0%)</td>" in text and "<td>100.0% (51.0% to 100.0%)</td>" in text
    assert "<h2>Per grid point</h2>" in page.read_text()


def test_wilson_interval_closed_form():
    """Wilson score interval at 95% (z = 1.959964): 0 of 10 -> [0, 0.2775]; 5 of 10 ->
    [0.2366, 0.7634]; 10 of 10 -> [0.7225, 1]; more runs narrow it."""
    assert wilson(0, 10) == pytest.approx((0.0, 0.27753), abs=1e-5)
    assert wilson(5, 10) == pytest.approx((0.23659, 0.76341), abs=1e-5)
    assert wilson(10, 10) == pytest.approx((0.72247, 1.0), abs=1e-5)
    lo, hi = wilson(50, 100)
    assert hi - lo < 0.76341 - 0.23659
    assert all(math.isnan(v) for v in wilson(0, 0))
    with pytest.raises(ValueError):
        wilson(3, 2)


def test_wilson_ends_are_exact_at_none_and_all():
    """0 of n gives a lower end of exactly 0 and n of n an upper end of exactly 1, for every n
    (rounding once left 2.8e-17 there, a negative error bar below the point)."""
    for n in range(1, 60):
        lo, hi = wilson(0, n)
        assert lo == 0.0 and 0 < hi < 1
        lo, hi = wilson(n, n)
        assert hi == 1.0 and 0 < lo < 1
        assert wilson(0, n)[1] == pytest.approx(1 - wilson(n, n)[0], abs=1e-15)
