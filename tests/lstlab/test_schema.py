"""Strict TOML-to-attrs configuration: errors name file, line, table and key, with the type
expected and an example; the scenario's key table covers exactly the scenario classes."""

from __future__ import annotations

import tomllib
from typing import Literal

import attrs
import pytest

from lstlab.cli.reference import coverage, reference
from lstlab.errors import ScenarioError
from lstlab.sim import scenario as sc
from lstlab.sim.schema import SCENARIO_DOCS, Doc, Docs, Source, build, load_toml


@attrs.frozen
class Shock:
    day: int
    depth: float = attrs.field(default=0.1)

    @depth.validator
    def _depth(self, _attr, value):
        if not 0 <= value < 1:
            raise ValueError(f"depth {value} must be in [0, 1)")


@attrs.frozen
class Config:
    name: str = "x"
    leverage: float = 2.0
    mode: Literal["market", "exchange-rate"] = "market"
    seed: int | None = None
    shocks: tuple[Shock, ...] = ()
    inner: Shock = Shock(1)
    hidden: str = attrs.field(default="", metadata={"toml": False})


TEXT = """\
name = "june"
leverage = 5

[inner]
day = 3

[[shocks]]
day = 10
depth = 0.05
"""


def _build(tmp_path, text, cls=Config, docs=None):
    path = tmp_path / "s.toml"
    path.write_text(text)
    data, source = load_toml(path)
    return build(cls, data, source, docs=docs) if docs else build(cls, data, source)


def test_builds_typed_values(tmp_path):
    config = _build(tmp_path, TEXT)
    assert config == Config(name="june", leverage=5.0, shocks=(Shock(10, 0.05),), inner=Shock(3))
    assert isinstance(config.leverage, float)


def test_a_toml_date_is_read_as_its_text(tmp_path):
    """An unquoted TOML date in a string field is its ISO text, as if it had been quoted."""
    assert _build(tmp_path, "name = 2022-06-10\n").name == "2022-06-10"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colour = 1\n" + TEXT,
         "s.toml:1: unknown key 'colour' at the top level; known keys here: inner, leverage, mode, name, seed, shocks"),
        (TEXT + "colour = 1\n", ("s.toml:10: unknown key 'shocks[0].colour' in [[shocks]] number 1; known keys here: "
                                "day, depth")),
        (TEXT.replace("day = 3", "day = 3\nwhen = 2"), "s.toml:6: unknown key 'inner.when' in [inner]"),
        (TEXT.replace("day = 3", "day = 3\ndept = 0.2"), "did you mean depth = 0.1?"),
        ('hidden = "x"\n', "unknown key 'hidden' at the top level"),
        (TEXT.replace("leverage = 5", 'leverage = "5"'),
         's.toml:2: leverage must be a number, got "5" (a string); e.g. leverage = 2.0'),
        (TEXT.replace("day = 10", "day = 1.5"), "shocks[0].day must be an integer, got 1.5 (a number); e.g. day = 1"),
        (TEXT.replace("depth = 0.05", "depth = 2.0"), "depth 2.0 must be in [0, 1)"),
        ('mode = "oracle"\n' + TEXT,
         's.toml:1: mode = "oracle" is not one of "market", "exchange-rate"; e.g. mode = "market"'),
        (TEXT.replace("leverage = 5", "leverage = true"), "leverage must be a number, got true (a boolean)"),
        ("inner = 3\n", ("inner must be a table, got 3 (an integer); write it as a [inner] table, or inline: "
                        "inner = {day = 1}")),
        ("shocks = {day = 3}\n", ("shocks must be an array of tables, got a table; write each as a [[shocks]] "
                                 "table, or inline: shocks = [{day = 1}]")),
        ("shocks = [3]\n", "shocks[0] must be a table, got 3 (an integer); write each as a [[shocks]] table"),
        ("[[shocks]]\ndepth = 0.2\n", "s.toml:1: [[shocks]] number 1 needs the key 'day' (integer); add e.g. day = 1"),
        ("name = \n", "not valid TOML"),
    ],
)
def test_errors_name_line_and_key(tmp_path, text, message):
    with pytest.raises(ScenarioError) as info:
        _build(tmp_path, text)
    assert message in str(info.value)
    assert "__init__" not in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(ScenarioError, match="does not exist"):
        load_toml(tmp_path / "nope.toml")


