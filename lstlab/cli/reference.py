"""``lstlab scenario schema``: every key of a scenario file, from the classes themselves.

:func:`reference` walks :class:`lstlab.sim.scenario.Scenario` and the attrs classes under it
into :class:`Section` and :class:`Key` rows: each key's type and default are read from its
class, its unit, meaning and example from :data:`lstlab.sim.schema.SCENARIO_DOCS`, and
:func:`coverage` lists what that table lacks or has in excess (a test keeps both empty). The
same rows print as text that fits 80 columns (:func:`text`) or as the documentation page
``docs/reference/scenario.md`` (:func:`markdown`; a test keeps the committed page equal to it).
"""

from __future__ import annotations

import textwrap

import attrs
import click

from lstlab.cli.app import main_group
from lstlab.sim.schema import (
    SCENARIO_DOCS,
    Doc,
    Docs,
    example_line,
    fields_of,
    table_class,
    toml_value,
    type_words,
)

WIDTH = 80
"""Columns of the text reference."""


@attrs.frozen
class Key:
    """One key of a table: its name, type and default (from the class; ``literal``: the default
    is a TOML value, not words such as ``required``), unit, meaning and an example line (from
    the docs)."""

    path: str
    name: str
    type: str
    default: str
    literal: bool
    unit: str
    meaning: str
    example: str


@attrs.frozen
class Section:
    """One table of the file (``path`` ``""``: the top level; ``array``: an array of tables,
    written ``[[path]]``), the attrs class it builds and its keys, in the class's order."""

    path: str
    array: bool
    meaning: str
    keys: tuple[Key, ...]
    cls: type

    @property
    def header(self) -> str:
        """``[path]``, ``[[path]]`` or ``top level``."""
        if not self.path:
            return "top level"
        return f"[[{self.path}]]" if self.array else f"[{self.path}]"


def _default_words(field: attrs.Attribute, doc: Doc | None) -> tuple[str, bool]:
    """The default as a TOML value (flag True), or in words: ``required``, ``unset`` (no value:
    the key is simply left out), the docs' words for a computed default."""
    if doc is not None and doc.default is not None:
        return doc.default, False
    if field.default is attrs.NOTHING:
        return "required", False
    if isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
        return "computed", False
    if field.default is None:
        return "unset", False
    return toml_value(field.default), True


def reference(root: type | None = None, docs: Docs = SCENARIO_DOCS) -> tuple[Section, ...]:
    """Every table under attrs class ``root`` (default: the scenario file), depth first in
    field order, each with its keys; a table-valued field is a section, not a key."""
    if root is None:
        from lstlab.sim.scenario import Scenario

        root = Scenario
    sections: list[Section] = []

    def walk(cls: type, path: str, array: bool) -> None:
        keys, nested = [], []
        for name, field in fields_of(cls).items():
            dotted = f"{path}.{name}" if path else name
            inner, inner_array = table_class(field.type)
            if inner is not None:
                nested.append((inner, dotted, inner_array))
                continue
            doc = docs.keys.get(dotted)
            unit, meaning = (doc.unit, doc.meaning) if doc else ("", "")
            keys.append(Key(dotted, name, type_words(field.type), *_default_words(field, doc), unit, meaning,
                            example_line(name, field, doc)))
        sections.append(Section(path, array, docs.sections.get(path, ""), tuple(keys), cls))
        for inner, dotted, inner_array in nested:
            walk(inner, dotted, inner_array)

    walk(root, "", False)
    return tuple(sections)


def coverage(root: type | None = None, docs: Docs = SCENARIO_DOCS) -> tuple[list[str], list[str]]:
    """(paths of keys and tables under ``root`` the docs lack, paths the docs have that are not
    there): both empty when the docs describe exactly the classes."""
    sections = reference(root, docs)
    keys = {k.path for s in sections for k in s.keys}
    tables = {s.path for s in sections}
    missing = [p for p in keys if p not in docs.keys] + [p for p in tables if p not in docs.sections]
    extra = [p for p in docs.keys if p not in keys] + [p for p in docs.sections if p not in tables]
    return sorted(missing), sorted(extra)


def _aliases() -> str:
    from lstlab.sim.scenario import ALIASES

    return ", ".join(f"`{alias}` (`{path}`)" for alias, path in ALIASES.items())


