"""``lstlab backtest``: a loop over a price table (data or a seeded synthetic path)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import click

from lstlab.cli.app import main_group
from lstlab.cli.output import ORACLES, emit_summary, json_safe, loop_target, progress_bar, wrote
from lstlab.cli.params import (
    DATE,
    DAYS,
    DEPEG,
    EQUITY,
    HEALTH,
    LEVERAGE,
    SEED,
    VOLATILITY,
    out_help,
    target_dir,
)
from lstlab.market.data import DATASETS, DEFAULT_NAME

OUTLIERS_SHOWN = 3
"""Outlier lines of the data's quality report printed to the terminal (all are in the report)."""


def _load_table(data: str | None, dataset: str | None, start: str | None, end: str | None, synthetic: bool,
                seed: int, days: int, volatility: float, depeg: float):
    from lstlab.market.data import dataset_path, default_path
    from lstlab.market.prices import load_prices
    from lstlab.market.synthetic import Depeg, SyntheticPath

    if synthetic:
        if data or dataset:
            raise click.UsageError("give --data, --dataset or --synthetic, not two of them")
        shocks = (Depeg(start_day=days / 2, depth=depeg),) if depeg > 0 else ()
        return SyntheticPath(days=days, volatility=volatility, depegs=shocks).table(seed)
    if depeg:
        raise click.UsageError("--depeg shapes a --synthetic path; the data has its own stETH/ETH")
    if data and dataset:
        raise click.UsageError("give --data or --dataset, not both")
    return load_prices(data or (dataset_path(dataset) if dataset else default_path()), start=start, end=end)


def _quality_lines(lines: list[str]) -> list[str]:
    """The quality report's findings for the terminal, outliers cut to OUTLIERS_SHOWN."""
    outliers = [line for line in lines if line.startswith("outlier:")]
    rest = [line for line in lines if not line.startswith("outlier:")]
    if len(outliers) > OUTLIERS_SHOWN:
        more = len(outliers) - OUTLIERS_SHOWN
        outliers = [*outliers[:OUTLIERS_SHOWN], f"... and {more} more outliers (every one in report.html)"]
    return rest + outliers


@main_group.command()
@click.option("--data", type=str, default=None, help="Price table (CSV or Parquet). Default: the shipped 2020-12 .. 2026-04 daily data.")
@click.option("--dataset", type=click.Choice(sorted(DATASETS)), default=None,
              help=f"A shipped series by name (default {DEFAULT_NAME}).")
@click.option("--start", type=DATE, default=None, help="First date to use (e.g. 2022-05-01).")
@click.option("--end", type=DATE, default=None, help="Last date to use.")
@click.option("--leverage", type=LEVERAGE, help="Loop leverage (default 5).")
@click.option("--health", type=HEALTH, help="Open at this health factor instead.")
@click.option("--equity", type=EQUITY, default=100.0, show_default=True, help="Equity in ETH.")
@click.option("--oracle", type=ORACLES, default="exchange-rate", show_default=True)
@click.option("--band", type=str, default=None, help="Rebalance band low:target:high, e.g. 1.03:1.06:1.15.")
@click.option("--synthetic", is_flag=True, help="Use a seeded synthetic path instead of data.")
@click.option("--seed", type=SEED, default=0, show_default=True,
              help="Seed of every random input: the synthetic path, the staking APR path, the background flows.")
@click.option("--days", type=DAYS, default=365, show_default=True, help="Synthetic path length.")
@click.option("--volatility", type=VOLATILITY, default=0.8, show_default=True,
              help="Synthetic ETH volatility (annualised fraction).")
@click.option("--depeg", type=DEPEG, default=0.0, show_default=True,
              help="Synthetic depeg depth mid-path, a fraction of par (0.1 = 10%).")
@click.option("--no-agents", is_flag=True, help="Run without agents (relayer, background flows, arbitrageur, liquidator).")
@click.option("--out", type=click.Path(file_okay=False), default=None, help=out_help("backtest"))
@click.option("--records", type=click.Path(file_okay=False), default=None,
              help="Keep every event of the run in this folder (read it with lstlab query or lstlab account).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def backtest(data, dataset, start, end, leverage, health, equity, oracle, band, synthetic, seed, days, volatility,
             depeg, no_agents, out, records, as_json) -> None:
    """Backtest a leveraged loop over a price table; write metrics, plots and a report."""
    from lstlab import strategies
    from lstlab.report.backtest import backtest_page, rate_strategy
    from lstlab.report.figures import plot
    from lstlab.sim.backtest import Backtest, LoopConfig, leverage_limits

    table = _load_table(data, dataset, start, end, synthetic, seed, days, volatility, depeg)
    target = loop_target(leverage, health)
    rebalance = None
    if band:
        try:
            low, mid, high = (float(x) for x in band.split(":"))
        except ValueError:
            raise click.UsageError(f"--band {band!r} must be low:target:high") from None
        if not all(math.isfinite(x) for x in (low, mid, high)):
            raise click.UsageError(f"--band {band!r} must be three finite health factors low:target:high")
        rebalance = strategies.Band(low, high, mid)
    directory = target_dir(out, "backtest")
    config = LoopConfig(leverage=target["leverage"], health=target["health"], equity_eth=equity, band=rebalance)
    test = Backtest(table, config, oracle=oracle, agents=[] if no_agents else None, seed=seed, records=records)
    limits = leverage_limits(test.world, table)
    bar, update = progress_bar(len(table.frame), "backtest")
    with bar:
        result = test.run(update)
    result.metrics.to_csv(directory / "metrics.csv")
    strategy = rate_strategy(result.world)
    images = plot(result.metrics, directory, strategy=strategy)
    summary = {**result.summary, **limits, "oracle": oracle, "data": table.source}
    page = backtest_page(directory / "report.html", result.metrics, summary, notes=table.quality.lines(),
                         strategy=strategy)
    (directory / "summary.json").write_text(json.dumps(json_safe(summary), indent=2))
    summary["written"] = str(page)
    if not as_json:
        from lstlab.report.tables import wrap_note

        for line in _quality_lines(table.quality.lines()[1:]):
            for part in wrap_note(f"data: {line}"):
                click.echo(part, err=True)
    emit_summary(summary, as_json, "backtest")
    wrote(directory, [page.name, "metrics.csv", "summary.json", *(Path(i).name for i in images)])
