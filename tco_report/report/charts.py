"""The report's charts, drawn by matplotlib from the view model's ``Plots`` and saved as standalone SVG.

Matplotlib draws each figure straight to SVG (no pyplot, no global backend switch, no Agg canvas), with text kept
as text so that the PDF stays searchable; the axes are laid out and their ticks drawn by ``layout``. Output is
deterministic: a fixed hash salt for ids, no date, ids prefixed per chart so that several SVGs can share one HTML
page. Colours follow the Okabe-Ito palette, which colour-blind readers can tell apart; every series also has its own
marker, line style or hatch so that the charts survive greyscale printing. Names come through ``terminal.safe`` (no
control character reaches a font).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import matplotlib
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullFormatter

from .. import formatting
from ..names import label, unit
from ..terminal import safe
from .layout import Frame, fixed_ticks, place
from .small_multiples import page_svg
from .svg import FAILED, GREY, HATCHES, INK, LINESTYLES, MARKERS, PALETTE, RC, svg_of
from .view import Curve, Plots, ReportView

WIDTH_IN = 7.0


@dataclass(frozen=True)
class Style:
    colour: str
    marker: str
    linestyle: str


def style_of(index: int) -> Style:
    """The colour, marker and line style of the config at ``index`` (the same in every chart)."""
    return Style(PALETTE[index % len(PALETTE)], MARKERS[index % len(MARKERS)], LINESTYLES[index % len(LINESTYLES)])


# --- helpers ------------------------------------------------------------------------------------------------------
def _figure(height_in: float) -> Figure:
    """A figure laid out by ``place`` (no layout engine: that would draw it twice)."""
    return Figure(figsize=(WIDTH_IN, height_in))  # no Agg canvas: only SVG is written


def log_if_wide(ax, axis: str, values: Sequence[float]) -> bool:  # noqa: ANN001
    """A log scale when the values span widely (formatting.wants_log)."""
    if not formatting.wants_log(values):
        return False
    target = ax.xaxis if axis == "x" else ax.yaxis
    (ax.set_xscale if axis == "x" else ax.set_yscale)("log")
    target.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    target.set_major_formatter(FuncFormatter(lambda v, _pos: formatting.plain(v)))
    target.set_minor_formatter(NullFormatter())
    return True


def _legend_below(fig: Figure, ax) -> None:  # noqa: ANN001
    """The legend under the axes, in up to three columns, the figure taller by the rows past three; then the
    axes placed around it."""
    labels = ax.get_legend_handles_labels()[1]
    longest = max((len(t) for t in labels), default=10)
    ncols = max(1, min(3, int(480 // (longest * 4.3 + 30))))
    rows = math.ceil(len(labels) / ncols)
    fig.set_figheight(fig.get_figheight() + max(0, rows - 3) * 0.16)
    legend = fig.legend(loc="lower center", ncols=ncols, frameon=False)
    place(fig, [Frame(ax)], below=legend, ncols=ncols)


def _money_axis(ax, top: float, fmt: Callable[[float], str]) -> None:  # noqa: ANN001
    if top <= 0:
        fixed_ticks(ax.xaxis, [], [])
        return
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt(v)))


def _money_y(ax, top: float) -> None:  # noqa: ANN001
    ax.set_ylim(0, (top or 1.0) * 1.12)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: formatting.money(v)))


def one_path(lines: Sequence[Sequence[tuple[float, float]]]) -> tuple[list[float], list[float]]:
    """Several polylines as one x, y series broken by NaN: one SVG path."""
    xs: list[float] = []
    ys: list[float] = []
    for line in lines:
        xs += [x for x, _ in line] + [math.nan]
        ys += [y for _, y in line] + [math.nan]
    return xs, ys


def _sla_lines(ax, plots: Plots) -> None:  # noqa: ANN001
    for x, name in plots.sla:
        ax.axvline(x, color=INK, linestyle=(0, (6, 3)), linewidth=1.1, label=name)


def _curves(plots: Plots) -> dict[str, Curve]:
    return {c.config: c for c in plots.curves}


# --- latency vs throughput ----------------------------------------------------------------------------------------
def latency_throughput(plots: Plots) -> Figure:
    """Each config's latency-throughput curve, points labelled with their load level, the SLA limit as a line."""
    fig = _figure(4.2)
    ax = fig.add_subplot()
    xs_all: list[float] = []
    ys_all: list[float] = []
    curves = _curves(plots)
    reduced = len(plots.focus) < len(plots.curves)
    rec = plots.recommended
    if reduced:
        rest = []
        for cv in plots.curves:
            if cv.config not in plots.focus:
                line = [(p.latency, p.rps) for p in cv.points if p.latency is not None and not p.failed]
                xs_all += [x for x, _ in line]
                ys_all += [y for _, y in line]
                rest.append(line)
        lx, ly = one_path(rest)
        ax.plot(
            lx,
            ly,
            color=GREY,
            linewidth=0.6,
            zorder=1,
            label=f"{len(rest)} other configs (a panel each in the appendix)",
        )
    for n, config in enumerate(plots.focus):
        st = style_of(n)
        cv = curves[config]
        pts = [p for p in cv.points if p.latency is not None and not p.failed]
        if not pts:
            continue
        placed = [(p.latency, p.rps, p.feasible) for p in pts if p.latency is not None]  # as pts, latency typed float
        xs = [x for x, _, _ in placed]
        ys = [y for _, y, _ in placed]
        xs_all += xs
        ys_all += ys
        ax.plot(xs, ys, color=st.colour, linestyle=st.linestyle, linewidth=1.2, zorder=2)
        ok = [(x, y) for x, y, feasible in placed if feasible]
        bad = [(x, y) for x, y, feasible in placed if not feasible]
        if ok:
            ax.scatter(
                [x for x, _ in ok],
                [y for _, y in ok],
                marker=st.marker,
                s=30,
                color=st.colour,
                edgecolors=INK,
                linewidths=0.4,
                zorder=3,
                rasterized=plots.dense,
            )
        if bad:
            ax.scatter(
                [x for x, _ in bad],
                [y for _, y in bad],
                marker=st.marker,
                s=30,
                color=GREY,
                edgecolors="#777777",
                linewidths=0.5,
                zorder=3,
                rasterized=plots.dense,
            )
        ax.plot([], [], color=st.colour, linestyle=st.linestyle, marker=st.marker, markersize=5, label=safe(config))
        best = cv.points[cv.chosen] if cv.chosen is not None else None
        labelled = pts if plots.label_all and not reduced else [p for p in pts if p is best]
        for p in labelled:
            ax.annotate(
                p.level,
                (p.latency, p.rps),
                xytext=(4, -9),
                textcoords="offset points",
                fontsize=6.5,
                color="#333333",
                zorder=4,
                bbox={"boxstyle": "square,pad=0.05", "facecolor": "white", "edgecolor": "none", "alpha": 0.7},
            )
        if best is not None and best.latency is not None:
            ax.scatter(
                [best.latency],
                [best.rps],
                s=330 if config == rec else 150,
                marker="*" if config == rec else "o",
                facecolors="none",
                edgecolors=INK,
                linewidths=1.2 if config == rec else 1.3,
                zorder=5,
            )
    _sla_lines(ax, plots)
    ax.scatter([], [], marker="o", s=30, color=GREY, edgecolors="#777777", label="breaks the SLA (grey)")
    if any(cv.chosen is not None for cv in plots.curves):
        ax.scatter([], [], s=110, facecolors="none", edgecolors=INK, linewidths=1.3, label="chosen point per config")
    if rec:
        ax.scatter(
            [],
            [],
            s=200,
            marker="*",
            facecolors="none",
            edgecolors=INK,
            linewidths=1.2,
            label=f"recommended: {safe(rec)}",
        )
    log_if_wide(ax, "x", xs_all)
    log_if_wide(ax, "y", ys_all)
    n_failed = sum(p.failed for cv in plots.curves for p in cv.points)
    if n_failed:  # failed runs measured nothing to place: counted in the legend, listed in the appendix
        ax.plot(
            [],
            [],
            ls="none",
            marker="x",
            color=FAILED,
            label=f"{n_failed} failed run{'s' if n_failed != 1 else ''} (not drawn)",
        )
    ax.set_xlabel(plots.xlabel)
    ax.set_ylabel(plots.ylabel)
    _legend_below(fig, ax)
    return fig


