"""The report's four charts as vector SVG strings, ready to be inlined into the HTML (and so into the PDF).

Matplotlib draws on an Agg canvas attached to each figure (no pyplot, no global backend switch), with text kept
as text so that the PDF stays searchable. Output is deterministic: a fixed hash salt for ids, no date, ids
prefixed per chart so that several SVGs can share one HTML document. Colours follow the Okabe-Ito palette, which
colour-blind readers can tell apart; every series also has its own marker, line style or hatch so that the charts
survive greyscale printing.
"""

from __future__ import annotations

import functools
import io
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullFormatter

from . import formatting
from .decisions import output_tps_per_gpu, tokens_per_second_per_user
from .model import BenchmarkPoint, ConfigResult, Report
from .names import COST_COMPONENTS, LATENCY_METRICS, label, unit
from .second_process import SecondProcess, split_draw
from .terminal import safe

# Okabe & Ito (2008), ordered so that neighbours differ in lightness too; yellow is left out (unreadable on white).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
LINESTYLES = ("-", "--", ":", "-.")
HATCHES = ("", "///", "xxx", "\\\\\\", "---", "+++")  # line hatches: dots and rings make huge SVG patterns
GREY = "#BBBBBB"
INK = "#222222"

_RC = {
    "svg.hashsalt": "tco_report",  # ids from a fixed salt, not a random one
    "svg.fonttype": "none",  # text stays text: searchable in the PDF, small files
    "font.family": "DejaVu Sans",
    "font.size": 8.5,
    "axes.titlesize": 9,
    "axes.labelsize": 8.5,
    "legend.fontsize": 7.5,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,  # grid lines behind bars, not across them
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.6,
    "hatch.linewidth": 0.6,
    "text.parse_math": False,  # a '$' in a config name is text, not mathtext
}
WIDTH_IN = 7.0
LABEL_ALL_POINTS_UP_TO = 80
RASTERIZE_POINTS_OVER = 400  # scatter markers become one embedded image (lines, text and axes stay vector)
RASTER_DPI = 150


@dataclass(frozen=True)
class Chart:
    """One chart for the report: an id-safe key, a title, a caption in words, and the inline SVG."""

    key: str
    title: str
    caption: str
    svg: str


@dataclass(frozen=True)
class Style:
    colour: str
    marker: str
    linestyle: str


def style_of(index: int) -> Style:
    """The colour, marker and line style of the config at ``index`` (the same in every chart)."""
    return Style(PALETTE[index % len(PALETTE)], MARKERS[index % len(MARKERS)], LINESTYLES[index % len(LINESTYLES)])


# --- cost components --------------------------------------------------------------------------------------------
def stacked_components(results: Sequence[ConfigResult]) -> list[str]:
    """The cost components to stack, in names.COST_COMPONENTS order: the post's three always, any other (energy,
    operations, ...) when some config has it, so a new component in the calculator appears without a change here."""
    core = ("capex", "software", "hosting")
    present = {k for r in results if r.feasible for k, v in r.cost_components_per_server.items() if v}
    return [k for k in COST_COMPONENTS if k in core or k in present]


# --- helpers ----------------------------------------------------------------------------------------------------
def _styled(draw: Callable[[Report], str]) -> Callable[[Report], str]:
    """Draw under the report's rc settings (fixed hash salt, text as text), whoever calls the chart function."""

    @functools.wraps(draw)
    def wrapper(report: Report) -> str:
        with matplotlib.rc_context(_RC):
            return draw(report)

    return wrapper


def _figure(height_in: float) -> Figure:
    fig = Figure(figsize=(WIDTH_IN, height_in), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _svg(fig: Figure, key: str) -> str:
    """Serialise a figure to an SVG fragment for inline use: no prolog, no metadata, ids unique per chart."""
    buf = io.StringIO()
    fig.savefig(
        buf, format="svg", dpi=RASTER_DPI, metadata={"Date": None, "Creator": None, "Format": None, "Type": None}
    )
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.S)
    # HTML puts inline <svg> in the SVG namespace by itself; the xmlns URLs would be the file's only "http".
    svg = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", svg)
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{key}-\1"', svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{key}-\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{key}-\1)", svg)
    svg = svg.replace("<svg ", f'<svg class="chart" role="img" aria-labelledby="{key}-title" ', 1)
    return _flatten_groups(svg).strip() + "\n"


_G_TAG = re.compile(r"[ \t]*<g\b([^>]*?)(/?)>\n?|[ \t]*</g>\n?")
_ONLY_ID = re.compile(r'^(\s+id="[^"]*")?\s*$')


