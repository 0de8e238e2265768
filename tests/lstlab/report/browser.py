"""Open a report page in headless Chromium and say what is wrong with it.

:func:`check_page` loads the file (``file://``), refuses every request to anything but the
file itself, and collects console errors, page errors and failed requests; then, for every
``.lstlab-chart`` element of the page, checks that it has a size, that its canvases have
pixels drawn, that a Bokeh model of its name exists and that every layer of that model has
data. It writes a full-page screenshot and returns the problems found (none: the page is fine).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
"""Debian's Chromium (``apt-get install -y chromium``)."""
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
"""Launch flags: without the background-networking ones Chromium's own connections fail on a closed network."""
RENDER_TIMEOUT_MS = 20_000
INK_PIXELS = 200
"""Pixels that are neither transparent nor white a drawn chart has at least (axes alone have thousands)."""

CHARTS_JS = """() => {
  const canvases = (node, out) => {
    if (node.tagName === 'CANVAS') out.push(node);
    if (node.shadowRoot) canvases(node.shadowRoot, out);
    for (const child of node.children || []) canvases(child, out);
    return out;
  };
  const docs = (window.Bokeh && window.Bokeh.documents) || [];
  return [...document.querySelectorAll('.lstlab-chart')].map((el) => {
    const key = el.dataset.chart;
    const box = el.getBoundingClientRect();
    let sized = 0, ink = 0;
    for (const c of canvases(el, [])) {
      if (!c.width || !c.height) continue;
      sized += 1;
      const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      for (let i = 0; i < px.length; i += 4) {
        if (px[i + 3] > 0 && (px[i] < 245 || px[i + 1] < 245 || px[i + 2] < 245)) ink += 1;
      }
    }
    let model = null;
    for (const doc of docs) { model = doc.get_model_by_name(key); if (model) break; }
    const layers = model ? model.renderers.filter((r) => r.data_source)
                                          .map((r) => r.data_source.get_length() || 0) : [];
    return {key, width: box.width, height: box.height, sized, ink, model: model !== null, layers};
  });
}"""
IDLE_JS = "() => window.Bokeh !== undefined && Bokeh.documents.length > 0 && Bokeh.documents.every((d) => d.is_idle)"


@dataclass
class Checked:
    """What the check found: problems in words, each chart's state, the screenshot."""

    problems: list[str] = field(default_factory=list)
    charts: dict[str, dict[str, Any]] = field(default_factory=dict)
    screenshot: Path | None = None


def unavailable() -> str | None:
    """Why the browser check cannot run here (None: it can)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install playwright, the test extras)"
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        return f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium; .ci/run installs it when missing)"
    return None


def executable() -> str:
    return str(CHROMIUM) if CHROMIUM.exists() else str(shutil.which("chromium"))


def _chart_problems(state: dict[str, Any]) -> list[str]:
    key, out = state["key"], []
    if not (state["width"] > 0 and state["height"] > 0):
        out.append(f"chart {key!r} has no size on the page")
    if not state["model"]:
        out.append(f"chart {key!r} has no Bokeh model named {key!r}: it did not render")
    elif not state["layers"]:
        out.append(f"chart {key!r} has no data layer")
    elif min(state["layers"]) == 0:
        out.append(f"chart {key!r} has {state['layers'].count(0)} of {len(state['layers'])} layers without data")
    if not state["sized"]:
        out.append(f"chart {key!r} has no canvas with a size")
    elif state["ink"] < INK_PIXELS:
        out.append(f"chart {key!r} drew {state['ink']} pixels: blank")
    return out


def check_page(browser: Any, path: Path, screenshot: Path, expected: tuple[str, ...] = ()) -> Checked:
    """Open ``path`` in ``browser`` (a playwright Browser) and check it (module docstring);
    ``expected`` chart keys that are missing are problems too, and a page without any chart is."""
    from playwright.sync_api import TimeoutError as Timeout

    url = Path(path).resolve().as_uri()
    found = Checked()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()

    def route(r: Any) -> None:
        if r.request.url == url:
            r.continue_()
        else:
            found.problems.append(f"request outside the file: {r.request.url}")
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: found.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: found.problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: found.problems.append(f"failed request: {r.url} ({r.failure})"))
    try:
        page.goto(url, wait_until="load")
        if not page.evaluate("() => window.Bokeh !== undefined"):  # inline scripts have run by the load event
            found.problems.append("BokehJS is not in the page after it loaded")
        else:
            try:
                page.wait_for_function(IDLE_JS, timeout=RENDER_TIMEOUT_MS)
            except Timeout:
                found.problems.append(f"BokehJS did not finish rendering within {RENDER_TIMEOUT_MS} ms")
        states = page.evaluate(CHARTS_JS)
        found.charts = {s["key"]: s for s in states}
        if not states:
            found.problems.append("the page has no chart")
        for state in states:
            found.problems += _chart_problems(state)
        found.problems += [f"chart {key!r} is missing" for key in expected if key not in found.charts]
        found.screenshot = Path(screenshot)
        page.screenshot(path=str(screenshot), full_page=True)
    finally:
        context.close()
    return found
