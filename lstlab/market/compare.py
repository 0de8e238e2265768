"""Simulated against historical: the daily-change distribution, the correlation with ETH/USD
and the drawdowns of paths from a fitted bootstrap, beside the same figures of the history."""

from __future__ import annotations

import attrs
import numpy as np

from lstlab.market.bootstrap import BootstrapFit
from lstlab.market.drawdowns import DrawdownStats

QUANTILES = (0.01, 0.05, 0.5, 0.95, 0.99)


@attrs.frozen(eq=False)
class Comparison:
    """History and simulation side by side; changes are of log stETH/ETH in bps a day."""

    paths: int
    days: int
    history_changes: np.ndarray = attrs.field(repr=False)
    simulated_changes: np.ndarray = attrs.field(repr=False)
    history_correlation: float
    simulated_correlation: float
    history_drawdowns: DrawdownStats
    simulated_drawdowns: DrawdownStats

    def quantiles(self, probabilities: tuple[float, ...] = QUANTILES) -> tuple[np.ndarray, np.ndarray]:
        """(historical, simulated) quantiles of the daily change, bps a day."""
        return (np.quantile(self.history_changes, probabilities), np.quantile(self.simulated_changes, probabilities))

    def rows(self) -> list[tuple[str, str, str]]:
        """(figure, history, simulation) rows, each figure named with its unit."""
        hist, sim = self.quantiles()
        out = [(f"daily change, {p:.0%} quantile (bps/day)", f"{h:+.1f}", f"{s:+.1f}")
               for p, h, s in zip(QUANTILES, hist, sim)]
        out.append(("daily change, standard deviation (bps/day)", f"{self.history_changes.std():.2f}",
                    f"{self.simulated_changes.std():.2f}"))
        out.append(("correlation with the ETH/USD log return", f"{self.history_correlation:+.3f}",
                    f"{self.simulated_correlation:+.3f}"))
        h, s = self.history_drawdowns, self.simulated_drawdowns
        out += [
            ("drawdowns per year (all)", f"{h.episodes / h.years:.2f}", f"{s.episodes / s.years:.2f}"),
            ("drawdowns deeper than 1% per year", f"{h.per_year_1pct:.2f}", f"{s.per_year_1pct:.2f}"),
            ("drawdowns deeper than 3% per year", f"{h.per_year_3pct:.2f}", f"{s.per_year_3pct:.2f}"),
            ("deepest drawdown (% below par)", f"{h.max_depth:.2%}", f"{s.max_depth:.2%}"),
            ("drawdown duration, mean (days)", f"{h.mean_days:.1f}", f"{s.mean_days:.1f}"),
        ]
        return out


def compare(fit: BootstrapFit, ratios: np.ndarray, eth_z: np.ndarray) -> Comparison:
    """Compare paths (``ratios``: paths x days+1, ``eth_z``: paths x days) with ``fit``'s history."""
    ratios = np.atleast_2d(ratios)
    changes = np.diff(np.log(ratios), axis=1)
    return Comparison(
        paths=ratios.shape[0], days=ratios.shape[1] - 1,
        history_changes=fit.changes * 1e4, simulated_changes=changes.ravel() * 1e4,
        history_correlation=fit.eth_correlation,
        simulated_correlation=float(np.corrcoef(changes.ravel(), np.atleast_2d(eth_z).ravel())[0, 1]),
        history_drawdowns=fit.drawdowns, simulated_drawdowns=DrawdownStats.of(ratios, fit.threshold),
    )


__all__ = ["QUANTILES", "Comparison", "compare"]
