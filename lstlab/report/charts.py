"""Charts as data: what a figure shows, with its units, apart from how it is drawn.

A :class:`Chart` is a title, axes labelled with their units and layers (lines, markers, bands,
interval bars, bars); a :class:`Heatmap` is a grid of values over two labelled axes. The same
object is drawn interactively in a page (:mod:`lstlab.report.page`, Bokeh) and as a PNG for
papers (:mod:`lstlab.report.figures`, matplotlib), so both show the same figure. Values are
floats in the unit the axis label names (a rate already scaled to percent when the label says
%); NaN and infinities are gaps.
"""

from __future__ import annotations

from typing import Literal

import attrs
import numpy as np
import pandas as pd

from chain import InvalidArgument

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
           "#17becf", "#d62728")
"""Colours of the layers without their own, in order (Tableau 10, red kept for warnings)."""
WARNING = "#d62728"
"""Red: thresholds and liquidations."""
REFERENCE = "#444444"
"""Dark grey: reference lines (a kink, a current value)."""

XType = Literal["datetime", "linear"]


def _floats(values: object) -> np.ndarray:
    """A float array with infinities as NaN (gaps)."""
    out = np.asarray(values, dtype=float).copy()
    out[~np.isfinite(out)] = np.nan
    return out


def _xs(values: object) -> np.ndarray:
    """x values: datetimes as naive UTC ``datetime64[ns]``, anything else as floats."""
    if isinstance(values, pd.DatetimeIndex):
        return (values.tz_convert("UTC").tz_localize(None) if values.tz is not None else values).to_numpy()
    array = np.asarray(values)
    return array.astype("datetime64[ns]") if np.issubdtype(array.dtype, np.datetime64) else _floats(array)


def _same_length(label: str, *arrays: np.ndarray) -> None:
    lengths = {len(a) for a in arrays}
    if len(lengths) > 1:
        raise InvalidArgument(f"layer {label!r} has arrays of lengths {sorted(lengths)}: give one value per x")


@attrs.frozen
class Line:
    """A line through (x, y); ``dash`` for references, ``step`` for values held until the next x."""

    label: str
    x: np.ndarray = attrs.field(converter=_xs)
    y: np.ndarray = attrs.field(converter=_floats)
    colour: str | None = None
    dash: bool = False
    step: bool = False
    width: float = 1.6

    def __attrs_post_init__(self) -> None:
        _same_length(self.label, self.x, self.y)


@attrs.frozen
class Markers:
    """Points, each optionally named (``names``: shown on hover, e.g. an account)."""

    label: str
    x: np.ndarray = attrs.field(converter=_xs)
    y: np.ndarray = attrs.field(converter=_floats)
    colour: str | None = None
    marker: Literal["circle", "x", "triangle", "square"] = "circle"
    size: float = 7.0
    names: tuple[str, ...] | None = None
    names_label: str = "point"

    def __attrs_post_init__(self) -> None:
        _same_length(self.label, self.x, self.y, *(() if self.names is None else (np.asarray(self.names),)))


@attrs.frozen
class Band:
    """A shaded band from ``lo`` to ``hi`` over x (a tracking band, a 5th-95th percentile)."""

    label: str
    x: np.ndarray = attrs.field(converter=_xs)
    lo: np.ndarray = attrs.field(converter=_floats)
    hi: np.ndarray = attrs.field(converter=_floats)
    colour: str | None = None
    alpha: float = 0.2

    def __attrs_post_init__(self) -> None:
        _same_length(self.label, self.x, self.lo, self.hi)


@attrs.frozen
class Intervals:
    """Estimates ``y`` with interval bars from ``lo`` to ``hi`` (e.g. 95% Wilson intervals)."""

    label: str
    x: np.ndarray = attrs.field(converter=_xs)
    y: np.ndarray = attrs.field(converter=_floats)
    lo: np.ndarray = attrs.field(converter=_floats)
    hi: np.ndarray = attrs.field(converter=_floats)
    colour: str | None = None
    names: tuple[str, ...] | None = None
    """Each estimate's name, shown on hover (e.g. its grid point)."""
    names_label: str = "point"

    def __attrs_post_init__(self) -> None:
        _same_length(self.label, self.x, self.y, self.lo, self.hi,
                     *(() if self.names is None else (np.asarray(self.names),)))


