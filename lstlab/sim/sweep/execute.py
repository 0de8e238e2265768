"""Run a sweep's runs on one of three executors and stream the results to a ResultStore.

- ``inprocess``: a plain loop (small sweeps, debugging);
- ``processes``: a pool of local worker processes created once, fed batches, results taken as
  they finish;
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
import time
from collections.abc import Callable, Iterator
from typing import Any

import attrs
import pandas as pd

from lstlab.errors import ScenarioError
from lstlab.sim.sweep.grid import RunSpec
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


def _init_worker(task: Callable[[RunSpec], RunResult]) -> None:
    global _WORKER_TASK
    _WORKER_TASK = task


def _run_batch_in_worker(specs: list[RunSpec], keep_steps: bool) -> list[tuple]:
    assert _WORKER_TASK is not None, "worker not initialised"
    return _run_batch(_WORKER_TASK, specs, keep_steps)


def _batches(specs: list[RunSpec], size: int) -> Iterator[list[RunSpec]]:
    for start in range(0, len(specs), size):
        yield specs[start : start + size]


def _inprocess(task, specs, keep_steps, batch_size, **_: Any) -> Iterator[list[tuple]]:
    for batch in _batches(specs, batch_size):
        yield _run_batch(task, batch, keep_steps)


def _processes(task, specs, keep_steps, batch_size, workers: int, **_: Any) -> Iterator[list[tuple]]:
    context = multiprocessing.get_context("spawn")
    with cf.ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker, initargs=(task,)) as pool:
        pending: set[cf.Future] = set()
        batches = _batches(specs, batch_size)
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


def _dask(task, specs, keep_steps, batch_size, scheduler: Any, workers: int, **_: Any) -> Iterator[list[tuple]]:
    from distributed import Client, as_completed

    client = scheduler if isinstance(scheduler, Client) else Client(scheduler)  # default for as_completed
    try:
        remote_task = client.scatter(task, broadcast=True)
        batches = _batches(specs, batch_size)
        futures = [client.submit(_run_batch, remote_task, b, keep_steps, pure=False)
                   for b in (next(batches, None) for _ in range(2 * max(workers, 1))) if b is not None]
        stream = as_completed(futures)
        for future in stream:
            batch = next(batches, None)
            if batch is not None:
                stream.add(client.submit(_run_batch, remote_task, batch, keep_steps, pure=False))
            yield future.result()
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
) -> SweepStats:
    """Run every spec not yet in ``store`` and append the results as they finish.

    ``progress(done, total)`` is called after each batch. An interruption (KeyboardInterrupt)
    flushes the finished rows first, so a ``--resume`` recomputes only unfinished runs.
    """
    if executor not in EXECUTORS:
        raise ScenarioError(f"executor {executor!r} is not one of {', '.join(EXECUTORS)}")
    if executor == "dask" and scheduler is None:
        raise ScenarioError("the dask executor needs a scheduler address (tcp://host:8786)")
    if workers < 1:
        raise ScenarioError(f"workers must be at least 1, got {workers}")
    done = store.done()
    todo = [s for s in specs if s.index not in done]
    size = batch_size or max(1, min(32, len(todo) // (4 * workers) or 1))
    start = time.perf_counter()
    rows: list[dict[str, Any]] = []
    steps: list[pd.DataFrame] = []
    finished = len(specs) - len(todo)
    if progress:
        progress(finished, len(specs))
    try:
        for batch in EXECUTORS[executor](task, todo, keep_steps, size, workers=workers, scheduler=scheduler):
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
    finally:
        store.append(rows, steps)
    return SweepStats(len(specs), len(specs) - len(todo), len(todo), time.perf_counter() - start)
