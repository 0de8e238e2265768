"""A seeded stochastic stETH/ETH process: a level-conditioned Markov block bootstrap of the
shipped daily history (k-nearest-neighbour resampling, Lall & Sharma 1996, with blocks).

The state is the simulated discount level ``d = log(steth_eth)`` and the historical day ``j``
whose change was used last. Each day the path either continues the historical block (uses
day ``j + 1``, probability ``1 - 1/L``) or jumps: it ranks the historical days by
``|d_hist - d|``, takes the ``k`` nearest and picks the one of rank ``r`` with probability
proportional to ``1/r``. It then adds that day's change ``d_hist[j+1] - d_hist[j]`` to ``d``
and hands on that day's standardised ETH/USD log return, so the two stay jointly drawn: their
correlation, the mean reversion of the discount (jumps are conditioned on the level) and the
stress episodes (June 2022 is resampled as the run of days it was) carry over. Levels are
kept inside the historical range (clipped to its lowest and highest ratio).

Why this and not a parametric model: the discount's daily changes are heavy-tailed and
regime-dependent (years at par, weeks of a one-sided run); a bootstrap reproduces their
distribution by construction and needs no distributional choice; its limit is that it never
goes deeper than the history did.

Determinism: a path depends only on the fit and a numpy Generator (PCG64); the same seed and
fit give the same path bit for bit.
"""

from __future__ import annotations

from pathlib import Path

import attrs
import numpy as np

from lstlab.errors import DataError
from lstlab.market.drawdowns import THRESHOLD, DrawdownStats
from lstlab.market.prices import PriceTable

DAY_SECONDS = 86_400
MIN_CHANGES = 60
"""Fewer daily changes than this (two months) cannot show a discount's dynamics."""