def _flatten_groups(svg: str) -> str:
    """Drop the <g> wrappers that carry nothing but an id (matplotlib nests one per artist, tick and label):
    they are more than half an SVG's elements, and WeasyPrint styles and draws every element, so the PDF renders
    faster without changing a pixel. Nothing refers to those ids (references go to <defs> and clip paths)."""
    out: list[str] = []
    keep: list[bool] = []
    pos = 0
    for m in _G_TAG.finditer(svg):
        out.append(svg[pos : m.start()])
        pos = m.end()
        text = m.group(0)
        if text.lstrip().startswith("</g>"):
            if keep.pop():
                out.append(text)
            continue
        drop = _ONLY_ID.match(m.group(1)) is not None
        if m.group(2):  # self-closing: nothing inside
            if not drop:
                out.append(text)
            continue
        keep.append(not drop)
        if not drop:
            out.append(text)
    out.append(svg[pos:])
    return "".join(out)


def _dense(report: Report) -> bool:
    """A sweep so dense that its scatter markers are drawn as one image: WeasyPrint styles and draws every SVG
    element, and thousands of markers cost seconds per chart."""
    return len(report.points) > RASTERIZE_POINTS_OVER


def _latency_axis(report: Report) -> tuple[str, str, str]:
    metric, statistic = report.frontier_metric
    name = LATENCY_METRICS.get(metric, metric.upper())
    return metric, statistic, f"{name}, {statistic} (ms)"


def _log_if_wide(ax, axis: str, values: Sequence[float]) -> None:
    """Use a log scale when the values span more than 30x: sweeps double the load at every step."""
    vals = [v for v in values if v is not None and v > 0 and math.isfinite(v)]
    if len(vals) < 2 or max(vals) / min(vals) <= 30:
        return
    target = ax.xaxis if axis == "x" else ax.yaxis
    (ax.set_xscale if axis == "x" else ax.set_yscale)("log")
    target.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    target.set_major_formatter(FuncFormatter(lambda v, _pos: formatting.plain(v)))
    target.set_minor_formatter(NullFormatter())