# --- Pareto -------------------------------------------------------------------------------------------------------
def pareto(plots: Plots) -> Figure:
    """Throughput per GPU against latency for every point, the Pareto frontier as a step line."""
    fig = _figure(3.8)
    ax = fig.add_subplot()
    xs_all: list[float] = []
    ys_all: list[float] = []
    curves = _curves(plots)
    if len(plots.focus) < len(plots.curves):
        rest = [
            (p.latency, p.per_gpu)
            for cv in plots.curves
            if cv.config not in plots.focus
            for p in cv.points
            if p.latency is not None and not p.failed
        ]
        if rest:
            xs_all += [x for x, _ in rest]
            ys_all += [y for _, y in rest]
            dx, dy = one_path([[(x, y), (x * 1.0001, y)] for x, y in rest])
            ax.plot(dx, dy, color=GREY, linewidth=2.2, solid_capstyle="round", zorder=1)
            ax.scatter([], [], s=6, color=GREY, label=f"points of {len(plots.curves) - len(plots.focus)} other configs")
    for n, config in enumerate(plots.focus):
        st = style_of(n)
        pts = [(p.latency, p.per_gpu) for p in curves[config].points if p.latency is not None and not p.failed]
        if not pts:
            continue
        xs_all += [x for x, _ in pts]
        ys_all += [y for _, y in pts]
        ax.scatter(
            [x for x, _ in pts],
            [y for _, y in pts],
            marker=st.marker,
            s=28,
            color=st.colour,
            edgecolors=INK,
            linewidths=0.4,
            label=safe(config),
            zorder=3,
            rasterized=plots.dense,
        )
    if plots.frontier:
        fx, fy = zip(*plots.frontier, strict=True)
        ax.step(fx, fy, where="post", color=INK, linewidth=1.6, label="Pareto frontier", zorder=2)
    _sla_lines(ax, plots)
    log_if_wide(ax, "x", xs_all)
    log_if_wide(ax, "y", ys_all)
    ax.set_xlabel(plots.xlabel)
    ax.set_ylabel("Requests/s per GPU (req/s)")
    _legend_below(fig, ax)
    return fig


