"""Self-contained interactive pages: headings, text, tables and charts in one HTML file.

Charts (:mod:`lstlab.report.charts`) are drawn with Bokeh, its script embedded in the page
(BokehJS core, about 1.3 MB, inline: the page opens offline and requests nothing outside
itself). Every chart zooms (box zoom, wheel zoom along x, pan, reset), shows values with their
units on hover and hides a layer when its legend entry is clicked; the time series of a page
share one time axis, so zooming one zooms them all. Each chart sits in a
``<div class="lstlab-chart" data-chart="KEY">`` (its Bokeh model is named ``KEY``).
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lstlab.report.charts import Band, Bars, Chart, Figure, Heatmap, Intervals, Line, Markers, colours

HISTORY_ROWS = 1_000
"""Rows of a long table shown before "and N more rows"."""
TALL_ROWS = 40
"""A table of more rows scrolls in a box of its own (its header stays in view)."""
TOOLS = "pan,xwheel_zoom,box_zoom,reset,save"
STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:1180px;margin:1.5em auto;
padding:0 1em;color:#222;line-height:1.4}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;margin-top:1.8em;border-bottom:1px solid #ddd}
h3{font-size:1.05em;margin-top:1.2em}nav a{margin-right:1em}p.lead{color:#555;margin-top:0}
table{border-collapse:collapse;margin:.6em 0;font-size:.9em}
th,td{border:1px solid #d4d4d4;padding:3px 8px;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}thead th{background:#f2f2f2}
tbody tr:nth-child(even){background:#fafafa}.more{color:#555;font-style:italic}
.lstlab-chart{margin:1em 0 1.6em 0}.scroll{overflow-x:auto}.tall{max-height:34em;overflow-y:auto}
.tall thead th{position:sticky;top:0}
"""


# --- values and tables ---------------------------------------------------------------


def cell(value: Any) -> str:
    """A value as a table shows it: n/a for None/NaN, counts with thousands separators, other
    numbers to 6 significant digits; strings as they are."""
    if value is None or value is pd.NaT:
        return "n/a"
    if isinstance(value, pd.Timestamp):
        return "n/a" if pd.isna(value) else (f"{value.tz_convert('UTC'):%Y-%m-%d %H:%M:%S} UTC" if value.tz is not None
                                             else f"{value:%Y-%m-%d %H:%M:%S}")
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if math.isnan(v):
            return "n/a"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return f"{int(v):,}" if v == int(v) and abs(v) < 1e15 else f"{v:,.6g}"
    return str(value)


def percent(value: Any, digits: int = 2) -> str:
    """A fraction as a percent (0.0123 -> "1.23%"); n/a for NaN."""
    v = float(value)
    return "n/a" if math.isnan(v) else f"{100 * v:.{digits}f}%"


