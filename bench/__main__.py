"""``python -m bench`` (the quick pass), ``python -m bench amm lending`` (some topics),
``--full`` (the large cases too), ``--list`` (topics and cases); see bench/runner.py."""

from __future__ import annotations

import sys

from bench.runner import main

if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
