"""Text tables for people: numbers with their units, rates in percent, widths that fit 80
columns, "and N more" where a list is cut, and words where a number does not exist.

Units come from names (:func:`unit_of`): ``debt_repaid_eth`` is ETH, ``net_apy_oracle`` a
fraction shown in percent, ``tracking_max_bps_v2`` basis points, ``reference_steth_eth`` the
stETH/ETH ratio, ``loop_liquidations`` a count. Headers carry the unit (``debt repaid (ETH)``),
cells the number (``5,756.34``); a percent cell carries its ``%``.

:func:`render` fits a table to :data:`WIDTH` columns: headers wrap at spaces, text cells wrap
at spaces (a word longer than :data:`LONGEST_WORD` may break), numbers and a number with its
unit never wrap. A table whose
columns cannot fit even so continues below in further blocks, each repeating the table's key
columns (the first ``keys``), as a wide DataFrame prints.
"""

from __future__ import annotations

import itertools
import math
import re
import textwrap
from collections.abc import Sequence
from typing import Any

import attrs

WIDTH = 80
"""Columns a printed line may use."""
GAP = 2
"""Spaces between two columns."""
LONGEST_WORD = 24
"""A word of a wrapping cell longer than this may be broken (paths, long identifiers)."""

PERCENT_TOKENS = ("apy", "apr", "return", "drawdown", "share", "utilisation")
"""Name tokens of a fraction shown in percent (the JSON keeps the fraction)."""
COUNT_TOKENS = ("liquidations", "liquidated", "trades", "positions", "eligible", "refused", "round", "rounds",
                "steps", "runs", "blocked", "computed", "skipped", "accounts", "episodes")
"""Name tokens of a count."""
TOKEN_UNITS = {"eth": "ETH", "weth": "WETH", "wsteth": "wstETH", "steth": "stETH", "usd": "USD"}
"""Name tokens of an amount's unit; the last one a name holds wins (``eth_usd``: USD)."""
RATIO = "stETH/ETH"
LABELS = {
    "eth_usd": "ETH price (USD)", "hf_pre": "health factor before agents", "hf_post": "health factor after agents",
    "p_loop_liquidated": "P(your loop liquidated)", "p_any_liquidation": "P(any liquidation)",
    "p_bad_debt": "P(bad debt)", **{f"apy_{v}_{q}": f"APY {w}, {v}" for v in ("oracle", "market")
                                    for q, w in (("mean", "mean"), ("p5", "5th pct"), ("p50", "median"),
                                                 ("p95", "95th pct"))},
}
"""Headers a name's words do not give."""
CURRENCIES = ("ETH", "WETH", "wstETH", "stETH", "USD")


def unit_of(name: str) -> str:
    """The unit a figure named ``name`` is in: ``%`` (a fraction shown in percent), ``bps``,
    ``stETH/ETH``, a token (``ETH``, ``WETH``, ``wstETH``, ``stETH``, ``USD``), ``x`` (a
    leverage), ``hf`` (a health factor), ``count``, ``days``, or ``""`` (a plain number)."""
    tokens = name.lower().replace("-", "_").split("_")
    if tokens[0] == "p" or any(t in PERCENT_TOKENS for t in tokens):
        return "%"
    if any("bps" in t for t in tokens):
        return "bps"
    if any(a == "steth" and b == "eth" for a, b in itertools.pairwise(tokens)):
        return RATIO
    for token in reversed(tokens):
        if token in TOKEN_UNITS:
            return TOKEN_UNITS[token]
    if "leverage" in tokens:
        return "x"
    if "health" in tokens or tokens[0] == "hf":
        return "hf"
    if "days" in tokens:
        return "days"
    if any(t in COUNT_TOKENS for t in tokens):
        return "count"
    return ""


def label_of(name: str) -> str:
    """``name`` as a header: its words without the unit's own tokens, the unit in parentheses
    (``debt_repaid_eth`` -> ``debt repaid (ETH)``, ``tracking_max_bps_v2`` -> ``tracking max
    v2 (bps)``); percents, counts, leverages and health factors carry no parenthesis."""
    if name in LABELS:
        return LABELS[name]
    unit = unit_of(name)
    tokens = [t for t in name.split("_") if t]
    low = [t.lower() for t in tokens]
    if unit == RATIO:
        at = max(i for i in range(len(low) - 1) if low[i] == "steth" and low[i + 1] == "eth")
        del tokens[at:at + 2]
    elif unit in CURRENCIES or unit == "bps":
        at = max(i for i, t in enumerate(low) if TOKEN_UNITS.get(t) == unit or t == unit)
        del tokens[at]
    words = " ".join(tokens)
    shown = unit if unit in (RATIO, *CURRENCIES, "bps") else ""
    if not words:
        return shown or name
    return f"{words} ({shown})" if shown else words