# --- interactivity ------------------------------------------------------------------------------------------------
def interactivity(plots: Plots) -> Figure:
    """Output tokens/s per GPU against tokens/s per user (1000 / ITL), with the Pareto frontier as a step line."""
    fig = _figure(3.8)
    ax = fig.add_subplot()
    xs_all: list[float] = []
    ys_all: list[float] = []
    pts = {
        cv.config: [
            (p.tokens_per_user, p.tps_per_gpu)
            for p in cv.points
            if p.tokens_per_user is not None and p.tps_per_gpu is not None  # both or neither are known
        ]
        for cv in plots.curves
    }
    pts = {k: v for k, v in pts.items() if v}
    focus = plots.interactivity_focus
    if len(focus) < len(pts):
        rest = [pts[c] for c in pts if c not in focus]
        xs_all += [x for line in rest for x, _ in line]
        ys_all += [y for line in rest for _, y in line]
        lx, ly = one_path(rest)
        ax.plot(lx, ly, color=GREY, linewidth=0.6, zorder=1, label=f"{len(rest)} other configs")
    for n, config in enumerate(focus):
        st = style_of(n)
        xs, ys = [t[0] for t in pts[config]], [t[1] for t in pts[config]]
        xs_all += xs
        ys_all += ys
        ax.plot(xs, ys, color=st.colour, linestyle=st.linestyle, linewidth=0.9, zorder=2)
        ax.scatter(
            xs,
            ys,
            marker=st.marker,
            s=26,
            color=st.colour,
            edgecolors=INK,
            linewidths=0.4,
            zorder=3,
            rasterized=plots.dense,
        )
        ax.plot([], [], color=st.colour, linestyle=st.linestyle, marker=st.marker, markersize=5, label=safe(config))
    if plots.interactivity_frontier:
        fx, fy = zip(*plots.interactivity_frontier, strict=True)
        ax.step(fx, fy, where="pre", color=INK, linewidth=1.6, label="Pareto frontier", zorder=1)
    log_if_wide(ax, "x", xs_all)
    log_if_wide(ax, "y", ys_all)
    ax.set_xlabel(f"{label('tokens_per_second_per_user')} ({unit('tokens_per_second_per_user')})")
    ax.set_ylabel(f"{label('output_tps_per_gpu')} ({unit('output_tps_per_gpu')})")
    _legend_below(fig, ax)
    return fig


# --- cost bars ----------------------------------------------------------------------------------------------------
def _bar_height(n: int) -> float:
    return 1.3 + min(0.45 * max(n, 1), 6.2)


