"""Typed configuration from TOML: parse a table into frozen attrs classes, strictly.

Only data is read (``tomllib``); nothing in a file is ever executed. Every problem raises
:class:`ScenarioError` naming the file, the line (when it can be found) and the dotted key:
an unknown key (with the known ones listed), a wrong type, a NaN or infinite number, or a
value its class rejects; a file that is not UTF-8 or nests too deeply names the file.
Supported field types: int, float, str, bool, ``X | None``, ``tuple[X, ...]``, ``Literal``,
and nested attrs classes (TOML tables, or arrays of tables for tuples of classes).
"""

from __future__ import annotations

import math
import re
import tomllib
import types
import typing
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import attrs

from chain.errors import LstlabError
from lstlab.errors import ScenarioError


class Source:
    """The text of a TOML file, to point errors at lines."""

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.lines = text.splitlines()

    def line_of(self, dotted: str) -> int | None:
        """The 1-based line that sets the last component of ``dotted`` (best effort)."""
        parts = [p for p in dotted.split(".") if not p.startswith("[")]
        if not parts:
            return None
        key = re.escape(parts[-1].split("[")[0])
        table = ".".join(p.split("[")[0] for p in parts[:-1])
        in_table = table == ""
        for number, line in enumerate(self.lines, 1):
            header = re.match(r"\s*\[\[?\s*([^\]]+?)\s*\]\]?", line)
            if header:
                name = header.group(1)
                in_table = name == table
                if re.fullmatch(key, name.split(".")[-1]) and ".".join(name.split(".")[:-1]) == table:
                    return number
                continue
            if in_table and re.match(rf"\s*{key}\s*=", line):
                return number
        return None

    def where(self, dotted: str) -> str:
        line = self.line_of(dotted)
        return f"{self.name}:{line}" if line else self.name


def load_toml(path: str | Path) -> tuple[dict[str, Any], Source]:
    """Read a TOML file; a missing or malformed file is a ScenarioError with the line."""
    file = Path(path)
    if not file.is_file():
        raise ScenarioError(f"scenario file {str(file)!r} does not exist")
    try:
        text = file.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{file}: byte {exc.object[exc.start]:#04x} at offset {exc.start} is not UTF-8: "
                            "TOML files are UTF-8 text; save it as UTF-8") from None
    except OSError as exc:
        raise ScenarioError(f"{file}: cannot read it ({exc.strerror})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{file}: not valid TOML: {exc}") from None
    except RecursionError:
        raise ScenarioError(f"{file}: arrays or tables are nested too deeply to read; no scenario key nests "
                            "more than a few levels") from None
    return data, Source(str(file), text)


def _type_name(tp: Any) -> str:
    return getattr(tp, "__name__", None) or str(tp).replace("typing.", "")


def _convert(tp: Any, value: Any, key: str, source: Source) -> Any:
    origin = get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = get_args(tp)
        if value is None and type(None) in options:
            return None
        errors = []
        for option in options:
            if option is type(None):
                continue
            try:
                return _convert(option, value, key, source)
            except ScenarioError as exc:
                errors.append(exc)
        raise errors[0]
    if origin is Literal:
        if value not in get_args(tp):
            allowed = ", ".join(repr(a) for a in get_args(tp))
            raise ScenarioError(f"{source.where(key)}: {key} = {value!r} is not one of {allowed}")
        return value
    if origin is tuple:
        (item_type, *_rest) = get_args(tp)
        if not isinstance(value, list):
            raise ScenarioError(f"{source.where(key)}: {key} must be an array, got {type(value).__name__}")
        return tuple(_convert(item_type, v, f"{key}[{i}]", source) for i, v in enumerate(value))
    if attrs.has(tp):
        if not isinstance(value, dict):
            raise ScenarioError(f"{source.where(key)}: {key} must be a table, got {type(value).__name__}")
        return build(tp, value, source, key)
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ScenarioError(f"{source.where(key)}: {key} must be a number, got {value!r}")
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            raise ScenarioError(f"{source.where(key)}: {key} = {value}: give a finite number")
        return number
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ScenarioError(f"{source.where(key)}: {key} must be an integer, got {value!r}")
        return value
    if tp in (str, bool):
        if type(value) is not tp:
            raise ScenarioError(f"{source.where(key)}: {key} must be a {_type_name(tp)}, got {value!r}")
        return value
    raise TypeError(f"unsupported field type {tp!r} for {key}")


def build(cls: type, data: dict[str, Any], source: Source, prefix: str = "") -> Any:
    """An instance of attrs class ``cls`` from a TOML table, strictly (see module docstring)."""
    attrs.resolve_types(cls)
    fields = {f.name: f for f in attrs.fields(cls)}
    for name in data:
        if name not in fields:
            key = f"{prefix}.{name}" if prefix else name
            raise ScenarioError(
                f"{source.where(key)}: unknown key {key!r}; known keys here: {', '.join(sorted(fields))}"
            )
    kwargs = {}
    for name, value in data.items():
        key = f"{prefix}.{name}" if prefix else name
        kwargs[name] = _convert(fields[name].type, value, key, source)
    try:
        return cls(**kwargs)
    except (LstlabError, ValueError, TypeError) as exc:
        message = exc.message if isinstance(exc, LstlabError) else str(exc)
        where = source.where(prefix) if prefix else source.name
        raise ScenarioError(f"{where}: {prefix or 'scenario'}: {message}") from None
