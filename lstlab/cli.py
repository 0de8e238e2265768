"""The ``lstlab`` command line: readable tables for people, ``--json`` for machines.

Every error a user can cause (a missing file, wrong columns, an impossible leverage, a bad
scenario) ends in one line on stderr naming the problem, and exit status 2; never a traceback.
"""

from __future__ import annotations

import contextlib
import json
import math
import sys
from collections.abc import Callable
from typing import Any

import click

from chain import LstlabError


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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main_group() -> None:
    """lstlab: exact simulation of DeFi around liquid staking tokens.

    Run a command with --help for its options; most take --json.
    """


def main(argv: list[str] | None = None) -> int:
    """Entry point: runs the group and turns user errors into one line and exit status 2."""
    try:
        main_group.main(args=argv, standalone_mode=False, prog_name="lstlab")
    except click.exceptions.Abort:
        click.echo("error: aborted", err=True)
        return 130
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        click.echo(f"error: {exc.format_message()}", err=True)
        return 2
    except LstlabError as exc:
        click.echo(f"error: {exc.message}", err=True)
        return 2
    except KeyboardInterrupt:
        click.echo("error: interrupted", err=True)
        return 130
    return 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())


from lstlab import commands, scenario_commands  # noqa: E402,F401  (register the commands on main_group)

__all__ = ["emit", "json_safe", "main", "main_group", "progress_bar", "run"]