def _barh(
    ax,  # noqa: ANN001
    ys: Sequence[float],
    widths: Sequence[float],
    *,
    height: float,
    color: str,
    hatch: str,
    edgecolor: str,
    linewidth: float,
    label: str,
    left: Sequence[float] | None = None,
) -> None:
    """What ``Axes.barh`` draws, as ONE collection: barh makes a Rectangle per bar and updates the data limits bar by
    bar (hundreds of bars in a large sweep's cost charts). Every chart that uses it sets its x limits."""
    lefts = left if left is not None else [0.0] * len(ys)
    boxes = [
        [(x, y - height / 2), (x + w, y - height / 2), (x + w, y + height / 2), (x, y + height / 2)]
        for y, w, x in zip(ys, widths, lefts, strict=True)
    ]
    ax.add_collection(
        PolyCollection(
            boxes, facecolors=color, edgecolors=edgecolor, linewidths=linewidth, hatch=hatch or None, label=label
        )
    )


def _not_feasible(ax, y: float) -> None:  # noqa: ANN001
    ax.text(0, y, "  not feasible", va="center", ha="left", fontsize=7.5, color="#555555", style="italic")


def _shown_of(ax, plots: Plots) -> None:  # noqa: ANN001
    if len(plots.bars) < plots.configs:
        ax.set_xlabel(
            f"{ax.get_xlabel()}\n(the {len(plots.bars)} cheapest of {plots.configs} configs; the workbook lists all)"
        )


def yearly_cost(plots: Plots) -> Figure:
    """Total yearly cost per config, stacked by component."""
    bars = plots.bars
    fig = _figure(_bar_height(len(bars)))
    ax = fig.add_subplot()
    ys = list(range(len(bars)))[::-1]
    left = [0.0] * len(bars)
    for k, (_, name) in enumerate(plots.bar_keys):
        widths = [bar.components[k] for bar in bars]
        _barh(
            ax,
            ys,
            widths,
            left=left,
            height=0.6,
            color=PALETTE[k % len(PALETTE)],
            hatch=HATCHES[k % len(HATCHES)],
            edgecolor="white",
            linewidth=0.6,
            label=name,
        )
        left = [a + w for a, w in zip(left, widths, strict=True)]
    top = max(left, default=0.0)
    for y, bar in zip(ys, bars, strict=True):
        if bar.feasible:
            ax.text(bar.total + top * 0.01, y, formatting.money(bar.total), va="center", fontsize=7.5)
        else:
            _not_feasible(ax, y)
    fixed_ticks(ax.yaxis, ys, [safe(bar.config) for bar in bars])
    ax.set_xlim(0, (top or 1.0) * 1.18)
    _money_axis(ax, top, formatting.money)
    ax.set_xlabel(f"{label('total_yearly_cost')} ({unit('total_yearly_cost')})")
    ncols = min(len(plots.bar_keys), 4)
    legend = ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), frameon=False, ncols=ncols)
    _shown_of(ax, plots)
    place(fig, [Frame(ax, grid="x")], above=legend, ncols=ncols)
    return fig


def token_cost(plots: Plots) -> Figure:
    """Cost per 1M input tokens and per 1M output tokens for every config the cost charts show."""
    bars = plots.bars
    fig = _figure(_bar_height(len(bars)) + 0.3)
    ax = fig.add_subplot()
    ys = list(range(len(bars)))[::-1]
    series = [
        (label("cost_per_1m_input_tokens"), [bar.input_cost for bar in bars]),
        (label("cost_per_1m_output_tokens"), [bar.output_cost for bar in bars]),
    ]
    h = 0.36
    top = max((v for _, vals in series for v in vals), default=0.0)
    for k, (name, vals) in enumerate(series):
        offs = [y + h / 2 - k * h for y in ys]
        _barh(
            ax, offs, vals, height=h, color=PALETTE[k], hatch=HATCHES[k], edgecolor="white", linewidth=0.6, label=name
        )
        for y, v, bar in zip(offs, vals, bars, strict=True):
            if bar.feasible:
                ax.text(v + top * 0.01, y, formatting.unit_cost(v), va="center", fontsize=7)
    for y, bar in zip(ys, bars, strict=True):
        if not bar.feasible:
            _not_feasible(ax, y)
    fixed_ticks(ax.yaxis, ys, [safe(bar.config) for bar in bars])
    ax.set_xlim(0, (top or 1.0) * 1.15)
    _money_axis(ax, top, formatting.unit_cost)
    ax.set_xlabel("USD per 1M tokens")
    legend = ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), frameon=False, ncols=2)
    _shown_of(ax, plots)
    place(fig, [Frame(ax, grid="x")], above=legend, ncols=2)
    return fig


