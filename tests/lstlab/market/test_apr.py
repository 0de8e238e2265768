"""The staking APR process (exact CIR transitions) and with_staking_apr."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lstlab.errors import DataError
from lstlab.market.apr import YEAR_SECONDS, StakingAprProcess, with_staking_apr
from lstlab.market.prices import load_prices

DAY = 86_400


def _rng(seed=0):
    return np.random.Generator(np.random.PCG64(seed))


def test_conditional_mean_and_variance_match_the_closed_form():
    """From 6%, after one half-life the mean is halfway to 3.5% (4.75%); the variance is
    ``r0 xi^2/kappa (e - e^2) + mean xi^2/(2 kappa) (1 - e)^2`` with ``e = exp(-kappa t)``.
    4,000 independent paths: the sample mean within 4 standard errors, the sd within 5%."""
    process = StakingAprProcess()
    times = np.array([0, 30 * DAY])
    rng = _rng(3)
    ends = np.array([process.path(times, rng, start=0.06)[-1] for _ in range(4000)])
    e = np.exp(-process.kappa * 30 * DAY / YEAR_SECONDS)
    assert e == pytest.approx(0.5, rel=1e-12)
    var = 0.06 * process.xi**2 / process.kappa * (e - e * e) + 0.035 * process.xi**2 / (2 * process.kappa) * (1 - e) ** 2
    assert abs(ends.mean() - 0.0475) <= 4 * np.sqrt(var / len(ends))
    assert ends.std() == pytest.approx(np.sqrt(var), rel=0.05)


def test_stationary_start_and_never_negative():
    """Started from the stationary law, 10 years of days: never below zero; the stationary
    sd is the parameter (xi^2 mean / (2 kappa) = sd^2)."""
    process = StakingAprProcess()
    path = process.path(np.arange(3651) * DAY, _rng(1))
    assert path.min() > 0
    assert process.xi**2 * process.mean / (2 * process.kappa) == pytest.approx(process.sd**2, rel=1e-12)
    assert abs(path.mean() - 0.035) < 0.002


def test_parameters_cover_the_observed_apr():
    """Lido's share rate 1.06747 -> 1.07762 over 2022-04-10 .. 2022-07-08 (89.0 days; Lido
    ``getPooledEthByShares``, PROVENANCE of the shared data) is about a 3.9-4.0% APR: inside
    mean +- 2 stationary sd (2.7% .. 4.3%)."""
    observed = (1.07762 / 1.06747) ** (365 / 89) - 1
    assert observed == pytest.approx(0.039, abs=1e-3)
    process = StakingAprProcess()
    assert process.mean - 2 * process.sd < observed < process.mean + 2 * process.sd


def test_seeded():
    process = StakingAprProcess()
    times = np.arange(100) * DAY
    assert np.array_equal(process.path(times, _rng(5)), process.path(times, _rng(5)))
    assert not np.array_equal(process.path(times, _rng(5)), process.path(times, _rng(6)))
    assert np.array_equal(StakingAprProcess(sd=0.0).path(times, _rng(5)), np.full(100, 0.035))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"mean": 0.0}, "must be positive"), ({"half_life_days": 0}, "half_life_days"),
     ({"sd": -0.01}, "must not be negative"), ({"sd": 0.05}, "Feller")],
)
def test_bad_parameters(kwargs, message):
    with pytest.raises(DataError, match=message):
        StakingAprProcess(**kwargs)


def _table(with_apr=False):
    frame = pd.DataFrame({"date": pd.date_range("2024-01-01", periods=10, freq="1D"),
                          "eth_usd": np.linspace(2000, 2100, 10), "steth_eth": np.ones(10)})
    if with_apr:
        frame["staking_apr"] = 0.03
    return load_prices(frame)


def test_with_staking_apr_adds_a_column():
    """A constant, or the process at the table's times from PCG64(seed); the rest unchanged."""
    table = _table()
    constant = with_staking_apr(table, 0.04)
    assert np.array_equal(constant.column("staking_apr"), np.full(10, 0.04))
    varied = with_staking_apr(table, StakingAprProcess(), seed=9)
    expected = StakingAprProcess().path(table.seconds, _rng(9))
    assert np.array_equal(varied.column("staking_apr"), expected)
    pd.testing.assert_frame_equal(varied.frame[["eth_usd", "steth_eth"]], table.frame)
    assert varied.quality == table.quality and varied.source == table.source


def test_with_staking_apr_refuses():
    with pytest.raises(DataError, match="already has a staking_apr column"):
        with_staking_apr(_table(with_apr=True), 0.04)
    with pytest.raises(DataError, match="non-negative"):
        with_staking_apr(_table(), -0.01)
    with pytest.raises(DataError, match="strictly increasing"):
        StakingAprProcess().path(np.array([0, 0]), _rng())
