"""The shipped datasets: the registry, the CoinMarketCap series and its derivation."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from lstlab.errors import DataError
from lstlab.market.data import DATASETS, DEFAULT_DATASET, DEFAULT_NAME, dataset_path, default_path
from lstlab.market.data.derive import derive_cmc
from lstlab.market.prices import load_prices

SOURCE_HEADER = ("date,eth_price_close,steth_price_close,eth_volume,steth_volume,eth_mcap_close,steth_mcap_close,"
                 "discount_mean,discount_close,discount_min,discount_max,steth_vol_7d,eth_vol_7d,n_obs,is_discount,"
                 "is_premium\n")
SOURCE_ROWS = (
    # lyc0603/lido @ 53aebb45 processed_data/steth_eth_daily.csv: the worst day and the last two days (volatility columns shortened)
    "2022-06-18,987.9621733422208,920.8795187762267,21040070647.91,5803290.67,119763144467.5296,3211777282.262372,"
    "-0.06342353914570266,-0.06790002327625277,-0.07279277348780844,-0.05705944187742196,1.973,1.803,24,1,0\n"
    "2026-04-05,2084.7355742454984,2079.3494396161595,8758544786.65,3138005.69,251609317316.6354,19368703054.73979,"
    "-0.0003391698772125205,-0.0025836056600551105,-0.0025836056600551105,0.0018198850221919916,0.489,0.504,24,1,0\n"
    "2026-04-06,2108.784757761634,2108.9770420375744,9926890008.93,4049165.94,254511843047.606,19644677945.05462,"
    "9.118250463102662e-05,9.118250463102662e-05,9.118250463102662e-05,9.118250463102662e-05,0.496,0.509,1,0,1\n"
)


def test_registry_names_every_shipped_file():
    """Each name maps to a file that loads; an unknown name lists the known ones."""
    assert set(DATASETS) == {"coingecko-2021-2023", "cmc-2020-2026"}
    for name, dataset in DATASETS.items():
        assert dataset_path(name).endswith(dataset.file) and dataset.description
        assert len(load_prices(dataset_path(name)).frame) > 700
    with pytest.raises(DataError, match="unknown dataset 'nope': choose one of cmc-2020-2026, coingecko-2021-2023"):
        dataset_path("nope")


def test_default_is_one_name():
    """default_path and DEFAULT_DATASET follow DEFAULT_NAME."""
    assert default_path() == dataset_path(DEFAULT_NAME)
    assert DEFAULT_DATASET == DATASETS[DEFAULT_NAME].file


def test_cmc_series_as_shipped():
    """1,930 days 2020-12-23 .. 2026-04-05 (the partial 2026-04-06 dropped), no gaps, the worst
    daily mean 1 - 6.34% on 2022-06-18 (PROVENANCE.md), 13 premia above 1.01, all in 2021."""
    table = load_prices(dataset_path("cmc-2020-2026"))
    q = table.quality
    assert (q.rows, q.gaps) == (1930, ())
    assert (q.start, q.end) == (pd.Timestamp("2020-12-23", tz="UTC"), pd.Timestamp("2026-04-05", tz="UTC"))
    assert table.frame["steth_eth"].idxmin() == pd.Timestamp("2022-06-18", tz="UTC")
    assert table.frame["steth_eth"].min() == 0.936576461
    assert len(q.outliers) == 13
    assert all(col == "steth_eth" and value > 1.01 and t.year == 2021 for t, col, value in q.outliers)


def test_derive_cmc_maps_columns_and_drops_partial_days(tmp_path):
    """steth_eth = 1 + discount_mean, min/max from discount_min/max, eth_usd = eth_price_close,
    n_obs kept; a day with one quote is dropped."""
    source = tmp_path / "source.csv"
    source.write_text(SOURCE_HEADER + SOURCE_ROWS)
    out = tmp_path / "out.csv"
    assert derive_cmc(source, out) == (2, ["2026-04-06"])
    assert out.read_text().splitlines() == [
        "date,eth_usd,steth_eth,steth_eth_min,steth_eth_max,n_obs",
        "2022-06-18,987.9621733422208,0.936576461,0.927207227,0.942940558,24",
        "2026-04-05,2084.7355742454984,0.999660830,0.997416394,1.001819885,24",
    ]


def test_shipped_cmc_file_holds_the_derivation_of_the_cited_rows(tmp_path):
    """The shipped rows for 2022-06-18 and 2026-04-05 are the derivation of the source rows above."""
    source = tmp_path / "source.csv"
    source.write_text(SOURCE_HEADER + SOURCE_ROWS)
    derive_cmc(source, tmp_path / "out.csv")
    derived = (tmp_path / "out.csv").read_text().splitlines()[1:]
    shipped = Path(dataset_path("cmc-2020-2026")).read_text().splitlines()
    assert all(line in shipped for line in derived)
    assert shipped[-1] == derived[-1]