def intro() -> list[str]:
    """The paragraphs before the tables (Markdown: code in backticks), the rules every key follows."""
    return [
        ("A scenario file is TOML; nothing in it is executed. Every key is optional unless its "
         "default reads required; a table left out takes the defaults of all its keys."),
        ("Token amounts in `[world]` are whole tokens; fractions are written 0.05 for 5%; dates are "
         "quoted (`\"2022-06-10\"`) or TOML dates (`2022-06-10`). An array of tables is written once "
         "per item (`[[events]]` followed by its keys) or inline "
         "(`events = [{kind = \"slash\", at = 30}]`)."),
        ("Beyond their types, values are checked against what the protocols accept (a leverage the "
         "market can open, Curve's bounds on A and fees, event fields, dates within the prices). "
         "Every error names the file, the line and the key and says what to write instead; an unknown, "
         "missing or mistyped key also gets the type expected and an example."),
        ("`lstlab sweep --grid` varies any numeric key by its dotted path (`world.pools.curve_a`) or "
         f"an alias: {_aliases()}."),
    ]


def _describe(key: Key) -> str:
    """``type (unit), default D``: the key's first line."""
    default = "required" if key.default == "required" else f"default {key.default}"
    return key.type + (f" ({key.unit})" if key.unit else "") + f", {default}"


def _wrap(paragraph: str, width: int) -> list[str]:
    """``paragraph`` in lines of at most ``width`` (words and hyphenated names kept whole)."""
    return textwrap.wrap(paragraph, width, break_long_words=False, break_on_hyphens=False)


def text(sections: tuple[Section, ...]) -> str:
    """The reference as plain text within :data:`WIDTH` columns."""
    lines = ["Scenario files: every key", "=========================", ""]
    for paragraph in intro():
        lines += [*_wrap(paragraph.replace("`", ""), WIDTH), ""]
    column = max(len(k.name) for s in sections for k in s.keys) + 4
    for section in sections:
        lines += [section.header, "-" * len(section.header), *_wrap(section.meaning, WIDTH), ""]
        for key in section.keys:
            body = [_describe(key), key.meaning, f"e.g. {key.example}"]
            wrapped = [line for part in body for line in _wrap(part, WIDTH - column) or [""]]
            lines.append(f"  {key.name:<{column - 2}}{wrapped[0]}")
            lines += [" " * column + line for line in wrapped[1:]]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _cell(value: str) -> str:
    return value.replace("|", "\\|")


def markdown(sections: tuple[Section, ...]) -> str:
    """The reference as the documentation page ``docs/reference/scenario.md``."""
    note = ("<!-- Written by `lstlab scenario schema --markdown` from the scenario classes and "
            "lstlab.sim.schema.SCENARIO_DOCS; tests/docs/test_docs.py checks this page equals it. -->")
    lines = ["# Scenario files: every key", "", note, ""]
    for paragraph in intro():
        lines += [paragraph, ""]
    lines += [("Print it with `lstlab scenario schema` (one table and those under it: "
              "`lstlab scenario schema prices.synthetic`)."), ""]
    for section in sections:
        kind = " (array of tables)" if section.array else ""
        title = "Top level" if not section.path else f"`{section.header}`{kind}"
        lines += [f"## {title}", "", section.meaning, "",
                  "| key | type | default | unit | meaning | example |", "|---|---|---|---|---|---|"]
        for key in section.keys:
            default = f"`{key.default}`" if key.literal else key.default
            cells = [f"`{key.name}`", key.type, default, key.unit, key.meaning, f"`{key.example}`"]
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def select(sections: tuple[Section, ...], path: str | None) -> tuple[Section, ...]:
    """The section at ``path`` and the ones under it (all for None); click.BadParameter naming
    the tables for a path that is none of them."""
    if path is None:
        return sections
    path = path.strip("[]")
    chosen = tuple(s for s in sections if s.path == path or s.path.startswith(f"{path}."))
    if not chosen:
        names = ", ".join(s.path for s in sections if s.path)
        raise click.BadParameter(f"{path!r} is not a table of a scenario file; the tables are {names}",
                                 param_hint="SECTION")
    return chosen


@main_group.group("scenario", invoke_without_command=True)
@click.pass_context
def scenario_group(ctx: click.Context) -> None:
    """Scenario files: the reference of every key."""
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


@scenario_group.command("schema")
@click.argument("section", required=False)
@click.option("--markdown", "as_markdown", is_flag=True,
              help="Print the reference as Markdown (the page docs/reference/scenario.md).")
def schema_command(section, as_markdown) -> None:
    """Every key of a scenario file: its type, default, unit, meaning and an example.

    SECTION (e.g. prices.synthetic) prints that table and the tables under it.
    """
    sections = select(reference(), section)
    click.echo(markdown(sections) if as_markdown else text(sections), nl=False)


__all__ = ["WIDTH", "Key", "Section", "coverage", "intro", "markdown", "reference", "select", "text"]
