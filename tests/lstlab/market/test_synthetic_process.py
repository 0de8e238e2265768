"""SyntheticPath with a varying stETH/ETH and APR: the old behaviour exactly under "par" and
"constant", the process otherwise (seeded, correlated with ETH, shocks multiplied in)."""

from __future__ import annotations

import numpy as np
import pytest

from lstlab.errors import DataError
from lstlab.market.synthetic import Depeg, SyntheticPath, fitted


def test_par_and_constant_are_gbm_at_par():
    """ETH/USD is ``eth_start * exp(cumsum((mu - s^2/2) dt + s sqrt(dt) z))`` with z the
    first standard normals of PCG64(seed); stETH/ETH is 1 and the APR constant."""
    path = SyntheticPath(days=30, drift=0.1, volatility=0.6, steth_model="par", apr_model="constant")
    table = path.table(4)
    z = np.random.Generator(np.random.PCG64(4)).standard_normal(30)
    dt = 1 / 365
    expected = 2000.0 * np.exp(np.concatenate(([0.0], np.cumsum((0.1 - 0.18) * dt + 0.6 * np.sqrt(dt) * z))))
    assert np.array_equal(table.column("eth_usd"), expected)
    assert np.array_equal(table.column("steth_eth"), np.ones(31))
    assert np.array_equal(table.column("staking_apr"), np.full(31, 0.035))


def test_process_is_seeded_and_varies():
    """Same seed, same table; another seed, another stETH/ETH path (so an ETH-denominated loop
    sees different paths); the APR varies and stays positive."""
    path = SyntheticPath(days=200)
    a, b, c = path.table(1), path.table(1), path.table(2)
    assert a.frame.equals(b.frame)
    assert not np.array_equal(a.column("steth_eth"), c.column("steth_eth"))
    assert np.ptp(a.column("steth_eth")) > 0
    apr = a.column("staking_apr")
    assert apr.min() > 0 and np.ptp(apr) > 0


def test_shocks_multiply_the_process():
    """A scheduled depeg multiplies the same seed's process by the shock's ratio, exactly."""
    shock = Depeg(start_day=50, depth=0.05, hold_days=3, recovery_days=10)
    plain = SyntheticPath(days=100).table(3)
    shocked = SyntheticPath(days=100, depegs=(shock,)).table(3)
    assert np.array_equal(shocked.column("steth_eth"), plain.column("steth_eth") * shock.ratio(np.arange(101.0)))
    assert np.array_equal(shocked.column("eth_usd"), plain.column("eth_usd"))


def test_eth_correlation_and_volatility_follow_the_fit():
    """Ten years on the CMC fit (correlation -0.146): the path's daily stETH/ETH change and ETH
    log return correlate within 0.05 of it; ETH's volatility is the parameter within 5%."""
    path = SyntheticPath(days=3650, volatility=0.7, steth_dataset="cmc-2020-2026")
    table = path.table(11)
    change = np.diff(np.log(table.column("steth_eth")))
    eth = np.diff(np.log(table.column("eth_usd")))
    assert abs(np.corrcoef(change, eth)[0, 1] - fitted("cmc-2020-2026").eth_correlation) <= 0.05
    assert abs(eth.std() * np.sqrt(365) / 0.7 - 1) <= 0.05


def test_hourly_rows_interpolate_the_daily_process():
    """24 rows a day: at each midnight stETH/ETH and ETH/USD are those of the daily path with
    the same seed (the day's ETH shock is split by a bridge that sums to it)."""
    daily = SyntheticPath(days=20, steth_start=0.99).table(5)
    hourly = SyntheticPath(days=20, steps_per_day=24, steth_start=0.99).table(5)
    assert np.allclose(hourly.column("steth_eth")[::24], daily.column("steth_eth"), rtol=1e-14, atol=0)
    assert np.allclose(hourly.column("eth_usd")[::24], daily.column("eth_usd"), rtol=1e-12, atol=0)
    assert daily.column("steth_eth")[0] == pytest.approx(0.99, rel=1e-15)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"steth_model": "gbm"}, "steth_model 'gbm' must be one of process, par"),
     ({"apr_model": "random"}, "apr_model 'random' must be one of process, constant"),
     ({"steth_dataset": "nope"}, "steth_dataset 'nope': choose one of"),
     ({"steth_start": 2.0}, r"steth_start 2.0 must be ETH per stETH"),
     ({"staking_apr": -0.01}, "must be positive"),
     ({"staking_apr": -0.01, "apr_model": "constant"}, "must not be negative")],
)
def test_bad_parameters_raise_data_error(kwargs, message):
    with pytest.raises(DataError, match=message):
        SyntheticPath(**kwargs)
