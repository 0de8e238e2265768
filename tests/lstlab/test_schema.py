"""Strict TOML-to-attrs configuration: errors name file, line and key."""

from __future__ import annotations

from typing import Literal

import attrs
import pytest

from lstlab.errors import ScenarioError
from lstlab.sim.schema import Source, build, load_toml


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


TEXT = """\
name = "june"
leverage = 5

[inner]
day = 3

[[shocks]]
day = 10
depth = 0.05
"""


def _build(tmp_path, text):
    path = tmp_path / "s.toml"
    path.write_text(text)
    data, source = load_toml(path)
    return build(Config, data, source)


def test_builds_typed_values(tmp_path):
    config = _build(tmp_path, TEXT)
    assert config == Config(name="june", leverage=5.0, shocks=(Shock(10, 0.05),), inner=Shock(3))
    assert isinstance(config.leverage, float)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colour = 1\n" + TEXT, "s.toml:1: unknown key 'colour'; known keys here: inner, leverage, mode, name, seed, shocks"),
        (TEXT + "colour = 1\n", "s.toml:10: unknown key 'shocks[0].colour'; known keys here: day, depth"),
        (TEXT.replace("day = 3", "day = 3\nwhen = 2"), "s.toml:6: unknown key 'inner.when'"),
        (TEXT.replace("leverage = 5", 'leverage = "5"'), "s.toml:2: leverage must be a number, got '5'"),
        (TEXT.replace("day = 10", "day = 1.5"), "shocks[0].day must be an integer"),
        (TEXT.replace("depth = 0.05", "depth = 2.0"), "depth 2.0 must be in [0, 1)"),
        ('mode = "oracle"\n' + TEXT, "s.toml:1: mode = 'oracle' is not one of 'market', 'exchange-rate'"),
        (TEXT.replace("leverage = 5", "leverage = true"), "leverage must be a number, got True"),
        ("name = \n", "not valid TOML"),
    ],
)
def test_errors_name_line_and_key(tmp_path, text, message):
    with pytest.raises(ScenarioError) as info:
        _build(tmp_path, text)
    assert message in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(ScenarioError, match="does not exist"):
        load_toml(tmp_path / "nope.toml")


def test_line_of_nested_table():
    source = Source("f", "a = 1\n[world.lending]\nltv = 3\n[world]\nltv = 4\n")
    assert source.line_of("world.lending.ltv") == 3
    assert source.line_of("world.ltv") == 5
    assert source.line_of("world.lending") == 2
