"""The main charts' axes drawn and placed by hand: tick marks, tick labels and grid lines as a few artists per axis,
the margins computed from our own text measurements.

Why: matplotlib builds a Tick (two lines, two texts, a grid line, their properties deep-copied) for every major and
minor tick, and the constrained layout engine draws the whole figure once more only to measure it. Here the ticks
come from the same locators and formatters the charts set (so the same values and labels), each axis is one line
of tick marks, one grid path and one text per label, and the margins are the labels' widths and heights taken from
the font's advances, so the figure is drawn once.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont, get_font
from matplotlib.ft2font import LoadFlags
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.markers import TICKDOWN, TICKLEFT, MarkerStyle
from matplotlib.ticker import FixedFormatter, FixedLocator, NullLocator
from matplotlib.transforms import blended_transform_factory, offset_copy

TICK_LEN = 3.5  # points: matplotlib's major tick length, the gap from a tick to its label, minor ticks' length
TICK_PAD = 3.5
MINOR_LEN = 2.0
LABEL_PAD = 4.0  # from the tick labels to the axis label
EDGE = 4.0  # kept free along the figure's edges
LEGEND_PAD = 0.5  # matplotlib's borderaxespad, in font sizes
TICK_SIZE = 7.5  # rc xtick.labelsize / ytick.labelsize
LABEL_SIZE = 8.5  # rc axes.labelsize
LINE_H = 0.97  # a line of DejaVu Sans as matplotlib lays it out ("lp"), in font sizes
LINE_STEP = 0.912  # from one line's baseline to the next: 1.2 x ("lp" height less its descent)
GRID_COLOUR, GRID_WIDTH = "#DDDDDD", 0.6  # as svg.RC's grid.color and grid.linewidth
LEGEND_SIZE = 7.5  # rc legend.fontsize
LEGEND_LINE = 1.008  # a legend label's height, in font sizes (as matplotlib measures DejaVu Sans at 7.5 pt)
_EM = 100.0


@functools.cache
def _advance(ch: str) -> float:
    face = get_font(findfont(FontProperties(family="DejaVu Sans")))  # shared with matplotlib, which resizes it
    face.set_size(_EM, 72)
    glyph = face.load_char(ord(ch) if face.get_char_index(ord(ch)) else ord("?"), flags=LoadFlags.NO_HINTING)
    return glyph.linearHoriAdvance / 65536


def text_width(text: str, size: float) -> float:
    """The width of ``text`` (its widest line) at ``size`` points, in points: the sum of its glyphs' advances."""
    return max((sum(_advance(ch) for ch in line) for line in text.split("\n")), default=0.0) * size / _EM


def text_height(text: str, size: float) -> float:
    """The height of ``text`` at ``size`` points, in points (nothing for no text)."""
    if not text:
        return 0.0
    return (LINE_H + LINE_STEP * text.count("\n")) * size


def fixed_ticks(axis, values: Sequence[float], labels: Sequence[str]) -> None:  # noqa: ANN001
    """Ticks at ``values`` labelled ``labels``: what ``Axes.set_yticks`` sets, without building a Tick for each
    (``place`` draws them). The values must lie inside the data's limits (``set_yticks`` would widen them)."""
    axis.set_major_locator(FixedLocator(list(values)))
    axis.set_major_formatter(FixedFormatter(list(labels)))


@dataclass(frozen=True)
class Ticks:
    """One axis's ticks inside its view: the major ones with their labels, and the minor ones."""

    major: tuple[float, ...]
    labels: tuple[str, ...]
    minor: tuple[float, ...]
    offset: str  # a ScalarFormatter's offset or scale ("1e6"), drawn at the axis's end; usually none


def ticks_of(axis) -> Ticks:  # noqa: ANN001
    """The ticks matplotlib would draw on ``axis``: its locators' values inside the view interval (as
    ``Axis._update_ticks`` keeps them) and its major formatter's labels."""
    lo, hi = sorted(axis.get_view_interval())
    log = axis.get_scale() == "log"

    def t(v: float) -> float:
        return math.log10(v) if log else v

    a, b = t(lo), t(hi)
    eps = (b - a) * 1e-10

    def inside(v: float) -> bool:
        return (v > 0 or not log) and a - eps <= t(v) <= b + eps

    locs = [float(v) for v in axis.get_majorticklocs()]
    fmt = axis.get_major_formatter()
    labels = fmt.format_ticks(locs)
    kept = [(v, s) for v, s in zip(locs, labels, strict=True) if inside(v)]
    minor = () if isinstance(axis.get_minor_locator(), NullLocator) else axis.get_minorticklocs()
    offset = fmt.get_offset() if hasattr(fmt, "get_offset") else ""
    return Ticks(
        tuple(v for v, _ in kept), tuple(s for _, s in kept), tuple(float(v) for v in minor if inside(v)), offset
    )


