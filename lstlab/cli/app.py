"""The ``lstlab`` command line: readable tables for people, ``--json`` for machines.

Every error a user can cause (a missing file, wrong columns, an impossible leverage, a bad
scenario, an unwritable ``--out``) ends in one line on stderr naming the problem, nothing on
stdout, and exit status 2; never a traceback. ``lstlab`` alone prints its help (status 0).
"""

from __future__ import annotations

import json
import sys

import click

from chain import LstlabError


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, invoke_without_command=True)
@click.version_option(package_name="lstlab", prog_name="lstlab", message="%(prog)s %(version)s",
                      help="Print the installed lstlab's version and exit.")
@click.pass_context
def main_group(ctx: click.Context) -> None:
    """lstlab: exact simulation of DeFi around liquid staking tokens.

    Run a command with --help for its options; most take --json. Commands that write
    files write by default under lstlab-out/<command>/ (git ignores it), or into --out.
    """
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


def _one_line(text: str) -> str:
    """``text`` on one line: a message's own line breaks become "; "."""
    return "; ".join(part.strip() for part in str(text).splitlines() if part.strip())


def _error(text: str) -> int:
    click.echo(f"error: {_one_line(text)}", err=True)
    return 2


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
        return _error(exc.format_message())
    except LstlabError as exc:
        return _error(exc.message)
    except OSError as exc:  # the file system refused a read or write the user asked for
        if exc.filename:
            return _error(f"cannot use {str(exc.filename)!r}: {exc.strerror or exc}")
        return _error(f"{exc.strerror or exc} ({type(exc).__name__})")
    except json.JSONDecodeError as exc:
        return _error(f"a JSON file is corrupt ({exc.msg} at line {exc.lineno} column {exc.colno}): "
                      "it was not written by lstlab or was cut short; write it again")
    except MemoryError:
        return _error("out of memory: the run is too large for this machine; give smaller sizes")
    except KeyboardInterrupt:
        click.echo("error: interrupted", err=True)
        return 130
    return 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())


from lstlab.cli import (  # noqa: F401  (register the commands)
    account,
    backtest,
    calibrate,
    compare,
    graph,
    loop,
    probe,
    query,
    reference,
    scenario,
)

__all__ = ["main", "main_group", "run"]
