"""The market data lstlab ships (see PROVENANCE.md beside this file)."""

from importlib.resources import files

DEFAULT_DATASET = "steth_eth_usd_daily_2021-01_2023-02.csv"


def default_path() -> str:
    """Path of the shipped daily stETH/ETH and ETH/USD series (2021-01-01 .. 2023-02-25)."""
    return str(files(__name__) / DEFAULT_DATASET)
