"""Option types of the command line: each refuses a value it cannot use with one line in the
user's units (ETH, fractions, dates), before any world is built; and the checks of ``--out``."""

from __future__ import annotations

import math
import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from lstlab.market.synthetic import MAX_DAYS
from lstlab.sim.scenario import MAX_LOOPS, SEED_LIMIT
from lstlab.strategies.loop import MAX_EQUITY_ETH


class Number(click.ParamType):
    """A finite float in a range; out of range, ``hint`` says what the option means."""

    name = "number"

    def __init__(self, low: float | None, high: float | None, hint: str, *, low_open: bool = False,
                 high_open: bool = False) -> None:
        self.low, self.high, self.hint = low, high, hint
        self.low_open, self.high_open = low_open, high_open

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        if isinstance(value, float):
            number = value
        else:
            try:
                number = float(value)
            except (TypeError, ValueError):
                self.fail(f"{value!r} is not a number: {self.hint}", param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value} is not a finite number: {self.hint}", param, ctx)
        below = self.low is not None and (number <= self.low if self.low_open else number < self.low)
        above = self.high is not None and (number >= self.high if self.high_open else number > self.high)
        if below or above:
            self.fail(f"{value} is out of range: {self.hint}", param, ctx)
        return number


EQUITY = Number(0.0, MAX_EQUITY_ETH, f"equity is in ETH, above 0 and at most {MAX_EQUITY_ETH:,.0f} "
                "(about all the ETH there is); e.g. 100", low_open=True)
APR = Number(0.0, 1.0, "APR is a fraction: 0.05 for 5% (0 or more, under 1)", high_open=True)
LEVERAGE = Number(1.0, None, "leverage is collateral / equity: 1 (no debt) or more, e.g. 5")
HEALTH = Number(1.0, None, "the health factor to open at must exceed 1 (liquidation), e.g. 1.2", low_open=True)
DEPEG = Number(0.0, 0.5, "the depeg depth is a fraction of par: 0.1 for a 10% discount (0 or more, under 0.5)",
               high_open=True)
VOLATILITY = Number(0.0, 10.0, "volatility is annualised, a fraction: 0.8 for 80% (0 to 10)")
"""Bound 10: thirteen times ETH/USD's 2021-2026 volatility (0.77, PROVENANCE.md), past any market seen."""