# --- decisions ----------------------------------------------------------------------------------------------------
def scenarios(plots: Plots) -> Figure:
    """Grouped bars: each scenario's yearly cost of owning, renting and the hosted API."""
    names, series = plots.scenario_names, plots.scenario_series
    k = max(len(series), 1)
    fig = _figure(1.0 + len(names) * (0.16 * k + 0.2))
    ax = fig.add_subplot()
    h = 0.8 / k
    ys = list(range(len(names)))[::-1]
    top = max((v for _, vals in series for v in vals if v is not None), default=0.0)
    for j, (name, vals) in enumerate(series):
        offs = [y + 0.4 - h * (j + 0.5) for y in ys]
        _barh(
            ax,
            offs,
            [v or 0.0 for v in vals],
            height=h,
            color=PALETTE[j % len(PALETTE)],
            hatch=HATCHES[j % len(HATCHES)],
            edgecolor="white",
            linewidth=0.6,
            label=name,
        )
        for y, v in zip(offs, vals, strict=True):
            ax.text(
                (v or 0.0) + top * 0.01, y, formatting.money(v) if v is not None else "n/a", va="center", fontsize=6.8
            )
    fixed_ticks(ax.yaxis, ys, [safe(n) for n in names])
    ax.set_xlim(0, (top or 1.0) * 1.2)
    _money_axis(ax, top, formatting.money)
    ax.set_xlabel(f"Yearly cost ({unit('total_yearly_cost')})")
    legend = ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), frameon=False, ncols=min(k, 4))
    place(fig, [Frame(ax, grid="x")], above=legend, ncols=min(k, 4))
    return fig


def api_break_even(plots: Plots) -> Figure:
    """Yearly cost of self-hosting (a step per server) and of the hosted API against the peak demand."""
    api = plots.api
    assert api is not None
    xs = [c[0] for c in api.curve]
    own = [c[1] for c in api.curve]
    cost = [c[2] for c in api.curve]
    fig = _figure(3.4)
    ax = fig.add_subplot()
    rec = safe(plots.recommended or "")
    ax.plot(xs, own, drawstyle="steps-pre", color=PALETTE[0], linewidth=1.6, label=f"Self-hosting ({rec})")
    ax.plot(xs, cost, color=PALETTE[1], linestyle="--", linewidth=1.6, label="Hosted API")
    ax.axvline(
        plots.peak,
        color="#777777",
        linestyle=":",
        linewidth=1.0,
        label=f"Planned peak: {formatting.rate(plots.peak)} req/s",
    )
    per_rps = cost[-1] / xs[-1] if xs and xs[-1] else 0.0
    marks = [(api.break_even_rps, "o", "Break-even")]
    if api.always_cheaper_rps is not None and api.always_cheaper_rps != api.break_even_rps:
        marks.append((api.always_cheaper_rps, "D", "Self-hosting always cheaper"))
    for x, marker, name in marks:
        if x is not None:
            ax.scatter(
                [x],
                [x * per_rps],
                marker=marker,
                s=55,
                facecolors="white",
                edgecolors=INK,
                linewidths=1.4,
                zorder=5,
                label=f"{name}: {formatting.rate(x)} req/s",
            )
    _money_y(ax, max(own + cost, default=0.0))
    ax.set_xlim(0, xs[-1] if xs else 1.0)
    ax.set_xlabel(f"{label('peak_requests_per_second')} ({unit('peak_requests_per_second')})")
    ax.set_ylabel(f"Yearly cost ({unit('total_yearly_cost')})")
    _legend_below(fig, ax)
    return fig


def plan(plots: Plots) -> Figure:
    """Capex and opex per year as stacked bars, the cumulative cost as a line, servers in service under the bars."""
    years = plots.plan
    fig = _figure(3.2)
    ax = fig.add_subplot()
    x = [y.year for y in years]
    capex = [y.capex for y in years]
    opex = [y.opex for y in years]
    ax.bar(x, capex, width=0.55, color=PALETTE[0], edgecolor="white", linewidth=0.6, label="Capex (servers bought)")
    ax.bar(
        x,
        opex,
        width=0.55,
        bottom=capex,
        color=PALETTE[1],
        hatch=HATCHES[1],
        edgecolor="white",
        linewidth=0.6,
        label="Opex (running costs)",
    )
    cum = [y.cumulative_cost for y in years]
    ax.plot(x, cum, color=INK, linestyle="--", marker="o", markersize=4, linewidth=1.2, label="Cumulative cost")
    top = max(cum + [c + o for c, o in zip(capex, opex, strict=True)], default=0.0)
    ticks = [
        f"Year {y.year}\n{formatting.count(y.servers_in_service)} server{'s' if y.servers_in_service != 1 else ''}"
        f" ({formatting.count(y.servers_bought)} bought)"
        for y in years
    ]
    fixed_ticks(ax.xaxis, x, ticks)
    _money_y(ax, top)
    ax.set_ylabel(f"Cost ({unit('initial_server_cost')})")
    ax.legend(loc="upper left", frameon=False, ncols=3)
    ax.set_ylim(0, (top or 1.0) * 1.3)
    place(fig, [Frame(ax, grid="y")])
    return fig


