"""Sizing and TCO, after NVIDIA's "How much does your LLM inference cost?" (DESIGN.md sections 1.3-1.5).

Pure: plain data in, plain data out, no file or network access. Every formula here has a twin in the workbook.
"""

from __future__ import annotations

import fnmatch
import math
from collections.abc import Sequence
from dataclasses import replace

from . import analysis
from .errors import InputError
from .model import Assumptions, BenchmarkPoint, ConfigResult, HardwareProfile, Report
from .names import REQUESTS_PER_THOUSAND, SECONDS_PER_YEAR, TOKENS_PER_MILLION

# Spreadsheets round a ratio to 15 significant digits before CEILING (100/20 stays 5, never 5.000000000000001);
# whole-number sizing does the same so that Python and the workbook agree on every count.
_CEIL_TOLERANCE = 1e-12


def ceil_whole(x: float) -> float:
    """CEILING as spreadsheets do it: a value within rounding noise of an integer is that integer."""
    nearest = round(x)
    if abs(x - nearest) <= _CEIL_TOLERANCE * max(1.0, abs(x)):
        return float(nearest)
    return float(math.ceil(x))


def yearly_server_cost(hw: HardwareProfile) -> float:
    """initialServerCost / depreciationPeriod + yearlySoftwareCost (per server or per GPU) + yearlyHostingCost."""
    software = hw.yearly_software_cost * (hw.gpus_per_server if hw.software_licence_per == "gpu" else 1)
    return hw.initial_server_cost / hw.depreciation_period + software + hw.yearly_hosting_cost


def size_and_cost(
    config: str,
    point: BenchmarkPoint,
    gpus_per_instance: int,
    hw: HardwareProfile,
    a: Assumptions,
) -> ConfigResult:
    """Every step of DESIGN.md 1.3-1.4 for one config at its chosen point."""
    rps = point.rps
    isl = a.isl if a.isl is not None else point.isl
    osl = a.osl if a.osl is not None else point.osl
    ratio = a.peak_requests_per_second / rps
    if a.rounding == "whole":
        model_instances = ceil_whole(ratio)
        total_gpus = model_instances * gpus_per_instance
        servers = ceil_whole(total_gpus / hw.gpus_per_server)
    else:
        model_instances = ratio
        total_gpus = model_instances * gpus_per_instance
        servers = total_gpus / hw.gpus_per_server
    ysc = yearly_server_cost(hw)
    requests_per_server_per_year = rps * (hw.gpus_per_server / gpus_per_instance) * SECONDS_PER_YEAR * a.uptime
    cost_per_1k = ysc / requests_per_server_per_year * REQUESTS_PER_THOUSAND
    cost_per_1m_tokens = cost_per_1k / REQUESTS_PER_THOUSAND / (isl + osl) * TOKENS_PER_MILLION
    ref_cost_per_1k = (
        REQUESTS_PER_THOUSAND * (isl * a.ref_input_price_per_1m + osl * a.ref_output_price_per_1m) / TOKENS_PER_MILLION
    )
    return ConfigResult(
        config=config,
        feasible=True,
        hardware=hw.name,
        gpus_per_instance=gpus_per_instance,
        point=point,
        concurrency=point.load,
        rps_per_instance=rps,
        model_instances=model_instances,
        total_gpus=total_gpus,
        servers=servers,
        yearly_server_cost=ysc,
        total_yearly_cost=servers * ysc,
        requests_per_server_per_year=requests_per_server_per_year,
        cost_per_1k_requests=cost_per_1k,
        cost_per_1m_tokens=cost_per_1m_tokens,
        cost_per_1m_input_tokens=cost_per_1k / ref_cost_per_1k * a.ref_input_price_per_1m,
        cost_per_1m_output_tokens=cost_per_1k / ref_cost_per_1k * a.ref_output_price_per_1m,
        ref_cost_per_1k_requests=ref_cost_per_1k,
        isl=isl,
        osl=osl,
    )


