"""Seeded synthetic price paths: ETH/USD as geometric Brownian motion, stETH/ETH at par with
scheduled depeg shocks. The same seed and parameters give the same table, bit for bit."""

from __future__ import annotations

import attrs
import numpy as np
import pandas as pd

from lstlab.errors import DataError
from lstlab.market.prices import PriceTable, load_prices


@attrs.frozen
class Depeg:
    """stETH/ETH falls to ``1 - depth`` at ``start_day``, stays ``hold_days``, then recovers
    linearly to par over ``recovery_days``."""

    start_day: float
    depth: float
    hold_days: float = 7.0
    recovery_days: float = 30.0

    def __attrs_post_init__(self) -> None:
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


@attrs.frozen
class SyntheticPath:
    """Parameters of one synthetic table (annualised drift and volatility of ETH/USD)."""

    days: int = 365
    steps_per_day: int = 1
    eth_start: float = 2000.0
    drift: float = 0.0
    volatility: float = 0.8
    staking_apr: float = 0.035
    depegs: tuple[Depeg, ...] = ()
    start: str = "2024-01-01"

    def __attrs_post_init__(self) -> None:
        if self.days < 1 or self.steps_per_day < 1:
            raise DataError("days and steps_per_day must be at least 1")
        if self.volatility < 0:
            raise DataError(f"volatility {self.volatility} must not be negative")
        if self.eth_start <= 0:
            raise DataError(f"eth_start {self.eth_start} must be positive")
        for shock in self.depegs:
            if shock.start_day > self.days:
                raise DataError(f"a depeg starts on day {shock.start_day}, after the path ends (day {self.days})")

    def table(self, seed: int) -> PriceTable:
        """The price table for ``seed`` (numpy PCG64)."""
        rng = np.random.Generator(np.random.PCG64(seed))
        n = self.days * self.steps_per_day + 1
        dt = 1.0 / (365.0 * self.steps_per_day)
        shocks = rng.standard_normal(n - 1)
        log_returns = (self.drift - 0.5 * self.volatility**2) * dt + self.volatility * np.sqrt(dt) * shocks
        eth = self.eth_start * np.exp(np.concatenate(([0.0], np.cumsum(log_returns))))
        day = np.arange(n) / self.steps_per_day
        ratio = np.ones(n)
        for shock in self.depegs:
            ratio = ratio * shock.ratio(day)
        index = pd.date_range(self.start, periods=n, freq=pd.Timedelta(days=1) / self.steps_per_day, tz="UTC")
        frame = pd.DataFrame({"timestamp": index, "eth_usd": eth, "steth_eth": ratio,
                              "staking_apr": np.full(n, self.staking_apr)})
        return load_prices(frame)
