"""Find the bench modules, run their cases, print every record as it is measured, then the
tables (the conventions are in :mod:`bench.harness`)."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import time
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from types import ModuleType
from typing import TextIO

from bench.harness import REPEATS, Check, Row, format_checks, format_line, format_rows

HERE = Path(__file__).parent
PREFIX = "bench_"


def topics() -> list[str]:
    """Every topic: the ``<topic>`` of each ``bench/bench_<topic>.py``, sorted."""
    return sorted(m.name[len(PREFIX):] for m in pkgutil.iter_modules([str(HERE)]) if m.name.startswith(PREFIX))


def cases(module: ModuleType, full: bool) -> list[Callable[[], object]]:
    """The cases a pass runs: ``FULL_CASES`` (when defined) for ``--full``, else ``CASES``."""
    if full and hasattr(module, "FULL_CASES"):
        return list(module.FULL_CASES)
    return list(module.CASES)


def _describe(case: Callable[[], object]) -> str:
    doc = (case.__doc__ or "").strip().splitlines()
    return f"{case.__name__}: {doc[0]}" if doc else case.__name__


def list_topics(modules: Mapping[str, ModuleType], out: TextIO) -> None:
    """Each topic and its cases, those of ``--full`` marked."""
    for topic, module in modules.items():
        quick = cases(module, False)
        print(f"{topic}", file=out)
        for case in quick:
            print(f"  {_describe(case)}", file=out)
        for case in cases(module, True):
            if case not in quick:
                print(f"  {_describe(case)}  (--full)", file=out)


def run_topics(modules: Mapping[str, ModuleType], full: bool, out: TextIO,
               err: TextIO = sys.stderr) -> tuple[dict[str, tuple[list[Row], list[Check]]], int]:
    """Run every case of every module, printing each record the moment it arrives; returns the
    records by topic and the number of cases that raised (their traceback goes to ``err``)."""
    results: dict[str, tuple[list[Row], list[Check]]] = {}
    failed = 0
    for topic, module in modules.items():
        rows: list[Row] = []
        checks: list[Check] = []
        results[topic] = (rows, checks)
        print(f"\n## {topic}", file=out, flush=True)
        start = time.perf_counter()
        for case in cases(module, full):
            try:
                produced = case()
                for record in produced or ():
                    (checks if isinstance(record, Check) else rows).append(record)
                    print(f"  {format_line(record)}", file=out, flush=True)
            except Exception:  # noqa: BLE001 - one broken case must not hide the others' rows
                failed += 1
                print(f"  {topic}.{case.__name__} FAILED (traceback on stderr)", file=out, flush=True)
                traceback.print_exc(file=err)
        print(f"  ({topic}: {time.perf_counter() - start:.1f} s)", file=out, flush=True)
    return results, failed


def print_tables(results: Mapping[str, tuple[list[Row], list[Check]]], out: TextIO) -> None:
    """The records of every topic as tables: timed rows, then exactness counts."""
    for topic, (rows, checks) in results.items():
        print(f"\n## {topic}\n", file=out)
        if rows:
            print(format_rows(rows), file=out)
        if checks:
            print(("\n" if rows else "") + format_checks(checks), file=out)
    out.flush()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="lstlab benchmarks: each row timed next to its baseline in the same run "
                    f"(medians of {REPEATS} interleaved rounds). The default is the quick pass.")
    parser.add_argument("topics", nargs="*", metavar="TOPIC", help="topics to run (default: all)")
    parser.add_argument("--full", action="store_true", help="the large cases too (one-year runs, sweeps)")
    parser.add_argument("--list", action="store_true", help="list the topics and their cases, run nothing")
    return parser


def main(argv: list[str], out: TextIO = sys.stdout) -> int:
    """The command: 0 when every case ran, 1 when one raised, 2 for an unknown topic."""
    args = _parser().parse_args(argv)
    known = topics()
    unknown = [t for t in args.topics if t not in known]
    if unknown:
        print(f"unknown benchmark topic(s) {', '.join(unknown)}; known: {', '.join(known)}", file=sys.stderr)
        return 2
    modules = {t: importlib.import_module(f"bench.{PREFIX}{t}") for t in args.topics or known}
    if args.list:
        list_topics(modules, out)
        return 0
    start = time.perf_counter()
    kind = "full pass" if args.full else "quick pass (--full adds the large cases)"
    print(f"python -m bench: {kind}; lstlab medians of {REPEATS} interleaved rounds, each row against its "
          "baseline measured in the same run", file=out, flush=True)
    results, failed = run_topics(modules, args.full, out)
    print_tables(results, out)
    print(f"\n{sum(len(r) for r, _ in results.values())} rows, "
          f"{sum(len(c) for _, c in results.values())} checks in {time.perf_counter() - start:.0f} s"
          + (f"; {failed} case(s) FAILED" if failed else ""), file=out, flush=True)
    return 1 if failed else 0
