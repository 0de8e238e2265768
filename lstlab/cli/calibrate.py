"""``lstlab calibrate``: fit the stETH/ETH process to a daily table, print its figures, and
plot simulated against historical distributions."""

from __future__ import annotations

from pathlib import Path

import click

from lstlab.cli.app import main_group
from lstlab.cli.output import wrote
from lstlab.cli.params import out_help, target_dir
from lstlab.market.data import DATASETS, DEFAULT_NAME


@main_group.command()
@click.option("--dataset", type=click.Choice(sorted(DATASETS)), default=None,
              help=f"A shipped daily series (default {DEFAULT_NAME}).")
@click.option("--data", type=str, default=None, help="A daily price table (CSV or Parquet) instead.")
@click.option("--out", type=click.Path(file_okay=False), default=None, help=out_help("calibrate"))
@click.option("--paths", type=click.IntRange(min=1), default=200, show_default=True,
              help="Simulated paths, each as long as the history.")
@click.option("--seed", type=int, default=0, show_default=True)
def calibrate(dataset, data, out, paths, seed) -> None:
    """Fit the level-conditioned block bootstrap of stETH/ETH (with ETH/USD) and compare
    simulated paths with the history: a table here and calibration.png in --out."""
    from lstlab.market.bootstrap import calibrate as fit_table
    from lstlab.market.bootstrap import simulate_paths
    from lstlab.market.compare import compare
    from lstlab.market.data import dataset_path
    from lstlab.market.prices import load_prices
    from lstlab.report.calibration import plot_calibration
    from lstlab.report.tables import Column, numeric, render

    if dataset and data:
        raise click.UsageError("give --dataset or --data, not both")
    fit = fit_table(load_prices(data or dataset_path(dataset or DEFAULT_NAME)))
    ratios, eth_z = simulate_paths(fit, paths, fit.days, seed)
    comparison = compare(fit, ratios, eth_z)
    click.echo(render([Column("parameter"), Column("value")], fit.summary(), title="fitted stETH/ETH process"))
    click.echo()
    click.echo(render([Column("figure"), numeric("history"), numeric("simulated")], comparison.rows(),
                      title=f"history against {paths} simulated paths of {fit.days} days (seed {seed})"))
    title = f"stETH/ETH process fitted to {Path(fit.source).name}"
    directory = target_dir(out, "calibrate")
    figure = plot_calibration(comparison, directory / "calibration.png", title=title)
    wrote(directory, [figure.name])
