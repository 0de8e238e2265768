"""The calibration figure: simulated against historical stETH/ETH, as a PNG.

Three panels: a QQ plot of the daily change of log stETH/ETH (bps a day), and the drawdown
episodes per year by depth (% below par) and by duration (days); a drawdown is a run of days
below par by more than the fit's threshold (10 bps by default, lstlab.market.drawdowns).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lstlab.market.compare import Comparison


def _per_year(values: np.ndarray, bins: np.ndarray, years: float) -> np.ndarray:
    return np.histogram(values, bins=bins)[0] / years


def plot_calibration(comparison: Comparison, path: str | Path, title: str = "stETH/ETH process") -> Path:
    """Write the figure to ``path`` (PNG, matplotlib's file-only Agg backend); returns the path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.6))
    probabilities = np.linspace(0.001, 0.999, 199)
    hist_q, sim_q = comparison.quantiles(tuple(probabilities))
    ax = axes[0]
    ax.plot(hist_q, sim_q, ".", ms=4, label=f"simulated ({comparison.paths} paths)")
    span = [min(hist_q[0], sim_q[0]), max(hist_q[-1], sim_q[-1])]
    ax.plot(span, span, "k--", lw=0.8, label="equal")
    ax.set(title="daily change of log stETH/ETH: QQ", xlabel="historical quantile (bps/day)",
           ylabel="simulated quantile (bps/day)")
    ax.legend(loc="upper left")
    h, s = comparison.history_drawdowns, comparison.simulated_drawdowns
    depth_bins = np.geomspace(1e-3, 0.08, 16)
    centres = np.sqrt(depth_bins[1:] * depth_bins[:-1]) * 100
    axes[1].step(centres, _per_year(h.depths, depth_bins, h.years), where="mid", label="history")
    axes[1].step(centres, _per_year(s.depths, depth_bins, s.years), where="mid", label="simulated")
    axes[1].set(xscale="log", title="drawdowns by depth", xlabel="depth (% below par)",
                ylabel="episodes per year")
    axes[1].legend()
    longest = max(int(h.max_days), int(s.max_days), 2)
    day_bins = np.unique(np.geomspace(1, longest + 1, 14).round())
    mids = np.sqrt(day_bins[1:] * day_bins[:-1])
    axes[2].step(mids, _per_year(h.durations, day_bins, h.years), where="mid", label="history")
    axes[2].step(mids, _per_year(s.durations, day_bins, s.years), where="mid", label="simulated")
    axes[2].set(xscale="log", title="drawdowns by duration", xlabel="duration (days)", ylabel="episodes per year")
    axes[2].legend()
    fig.suptitle(title)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


__all__ = ["plot_calibration"]
