"""Several runs of one config at one load level, marked as repeats of one run, combined into one point.

Each metric of the combined point is the mean over the runs (math.fsum, so the result does not depend on the order
the files were found in), and ``spread`` keeps each combined metric's (min, max) across them. A latency statistic
only some runs report is left out: a mean over part of the runs would not be comparable with the others. Runs that
failed (every request failed) are left out of the mean when at least one run succeeded; when every run failed, the
point is a failed point.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

from ..model import BenchmarkPoint


def _mean(values: Sequence[float]) -> float:
    """The mean, exactly the value when all are equal (n copies of a run give that run), never outside the range."""
    lo, hi = min(values), max(values)
    return lo if lo == hi else min(hi, max(lo, math.fsum(values) / len(values)))


def combine(runs: Sequence[BenchmarkPoint]) -> BenchmarkPoint:
    """One point from n runs of the same config and load level: means, with each metric's (min, max) as spread."""
    if len(runs) == 1:
        return runs[0]
    first = min(runs, key=lambda p: (p.source, p.record if p.record is not None else -1))
    ok = [p for p in runs if not p.failed]
    versions = ", ".join(sorted({p.tool_version for p in runs} - {""}))
    tools = ", ".join(sorted({p.tool for p in runs} - {""}))
    common = replace(
        first, repeats=len(runs), tool=tools, tool_version=versions, source=first.source, record=first.record
    )
    if not ok:
        reasons = sorted({p.failure for p in runs})
        return replace(common, failure="; ".join(reasons), spread={})
    spread: dict[str, tuple[float, float]] = {}

    def mean_of(key: str, values: list[float]) -> float:
        spread[key] = (min(values), max(values))
        return _mean(values)

    latency: dict[str, dict[str, float]] = {}
    shared = set.intersection(*({(m, s) for m, stats in p.latency_ms.items() for s in stats} for p in ok))
    for m, s in sorted(shared):
        latency.setdefault(m, {})[s] = mean_of(f"{m}_{s}", [p.latency_ms[m][s] for p in ok])
    tps = [p.output_tps for p in ok]
    gpus = {p.gpus_per_instance for p in ok}
    return replace(
        common,
        rps=mean_of("rps", [p.rps for p in ok]),
        isl=mean_of("isl", [p.isl for p in ok]),
        osl=mean_of("osl", [p.osl for p in ok]),
        output_tps=mean_of("output_tps", [t for t in tps if t is not None]) if None not in tps else None,
        latency_ms=latency,
        gpus_per_instance=gpus.pop() if len(gpus) == 1 else None,
        spread=dict(sorted(spread.items())),
        failed=False,
        failure="",
    )