def missing(value: Any) -> bool:
    """True for None and NaN (a number that does not exist)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def percent(fraction: float, digits: int = 2) -> str:
    """A fraction in percent: 0.0779 -> ``7.79%``."""
    return f"{fraction * 100:.{digits}f}%"


def amount(value: float) -> str:
    """An amount to read: thousands separated, whole from 10,000 up (135,129), 2 decimals from 1
    up (5,756.34), 4 significant digits below (0.1086), ``0`` for zero."""
    if value == 0:
        return "0"
    if abs(value) >= 1e4:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:,.2f}"
    return f"{value:.4g}"


def number(value: Any, unit: str = "", *, with_unit: bool = False, none: str = "n/a") -> str:
    """``value`` as people read it in ``unit`` (:func:`unit_of`); ``with_unit`` appends an
    amount's unit (``99.80 ETH``, ``7.2 bps``, ``5.01x``). None and NaN print ``none``,
    infinities ``infinite``; text and booleans print as they are."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) and not hasattr(value, "__float__"):
        return none if value is None else str(value)
    value = float(value)
    if math.isnan(value):
        return none
    if math.isinf(value):
        return "infinite" if value > 0 else "-infinite"
    if unit == "%":
        return percent(value)
    if unit == "count":
        return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"
    if unit == "bps":
        text = f"{value:,.1f}"
    elif unit == "x":
        return f"{value:.2f}x"
    elif unit in (RATIO, "hf"):
        return f"{value:.4f}"
    elif unit == "days":
        text = f"{value:,.1f}"
    elif unit in CURRENCIES:
        text = amount(value)
    elif value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    else:
        return f"{value:.6g}"
    return f"{text} {unit}" if with_unit else text


NEVER = ("days_to_", "_at")
"""Summary keys whose missing value means the event never happened."""


def summary_value(key: str, value: Any) -> str:
    """A summary value as people read it, with its unit: ``99.80 ETH``, ``7.79%``, ``1.1869``;
    a time as ``2022-05-01 00:00 UTC``; a health factor without debt ``infinite (no debt)``;
    a missing value in words (``never`` for an event that did not happen)."""
    if isinstance(value, str) and (key in ("start", "end") or key.endswith("_at")):
        return _utc(value)
    if isinstance(value, str) and key in PATH_KEYS:
        return shown_path(value)
    unit = unit_of(key)
    if missing(value):
        if key.startswith(NEVER[0]) or key.endswith(NEVER[1]):
            return "never"
        if unit == "%" and ("return" in key or "apy" in key):
            return "not defined (no equity at the start)"
        return "none"
    if unit == "hf" and isinstance(value, (int, float)) and math.isinf(value):
        return "infinite (no debt)"
    return number(value, unit, with_unit=True)


PATH_KEYS = ("data", "written")
"""Summary keys holding a file's path (shown by :func:`shown_path`; JSON keeps it whole)."""


def shown_path(text: str) -> str:
    """A path as short as it reads unambiguously: a file shipped with lstlab as
    ``lstlab/market/data/<name> (built in)``, a file under the working folder relative to it,
    anything else as given."""
    from pathlib import Path

    import lstlab

    path = Path(text)
    if not path.is_absolute():
        return text
    package = Path(lstlab.__file__).resolve().parent
    resolved = path.resolve()
    if resolved.is_relative_to(package):
        return f"{Path('lstlab') / resolved.relative_to(package)} (built in)"
    here = Path.cwd().resolve()
    return str(resolved.relative_to(here)) if resolved.is_relative_to(here) else text


def _utc(text: str) -> str:
    """``2022-05-01 00:00:00+00:00`` as ``2022-05-01 00:00 UTC``; other text as it is."""
    import pandas as pd

    try:
        stamp = pd.Timestamp(text)
    except ValueError:
        return text
    if stamp.tzinfo is None:
        return text
    return f"{stamp.tz_convert('UTC'):%Y-%m-%d %H:%M} UTC"


@attrs.frozen
class Column:
    """A column: its header, ``right`` alignment (numbers) and whether its cells may wrap."""

    header: str
    right: bool = False
    wrap: bool = True


def numeric(header: str) -> Column:
    """A right-aligned column whose cells never wrap."""
    return Column(header, right=True, wrap=False)


def _longest(text: str) -> int:
    return max((len(w) for w in text.split()), default=0)


