"""The small-multiples appendix: one small latency-throughput panel per config that the main chart leaves in its
grey path, thirty to a page, so that a sweep of 200 configs still shows every curve.

Each page is ONE matplotlib figure, without axes, on which the panels are laid out by hand (each config's data
mapped into its cell's box, each kind of mark on the page one artist, the text one filled path per style), saved as
one SVG: 30 matplotlib subplots with log axes took seconds a page. The panel titles are shortened to fit; the view lists
the full names as text under each grid (``view.index_text``), so that they can be searched and copied. Every panel
shares the same x and y scales, so readers can compare shapes across pages as well.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, TypeGuard

import numpy as np
from matplotlib.artist import Artist
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont, get_font
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch
from matplotlib.path import Path
from matplotlib.textpath import text_to_path
from matplotlib.ticker import LogLocator, MaxNLocator
from matplotlib.transforms import Affine2D

from .. import formatting
from ..terminal import safe
from .svg import GREY, INK, PALETTE, svg_of
from .view import SM_PER_PAGE, Plots

COLS = 5
ROWS = 6
PER_PAGE = SM_PER_PAGE  # COLS x ROWS
DPI = 72

# The page's geometry in points (1/72 in); the figure is as wide as the main charts (charts.WIDTH_IN).
WIDTH = 504.0
LEFT, RIGHT, TOP, BOTTOM = 38.0, 3.0, 3.0, 27.0  # room for the y tick labels and label, the x ones below
COL_GAP, ROW_GAP = 7.0, 5.0
TITLE_H = 9.5  # the panel's title sits above its box
PANEL_W = (WIDTH - LEFT - RIGHT - (COLS - 1) * COL_GAP) / COLS
PANEL_H = 56.0  # six rows, the heading and the list of names fit a Letter page too
TITLE_SIZE = 5.6
TICK_SIZE = 5.2
NOTE_SIZE = 5.0
LABEL_SIZE = 6.5

FEASIBLE_FILL = "#FFFFFF"
INFEASIBLE_FILL = "#EFEFEF"
FRAME = "#8A8A8A"
GRID = "#E2E2E2"


@dataclass(frozen=True)
class Panel:
    """One config's panel: its number in the appendix, its name as read from the files, and whether it meets the
    SLA (a point of it does)."""

    number: int
    config: str
    feasible: bool


# --- scales -----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Scale:
    """One axis shared by every panel: data -> a fraction of the panel's width or height, and the ticks."""

    lo: float
    hi: float
    log: bool

    def t(self, v: float) -> float:
        return math.log10(v) if self.log else v

    def frac(self, v: float) -> float:
        a, b = self.t(self.lo), self.t(self.hi)
        return (self.t(v) - a) / (b - a)

    def usable(self, v: float | None) -> TypeGuard[float]:
        return v is not None and math.isfinite(v) and (v > 0 or not self.log)

    def ticks(self) -> list[float]:
        """At most four ticks inside the axis: 1-2-5 per decade when that few fit, else fewer per decade."""
        if self.log:
            for subs in ((1.0, 2.0, 5.0), (1.0, 3.0), (1.0,)):
                ticks = self._inside(LogLocator(base=10, subs=subs).tick_values(self.lo, self.hi))
                if len(ticks) <= 4:
                    break
            if len(ticks) > 4:  # many decades: every other power of ten, or fewer
                ticks = ticks[:: math.ceil(len(ticks) / 4)]
            return ticks
        return self._inside(MaxNLocator(nbins=3, steps=[1, 2, 2.5, 5, 10]).tick_values(self.lo, self.hi))

    def _inside(self, values: Sequence[float]) -> list[float]:
        eps = (self.t(self.hi) - self.t(self.lo)) * 1e-9
        return [float(v) for v in values if self.t(self.lo) - eps <= self.t(v) <= self.t(self.hi) + eps]


