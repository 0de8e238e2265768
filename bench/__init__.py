"""lstlab benchmarks: ``python -m bench [--full] [--list] [TOPIC ...]`` prints each row as it is
measured, then the tables (conventions in bench/harness.py, the command in bench/runner.py)."""
