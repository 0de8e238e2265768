"""The documentation site: every tutorial runs as written, the scenario reference page is the
one the classes generate, and ``mkdocs build --strict`` passes.

Each tutorial runs in its own temporary directory holding what a checkout gives the reader
(``lstlab/scenarios/`` and ``docs/tutorials/*.csv``), its fenced blocks in page order: a
``toml`` block (its first line ``# NAME.toml``) is saved as NAME.toml and must load as a
scenario; every line of a ``bash`` block is an ``lstlab`` command that must exit 0; a
``python`` block runs with its assertions.
"""

from __future__ import annotations

import importlib.util
import itertools
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from lstlab.cli import reference
from lstlab.cli.app import main
from lstlab.sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
TUTORIALS = ("strategy", "auditor", "quant")
BLOCK = re.compile(r"^```(\w*)\n(.*?)^```", flags=re.DOTALL | re.MULTILINE)


def blocks(page: Path) -> list[tuple[str, str]]:
    """The fenced blocks of a page as (language, text), in order."""
    return BLOCK.findall(page.read_text())


def commands(text: str) -> list[list[str]]:
    """The commands of a bash block as argv lists (continuation lines joined, comments and
    blank lines dropped)."""
    joined = text.replace("\\\n", " ")
    argvs = [shlex.split(line, comments=True) for line in joined.splitlines()]
    return [argv for argv in argvs if argv]


@pytest.fixture
def checkout(tmp_path, monkeypatch):
    """A directory with the files a tutorial reads from a checkout, as the working directory."""
    shutil.copytree(ROOT / "lstlab" / "scenarios", tmp_path / "lstlab" / "scenarios")
    (tmp_path / "docs" / "tutorials").mkdir(parents=True)
    for csv in (DOCS / "tutorials").glob("*.csv"):
        shutil.copy(csv, tmp_path / "docs" / "tutorials" / csv.name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("name", TUTORIALS)
def test_tutorial_runs_as_written(name, checkout, capsys):
    page = DOCS / "tutorials" / f"{name}.md"
    ran = {"toml": 0, "bash": 0, "python": 0}
    for language, text in blocks(page):
        assert language in ran, f"{page.name}: a ```{language} block is not run by this test"
        if language == "toml":
            first = text.splitlines()[0]
            assert re.fullmatch(r"# [\w.-]+\.toml", first), f"{page.name}: start a toml block with # NAME.toml"
            (checkout / first[2:]).write_text(text)
            load_scenario(checkout / first[2:])
        elif language == "bash":
            for argv in commands(text):
                assert argv[0] == "lstlab", f"{page.name}: {shlex.join(argv)} is not an lstlab command"
                code = main(argv[1:])
                assert code == 0, f"{page.name}: {shlex.join(argv)} exited {code}: {capsys.readouterr().err}"
        else:
            program = compile(text, f"{page.name} (python block)", "exec")
            exec(program, {"__name__": "__tutorial__"})  # noqa: S102 (the tutorial's own example, as written)
        ran[language] += 1
    assert ran["bash"] >= 2 and ran["python"] >= 1


def test_tutorial_toml_blocks_are_valid_toml():
    """Every toml block of every page parses (the tutorials' also load as scenarios, above)."""
    found = 0
    for page in DOCS.rglob("*.md"):
        for language, text in blocks(page):
            if language == "toml":
                tomllib.loads(text)
                found += 1
    assert found >= 2


def test_scenario_page_is_the_generated_reference():
    """docs/reference/scenario.md is what ``lstlab scenario schema --markdown`` prints; to
    change it, change the classes or lstlab.sim.schema.SCENARIO_DOCS and write it again."""
    page = (DOCS / "reference" / "scenario.md").read_text()
    assert page == reference.markdown(reference.reference())


def test_schema_command_prints_the_reference(capsys):
    """``lstlab scenario schema`` prints the text reference within 80 columns, ``--markdown``
    the docs page, and a SECTION only that table and the ones under it."""
    assert main(["scenario", "schema"]) == 0
    text = capsys.readouterr().out
    assert text == reference.text(reference.reference())
    assert max(len(line) for line in text.splitlines()) <= reference.WIDTH
    assert "[[prices.synthetic.depegs]]" in text and "depth" in text
    assert main(["scenario", "schema", "--markdown"]) == 0
    assert capsys.readouterr().out == (DOCS / "reference" / "scenario.md").read_text()
    assert main(["scenario", "schema", "prices.synthetic"]) == 0
    lines = capsys.readouterr().out.splitlines()
    headers = [line for line, under in itertools.pairwise(lines) if under and set(under) == {"-"}]
    assert headers == ["[prices.synthetic]", "[[prices.synthetic.depegs]]"]


def test_scenario_group_alone_prints_its_help(capsys):
    assert main(["scenario"]) == 0
    assert "schema" in capsys.readouterr().out


def test_schema_command_refuses_an_unknown_section(capsys):
    assert main(["scenario", "schema", "price"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'price' is not a table of a scenario file" in err
    assert "prices.synthetic" in err


def test_every_page_is_in_the_nav():
    """Each Markdown page of docs/ is listed in mkdocs.yml's nav (the build also warns)."""
    nav = (ROOT / "mkdocs.yml").read_text()
    pages = sorted(str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md"))
    assert [p for p in pages if f": {p}" not in nav] == []


def test_install_lines_name_existing_extras():
    """The install commands on the home page name extras that pyproject.toml defines."""
    extras = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"])
    named = re.findall(r"pip install -e '\.\[(\w+)\]'", (DOCS / "index.md").read_text())
    assert named and set(named) <= extras, f"docs/index.md names extras {named}; pyproject.toml has {extras}"


MKDOCS = importlib.util.find_spec("mkdocs") is not None


@pytest.mark.skipif(not MKDOCS, reason="mkdocs is not installed (pip install -e '.[docs]'); CI installs it")
def test_site_builds_with_warnings_as_errors(tmp_path):
    """``mkdocs build --strict``: every link, anchor and API reference resolves."""
    argv = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")]
    out = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert out.returncode == 0, out.stderr[-4000:]
    api = (tmp_path / "site" / "reference" / "api" / "sim" / "index.html").read_text()
    assert 'id="lstlab.sim.schema.build"' in api and 'id="lstlab.sim.backtest.Backtest"' in api
    assert (tmp_path / "site" / "tutorials" / "book.csv").is_file()
