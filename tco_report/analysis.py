"""Latency-throughput analysis: curves per config, SLA feasibility, the Pareto frontier, the best point."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence

from .errors import InputError
from .model import BenchmarkPoint, SlaConstraint


def curves(points: Iterable[BenchmarkPoint]) -> dict[str, list[BenchmarkPoint]]:
    """Points grouped by config (sorted by name), each curve sorted by load level."""
    by_config: dict[str, list[BenchmarkPoint]] = defaultdict(list)
    for p in points:
        by_config[p.config].append(p)
    return {c: sorted(by_config[c], key=lambda p: (p.load, p.rps)) for c in sorted(by_config)}


def usable(points: Iterable[BenchmarkPoint]) -> list[BenchmarkPoint]:
    """The points that measured something: a failed run (every request failed) is shown, never chosen."""
    return [p for p in points if not p.failed]


def choose_workload(points: Sequence[BenchmarkPoint], workload: str | None = None) -> tuple[list[BenchmarkPoint], str]:
    """The points of the one workload to size, and its name ('' when no point records one).

    A fleet is sized for one traffic mix: the assumptions carry one peak demand, so sizing runs of different
    workloads (ISL/OSL, dataset) against each other would compare deployments on different traffic and size every
    workload for the same peak. With several workloads and none chosen, the run stops and lists them. A point of
    unknown workload ('') goes with any choice: it conflicts with nothing."""
    known: dict[str, list[BenchmarkPoint]] = defaultdict(list)
    for p in points:
        if p.workload:
            known[p.workload].append(p)
    if workload is None or workload == "":
        if len(known) <= 1:
            return list(points), next(iter(known), "")
        raise InputError(
            None,
            "workload",
            f"the benchmark points hold {len(known)} workloads, and a fleet is sized for one traffic mix (the "
            "assumptions carry one peak demand), so they are never ranked against each other: choose the workload "
            "to size with --workload NAME (in Python, api.run(..., workload=NAME) or api.load(..., workload=NAME)). "
            f"Workloads: {_list_workloads(known)}",
        )
    if workload not in known:
        listed = _list_workloads(known) if known else "none (no file records its workload)"
        raise InputError(None, "--workload", f"no benchmark point has the workload '{workload}'; workloads: {listed}")
    return [p for p in points if p.workload in ("", workload)], workload


def _list_workloads(known: dict[str, list[BenchmarkPoint]]) -> str:
    parts = []
    for name in sorted(known):
        configs = sorted({p.config for p in known[name]})
        shown = ", ".join(configs[:6]) + (f" and {len(configs) - 6} more" if len(configs) > 6 else "")
        parts.append(f"'{name}' ({len(configs)} config(s): {shown}; {len(known[name])} point(s))")
    return "; ".join(parts)


def violations(point: BenchmarkPoint, sla: Sequence[SlaConstraint]) -> list[tuple[SlaConstraint, float]]:
    """The constraints a point breaks, with the value it reached. A point meets a limit when value <= limit."""
    broken = []
    for c in sla:
        value = point.latency(c.metric, c.statistic)
        if value is None or not value <= c.max_ms:
            broken.append((c, math.nan if value is None else value))
    return broken


def meets_sla(point: BenchmarkPoint, sla: Sequence[SlaConstraint]) -> bool:
    """A failed run meets nothing, whatever numbers its file holds. (violations() is empty, without building it:
    the what-if questions ask this of every point again and again.)"""
    if point.failed:
        return False
    for c in sla:
        value = point.latency(c.metric, c.statistic)
        if value is None or not value <= c.max_ms:
            return False
    return True


def best_point(curve: Sequence[BenchmarkPoint], sla: Sequence[SlaConstraint]) -> BenchmarkPoint | None:
    """The highest-throughput point that meets every constraint; ties go to the lower load level."""
    best = None
    for p in sorted(curve, key=lambda p: p.load):
        if meets_sla(p, sla) and (best is None or p.rps > best.rps):
            best = p
    return best


def infeasible_reason(curve: Sequence[BenchmarkPoint], sla: Sequence[SlaConstraint]) -> str:
    """Which constraint no point meets, and the best value the config reached for it."""
    parts = []
    failed = sum(p.failed for p in curve)
    if failed == len(curve):
        return f"every run failed ({failed} point(s)): {curve[0].failure}" if curve else "no point"
    curve = usable(curve)
    for c in sla:
        values = [v for p in curve if (v := p.latency(c.metric, c.statistic)) is not None]
        if not values:
            parts.append(f"no point reports {c.statistic} {c.metric.upper()}")
        elif min(values) > c.max_ms:
            parts.append(f"{c.describe()} not met: best {min(values):,.1f} ms")
    if not parts:
        parts.append("no single point meets all constraints at once: " + "; ".join(c.describe() for c in sla))
    if failed:
        parts.append(f"{failed} failed run(s) not counted")
    return "; ".join(parts)


def pareto_frontier(points: Sequence[BenchmarkPoint], gpus: Sequence[int], metric: str, statistic: str) -> list[int]:
    """Indices of Pareto-optimal points: no other point has lower-or-equal latency and higher throughput per GPU.

    ``gpus[i]`` is the GPUs per instance of ``points[i]``. Points without the latency statistic, and failed runs,
    are left out. Returned in order of increasing latency.
    """
    cand = [
        (lat, p.rps / g, i)
        for i, (p, g) in enumerate(zip(points, gpus, strict=True))
        if not p.failed and (lat := p.latency(metric, statistic)) is not None
    ]
    return [cand[j][2] for j in frontier_indices([(lat, tpg) for lat, tpg, _ in cand])]


def frontier_indices(pairs: Sequence[tuple[float, float]]) -> list[int]:
    """Indices of (cost, benefit) pairs that no other pair beats with cost <= and strictly higher benefit,
    in order of increasing cost. O(n log n)."""
    # Sort by cost, then by benefit descending: a pair is on the frontier when no pair at lower or equal cost has
    # strictly higher benefit (exact ties stay, as the definition says; the workbook's COUNTIFS uses the same test).
    order = sorted(range(len(pairs)), key=lambda i: (pairs[i][0], -pairs[i][1]))
    frontier: list[int] = []
    best = -math.inf
    j = 0
    while j < len(order):
        cost = pairs[order[j]][0]
        k = j + 1
        while k < len(order) and pairs[order[k]][0] == cost:  # the run of equal costs
            k += 1
        top = pairs[order[j]][1]
        if top >= best:
            frontier.extend(i for i in order[j:k] if pairs[i][1] == top)
            best = top
        j = k
    return frontier
