"""Seeded synthetic price tables: ETH/USD as geometric Brownian motion, stETH/ETH either the
fitted bootstrap of the shipped history (lstlab.market.bootstrap) or par, times scheduled
depeg shocks, and a staking APR that varies (lstlab.market.apr) or stays constant. The same
seed and parameters give the same table, bit for bit."""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Literal

import attrs
import numpy as np
import pandas as pd

from lstlab.errors import DataError
from lstlab.market.apr import StakingAprProcess
from lstlab.market.bootstrap import BootstrapFit, calibrate
from lstlab.market.data import DATASETS, DEFAULT_NAME, dataset_path
from lstlab.market.prices import PriceTable, load_prices

STETH_MODELS = ("process", "par")
APR_MODELS = ("process", "constant")
MAX_DAYS = 36_500
"""Longest synthetic path: a century of days, past any horizon a loop is held for."""
MAX_ROWS = 1_000_000
"""Most rows a path may have (days x steps_per_day): a backtest step with the default agents
takes about 2.4 ms (365 daily steps in 0.89 s, measured), so this is about 40 minutes."""


def _finite(**values: float) -> None:
    """DataError naming the first value that is NaN or infinite."""
    for name, value in values.items():
        if not math.isfinite(value):
            raise DataError(f"{name} is {value}: give a finite number")


@attrs.frozen
class Depeg:
    """stETH/ETH falls to ``1 - depth`` at ``start_day``, stays ``hold_days``, then recovers
    linearly to par over ``recovery_days``."""

    start_day: float
    depth: float
    hold_days: float = 7.0
    recovery_days: float = 30.0

    def __attrs_post_init__(self) -> None:
        _finite(**{"depeg start_day": self.start_day, "depeg depth": self.depth,
                   "depeg hold_days": self.hold_days, "depeg recovery_days": self.recovery_days})
        if not 0 <= self.depth < 0.5:
            raise DataError(f"depeg depth {self.depth} must be in [0, 0.5) (a fraction of par)")
        if self.start_day < 0 or self.hold_days < 0 or self.recovery_days < 0:
            raise DataError("depeg start_day, hold_days and recovery_days must not be negative")

    def ratio(self, day: np.ndarray) -> np.ndarray:
        """The stETH/ETH multiplier this shock applies on each day."""
        since = day - self.start_day
        down = np.where((since >= 0) & (since <= self.hold_days), self.depth, 0.0)
        in_recovery = (since > self.hold_days) & (since < self.hold_days + self.recovery_days)
        frac = np.clip((since - self.hold_days) / max(self.recovery_days, 1e-12), 0.0, 1.0)
        down = np.where(in_recovery, self.depth * (1.0 - frac), down)
        return 1.0 - down


@lru_cache(maxsize=8)
def fitted(dataset: str = DEFAULT_NAME) -> BootstrapFit:
    """The bootstrap fitted (with its default options) to a shipped dataset, once per process."""
    return calibrate(load_prices(dataset_path(dataset)))


def _sub_steps(z: np.ndarray, steps: int, rng: np.random.Generator) -> np.ndarray:
    """Split each daily standard shock ``z`` into ``steps`` standard shocks summing to
    ``sqrt(steps) * z`` (a Brownian bridge inside the day)."""
    if steps == 1:
        return z
    noise = rng.standard_normal((len(z), steps))
    noise -= noise.mean(axis=1, keepdims=True)
    return (z[:, None] / np.sqrt(steps) + noise).ravel()


