"""Regenerate the shipped daily series from the source files: ``python -m lstlab.market.data.derive DIR``.

DIR holds ``steth_eth_ratio_daily_2021-01_2023-02.csv`` (daily median/min/max of the hourly
CoinGecko stETH/USD over WETH/USD ratio) and ``eth_usd_daily_coingecko.csv`` (CoinGecko's daily
ETH/USD export). The output keeps each stETH/ETH day and joins the ETH/USD price snapped at
00:00 UTC of that day; a day without an ETH/USD snap stays empty (the loader reports it).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from lstlab.market.data import DEFAULT_DATASET


def derive(source_dir: Path, out_path: Path) -> int:
    """Write the joined daily table; returns its number of rows."""
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


if __name__ == "__main__":
    source = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
    n = derive(source, Path(__file__).parent / DEFAULT_DATASET)
    print(f"wrote {n} rows to {DEFAULT_DATASET}")
