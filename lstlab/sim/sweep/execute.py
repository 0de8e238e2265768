"""Run a sweep's runs on one of three executors and stream the results to a ResultStore.

- ``inprocess``: a plain loop (small sweeps, debugging);
- ``processes``: a pool of local worker processes created once, fed batches, results taken as
  they finish; the workers exit with the sweep process, even when it is killed
  (:mod:`lstlab.sim.sweep.lifeline`);
- ``dask``: the same batches on a Dask distributed cluster (``scheduler`` address), the task
  shipped to every worker once.

A *task* is a picklable callable ``task(spec) -> RunResult``. It may cache expensive set-up
(a world built once per worker) on itself; it is sent to each worker once, not per run. The
executor never holds more than a few batches of results in memory: rows are flushed to disk
every ``flush_every`` finished runs.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

import attrs
import pandas as pd

from lstlab.errors import ScenarioError
from lstlab.sim.sweep.errors import ExecutorLost, SchedulerUnreachable
from lstlab.sim.sweep.grid import RunSpec
from lstlab.sim.sweep.lifeline import bind_to_parent
from lstlab.sim.sweep.results import ResultStore


@attrs.frozen
class RunResult:
    """A finished run: its summary row and, optionally, its per-step metrics."""

    row: dict[str, Any]
    steps: pd.DataFrame | None = None


def _row(spec: RunSpec, result: RunResult, keep_steps: bool) -> tuple[dict[str, Any], pd.DataFrame | None]:
    row = {"run_index": spec.index, "path": spec.path, "seed": spec.seed, **spec.as_dict(), **result.row}
    steps = None
    if keep_steps and result.steps is not None:
        steps = result.steps.reset_index().assign(run_index=spec.index)
    return row, steps


def _run_batch(task: Callable[[RunSpec], RunResult], specs: list[RunSpec], keep_steps: bool) -> list[tuple]:
    return [_row(spec, task(spec), keep_steps) for spec in specs]


_WORKER_TASK: Callable[[RunSpec], RunResult] | None = None


def _init_worker(task: Callable[[RunSpec], RunResult], parent: int) -> None:
    global _WORKER_TASK
    bind_to_parent(parent)
    _WORKER_TASK = task


def _run_batch_in_worker(specs: list[RunSpec], keep_steps: bool) -> list[tuple]:
    assert _WORKER_TASK is not None, "worker not initialised"
    return _run_batch(_WORKER_TASK, specs, keep_steps)


MAX_BATCH = 32
"""Most runs in one batch of the guided sizes (:func:`batch_sizes`): about 15-30 s of one-year
daily runs, so results stream to disk and to the progress bar at least that often."""


def batch_sizes(runs: int, workers: int, size: int | None = None) -> Iterator[int]:
    """The sizes of the batches ``runs`` runs are cut into, in order: ``size`` each when given;
    else guided, a quarter of what remains per worker (1 to :data:`MAX_BATCH`), so batches
    shrink to single runs as the sweep ends and no worker waits long for the last one."""
    left = runs
    while left > 0:
        n = min(size or max(1, min(MAX_BATCH, left // (4 * workers))), left)
        yield n
        left -= n


def _batches(specs: list[RunSpec], size: int | None, workers: int) -> Iterator[list[RunSpec]]:
    start = 0
    for n in batch_sizes(len(specs), workers, size):
        yield specs[start : start + n]
        start += n


def _inprocess(task, specs, keep_steps, batch_size, workers: int, **_: Any) -> Iterator[list[tuple]]:
    for batch in _batches(specs, batch_size, workers):  # sized for ``workers``, as the other executors
        yield _run_batch(task, batch, keep_steps)


def _processes(task, specs, keep_steps, batch_size, workers: int, **_: Any) -> Iterator[list[tuple]]:
    context = multiprocessing.get_context("spawn")
    pool = cf.ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                                  initargs=(task, os.getpid()))
    try:
        pending: set[cf.Future] = set()
        batches = _batches(specs, batch_size, workers)
        for batch in batches:
            pending.add(pool.submit(_run_batch_in_worker, batch, keep_steps))
            if len(pending) >= 2 * workers:
                break
        while pending:
            finished, pending = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            for future in finished:
                batch = next(batches, None)
                if batch is not None:
                    pending.add(pool.submit(_run_batch_in_worker, batch, keep_steps))
                yield future.result()
    except cf.process.BrokenProcessPool:
        raise ExecutorLost("a local worker process died (killed, or out of memory)") from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _connect(scheduler: Any, timeout: float) -> Any:
    from distributed import Client

    if isinstance(scheduler, Client):
        return scheduler
    try:
        return Client(scheduler, timeout=timeout)  # becomes the default client of as_completed
    except (OSError, TimeoutError):
        raise SchedulerUnreachable(f"cannot reach the Dask scheduler at {scheduler} within {timeout:g} s: start it "
                                   "(`dask scheduler`) or check the address") from None
    except ValueError as exc:
        raise SchedulerUnreachable(f"the Dask scheduler address {scheduler!r} is not valid ({exc}): "
                                   "write it as tcp://host:8786") from None


def _dask(task, specs, keep_steps, batch_size, scheduler: Any, workers: int, connect_timeout: float,
          **_: Any) -> Iterator[list[tuple]]:
    from distributed import Client, KilledWorker, as_completed

    client = _connect(scheduler, connect_timeout)
    try:
        remote_task = client.scatter(task, broadcast=True)
        batches = _batches(specs, batch_size, max(workers, 1))
        futures = [client.submit(_run_batch, remote_task, b, keep_steps, pure=False)
                   for b in (next(batches, None) for _ in range(2 * max(workers, 1))) if b is not None]
        stream = as_completed(futures)
        for future in stream:
            batch = next(batches, None)
            if batch is not None:
                stream.add(client.submit(_run_batch, remote_task, batch, keep_steps, pure=False))
            try:
                result = future.result()
            except KilledWorker as exc:
                raise ExecutorLost(f"a Dask worker died running a batch ({exc.last_worker.address} last; killed, "
                                   "or out of memory: see its log)") from None
            except (cf.CancelledError, OSError):
                if client.status == "running":
                    raise ExecutorLost("a Dask worker died and took a batch or its data with it (killed, or out "
                                       "of memory: see the worker logs)") from None
                address = scheduler if isinstance(scheduler, str) else getattr(client.scheduler, "address", "?")
                raise ExecutorLost(f"the connection to the Dask scheduler at {address} was lost") from None
            yield result
            future.release()
    finally:
        if not isinstance(scheduler, Client):
            client.close()


EXECUTORS = {"inprocess": _inprocess, "processes": _processes, "dask": _dask}


@attrs.frozen
class SweepStats:
    """What a call of :func:`run_sweep` did."""

    total: int
    skipped: int
    computed: int
    seconds: float

    def _repr_html_(self) -> str:
        """What the call did, as a table in a notebook (:func:`lstlab.report.notebook.stats_html`)."""
        from lstlab.report.notebook import stats_html

        return stats_html(self)


def run_sweep(
    task: Callable[[RunSpec], RunResult],
    specs: list[RunSpec],
    store: ResultStore,
    *,
    executor: str = "processes",
    workers: int = 2,
    scheduler: Any = None,
    batch_size: int | None = None,
    flush_every: int = 64,
    keep_steps: bool = False,
    progress: Callable[[int, int], None] | None = None,
    connect_timeout: float = 10.0,
) -> SweepStats:
    """Run every spec not yet in ``store`` and append the results as they finish.

    ``batch_size``: runs per batch sent to a worker (None: :func:`batch_sizes`' guided sizes,
    shrinking to single runs at the end). ``progress(done, total)`` is called after each batch.
    An interruption (KeyboardInterrupt), a lost worker or a lost scheduler (ExecutorLost) flush
    the finished rows first, so a ``--resume`` recomputes only unfinished runs.
    ``connect_timeout``: seconds to wait for a Dask scheduler (SchedulerUnreachable after; 10 s:
    a reachable scheduler answers in well under a second, even across a datacentre, and a user
    should not wait 30 s to learn of a typo).
    """
    if executor not in EXECUTORS:
        raise ScenarioError(f"executor {executor!r} is not one of {', '.join(EXECUTORS)}")
    if executor == "dask" and scheduler is None:
        raise ScenarioError("the dask executor needs a scheduler address (tcp://host:8786)")
    if workers < 1:
        raise ScenarioError(f"workers must be at least 1, got {workers}")
    if batch_size is not None and batch_size < 1:
        raise ScenarioError(f"batch_size must be at least 1 run (or None: guided sizes), got {batch_size}")
    done = store.done()
    todo = [s for s in specs if s.index not in done]
    start = time.perf_counter()
    rows: list[dict[str, Any]] = []
    steps: list[pd.DataFrame] = []
    finished = len(specs) - len(todo)
    if progress:
        progress(finished, len(specs))
    try:
        batches = EXECUTORS[executor](task, todo, keep_steps, batch_size, workers=workers,
                                      scheduler=scheduler, connect_timeout=connect_timeout)
        for batch in batches:
            for row, step_frame in batch:
                rows.append(row)
                if step_frame is not None:
                    steps.append(step_frame)
            finished += len(batch)
            if len(rows) >= flush_every:
                store.append(rows, steps)
                rows, steps = [], []
            if progress:
                progress(finished, len(specs))
    except ExecutorLost as exc:
        raise ExecutorLost(f"{exc.message}; the {finished} finished runs are saved: run the same command with "
                           "--resume to compute the rest") from None
    finally:
        store.append(rows, steps)
    return SweepStats(len(specs), len(specs) - len(todo), len(todo), time.perf_counter() - start)
