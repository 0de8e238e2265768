"""Self-contained HTML pages: tables, notes and embedded images, no external files."""

from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import Any


def _table(rows: dict[str, Any] | list[tuple[str, ...]]) -> str:
    """Key/value rows, or rows of several cells (the first a header cell)."""
    items = [(k, _fmt(v)) for k, v in rows.items()] if isinstance(rows, dict) else rows
    cells = "".join(
        "<tr><th>" + html.escape(str(first)) + "</th>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in rest)
        + "</tr>" for first, *rest in items
    )
    return f"<table>{cells}</table>"


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _frame(frame: Any) -> str:
    """A DataFrame as an HTML table (floats to 4 significant digits, no index)."""
    return frame.to_html(index=False, float_format=lambda v: f"{v:.4g}", na_rep="n/a", border=0)


def write_html(path: str | Path, title: str, sections: dict[str, Any], images: list[Path],
               notes: list[str] = (), tables: dict[str, Any] | None = None) -> Path:
    """A single HTML file with key/value sections, DataFrame ``tables``, notes and the PNGs
    embedded (no external files)."""
    parts = [f"<h1>{html.escape(title)}</h1>"]
    for heading, rows in sections.items():
        parts.append(f"<h2>{html.escape(heading)}</h2>{_table(rows)}")
    for heading, frame in (tables or {}).items():
        parts.append(f"<h2>{html.escape(heading)}</h2>{_frame(frame)}")
    if notes:
        items = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
        parts.append(f"<h2>Notes</h2><ul>{items}</ul>")
    for image in images:
        data = base64.b64encode(Path(image).read_bytes()).decode()
        parts.append(f'<figure><img alt="{html.escape(Path(image).stem)}" src="data:image/png;base64,{data}"></figure>')
    style = ("body{font-family:sans-serif;max-width:960px;margin:2em auto}table{border-collapse:collapse}"
             "th,td{border:1px solid #ccc;padding:4px 8px;text-align:left}img{max-width:100%}")
    document = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
                f"<style>{style}</style></head><body>{''.join(parts)}</body></html>")
    out = Path(path)
    out.write_text(document)
    return out