@attrs.frozen
class SyntheticPath:
    """Parameters of one synthetic table."""

    days: int = 365
    """Length of the path in days."""
    steps_per_day: int = 1
    """Rows a day (24 for hourly); stETH/ETH is interpolated linearly inside a day."""
    eth_start: float = 2000.0
    """ETH/USD on the first row (about its 2024-2026 level; any positive price works)."""
    drift: float = 0.0
    """Annualised drift of ETH/USD (log-return mean plus half the variance): none by default."""
    volatility: float = 0.8
    """Annualised ETH/USD volatility: 2021-2026 history 77% (CoinMarketCap, PROVENANCE.md)."""
    staking_apr: float = 0.035
    """The APR (``apr_model="constant"``) or the mean of the APR process: LstParams.staking_apr."""
    depegs: tuple[Depeg, ...] = ()
    """Scheduled shocks, multiplied into stETH/ETH on top of ``steth_model``."""
    start: str = "2024-01-01"
    """Date of the first row (UTC)."""
    steth_model: Literal["process", "par"] = "process"
    """``process``: the bootstrap of the shipped history (lstlab.market.bootstrap), with ETH/USD
    driven by the same historical day's standardised return; ``par``: 1 before shocks, ETH/USD
    from independent normal draws."""
    steth_dataset: str | None = None
    """Shipped dataset the process is fitted to (lstlab.market.data.DATASETS); None: the default."""
    steth_start: float | None = 1.0
    """First stETH/ETH of the process (ETH per stETH): par, as a loop is usually opened and as
    ``par`` starts; None draws a historical day at random, so paths sample the history's
    levels (a path may then start in a drawdown)."""
    apr_model: Literal["process", "constant"] = "process"
    """``process``: StakingAprProcess(mean=staking_apr) (lstlab.market.apr); ``constant``."""

    def __attrs_post_init__(self) -> None:
        if self.days < 1 or self.steps_per_day < 1:
            raise DataError("days and steps_per_day must be at least 1")
        if self.days > MAX_DAYS:
            raise DataError(f"days = {self.days} is more than the {MAX_DAYS} days (a century) a path may last")
        if self.days * self.steps_per_day > MAX_ROWS:
            raise DataError(f"days x steps_per_day = {self.days * self.steps_per_day} rows is more than the "
                            f"{MAX_ROWS} a path may have (about 40 minutes of backtest): fewer days or steps")
        _finite(eth_start=self.eth_start, drift=self.drift, volatility=self.volatility, staking_apr=self.staking_apr)
        if self.steth_start is not None:
            _finite(steth_start=self.steth_start)
        if self.volatility < 0:
            raise DataError(f"volatility {self.volatility} must not be negative")
        if self.eth_start <= 0:
            raise DataError(f"eth_start {self.eth_start} must be positive")
        if self.steth_model not in STETH_MODELS:
            raise DataError(f"steth_model {self.steth_model!r} must be one of {', '.join(STETH_MODELS)}")
        if self.apr_model not in APR_MODELS:
            raise DataError(f"apr_model {self.apr_model!r} must be one of {', '.join(APR_MODELS)}")
        if self.steth_dataset is not None and self.steth_dataset not in DATASETS:
            raise DataError(f"steth_dataset {self.steth_dataset!r}: choose one of {', '.join(sorted(DATASETS))}")
        if self.steth_start is not None and not 0.5 <= self.steth_start <= 1.05:
            raise DataError(f"steth_start {self.steth_start} must be ETH per stETH in [0.5, 1.05]")
        if self.staking_apr >= 1:
            raise DataError(f"staking_apr {self.staking_apr} is out of range: APR is a fraction, 0.05 for 5%")
        if self.apr_model == "process":
            StakingAprProcess(mean=self.staking_apr)
        elif self.staking_apr < 0:
            raise DataError(f"staking_apr {self.staking_apr} must not be negative")
        for shock in self.depegs:
            if shock.start_day > self.days:
                raise DataError(f"a depeg starts on day {shock.start_day}, after the path ends (day {self.days})")

    def _steth_and_shocks(self, rng: np.random.Generator, seed: int, n: int) -> tuple[np.ndarray, np.ndarray]:
        """stETH/ETH before shocks and the ETH/USD standard shocks, ``n`` rows."""
        if self.steth_model == "par":
            return np.ones(n), rng.standard_normal(n - 1)
        fit = fitted(self.steth_dataset or DEFAULT_NAME)
        daily, z = fit.simulate(self.days, rng, self.steth_start)
        m = self.steps_per_day
        log_daily = np.log(daily)
        inside = np.arange(m) / m
        log_ratio = np.append((log_daily[:-1, None] + np.diff(log_daily)[:, None] * inside).ravel(), log_daily[-1])
        bridge = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(2,))))
        return np.exp(log_ratio), _sub_steps(z, m, bridge)

    def table(self, seed: int) -> PriceTable:
        """The price table for ``seed``: numpy PCG64(seed) drives ETH/USD (and the stETH/ETH
        process); the APR process has its own stream from the same seed."""
        rng = np.random.Generator(np.random.PCG64(seed))
        n = self.days * self.steps_per_day + 1
        dt = 1.0 / (365.0 * self.steps_per_day)
        ratio, shocks = self._steth_and_shocks(rng, seed, n)
        log_returns = (self.drift - 0.5 * self.volatility**2) * dt + self.volatility * np.sqrt(dt) * shocks
        eth = self.eth_start * np.exp(np.concatenate(([0.0], np.cumsum(log_returns))))
        day = np.arange(n) / self.steps_per_day
        for shock in self.depegs:
            ratio = ratio * shock.ratio(day)
        index = pd.date_range(self.start, periods=n, freq=pd.Timedelta(days=1) / self.steps_per_day, tz="UTC")
        if self.apr_model == "process":
            apr_rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(1,))))
            apr = StakingAprProcess(mean=self.staking_apr).path(index.asi8 // 10**9, apr_rng)
        else:
            apr = np.full(n, self.staking_apr)
        frame = pd.DataFrame({"timestamp": index, "eth_usd": eth, "steth_eth": ratio, "staking_apr": apr})
        return load_prices(frame)


__all__ = ["APR_MODELS", "MAX_DAYS", "MAX_ROWS", "STETH_MODELS", "Depeg", "SyntheticPath", "fitted"]
