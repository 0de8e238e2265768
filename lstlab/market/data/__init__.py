"""The market data lstlab ships (see PROVENANCE.md beside this file): a registry of named
daily stETH/ETH and ETH/USD series."""

from importlib.resources import files

import attrs

from lstlab.errors import DataError


@attrs.frozen
class Dataset:
    """A shipped file and what it holds, in one line."""

    file: str
    description: str


DATASETS: dict[str, Dataset] = {
    "coingecko-2021-2023": Dataset(
        "steth_eth_usd_daily_2021-01_2023-02.csv",
        "CoinGecko, 2021-01-01 .. 2023-02-25, 786 days: daily median of hourly stETH/USD over WETH/USD",
    ),
    "cmc-2020-2026": Dataset(
        "steth_eth_usd_daily_cmc_2020-12_2026-04.csv",
        "CoinMarketCap via lyc0603/lido, 2020-12-23 .. 2026-04-05, 1,930 days: daily mean of stETH/ETH quotes",
    ),
}
"""Every shipped series by name."""

DEFAULT_NAME = "cmc-2020-2026"
"""The series used where none is named (backtests, the synthetic process's fit)."""

DEFAULT_DATASET = DATASETS[DEFAULT_NAME].file
"""File name of the default series (kept for callers that name the file)."""


def dataset_path(name: str) -> str:
    """Path of the shipped series ``name``; raises DataError listing the names for an unknown one."""
    if name not in DATASETS:
        raise DataError(f"unknown dataset {name!r}: choose one of {', '.join(sorted(DATASETS))}")
    return str(files(__name__) / DATASETS[name].file)


def default_path() -> str:
    """Path of the default shipped series (``DEFAULT_NAME``)."""
    return dataset_path(DEFAULT_NAME)


__all__ = ["DATASETS", "DEFAULT_DATASET", "DEFAULT_NAME", "Dataset", "dataset_path", "default_path"]
