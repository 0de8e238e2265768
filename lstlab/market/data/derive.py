"""Regenerate the shipped daily series from their source files:
``python -m lstlab.market.data.derive DIR``.

DIR holds ``steth_eth_ratio_daily_2021-01_2023-02.csv`` (daily median/min/max of the hourly
CoinGecko stETH/USD over WETH/USD ratio), ``eth_usd_daily_coingecko.csv`` (CoinGecko's daily
ETH/USD export) and ``more/steth_eth_daily_cmc_2020-12_2026-04.csv`` (lyc0603/lido's
CoinMarketCap daily table). Each source that is present is rewritten; see PROVENANCE.md.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from lstlab.market.data import DATASETS

CMC_SOURCE = "more/steth_eth_daily_cmc_2020-12_2026-04.csv"
CMC_MIN_QUOTES = 2
"""A CMC day with fewer quotes than this is dropped: the last source day (2026-04-06) has one
quote, taken a few minutes after midnight, so it is a partial day, not a daily mean."""


def derive(source_dir: Path, out_path: Path) -> int:
    """Write the CoinGecko joined daily table; returns its number of rows.

    Each stETH/ETH day is kept, with the ETH/USD price snapped at 00:00 UTC of that day; a day
    without an ETH/USD snap stays empty (the loader reports it)."""
    eth_usd: dict[str, str] = {}
    with open(source_dir / "eth_usd_daily_coingecko.csv", newline="") as f:
        for row in csv.DictReader(f):
            eth_usd[row["snapped_at"][:10]] = row["price"]
    rows = 0
    with open(source_dir / "steth_eth_ratio_daily_2021-01_2023-02.csv", newline="") as f, \
            open(out_path, "w", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["date", "eth_usd", "steth_eth", "steth_eth_min", "steth_eth_max", "n_hours"])
        for row in csv.DictReader(f):
            day = row["date_utc"]
            writer.writerow([day, eth_usd.get(day, ""), row["steth_eth_median"], row["steth_eth_min"],
                             row["steth_eth_max"], row["n_hours"]])
            rows += 1
    return rows


def _ratio(discount: str) -> str:
    """``1 + discount`` printed to 9 decimals (the source's discounts carry float noise past that)."""
    return f"{1.0 + float(discount):.9f}"


def derive_cmc(source: Path, out_path: Path) -> tuple[int, list[str]]:
    """Write the CoinMarketCap daily table in the shipped schema; returns (rows, dropped days).

    ``steth_eth = 1 + discount_mean``, ``steth_eth_min/max = 1 + discount_min/max``,
    ``eth_usd = eth_price_close``; ``n_obs`` (quotes that day) is kept; days with fewer than
    ``CMC_MIN_QUOTES`` quotes are dropped."""
    rows, dropped = 0, []
    with open(source, newline="") as f, open(out_path, "w", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["date", "eth_usd", "steth_eth", "steth_eth_min", "steth_eth_max", "n_obs"])
        for row in csv.DictReader(f):
            if int(row["n_obs"]) < CMC_MIN_QUOTES:
                dropped.append(row["date"])
                continue
            writer.writerow([row["date"], row["eth_price_close"], _ratio(row["discount_mean"]),
                             _ratio(row["discount_min"]), _ratio(row["discount_max"]), row["n_obs"]])
            rows += 1
    return rows, dropped


def main(source_dir: Path) -> None:
    here = Path(__file__).parent
    if (source_dir / "eth_usd_daily_coingecko.csv").is_file():
        target = DATASETS["coingecko-2021-2023"].file
        print(f"wrote {derive(source_dir, here / target)} rows to {target}")
    if (source_dir / CMC_SOURCE).is_file():
        target = DATASETS["cmc-2020-2026"].file
        n, dropped = derive_cmc(source_dir / CMC_SOURCE, here / target)
        print(f"wrote {n} rows to {target}; dropped partial day(s) {', '.join(dropped) or 'none'}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data"))
