"""``lstlab account NAME --run DIR``: one account of a recorded run, as an explorer shows it."""

from __future__ import annotations

import json
import math
from pathlib import Path

import click

from lstlab.cli.app import main_group

HISTORY_SHOWN = 12
"""History rows printed (the latest); the page holds up to the explorer's limit."""


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@main_group.command()
@click.argument("name", type=str)
@click.option("--run", "run_dir", required=True, type=click.Path(exists=True, file_okay=False),
              help="The run's records directory (written with --records).")
@click.option("--html", "html_path", type=click.Path(dir_okay=False), default=None,
              help="Write the page here (default: RUN/account-NAME.html).")
@click.option("--json", "as_json", is_flag=True, help="Figures (exact wei as ints), holdings and history as JSON.")
def account(name, run_dir, html_path, as_json) -> None:
    """Holdings, rewards, interest, losses, PnL and history of NAME in a recorded run."""
    from lstlab.records.explorer import account as explore

    view = explore(run_dir, name)
    if as_json:
        last = view.holdings.iloc[-1] if len(view.holdings) else {}
        click.echo(json.dumps({
            "account": name, "run": view.run, "figures": view.exact,
            "holdings_end": {k: float(v) for k, v in dict(last).items() if v},
            "history_total": view.history_total,
            "history": [{**row, "time": str(row["time"])} for row in view.history.to_dict("records")],
        }, indent=2, default=str))
        return
    page = Path(html_path) if html_path else Path(run_dir) / f"account-{name}.html"
    _write_page(view, page)
    click.echo(f"account {name} in {run_dir}: {len(view.holdings)} checkpoints, values at the data's prices")
    click.echo("")
    for label, value in view.figures:
        click.echo(f"  {_fit(label, 58):<58} {value:>18}")
    click.echo("")
    click.echo("holdings at the end                              units        ETH value")
    if len(view.holdings):
        units, values = view.holdings.iloc[-1], view.value_eth.iloc[-1]
        held = [(k, units[k], values[k]) for k in units.index if units[k]]
        for label, amount, value in held:
            shown = "not valued" if math.isnan(value) else f"{value:,.4f}"
            click.echo(f"  {_fit(label, 40):<40} {amount:>18,.6f} {shown:>16}")
        if not held:
            click.echo("  (nothing)")
    click.echo("")
    shown = view.history.tail(HISTORY_SHOWN)
    click.echo(f"history: {view.history_total:,} events name {name}; the latest {len(shown)}:")
    for row in shown.itertuples():
        click.echo(f"  step {row.step:>5} tx {row.tx:>6} {_fit(str(row.event), 18):<18} "
                   f"{_fit(str(row.contract), 16):<16} {_fit(row.detail, 20)}")
    more = view.history_total - len(shown)
    if more > 0:
        click.echo(f"  ... and {more:,} more (the page lists up to {len(view.history):,})")
    click.echo(f"wrote {page}")


def _write_page(view, page: Path) -> None:
    """The account's page: the report package's explorer page."""
    from lstlab.report.account import account_page

    account_page(view, page)
