"""Typed configuration from TOML: parse a table into frozen attrs classes, strictly, and
describe every key those classes take.

Only data is read (``tomllib``); nothing in a file is ever executed. Every problem raises
:class:`ScenarioError` naming the file, the line (when it can be found) and the dotted key:
an unknown key (with the known ones listed, and the table it belongs to when it is a key of
another), a missing required key, a wrong type (the type expected and an example line), a NaN
or infinite number, or a value its class rejects; a file that is not UTF-8 or nests too deeply
names the file. Supported field types: int, float, str (a TOML date is taken as its
``YYYY-MM-DD`` text), bool, ``X | None``, ``tuple[X, ...]``, ``Literal``, and nested attrs
classes (TOML tables, or arrays of tables for tuples of classes). A field whose metadata has
``toml=False`` is not a key of the file.

A :class:`Docs` table lends the messages each key's unit, meaning and example;
:data:`SCENARIO_DOCS` is the scenario file's, from which ``lstlab scenario schema``
(:mod:`lstlab.cli.reference`) prints the reference of every key.
"""

from __future__ import annotations

import datetime
import difflib
import math
import re
import tomllib
import types
import typing
from collections.abc import Mapping
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


# --- the documentation table -------------------------------------------------------------


@attrs.frozen
class Doc:
    """What the classes cannot say about one key: its unit ("" for none), a one-line meaning,
    an example value written as TOML, and (for a computed default) the default in words."""

    unit: str
    meaning: str
    example: str
    default: str | None = None


@attrs.frozen
class Docs:
    """Docs of every key (``"prices.synthetic.depegs.depth"``) and every table (``"prices"``;
    ``""`` is the top level) of a schema, by dotted path without array indices."""

    keys: Mapping[str, Doc] = attrs.Factory(dict)
    sections: Mapping[str, str] = attrs.Factory(dict)


NO_DOCS = Docs()


def doc_path(key: str) -> str:
    """``key`` without array indices: ``events[0].at`` -> ``events.at``."""
    return re.sub(r"\[\d+\]", "", key)


def fields_of(cls: type) -> dict[str, attrs.Attribute]:
    """The fields of attrs class ``cls`` that are keys of a file."""
    attrs.resolve_types(cls)
    return {f.name: f for f in attrs.fields(cls) if f.metadata.get("toml", True)}


def _options(tp: Any) -> tuple[Any, ...]:
    """The non-None alternatives of a union, or ``(tp,)``."""
    if get_origin(tp) in (typing.Union, types.UnionType):
        return tuple(a for a in get_args(tp) if a is not type(None))
    return (tp,)


def table_class(tp: Any) -> tuple[type | None, bool]:
    """The attrs class a field holds (as a table, or an array of tables: the flag), or None."""
    for option in _options(tp):
        if attrs.has(option):
            return option, False
        if get_origin(option) is tuple and attrs.has(get_args(option)[0]):
            return get_args(option)[0], True
    return None, False


def toml_value(value: Any) -> str:
    """``value`` written as TOML (ints of five or more digits with ``_`` every three)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value:_}" if abs(value) >= 10_000 else str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return repr(value) if math.isfinite(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + "}"
    return str(value)


_SCALARS = {int: "integer", float: "number", str: "string", bool: "boolean"}


def type_words(tp: Any) -> str:
    """A field type in TOML's words: ``number``, ``array of strings``, ``one of "a", "b"``..."""
    words = []
    for option in _options(tp):
        origin = get_origin(option)
        if origin is Literal:
            words.append("one of " + ", ".join(toml_value(a) for a in get_args(option)))
        elif origin is tuple:
            item = get_args(option)[0]
            words.append("array of tables" if attrs.has(item) else f"array of {_plural(type_words(item))}")
        elif attrs.has(option):
            words.append("table")
        else:
            words.append(_SCALARS.get(option, str(option)))
    return " or ".join(words)


def _plural(word: str) -> str:
    return word if word.startswith("one of") else f"{word}s"


def _placeholder(tp: Any) -> str:
    """A value of type ``tp`` for an example line, when the docs give none."""
    option = _options(tp)[0]
    origin = get_origin(option)
    if origin is Literal:
        return toml_value(get_args(option)[0])
    if origin is tuple:
        return f"[{_placeholder(get_args(option)[0])}]"
    return {int: "1", float: "1.0", str: '"text"', bool: "true"}.get(option, "{}")