@attrs.frozen
class Bars:
    """Vertical bars of ``width`` (x units) centred on x."""

    label: str
    x: np.ndarray = attrs.field(converter=_xs)
    y: np.ndarray = attrs.field(converter=_floats)
    width: float = 0.8
    colour: str | None = None

    def __attrs_post_init__(self) -> None:
        _same_length(self.label, self.x, self.y)


Layer = Line | Markers | Band | Intervals | Bars


def has_data(layer: Layer) -> bool:
    """True when the layer has at least one finite point to draw."""
    values = layer.lo if isinstance(layer, Band) else layer.y
    return bool(len(values)) and bool(np.isfinite(values).any())


@attrs.frozen
class Chart:
    """A figure: ``key`` (its id in a page, its PNG stem), title, axis labels with units,
    layers drawn in order; ``x_ticks`` names x positions (e.g. rounds); ``y_range`` fixes the
    y axis (e.g. 0..100 for a probability in %)."""

    key: str
    title: str
    x_label: str
    y_label: str
    layers: tuple[Layer, ...]
    x_type: XType = "linear"
    x_ticks: tuple[tuple[float, str], ...] | None = None
    y_range: tuple[float, float] | None = None
    height: int = 320
    y_unit: str | None = None
    """The unit hover shows after a value (None: the y label's last parentheses)."""

    def drawable(self) -> Chart:
        """The chart without its empty layers (a layer without one finite point)."""
        return attrs.evolve(self, layers=tuple(layer for layer in self.layers if has_data(layer)))


@attrs.frozen
class Heatmap:
    """``z[i, j]`` over y value ``y[i]`` and x value ``x[j]``, colours on ``z_label``'s scale
    from ``z_range`` (None: the data's range); ``z_format`` prints a value in its cell."""

    key: str
    title: str
    x_label: str
    y_label: str
    z_label: str
    x: tuple[float, ...]
    y: tuple[float, ...]
    z: np.ndarray = attrs.field(converter=_floats)
    z_range: tuple[float, float] | None = None
    z_format: str = "{:.3g}"
    height: int = 420

    def __attrs_post_init__(self) -> None:
        if self.z.shape != (len(self.y), len(self.x)):
            raise InvalidArgument(f"heatmap {self.key!r}: z has shape {self.z.shape}, "
                                  f"expected (len(y), len(x)) = ({len(self.y)}, {len(self.x)})")

    def drawable(self) -> Heatmap:
        return self


Figure = Chart | Heatmap


def colours(layers: tuple[Layer, ...]) -> list[str]:
    """Each layer's colour: its own, else the next of :data:`PALETTE`."""
    out, k = [], 0
    for layer in layers:
        if layer.colour is not None:
            out.append(layer.colour)
        else:
            out.append(PALETTE[k % len(PALETTE)])
            k += 1
    return out


def level(label: str, x: object, value: float, colour: str = REFERENCE) -> Line:
    """A dashed horizontal reference line at ``value`` across the extent of ``x`` (it shows in
    the legend with its label, unlike an annotation)."""
    xs = _xs(x)
    ends = np.array([xs.min(), xs.max()]) if len(xs) else xs
    return Line(label, ends, np.full(len(ends), float(value)), colour=colour, dash=True, width=1.2)


def upright(label: str, x: float, y_lo: float, y_hi: float, colour: str = REFERENCE) -> Line:
    """A dashed vertical reference line at ``x`` from ``y_lo`` to ``y_hi``."""
    return Line(label, np.array([x, x], dtype=float), np.array([y_lo, y_hi]), colour=colour, dash=True, width=1.2)


__all__ = ["PALETTE", "REFERENCE", "WARNING", "Band", "Bars", "Chart", "Figure", "Heatmap", "Intervals", "Layer",
           "Line", "Markers", "colours", "has_data", "level", "upright"]