def _scale(values: Sequence[float | None]) -> _Scale:
    """The shared axis for ``values``: logarithmic when they span widely (formatting.wants_log, as the main chart),
    padded by 5% of the span on each side."""
    vals = [v for v in values if v is not None and math.isfinite(v)]
    positive = [v for v in vals if v > 0]
    log = formatting.wants_log(positive)
    if log:
        lo, hi = min(positive), max(positive)
        pad = (math.log10(hi) - math.log10(lo)) * 0.05
        return _Scale(lo / 10**pad, hi * 10**pad, True)
    if not vals:
        return _Scale(0.0, 1.0, False)
    lo, hi = min(vals), max(vals)
    if hi == lo:
        lo, hi = lo - (abs(lo) * 0.1 or 1.0), hi + (abs(hi) * 0.1 or 1.0)
    pad = (hi - lo) * 0.05
    return _Scale(lo - pad if lo - pad > 0 or lo < 0 else 0.0, hi + pad, False)


# --- text ------------------------------------------------------------------------------------------------------
_EM = 100.0  # glyph outlines are taken at this size (matplotlib's TextToPath.FONT_SCALE) and scaled to each use


class _Font:
    """Text as filled outlines, from glyphs cached per character: a page's hundred or so labels become one path
    per style that Agg fills in one call. A matplotlib Text artist lays out and rasterises each string on its own,
    4-5 ms apiece here, which was most of the appendix's time. Strings are set without kerning, which DejaVu Sans
    barely uses for names, digits and hyphens."""

    def __init__(self, style: Literal["normal", "italic", "oblique"] | None = None) -> None:
        self.prop = FontProperties(family="DejaVu Sans", size=_EM, style=style)
        self._face = get_font(findfont(self.prop))
        self._glyphs: dict[str, tuple[np.ndarray, list[int], float]] = {}
        self._xx = text_to_path.get_text_width_height_descent("xx", self.prop, False)[0]

    def _glyph(self, ch: str) -> tuple[np.ndarray, list[int], float]:
        g = self._glyphs.get(ch)
        if g is None:
            shown = ch if self._face.get_char_index(ord(ch)) else "?"  # no glyph in the font: no warning, a '?'
            verts, codes = text_to_path.get_text_path(self.prop, shown)
            # The advance: the width of "x?x" less that of "xx" (each measures ink, so the bearings cancel).
            width = text_to_path.get_text_width_height_descent(f"x{shown}x", self.prop, False)[0] - self._xx
            g = self._glyphs[ch] = (np.asarray(verts, dtype=float).reshape(-1, 2), list(codes), width)
        return g

    def width(self, text: str, size: float) -> float:
        """The advance of ``text`` at ``size`` points, in points."""
        return sum(self._glyph(ch)[2] for ch in text) * size / _EM


class _Ink:
    """The strings of one style on one page, gathered into one path."""

    def __init__(self, font: _Font, size: float) -> None:
        self.font, self.size = font, size
        self._verts: list[np.ndarray] = []
        self._codes: list[int] = []

    def add(self, x: float, y: float, text: str, ha: str = "left", va: str = "baseline", rotate: bool = False) -> None:
        """``text`` at (x, y) in points; ``va`` "center" and "top" place digits and capitals by their height
        (DejaVu's are 0.73 em); ``rotate`` turns it a quarter counter-clockwise, to read upwards."""
        scale = self.size / _EM
        start = -{"left": 0.0, "center": 0.5, "right": 1.0}[ha] * self.font.width(text, self.size)
        base = -{"baseline": 0.0, "center": 0.365, "top": 0.73}[va] * self.size
        glyphs = [self.font._glyph(ch) for ch in text]
        pens = itertools.accumulate((g[2] for g in glyphs[:-1]), initial=0.0)  # each glyph's origin, in em / 100
        inked = [(g, pen) for g, pen in zip(glyphs, pens, strict=True) if g[1]]
        if not inked:
            return
        # The whole string in a few array operations (not two per character): outlines moved to their origins,
        # scaled, placed.
        v = np.concatenate([g[0] for g, _ in inked])
        v[:, 0] += np.repeat([pen for _, pen in inked], [len(g[0]) for g, _ in inked])
        v = v * scale + (start, base)
        self._verts.append(np.column_stack((-v[:, 1], v[:, 0])) + (x, y) if rotate else v + (x, y))
        for g, _ in inked:
            self._codes += g[1]

    def draw(self, page: _Page, color: str, zorder: float) -> None:
        if self._codes:
            path = Path(np.concatenate(self._verts), np.asarray(self._codes, dtype=Path.code_type))
            page.add(PathPatch(path, facecolor=color, edgecolor="none", linewidth=0, zorder=zorder))