def test_line_of_nested_table():
    source = Source("f", "a = 1\n[world.lending]\nltv = 3\n[world]\nltv = 4\n")
    assert source.line_of("world.lending.ltv") == 3
    assert source.line_of("world.ltv") == 5
    assert source.line_of("world.lending") == 2


# --- the scenario file's key table --------------------------------------------------------


def test_the_docs_cover_exactly_the_scenario_classes():
    """Every key and table under Scenario has a unit, meaning and example, and the table names
    nothing else: a field added to a class without its row (or a row left behind) fails here."""
    assert coverage() == ([], [])
    assert all(key.meaning and key.example for section in reference() for key in section.keys)
    assert all(section.meaning for section in reference())


def test_coverage_names_what_the_docs_lack_and_what_they_have_in_excess():
    """On a small schema: an undocumented key and table are listed, and so is a row for a key
    the classes do not have."""
    docs = Docs(keys={"name": Doc("", "its name", '"a"'), "inner.day": Doc("days", "the day", "3"),
                      "inner.colour": Doc("", "gone", '"red"')},
                sections={"": "top", "inner": "a shock"})
    missing, extra = coverage(Config, docs)
    assert missing == ["inner.depth", "leverage", "mode", "seed", "shocks", "shocks.day", "shocks.depth"]
    assert extra == ["inner.colour"]


def test_the_reference_reads_types_and_defaults_from_the_classes():
    """Types and defaults come from the classes: a changed default shows in the reference."""
    keys = {key.path: key for section in reference() for key in section.keys}
    assert len(keys) == 95
    assert (keys["prices.synthetic.days"].type, keys["prices.synthetic.days"].default) == ("integer", "365")
    assert keys["world.lst.staked_eth"].default == "9_000_000"
    assert keys["run.oracle"].type == 'one of "' + '", "'.join(sc.ORACLES) + '"'
    assert keys["prices.synthetic.depegs.depth"].default == "required"
    assert keys["strategy.health"].default == "unset"
    assert keys["strategy.leverage"].default == "5.0 unless health is given"
    assert keys["world.markets"].type == "array of strings"
    assert keys["events.at"].type == "number or string"
    assert "base_dir" not in {key.name for key in reference()[0].keys}
    arrays = [section.path for section in reference() if section.array]
    assert arrays == ["prices.synthetic.depegs", "events"]


def _required_examples(section) -> dict:
    return {k.name: tomllib.loads(k.example)[k.name] for k in section.keys if k.default == "required"}


def test_every_example_is_a_valid_value_of_its_key():
    """Each key's example line is TOML for that key, and its table builds with it (with the
    examples of the table's required keys beside it)."""
    source = Source("example", "")
    checked = 0
    for section in reference():
        for key in section.keys:
            parsed = tomllib.loads(key.example)
            assert list(parsed) == [key.name], key.example
            data = {**_required_examples(section), **parsed}
            built = build(section.cls, data, source, section.path, SCENARIO_DOCS)
            assert attrs.has(type(built))
            checked += 1
    assert checked == 95


def _table_text(section, key, line: str) -> str:
    """``line`` as line 2 of the section's table (line 1 at the top level), with the examples
    of the table's other required keys after it."""
    if not section.path:
        return line + "\n"
    required = [k.example for k in section.keys if k.default == "required" and k.name != key.name]
    header = f"[[{section.path}]]" if section.array else f"[{section.path}]"
    return "\n".join([header, line, *required]) + "\n"