def _numeric(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def table(header: Sequence[str], rows: Iterable[Sequence[Any]], *, more: int = 0, what: str = "rows") -> str:
    """An HTML table; numbers right-aligned and formatted by :func:`cell` unless already
    strings; ``more`` rows left out are said below it ("and N more rows")."""
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = []
    for row in rows:
        tds = "".join(f"<td class='n'>{html.escape(cell(v))}</td>" if _numeric(v) else
                      f"<td>{html.escape(cell(v))}</td>" for v in row)
        body.append(f"<tr>{tds}</tr>")
    note = f"<p class='more'>and {more:,} more {what}</p>" if more else ""
    box = "scroll tall" if len(body) > TALL_ROWS else "scroll"
    return (f"<div class='{box}'><table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
            f"{note}")


def frame_table(frame: Any, formats: Mapping[str, Callable[[Any], str]] | None = None, *,
                labels: Mapping[str, str] | None = None, limit: int | None = None, what: str = "rows") -> str:
    """A DataFrame as a table without its index: ``formats`` per column (e.g. :func:`percent`),
    ``labels`` renames headers, ``limit`` rows at most (the rest counted below)."""
    formats, labels = formats or {}, labels or {}
    shown = frame if limit is None else frame.iloc[:limit]
    rows = [[formats[c](v) if c in formats else v for c, v in zip(frame.columns, record)]
            for record in shown.itertuples(index=False)]
    return table([labels.get(str(c), str(c)) for c in frame.columns], rows, more=len(frame) - len(shown), what=what)


# --- Bokeh ---------------------------------------------------------------------------


def unit_of(label: str) -> str:
    """The unit an axis label names in its last parentheses ("equity (ETH)" -> "ETH")."""
    found = re.findall(r"\(([^()]*)\)", label)
    return found[-1] if found else ""


def _hover(renderer: Any, label: str, chart: Chart, extra: list[tuple[str, str]] = ()) -> Any:
    from bokeh.models import HoverTool

    unit = unit_of(chart.y_label) if chart.y_unit is None else chart.y_unit
    x_field = ("@x{%F %H:%M} UTC", {"@x": "datetime"}) if chart.x_type == "datetime" else ("@x{0,0.[0000]}", {})
    tooltips = [(label, f"@y{{0,0.[0000]}} {unit}".rstrip()), *extra, (chart.x_label, x_field[0])]
    return HoverTool(renderers=[renderer], tooltips=tooltips, formatters=x_field[1])


def _draw(fig: Any, chart: Chart) -> list[tuple[str, list[Any]]]:
    """Draw every layer on ``fig``; returns (legend label, renderers) in order."""
    from bokeh.models import ColumnDataSource

    items: dict[str, list[Any]] = {}
    for layer, colour in zip(chart.layers, colours(chart.layers)):
        drawn, extra = [], []
        if isinstance(layer, Line):
            source = ColumnDataSource({"x": layer.x, "y": layer.y})
            draw = fig.step if layer.step else fig.line
            kwargs = {"mode": "after"} if layer.step else {}
            drawn.append(draw("x", "y", source=source, color=colour, line_width=layer.width,
                              line_dash="dashed" if layer.dash else "solid", **kwargs))
        elif isinstance(layer, Markers):
            data = {"x": layer.x, "y": layer.y}
            if layer.names is not None:
                data["name"] = list(layer.names)
                extra = [(layer.names_label, "@name")]
            drawn.append(fig.scatter("x", "y", source=ColumnDataSource(data), marker=layer.marker, size=layer.size,
                                     color=colour, line_width=2 if layer.marker == "x" else 1))
        elif isinstance(layer, Band):
            source = ColumnDataSource({"x": layer.x, "lo": layer.lo, "hi": layer.hi, "y": layer.hi})
            drawn.append(fig.varea("x", "lo", "hi", source=source, fill_color=colour, fill_alpha=layer.alpha))
            extra = [("from", "@lo{0,0.[0000]}")]
        elif isinstance(layer, Intervals):
            data = {"x": layer.x, "y": layer.y, "lo": layer.lo, "hi": layer.hi}
            if layer.names is not None:
                data["name"] = list(layer.names)
            source = ColumnDataSource(data)
            drawn.append(fig.segment("x", "lo", "x", "hi", source=source, color=colour, line_width=1.5))
            for end in ("lo", "hi"):
                drawn.append(fig.scatter("x", end, source=source, marker="dash", size=10, color=colour))
            drawn.append(fig.scatter("x", "y", source=source, size=7, color=colour))
            extra = [("interval", "@lo{0,0.[00]} to @hi{0,0.[00]}"), *([(layer.names_label, "@name")] if layer.names else [])]
        elif isinstance(layer, Bars):
            source = ColumnDataSource({"x": layer.x, "y": layer.y})
            drawn.append(fig.vbar(x="x", top="y", width=layer.width, source=source, color=colour, alpha=0.85))
        fig.add_tools(_hover(drawn[-1], layer.label, chart, extra))
        items.setdefault(layer.label, []).extend(drawn)
    return list(items.items())


def _figure(chart: Chart, x_range: Any = None) -> Any:
    from bokeh.models import FixedTicker, Legend, LegendItem, Range1d
    from bokeh.plotting import figure

    options: dict[str, Any] = {"x_range": x_range} if x_range is not None else {}
    if chart.y_range is not None:
        options["y_range"] = Range1d(*chart.y_range)
    fig = figure(name=chart.key, title=chart.title, x_axis_label=chart.x_label, y_axis_label=chart.y_label,
                 x_axis_type=chart.x_type, height=chart.height, sizing_mode="stretch_width", tools=TOOLS,
                 active_drag="box_zoom", **options)
    items = _draw(fig, chart)
    if chart.x_ticks:
        fig.xaxis.ticker = FixedTicker(ticks=[t for t, _ in chart.x_ticks])
        fig.xaxis.major_label_overrides = {t: text for t, text in chart.x_ticks}
    legend = Legend(items=[LegendItem(label=label, renderers=r) for label, r in items], click_policy="hide",
                    label_text_font_size="9pt", spacing=2)
    fig.add_layout(legend, "right")
    fig.title.text_font_size = "12pt"
    return fig


def _heatmap(chart: Heatmap) -> Any:
    from bokeh.models import ColorBar, ColumnDataSource, LinearColorMapper
    from bokeh.palettes import Viridis256
    from bokeh.plotting import figure

    xs, ys = [f"{v:g}" for v in chart.x], [f"{v:g}" for v in chart.y]
    finite = chart.z[np.isfinite(chart.z)]
    low, high = chart.z_range or ((float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0))
    mapper = LinearColorMapper(palette=Viridis256, low=low, high=high if high > low else low + 1, nan_color="#dddddd")
    cells = [(xs[j], ys[i], chart.z[i, j]) for i in range(len(ys)) for j in range(len(xs))]
    shade = [(z - low) / ((high - low) or 1) if np.isfinite(z) else 1.0 for _, _, z in cells]
    source = ColumnDataSource({"x": [c[0] for c in cells], "y": [c[1] for c in cells], "z": [c[2] for c in cells],
                               "text": [chart.z_format.format(c[2]) if np.isfinite(c[2]) else "n/a" for c in cells],
                               "ink": ["white" if s < 0.6 else "black" for s in shade]})
    fig = figure(name=chart.key, title=chart.title, x_range=xs, y_range=ys, x_axis_label=chart.x_label,
                 y_axis_label=chart.y_label, height=chart.height, sizing_mode="stretch_width",
                 tools="hover,save,reset", tooltips=[(chart.x_label, "@x"), (chart.y_label, "@y"),
                                                     (chart.z_label, "@text")])
    fig.rect("x", "y", 1, 1, source=source, fill_color={"field": "z", "transform": mapper}, line_color="white")
    if len(cells) <= 400:
        fig.text("x", "y", text="text", source=source, text_align="center", text_baseline="middle",
                 text_font_size="10pt", text_color={"field": "ink"})
    fig.add_layout(ColorBar(color_mapper=mapper, title=chart.z_label, width=12), "right")
    fig.xaxis.major_label_orientation = 0.9 if len(xs) > 12 else 0.0
    fig.title.text_font_size = "12pt"
    return fig


def bokeh_models(figures: Sequence[Figure]) -> list[Any]:
    """Bokeh models of the figures; time series (``x_type`` datetime) share one x range."""
    models, shared = [], None
    for chart in figures:
        if isinstance(chart, Heatmap):
            models.append(_heatmap(chart))
            continue
        model = _figure(chart, shared if chart.x_type == "datetime" else None)
        if chart.x_type == "datetime" and shared is None:
            shared = model.x_range
        models.append(model)
    return models


def bokeh_script() -> str:
    """BokehJS core as inline ``<script>`` tags (no URL)."""
    from bokeh.resources import Resources

    return Resources(mode="inline", components=["bokeh"]).render_js()


# --- the page ------------------------------------------------------------------------


class Page:
    """An HTML page built in order: sections, text, tables and charts; :meth:`write` embeds
    the charts and BokehJS so the file stands alone."""

    def __init__(self, title: str, lead: str = "") -> None:
        self.title = title
        self._parts: list[str | Figure] = [f"<h1>{html.escape(title)}</h1>"]
        if lead:
            self._parts.append(f"<p class='lead'>{html.escape(lead)}</p>")
        self._sections: list[tuple[str, str]] = []

    @property
    def charts(self) -> list[Figure]:
        """The charts added, in order."""
        return [p for p in self._parts if not isinstance(p, str)]

    def section(self, heading: str, intro: str = "") -> None:
        anchor = f"s{len(self._sections) + 1}"
        self._sections.append((anchor, heading))
        self._parts.append(f"<a id='{anchor}'></a><h2>{html.escape(heading)}</h2>")
        if intro:
            self.text(intro)

    def subheading(self, text: str) -> None:
        self._parts.append(f"<h3>{html.escape(text)}</h3>")

    def text(self, text: str) -> None:
        self._parts.append(f"<p>{html.escape(text)}</p>")

    def bullets(self, items: Iterable[str]) -> None:
        lines = "".join(f"<li>{html.escape(str(item))}</li>" for item in items)
        if lines:
            self._parts.append(f"<ul>{lines}</ul>")

    def html(self, fragment: str) -> None:
        """Add markup built by :func:`table` or :func:`frame_table` (already escaped)."""
        self._parts.append(fragment)

    def chart(self, figure: Figure, empty: str = "") -> None:
        """Add a chart without its empty layers; one with nothing to draw becomes a line of
        text saying so (``empty``: why)."""
        figure = figure.drawable()
        if isinstance(figure, Chart) and not figure.layers:
            self.text(f"{figure.title}: nothing to draw{': ' + empty if empty else ''}.")
            return
        self._parts.append(figure)

    def render(self) -> str:
        """The page's HTML."""
        from bokeh.embed import components

        charts = self.charts
        script, divs = components(bokeh_models(charts)) if charts else ("", ())
        placed = iter(divs)
        body = []
        for part in self._parts:
            if isinstance(part, str):
                body.append(part)
            else:
                body.append(f"<div class='lstlab-chart' data-chart='{html.escape(part.key)}'>{next(placed)}</div>")
        if len(self._sections) > 2:
            links = "".join(f"<a href='#{a}'>{html.escape(h)}</a>" for a, h in self._sections)
            body.insert(2 if len(body) > 1 and body[1].startswith("<p class='lead'") else 1, f"<nav>{links}</nav>")
        head = (f"<meta charset='utf-8'><meta name='viewport' content='width=device-width, initial-scale=1'>"
                f"<title>{html.escape(self.title)}</title><style>{STYLE}</style>"
                f"{bokeh_script() if charts else ''}")
        return f"<!DOCTYPE html>\n<html lang='en'><head>{head}</head><body>{''.join(body)}{script}</body></html>\n"

    def write(self, path: str | Path) -> Path:
        """Write the page to ``path`` (folders created); returns the path."""
        out = Path(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(self.render(), encoding="utf-8")
        return out


__all__ = ["HISTORY_ROWS", "Page", "bokeh_models", "bokeh_script", "cell", "frame_table", "percent", "table",
           "unit_of"]