@functools.cache
def _fonts() -> tuple[_Font, _Font]:
    return _Font(), _Font(style="italic")


# --- one page ---------------------------------------------------------------------------------------------------
class _Page:
    """A page's artists, placed in points from the figure's lower-left corner. No axes: none is drawn, and making
    one (its spines, axis, ticks and titles) cost more than a page's marks."""

    def __init__(self, fig: Figure) -> None:
        self.fig = fig
        self.points = Affine2D().scale(1 / 72) + fig.dpi_scale_trans

    def add(self, artist: Artist) -> None:
        artist.set_transform(self.points)
        self.fig.add_artist(artist)


def _height(rows: int) -> float:
    return TOP + rows * (TITLE_H + PANEL_H) + (rows - 1) * ROW_GAP + BOTTOM


def _cell(k: int, rows: int) -> tuple[float, float]:
    """The lower-left corner of panel ``k``'s box (row by row, left to right), in points from the figure's corner."""
    row, col = divmod(k, COLS)
    x = LEFT + col * (PANEL_W + COL_GAP)
    y = _height(rows) - TOP - TITLE_H - PANEL_H - row * (TITLE_H + PANEL_H + ROW_GAP)
    return x, y


def _fit(text: str, width: float, measure: Callable[[str], float]) -> str:
    """``text`` if it fits ``width`` points, else its start and end around an ellipsis (a long name's last part,
    such as a batch size or a run number, tells configs apart as often as its first)."""
    if measure(text) <= width:
        return text
    lo, hi = 1, len(text) - 1  # the most characters kept such that it fits
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if measure(_middle(text, mid)) <= width:
            lo = mid
        else:
            hi = mid - 1
    return _middle(text, lo)


def _middle(text: str, keep: int) -> str:
    head = math.ceil(keep * 0.6)
    return text[:head] + "\u2026" + (text[len(text) - (keep - head) :] if keep > head else "")


def _spaced(
    ticks: list[float], pos: Callable[[float], float], font: _Font, gap: float, lo: float, hi: float
) -> list[float]:
    """The ticks to label: those whose label stays between ``lo`` and ``hi`` points (clear of the neighbouring
    panel's labels), then every n-th, the smallest n at which no two labels come closer than ``gap`` points."""
    half = {t: font.width(formatting.plain(t), TICK_SIZE) / 2 for t in ticks}
    inside = [t for t in ticks if lo <= pos(t) - half[t] and pos(t) + half[t] <= hi]
    for step in range(1, len(inside) + 1):
        kept = inside[::step]
        if all(pos(b) - pos(a) >= half[a] + half[b] + gap for a, b in zip(kept, kept[1:], strict=False)):
            return kept
    return inside[:1]


def _rect(x: float, y: float, w: float, h: float) -> list[tuple[float, float]]:
    return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]


