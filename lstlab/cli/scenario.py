"""``lstlab run``, ``lstlab sweep`` and ``lstlab report``: scenarios and sweeps."""

from __future__ import annotations

import json
from pathlib import Path

import click

from lstlab.cli.app import main_group
from lstlab.cli.output import emit_summary, json_safe, progress_bar, wrote
from lstlab.cli.params import SEED, default_path, out_help, target_dir


@main_group.command("run")
@click.argument("scenario", type=str)
@click.option("--seed", type=SEED, default=None, help="Override the scenario's seed.")
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help=out_help("run", "<scenario>"))
@click.option("--records", type=click.Path(file_okay=False), default=None,
              help="Keep every event of the run in this folder (read it with lstlab query or lstlab account).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def run_command(scenario, seed, out, records, as_json) -> None:
    """Run one scenario file, print its summary and write its metrics, plots and report."""
    from lstlab.report.backtest import backtest_page, rate_strategy
    from lstlab.report.figures import plot
    from lstlab.sim.scenario import load_scenario, run_scenario, summary_row

    spec = load_scenario(scenario)
    directory = target_dir(out, "run", spec.name)
    bar, update = progress_bar(1, spec.name)
    with bar:
        result = run_scenario(spec, seed, progress=update, records=records)
    summary = {"scenario": spec.name, **result.summary,
               "days_to_first_loop_liquidation": summary_row(result)["days_to_first_loop_liquidation"]}
    result.metrics.to_csv(directory / "metrics.csv")
    strategy = rate_strategy(result.world)
    images = plot(result.metrics, directory, spec.name, strategy=strategy)
    page = backtest_page(directory / "report.html", result.metrics, summary, title=f"lstlab: {spec.name}",
                         notes=[spec.description, *result.quality.lines()], strategy=strategy)
    summary["written"] = str(page)
    emit_summary(summary, as_json, spec.name)
    wrote(directory, [page.name, "metrics.csv", *(Path(i).name for i in images)])


@main_group.command()
@click.argument("scenario", type=str)
@click.option("--grid", "axes", multiple=True, help="An axis: name=start:stop:step or name=a,b,c (repeatable).")
@click.option("--paths", type=int, default=1, show_default=True, help="Seeded paths per grid point.")
@click.option("--seed", type=SEED, default=0, show_default=True, help="The sweep's seed (each run derives its own).")
@click.option("--workers", type=int, default=2, show_default=True, help="Local worker processes.")
@click.option("--executor", type=click.Choice(["processes", "inprocess", "dask"]), default=None,
              help="Default: processes, or dask with --scheduler.")
@click.option("--scheduler", type=str, default=None, help="A Dask scheduler address, e.g. tcp://host:8786.")
@click.option("--out", type=click.Path(file_okay=False), default=None, help=out_help("sweep", "<scenario>"))
@click.option("--resume", is_flag=True, help="Continue an interrupted sweep in --out.")
@click.option("--keep-steps", is_flag=True, help="Also store every run's per-step metrics.")
@click.option("--records", type=click.Path(file_okay=False), default=None,
              help="Keep every event of each run in RECORDS/run-NNNNNN (lstlab query / lstlab account).")
@click.option("--flush-every", type=click.IntRange(min=1), default=64, show_default=True,
              help="Finished runs per Parquet part written (what an interruption can lose).")
@click.option("--connect-timeout", type=click.FloatRange(min=0, min_open=True), default=10.0, show_default=True,
              help="Seconds to wait for the Dask scheduler.")
@click.option("--json", "as_json", is_flag=True, help="Print what ran as JSON instead of the per-point table.")
def sweep(scenario, axes, paths, seed, workers, executor, scheduler, out, resume, keep_steps, records, flush_every,
          connect_timeout, as_json) -> None:
    """Run a scenario over a parameter grid times seeded paths; results go to a Parquet dataset.

    Aliases: leverage, health, equity, volatility, drift, depeg, staking_apr; or any dotted
    scenario key (e.g. world.pools.curve_a). Each run is reproducible alone from its index.
    One process at a time writes --out; --resume refuses a changed scenario or data file.
    """
    from lstlab.sim.scenario import load_scenario
    from lstlab.sim.sweep import Grid, ResultStore, run_sweep
    from lstlab.sim.sweep.inputs import input_hashes, scenario_inputs
    from lstlab.sim.sweep.task import ScenarioTask

    spec = load_scenario(scenario)
    grid = Grid.from_strings(list(axes), paths=paths, seed=seed)
    runs = grid.runs()
    task = ScenarioTask(spec, keep_steps, records=None if records is None else str(records))
    task.check(runs)
    executor = executor or ("dask" if scheduler else "processes")
    note = task.inputs_note(runs)
    if note:
        click.echo(f"note: {note}", err=True)
    manifest = {"scenario": str(scenario), "input_files": input_hashes(scenario_inputs(scenario, spec)),
                "grid": list(axes), "paths": paths, "seed": seed, "runs": len(runs), "keep_steps": keep_steps,
                "inputs": note}
    directory = Path(out) if out else default_path("sweep", spec.name)
    with ResultStore(directory) as store:
        for repaired in store.start(manifest, resume):
            click.echo(f"note: {repaired}", err=True)
        bar, update = progress_bar(len(runs), "sweep")
        with bar:
            stats = run_sweep(task, runs, store, executor=executor, workers=workers, scheduler=scheduler,
                              keep_steps=keep_steps, flush_every=flush_every, progress=update,
                              connect_timeout=connect_timeout)
    done = {"runs": stats.total, "skipped (already done)": stats.skipped, "computed": stats.computed,
            "seconds": stats.seconds, "runs per second": stats.computed / stats.seconds if stats.seconds else 0.0,
            "dataset": str(store.summary_dir)}
    if as_json:
        click.echo(json.dumps(json_safe(done), indent=2))
        return
    from lstlab.cli.sweep_view import sweep_text

    click.echo(sweep_text(store, spec.name, stats, list(axes)))


@main_group.command("report")
@click.argument("sweep_dir", type=str)
@click.option("--json", "as_json", is_flag=True, help='Print {"report": path} instead of a sentence.')
def report_command(sweep_dir, as_json) -> None:
    """Write tables and plots of a sweep (heatmaps of liquidation and bad-debt probability,
    APY distribution) into SWEEP_DIR/report.html, beside SWEEP_DIR/points.csv."""
    from lstlab.report.sweep import write_report

    page = write_report(sweep_dir)
    if as_json:
        click.echo(json.dumps({"report": str(page)}))
        return
    from lstlab.report.tables import wrap_note

    for line in wrap_note(f"wrote {page} (the per-point table is {page.parent / 'points.csv'})"):
        click.echo(line)