def example_line(name: str, field: attrs.Attribute, doc: Doc | None) -> str:
    """``name = value``: the docs' example, else the field's default, else a placeholder."""
    if doc is not None:
        return f"{name} = {doc.example}"
    default = field.default
    if default is not attrs.NOTHING and not isinstance(default, attrs.Factory) and default is not None \
            and not attrs.has(type(default)) and default != ():  # type: ignore[arg-type]
        return f"{name} = {toml_value(default)}"
    return f"{name} = {_placeholder(field.type)}"


def _inline(cls: type, path: str, docs: Docs) -> str:
    """An inline table of ``cls`` holding its required keys (or its first key)."""
    fields = fields_of(cls)
    chosen = [n for n, f in fields.items() if f.default is attrs.NOTHING] or list(fields)[:1]
    lines = [example_line(n, fields[n], docs.keys.get(f"{path}.{n}" if path else n)) for n in chosen]
    return "{" + ", ".join(lines) + "}"


# --- strict parsing ------------------------------------------------------------------------


def _kind(value: Any) -> str:
    """What a TOML value is, in TOML's words."""
    if isinstance(value, bool):
        return "a boolean"
    for tp, words in ((int, "an integer"), (float, "a number"), (str, "a string"), (list, "an array"),
                      (dict, "a table"), (datetime.datetime, "a date-time"), (datetime.date, "a date"),
                      (datetime.time, "a time")):
        if isinstance(value, tp):
            return words
    return type(value).__name__


def _got(value: Any) -> str:
    if isinstance(value, (list, dict)):
        return _kind(value)
    return f"{toml_value(value)} ({_kind(value)})"


def _wrong_type(tp: Any, value: Any, key: str, source: Source, docs: Docs,
                field: attrs.Attribute | None) -> str:
    """The message for ``value`` at ``key`` not being of type ``tp``: what was expected, what
    came, and an example line."""
    path = doc_path(key)
    name = path.split(".")[-1]
    cls, array = table_class(tp)
    expected = type_words(tp)
    if cls is not None and (array or key.endswith("]")):  # an array of tables, or one of its items
        hint = f"write each as a [[{path}]] table, or inline: {name} = [{_inline(cls, path, docs)}]"
    elif cls is not None:
        hint = f"write it as a [{path}] table, or inline: {name} = {_inline(cls, path, docs)}"
    elif field is not None:
        hint = f"e.g. {example_line(name, field, docs.keys.get(path))}"
    else:
        hint = f"e.g. {name} = {_placeholder(tp)}"
    article = "an" if expected[0] in "aeiou" else "a"
    if get_origin(_options(tp)[0]) is Literal:
        return f"{source.where(key)}: {key} = {toml_value(value)} is not {expected}; {hint}"
    return f"{source.where(key)}: {key} must be {article} {expected}, got {_got(value)}; {hint}"


def _fits(tp: Any, value: Any) -> bool:
    """Whether ``value`` is of the TOML kind that type ``tp`` reads (its range aside)."""
    origin = get_origin(tp)
    if origin is Literal:
        return any(type(value) is type(a) for a in get_args(tp))
    if origin is tuple:
        return isinstance(value, list)
    if attrs.has(tp):
        return isinstance(value, dict)
    if tp is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if tp is str:
        return isinstance(value, str) or type(value) is datetime.date
    return type(value) is tp


def _convert(tp: Any, value: Any, key: str, source: Source, docs: Docs = NO_DOCS,
             field: attrs.Attribute | None = None) -> Any:
    origin = get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in get_args(tp):
            return None
        for option in _options(tp):  # the first alternative of the value's kind says what is wrong
            if _fits(option, value):
                return _convert(option, value, key, source, docs, field)
        raise ScenarioError(_wrong_type(tp, value, key, source, docs, field), key)
    if origin is Literal:
        if value not in get_args(tp) or type(value) not in {type(a) for a in get_args(tp)}:
            raise ScenarioError(_wrong_type(tp, value, key, source, docs, field), key)
        return value
    if origin is tuple:
        (item_type, *_rest) = get_args(tp)
        if not isinstance(value, list):
            raise ScenarioError(_wrong_type(tp, value, key, source, docs, field), key)
        return tuple(_convert(item_type, v, f"{key}[{i}]", source, docs, field) for i, v in enumerate(value))
    if attrs.has(tp):
        if not isinstance(value, dict):
            raise ScenarioError(_wrong_type(tp, value, key, source, docs, field), key)
        return build(tp, value, source, key, docs)
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ScenarioError(_wrong_type(tp, value, key, source, docs, field), key)
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            raise ScenarioError(f"{source.where(key)}: {key} = {value}: give a finite number", key)
        return number
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ScenarioError(_wrong_type(tp, value, key, source, docs, field), key)
        return value
    if tp is str and type(value) is datetime.date:
        return value.isoformat()
    if tp in (str, bool):
        if type(value) is not tp:
            raise ScenarioError(_wrong_type(tp, value, key, source, docs, field), key)
        return value
    raise TypeError(f"unsupported field type {tp!r} for {key}")