def _legend_below(fig: Figure, ax) -> None:
    """The legend under the axes, in as many columns as the longest entry allows (long config names get fewer)."""
    labels = ax.get_legend_handles_labels()[1]
    longest = max((len(t) for t in labels), default=10)
    # About 4 pt per character at the legend's size, plus the marker, within the figure's 504 pt.
    ncols = max(1, min(3, int(480 // (longest * 4.3 + 30))))
    rows = math.ceil(len(labels) / ncols)
    fig.set_figheight(fig.get_figheight() + max(0, rows - 3) * 0.16)  # the plot keeps its height
    fig.legend(loc="outside lower center", ncols=ncols, frameon=False)


def _money_axis(ax, top: float, fmt: Callable[[float], str]) -> None:
    """At most five ticks, formatted as the report formats money; no ticks at all when there is nothing to show."""
    if top <= 0:
        ax.set_xticks([])
        return
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt(v)))


# Sweeps of many configs (issue 8: 200 configs x 32 levels) keep the first two charts readable and quick: only the
# relevant configs get colours, markers, labels and legend entries, the others are one grey artist behind them.
FOCUS_LIMIT = 8
BAR_LIMIT = 25


def focus_configs(report: Report, limit: int = FOCUS_LIMIT) -> list[str]:
    """All configs when there are at most ``limit``; else the recommended one, then those with the most points on
    the Pareto frontier (ties by name), at most ``limit``."""
    return _ranked_focus(report, [p.config for p in report.frontier], list(report.configs), limit)


def _ranked_focus(
    report: Report, on_frontier: Sequence[str], configs: list[str], limit: int = FOCUS_LIMIT
) -> list[str]:
    """``configs`` when at most ``limit``; else the recommended config, then the configs named most often in
    ``on_frontier`` (one entry per frontier point; ties by name), at most ``limit``."""
    if len(configs) <= limit:
        return configs
    on_front: dict[str, int] = {}
    for c in on_frontier:
        on_front[c] = on_front.get(c, 0) + 1
    rec = report.recommended.config if report.recommended else None
    ranked = sorted(on_front, key=lambda c: (-on_front[c], c))
    return ([rec] if rec else []) + [c for c in ranked if c != rec][: limit - (1 if rec else 0)]


def _by_config(points: Sequence[BenchmarkPoint]) -> dict[str, list[BenchmarkPoint]]:
    """Points per config, each by load: one pass, not one scan of every point per config."""
    out: dict[str, list[BenchmarkPoint]] = {}
    for p in points:
        out.setdefault(p.config, []).append(p)
    for pts in out.values():
        pts.sort(key=lambda p: p.load)
    return out


def _one_path(lines: Sequence[Sequence[tuple[float, float]]]) -> tuple[list[float], list[float]]:
    """Several polylines as one x, y series broken by NaN: matplotlib draws it as a single SVG path."""
    xs: list[float] = []
    ys: list[float] = []
    for line in lines:
        xs += [x for x, _ in line] + [math.nan]
        ys += [y for _, y in line] + [math.nan]
    return xs, ys


def _chosen(report: Report) -> dict[str, BenchmarkPoint]:
    return {r.config: r.point for r in report.results if r.feasible and r.point is not None}


def _sla_lines(ax, report: Report, metric: str, statistic: str) -> None:
    for c in report.assumptions.sla:
        if c.metric == metric and c.statistic == statistic:
            ax.axvline(c.max_ms, color=INK, linestyle=(0, (6, 3)), linewidth=1.1, label=f"SLA limit: {c.describe()}")


# --- (a) latency vs throughput ----------------------------------------------------------------------------------
@_styled
def latency_throughput(report: Report) -> str:
    """Each config's latency-throughput curve, points labelled with their load level, the SLA limit as a line."""
    metric, statistic, xlabel = _latency_axis(report)
    chosen = _chosen(report)
    rec = report.recommended.config if report.recommended else None
    fig = _figure(4.2)
    ax = fig.add_subplot()
    xs_all, ys_all = [], []
    index = {id(p): i for i, p in enumerate(report.points)}
    # Every point carries its load level in a sweep of ordinary size; in a dense one only the chosen points do, as
    # hundreds of labels are unreadable and each costs WeasyPrint an element to style and draw.
    label_all = len(report.points) <= LABEL_ALL_POINTS_UP_TO
    dense = _dense(report)
    curves = _by_config(report.points)
    focus = focus_configs(report)
    reduced = len(focus) < len(report.configs)
    if reduced:  # every other config as one grey path: context, at the cost of one SVG element
        rest = []
        for config, curve in curves.items():
            if config not in focus:
                line = [(x, p.rps) for p in curve if (x := p.latency(metric, statistic)) is not None]
                xs_all += [x for x, _ in line]
                ys_all += [y for _, y in line]
                rest.append(line)
        lx, ly = _one_path(rest)
        ax.plot(
            lx,
            ly,
            color=GREY,
            linewidth=0.6,
            zorder=1,
            label=f"{len(rest)} other configs (a panel each in the appendix)",
        )
    for n, config in enumerate(focus):
        st = style_of(n)
        curve = curves.get(config, [])
        pts = [(p, p.latency(metric, statistic)) for p in curve]
        pts = [(p, x) for p, x in pts if x is not None]
        if not pts:
            continue
        xs = [x for _, x in pts]
        ys = [p.rps for p, _ in pts]
        xs_all += xs
        ys_all += ys
        ax.plot(xs, ys, color=st.colour, linestyle=st.linestyle, linewidth=1.2, zorder=2)
        ok = [report.feasible.get(index[id(p)], False) for p, _ in pts]
        ax.scatter(
            [x for x, k in zip(xs, ok, strict=True) if k],
            [y for y, k in zip(ys, ok, strict=True) if k],
            marker=st.marker,
            s=30,
            color=st.colour,
            edgecolors=INK,
            linewidths=0.4,
            zorder=3,
            rasterized=dense,
        )
        bad = [(x, y) for x, y, k in zip(xs, ys, ok, strict=True) if not k]
        if bad:
            ax.scatter(
                *zip(*bad, strict=True),
                marker=st.marker,
                s=30,
                color=GREY,
                edgecolors="#777777",
                linewidths=0.5,
                zorder=3,
                rasterized=dense,
            )
        ax.plot([], [], color=st.colour, linestyle=st.linestyle, marker=st.marker, markersize=5, label=safe(config))
        best = chosen.get(config)
        for p, x in pts if label_all and not reduced else [(p, x) for p, x in pts if p is best]:
            ax.annotate(
                formatting.level(p.load),
                (x, p.rps),
                xytext=(4, -9),
                textcoords="offset points",
                fontsize=6.5,
                color="#333333",
                bbox={"boxstyle": "square,pad=0.05", "facecolor": "white", "edgecolor": "none", "alpha": 0.7},
                zorder=4,
            )
        if best is not None and best.latency(metric, statistic) is not None:
            # The recommended config's point is a star, the other chosen points rings: distinct in greyscale too.
            ax.scatter(
                [best.latency(metric, statistic)],
                [best.rps],
                s=330 if config == rec else 150,
                marker="*" if config == rec else "o",
                facecolors="none",
                edgecolors=INK,
                linewidths=1.2 if config == rec else 1.3,
                zorder=5,
            )
    _sla_lines(ax, report, metric, statistic)
    ax.scatter([], [], marker="o", s=30, color=GREY, edgecolors="#777777", label="breaks the SLA (grey)")
    if chosen:
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
    _log_if_wide(ax, "x", xs_all)
    _log_if_wide(ax, "y", ys_all)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(f"{label('rps_per_instance')} ({unit('rps_per_instance')})")
    _legend_below(fig, ax)
    return _svg(fig, "chart-latency")


# --- (b) Pareto frontier ----------------------------------------------------------------------------------------
@_styled
def pareto(report: Report) -> str:
    """Throughput per GPU against latency for every point of every config, the Pareto frontier as a step line."""
    metric, statistic, xlabel = _latency_axis(report)
    gpus = {r.config: r.gpus_per_instance for r in report.results}
    dense = _dense(report)
    fig = _figure(3.8)
    ax = fig.add_subplot()
    xs_all, ys_all = [], []
    curves = _by_config(report.points)
    focus = focus_configs(report)
    if len(focus) < len(report.configs):  # the other configs' points as one grey, rasterized scatter
        rest = [
            (x, p.rps / gpus[c])
            for c, curve in curves.items()
            if c not in focus
            for p in curve
            if (x := p.latency(metric, statistic)) is not None
        ]
        if rest:
            xs_all += [x for x, _ in rest]
            ys_all += [y for _, y in rest]
            # Each point a dot drawn as a round-capped stub of one path: one SVG element for thousands of points
            # (a scatter writes one element per marker, and WeasyPrint took 15 s over 6,400 of them).
            dx, dy = _one_path([[(x, y), (x * 1.0001, y)] for x, y in rest])
            ax.plot(
                dx,
                dy,
                color=GREY,
                linewidth=2.2,
                solid_capstyle="round",
                zorder=1,
            )
            ax.scatter([], [], s=6, color=GREY, label=f"points of {len(curves) - len(focus)} other configs")
    for n, config in enumerate(focus):
        st = style_of(n)
        pts = [(p.latency(metric, statistic), p.rps / gpus[config]) for p in curves.get(config, [])]
        pts = [(x, y) for x, y in pts if x is not None]
        if not pts:
            continue
        xs_all += [x for x, _ in pts]
        ys_all += [y for _, y in pts]
        ax.scatter(
            *zip(*pts, strict=True),
            marker=st.marker,
            s=28,
            color=st.colour,
            edgecolors=INK,
            linewidths=0.4,
            label=safe(config),
            zorder=3,
            rasterized=dense,
        )
    front = [(p.latency(metric, statistic), p.rps / gpus[p.config]) for p in report.frontier]
    front = sorted((x, y) for x, y in front if x is not None)
    if front:
        fx, fy = zip(*front, strict=True)
        ax.step(fx, fy, where="post", color=INK, linewidth=1.6, label="Pareto frontier", zorder=2)
    _sla_lines(ax, report, metric, statistic)
    _log_if_wide(ax, "x", xs_all)
    _log_if_wide(ax, "y", ys_all)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("Requests/s per GPU (req/s)")
    _legend_below(fig, ax)
    return _svg(fig, "chart-pareto")


# --- (c) yearly cost by component -------------------------------------------------------------------------------
def _bar_height(n: int) -> float:
    """Roomy bars for a few configs; for many (up to BAR_LIMIT), thinner ones, so that the chart, its title and its
    caption fit one page."""
    return 1.3 + min(0.45 * max(n, 1), 6.2)


def _not_feasible(ax, y: float) -> None:
    ax.text(0, y, "  not feasible", va="center", ha="left", fontsize=7.5, color="#555555", style="italic")


def bar_results(report: Report, limit: int = BAR_LIMIT) -> list[ConfigResult]:
    """The configs the cost charts show: all of them, or for a large sweep the ``limit`` cheapest feasible ones
    (the recommended one first), in the sizing table's order; the report's tables list the same configs."""
    results = list(report.results)
    if len(results) <= limit:
        return results
    feasible = sorted((r for r in results if r.feasible), key=lambda r: (r.total_yearly_cost, r.config))[:limit]
    keep = {id(r) for r in feasible}
    return [r for r in results if id(r) in keep]


@_styled
def yearly_cost(report: Report) -> str:
    """Total yearly cost per config, stacked by component (depreciation, software licence, hosting, ...)."""
    results = bar_results(report)
    fig = _figure(_bar_height(len(results)))
    ax = fig.add_subplot()
    ys = list(range(len(results)))[::-1]  # first config at the top
    left = [0.0] * len(results)
    keys = stacked_components(results)
    for k, key in enumerate(keys):
        widths = [r.cost_components().get(key, 0.0) if r.feasible else 0.0 for r in results]
        ax.barh(
            ys,
            widths,
            left=left,
            height=0.6,
            color=PALETTE[k % len(PALETTE)],
            hatch=HATCHES[k % len(HATCHES)],
            edgecolor="white",
            linewidth=0.6,
            label=COST_COMPONENTS[key],
        )
        left = [a + b for a, b in zip(left, widths, strict=True)]
    top = max(left, default=0.0)
    for y, r in zip(ys, results, strict=True):
        if r.feasible:
            ax.text(
                r.total_yearly_cost + top * 0.01, y, formatting.money(r.total_yearly_cost), va="center", fontsize=7.5
            )
        else:
            _not_feasible(ax, y)
    ax.set_yticks(ys, [safe(r.config) for r in results])
    ax.set_xlim(0, (top or 1.0) * 1.18)
    _money_axis(ax, top, formatting.money)
    ax.set_xlabel(f"{label('total_yearly_cost')} ({unit('total_yearly_cost')})")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), frameon=False, ncols=min(len(keys), 4))
    if len(results) < len(report.results):
        ax.set_xlabel(
            f"{ax.get_xlabel()}\n(the {len(results)} cheapest of {len(report.results)} configs; the workbook lists all)"
        )
    return _svg(fig, "chart-yearly")