class Seed(click.ParamType):
    """A seed: an integer in [0, SEED_LIMIT) (numpy's SeedSequence takes no negative)."""

    name = "seed"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        try:
            seed = int(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not an integer: a seed is a whole number from 0, e.g. 1", param, ctx)
        if not 0 <= seed < SEED_LIMIT:
            self.fail(f"{value} is out of range: a seed is a whole number from 0 to 2**128 - 1", param, ctx)
        return seed


SEED = Seed()
DAYS = click.IntRange(1, MAX_DAYS)
"""Synthetic path length: 1 day up to MAX_DAYS (lstlab.market.synthetic)."""
LOOPS = click.IntRange(0, MAX_LOOPS)
"""Seeded loop positions: none up to MAX_LOOPS (lstlab.sim.scenario)."""


class IsoDate(click.ParamType):
    """A date or date-time in ISO 8601 (``2022-05-01``, ``2022-05-01T12:00``), kept as given."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            datetime.fromisoformat(str(value))
        except ValueError as exc:
            self.fail(f"{value!r} is not a date ({exc}): give YYYY-MM-DD, e.g. 2022-05-01", param, ctx)
        return str(value)


DATE = IsoDate()


def leverage_range(text: str, option: str = "--leverage") -> tuple[float, float]:
    """``low:high`` as two finite leverages with 1 <= low <= high; else a usage error."""
    parts = text.split(":")
    try:
        low, high = (float(x) for x in parts) if len(parts) == 2 else (None, None)
    except ValueError:
        low = high = None
    if low is None or high is None:
        raise click.BadParameter(f"{text!r} must be low:high, e.g. 6:13", param_hint=f"'{option}'")
    if not (math.isfinite(low) and math.isfinite(high)):
        raise click.BadParameter(f"{text!r} must be two finite leverages low:high, e.g. 6:13",
                                 param_hint=f"'{option}'")
    if low < 1:
        raise click.BadParameter(f"{text!r}: leverage is collateral / equity, 1 (no debt) or more",
                                 param_hint=f"'{option}'")
    if low > high:
        raise click.BadParameter(f"{text!r}: the low end {low:g} is above the high end {high:g}; "
                                 f"write {high:g}:{low:g}", param_hint=f"'{option}'")
    return low, high


def _unwritable(what: str, path: Path, reason: str) -> click.BadParameter:
    return click.BadParameter(f"cannot write {what} {str(path)!r}: {reason}", param_hint="'--out'")


def out_dir(path: str) -> Path:
    """The directory ``--out`` names, created (with its parents) and proved writable by a
    probe file; a usage error naming the path and the reason otherwise."""
    directory = Path(path)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".lstlab-probe-"):
            pass
    except FileExistsError:
        raise _unwritable("into", directory, "it is a file, not a directory") from None
    except OSError as exc:
        raise _unwritable("into", directory, exc.strerror or type(exc).__name__) from None
    return directory


OUTPUT_ROOT = Path("lstlab-out")
"""Where a command writes when given no ``--out``: ``lstlab-out/<command>/`` in the working
directory. The folder holds a ``.gitignore`` ignoring all of it, so that a default run leaves
any git repository it runs in unchanged (the project's own .gitignore lists it too)."""
IGNORE_ALL = "# lstlab's default output folder: git ignores everything in it\n*\n"


def safe_name(name: str) -> str:
    """``name`` as one folder name: letters, digits, ``.``, ``_`` and ``-`` kept, others ``-``."""
    kept = "".join(c if c.isalnum() or c in "._-" else "-" for c in name).strip(".-")
    return kept or "unnamed"


def default_path(command: str, name: str | None = None) -> Path:
    """``lstlab-out/<command>[/<name>]`` (not created), with ``lstlab-out/`` and its
    ``.gitignore`` created; a usage error naming the folder if it cannot be written."""
    try:
        OUTPUT_ROOT.mkdir(exist_ok=True)
        ignore = OUTPUT_ROOT / ".gitignore"
        if not ignore.exists():
            ignore.write_text(IGNORE_ALL)
    except FileExistsError:
        raise _unwritable("into", OUTPUT_ROOT, "it is a file, not a directory") from None
    except OSError as exc:
        raise _unwritable("into", OUTPUT_ROOT, exc.strerror or type(exc).__name__) from None
    path = OUTPUT_ROOT / command
    return path / safe_name(name) if name is not None else path


def target_dir(out: str | None, command: str, name: str | None = None) -> Path:
    """The directory ``--out`` names, or the default :func:`default_path`; created and proved
    writable (:func:`out_dir`)."""
    return out_dir(out if out else str(default_path(command, name)))


def out_help(command: str, name: str = "") -> str:
    """The ``--out`` help of a command writing by default under :data:`OUTPUT_ROOT`."""
    return f"{OUTPUT_ROOT}/{command}/{name} by default (ignored by git): the folder written into."


def out_file(path: str) -> Path:
    """The file ``--out`` names, in an existing writable directory (not created: a typo in
    the directory should not make one); a usage error naming the path otherwise."""
    file = Path(path)
    parent = file.parent if str(file.parent) else Path(".")
    if file.is_dir():
        raise _unwritable("to", file, "it is a directory; name a file in it")
    if not parent.is_dir():
        raise _unwritable("to", file, f"the directory {str(parent)!r} does not exist: create it first")
    try:
        with tempfile.NamedTemporaryFile(dir=parent, prefix=".lstlab-probe-"):
            pass
    except OSError as exc:
        raise _unwritable("to", file, exc.strerror or type(exc).__name__) from None
    if file.exists() and not os.access(file, os.W_OK):
        raise _unwritable("to", file, "permission denied")
    return file


__all__ = [
    "APR",
    "DATE",
    "DAYS",
    "DEPEG",
    "EQUITY",
    "HEALTH",
    "LEVERAGE",
    "LOOPS",
    "MAX_EQUITY_ETH",
    "OUTPUT_ROOT",
    "SEED",
    "VOLATILITY",
    "Number",
    "default_path",
    "leverage_range",
    "out_dir",
    "out_file",
    "out_help",
    "safe_name",
    "target_dir",
]
