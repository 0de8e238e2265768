"""What the commands print: tables for people, JSON for machines, progress bars on stderr."""

from __future__ import annotations

import contextlib
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path
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
    """Print ``data`` as JSON, or as two columns, each value with its unit (by its name,
    :func:`lstlab.report.tables.unit_of`)."""
    if as_json:
        click.echo(json.dumps(json_safe(data), indent=2, sort_keys=False))
        return
    from lstlab.report.tables import key_values

    click.echo(key_values(data, title=title or None))


LONG_VALUE = 32
"""A summary value longer than this (a path, a list of days) is printed under its table."""


def summary_text(summary: dict[str, Any], title: str) -> str:
    """A run summary as tables grouped by whose figure it is (your position, the system, data
    and venues, agents): each figure's key, its value with its unit, what it measures."""
    from lstlab.report.summary import describe
    from lstlab.report.tables import Column, render, summary_value

    groups: dict[str, tuple[list[tuple[str, str, str]], list[str]]] = {}
    for key, value in summary.items():
        figure = describe(key)
        rows, notes = groups.setdefault(figure.group, ([], []))
        text = summary_value(key, value)
        if len(text) > LONG_VALUE:
            notes.append(f"{key} ({figure.text}): {text}")
        else:
            rows.append((key, text, figure.text))
    columns = [Column("figure", wrap=False), Column("value"), Column("what it measures")]
    return "\n\n".join(render(columns, rows, title=f"{title}: {group}", notes=notes)
                        for group, (rows, notes) in groups.items())


def emit_summary(summary: dict[str, Any], as_json: bool, title: str) -> None:
    """Print a run summary as JSON, or as :func:`summary_text` (without ``written``: the
    command says on stderr what it wrote, and where)."""
    if as_json:
        click.echo(json.dumps(json_safe(summary), indent=2, sort_keys=False))
        return
    click.echo(summary_text({k: v for k, v in summary.items() if k != "written"}, title))


def wrote(directory: Path, names: list[str]) -> None:
    """Say on stderr which files were written, and where: ``wrote lstlab-out/backtest/:
    report.html, metrics.csv and 4 more``."""
    from lstlab.report.summary import listed
    from lstlab.report.tables import wrap_note

    for line in wrap_note(f"wrote {directory}/: {listed(names, 4)}"):
        click.echo(line, err=True)


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


__all__ = ["ORACLES", "emit", "emit_summary", "json_safe", "loop_target", "progress_bar", "summary_text", "wrote"]