# --- (d) cost per 1M tokens -------------------------------------------------------------------------------------
@_styled
def token_cost(report: Report) -> str:
    """Cost per 1M input tokens and per 1M output tokens for every feasible config."""
    results = bar_results(report)
    fig = _figure(_bar_height(len(results)) + 0.3)
    ax = fig.add_subplot()
    ys = list(range(len(results)))[::-1]
    series: list[tuple[str, Callable[[ConfigResult], float | None]]] = [
        (label("cost_per_1m_input_tokens"), lambda r: r.cost_per_1m_input_tokens),
        (label("cost_per_1m_output_tokens"), lambda r: r.cost_per_1m_output_tokens),
    ]
    h = 0.36
    top = max(((f(r) or 0.0) if r.feasible else 0.0 for r in results for _, f in series), default=0.0)
    for k, (name, f) in enumerate(series):
        offs = [y + h / 2 - k * h for y in ys]
        vals = [(f(r) or 0.0) if r.feasible else 0.0 for r in results]
        ax.barh(offs, vals, height=h, color=PALETTE[k], hatch=HATCHES[k], edgecolor="white", linewidth=0.6, label=name)
        for y, v, r in zip(offs, vals, results, strict=True):
            if r.feasible:
                ax.text(v + top * 0.01, y, formatting.unit_cost(v), va="center", fontsize=7)
    for y, r in zip(ys, results, strict=True):
        if not r.feasible:
            _not_feasible(ax, y)
    ax.set_yticks(ys, [safe(r.config) for r in results])
    ax.set_xlim(0, (top or 1.0) * 1.15)
    _money_axis(ax, top, formatting.unit_cost)
    ax.set_xlabel("USD per 1M tokens")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), frameon=False, ncols=2)
    if len(results) < len(report.results):
        ax.set_xlabel(
            f"{ax.get_xlabel()}\n(the {len(results)} cheapest of {len(report.results)} configs; the workbook lists all)"
        )
    return _svg(fig, "chart-tokens")