def tornado(plots: Plots) -> Figure:
    """For each input at -step and +step: the change in cost per 1M output tokens and in yearly TCO, biggest first."""
    rows = plots.tornado
    base_cost, base_tco = plots.tornado_base or (0.0, 0.0)
    fig = _figure(1.4 + 0.34 * len(rows))
    ax_cost, ax_tco = fig.subplots(1, 2, sharey=True)
    ys = list(range(len(rows)))[::-1]
    pct = formatting.plain(round(plots.sensitivity_step * 100, 6))
    moves = ((0, f"input -{pct}%"), (1, f"input +{pct}%"))
    for ax, deltas, fmt in (
        (ax_cost, [r.cost for r in rows], formatting.unit_cost),
        (ax_tco, [r.tco for r in rows], formatting.money),
    ):
        span = max((abs(d) for pair in deltas for d in pair if d is not None), default=0.0) or 1.0
        for k, name in moves:
            _barh(
                ax,
                ys,
                [pair[k] or 0.0 for pair in deltas],
                height=0.62,
                color=PALETTE[k],
                hatch=HATCHES[k],
                edgecolor="white",
                linewidth=0.5,
                label=name,
            )
        for y, pair, r in zip(ys, deltas, rows, strict=True):
            if all(d == 0 for d in pair):
                mark = " *" if any(r.switched) else ""
                ax.text(span * 0.03, y, "no change" + mark, va="center", fontsize=6.2, style="italic", color="#555555")
                continue
            for k in (0, 1):
                d = pair[k]
                if d is None:
                    ax.text(0, y, " nothing feasible", va="center", fontsize=6.2, style="italic", color="#555555")
                    continue
                if d == 0:
                    continue
                shown = ("+" if d > 0 else "") + fmt(d) + (" *" if r.switched[k] else "")
                ax.text(
                    d + (0.03 if d > 0 else -0.03) * span,
                    y,
                    shown,
                    va="center",
                    fontsize=6.2,
                    ha="left" if d > 0 else "right",
                )
        ax.axvline(0, color=INK, linewidth=0.8)
        ax.set_xlim(-span * 1.75, span * 1.75)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4, symmetric=True))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos, fmt=fmt: fmt(v)))
    ax_cost.set_xlabel(f"Cost per 1M output tokens (USD)\nchange from {formatting.unit_cost(base_cost)}")
    ax_tco.set_xlabel(f"Yearly TCO (USD/year)\nchange from {formatting.money(base_tco)}")
    fixed_ticks(ax_cost.yaxis, ys, [r.name for r in rows])
    legend = ax_cost.legend(loc="lower left", bbox_to_anchor=(0, 1.0), frameon=False, ncols=2)
    frames = [Frame(ax, grid="x", ysize=6.8, ylen=0.0, ylabels=ax is ax_cost) for ax in (ax_cost, ax_tco)]
    place(fig, frames, above=legend, ncols=2)
    return fig


# --- all ----------------------------------------------------------------------------------------------------------
DRAW: dict[str, Callable[[Plots], Figure]] = {
    "chart-latency": latency_throughput,
    "chart-interactivity": interactivity,
    "chart-pareto": pareto,
    "chart-yearly": yearly_cost,
    "chart-tokens": token_cost,
    "chart-scenarios": scenarios,
    "chart-api": api_break_even,
    "chart-plan": plan,
    "chart-tornado": tornado,
}


def draw(key: str, plots: Plots) -> str:
    """One chart as a standalone SVG document."""
    with matplotlib.rc_context(RC):
        if key.startswith("chart-sm-"):
            return page_svg(plots, int(key.rsplit("-", 1)[1]))
        return svg_of(DRAW[key](plots), key)


def draw_all(view: ReportView) -> dict[str, str]:
    """Every chart the view shows, by key, as standalone SVG documents."""
    return {key: draw(key, view.plots) for key in view.charts}
