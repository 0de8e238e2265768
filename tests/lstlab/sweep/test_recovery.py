"""A sweep killed while it writes a part, or left with bad parts, resumes to exactly the
uninterrupted dataset: no temporary file where readers look, no run or step stored twice."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from lstlab.sim.sweep import BadPart, ResultStore, run_sweep
from lstlab.sim.sweep.results import INCOMING, REJECTED
from tests.lstlab.sweep.killpoint import GRID, MANIFEST, MODES, SWEEP, kill_at, sweep_into
from tests.lstlab.sweep_tasks import NoisyMean


@pytest.fixture(scope="module")
def full(tmp_path_factory):
    store = sweep_into(tmp_path_factory.mktemp("full") / "s")
    store.close()
    return store.summary(), store.steps()


def visible(directory: Path) -> pd.DataFrame:
    """What pandas reads from a dataset folder (pyarrow's discovery)."""
    return pd.read_parquet(directory).sort_values(["run_index"], kind="stable").reset_index(drop=True)


def resume(out: Path) -> tuple[ResultStore, list[str], object]:
    store = ResultStore(out)
    notes = store.start(MANIFEST, resume=True)
    stats = run_sweep(NoisyMean(), GRID.runs(), store, **SWEEP)
    store.close()
    return store, notes, stats


def assert_clean(out: Path, store: ResultStore, full) -> None:
    pd.testing.assert_frame_equal(store.summary(), full[0])
    pd.testing.assert_frame_equal(store.steps(), full[1])
    pd.testing.assert_frame_equal(visible(store.summary_dir), full[0])
    steps = visible(store.steps_dir)
    assert len(steps) == 45 and not steps.duplicated(["run_index", "step"]).any()
    assert list(out.rglob("*.tmp")) == [] and list((out / INCOMING).iterdir()) == []


@pytest.mark.parametrize("mode", MODES)
def test_sigkill_while_a_part_is_written_then_resume(tmp_path, full, mode):
    """Killed at the third flush (parts 0 and 1 whole: runs 0-3); readers meanwhile see runs 0-3
    only; resume computes the 11 others and the dataset equals the uninterrupted one."""
    out = tmp_path / "s"
    kill_at(mode, 2, out)
    assert sorted(visible(out / "summary")["run_index"]) == [0, 1, 2, 3]
    assert ResultStore(out).done() == {0, 1, 2, 3}
    if mode == "between":  # the orphan steps part is in place, readers of raw steps see it until resume
        assert sorted(set(visible(out / "steps")["run_index"])) == [0, 1, 2, 3, 4, 5]
        assert sorted(set(ResultStore(out).steps()["run_index"])) == [0, 1, 2, 3]
    else:
        assert len(list((out / INCOMING).iterdir())) >= 1
    store, notes, stats = resume(out)
    assert (stats.skipped, stats.computed) == (4, 11)
    assert any(note.startswith("took over the lock left by pid") for note in notes)
    if mode == "between":
        assert any("deleted steps/part-000002.parquet" in note for note in notes)
    else:
        assert any(note.startswith("removed") for note in notes)
    assert_clean(out, store, full)


@pytest.fixture
def finished(tmp_path):
    """A finished sweep (its lock released), to damage."""
    store = sweep_into(tmp_path / "s")
    store.close()
    return tmp_path / "s"


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


DAMAGES = {
    "truncated summary": (lambda out: _truncate(out / "summary/part-000003.parquet"),
                          "summary/part-000003.parquet: it is not a whole Parquet file", 2),
    "truncated steps": (lambda out: _truncate(out / "steps/part-000005.parquet"),
                        "steps/part-000005.parquet: it is not a whole Parquet file", 2),
    "another schema": (lambda out: pd.DataFrame({"run_index": [1], "colour": ["red"]}).to_parquet(
        out / "summary/part-000009.parquet"), "its columns are not the sweep's", 0),
    "no run index": (lambda out: pd.DataFrame({"x": [1]}).to_parquet(out / "summary/part-000009.parquet"),
                     "it has no run_index column", 0),
    "repeated runs": (lambda out: shutil.copy(out / "summary/part-000001.parquet", out / "summary/part-000009.parquet"),
                      "it repeats run 2 of part-000001.parquet", 0),
    "run outside the grid": (lambda out: pd.read_parquet(out / "summary/part-000000.parquet").assign(
        run_index=[15, 16]).to_parquet(out / "summary/part-000009.parquet"), "outside this sweep's 15 runs", 0),
}


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_bad_part_is_one_line_and_resume_moves_it_aside(finished, full, damage):
    """Reading refuses in one line naming the part and --resume; resume moves the part (and its
    pair) aside with a note and recomputes exactly the runs it held."""
    spoil, reason, recomputed = DAMAGES[damage]
    spoil(finished)
    with pytest.raises(BadPart) as caught:
        ResultStore(finished).summary()
    assert reason in caught.value.message and "--resume" in caught.value.message
    assert "\n" not in caught.value.message
    store, notes, stats = resume(finished)
    moved = [note for note in notes if note.startswith("moved")]
    assert len(moved) == 1 and reason in moved[0] and "computed again" in moved[0]
    assert (stats.skipped, stats.computed) == (15 - recomputed, recomputed)
    assert_clean(finished, store, full)
    assert len(list((finished / REJECTED).iterdir())) == (2 if recomputed else 1)


def test_a_tmp_part_left_inside_the_dataset_by_an_older_writer_is_removed_on_resume(finished, full):
    """A ``summary/part-N.tmp`` (where earlier versions staged parts) is read by pandas as data;
    resume deletes it and the dataset pandas reads equals the stored summary again."""
    shutil.copy(finished / "summary/part-000000.parquet", finished / "summary/part-000008.tmp")
    assert len(pd.read_parquet(finished / "summary")) == 17
    store, notes, stats = resume(finished)
    assert notes == ["removed 1 unfinished part(s) an interrupted sweep was writing"]
    assert (stats.skipped, stats.computed) == (15, 0)
    assert_clean(finished, store, full)
