"""The stETH/ETH bootstrap: exact replay in the limit cases, the fit to the shipped history
(daily-change quantiles, drawdown frequency, ETH correlation), determinism, bad input."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
import pytest

from lstlab.errors import DataError
from lstlab.market.bootstrap import calibrate, simulate_paths
from lstlab.market.compare import compare
from lstlab.market.data import dataset_path
from lstlab.market.drawdowns import DrawdownStats, episodes
from lstlab.market.prices import load_prices


def _table(ratio, eth, freq="1D", start="2022-01-01"):
    index = pd.date_range(start, periods=len(ratio), freq=freq, tz="UTC")
    return load_prices(pd.DataFrame({"timestamp": index, "eth_usd": eth, "steth_eth": ratio}))


def _toy(n=120):
    """A history whose level rises every day (so neighbours are unambiguous) with ETH moving."""
    ratio = np.linspace(0.95, 1.0, n)
    eth = 1000.0 * np.exp(np.cumsum(np.r_[0.0, np.sin(np.arange(1, n))]) * 0.01)
    return _table(ratio, eth)


@lru_cache(maxsize=2)
def _fit_and_paths(name):
    fit = calibrate(load_prices(dataset_path(name)))
    ratios, eth_z = simulate_paths(fit, 100, fit.days, seed=7)
    return fit, ratios, eth_z


class TestExactCases:
    def test_without_jumps_a_path_replays_the_history(self):
        """k = 1 and blocks that never end, started on the first day: the path is the history,
        and its ETH shocks are the history's returns standardised."""
        table = _toy()
        fit = calibrate(table, k=1, block_days=1e18)
        ratios, z = fit.simulate(fit.days, np.random.Generator(np.random.PCG64(0)), start=table.column("steth_eth")[0])
        assert np.allclose(ratios, table.column("steth_eth"), rtol=1e-14, atol=0)
        returns = np.diff(np.log(table.column("eth_usd")))
        assert np.array_equal(z, (returns - returns.mean()) / returns.std())

    def test_a_block_that_reaches_the_end_of_the_history_jumps(self):
        """Past the last historical day the path jumps to the nearest level (the last day,
        whose change it repeats) and then stays at the clipped maximum."""
        table = _toy(80)
        fit = calibrate(table, k=1, block_days=1e18)
        ratios, _ = fit.simulate(fit.days + 5, np.random.Generator(np.random.PCG64(0)), start=0.95)
        assert np.allclose(ratios[-6:], 1.0, rtol=1e-14, atol=0)

    def test_a_gap_gives_no_change(self):
        """Rows two days apart contribute no daily change and end a block."""
        table = _toy(100)
        frame = table.frame.drop(table.frame.index[50])
        fit = calibrate(load_prices(frame.reset_index(names="timestamp")))
        assert fit.days == 97
        assert fit.continues.sum() == 95

    def test_drawdown_episodes_by_definition(self):
        """Runs below 1 - 10 bps; depth is 1 - the run's minimum; duration in rows."""
        starts, durations, depths = episodes(np.array([1.0, 0.998, 0.97, 0.9995, 0.99, 1.0, 0.985]))
        assert list(starts) == [1, 4, 6] and list(durations) == [2, 1, 1]
        assert np.allclose(depths, [0.03, 0.01, 0.015], rtol=1e-12)
        stats = DrawdownStats.of(np.array([1.0, 0.998, 0.97, 0.9995, 0.99, 1.0, 0.985]))
        assert stats.episodes == 3 and stats.max_days == 2


@pytest.mark.parametrize("name", ["cmc-2020-2026", "coingecko-2021-2023"])
class TestFitToTheShippedHistory:
    """100 simulated paths as long as the history (seed 7) against the history itself."""

    def test_daily_change_quantiles(self, name):
        """The 1/5/50/95/99% quantiles of the daily change each lie within 0.3 historical
        standard deviations (13 bps for CMC, 17 for CoinGecko) of the history's: the bootstrap
        draws the historical changes, reweighted only by where the paths' levels wander."""
        fit, ratios, eth_z = _fit_and_paths(name)
        history, simulated = compare(fit, ratios, eth_z).quantiles()
        assert np.all(np.abs(simulated - history) <= 0.3 * fit.change_sd * 1e4)

    def test_drawdown_frequency(self, name):
        """Episodes deeper than 1% a year within 15% of the history's; deeper than 3% within
        35% (the history has only 3 such episodes in CMC, so its own figure is uncertain by
        more than half)."""
        fit, ratios, _ = _fit_and_paths(name)
        history, simulated = fit.drawdowns, DrawdownStats.of(ratios)
        assert abs(simulated.per_year_1pct / history.per_year_1pct - 1) <= 0.15
        assert abs(simulated.per_year_3pct / history.per_year_3pct - 1) <= 0.35

    def test_eth_correlation(self, name):
        """The daily stETH/ETH change and the ETH shock of the same day correlate as in the
        history, within 0.03."""
        fit, ratios, eth_z = _fit_and_paths(name)
        assert abs(compare(fit, ratios, eth_z).simulated_correlation - fit.eth_correlation) <= 0.03

    def test_levels_stay_in_the_historical_range(self, name):
        fit, ratios, _ = _fit_and_paths(name)
        assert ratios.min() >= fit.history.min() * (1 - 1e-15)
        assert ratios.max() <= fit.history.max() * (1 + 1e-15)


def test_default_options_follow_the_stated_rules():
    """k = round(sqrt(n)), L = round(n^(1/3)): 44 and 12 days for the 1,929 CMC changes."""
    fit = calibrate(load_prices(dataset_path("cmc-2020-2026")))
    assert (fit.days, fit.k, fit.block_days) == (1929, 44, 12.0)
    names = [what for what, _ in fit.summary()]
    assert "mean block length L" in names and "deepest drawdown" in names


def test_same_seed_same_path_and_seeds_differ():
    fit = calibrate(_toy())
    a = simulate_paths(fit, 3, 200, seed=1)
    b = simulate_paths(fit, 3, 200, seed=1)
    c = simulate_paths(fit, 3, 200, seed=2)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize(
    ("make", "options", "message"),
    [
        (lambda: _table(np.ones(200), np.linspace(1, 2, 200), freq="1h"), {}, "needs a daily table"),
        (lambda: _table(np.ones(30), np.linspace(1, 2, 30)), {}, "calibrate needs at least 60"),
        (lambda: _table(np.ones(100), np.full(100, 5.0)), {}, "ETH/USD never moves"),
        (_toy, {"k": 0}, "k 0 must be an int"),
        (_toy, {"block_days": 0.5}, "block_days 0.5 must be at least 1"),
        (_toy, {"threshold": 0.0}, "threshold 0.0 must be in"),
    ],
)
def test_bad_input_raises_data_error(make, options, message):
    with pytest.raises(DataError, match=message):
        calibrate(make(), **options)


def test_bad_simulation_arguments():
    fit = calibrate(_toy())
    rng = np.random.Generator(np.random.PCG64(0))
    with pytest.raises(DataError, match="at least 1 day"):
        fit.simulate(0, rng)
    with pytest.raises(DataError, match=r"start 1.2 must be ETH per stETH"):
        fit.simulate(10, rng, start=1.2)
    with pytest.raises(DataError, match="paths must be at least 1"):
        simulate_paths(fit, 0, 10, seed=0)