# --- interactivity -----------------------------------------------------------------------------------------------
def interactivity_points(report: Report) -> dict[str, list[tuple[float, float, BenchmarkPoint]]]:
    """Per config, (tokens/s per user, output tokens/s per GPU, point) for every point that reports an ITL."""
    gpus = {r.config: r.gpus_per_instance for r in report.results}
    out: dict[str, list[tuple[float, float, BenchmarkPoint]]] = {}
    for p in report.points:
        tpu = tokens_per_second_per_user(p)
        if tpu is not None:
            out.setdefault(p.config, []).append((tpu, output_tps_per_gpu(p, gpus[p.config]), p))
    return out


@_styled
def interactivity(report: Report) -> str:
    """Output tokens/s per GPU against tokens/s per user (1000 / ITL), with the Pareto frontier as a step line."""
    pts = interactivity_points(report)
    dense = _dense(report)
    fig = _figure(3.8)
    ax = fig.add_subplot()
    xs_all, ys_all = [], []
    frontier = list(report.decisions.interactivity_frontier) if report.decisions else []
    focus = _ranked_focus(report, [report.points[i].config for i in frontier], [c for c in report.configs if c in pts])
    if len(focus) < len(pts):  # as in the latency chart: the other configs as one grey path behind
        rest = [[(t[0], t[1]) for t in sorted(pts[c], key=lambda t: t[2].load)] for c in pts if c not in focus]
        xs_all += [x for line in rest for x, _ in line]
        ys_all += [y for line in rest for _, y in line]
        lx, ly = _one_path(rest)
        ax.plot(lx, ly, color=GREY, linewidth=0.6, zorder=1, label=f"{len(rest)} other configs")
    for n, config in enumerate(focus):
        st = style_of(n)
        curve = sorted(pts[config], key=lambda t: t[2].load)
        xs, ys = [t[0] for t in curve], [t[1] for t in curve]
        xs_all += xs
        ys_all += ys
        ax.plot(xs, ys, color=st.colour, linestyle=st.linestyle, linewidth=0.9, zorder=2)
        ax.scatter(
            xs, ys, marker=st.marker, s=26, color=st.colour, edgecolors=INK, linewidths=0.4, zorder=3, rasterized=dense
        )
        ax.plot([], [], color=st.colour, linestyle=st.linestyle, marker=st.marker, markersize=5, label=safe(config))
    gpus = {r.config: r.gpus_per_instance for r in report.results}
    front = []
    for i in frontier:
        p = report.points[i]
        tpu = tokens_per_second_per_user(p)
        if tpu is not None:
            front.append((tpu, output_tps_per_gpu(p, gpus[p.config])))
    front.sort()
    if front:
        fx, fy = zip(*front, strict=True)
        # Higher is better on both axes: at interactivity x the best throughput is that of the next frontier point.
        ax.step(fx, fy, where="pre", color=INK, linewidth=1.6, label="Pareto frontier", zorder=1)
    _log_if_wide(ax, "x", xs_all)
    _log_if_wide(ax, "y", ys_all)
    ax.set_xlabel(f"{label('tokens_per_second_per_user')} ({unit('tokens_per_second_per_user')})")
    ax.set_ylabel(f"{label('output_tps_per_gpu')} ({unit('output_tps_per_gpu')})")
    _legend_below(fig, ax)
    return _svg(fig, "chart-interactivity")