@dataclass
class Frame:
    """What one axes shows around it: tick label sizes and lengths, whether its tick labels are drawn (a shared
    axis's are not), its grid lines."""

    ax: Axes
    grid: str = "both"  # "x", "y", "both" or "none"
    xsize: float = TICK_SIZE
    ysize: float = TICK_SIZE
    xlen: float = TICK_LEN
    ylen: float = TICK_LEN
    ylabels: bool = True


def _ext(ticks: Ticks, axis: str, size: float) -> float:
    """How far the tick labels reach out from the axis, in points (widths for y, heights for x)."""
    if not ticks.labels:
        return 0.0
    if axis == "y":
        return max(text_width(s, size) for s in ticks.labels)
    return max(text_height(s, size) for s in ticks.labels)


def _frac(axis, v: float) -> float:  # noqa: ANN001
    lo, hi = axis.get_view_interval()
    if axis.get_scale() == "log":
        return (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))
    return (v - lo) / (hi - lo)


def _thin(f: Frame, ticks: Ticks, width: float, gap: float = 4.0) -> Ticks:
    """The x ticks with only the labels that keep ``gap`` points apart on axes ``width`` points wide (the ticks and
    grid lines all stay): every label when they fit; on a log axis the powers of ten, then each other label that
    has room beside them; on a linear one every n-th, the smallest n that fits."""
    xs = [_frac(f.ax.xaxis, v) * width for v in ticks.major]
    halves = [text_width(s, f.xsize) / 2 for s in ticks.labels]

    def apart(a: int, b: int) -> bool:
        return abs(xs[b] - xs[a]) >= halves[a] + halves[b] + gap

    def clear(keep: Sequence[int]) -> bool:
        return all(apart(a, b) for a, b in zip(keep, keep[1:], strict=False))

    every = [k for k, s in enumerate(ticks.labels) if s]
    if clear(every):
        return ticks
    keep: list[int] = []
    if f.ax.xaxis.get_scale() == "log":
        decades = [k for k in every if math.log10(ticks.major[k]).is_integer()]
        for k in decades + [k for k in every if k not in decades]:
            if all(apart(k, j) for j in keep):
                keep.append(k)
    else:
        keep = every[:1]
        for step in range(1, len(every) + 1):
            if clear(every[::step]):
                keep = every[::step]
                break
    return replace(ticks, labels=tuple(s if k in keep else "" for k, s in enumerate(ticks.labels)))


def _overhang(f: Frame, ticks: Ticks, width: float) -> tuple[float, float]:
    """How far the first and last x tick labels stick out past the axes' left and right edges, in points."""
    if not ticks.labels:
        return 0.0, 0.0
    xs = [_frac(f.ax.xaxis, v) * width for v in ticks.major]
    halves = [text_width(s, f.xsize) / 2 for s in ticks.labels]
    return max(0.0, max(h - x for x, h in zip(xs, halves, strict=True))), max(
        0.0, max(x + h - width for x, h in zip(xs, halves, strict=True))
    )


def _legend_height(legend: Legend | None, ncols: int) -> float:
    """The height of ``legend`` in points, as matplotlib lays it out: ``ncols`` columns filled top to bottom, a row
    as tall as a line of text (its handles are shorter: handleheight 0.7 em), labelspacing between the rows and
    borderpad around them. Labels are one line each (names come through ``terminal.safe``)."""
    if legend is None:
        return 0.0
    texts = legend.get_texts()
    assert all("\n" not in t.get_text() for t in texts)
    rows = math.ceil(len(texts) / ncols)
    em = LEGEND_SIZE
    return em * (2 * legend.borderpad + rows * max(LEGEND_LINE, legend.handleheight) + (rows - 1) * legend.labelspacing)