def _lines(text: str, width: int) -> list[str]:
    out: list[str] = []
    for paragraph in text.split("\n"):
        out += textwrap.wrap(paragraph, width, break_long_words=True, break_on_hyphens=False) or [""]
    return out


QUANTITY = re.compile(r"^[-+]?[\d,.]+ [A-Za-z/]+$")
"""A number and its unit (``451.59 ETH``, ``7.2 bps``): a cell never split between lines."""


def _least(cell: str) -> int:
    """The narrowest a wrapping cell may be: its longest word, or all of it for a quantity."""
    return len(cell) if QUANTITY.match(cell) else min(_longest(cell), LONGEST_WORD)


def _limits(column: Column, cells: list[str]) -> tuple[int, int]:
    """(natural, least) width of a column: on one line; with headers and text wrapped."""
    natural = max([len(column.header), *(len(line) for c in cells for line in c.split("\n"))])
    header = min(_longest(column.header), LONGEST_WORD)
    if column.wrap:
        least = max([header, *(_least(c) for c in cells)])
    else:
        least = max([header, *(len(c) for c in cells)])
    return natural, max(least, 1)


def _widths(columns: Sequence[Column], cells: list[list[str]], natural: list[int], least: list[int],
            width: int) -> list[int]:
    """Natural widths, narrowed one character at a time until they fit: each time the column
    whose narrowing adds the fewest printed lines (the widest among equals)."""
    widths = list(natural)
    texts = [[c.header, *cells[i]] for i, c in enumerate(columns)]
    cache: dict[tuple[int, int], list[int]] = {}

    def heights(i: int, w: int) -> list[int]:
        if (i, w) not in cache:
            cache[(i, w)] = [len(_lines(t, w)) for t in texts[i]]
        return cache[(i, w)]

    excess = sum(widths) + GAP * (len(widths) - 1) - width
    if excess <= 0:
        return widths  # every cell and header on one line: nothing to gain
    while excess > 0:
        slack = [i for i in range(len(widths)) if widths[i] > least[i]]
        if not slack:
            break
        now = [heights(i, widths[i]) for i in range(len(widths))]
        chosen = min(slack, key=lambda i: (_lines_after(now, i, heights(i, widths[i] - 1)), -widths[i]))
        widths[chosen] -= 1
        excess -= 1
    return _rebalance(widths, least, heights)


def _lines_after(now: list[list[int]], i: int, trial: list[int]) -> int:
    """Printed lines when column ``i``'s heights become ``trial`` (the others' as ``now``)."""
    return sum(max(trial[r] if j == i else now[j][r] for j in range(len(now))) for r in range(len(trial)))


def _rebalance(widths: list[int], least: list[int], heights: Any) -> list[int]:
    """Move width from one column to another while that prints fewer lines (steps of 8, 4, 2
    and 1 characters; a bounded number of passes)."""

    def total(ws: list[int]) -> int:
        columns = [heights(i, w) for i, w in enumerate(ws)]
        return sum(max(col[r] for col in columns) for r in range(len(columns[0])))

    best = total(widths)
    for step in (8, 4, 2, 1):
        for _ in range(32):
            moves = [(a, b) for a in range(len(widths)) for b in range(len(widths))
                     if a != b and widths[a] - step >= least[a]]
            found = None
            for a, b in moves:
                trial = list(widths)
                trial[a] -= step
                trial[b] += step
                lines = total(trial)
                if lines < best:
                    best, found = lines, trial
            if found is None:
                break
            widths = found
    return widths


def _groups(least: list[int], keys: int, width: int) -> list[list[int]]:
    """Column indexes of each block: the key columns, then as many others as fit."""
    groups: list[list[int]] = []
    current = list(range(keys))
    used = sum(least[:keys]) + GAP * max(keys - 1, 0)
    for i in range(keys, len(least)):
        extra = least[i] + (GAP if current else 0)
        if len(current) > keys and used + extra > width:
            groups.append(current)
            current, used = list(range(keys)), sum(least[:keys]) + GAP * max(keys - 1, 0)
            extra = least[i] + (GAP if current else 0)
        current.append(i)
        used += extra
    groups.append(current)
    return groups


def _squeeze(least: list[int], width: int) -> list[int]:
    """Least widths narrowed, the largest first, until they fit ``width`` (a number cell then
    breaks: only when a table's key columns alone nearly fill the line)."""
    least = list(least)
    while sum(least) + GAP * (len(least) - 1) > width and max(least) > 1:
        least[least.index(max(least))] -= 1
    return least


