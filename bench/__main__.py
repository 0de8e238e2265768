"""Run the benchmarks: ``python -m bench`` (all) or ``python -m bench chain amm`` (some topics)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

from bench.harness import format_table


def main(argv: list[str]) -> int:
    here = Path(__file__).parent
    topics = sorted(m.name[len("bench_"):] for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    wanted = argv or topics
    unknown = [t for t in wanted if t not in topics]
    if unknown:
        print(f"unknown benchmark topic(s) {', '.join(unknown)}; known: {', '.join(topics)}", file=sys.stderr)
        return 2
    for topic in wanted:
        module = importlib.import_module(f"bench.bench_{topic}")
        rows = []
        for case in module.CASES:
            rows.extend(case())
        print(f"\n## {topic}\n")
        print(format_table(rows), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