def place(
    fig: Figure, frames: Sequence[Frame], below: Legend | None = None, above: Legend | None = None, ncols: int = 1
) -> None:
    """Size and place ``frames`` (side by side, sharing y, left to right) in ``fig``, leaving room for their tick
    labels, axis labels, ``below`` (a figure legend at the bottom) or ``above`` (a legend on top of the first
    axes) in ``ncols`` columns, then draw their axes by hand. Call when everything is plotted and every limit is set."""
    W, H = fig.get_figwidth() * 72, fig.get_figheight() * 72
    for f in frames:  # the limits as autoscaling leaves them, from now on fixed
        f.ax.set_xlim(f.ax.get_xlim())
        f.ax.set_ylim(f.ax.get_ylim())
    leg_below = _legend_height(below, ncols)
    leg_above = _legend_height(above, ncols)
    first = frames[0]
    top = EDGE + (leg_above + LEGEND_PAD * LEGEND_SIZE if above is not None else 0.0)
    gap = 0.0
    for _ in range(3):  # ticks depend on the axes' size (tick space), the margins on the ticks: settle in a few
        raw = [ticks_of(f.ax.xaxis) for f in frames]
        xt = raw
        yt = ticks_of(first.ax.yaxis)
        ywide = _ext(yt, "y", first.ysize) if first.ylabels else 0.0
        ylabel = first.ax.get_ylabel()
        left = EDGE + (text_height(ylabel, LABEL_SIZE) + LABEL_PAD if ylabel else 0.0) + ywide
        left += first.ylen + TICK_PAD if ywide else first.ylen
        xlabel_h = max(text_height(f.ax.get_xlabel(), LABEL_SIZE) for f in frames)
        xtick_h = max(_ext(t, "x", f.xsize) for f, t in zip(frames, xt, strict=True))
        bottom = EDGE + xtick_h + (TICK_LEN + TICK_PAD if xtick_h else TICK_LEN)
        bottom += xlabel_h + LABEL_PAD if xlabel_h else 0.0
        if below is not None:
            bottom += leg_below + LEGEND_PAD * LEGEND_SIZE
        if yt.labels and above is None:
            top = max(top, EDGE + TICK_SIZE * LINE_H / 2)  # the top tick label is centred on its tick
        n = len(frames)
        width = (W - left - EDGE - gap * (n - 1)) / n
        xt = [_thin(f, t, width) for f, t in zip(frames, raw, strict=True)]
        over = [_overhang(f, t, width) for f, t in zip(frames, xt, strict=True)]
        right = max(EDGE + over[-1][1], _text_reach(frames[-1].ax, W - left - gap * (n - 1) - (n - 1) * width))
        if n > 1:
            gap = max(over[k][1] + over[k + 1][0] for k in range(n - 1)) + 3 * EDGE
        width = (W - left - right - gap * (n - 1)) / n
        height = H - top - bottom
        for k, f in enumerate(frames):
            f.ax.set_position(((left + k * (width + gap)) / W, bottom / H, width / W, height / H))
        if [ticks_of(f.ax.xaxis) for f in frames] == raw and ticks_of(first.ax.yaxis) == yt:
            break
    if above is not None:
        _keep_inside(fig, first.ax, above, ncols, left, W)
    for f, t in zip(frames, xt, strict=True):
        _draw(fig, f, "x", t, f.xsize, f.xlen, f.grid in ("x", "both"), True)
        _draw(fig, f, "y", yt, f.ysize, f.ylen, f.grid in ("y", "both"), f.ylabels and f is first)
        _axis_labels(fig, f, t, yt)


def _text_reach(ax: Axes, span: float) -> float:
    """The right margin, in points, that the texts placed in ``ax``'s data coordinates and aligned left (values at
    the end of bars) need to end inside the figure, when the axes and their right margin share ``span`` points:
    on narrow axes (long names at their left) 15-20% of the x range is less than a value's width."""
    lo, hi = ax.get_xlim()
    need = EDGE
    for t in ax.texts:
        if t.get_transform() is not ax.transData or t.get_horizontalalignment() != "left" or not t.get_text():
            continue
        f = (t.get_position()[0] - lo) / (hi - lo)  # its start, as a fraction of the axes' width
        if f > 0:  # start + width <= span - EDGE, the axes' width being span - margin
            need = max(need, span - (span - EDGE - text_width(t.get_text(), float(t.get_fontsize()))) / f)
    return need


