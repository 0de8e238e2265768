"""The ``lstlab`` command line: one module per command group, registered on :data:`main_group`."""

from lstlab.cli.app import main, main_group, run

__all__ = ["main", "main_group", "run"]
