"""Executors that fail say so in one line and keep what finished; local workers (and the
resource tracker) end with a killed sweep process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from lstlab.sim.sweep import ExecutorLost, ResultStore, SchedulerUnreachable, run_sweep
from tests.lstlab.sweep.killpoint import GRID, MANIFEST, sweep_into
from tests.lstlab.sweep_tasks import DiesOn, NoisyMean

ROOT = Path(__file__).resolve().parents[3]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def store(tmp_path):
    with ResultStore(tmp_path / "s") as store:
        store.start(MANIFEST, resume=False)
        yield store


def test_an_unreachable_scheduler_is_one_line_after_the_timeout(store):
    address = f"tcp://127.0.0.1:{_closed_port()}"
    start = time.monotonic()
    with pytest.raises(SchedulerUnreachable) as caught:
        run_sweep(NoisyMean(), GRID.runs(), store, executor="dask", scheduler=address, connect_timeout=0.5)
    assert time.monotonic() - start < 5
    assert caught.value.message == (f"cannot reach the Dask scheduler at {address} within 0.5 s: start it "
                                    "(`dask scheduler`) or check the address")
    with pytest.raises(SchedulerUnreachable, match="not valid"):
        run_sweep(NoisyMean(), GRID.runs(), store, executor="dask", scheduler="garbage", connect_timeout=0.5)
    assert store.done() == set()


def _resume_to_the_full_table(store, tmp_path, done_before):
    full = sweep_into(tmp_path / "full")
    store.close()
    store.start(MANIFEST, resume=True)
    stats = run_sweep(NoisyMean(), GRID.runs(), store, executor="inprocess")
    assert (stats.skipped, stats.computed) == (len(done_before), 15 - len(done_before))
    assert store.summary().equals(full.summary())


def test_a_lost_local_worker_is_one_line_and_finished_runs_are_kept(store, tmp_path):
    poison = tmp_path / "poison"
    poison.touch()
    with pytest.raises(ExecutorLost) as caught:
        run_sweep(DiesOn(9, poison), GRID.runs(), store, executor="processes", workers=2, batch_size=1,
                  flush_every=1)
    done = store.done()
    assert caught.value.message.startswith("a local worker process died (killed, or out of memory); the ")
    assert f"the {len(done)} finished runs are saved: run the same command with --resume" in caught.value.message
    assert 9 not in done
    poison.unlink()
    _resume_to_the_full_table(store, tmp_path, done)


def test_a_lost_dask_worker_is_one_line_and_finished_runs_are_kept(store, tmp_path):
    import dask
    from distributed import Client, LocalCluster

    poison = tmp_path / "poison"
    poison.touch()
    with (dask.config.set({"distributed.scheduler.allowed-failures": 0}),
          LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                       host="127.0.0.1") as cluster, Client(cluster) as client,
          pytest.raises(ExecutorLost) as caught):
        run_sweep(DiesOn(9, poison), GRID.runs(), store, executor="dask", scheduler=client, workers=2,
                  batch_size=1, flush_every=1)
    done = store.done()
    assert caught.value.message.startswith("a Dask worker died ")
    assert "--resume" in caught.value.message and 9 not in done
    poison.unlink()
    _resume_to_the_full_table(store, tmp_path, done)


CHILD = """\
import sys
from lstlab.sim.sweep import ResultStore, run_sweep
from tests.lstlab.sweep.killpoint import GRID, MANIFEST
from tests.lstlab.sweep_tasks import SlowMean
store = ResultStore(sys.argv[1])
store.start(MANIFEST, resume=False)
run_sweep(SlowMean(30.0), GRID.runs(), store, executor="processes", workers=2, batch_size=1)
"""


def _gone(process: psutil.Process) -> bool:
    try:
        return process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_workers_and_resource_tracker_exit_after_sigkill_of_the_sweep(tmp_path):
    parent = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path / "s")], cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    me = psutil.Process(parent.pid)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(me.children()) < 3:  # the tracker and two workers
        time.sleep(0.05)
    children = me.children(recursive=True)
    names = [" ".join(c.cmdline()) for c in children]
    assert len(children) >= 3 and any("resource_tracker" in n for n in names), names
    time.sleep(1.0)  # let the workers start their 30 s runs
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not all(_gone(c) for c in children):
        time.sleep(0.05)
    assert [c.pid for c in children if not _gone(c)] == []
