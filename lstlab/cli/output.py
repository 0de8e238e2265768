"""What the commands print: tables for people, JSON for machines, progress bars on stderr."""

from __future__ import annotations

import contextlib
import json
import math
import sys
from collections.abc import Callable
from typing import Any

import click

ORACLES = click.Choice(["exchange-rate", "market"])
"""How the Ethereum market prices wstETH (``--oracle``)."""


def json_safe(value: Any) -> Any:
    """JSON-safe: infinities and NaN become None; numpy scalars become Python numbers."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value


def emit(data: dict[str, Any], as_json: bool, title: str = "") -> None:
    """Print ``data`` as JSON or as a two-column table."""
    if as_json:
        click.echo(json.dumps(json_safe(data), indent=2, sort_keys=False))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title or None, show_header=False)
    table.add_column(style="bold")
    table.add_column()
    for key, value in data.items():
        if isinstance(value, float):
            value = f"{value:.6g}"
        table.add_row(str(key), str(value))
    Console().print(table)


def emit_summary(summary: dict[str, Any], as_json: bool, title: str) -> None:
    """Print a run summary as JSON, or as tables grouped by whose figure it is (your
    position, the system, data and venues, agents), each value with what it measures."""
    if as_json:
        click.echo(json.dumps(json_safe(summary), indent=2, sort_keys=False))
        return
    from rich.console import Console
    from rich.table import Table

    from lstlab.report.summary import grouped

    console = Console()
    for group, rows in grouped(summary).items():
        table = Table(title=f"{title}: {group}", title_justify="left")
        for column in ("figure", "value", "what it measures"):
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*row)
        console.print(table)


def progress_bar(total: int, label: str) -> tuple[contextlib.AbstractContextManager, Callable[[int, int], None] | None]:
    """A rich progress bar on stderr (a context to run the work in) and its callback
    ``(done, total)``; when stderr is no terminal, a context doing nothing and None."""
    if not sys.stderr.isatty():
        return contextlib.nullcontext(), None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
                   TimeRemainingColumn(), transient=True)
    task = bar.add_task(label, total=total, rate="")

    def update(done: int, total: int) -> None:
        elapsed = bar.tasks[0].elapsed or 0.0
        rate = f"{done / elapsed:,.0f}/s" if elapsed > 0 else ""
        bar.update(task, completed=done, total=total, rate=rate)

    return bar, update


def loop_target(leverage: float | None, health: float | None) -> dict[str, float | None]:
    """``--leverage`` or ``--health`` (default: leverage 5, the loop's usual example); both is
    a usage error. Their ranges are checked by the option types (lstlab.cli.params)."""
    if leverage is None and health is None:
        return {"leverage": 5.0, "health": None}
    if leverage is not None and health is not None:
        raise click.UsageError("give --leverage or --health, not both")
    return {"leverage": leverage, "health": health}


__all__ = ["ORACLES", "emit", "emit_summary", "json_safe", "loop_target", "progress_bar"]
