"""Price tables: the shipped data set, validation errors that name the problem, quality report,
and seeded synthetic paths."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lstlab.errors import DataError
from lstlab.market.data import dataset_path, default_path
from lstlab.market.prices import load_prices
from lstlab.market.synthetic import Depeg, SyntheticPath


def test_default_data_is_the_long_series_through_the_depeg():
    """CoinMarketCap, 2020-12-23 .. 2026-04-05 (the partial last day dropped): 1,930 days, no gap;
    the worst daily mean 0.936576461 on 2022-06-18; the loader reports, and keeps, the 2021 days
    stETH quoted above 1.01 (a thin early market) as outliers, all before 2022."""
    table = load_prices(default_path())
    assert table.quality.rows == 1930 and table.quality.gaps == ()
    assert table.frame.index[0] == pd.Timestamp("2020-12-23", tz="UTC")
    assert table.frame.index[-1] == pd.Timestamp("2026-04-05", tz="UTC")
    assert table.frame["steth_eth"].idxmin() == pd.Timestamp("2022-06-18", tz="UTC")
    assert table.frame["steth_eth"].min() == 0.936576461
    outliers = table.quality.outliers
    assert outliers and all(t.year == 2021 and col == "steth_eth" and v > 1.01 for t, col, v in outliers)


def test_shipped_coingecko_data_covers_the_2022_depeg():
    """786 days; the worst daily median is 0.93694 on 2022-06-18 (PROVENANCE.md)."""
    table = load_prices(dataset_path("coingecko-2021-2023"))
    assert table.quality.rows == 786 and table.quality.gaps == () and table.quality.outliers == ()
    worst = table.frame["steth_eth"].idxmin()
    assert worst == pd.Timestamp("2022-06-18", tz="UTC")
    assert table.frame["steth_eth"].min() == 0.93694
    assert table.seconds[0] == 1609459200 and table.seconds[1] - table.seconds[0] == 86400


def _csv(tmp_path, text):
    path = tmp_path / "prices.csv"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("date,eth_usd\n2022-01-01,1000\n", "lacks column(s) steth_eth"),
        ("when,eth_usd,steth_eth\n2022-01-01,1,1\n", "no time column"),
        ("date,eth_usd,steth_eth\n2022-01-02,1,1\n2022-01-01,1,1\n", "not strictly increasing at row 3"),
        ("date,eth_usd,steth_eth\n2022-01-01,1,1\n2022-01-01,1,1\n", "not strictly increasing at row 3"),
        ("date,eth_usd,steth_eth\n2022-01-01,1,1\n2022-01-02,,1\n", "'eth_usd' is NaN or not a number at row 3"),
        ("date,eth_usd,steth_eth\n2022-01-01,1,nan\n", "'steth_eth' is NaN or not a number at row 2"),
        ("date,eth_usd,steth_eth\n2022-01-01,-5,1\n", "'eth_usd' is not positive at row 2"),
        ("date,eth_usd,steth_eth\n2022-01-01,1000,1700\n", "outside [0.5, 1.05]"),
        ("date,eth_usd,steth_eth\nnot-a-date,1,1\n", "not times"),
        ("date,eth_usd,steth_eth\n", "has no rows"),
    ],
)
def test_bad_tables_name_the_problem(tmp_path, text, message):
    with pytest.raises(DataError) as info:
        load_prices(_csv(tmp_path, text))
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_missing_file():
    with pytest.raises(DataError, match="does not exist"):
        load_prices("/nonexistent/prices.csv")


def test_gaps_and_outliers_are_reported_not_filled(tmp_path):
    text = "date,eth_usd,steth_eth\n2022-01-01,1000,1\n2022-01-02,1000,1.02\n2022-01-05,2000,1\n2022-01-06,2000,1\n"
    table = load_prices(_csv(tmp_path, text))
    assert len(table.frame) == 4
    assert table.quality.gaps == ((pd.Timestamp("2022-01-02", tz="UTC"), pd.Timestamp("2022-01-05", tz="UTC")),)
    assert table.quality.outliers == (
        (pd.Timestamp("2022-01-02", tz="UTC"), "steth_eth", 1.02),
        (pd.Timestamp("2022-01-05", tz="UTC"), "eth_usd", 2000.0),
    )
    assert any(line.startswith("gap:") for line in table.quality.lines())


def test_parquet_and_unix_milliseconds(tmp_path):
    frame = pd.DataFrame({"timestamp": [1_640_995_200_000, 1_641_081_600_000],
                          "eth_usd": [3700.0, 3800.0], "steth_eth": [0.99, 0.98]})
    path = tmp_path / "p.parquet"
    frame.to_parquet(path)
    table = load_prices(path)
    assert list(table.seconds) == [1_640_995_200, 1_641_081_600]


def test_synthetic_is_seeded_and_shocks_are_exact():
    """At par (``steth_model="par"``) stETH/ETH is exactly the scheduled shock."""
    path = SyntheticPath(days=60, depegs=(Depeg(start_day=10, depth=0.1, hold_days=2, recovery_days=10),),
                         steth_model="par", apr_model="constant")
    a, b, c = path.table(1), path.table(1), path.table(2)
    pd.testing.assert_frame_equal(a.frame, b.frame)
    assert not np.array_equal(a.column("eth_usd"), c.column("eth_usd"))
    ratio = a.column("steth_eth")
    assert list(ratio[9:14]) == [1.0, 0.9, 0.9, 0.9, pytest.approx(0.91)]
    assert ratio[22] == 1.0 and ratio[60] == 1.0


def test_synthetic_volatility_matches_parameter():
    """The sample volatility of log returns over 20 years of daily steps is within 3% of 0.8."""
    table = SyntheticPath(days=365 * 20, volatility=0.8).table(3)
    returns = np.diff(np.log(table.column("eth_usd")))
    assert abs(returns.std() * np.sqrt(365) - 0.8) < 0.024


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"volatility": -0.1}, "volatility"), ({"days": 0}, "at least 1"),
     ({"depegs": (Depeg(400, 0.1),)}, "after the path ends")],
)
def test_synthetic_bad_parameters(kwargs, message):
    with pytest.raises(DataError, match=message):
        SyntheticPath(**kwargs)
