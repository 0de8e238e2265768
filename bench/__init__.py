"""lstlab benchmarks: ``python -m bench [NAME ...]`` prints one table (see bench/harness.py)."""
