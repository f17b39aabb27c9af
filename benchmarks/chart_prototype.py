"""A measured proposal for the charts at 200 configs (issue 8), for the owner of ``tco_report/charts.py``.

Not part of the tool: it shows, with timings, how the latency-throughput and Pareto charts stay readable and fast
when a sweep has hundreds of configs, using only the Report the calculator already returns:

* the main chart draws the *relevant* configs in colour (the recommended one and those with points on the Pareto
  frontier, at most ``LIMIT``), and every other config as one grey LineCollection behind them (one artist, however
  many configs: context without 200 legend entries);
* the small-multiples appendix gives every config its own small panel on the same log-log scales, 40 panels per
  figure, all drawn in one Axes as collections (200 real Axes took 67 s), no legend, no per-point labels;
* the Pareto chart draws all points as a single grey scatter, rasterized (6,400 SVG markers took WeasyPrint 15 s),
  and only the frontier's configs in colour;
* legends sit at a fixed place (``loc="best"`` searches every data point for every legend entry).

    PYTHONPATH=. python benchmarks/chart_prototype.py SWEEP ASSUMPTIONS [--out DIR]
"""

from __future__ import annotations

import argparse
import io
import math
import time
from collections import Counter, defaultdict
from pathlib import Path

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from tco_report import api
from tco_report.model import BenchmarkPoint, Report

LIMIT = 8  # configs drawn in colour on the main charts (the palette has 7 colours plus black)
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999933")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
RC = {"svg.fonttype": "none", "svg.hashsalt": "tco_report", "font.size": 8, "axes.grid": True}


def relevant_configs(report: Report, limit: int = LIMIT) -> list[str]:
    """The recommended config, then the configs with the most points on the Pareto frontier, at most ``limit``."""
    on_front = Counter(p.config for p in report.frontier)
    ranked = sorted(on_front, key=lambda c: (-on_front[c], c))
    rec = report.recommended.config if report.recommended else None
    out = [rec] if rec else []
    out += [c for c in ranked if c != rec]
    return out[:limit]


def _curves(report: Report, metric: str, statistic: str) -> dict[str, list[tuple[float, float, BenchmarkPoint]]]:
    """Each config's (latency, rps, point), by load: one pass over the points, not one per config."""
    by: dict[str, list[tuple[float, float, BenchmarkPoint]]] = defaultdict(list)
    for p in report.points:
        x = p.latency(metric, statistic)
        if x is not None and x > 0:
            by[p.config].append((x, p.rps, p))
    for c in by:
        by[c].sort(key=lambda t: t[2].load)
    return by


def _svg(fig: Figure) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None}, dpi=150)  # dpi of rasterized layers only
    return buf.getvalue()


def latency_throughput_focus(report: Report) -> str:
    metric, statistic = report.frontier_metric
    curves = _curves(report, metric, statistic)
    focus = relevant_configs(report)
    rec = report.recommended.config if report.recommended else None
    fig = Figure(figsize=(7.0, 3.9))
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.09, 0.12, 0.58, 0.83))
    rest = [[(x, y) for x, y, _ in pts] for c, pts in curves.items() if c not in focus]
    if rest:
        ax.add_collection(LineCollection(rest, colors="#CCCCCC", linewidths=0.6, zorder=1, label="other configs"))
    chosen = {r.config: r.point for r in report.results if r.point is not None}
    for n, c in enumerate(focus):
        pts = curves.get(c, [])
        if not pts:
            continue
        xs, ys = [x for x, _, _ in pts], [y for _, y, _ in pts]
        ax.plot(xs, ys, color=PALETTE[n], marker=MARKERS[n], markersize=3.5, linewidth=1.2, label=c, zorder=3)
        best = chosen.get(c)
        if best is not None and best.latency(metric, statistic):
            ax.scatter(
                [best.latency(metric, statistic)],
                [best.rps],
                s=200 if c == rec else 90,
                marker="*" if c == rec else "o",
                facecolors="none",
                edgecolors="#222222",
                zorder=5,
            )
            ax.text(best.latency(metric, statistic), best.rps, f" c={best.load:g}", fontsize=6.5, zorder=6)
    for s in report.assumptions.sla:
        if (s.metric, s.statistic) == (metric, statistic):
            ax.axvline(s.max_ms, color="#222222", linestyle="--", linewidth=1)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.autoscale_view()
    ax.set_xlabel(f"{metric.upper()} {statistic} (ms)")
    ax.set_ylabel("requests/s per instance")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=6.5, frameon=False)
    return _svg(fig)


def pareto_focus(report: Report) -> str:
    metric, statistic = report.frontier_metric
    gpus = {r.config: r.gpus_per_instance for r in report.results}
    focus = relevant_configs(report)
    fig = Figure(figsize=(7.0, 3.5))
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.09, 0.13, 0.58, 0.82))
    xy = [(x, p.rps / gpus[p.config]) for p in report.points if (x := p.latency(metric, statistic))]
    # One raster image instead of 6,400 SVG markers: WeasyPrint took 15 s to lay those out, the image 1 s.
    ax.scatter(
        *zip(*xy, strict=True), s=6, color="#BBBBBB", linewidths=0, label="all points", zorder=1, rasterized=True
    )
    for n, c in enumerate(focus):
        pts = [(x, p.rps / gpus[c]) for p in report.frontier if p.config == c and (x := p.latency(metric, statistic))]
        if pts:
            ax.scatter(*zip(*pts, strict=True), s=24, color=PALETTE[n], marker=MARKERS[n], label=c, zorder=3)
    front = sorted((x, p.rps / gpus[p.config]) for p in report.frontier if (x := p.latency(metric, statistic)))
    if front:
        ax.step(*zip(*front, strict=True), where="post", color="#222222", linewidth=1.4, label="Pareto frontier")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=6.5, frameon=False)
    return _svg(fig)