def _draw_page(
    panels: Sequence[Panel],
    curves: dict[str, list[tuple[float, float, bool]]],
    chosen: dict[str, tuple[float, float]],
    sx: _Scale,
    sy: _Scale,
    sla: Sequence[float],
    xlabel: str,
    ylabel: str,
) -> Figure:
    """One page of panels as one figure: every kind of mark is one artist, whatever the number of panels."""
    rows = math.ceil(len(panels) / COLS)
    height = _height(rows)
    fig = Figure(figsize=(WIDTH / 72, height / 72), dpi=DPI)
    page = _Page(fig)
    regular, italic = _fonts()
    titles, ticks, labels, notes = (
        _Ink(regular, TITLE_SIZE),
        _Ink(regular, TICK_SIZE),
        _Ink(regular, LABEL_SIZE),
        _Ink(italic, NOTE_SIZE),
    )
    xgrid, yticks = sx.ticks(), sy.ticks()
    gap = 3.0  # points between two tick labels, also those of neighbouring panels
    xticks = _spaced(
        xgrid, lambda t: sx.frac(t) * PANEL_W, regular, gap, (gap - COL_GAP) / 2, PANEL_W + (COL_GAP - gap) / 2
    )
    boxes: list[list[tuple[float, float]]] = []
    grey_boxes: list[list[tuple[float, float]]] = []
    Line = list[tuple[float, float]]
    grid: list[Line] = []
    frames: list[Line] = []
    sla_lines: list[Line] = []
    lines_ok: list[Line] = []
    lines_bad: list[Line] = []
    pts_ok: list[tuple[float, float]] = []
    pts_bad: list[tuple[float, float]] = []
    rings: list[tuple[float, float]] = []
    lowest: dict[int, tuple[float, float]] = {}  # column -> its lowest panel's corner: the x tick labels go below
    for k, panel in enumerate(panels):
        x0, y0 = _cell(k, rows)
        lowest[k % COLS] = (x0, y0)
        (boxes if panel.feasible else grey_boxes).append(_rect(x0, y0, PANEL_W, PANEL_H))
        frames.append([*_rect(x0, y0, PANEL_W, PANEL_H), (x0, y0)])

        def px(v: float, x0: float = x0) -> float:
            return x0 + sx.frac(v) * PANEL_W

        def py(v: float, y0: float = y0) -> float:
            return y0 + sy.frac(v) * PANEL_H

        grid += [[(px(t), y0), (px(t), y0 + PANEL_H)] for t in xgrid]
        grid += [[(x0, py(t)), (x0 + PANEL_W, py(t))] for t in yticks]
        sla_lines += [[(px(s), y0), (px(s), y0 + PANEL_H)] for s in sla]
        curve = [(px(x), py(y), ok) for x, y, ok in curves.get(panel.config, [])]
        (lines_ok if panel.feasible else lines_bad).append([(a, b) for a, b, _ in curve])
        pts_ok += [(a, b) for a, b, ok in curve if ok]
        pts_bad += [(a, b) for a, b, ok in curve if not ok]
        if panel.config in chosen:
            rings.append((px(chosen[panel.config][0]), py(chosen[panel.config][1])))
        title = safe(f"{panel.number}. {panel.config}")
        titles.add(x0, y0 + PANEL_H + 2.4, _fit(title, PANEL_W + COL_GAP - 2, lambda t: regular.width(t, TITLE_SIZE)))
        if not panel.feasible:
            notes.add(x0 + PANEL_W - 2.5, y0 + 3, "not feasible", ha="right")
        if k % COLS == 0:  # the y tick labels beside the first panel of each row
            for t in yticks:
                ticks.add(x0 - 2, py(t), formatting.plain(t), ha="right", va="center")
    for x0, y0 in lowest.values():
        for t in xticks:
            ticks.add(x0 + sx.frac(t) * PANEL_W, y0 - 2.2, formatting.plain(t), ha="center", va="top")
    labels.add(LEFT + (WIDTH - LEFT - RIGHT) / 2, 4, xlabel, ha="center")
    # The y label along the whole height, smaller when one row of panels is shorter than it.
    ylabels = _Ink(regular, min(LABEL_SIZE, LABEL_SIZE * (height - 8) / regular.width(ylabel, LABEL_SIZE)))
    ylabels.add(8, height / 2, ylabel, ha="center", rotate=True)
    page.add(PolyCollection(boxes, facecolors=FEASIBLE_FILL, edgecolors="none", zorder=0))
    page.add(PolyCollection(grey_boxes, facecolors=INFEASIBLE_FILL, edgecolors="none", zorder=0))
    _path(page, grid, color=GRID, linewidth=0.4, zorder=1)
    _path(page, sla_lines, color=INK, linewidth=0.7, linestyle=(0, (3.5, 2)), zorder=2)
    _path(page, lines_ok, color=PALETTE[0], linewidth=0.7, zorder=3)
    _path(page, lines_bad, color="#999999", linewidth=0.7, zorder=3)
    # The points: 2.1 pt dots, an SLA-breaking one grey in a 0.3 pt darker ring, a feasible one in a 1 pt ring of
    # its own colour (3.1 pt across).
    _dots(page, pts_bad, 2.4, "#777777", zorder=4)
    _dots(page, pts_bad, 1.8, GREY, zorder=4)
    _dots(page, pts_ok, 3.1, PALETTE[0], zorder=4)
    if rings:
        page.add(
            Line2D(*zip(*rings, strict=True), ls="none", marker="o", ms=5.5, mfc="none", mec=INK, mew=0.9, zorder=5)
        )
    _path(page, frames, color=FRAME, linewidth=0.5, zorder=6)
    titles.draw(page, INK, 7)
    ticks.draw(page, "#333333", 7)
    labels.draw(page, INK, 7)
    ylabels.draw(page, INK, 7)
    notes.draw(page, "#444444", 7)
    return fig


