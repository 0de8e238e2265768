"""The ``lstlab`` command line: readable tables for people, ``--json`` for machines.

Every error a user can cause (a missing file, wrong columns, an impossible leverage, a bad
scenario) ends in one line on stderr naming the problem, and exit status 2; never a traceback.
"""

from __future__ import annotations

import sys

import click

from chain import LstlabError


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


from lstlab.cli import backtest, graph, loop, probe, scenario  # noqa: E402,F401  (register the commands)
from lstlab.cli import calibrate  # noqa: E402,F401  (register the command)

__all__ = ["main", "main_group", "run"]