def _section_words(prefix: str) -> str:
    """How a table is named in messages: ``[strategy]``, ``[[events]] number 2``, the top level."""
    if not prefix:
        return "the top level"
    match = re.fullmatch(r"(.*)\[(\d+)\]", prefix)
    if match:
        return f"[[{doc_path(match.group(1))}]] number {int(match.group(2)) + 1}"
    return f"[{doc_path(prefix)}]"


def _unknown(name: str, prefix: str, fields: dict[str, attrs.Attribute], source: Source, docs: Docs) -> str:
    """The message for an unknown key: the keys known here, a close one, or its own table."""
    key = f"{prefix}.{name}" if prefix else name
    place = f"{'in' if prefix else 'at'} {_section_words(prefix)}"
    message = f"{source.where(key)}: unknown key {key!r} {place}; known keys here: {', '.join(sorted(fields))}"
    close = difflib.get_close_matches(name, list(fields), n=1, cutoff=0.75)
    if close:
        path = doc_path(f"{prefix}.{close[0]}" if prefix else close[0])
        return message + f"; did you mean {example_line(close[0], fields[close[0]], docs.keys.get(path))}?"
    paths = [*docs.keys, *docs.sections]
    names = {p.rpartition(".")[2] for p in paths}
    for other in (name, *difflib.get_close_matches(name, sorted(names), n=1, cutoff=0.75)):
        tables = sorted({p.rpartition(".")[0] for p in paths if p and p.rpartition(".")[2] == other})
        if tables:
            places = ", ".join(f"[{t}]" if t else "the top level" for t in tables)
            return message + f"; {other!r} is a key of {places} (lstlab scenario schema lists every key)"
    return message


def _missing(name: str, prefix: str, field: attrs.Attribute, source: Source, docs: Docs) -> str:
    """The message for a required key that is absent: its type, unit, meaning and an example."""
    path = doc_path(f"{prefix}.{name}" if prefix else name)
    doc = docs.keys.get(path)
    what = type_words(field.type) + (f", {doc.unit}" if doc is not None and doc.unit else "")
    meaning = f": {doc.meaning.rstrip('.')}" if doc is not None else ""
    where = source.where(prefix) if prefix else source.name
    return (f"{where}: {_section_words(prefix)} needs the key {name!r} ({what}){meaning}; "
            f"add e.g. {example_line(name, field, doc)}")


def build(cls: type, data: dict[str, Any], source: Source, prefix: str = "", docs: Docs = NO_DOCS) -> Any:
    """An instance of attrs class ``cls`` from a TOML table, strictly (see module docstring);
    ``docs`` lends the messages their units, meanings and examples."""
    fields = fields_of(cls)
    for name in data:
        if name not in fields:
            key = f"{prefix}.{name}" if prefix else name
            raise ScenarioError(_unknown(name, prefix, fields, source, docs), key)
    for name, field in fields.items():
        if field.default is attrs.NOTHING and name not in data:
            raise ScenarioError(_missing(name, prefix, field, source, docs), prefix or None)
    kwargs = {}
    for name, value in data.items():
        key = f"{prefix}.{name}" if prefix else name
        kwargs[name] = _convert(fields[name].type, value, key, source, docs, fields[name])
    try:
        return cls(**kwargs)
    except (LstlabError, ValueError, TypeError) as exc:
        message = exc.message if isinstance(exc, LstlabError) else str(exc)
        where = source.where(prefix) if prefix else source.name
        raise ScenarioError(f"{where}: {prefix or 'scenario'}: {message}", prefix or None) from None


# --- the scenario file's keys (lstlab.sim.scenario.Scenario) -------------------------------