def _dots(page: _Page, pts: Sequence[tuple[float, float]], across: float, colour: str, zorder: float) -> None:
    """Round dots ``across`` points wide as ONE path: a hundredth of a point long stroke per dot with round caps.
    Markers would write a <use> element per point, each with its own style (900 a page)."""
    if not pts:
        return
    verts = np.repeat(np.asarray(pts, dtype=float), 2, axis=0)
    verts[1::2, 0] += 0.01
    path = Path(verts, np.tile(np.asarray([Path.MOVETO, Path.LINETO], dtype=Path.code_type), len(pts)))
    path.should_simplify = False  # the strokes are shorter than simplification's tolerance
    page.add(PathPatch(path, fill=False, edgecolor=colour, linewidth=across, capstyle="round", zorder=zorder))


def _path(page: _Page, lines: Sequence[Sequence[tuple[float, float]]], **style) -> None:  # noqa: ANN003
    """Several polylines as one artist, broken by NaN."""
    xs: list[float] = []
    ys: list[float] = []
    for line in lines:
        xs += [x for x, _ in line] + [math.nan]
        ys += [y for _, y in line] + [math.nan]
    if xs:
        page.add(Line2D(xs, ys, **style))


@dataclass(frozen=True)
class Grid:
    """What every page shares: the panels' data and the scales."""

    panels: tuple[Panel, ...]
    curves: dict[str, list[tuple[float, float, bool]]]
    chosen: dict[str, tuple[float, float]]
    sx: _Scale
    sy: _Scale
    sla: tuple[float, ...]


def grid(plots: Plots) -> Grid:
    """The appendix's panels and shared scales, from the view model's curves."""
    curves_by = {c.config: c for c in plots.curves}
    raw = {c: [(p.latency, p.rps, p.feasible) for p in curves_by[c].points if not p.failed] for c in plots.appendix}
    sla = [x for x, _ in plots.sla]
    sx = _scale([*(x for pts in raw.values() for x, _, _ in pts), *sla])
    sy = _scale([y for pts in raw.values() for _, y, _ in pts])
    curves = {c: [(x, y, ok) for x, y, ok in pts if sx.usable(x) and sy.usable(y)] for c, pts in raw.items()}
    chosen: dict[str, tuple[float, float]] = {}
    for c in plots.appendix:
        cv = curves_by[c]
        if cv.chosen is not None:
            p = cv.points[cv.chosen]
            if sx.usable(p.latency) and sy.usable(p.rps):
                chosen[c] = (p.latency, p.rps)
    panels = tuple(Panel(n, c, curves_by[c].feasible) for n, c in enumerate(plots.appendix, start=1))
    return Grid(panels, curves, chosen, sx, sy, tuple(s for s in sla if sx.usable(s)))


@functools.lru_cache(maxsize=4)
def _grid_cached(plots: Plots) -> Grid:
    return grid(plots)


def page_svg(plots: Plots, number: int) -> str:
    """Page ``number`` (from 1) of the appendix as a standalone SVG document."""
    g = _grid_cached(plots)
    panels = g.panels[(number - 1) * PER_PAGE : number * PER_PAGE]
    fig = _draw_page(panels, g.curves, g.chosen, g.sx, g.sy, g.sla, plots.xlabel, plots.ylabel)
    return svg_of(fig, f"chart-sm-{number}")