def _legend_width(legend: Legend, ncols: int) -> float:
    """The width of ``legend`` in points, as matplotlib lays it out: the entries split into ``ncols`` columns in
    order, each column as wide as its handle, the pad after it and its widest label."""
    labels = [t.get_text() for t in legend.get_texts()]
    n, k = len(labels), max(1, min(ncols, len(labels)))
    cols: list[list[str]] = []
    for i in range(k):  # numpy.array_split's split: the first n % k columns one entry longer
        start = i * (n // k) + min(i, n % k)
        cols.append(labels[start : start + n // k + (1 if i < n % k else 0)])
    em = LEGEND_SIZE
    handle = (legend.handlelength + legend.handletextpad) * em
    widths = [handle + max(text_width(t, LEGEND_SIZE) for t in col) for col in cols if col]
    return sum(widths) + (len(widths) - 1) * legend.columnspacing * em + 2 * legend.borderpad * em


def _keep_inside(fig: Figure, ax: Axes, legend: Legend, ncols: int, left: float, W: float) -> None:  # noqa: N803
    """A legend on top of the axes starts at their left edge; when it is too wide for the room from there to the
    figure's right edge (long config names, or long y tick labels pushing the axes right), it moves left, as far
    as the figure's edge."""
    pad = LEGEND_PAD * LEGEND_SIZE
    room = W - EDGE - left - pad
    wide = _legend_width(legend, ncols)
    if wide > room:
        x = max(0.0, W - EDGE - pad - wide - pad) / W
        legend.set_bbox_to_anchor((x, 1.0), transform=blended_transform_factory(fig.transFigure, ax.transAxes))


def _draw(
    fig: Figure, f: Frame, axis: str, ticks: Ticks, size: float, length: float, grid: bool, labelled: bool
) -> None:
    """One axis's grid lines, tick marks and tick labels, matplotlib's own switched off."""
    ax = f.ax
    x = axis == "x"
    target = ax.xaxis if x else ax.yaxis
    target.set_major_locator(NullLocator())
    target.set_minor_locator(NullLocator())
    tr = ax.get_xaxis_transform() if x else ax.get_yaxis_transform()  # data along the axis, 0-1 across

    def at(vs: Sequence[float], across: float) -> tuple[list[float], list[float]]:
        return (list(vs), [across] * len(vs)) if x else ([across] * len(vs), list(vs))

    if grid and ticks.major:
        a, b = [], []
        for v in ticks.major:
            a += [v, v, math.nan] if x else [0.0, 1.0, math.nan]
            b += [0.0, 1.0, math.nan] if x else [v, v, math.nan]
        ax.add_artist(Line2D(a, b, transform=tr, zorder=0.5, color=GRID_COLOUR, linewidth=GRID_WIDTH))
    marker = MarkerStyle(TICKDOWN if x else TICKLEFT)
    for vs, ln, lw in ((ticks.major, length, 0.8), (ticks.minor, MINOR_LEN if length else 0.0, 0.6)):
        if vs and ln:
            ax.add_artist(
                Line2D(*at(vs, 0.0), transform=tr, ls="none", marker=marker, ms=ln, mew=lw, color="black")
            ).set_clip_on(False)
    if not labelled:
        return
    off = -(length + TICK_PAD)
    shifted = offset_copy(tr, fig=fig, x=0 if x else off, y=off if x else 0, units="points")
    for v, s in zip(ticks.major, ticks.labels, strict=True):
        if not s:
            continue
        ax.text(
            *(v, 0.0) if x else (0.0, v),
            s,
            transform=shifted,
            fontsize=size,
            ha="center" if x else "right",
            va="top" if x else "center_baseline",
            clip_on=False,
        )
    if ticks.offset:
        ax.text(
            *(1.0, 0.0) if x else (0.0, 1.0),
            ticks.offset,
            transform=offset_copy(ax.transAxes, fig=fig, y=off if x else 4.0, units="points"),
            fontsize=size,
            ha="right" if x else "left",
            va="top" if x else "bottom",
            clip_on=False,
        )


def _axis_labels(fig: Figure, f: Frame, xt: Ticks, yt: Ticks) -> None:
    """The axis labels where matplotlib puts them: beyond the tick labels, by LABEL_PAD."""
    ax = f.ax
    down = f.xlen + (TICK_PAD + _ext(xt, "x", f.xsize) if xt.labels else 0.0) + LABEL_PAD
    ax.xaxis.set_label_coords(0.5, 0.0, transform=offset_copy(ax.transAxes, fig=fig, y=-down, units="points"))
    ywide = _ext(yt, "y", f.ysize) if f.ylabels else 0.0
    side = f.ylen + (TICK_PAD + ywide if ywide else 0.0) + LABEL_PAD
    # Centred on the axes, unless it is longer than they are tall and would leave the figure: then as near the
    # centre as the figure's edges let it be.
    H = fig.get_figheight() * 72  # noqa: N806
    box = ax.get_position()
    half = text_width(ax.get_ylabel(), LABEL_SIZE) / 2
    mid = min(max((box.y0 + box.y1) / 2 * H, EDGE + half), H - EDGE - half)
    at = (mid / H - box.y0) / (box.y1 - box.y0)
    ax.yaxis.set_label_coords(0.0, at, transform=offset_copy(ax.transAxes, fig=fig, x=-side, units="points"))
