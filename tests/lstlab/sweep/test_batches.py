"""Batch sizes: guided (a quarter of what remains per worker, down to single runs at the end)
unless a size is given; every run in exactly one batch, in order."""

from __future__ import annotations

import pytest

from lstlab.errors import ScenarioError
from lstlab.sim.sweep import ResultStore, run_sweep
from lstlab.sim.sweep.execute import MAX_BATCH, _batches, batch_sizes
from tests.lstlab.sweep.killpoint import GRID, MANIFEST
from tests.lstlab.sweep_tasks import NoisyMean


def test_guided_sizes_shrink_to_single_runs():
    """24 runs on 2 workers: 24 // 8 = 3, then 21 // 8 = 2 three times, then single runs; 12
    runs are single runs from the start (what a sweep's parts of the CLI tests hold)."""
    assert list(batch_sizes(24, 2)) == [3, 2, 2, 2] + [1] * 15
    assert list(batch_sizes(12, 2)) == [1] * 12
    assert next(batch_sizes(5_000, 4)) == MAX_BATCH and next(batch_sizes(200, 4)) == 200 // 16


@pytest.mark.parametrize(("runs", "workers"), [(1, 1), (7, 2), (100, 3), (1_000, 2), (10_000, 8)])
def test_guided_sizes_cover_every_run_once(runs, workers):
    """Sizes add up to the runs, never grow, stay within 1 .. MAX_BATCH and end in single
    runs, so the last batch a worker takes is one run."""
    sizes = list(batch_sizes(runs, workers))
    assert sum(sizes) == runs and all(1 <= n <= MAX_BATCH for n in sizes)
    assert sizes == sorted(sizes, reverse=True) and sizes[-1] == 1
    if runs >= 4 * workers * MAX_BATCH:
        assert sizes[0] == MAX_BATCH


def test_a_given_size_is_kept():
    assert list(batch_sizes(10, 2, 4)) == [4, 4, 2]
    assert list(batch_sizes(0, 2)) == []


def test_batches_cut_the_specs_in_order():
    specs = GRID.runs()
    batches = list(_batches(specs, None, 2))
    assert [s for batch in batches for s in batch] == specs
    assert [len(b) for b in batches] == list(batch_sizes(len(specs), 2))


def test_a_batch_size_below_one_is_refused(tmp_path):
    with ResultStore(tmp_path / "s") as store:
        store.start(MANIFEST, resume=False)
        with pytest.raises(ScenarioError, match="batch_size"):
            run_sweep(NoisyMean(), GRID.runs(), store, executor="inprocess", batch_size=0)
        assert store.done() == set()
