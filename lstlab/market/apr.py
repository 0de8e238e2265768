"""A staking APR that varies: a seeded square-root (Cox-Ingersoll-Ross) process, and
``with_staking_apr`` to give a price table that lacks one a ``staking_apr`` column.

``dr = kappa (mean - r) dt + xi sqrt(r) dW``, sampled with its exact transition (a scaled
noncentral chi-square), so any time step is exact and the APR is never negative; with
``2 kappa mean >= xi^2`` (Feller) it never reaches zero. The process is parameterised by what
a user can judge: the mean, the half-life of a deviation and the stationary standard deviation.
"""

from __future__ import annotations

import attrs
import numpy as np

from lstlab.errors import DataError
from lstlab.market.prices import PriceTable

YEAR_SECONDS = 365 * 86_400


@attrs.frozen
class StakingAprProcess:
    """A mean-reverting staking APR (fractions a year: 0.035 = 3.5%)."""

    mean: float = 0.035
    """LstParams.staking_apr: Lido's APR was about 3-4% in 2023-2024; the Lido share rate grew
    at about 3.9% a year over 2022-04..07 (Lido ``getPooledEthByShares``, 1.06747 -> 1.07762)."""
    half_life_days: float = 30.0
    """A deviation halves in a month: the APR Lido reports is a 7-day average whose bursts
    (execution-layer tips and MEV in busy markets) fade within weeks, while the consensus
    reward, set by the amount staked, moves over months."""
    sd: float = 0.004
    """Stationary standard deviation, 0.4 percentage points: two of them span about 2.7-4.3%,
    the range of Lido's APR over 2023-2024 around a 3.5% mean."""

    def __attrs_post_init__(self) -> None:
        if not self.mean > 0:
            raise DataError(f"APR mean {self.mean} must be positive (a fraction a year)")
        if not self.half_life_days > 0:
            raise DataError(f"half_life_days {self.half_life_days} must be positive")
        if not self.sd >= 0:
            raise DataError(f"sd {self.sd} must not be negative")
        if self.xi**2 > 2 * self.kappa * self.mean:
            raise DataError(
                f"sd {self.sd} is too wide for mean {self.mean} and half-life {self.half_life_days} days: the APR "
                "could reach zero (Feller condition); lower sd or shorten the half-life"
            )

    @property
    def kappa(self) -> float:
        """Mean-reversion speed (per year): ln 2 over the half-life."""
        return float(np.log(2.0) * 365.0 / self.half_life_days)

    @property
    def xi(self) -> float:
        """Volatility coefficient (per sqrt-year) that gives the stationary ``sd``."""
        return float(self.sd * np.sqrt(2.0 * self.kappa / self.mean))

    def path(self, seconds: np.ndarray, rng: np.random.Generator, start: float | None = None) -> np.ndarray:
        """The APR at each of the increasing times ``seconds`` (Unix seconds).

        The first value is ``start``, or a draw from the stationary Gamma law when None; then
        one exact transition per step. Draws: the start (if drawn), then one a step."""
        seconds = np.asarray(seconds, dtype=np.int64)
        if len(seconds) == 0 or (np.diff(seconds) <= 0).any():
            raise DataError("APR times must be a non-empty, strictly increasing array of seconds")
        if self.sd == 0.0:
            return np.full(len(seconds), self.mean if start is None else float(start))
        kappa, xi = self.kappa, self.xi
        shape = 2.0 * kappa * self.mean / xi**2
        if start is None:
            rate = float(rng.gamma(shape, xi**2 / (2.0 * kappa)))
        elif start < 0:
            raise DataError(f"start APR {start} must not be negative")
        else:
            rate = float(start)
        out = np.empty(len(seconds))
        out[0] = rate
        decay = np.exp(-kappa * np.diff(seconds) / YEAR_SECONDS)
        scale = xi**2 * (1.0 - decay) / (4.0 * kappa)
        df = 2.0 * shape
        for t in range(1, len(seconds)):
            rate = float(scale[t - 1] * rng.noncentral_chisquare(df, rate * decay[t - 1] / scale[t - 1]))
            out[t] = rate
        return out


def with_staking_apr(table: PriceTable, process_or_value: StakingAprProcess | float, seed: int = 0) -> PriceTable:
    """``table`` with a ``staking_apr`` column: a constant, or a path of the process at the
    table's times from Generator(PCG64(seed)). Raises DataError if the table already has one
    or the constant is negative."""
    if "staking_apr" in table.frame.columns:
        raise DataError(f"{table.source} already has a staking_apr column: drop it first to replace it")
    if isinstance(process_or_value, StakingAprProcess):
        values = process_or_value.path(table.seconds, np.random.Generator(np.random.PCG64(seed)))
    else:
        value = float(process_or_value)
        if not value >= 0:
            raise DataError(f"staking APR {process_or_value!r} must be a non-negative fraction a year")
        values = np.full(len(table.frame), value)
    frame = table.frame.copy()
    frame["staking_apr"] = values
    return PriceTable(frame, table.quality, table.source)


__all__ = ["StakingAprProcess", "with_staking_apr"]
