"""Every kind of report page opened in headless Chromium: no console error, no request outside
the file, every chart drawn with data; and pages broken on purpose (a chart's data removed,
BokehJS loaded from outside the file, an external script) fail the same check."""

from __future__ import annotations

import html
import json
import re

import pytest

from tests.lstlab.report.browser import check_page
from tests.lstlab.report.conftest import BUILDERS

CHARTS = {
    "backtest": ("position", "equity", "health", "market", "market_usd", "tracking", "rates", "utilisation",
                 "rate_curve", "system"),
    "sweep-1d": ("probabilities", "apy"),
    "sweep-2d": ("p_loop_liquidated", "p_any_liquidation", "p_bad_debt", "apy_market_p50",
                 "p_loop_liquidated_intervals"),
    "probe": ("thresholds_steth-eth", "thresholds_lst-rate", "cascade_debt", "cascade_venues", "cascade_prices",
              "cascade_bad_debt"),
    "probe-sale": ("thresholds_steth-eth", "thresholds_lst-rate", "cascade_debt", "cascade_venues",
                   "cascade_prices", "cascade_bad_debt"),
    "account": ("value_eth", "holdings"),
}
"""The charts each page draws, in order (the probes' ETH/USD factor has no threshold: ETH-priced loops)."""


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_every_page_renders_its_charts_offline(kind, pages, browser, tmp_path):
    shot = tmp_path / f"{kind}.png"
    checked = check_page(browser, pages[kind], shot)
    assert checked.problems == []
    assert tuple(checked.charts) == CHARTS[kind]
    for state in checked.charts.values():
        assert state["width"] > 400 and state["height"] > 200 and state["ink"] > 2_000
        assert min(state["layers"]) > 0
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


def test_the_time_series_of_a_page_zoom_together(pages, browser):
    """One x range for every time series of the backtest page: zooming one zooms all."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(pages["backtest"].resolve().as_uri())
    page.wait_for_function("() => window.Bokeh && Bokeh.documents.length > 0 && Bokeh.documents[0].is_idle")
    shared = page.evaluate("""() => {
      const doc = Bokeh.documents[0];
      const keys = ['position', 'equity', 'health', 'market', 'tracking', 'rates', 'utilisation', 'system'];
      const ranges = keys.map((k) => doc.get_model_by_name(k).x_range.id);
      const curve = doc.get_model_by_name('rate_curve').x_range.id;
      return {same: ranges.every((r) => r === ranges[0]), curve_apart: curve !== ranges[0]};
    }""")
    context.close()
    assert shared == {"same": True, "curve_apart": True}


# --- pages broken on purpose ---------------------------------------------------------

DOCS = re.compile(r"const docs_json = '(.*?)';", re.DOTALL)


def _docs(text: str) -> dict:
    """The Bokeh document of a page (undoing Bokeh's escaping of it into a JS string)."""
    return json.loads(html.unescape(DOCS.search(text).group(1).replace("\\\\", "\\")))


def _with_docs(text: str, docs: dict) -> str:
    body = html.escape(json.dumps(docs, separators=(",", ":")), quote=False).replace("'", "&#x27;")
    body = body.replace("\\", "\\\\")
    return DOCS.sub(lambda _: f"const docs_json = '{body}';", text, count=1)


def _sources(node) -> list[dict]:
    """Every ColumnDataSource object under ``node``."""
    if isinstance(node, list):
        return [s for item in node for s in _sources(item)]
    if not isinstance(node, dict):
        return []
    found = [node] if node.get("name") == "ColumnDataSource" else []
    return found + [s for value in node.values() for s in _sources(value)]


def without_data(text: str, key: str) -> str:
    """The page with every column of chart ``key``'s data emptied."""
    docs = _docs(text)
    for doc in docs.values():
        for root in doc["roots"]:
            if root["attributes"].get("name") == key:
                for source in _sources(root):
                    data = source["attributes"]["data"]
                    data["entries"] = [[name, []] for name, _ in data["entries"]]
    return _with_docs(text, docs)


def test_the_page_round_trips_through_the_editor(pages, browser, tmp_path):
    """The editing of the broken pages below changes nothing by itself: a page re-encoded passes."""
    text = pages["sweep-1d"].read_text()
    again = tmp_path / "again.html"
    again.write_text(_with_docs(text, _docs(text)))
    assert check_page(browser, again, tmp_path / "again.png").problems == []


def test_a_chart_without_its_data_fails(pages, browser, tmp_path):
    broken = tmp_path / "no-data.html"
    broken.write_text(without_data(pages["sweep-1d"].read_text(), "apy"))
    checked = check_page(browser, broken, tmp_path / "no-data.png")
    assert checked.problems == ["chart 'apy' has 5 of 5 layers without data"]
    assert checked.charts["probabilities"]["layers"] == [5] * 12


def test_bokehjs_from_outside_the_file_fails(pages, browser, tmp_path):
    """The same page with BokehJS core from its CDN instead of inline."""
    from bokeh.resources import Resources

    from lstlab.report.page import bokeh_script

    text = pages["sweep-1d"].read_text()
    assert bokeh_script() in text
    broken = tmp_path / "cdn.html"
    broken.write_text(text.replace(bokeh_script(), Resources(mode="cdn", components=["bokeh"]).render_js()))
    checked = check_page(browser, broken, tmp_path / "cdn.png")
    outside = [p for p in checked.problems if p.startswith("request outside the file: https://cdn.bokeh.org/")]
    assert len(outside) == 1
    assert "BokehJS is not in the page after it loaded" in checked.problems
    assert "chart 'apy' has no Bokeh model named 'apy': it did not render" in checked.problems


def test_an_external_script_fails_even_when_the_charts_render(pages, browser, tmp_path):
    text = pages["sweep-1d"].read_text()
    broken = tmp_path / "external.html"
    broken.write_text(text.replace("</head>", "<script src='https://example.com/tracker.js'></script></head>", 1))
    checked = check_page(browser, broken, tmp_path / "external.png")
    assert checked.problems[0] == "request outside the file: https://example.com/tracker.js"
    assert not [p for p in checked.problems if p.startswith("chart ")]
    assert tuple(checked.charts) == CHARTS["sweep-1d"]
