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
from .model import BenchmarkPoint, ConfigResult, Report
from .names import COST_COMPONENTS, LATENCY_METRICS, label, unit

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
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.S)
    # HTML puts inline <svg> in the SVG namespace by itself; the xmlns URLs would be the file's only "http".
    svg = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", svg)
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{key}-\1"', svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{key}-\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{key}-\1)", svg)
    svg = svg.replace("<svg ", f'<svg class="chart" role="img" aria-labelledby="{key}-title" ', 1)
    return svg.strip() + "\n"


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
    for n, config in enumerate(report.configs):
        st = style_of(n)
        curve = sorted((p for p in report.points if p.config == config), key=lambda p: p.load)
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
            )
        ax.plot([], [], color=st.colour, linestyle=st.linestyle, marker=st.marker, markersize=5, label=config)
        for p, x in pts:
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
        best = chosen.get(config)
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
            [], [], s=200, marker="*", facecolors="none", edgecolors=INK, linewidths=1.2, label=f"recommended: {rec}"
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
    fig = _figure(3.8)
    ax = fig.add_subplot()
    xs_all, ys_all = [], []
    for n, config in enumerate(report.configs):
        st = style_of(n)
        pts = [(p.latency(metric, statistic), p.rps / gpus[config]) for p in report.points if p.config == config]
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
            label=config,
            zorder=3,
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
    return 1.3 + 0.45 * max(n, 1)


def _not_feasible(ax, y: float) -> None:
    ax.text(0, y, "  not feasible", va="center", ha="left", fontsize=7.5, color="#555555", style="italic")


@_styled
def yearly_cost(report: Report) -> str:
    """Total yearly cost per config, stacked by component (depreciation, software licence, hosting, ...)."""
    results = list(report.results)
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
    ax.set_yticks(ys, [r.config for r in results])
    ax.set_xlim(0, (top or 1.0) * 1.18)
    _money_axis(ax, top, formatting.money)
    ax.set_xlabel(f"{label('total_yearly_cost')} ({unit('total_yearly_cost')})")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), frameon=False, ncols=min(len(keys), 4))
    return _svg(fig, "chart-yearly")


# --- (d) cost per 1M tokens -------------------------------------------------------------------------------------
@_styled
def token_cost(report: Report) -> str:
    """Cost per 1M input tokens and per 1M output tokens for every feasible config."""
    results = list(report.results)
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
    ax.set_yticks(ys, [r.config for r in results])
    ax.set_xlim(0, (top or 1.0) * 1.15)
    _money_axis(ax, top, formatting.unit_cost)
    ax.set_xlabel("USD per 1M tokens")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), frameon=False, ncols=2)
    return _svg(fig, "chart-tokens")


# --- all four ---------------------------------------------------------------------------------------------------
def all_charts(report: Report) -> list[Chart]:
    """The report's charts in reading order."""
    metric, statistic, _ = _latency_axis(report)
    what = f"{statistic} {metric.upper()}"
    kind = "concurrency" if all(p.concurrency is not None for p in report.points) else "load level"
    return [
        Chart(
            "chart-latency",
            "Latency vs throughput, per config",
            f"Each point is one benchmark run, labelled with its {kind}; x is {what}, y the requests/s one "
            "model instance served. Grey points break the SLA; the ringed point is the one each config is "
            "sized at, and the star marks the recommended config.",
            latency_throughput(report),
        ),
        Chart(
            "chart-pareto",
            "Pareto frontier: throughput per GPU vs latency",
            "Throughput divided by the GPUs of one instance, so that configs with different GPU counts compare "
            "fairly. The step line is the frontier: no point beats it on both latency and throughput per GPU.",
            pareto(report),
        ),
        Chart(
            "chart-yearly",
            "Yearly cost per config, by component",
            "Servers needed for the planned peak times the yearly cost of one server, split by component "
            "(depreciation, software licence, hosting, and any further cost the assumptions give).",
            yearly_cost(report),
        ),
        Chart(
            "chart-tokens",
            "Cost per 1M input and output tokens, per config",
            "The cost of a request split over its input and output tokens in the ratio of the reference prices.",
            token_cost(report),
        ),
    ]