def test_every_key_of_the_wrong_type_names_its_table_type_and_example(tmp_path):
    """A table where a value belongs, for every key of every table: the error names the line,
    the key, the type expected and the key's own example, never a Python TypeError."""
    for section in reference():
        for key in section.keys:
            path = tmp_path / "s.toml"
            path.write_text(_table_text(section, key, f"{key.name} = {{wrong = 1}}"))
            with pytest.raises(ScenarioError) as info:
                sc.load_scenario(path)
            message = info.value.message
            dotted = f"{section.path}[0].{key.name}" if section.array else key.path
            assert f"s.toml:{2 if section.path else 1}: {dotted} " in message, message
            assert key.type in message and f"e.g. {key.example}" in message, message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # issue 17: a depeg without its depth once leaked Depeg.__init__()'s TypeError
        ('[prices]\nsource = "synthetic"\n[prices.synthetic]\ndays = 20\ndepegs = [{start_day = 5}]\n',
         ("s.toml:5: [[prices.synthetic.depegs]] number 1 needs the key 'depth' (number, fraction of par): "
         "stETH/ETH falls to 1 - depth; add e.g. depth = 0.05")),
        ('[prices.synthetic]\n[[prices.synthetic.depegs]]\ndepth = 0.1\n',
         "s.toml:2: [[prices.synthetic.depegs]] number 1 needs the key 'start_day' (number, days)"),
        ("[[events]]\nat = 3\n", ("s.toml:1: [[events]] number 1 needs the key 'kind' (one of \"slash\", "
                                 "\"bridge-exploit\", \"ramp-a\", \"governance\"): What happens; add e.g. kind = \"slash\"")),
        ('[[events]]\nkind = "slash"\n', "needs the key 'at' (number or string, date, or days from the start)"),
        ("[prices]\ndepegs = 3\n", ("unknown key 'prices.depegs' in [prices]; known keys here: allow_gaps, dataset, "
                                   "end, file, source, start, synthetic; 'depegs' is a key of [prices.synthetic]")),
        ("levrage = 3\n", ("unknown key 'levrage' at the top level; known keys here: agents, description, events, "
                          "name, prices, run, strategy, world; 'leverage' is a key of [strategy]")),
        ("[strategy]\nleverag = 3\n", ("unknown key 'strategy.leverag' in [strategy]; known keys here: band, "
                                      "equity_eth, health, leverage; did you mean leverage = 8.0?")),
        ("[prices.synthetic]\ndepegs = {start_day = 3, depth = 0.1}\n",
         ("prices.synthetic.depegs must be an array of tables, got a table; write each as a "
         "[[prices.synthetic.depegs]] table, or inline: depegs = [{start_day = 30, depth = 0.05}]")),
        ('[world]\nmarkets = "aave-v3"\n', ('s.toml:2: world.markets must be an array of strings, got "aave-v3" '
                                           '(a string); e.g. markets = ["aave-v3", "aave-v2"]')),
        ("[world]\nmarkets = [3]\n", "world.markets[0] must be a string, got 3 (an integer); e.g. markets = "),
        ('base_dir = "elsewhere"\n', "unknown key 'base_dir' at the top level"),
        ("[strategy.band]\nlow = 1.2\n", ("s.toml:1: strategy.band: low = 1.2, target = 1.06, high = 1.15: a band "
                                         "needs 1 < low <= target <= high")),
    ],
)
def test_scenario_errors_name_table_key_type_and_example(tmp_path, text, message):
    path = tmp_path / "s.toml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as info:
        sc.load_scenario(path)
    assert message in info.value.message
    assert "__init__" not in info.value.message and "positional" not in info.value.message


def test_scenario_dates_may_be_toml_dates(tmp_path):
    """``start = 2022-05-01`` unquoted reads as the quoted date."""
    path = tmp_path / "s.toml"
    path.write_text("[prices]\nstart = 2022-05-01\nend = 2022-05-31\n[world]\nstart = 2022-05-01\n")
    s = sc.load_scenario(path)
    assert (s.prices.start, s.prices.end, s.world.start) == ("2022-05-01", "2022-05-31", "2022-05-01")
