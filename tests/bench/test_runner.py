"""The bench runs: its modules follow the conventions, it lists them, streams records as they
come, survives a failing case, and its exactness cases run without the peer libraries."""

from __future__ import annotations

import importlib
import io
import subprocess
import sys
import types
from pathlib import Path

import pytest

from bench import bench_amm, peers, runner
from bench.harness import Check, Row, Timing

ROOT = Path(__file__).resolve().parents[2]


def test_every_module_follows_the_conventions() -> None:
    """Each bench_<topic>.py has a CASES list (and optionally FULL_CASES) of callables."""
    topics = runner.topics()
    assert {"amm", "chain", "lending", "lst", "bridge", "governance", "lstlab", "lstlab_agents", "sweeps"} <= set(topics)
    for topic in topics:
        module = importlib.import_module(f"bench.bench_{topic}")
        for full in (False, True):
            assert runner.cases(module, full) and all(callable(c) for c in runner.cases(module, full))


def test_list_command() -> None:
    """``python -m bench --list`` names every topic and its cases, marking those of --full."""
    out = subprocess.run([sys.executable, "-m", "bench", "--list"], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    lines = out.splitlines()
    assert "amm" in lines and "sweeps" in lines
    assert "  v2_swaps" in [line.split(":")[0] for line in lines]
    assert any(line.startswith("  sweeps:") and line.endswith("(--full)") for line in lines)


def test_unknown_topic() -> None:
    """An unknown topic is status 2 and runs nothing."""
    out = io.StringIO()
    assert runner.main(["no-such-topic"], out=out) == 2
    assert out.getvalue() == ""


def _fake(cases: list, full: list | None = None) -> types.ModuleType:
    module = types.ModuleType("bench_fake")
    module.CASES = cases
    if full is not None:
        module.FULL_CASES = full
    return module


T = Timing((2e-6,))


def test_streams_then_tables() -> None:
    """Each record is printed when its case yields it, before the next is computed; tables follow."""
    out = io.StringIO()
    seen: list[str] = []

    def case():
        yield Row("first", T, "base", T)
        seen.append(out.getvalue())
        yield Check("lstlab", "ref", 0, 5, exact=True)

    results, failed = runner.run_topics({"fake": _fake([case])}, full=False, out=out)
    assert failed == 0
    assert "first: 2.00 us" in seen[0] and "lstlab: 0 of 5" not in seen[0]
    rows, checks = results["fake"]
    assert [r.case for r in rows] == ["first"] and [c.subject for c in checks] == ["lstlab"]
    runner.print_tables(results, out)
    assert out.getvalue().count("## fake") == 2 and "1.00x" in out.getvalue()


def test_failing_case_does_not_stop_the_others() -> None:
    """A case that raises is reported and counted; the next case still runs."""
    out, err = io.StringIO(), io.StringIO()

    def broken():
        raise RuntimeError("boom")

    def fine():
        return [Row("fine", T)]

    results, failed = runner.run_topics({"fake": _fake([broken, fine])}, full=False, out=out, err=err)
    assert failed == 1
    assert "fake.broken FAILED" in out.getvalue() and "RuntimeError: boom" in err.getvalue()
    assert [r.case for r in results["fake"][0]] == ["fine"]


def test_full_runs_full_cases() -> None:
    """--full runs FULL_CASES instead of CASES; without FULL_CASES it runs CASES."""
    def quick():
        return [Row("quick", T)]

    def large():
        return [Row("large", T)]

    out = io.StringIO()
    assert [r.case for r in runner.run_topics({"f": _fake([quick], [large])}, True, out)[0]["f"][0]] == ["large"]
    assert [r.case for r in runner.run_topics({"f": _fake([quick])}, True, out)[0]["f"][0]] == ["quick"]


@pytest.fixture
def no_peers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Neither curvesim nor UniswapPy can be imported."""
    for name in peers.DISTRIBUTIONS:
        monkeypatch.setitem(sys.modules, name, None)


def test_peer_missing(no_peers: None) -> None:
    """A missing peer loads as None and its note says how to install it."""
    assert peers.load("curvesim") is None and peers.load("uniswappy") is None
    assert "pip install -e '.[bench]'" in peers.missing("curvesim")
    with pytest.raises(ValueError):
        peers.load("numpy")


def test_v2_exactness_without_peers(no_peers: None) -> None:
    """lstlab's router pays the floor formula on every random swap; the peer's count is skipped."""
    lstlab, uniswappy = bench_amm.v2_exactness(300)
    assert (lstlab.off, lstlab.total, lstlab.verdict) == (0, 300, "pass")
    assert (uniswappy.total, uniswappy.verdict) == (0, "skipped") and "UniswapPy" in uniswappy.note


def test_stableswap_exactness_without_peers(no_peers: None) -> None:
    """lstlab's exchange pays the transliteration's output on every random exchange."""
    lstlab, curvesim = bench_amm.stableswap_exactness(300)
    assert (lstlab.off, lstlab.total, lstlab.verdict) == (0, 300, "pass")
    assert lstlab.note == "balances and admin balances equal after"
    assert (curvesim.total, curvesim.verdict) == (0, "skipped") and "curvesim" in curvesim.note
