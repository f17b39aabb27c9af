"""The whole report from benchmark points and assumptions: every config sized and costed (sizing.py), the
recommended config, the Pareto frontier, Little's-law checks, and the follow-up questions (decisions.py).

Pure: plain data in, plain data out, no file or network access. The sizing functions are re-exported here, as
callers (the workbook, tests) know them as ``calculator.<name>``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from . import analysis
from .decisions import decide
from .errors import InputError
from .model import Assumptions, BenchmarkPoint, Report
from .names import MILLISECONDS_PER_SECOND
from .sizing import (
    RENTING_BASIS,
    capital_recovery_factor,
    ceil_whole,
    check_sla_statistics,
    config_results,
    cost_components,
    first_non_finite,
    recommend,
    resolve_config,
    size_and_cost,
    yearly_server_cost,
)

__all__ = [
    "RENTING_BASIS",
    "LITTLE_TOLERANCE",
    "calculate",
    "calculate_core",
    "capital_recovery_factor",
    "ceil_whole",
    "check_sla_statistics",
    "config_results",
    "cost_components",
    "littles_law_warnings",
    "recommend",
    "resolve_config",
    "size_and_cost",
    "yearly_server_cost",
]


def calculate(points: Sequence[BenchmarkPoint], a: Assumptions) -> Report:
    """Size and cost every config, pick the cheapest, find the Pareto frontier, and answer the follow-up
    questions (scenarios, hosted-API break-even, multi-year plan, sensitivity; see decisions.py)."""
    report = calculate_core(points, a)
    decisions = decide(report)
    bad = first_non_finite(decisions, "decisions")
    if bad is not None:
        raise InputError(
            a.source if a.source != "defaults" else None,
            None,
            f"{bad[0]} is {bad[1]!r}: the inputs give a figure too large to compute in the follow-up questions "
            "(scenarios, plan, sensitivity, hosted API); check the demand growth, the plan years and the prices",
        )
    return replace(report, decisions=decisions)


def calculate_core(points: Sequence[BenchmarkPoint], a: Assumptions) -> Report:
    """Size and cost every config, pick the cheapest, and find the Pareto frontier."""
    if not points:
        raise InputError(None, None, "no benchmark points to analyse")
    if not analysis.usable(points):
        shown = "; ".join(f"{p.config} at {p.load_label}: {p.failure} ({p.where})" for p in points[:5])
        raise InputError(
            None,
            None,
            f"no usable benchmark point: every run failed ({len(points)} point(s): {shown}"
            f"{' ...' if len(points) > 5 else ''}); expected at least one run with completed requests",
        )
    _, workload = analysis.choose_workload(points)
    by_config = analysis.curves(points)
    check_sla_statistics(by_config, a)
    results = config_results(by_config, a)
    gpus_of = {r.config: r.gpus_per_instance for r in results}
    recommended = recommend(results)
    metric, statistic = (a.sla[0].metric, a.sla[0].statistic) if a.sla else ("ttft", "avg")
    idx = analysis.pareto_frontier(points, [gpus_of[p.config] for p in points], metric, statistic)
    return Report(
        points=tuple(points),
        assumptions=a,
        results=tuple(results),
        recommended=recommended,
        frontier=tuple(points[i] for i in idx),
        frontier_metric=(metric, statistic),
        feasible={i: analysis.meets_sla(p, a.sla) for i, p in enumerate(points)},
        warnings=tuple(littles_law_warnings(points)),
        workload=workload,
    )


LITTLE_TOLERANCE = 0.20


def littles_law_warnings(points: Sequence[BenchmarkPoint]) -> list[str]:
    """Concurrency should be about requests/s x mean request latency (Little's law); a point off by more than 20%
    usually means a broken run or mixed-up units."""
    out = []
    for p in points:
        e2e = p.latency("e2e", "avg")
        if p.concurrency is None or e2e is None or p.failed:
            continue
        seconds = e2e / MILLISECONDS_PER_SECOND
        implied = p.rps * seconds
        off = abs(implied - p.concurrency) / p.concurrency
        if off > LITTLE_TOLERANCE:
            out.append(
                f"{p.config} at {p.load_label}: requests/s x mean latency = {p.rps:.3g} x {seconds:.3g} s = "
                f"{implied:.3g} requests in flight, {off:.0%} off the concurrency of {p.concurrency:g} "
                f"(Little's law; check the run and its units: {p.where})"
            )
    return out