def small_multiples(report: Report, per_page: int = 40, cols: int = 5) -> list[str]:
    """Every config in its own panel, ``per_page`` panels per figure, all panels drawn in ONE axes.

    Each panel is a unit square at (column, -row) with the same log-log mapping of latency and throughput, so panels
    compare at a glance; curves, chosen points, SLA lines and frames are one collection each per page. 200 real
    Axes would cost about 0.3 s each (ticks, log locators, shared limits); this costs a few ms per panel.
    """
    metric, statistic = report.frontier_metric
    curves = _curves(report, metric, statistic)
    chosen = {r.config: r.point for r in report.results if r.point is not None}
    lx = [math.log10(x) for pts in curves.values() for x, _, _ in pts]
    ly = [math.log10(y) for pts in curves.values() for _, y, _ in pts if y > 0]
    x0, x1 = min(lx), max(lx)
    y0, y1 = min(ly), max(ly)
    pad = 0.08

    def to_panel(col: int, row: int, x: float, y: float) -> tuple[float, float]:
        u = (math.log10(x) - x0) / ((x1 - x0) or 1)
        v = (math.log10(y) - y0) / ((y1 - y0) or 1)
        return col + pad + u * (1 - 2 * pad), -row + pad + v * (1 - 2 * pad)

    limits = [s.max_ms for s in report.assumptions.sla if (s.metric, s.statistic) == (metric, statistic)]
    configs = list(report.configs)
    pages = []
    for start in range(0, len(configs), per_page):
        page = configs[start : start + per_page]
        rows = math.ceil(len(page) / cols)
        fig = Figure(figsize=(7.0, 1.15 * rows + 0.4))
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0.01, 0.01, 0.98, 0.96))
        ax.set_axis_off()
        lines, frames, slas, done_x, done_y, open_x, open_y = [], [], [], [], [], [], []
        for k, c in enumerate(page):
            col, row = k % cols, k // cols
            frames.append(
                [
                    (col + 0.02, -row),
                    (col + 0.98, -row),
                    (col + 0.98, -row + 0.85),
                    (col + 0.02, -row + 0.85),
                    (col + 0.02, -row),
                ]
            )
            pts = [to_panel(col, row, x, y) for x, y, _ in curves.get(c, []) if y > 0]
            if pts:
                lines.append(pts)
            best = chosen.get(c)
            if best is not None and best.latency(metric, statistic):
                bx, by = to_panel(col, row, best.latency(metric, statistic), best.rps)
                (done_x if c != (report.recommended.config if report.recommended else None) else open_x).append(bx)
                (done_y if c != (report.recommended.config if report.recommended else None) else open_y).append(by)
            for lim in limits:
                if x0 <= math.log10(lim) <= x1:
                    sx, _ = to_panel(col, row, lim, 10**y0)
                    slas.append([(sx, -row + 0.02), (sx, -row + 0.83)])
            ax.text(col + 0.5, -row + 0.88, c, ha="center", va="bottom", fontsize=5.5)
        ax.add_collection(LineCollection(frames, colors="#999999", linewidths=0.4))
        ax.add_collection(LineCollection(slas, colors="#222222", linewidths=0.6, linestyles="--"))
        ax.add_collection(LineCollection(lines, colors="#0072B2", linewidths=0.9))
        ax.scatter(done_x, done_y, s=14, facecolors="none", edgecolors="#222222", linewidths=0.7)
        ax.scatter(open_x, open_y, s=40, marker="*", color="#D55E00")
        ax.set_xlim(0, cols)
        ax.set_ylim(-rows + 1 - 0.05, 1.05)
        pages.append(_svg(fig))
    return pages


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("sweep")
    p.add_argument("assumptions")
    p.add_argument("--out", type=Path, help="write the SVGs here to look at them")
    args = p.parse_args()
    report = api.run([args.sweep], args.assumptions)
    print(f"{len(report.points):,} points, {len(report.configs)} configs; focus: {relevant_configs(report)}")
    total = 0.0
    with matplotlib.rc_context(RC):
        for name, fn in (
            ("latency_throughput_focus", latency_throughput_focus),
            ("pareto_focus", pareto_focus),
            ("small_multiples", small_multiples),
        ):
            t = time.perf_counter()
            out = fn(report)
            dt = time.perf_counter() - t
            total += dt
            svgs = out if isinstance(out, list) else [out]
            size = sum(len(s) for s in svgs) / 1e6
            print(f"{name}: {dt:.2f} s, {len(svgs)} figure(s), {size:.2f} MB of SVG")
            if args.out:
                args.out.mkdir(parents=True, exist_ok=True)
                for i, s in enumerate(svgs):
                    (args.out / f"{name}-{i}.svg").write_text(s)
    print(f"total {total:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