# --- decisions: shared helpers ----------------------------------------------------------------------------------
def _money_y(ax, top: float) -> None:
    ax.set_ylim(0, (top or 1.0) * 1.12)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: formatting.money(v)))


def _bar_label(ax, x: float, y: float, text: str, top: float) -> None:
    ax.text(x + top * 0.01, y, text, va="center", fontsize=6.8)


# --- scenarios --------------------------------------------------------------------------------------------------
def scenario_series(report: Report) -> list[tuple[str, list[float | None]]]:
    """Owning, renting (on demand, reserved) and the hosted API's yearly cost per scenario; series with no value
    in any scenario are left out."""
    rows = report.decisions.scenarios if report.decisions else ()

    def get(f: Callable[[object], float | None]) -> list[float | None]:
        return [f(s) for s in rows]

    series = [
        ("Owning (TCO)", get(lambda s: s.recommended.total_yearly_cost if s.recommended else None)),
        ("Renting, on demand", get(lambda s: s.recommended.yearly_cloud_cost if s.recommended else None)),
        ("Renting, reserved", get(lambda s: s.recommended.yearly_cloud_reserved_cost if s.recommended else None)),
        ("Hosted API", get(lambda s: s.api_yearly_cost)),
    ]
    return [(name, vals) for name, vals in series if any(v is not None for v in vals)]


@_styled
def scenarios(report: Report) -> str:
    """Grouped bars: each scenario's yearly cost of owning, renting and the hosted API."""
    rows = report.decisions.scenarios
    series = scenario_series(report)
    k = len(series)
    fig = _figure(1.0 + len(rows) * (0.16 * k + 0.2))
    ax = fig.add_subplot()
    h = 0.8 / k
    ys = list(range(len(rows)))[::-1]
    top = max((v for _, vals in series for v in vals if v is not None), default=0.0)
    for j, (name, vals) in enumerate(series):
        offs = [y + 0.4 - h * (j + 0.5) for y in ys]
        ax.barh(
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
            _bar_label(ax, v or 0.0, y, formatting.money(v) if v is not None else "n/a", top)
    ax.set_yticks(ys, [safe(s.name) for s in rows])
    ax.set_xlim(0, (top or 1.0) * 1.2)
    _money_axis(ax, top, formatting.money)
    ax.set_xlabel(f"Yearly cost ({unit('total_yearly_cost')})")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), frameon=False, ncols=min(k, 4))
    return _svg(fig, "chart-scenarios")


# --- hosted-API break-even --------------------------------------------------------------------------------------
@_styled
def api_break_even(report: Report) -> str:
    """Yearly cost of self-hosting (a step per server) and of the hosted API against the peak demand."""
    b = report.decisions.api
    xs = [c[0] for c in b.curve]
    own = [c[1] for c in b.curve]
    api = [c[2] for c in b.curve]
    fig = _figure(3.4)
    ax = fig.add_subplot()
    rec = safe(report.recommended.config) if report.recommended else ""
    ax.plot(xs, own, drawstyle="steps-pre", color=PALETTE[0], linewidth=1.6, label=f"Self-hosting ({rec})")
    ax.plot(xs, api, color=PALETTE[1], linestyle="--", linewidth=1.6, label="Hosted API")
    peak = report.assumptions.peak_requests_per_second
    ax.axvline(
        peak, color="#777777", linestyle=":", linewidth=1.0, label=f"Planned peak: {formatting.rate(peak)} req/s"
    )
    per_rps = api[-1] / xs[-1] if xs and xs[-1] else 0.0
    marks = [(b.break_even_rps, "o", "Break-even")]
    if b.always_cheaper_rps is not None and b.always_cheaper_rps != b.break_even_rps:
        marks.append((b.always_cheaper_rps, "D", "Self-hosting always cheaper"))
    for x, marker, name in marks:
        if x is None:
            continue
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
    _money_y(ax, max(own + api, default=0.0))
    ax.set_xlim(0, xs[-1] if xs else 1.0)
    ax.set_xlabel(f"{label('peak_requests_per_second')} ({unit('peak_requests_per_second')})")
    ax.set_ylabel(f"Yearly cost ({unit('total_yearly_cost')})")
    _legend_below(fig, ax)
    return _svg(fig, "chart-api")