@attrs.frozen(eq=False)
class BootstrapFit:
    """The fitted history and its figures.

    ``levels[i]`` and ``changes[i]`` are the log stETH/ETH level of historical day ``i`` and
    its change to the next day; ``eth_z[i]`` is that day's ETH/USD log return standardised
    (minus the mean, over the standard deviation); ``continues[i]`` says day ``i + 1`` follows
    day ``i`` without a gap (a block may run on)."""

    source: str
    first_day: str
    last_day: str
    k: int
    block_days: float
    levels: np.ndarray = attrs.field(repr=False)
    changes: np.ndarray = attrs.field(repr=False)
    eth_z: np.ndarray = attrs.field(repr=False)
    continues: np.ndarray = attrs.field(repr=False)
    history: np.ndarray = attrs.field(repr=False)
    """The historical stETH/ETH series (every row, for drawdown statistics)."""
    eth_daily_mean: float
    eth_daily_sd: float
    threshold: float = THRESHOLD
    _order: np.ndarray = attrs.field(init=False, repr=False)
    _sorted: np.ndarray = attrs.field(init=False, repr=False)
    _cumulative: np.ndarray = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        order = np.argsort(self.levels, kind="stable")
        weights = 1.0 / np.arange(1, self.k + 1)
        object.__setattr__(self, "_order", order)
        object.__setattr__(self, "_sorted", self.levels[order])
        object.__setattr__(self, "_cumulative", np.cumsum(weights) / weights.sum())

    # --- figures -------------------------------------------------------------------------

    @property
    def days(self) -> int:
        """Historical daily changes the process resamples."""
        return len(self.changes)

    @property
    def change_mean(self) -> float:
        """Mean daily change of log stETH/ETH (log units a day)."""
        return float(self.changes.mean())

    @property
    def change_sd(self) -> float:
        """Standard deviation of the daily change of log stETH/ETH (log units a day)."""
        return float(self.changes.std())

    @property
    def eth_correlation(self) -> float:
        """Correlation of the daily stETH/ETH log change with the same day's ETH/USD log return."""
        return float(np.corrcoef(self.changes, self.eth_z)[0, 1])

    @property
    def eth_volatility(self) -> float:
        """Annualised volatility of ETH/USD over the history (sd of daily log returns x sqrt 365)."""
        return self.eth_daily_sd * float(np.sqrt(365.0))

    @property
    def drawdowns(self) -> DrawdownStats:
        """Drawdown episodes of the history (see lstlab.market.drawdowns)."""
        return DrawdownStats.of(self.history, self.threshold)

    def summary(self) -> list[tuple[str, str]]:
        """The fitted figures as (what, value with unit) pairs, for printing."""
        q = np.quantile(self.changes, [0.01, 0.99]) * 1e4
        dd = self.drawdowns
        return [
            ("history", f"{Path(self.source).name}, {self.first_day} .. {self.last_day}"),
            ("daily changes resampled", f"{self.days} days"),
            ("nearest neighbours k (jump candidates)", f"{self.k} historical days"),
            ("mean block length L", f"{self.block_days:g} days"),
            ("daily change of stETH/ETH: mean", f"{self.change_mean * 1e4:+.3f} bps/day"),
            ("daily change of stETH/ETH: standard deviation", f"{self.change_sd * 1e4:.2f} bps/day"),
            ("daily change of stETH/ETH: 1% .. 99% quantiles", f"{q[0]:+.1f} .. {q[1]:+.1f} bps/day"),
            ("correlation of the stETH/ETH change with the ETH/USD return", f"{self.eth_correlation:+.3f}"),
            ("ETH/USD volatility of the history (annualised)", f"{self.eth_volatility:.1%}"),
            (f"drawdowns (stETH/ETH below {1 - self.threshold:g})", f"{dd.episodes} episodes in {dd.years:.2f} years"),
            ("drawdowns deeper than 1% / 3% of par", f"{dd.per_year_1pct:.2f} / {dd.per_year_3pct:.2f} per year"),
            ("deepest drawdown", f"{dd.max_depth:.2%} below par"),
            ("drawdown duration: mean / longest", f"{dd.mean_days:.1f} / {dd.max_days} days"),
        ]

    # --- simulation ----------------------------------------------------------------------

    def _neighbour(self, level: float, u: float) -> int:
        """The historical day a jump from ``level`` lands on, for a uniform draw ``u``."""
        n = len(self._sorted)
        at = int(np.searchsorted(self._sorted, level))
        lo, hi = max(0, at - self.k), min(n, at + self.k)
        distance = np.abs(self._sorted[lo:hi] - level)
        nearest = np.argsort(distance, kind="stable")[: self.k]  # the window holds the k nearest
        rank = min(int(np.searchsorted(self._cumulative, u, side="right")), self.k - 1)
        return int(self._order[lo + nearest[rank]])

    def simulate(self, days: int, rng: np.random.Generator, start: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """``(steth_eth, eth_z)``: ``days + 1`` daily ratios and the ``days`` standardised ETH
        returns that go with each day's change.

        ``start`` (ETH per stETH) is the first ratio; None starts on a historical day drawn
        uniformly (so paths sample the history's level distribution). Draws, in order:
        ``days`` uniforms for continue-or-jump, ``days`` for the neighbour, then the start day."""
        if days < 1:
            raise DataError(f"a path needs at least 1 day, got {days}")
        u_jump = rng.random(days)
        u_pick = rng.random(days)
        lo, hi = float(np.log(self.history.min())), float(np.log(self.history.max()))
        if start is None:
            j = int(rng.integers(len(self.levels)))
            level, fresh = float(self.levels[j]), True
        else:
            if not 0.5 <= start <= 1.05:
                raise DataError(f"start {start} must be ETH per stETH in [0.5, 1.05]")
            j, level, fresh = -1, min(max(float(np.log(start)), lo), hi), False
        p_jump = 1.0 / self.block_days
        levels = np.empty(days + 1)
        z = np.empty(days)
        levels[0] = level
        changes, eth_z, continues = self.changes, self.eth_z, self.continues
        for t in range(days):
            if fresh:
                fresh = False
            elif j < 0 or not continues[j] or u_jump[t] < p_jump:
                j = self._neighbour(level, u_pick[t])
            else:
                j += 1
            level = min(max(level + changes[j], lo), hi)
            levels[t + 1] = level
            z[t] = eth_z[j]
        return np.exp(levels), z


def simulate_paths(fit: BootstrapFit, paths: int, days: int, seed: int,
                   start: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``paths`` paths of ``days`` days from one Generator(PCG64(seed)), one after another:
    ratios (paths x days+1) and standardised ETH returns (paths x days)."""
    if paths < 1:
        raise DataError(f"paths must be at least 1, got {paths}")
    rng = np.random.Generator(np.random.PCG64(seed))
    ratios, zs = zip(*(fit.simulate(days, rng, start) for _ in range(paths)))
    return np.vstack(ratios), np.vstack(zs)


def calibrate(table: PriceTable, *, k: int | None = None, block_days: float | None = None,
              threshold: float = THRESHOLD) -> BootstrapFit:
    """Fit the bootstrap of the module docstring to a daily price table.

    ``k`` defaults to ``round(sqrt(n))`` for ``n`` daily changes, the choice Lall & Sharma
    (1996) recommend; ``block_days`` (L) defaults to ``round(n ** (1/3))``, a rule of thumb
    from the ``n^(1/3)`` rate of the optimal block length (Hall, Horowitz & Jing 1995): 12 days
    for the 1,929 CoinMarketCap changes, 9 for the 785 CoinGecko ones. ``threshold`` defines a
    drawdown (lstlab.market.drawdowns). Pairs of rows further apart than a day (gaps) give no
    change. Raises DataError for a table that is not daily, too short, or bad options."""
    seconds = table.seconds
    step = np.diff(seconds)
    if len(step) == 0 or int(np.median(step)) != DAY_SECONDS:
        raise DataError(f"{table.source}: calibrate needs a daily table (one row a day); resample it to daily first")
    daily = step == DAY_SECONDS
    n = int(daily.sum())
    if n < MIN_CHANGES:
        raise DataError(f"{table.source}: {n} daily changes; calibrate needs at least {MIN_CHANGES}")
    k = round(n**0.5) if k is None else k
    block_days = float(round(n ** (1.0 / 3.0))) if block_days is None else float(block_days)
    if type(k) is not int or not 1 <= k <= n:
        raise DataError(f"k {k!r} must be an int in [1, {n}] (the number of daily changes)")
    if not block_days >= 1.0:
        raise DataError(f"block_days {block_days} must be at least 1 (a mean block length in days)")
    if not 0.0 < threshold < 0.5:
        raise DataError(f"threshold {threshold} must be in (0, 0.5) (a fraction below par)")
    log_ratio = np.log(table.column("steth_eth"))
    log_eth = np.log(table.column("eth_usd"))
    index = np.nonzero(daily)[0]
    returns = log_eth[index + 1] - log_eth[index]
    sd = float(returns.std())
    if sd == 0.0:
        raise DataError(f"{table.source}: ETH/USD never moves; nothing to standardise")
    following = np.append(index[1:] == index[:-1] + 1, False)
    return BootstrapFit(
        source=table.source, first_day=f"{table.frame.index[0]:%Y-%m-%d}",
        last_day=f"{table.frame.index[-1]:%Y-%m-%d}", k=k, block_days=block_days,
        levels=log_ratio[index], changes=log_ratio[index + 1] - log_ratio[index],
        eth_z=(returns - returns.mean()) / sd, continues=following, history=table.column("steth_eth"),
        eth_daily_mean=float(returns.mean()), eth_daily_sd=sd, threshold=threshold,
    )


__all__ = ["BootstrapFit", "calibrate", "simulate_paths"]
