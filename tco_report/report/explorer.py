"""The data of the HTML page's explorer: every benchmark point as plain JSON-able values, built from the Report.

The page's script draws an interactive latency-throughput chart from this data (tooltips, legend, search by name),
so every figure and label it shows is decided here, with ``tco_report.formatting``: the script formats nothing.
Config names stay data: the template writes the payload as JSON inside a script element, and the script shows the
names with ``textContent`` only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .. import analysis, formatting
from ..model import BenchmarkPoint, Report
from ..names import LATENCY_METRICS, label, unit

MAX_TICKS = 12  # a log axis over many decades keeps only the powers of ten
# The columns of ``points``: the config (an index into ``configs``), the load level in words, the chart's latency
# (ms) and the two throughputs (req/s), each also as the report formats it, and what the point is.
POINT_FIELDS = (
    "config",
    "load",
    "latency_ms",
    "rps_per_instance",
    "rps_per_gpu",
    "latency_text",
    "rps_per_instance_text",
    "rps_per_gpu_text",
    "feasible",
    "chosen",
    "recommended",
    "frontier",
)


def explorer_payload(report: Report) -> dict[str, Any]:
    """Points (by config, then load level), configs and axes of the explorer; only plain JSON types inside."""
    metric, statistic = report.frontier_metric
    what = f"{statistic} {metric.upper()}"
    gpus = {r.config: r.gpus_per_instance for r in report.results}
    index = {id(p): i for i, p in enumerate(report.points)}
    frontier = {id(p) for p in report.frontier}
    chosen = {id(r.point) for r in report.results if r.feasible}
    rec = report.recommended
    rec_point = id(rec.point) if rec is not None else None
    configs = list(report.configs)
    number = {c: n for n, c in enumerate(configs)}

    candidates: list[tuple[BenchmarkPoint, float, float, float]] = []
    for config, curve in analysis.curves(report.points).items():
        g = gpus.get(config)
        if config not in number or not g:
            continue
        for p in curve:
            x = p.latency(metric, statistic)
            if x is None or not math.isfinite(x) or not math.isfinite(p.rps):
                continue
            candidates.append((p, x, p.rps, p.rps / g))
    x_log = formatting.wants_log([c[1] for c in candidates])  # the static chart's rule
    y_log = {
        "per_instance": formatting.wants_log([c[2] for c in candidates]),
        "per_gpu": formatting.wants_log([c[3] for c in candidates]),
    }
    # A log axis cannot show zero or less: such points are left out (and counted), as the static chart drops them.
    plotted = [
        c
        for c in candidates
        if (c[1] > 0 or not x_log) and (c[2] > 0 or not y_log["per_instance"]) and (c[3] > 0 or not y_log["per_gpu"])
    ]

    # Columns, one entry per point: 6,400 points as one list per field keep the page's data about a third the size
    # of one object per point.
    rows = [  # one tuple per point, in POINT_FIELDS' order, then turned into columns (a dict per point cost more)
        (
            number[p.config],
            _load_text(p),
            x,
            per_instance,
            per_gpu,
            formatting.latency(x),
            formatting.rate(per_instance),
            formatting.rate(per_gpu),
            bool(report.feasible.get(index[id(p)], False)),
            id(p) in chosen,
            id(p) == rec_point,
            id(p) in frontier,
        )
        for p, x, per_instance, per_gpu in plotted
    ]
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in POINT_FIELDS]
    points: dict[str, list[Any]] = {key: list(col) for key, col in zip(POINT_FIELDS, columns, strict=True)}

    limits = [c for c in report.assumptions.sla if c.metric == metric and c.statistic == statistic and c.max_ms > 0]
    sla = [{"value": c.max_ms, "label": f"SLA limit: {c.describe()}"} for c in limits]
    xs = [c[1] for c in plotted] + [c.max_ms for c in limits]
    name = LATENCY_METRICS.get(metric, metric.upper())
    return {
        "metric": what,  # "avg TTFT": the latency the chart shows
        "units": {"latency": "ms", "rps_per_instance": "req/s per instance", "rps_per_gpu": "req/s per GPU"},
        "configs": [
            {
                "name": r.config,
                "gpus_per_instance": r.gpus_per_instance,
                "feasible": r.feasible,
                "recommended": rec is not None and r.config == rec.config,
            }
            for r in report.results
        ],
        "points": points,
        "left_out": len(report.points) - len(plotted),
        "sla": sla,
        "axes": {
            "x": _axis(f"{name}, {statistic} (ms)", xs, x_log),
            "per_instance": _axis(
                f"{label('rps_per_instance')} ({unit('rps_per_instance')})",
                [c[2] for c in plotted],
                y_log["per_instance"],
            ),
            "per_gpu": _axis("Requests/s per GPU (req/s)", [c[3] for c in plotted], y_log["per_gpu"]),
        },
    }


def _load_text(p: BenchmarkPoint) -> str:
    if p.concurrency is not None:
        return f"concurrency {formatting.level(p.concurrency)}"
    if p.request_rate is not None:
        rate = formatting.level(p.request_rate)
        return f"request rate {rate}" if math.isinf(p.request_rate) else f"request rate {rate} req/s"
    return "load level not recorded"


def _axis(title: str, values: Sequence[float], log: bool) -> dict[str, Any]:
    """An axis the script maps without deciding anything: its title, scale, domain and labelled ticks."""
    vals = [v for v in values if math.isfinite(v) and (v > 0 or not log)]
    lo, hi = (min(vals), max(vals)) if vals else (1.0, 10.0)
    if log:
        pad = max((hi / lo) ** 0.04, 1.08)
        lo, hi = lo / pad, hi * pad
        ticks = _log_ticks(lo, hi)
    else:
        span = hi - lo or abs(hi) * 0.2 or 1.0
        lo, hi = lo - 0.05 * span, hi + 0.05 * span
        if vals and min(vals) >= 0:
            lo = max(lo, 0.0)
        ticks = _linear_ticks(lo, hi)
    return {"title": title, "log": log, "min": lo, "max": hi, "ticks": [[t, formatting.plain(t)] for t in ticks]}


def _log_ticks(lo: float, hi: float) -> list[float]:
    decades = range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1)
    ticks = [m * 10.0**k for k in decades for m in (1, 2, 5) if lo <= m * 10.0**k <= hi]
    if len(ticks) > MAX_TICKS:
        ticks = [10.0**k for k in decades if lo <= 10.0**k <= hi]
    return [float(f"{t:.12g}") for t in ticks]


def _linear_ticks(lo: float, hi: float, most: int = 6) -> list[float]:
    raw = (hi - lo) / most
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.ceil(lo / step)
    return [float(f"{k * step:.12g}") for k in range(first, math.floor(hi / step) + 1)]