# --- multi-year plan --------------------------------------------------------------------------------------------
@_styled
def plan(report: Report) -> str:
    """Capex and opex per year as stacked bars, the cumulative cost as a line, servers in service above the bars."""
    years = report.decisions.plan
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
    ax.set_xticks(x, ticks)
    ax.grid(axis="x", visible=False)
    _money_y(ax, top)
    ax.set_ylabel(f"Cost ({unit('initial_server_cost')})")
    ax.legend(loc="upper left", frameon=False, ncols=3)
    ax.set_ylim(0, (top or 1.0) * 1.3)  # room for the legend above the bars
    return _svg(fig, "chart-plan")


# --- sensitivity ------------------------------------------------------------------------------------------------
def sensitivity_order(report: Report) -> list:
    """The sensitivity rows, the input that moves the cost per 1M output tokens most first (then yearly TCO)."""
    d = report.decisions
    if d is None or not d.sensitivity or d.sensitivity_base is None:
        return []
    base_cost, base_tco = d.sensitivity_base

    def impact(r) -> tuple[float, float]:  # noqa: ANN001
        cost = max((abs(v - base_cost) for v in r.cost_per_1m_output_tokens if v is not None), default=math.inf)
        tco = max((abs(v - base_tco) for v in r.total_yearly_cost if v is not None), default=math.inf)
        return (-cost, -tco)

    return sorted(d.sensitivity, key=impact)


def _short_label(snake: str) -> str:
    """A quantity's label without its parenthetical, for tick labels: 'Yearly software licence'."""
    return re.sub(r"\s*\(.*?\)", "", label(snake)).strip()


@_styled
def tornado(report: Report) -> str:
    """For each input at -step and +step: the change in cost per 1M output tokens and in yearly TCO, biggest first."""
    rows = sensitivity_order(report)
    base_cost, base_tco = report.decisions.sensitivity_base
    step = report.assumptions.sensitivity_step
    rec = report.recommended.config if report.recommended else None
    fig = _figure(1.4 + 0.34 * len(rows))
    ax_cost, ax_tco = fig.subplots(1, 2, sharey=True)
    ys = list(range(len(rows)))[::-1]
    pct = formatting.plain(round(step * 100, 6))
    moves = ((0, f"input -{pct}%"), (1, f"input +{pct}%"))
    for ax, values, base, fmt in (
        (ax_cost, [r.cost_per_1m_output_tokens for r in rows], base_cost, formatting.unit_cost),
        (ax_tco, [r.total_yearly_cost for r in rows], base_tco, formatting.money),
    ):
        deltas = [[(v[k] - base) if v[k] is not None else None for k in (0, 1)] for v in values]
        span = max((abs(d) for pair in deltas for d in pair if d is not None), default=0.0) or 1.0
        for k, name in moves:
            ax.barh(
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
            switched = [r.recommended[k] not in (rec, None) for k in (0, 1)]
            if all(d == 0 for d in pair):
                mark = " *" if any(switched) else ""
                ax.text(span * 0.03, y, "no change" + mark, va="center", fontsize=6.2, style="italic", color="#555555")
                continue
            for k in (0, 1):
                d = pair[k]
                if d is None:
                    ax.text(0, y, " nothing feasible", va="center", fontsize=6.2, style="italic", color="#555555")
                    continue
                if d == 0:
                    continue
                text = ("+" if d > 0 else "") + fmt(d) + (" *" if switched[k] else "")
                ax.text(
                    d + (0.03 if d > 0 else -0.03) * span,
                    y,
                    text,
                    va="center",
                    fontsize=6.2,
                    ha="left" if d > 0 else "right",
                )
        ax.axvline(0, color=INK, linewidth=0.8)
        ax.set_xlim(-span * 1.75, span * 1.75)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4, symmetric=True))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos, fmt=fmt: fmt(v)))
        ax.grid(axis="y", visible=False)
        ax.tick_params(axis="y", length=0)
    ax_cost.set_xlabel(f"Cost per 1M output tokens (USD)\nchange from {formatting.unit_cost(base_cost)}")
    ax_tco.set_xlabel(f"Yearly TCO (USD/year)\nchange from {formatting.money(base_tco)}")
    names = [
        f"{_short_label(r.input)}\n{formatting.quantity(r.input, r.low_value)} / "
        f"{formatting.quantity(r.input, r.high_value)}"
        for r in rows
    ]
    ax_cost.set_yticks(ys, names, fontsize=6.8)
    ax_cost.legend(loc="lower left", bbox_to_anchor=(0, 1.0), frameon=False, ncols=2)
    return _svg(fig, "chart-tornado")