def resolve_config(config: str, curve: Sequence[BenchmarkPoint], a: Assumptions) -> tuple[int, HardwareProfile]:
    """GPUs per instance and hardware profile of a config: the first matching rule, else what the files say."""
    gpus: int | None = None
    hw_name: str | None = None
    for rule in a.configs:
        if fnmatch.fnmatchcase(config, rule.match):
            gpus, hw_name = rule.gpus_per_instance, rule.hardware
            break
    if gpus is None:
        recorded = {p.gpus_per_instance for p in curve if p.gpus_per_instance is not None}
        if len(recorded) == 1:
            gpus = recorded.pop()
    if gpus is None:
        where = "the assumptions file" if a.source != "defaults" else "an assumptions file (--assumptions FILE)"
        raise InputError(
            a.source if a.source != "defaults" else None,
            "configs",
            f"config '{config}' has no known GPUs per instance (benchmark files rarely record it). Add a rule to "
            f'{where}, for example configs: [{{match: "{config}", gpus_per_instance: 1}}] (a glob such as "*tp4*" '
            "may cover several configs); it is never assumed to be 1.",
        )
    try:
        hw = a.profile(hw_name) if hw_name else a.hardware[0]
    except KeyError:
        raise InputError(
            a.source,
            "configs",
            f"config '{config}' names hardware profile '{hw_name}', which is not in 'hardware' "
            f"(profiles: {', '.join(h.name for h in a.hardware)})",
        ) from None
    return gpus, hw


def check_sla_statistics(curves: dict[str, list[BenchmarkPoint]], a: Assumptions) -> None:
    """Stop when a config reports none of the statistics an SLA constraint needs, naming what it does have."""
    missing = []
    for config, curve in curves.items():
        for c in a.sla:
            if not any(p.has_statistic(c.metric, c.statistic) for p in curve):
                have = sorted({f"{s} {m.upper()}" for p in curve for m, stats in p.latency_ms.items() for s in stats})
                missing.append(
                    f"'{config}' has no {c.statistic} {c.metric.upper()} (it has: {', '.join(have) or 'none'})"
                )
    if missing:
        raise InputError(
            a.source if a.source != "defaults" else None,
            "sla",
            "the SLA asks for a statistic that some benchmark files do not report: "
            + "; ".join(missing)
            + ". Change the SLA's metric/statistic, or re-run the benchmark so that it records it.",
        )


def calculate(points: Sequence[BenchmarkPoint], a: Assumptions) -> Report:
    """Size and cost every config, pick the cheapest, and find the Pareto frontier."""
    if not points:
        raise InputError(None, None, "no benchmark points to analyse")
    by_config = analysis.curves(points)
    check_sla_statistics(by_config, a)
    results: list[ConfigResult] = []
    gpus_of: dict[str, int] = {}
    for config, curve in by_config.items():
        gpus, hw = resolve_config(config, curve, a)
        gpus_of[config] = gpus
        best = analysis.best_point(curve, a.sla)
        if best is None:
            results.append(
                ConfigResult(
                    config=config,
                    feasible=False,
                    hardware=hw.name,
                    gpus_per_instance=gpus,
                    reason=analysis.infeasible_reason(curve, a.sla),
                )
            )
        else:
            results.append(size_and_cost(config, best, gpus, hw, a))
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
    )


def recommend(results: Sequence[ConfigResult]) -> ConfigResult | None:
    """The feasible config with the lowest total yearly cost; ties go to the config listed first (by name)."""
    best = None
    for r in results:
        if r.feasible and (best is None or r.total_yearly_cost < best.total_yearly_cost):
            best = r
    return best


def with_assumptions(a: Assumptions, **changes: object) -> Assumptions:
    """A copy of the assumptions with some inputs changed (for what-if questions and tests)."""
    return replace(a, **changes)
