"""The harness's statistics, interleaving, verdicts and tables (no timing is asserted: the
clock is replaced by one that ticks a fixed amount per reading)."""

from __future__ import annotations

import itertools

import pytest

from bench import harness
from bench.harness import Check, Row, Timing, Workload, fmt_seconds, measure, median, ratio, spread


class TestStatistics:
    def test_median(self) -> None:
        """The middle value of an odd count, the mean of the middle two of an even one."""
        assert median([5.0, 1.0, 3.0]) == 3.0
        assert median([4.0, 1.0, 3.0, 2.0]) == 2.5

    def test_spread(self) -> None:
        """Min and max of the rounds."""
        assert spread([2.0, 7.0, 3.0]) == (2.0, 7.0)

    def test_empty(self) -> None:
        """No rounds is an error, not a zero."""
        with pytest.raises(ValueError):
            median([])
        with pytest.raises(ValueError):
            spread([])

    def test_ratio(self) -> None:
        """Ours over the baseline; infinite against a baseline that took no time."""
        assert ratio(3.0, 1.5) == 2.0
        assert ratio(1.0, 0.0) == float("inf")


class TestMeasure:
    def test_interleaved_and_rotated(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Round k runs every workload once, starting k places along; setups run before their call."""
        ticks = itertools.count()
        monkeypatch.setattr(harness.time, "perf_counter", lambda: float(next(ticks)))
        calls: list[str] = []
        work = {name: Workload(lambda name=name: calls.append(name), n, lambda name=name: calls.append("setup-" + name))
                for name, n in (("a", 1), ("b", 2), ("c", 4))}
        t = measure(work, repeats=3)
        order = ["a", "b", "c", "b", "c", "a", "c", "a", "b"]
        assert calls == [step for name in order for step in ("setup-" + name, name)]
        assert t["a"].per_op == (1.0, 1.0, 1.0)      # one tick per call, over n operations
        assert t["b"].per_op == (0.5, 0.5, 0.5)
        assert t["c"].per_op == (0.25, 0.25, 0.25)

    def test_seven_rounds_by_default(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Every comparison runs REPEATS (7) rounds unless told otherwise."""
        monkeypatch.setattr(harness.time, "perf_counter", lambda: 0.0)
        assert len(measure({"a": Workload(lambda: None)})["a"].per_op) == 7 == harness.REPEATS

    def test_no_rounds(self) -> None:
        """Zero rounds is refused."""
        with pytest.raises(ValueError):
            measure({"a": Workload(lambda: None)}, repeats=0)


def _t(*values: float) -> Timing:
    return Timing(tuple(values))


class TestVerdicts:
    def test_row(self) -> None:
        """pass at or under the target, miss above it, nothing without one, skipped without a baseline."""
        assert Row("x", _t(4e-6), "b", _t(1e-6), target=4.0).verdict == "pass"
        assert Row("x", _t(4.1e-6), "b", _t(1e-6), target=4.0).verdict == "miss"
        assert Row("x", _t(9e-6), "b", _t(1e-6)).verdict == ""
        skipped = Row("x", _t(9e-6), "peer", None, target=1.0)
        assert (skipped.verdict, skipped.ratio) == ("skipped", None)

    def test_row_ratio_of_medians(self) -> None:
        """The ratio compares the medians, not the means or the best rounds."""
        assert Row("x", _t(1.0, 3.0, 100.0), "b", _t(1.0, 1.5, 2.0)).ratio == 2.0

    def test_check(self) -> None:
        """An exact subject passes with 0 off and misses with any; a peer's count has no verdict."""
        assert Check("lstlab", "ref", 0, 10, exact=True).verdict == "pass"
        assert Check("lstlab", "ref", 1, 10, exact=True).verdict == "miss"
        assert Check("peer", "ref", 9, 10).verdict == ""
        assert Check("peer", "ref", 0, 0, note="not installed").verdict == "skipped"


class TestFormat:
    @pytest.mark.parametrize("seconds,text", [(0.0, "0.00 ns"), (1.2e-9, "1.20 ns"), (13e-6, "13.0 us"),
                                              (100e-6, "100 us"), (0.5, "500 ms"), (12.345, "12.3 s"),
                                              (1234.5, "1,234 s")])
    def test_seconds(self, seconds: float, text: str) -> None:
        """Three significant figures in the largest unit that keeps the value at or above 1."""
        assert fmt_seconds(seconds) == text

    def test_negative(self) -> None:
        """A negative duration is a bug in the caller."""
        with pytest.raises(ValueError):
            fmt_seconds(-1.0)

    def test_row_cells(self) -> None:
        """Case, median, min-max spread (with the rounds when not 7), baseline, its median, ratio,
        target, verdict, note."""
        row = Row("swap", _t(13e-6, 12e-6, 14e-6), "pair", _t(2e-6, 2e-6, 3e-6), target=4.0, note="n")
        assert harness.row_cells(row) == ("swap", "13.0 us", "12.0 us - 14.0 us (3 rounds)", "pair", "2.00 us",
                                          "6.50x", "<= 4x", "miss", "n")
        seven = Row("swap", _t(*[1e-6] * 6, 8e-6), "pair", _t(*[1e-6] * 7))
        assert harness.row_cells(seven)[1:3] == ("1.00 us", "1.00 us - 8.00 us")

    def test_line(self) -> None:
        """A row printed as it is measured says everything on one line."""
        row = Row("swap", _t(13e-6), "pair", _t(2e-6), target=4.0)
        assert harness.format_line(row) == ("swap: 13.0 us (13.0 us - 13.0 us (1 round)) vs pair 2.00 us = 6.50x, "
                                            "target <= 4x [miss]")
        check = Check("lstlab", "the floor", 0, 1_000, exact=True)
        assert harness.format_line(check) == "lstlab: 0 of 1,000 off the floor [pass]"

    def test_line_skipped(self) -> None:
        """A row or count whose peer is missing says skipped and why, with no made-up figure."""
        row = Row("swap", _t(*[13e-6] * 7), "peer", None, target=1.0, note="peer not installed")
        assert harness.format_line(row) == "swap: 13.0 us (13.0 us - 13.0 us), peer: skipped; peer not installed"
        check = Check("peer", "the floor", 0, 0, note="peer not installed")
        assert harness.format_line(check) == "peer against the floor: skipped; peer not installed"

    def test_tables_align(self) -> None:
        """Every line of a table has its columns at the same offsets: the header's."""
        rows = [Row("a", _t(1e-6), "b", _t(2e-6)), Row("a longer case", _t(1.5), "peer", None, note="absent")]
        lines = harness.format_rows(rows).splitlines()
        end = lines[0].index("lstlab") + len("lstlab")  # a right-aligned column ends where its header does
        assert [line[end - 7:end + 1] for line in lines[2:]] == ["1.00 us ", " 1.50 s "]
        start = lines[0].index("baseline")  # a left-aligned one starts where its header does
        assert [line[start:start + 5] for line in lines[2:]] == ["b    ", "peer "]
        assert lines[2].split()[-1] == "0.50x" and lines[3].split()[-2:] == ["skipped", "absent"]
        checks = harness.format_checks([Check("lstlab", "ref", 0, 20_000, exact=True)]).splitlines()
        assert checks[2].split() == ["lstlab", "ref", "0", "20,000", "pass"]