# --- all of them ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Spec:
    key: str
    title: str
    caption: str
    draw: Callable[[Report], str]


def all_charts(report: Report, second: SecondProcess | None = None) -> list[Chart]:
    """The report's charts in reading order; the interactivity view follows the latency chart when the benchmark
    files report an inter-token latency. With a ``second`` process, the latency chart is drawn there while this
    process draws the others; with the decision charts and the appendix also drawn there (render.context), that
    balances the two processes on the example and on 200 configs."""
    metric, statistic, _ = _latency_axis(report)
    what = f"{statistic} {metric.upper()}"
    kind = "concurrency" if all(p.concurrency is not None for p in report.points) else "load level"
    out: list[_Spec] = [
        _Spec(
            "chart-latency",
            "Latency vs throughput, per config",
            f"Each point is one benchmark run, labelled with its {kind}"
            f"{'' if len(report.points) <= LABEL_ALL_POINTS_UP_TO else ' where it is the chosen point'}; x is {what}, "
            "y the requests/s one "
            "model instance served. Grey points break the SLA; the ringed point is the one each config is "
            "sized at, and the star marks the recommended config."
            + (
                " Each grey config has a panel of its own in the appendix." if len(report.configs) > FOCUS_LIMIT else ""
            ),
            latency_throughput,
        ),
    ]
    if interactivity_points(report):
        out.append(
            _Spec(
                "chart-interactivity",
                "Interactivity: throughput per GPU vs tokens per second per user",
                "The view serving teams use today: each point is one benchmark run; x is the output tokens a user "
                "sees per second (1000 / mean inter-token latency in ms), y the output tokens per second one GPU "
                "produces. Further right is snappier for each user, higher is cheaper per token; the step line is "
                "the Pareto frontier, where no run beats another on both.",
                interactivity,
            )
        )
    out += [
        _Spec(
            "chart-pareto",
            "Pareto frontier: throughput per GPU vs latency",
            "Throughput divided by the GPUs of one instance, so that configs with different GPU counts compare "
            "fairly. The step line is the frontier: no point beats it on both latency and throughput per GPU.",
            pareto,
        ),
        _Spec(
            "chart-yearly",
            "Yearly cost per config, by component",
            "Servers needed for the planned peak times the yearly cost of one server, split by component "
            "(depreciation, software licence, hosting, and any further cost the assumptions give). The table "
            "below gives each component's figure.",
            yearly_cost,
        ),
        _Spec(
            "chart-tokens",
            "Cost per 1M input and output tokens, per config",
            "The cost of a request split over its input and output tokens in the ratio of the reference prices.",
            token_cost,
        ),
    ]
    svgs = split_draw([c.draw for c in out], report, second, there=[c.key in _DRAWN_THERE for c in out])
    return [Chart(c.key, c.title, c.caption, svg) for c, svg in zip(out, svgs, strict=True)]


_DRAWN_THERE = ("chart-latency",)


DECISION_CHARTS: dict[str, tuple[str, Callable[[Report], str]]] = {
    "scenarios": ("Yearly cost per scenario: owning, renting, hosted API", scenarios),
    "api": ("Self-hosting vs the hosted API, by peak demand", api_break_even),
    "plan": ("Multi-year plan: cost per year and cumulative", plan),
    "sensitivity": ("Sensitivity: what moves the cost", tornado),
}


def decision_charts(report: Report, parts: Sequence[str]) -> dict[str, Chart]:
    """The charts of the decision sections that the report shows (``parts``: keys of DECISION_CHARTS)."""
    return {
        part: Chart(f"chart-{_KEYS[part]}", DECISION_CHARTS[part][0], "", DECISION_CHARTS[part][1](report))
        for part in DECISION_CHARTS
        if part in parts
    }


def decision_charts_there(
    report: Report, parts: Sequence[str], second: SecondProcess
) -> Callable[[], dict[str, Chart]]:
    """``decision_charts``, drawn by the second process when it is ready (else here, now); call the result for them."""
    shown = [part for part in DECISION_CHARTS if part in parts]
    if not second.ready():
        drawn = decision_charts(report, parts)
        return lambda: drawn
    pending = second.draw([DECISION_CHARTS[part][1] for part in shown], report)

    def collect() -> dict[str, Chart]:
        svgs = pending()
        return {
            part: Chart(f"chart-{_KEYS[part]}", DECISION_CHARTS[part][0], "", svg)
            for part, svg in zip(shown, svgs, strict=True)
        }

    return collect


_KEYS = {"scenarios": "scenarios", "api": "api", "plan": "plan", "sensitivity": "tornado"}
