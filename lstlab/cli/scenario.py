"""``lstlab run``, ``lstlab sweep`` and ``lstlab report``: scenarios and sweeps."""

from __future__ import annotations

import json

import click

from lstlab.cli.app import main_group
from lstlab.cli.output import emit, emit_summary, progress_bar
from lstlab.cli.params import SEED, out_dir


@main_group.command("run")
@click.argument("scenario", type=str)
@click.option("--seed", type=SEED, default=None, help="Override the scenario's seed.")
@click.option("--out", type=click.Path(file_okay=False), default=None, help="Write metrics, plots and a report here.")
@click.option("--json", "as_json", is_flag=True)
def run_command(scenario, seed, out, as_json) -> None:
    """Run one scenario file and print its summary."""
    from lstlab.report.figures import plot
    from lstlab.report.html import write_html
    from lstlab.report.summary import grouped
    from lstlab.sim.scenario import load_scenario, run_scenario, summary_row

    spec = load_scenario(scenario)
    directory = out_dir(out) if out else None
    bar, update = progress_bar(1, spec.name)
    with bar:
        result = run_scenario(spec, seed, progress=update)
    summary = {"scenario": spec.name, **result.summary,
               "days_to_first_loop_liquidation": summary_row(result)["days_to_first_loop_liquidation"]}
    if directory is not None:
        result.metrics.to_csv(directory / "metrics.csv")
        images = plot(result.metrics, directory, spec.name)
        write_html(directory / "report.html", f"lstlab: {spec.name}", grouped(summary), images,
                   [spec.description, *result.quality.lines()])
        summary["written"] = str(directory / "report.html")
    emit_summary(summary, as_json, spec.name)


@main_group.command()
@click.argument("scenario", type=str)
@click.option("--grid", "axes", multiple=True, help="An axis: name=start:stop:step or name=a,b,c (repeatable).")
@click.option("--paths", type=int, default=1, show_default=True, help="Seeded paths per grid point.")
@click.option("--seed", type=SEED, default=0, show_default=True, help="The sweep's seed (each run derives its own).")
@click.option("--workers", type=int, default=2, show_default=True, help="Local worker processes.")
@click.option("--executor", type=click.Choice(["processes", "inprocess", "dask"]), default=None,
              help="Default: processes, or dask with --scheduler.")
@click.option("--scheduler", type=str, default=None, help="A Dask scheduler address, e.g. tcp://host:8786.")
@click.option("--out", type=click.Path(file_okay=False), default="lstlab-sweep", show_default=True)
@click.option("--resume", is_flag=True, help="Continue an interrupted sweep in --out.")
@click.option("--keep-steps", is_flag=True, help="Also store every run's per-step metrics.")
@click.option("--flush-every", type=click.IntRange(min=1), default=64, show_default=True,
              help="Finished runs per Parquet part written (what an interruption can lose).")
@click.option("--connect-timeout", type=click.FloatRange(min=0, min_open=True), default=10.0, show_default=True,
              help="Seconds to wait for the Dask scheduler.")
@click.option("--json", "as_json", is_flag=True)
def sweep(scenario, axes, paths, seed, workers, executor, scheduler, out, resume, keep_steps, flush_every,
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
    task = ScenarioTask(spec, keep_steps)
    task.check(runs)
    executor = executor or ("dask" if scheduler else "processes")
    note = task.inputs_note(runs)
    if note:
        click.echo(f"note: {note}", err=True)
    manifest = {"scenario": str(scenario), "input_files": input_hashes(scenario_inputs(scenario, spec)),
                "grid": list(axes), "paths": paths, "seed": seed, "runs": len(runs), "keep_steps": keep_steps,
                "inputs": note}
    with ResultStore(out) as store:
        for repaired in store.start(manifest, resume):
            click.echo(f"note: {repaired}", err=True)
        bar, update = progress_bar(len(runs), "sweep")
        with bar:
            stats = run_sweep(task, runs, store, executor=executor, workers=workers, scheduler=scheduler,
                              keep_steps=keep_steps, flush_every=flush_every, progress=update,
                              connect_timeout=connect_timeout)
    emit({"runs": stats.total, "skipped (already done)": stats.skipped, "computed": stats.computed,
          "seconds": stats.seconds, "runs per second": stats.computed / stats.seconds if stats.seconds else 0.0,
          "dataset": str(store.summary_dir)}, as_json, "sweep")


@main_group.command("report")
@click.argument("sweep_dir", type=str)
def report_command(sweep_dir) -> None:
    """Write tables and plots of a sweep (heatmaps of liquidation and bad-debt probability,
    APY distribution) into SWEEP_DIR/report.html."""
    from lstlab.report.sweep import write_report

    page = write_report(sweep_dir)
    click.echo(json.dumps({"report": str(page)}))