_ = Doc
SCENARIO_DOCS = Docs(
    sections={
        "": "What the run is called.",
        "world": "The world the run is built in: Ethereum and an L2 with the issuer, lending markets, pools, "
                 "bridge and DAO (lstlab.world.params.WorldParams).",
        "world.lst": "The Lido-style issuer on Ethereum.",
        "world.lending": "The Aave V3-style market on Ethereum (its reserves come from the preset) and its "
                         "background lender and borrower.",
        "world.pools": "The wstETH/WETH and WETH/USDC venues; each switch set to false removes its pool.",
        "world.bridge": "The lock-and-mint bridge that carries wstETH to the L2.",
        "world.governance": "The DAO: a votes token, a governor and a timelock (OpenZeppelin's rules).",
        "strategy": "The user's wstETH/WETH loop, opened at the start in one flash-loan transaction.",
        "strategy.band": "Rebalancing: when the health factor leaves [low, high] the loop is brought back to "
                         "target. Without this table the loop is never rebalanced.",
        "agents": "The agents that act each step besides the user (lstlab.sim.backtest.default_agents).",
        "agents.flows": "The background lending flows: seeded mean-reverting processes of the WETH reserve's "
                        "utilisation and size, which move the borrow rate.",
        "prices": "Where the prices come from: a price table (the shipped data by default) or a seeded "
                  "synthetic path.",
        "prices.synthetic": "The seeded synthetic path, read when source = \"synthetic\": ETH/USD as "
                            "geometric Brownian motion, stETH/ETH from the fitted bootstrap or par.",
        "prices.synthetic.depegs": "Scheduled stETH/ETH shocks multiplied into the synthetic path: down to "
                                   "1 - depth at start_day, held, then back to par linearly.",
        "events": "Scheduled events, each applied at the first step at or after its time.",
        "run": "How the run prices the LST and seeds its random inputs.",
    },
    keys={
        "name": _("", "The run's name, in its report and summary.", '"june-2022-depeg"'),
        "description": _("", "One line on what the run tests, printed in its report.",
                         '"10x loop through the 2022 stETH discount"'),
        "world.start": _("date", "Start of the clock when no price table sets it.", '"2023-06-19"'),
        "world.eth_usd": _("USD per ETH", "ETH/USD when the world is built.", "1719.0"),
        "world.steth_eth": _("ETH per stETH", "Market stETH/ETH when the world is built.", "1.0"),
        "world.markets": _("preset names", "Lending-market presets on Ethereum (lending.presets.PRESETS); "
                           "the first is the loop's market.", '["aave-v3", "aave-v2"]'),
        "world.markets_as_of": _('date or "latest"', "The date every preset is deployed as of; \"latest\": "
                                 "each preset's newest figures.", '"2023-06-19"'),
        "world.providers": _("provider names", "Liquid staking providers in the world (lst.PROVIDERS); "
                             "\"steth\" is always present.", '["steth", "reth"]'),
        "world.lst.staked_eth": _("ETH", "ETH staked with the issuer.", "9_500_000"),
        "world.lst.operators": _("operators", "Node operators of the curated set.", "30"),
        "world.lst.fee_bps": _("bps", "Protocol fee on rewards.", "1000"),
        "world.lst.staking_apr": _("fraction a year", "Reward APR when the price table has no staking_apr "
                                   "column.", "0.035"),
        "world.lst.start_rate": _("stETH per wstETH", "The issuer's share rate at the start (at least 1).",
                                  "1.129"),
        "world.lending.oracle": _("", "What the market's built-in feed reads for wstETH: the protocol rate "
                                  "or stETH/ETH (run.oracle then installs the run's).", '"market"'),
        "world.lending.weth_supplied": _("WETH", "WETH supplied by the passive lender.", "2_000_000"),
        "world.lending.weth_borrowed": _("WETH", "WETH borrowed by the background borrower.", "1_700_000"),
        "world.lending.background_wsteth": _("wstETH", "wstETH collateral of the background borrower.",
                                             "2_500_000"),
        "world.lending.usdc_supplied": _("USDC", "USDC supplied, the market's stablecoin to borrow.",
                                         "500_000_000"),
        "world.lending.liquidation_v33": _("", "Aave v3.3 liquidation rules instead of v3.0.2.", "true"),
        "world.lending.background": _("", "The background borrower and its flows; false: no such position.",
                                      "false"),
        "world.pools.curve": _("", "The Ethereum StableSwap wstETH/WETH pool.", "false"),
        "world.pools.v2": _("", "The constant-product wstETH/WETH pair.", "false"),
        "world.pools.usdc_v2": _("", "The constant-product WETH/USDC pair.", "false"),
        "world.pools.l2_curve": _("", "The L2 StableSwap wstETH/WETH pool.", "false"),
        "world.pools.curve_eth": _("ETH", "ETH side of the StableSwap pool.", "235_285"),
        "world.pools.curve_steth": _("stETH", "stETH side of the StableSwap pool (held as wstETH).",
                                     "241_954"),
        "world.pools.curve_a": _("", "StableSwap amplification A.", "30"),
        "world.pools.curve_fee": _("1e-10 (4_000_000 = 0.04%)", "StableSwap swap fee.", "4_000_000"),
        "world.pools.curve_admin_fee": _("1e-10 of the fee", "Share of the swap fee paid to the admin.",
                                         "5_000_000_000"),
        "world.pools.v2_weth": _("WETH", "WETH side of the wstETH/WETH pair.", "5_000"),
        "world.pools.usdc_v2_weth": _("WETH", "WETH side of the WETH/USDC pair.", "20_000"),
        "world.pools.l2_curve_weth": _("WETH", "WETH side of the L2 StableSwap pool.", "4_000"),
        "world.pools.l2_curve_wsteth": _("stETH", "stETH value of the bridged wstETH side of the L2 pool.",
                                         "4_000"),
        "world.bridge.deposit_latency": _("seconds", "Time until an L1->L2 deposit is minted.", "180"),
        "world.bridge.withdrawal_delay": _("seconds", "The optimistic challenge period of a withdrawal.",
                                           "604_800"),
        "world.bridge.bridged_wsteth": _("wstETH", "wstETH bridged at the start, supplied to the L2 market.",
                                         "50_000"),
        "world.bridge.l2_weth": _("WETH", "WETH supplied to the L2 market.", "40_000"),
        "world.bridge.cex_l2_wsteth": _("stETH", "stETH value of the wstETH the exchange holds on the L2.",
                                        "3_000"),
        "world.governance.supply": _("tokens", "Governance token supply.", "1_000_000_000"),
        "world.governance.quorum_percent": _("percent of supply", "Votes a proposal needs to pass.", "4"),
        "world.governance.voting_delay_blocks": _("blocks", "Blocks from a proposal to its vote.", "7_200"),
        "world.governance.voting_period_blocks": _("blocks", "Blocks the vote lasts.", "50_400"),
        "world.governance.timelock_delay": _("seconds", "Time from queueing to execution.", "172_800"),
        "strategy.health": _("health factor", "Open at this health factor instead of a leverage.", "1.1"),
        "strategy.leverage": _("collateral / equity", "The loop's leverage; give it or health, not both.",
                               "8.0", default="5.0 unless health is given"),
        "strategy.equity_eth": _("ETH", "The user's own ETH put into the loop.", "100.0"),
        "strategy.band.low": _("health factor", "Rebalance when the health factor falls below this.", "1.03"),
        "strategy.band.target": _("health factor", "The health factor a rebalance brings back.", "1.06"),
        "strategy.band.high": _("health factor", "Rebalance when the health factor rises above this.",
                                "1.15"),
        "agents.relayer": _("", "Deliver L1->L2 messages and push the wstETH rate to the L2 daily.", "false"),
        "agents.background": _("", "Seeded lending flows that move the WETH borrow rate.", "false"),
        "agents.arbitrageur": _("", "Hold every pool at the data's price, hedging on an exchange.", "false"),
        "agents.liquidator": _("", "Liquidate every position below health factor 1 when it pays.", "false"),
        "agents.loops": _("positions", "Other seeded loop positions opened at the start.", "20"),
        "agents.flows.mean_utilisation": _("fraction", "Long-run WETH utilisation.", "0.91"),
        "agents.flows.utilisation_sd": _("sd of logit(u)", "Stationary spread of the utilisation.", "0.15"),
        "agents.flows.utilisation_half_life": _("seconds", "Time for a utilisation deviation to halve.",
                                                "604_800"),
        "agents.flows.liquidity_sd": _("sd of log(size)", "Stationary spread of the reserve's size.", "0.1"),
        "agents.flows.liquidity_half_life": _("seconds", "Time for a size deviation to halve.", "2_592_000"),
        "agents.flows.mean_liquidity_eth": _("ETH", "Long-run reserve size; unset: its size when the flows "
                                             "start.", "2_000_000.0"),
        "agents.flows.health_floor": _("health factor", "The background borrower never borrows below this.",
                                       "1.2"),
        "prices.source": _("", "A price table (data) or the seeded synthetic path.", '"synthetic"'),
        "prices.file": _("path", "A CSV or Parquet price table, relative to the scenario file.",
                         '"my-prices.csv"'),
        "prices.dataset": _("dataset name", "A shipped series (lstlab.market.data.DATASETS); neither file "
                            "nor dataset: the default series.", '"coingecko-2021-2023"'),
        "prices.start": _("date", "First date of the table to use.", '"2022-05-01"'),
        "prices.end": _("date", "Last date of the table to use.", '"2022-07-31"'),
        "prices.allow_gaps": _("", "Run over gaps in the table's time steps instead of refusing it.", "true"),
        "prices.synthetic.days": _("days", "Length of the path.", "90"),
        "prices.synthetic.steps_per_day": _("rows a day", "Rows per day (24: hourly).", "24"),
        "prices.synthetic.eth_start": _("USD per ETH", "ETH/USD on the first row.", "2000.0"),
        "prices.synthetic.drift": _("fraction a year", "Annualised drift of ETH/USD.", "0.1"),
        "prices.synthetic.volatility": _("fraction a year", "Annualised volatility of ETH/USD.", "0.6"),
        "prices.synthetic.staking_apr": _("fraction a year", "The staking APR, or the mean of its process.",
                                          "0.035"),
        "prices.synthetic.start": _("date", "Date of the first row (UTC).", '"2024-01-01"'),
        "prices.synthetic.steth_model": _("", "stETH/ETH from the bootstrap of the shipped history (process) "
                                          "or held at par.", '"par"'),
        "prices.synthetic.steth_dataset": _("dataset name", "The shipped series the process is fitted to; "
                                            "unset: the default.", '"coingecko-2021-2023"'),
        "prices.synthetic.steth_start": _("ETH per stETH", "First stETH/ETH of the process (1.0: par).",
                                          "0.99"),
        "prices.synthetic.apr_model": _("", "A varying staking APR (process) or a constant one.",
                                        '"constant"'),
        "prices.synthetic.depegs.start_day": _("days", "Day of the path the shock starts (0: the first row).",
                                               "30"),
        "prices.synthetic.depegs.depth": _("fraction of par", "stETH/ETH falls to 1 - depth.", "0.05"),
        "prices.synthetic.depegs.hold_days": _("days", "Days the price stays at its low.", "3"),
        "prices.synthetic.depegs.recovery_days": _("days", "Days of the linear return to par.", "10"),
        "events.kind": _("", "What happens.", '"slash"'),
        "events.at": _("date, or days from the start", "When it happens.", "30"),
        "events.operators": _("operator ids", "slash: the operators slashed together.", "[0, 1, 2]"),
        "events.validators": _("validators", "slash: validators slashed per operator; 0: all.", "0"),
        "events.amount": _("wstETH", "bridge-exploit: wstETH minted on the L2 without backing.", "20000.0"),
        "events.recipient": _("account", "bridge-exploit: who receives the minted wstETH.", '"attacker"'),
        "events.target": _("contract", "governance: the contract whose parameter changes.", '"aave"'),
        "events.parameter": _("parameter name", "governance: the parameter to set.",
                              '"emode.1.liquidation_threshold"'),
        "events.value": _("the parameter's unit", "governance: the value the proposal sets.", "9300"),
        "events.future_a": _("", "ramp-a: the StableSwap A the ramp ends at.", "60"),
        "events.ramp_days": _("days", "ramp-a: how long the ramp lasts (at least 1).", "3.0"),
        "run.oracle": _("oracle name", "The wstETH oracle of the Ethereum markets "
                        "(lstlab.world.oracles.ORACLES).", '"market"'),
        "run.seed": _("", "Seed of every random input (0 to 2**128 - 1).", "7"),
    },
)
"""Unit, meaning and example of every scenario key; ``tests/lstlab/test_schema.py`` proves it
covers exactly the fields of :class:`lstlab.sim.scenario.Scenario` and its tables."""


__all__ = ["NO_DOCS", "SCENARIO_DOCS", "Doc", "Docs", "Source", "build", "doc_path", "example_line",
           "fields_of", "load_toml", "table_class", "toml_value", "type_words"]