def _block(columns: Sequence[Column], rows: list[list[str]], width: int) -> list[str]:
    cells = [[row[i] for row in rows] for i in range(len(columns))]
    limits = [_limits(c, cells[i]) for i, c in enumerate(columns)]
    least = _squeeze([least for _, least in limits], width)
    widths = _widths(columns, cells, [n for n, _ in limits], least, width)

    def line_up(texts: list[str]) -> list[str]:
        wrapped = [_lines(t, w) for t, w in zip(texts, widths)]
        height = max(len(w) for w in wrapped)
        out = []
        for k in range(height):
            parts = []
            for col, w, lines in zip(columns, widths, wrapped):
                text = lines[k] if k < len(lines) else ""
                parts.append(text.rjust(w) if col.right else text.ljust(w))
            out.append((" " * GAP).join(parts).rstrip())
        return out

    out = line_up([c.header for c in columns])
    out.append((" " * GAP).join("-" * w for w in widths))
    for row in rows:
        out += line_up(row)
    return out


def render(columns: Sequence[Column | str], rows: Sequence[Sequence[Any]], *, title: str | None = None,
           width: int = WIDTH, keys: int = 1, notes: Sequence[str] = ()) -> str:
    """The table as text, every line at most ``width`` characters (module docstring): the
    title (wrapped), the header, a rule, the rows, then ``notes`` (:func:`wrap_note`: a word
    longer than a line, a path, stays whole). A string column is a left-aligned wrapping
    :class:`Column`."""
    cols = [Column(c) if isinstance(c, str) else c for c in columns]
    body = [[str(cell) for cell in row] for row in rows]
    if any(len(row) != len(cols) for row in body):
        raise ValueError(f"every row needs {len(cols)} cells")
    out = _lines(title, width) if title else []
    least = [_limits(c, [row[i] for row in body])[1] for i, c in enumerate(cols)]
    keys = min(keys, len(cols))
    for k, group in enumerate(_groups(least, keys, width)):
        if k:
            out.append("")
        out += _block([cols[i] for i in group], [[row[i] for i in group] for row in body], width)
    for note in notes:
        out += wrap_note(note, width)
    return "\n".join(out)


def wrap_note(text: str, width: int = WIDTH, indent: int = 2) -> list[str]:
    """``text`` wrapped to ``width`` at spaces, continuation lines indented by ``indent``; a word
    longer than a line (a long path) goes on lines of its own, cut after a ``/`` where it has
    one, so no line is wider than ``width``."""
    pad = " " * indent
    out: list[str] = []
    for line in textwrap.wrap(text, width, subsequent_indent=pad, break_long_words=False,
                              break_on_hyphens=False) or [""]:
        if len(line) <= width:
            out.append(line)
            continue
        lead = line[:len(line) - len(line.lstrip())]
        out += [(lead if not k else pad) + piece for k, piece in enumerate(_pieces(line.lstrip(), width - indent))]
    return out


def _pieces(word: str, room: int) -> list[str]:
    """``word`` in pieces of at most ``room`` characters, each cut after its last ``/``."""
    pieces: list[str] = []
    while len(word) > room:
        cut_at = word.rfind("/", 0, room) + 1 or room
        pieces.append(word[:cut_at])
        word = word[cut_at:]
    return [*pieces, word]


def more(hidden: int, noun: str, where: str = "") -> str:
    """``and 25 more positions (every one in --json)``; empty when nothing is hidden."""
    if hidden <= 0:
        return ""
    return f"and {hidden:,} more {noun}" + (f" ({where})" if where else "")


def cut(rows: Sequence[Any], most: int) -> tuple[list[Any], int]:
    """The first ``most`` rows and how many were left out."""
    return list(rows[:most]), max(len(rows) - most, 0)


def key_values(items: Sequence[tuple[str, Any]] | dict[str, Any], *, title: str | None = None,
               headers: tuple[str, str] = ("figure", "value"), width: int = WIDTH) -> str:
    """Two columns, a figure and its value with its unit (:func:`number` by the figure's name
    unless the value is text)."""
    pairs = list(items.items()) if isinstance(items, dict) else list(items)
    rows = [(key, number(value, unit_of(key), with_unit=True)) for key, value in pairs]
    return render([Column(headers[0], wrap=False), headers[1]], rows, title=title, width=width)


__all__ = ["COUNT_TOKENS", "GAP", "LONGEST_WORD", "PERCENT_TOKENS", "RATIO", "TOKEN_UNITS", "WIDTH", "Column", "amount",
           "cut", "key_values", "label_of", "missing", "more", "number", "numeric", "percent", "render",
           "shown_path", "summary_value", "unit_of", "wrap_note"]
