"""The questions budget owners ask once the cost is known: scenarios side by side, a hosted API's break-even,
a multi-year plan, the sensitivity of the cost to each input, and the interactivity view.

Pure like the calculator: every figure derives from the benchmark points and the assumptions.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from . import analysis
from .model import (
    ApiBreakEven,
    Assumptions,
    BenchmarkPoint,
    Decisions,
    FeasibleResult,
    HardwareProfile,
    PlanYear,
    Report,
    ScenarioRow,
    SensitivityRow,
    SlaConstraint,
)
from .names import MILLISECONDS_PER_SECOND, SECONDS_PER_DAY, SECONDS_PER_YEAR, TOKENS_PER_MILLION
from .sizing import ceil_whole, check_sla_statistics, config_results, recommend, size_and_cost

CURVE_POINTS = 120
MAX_INSTANCES_SCANNED = 100_000


def decide(report: Report) -> Decisions:
    """Every follow-up question the assumptions ask; those about the recommended config only when there is one."""
    a = report.assumptions
    rec = report.recommended
    scenarios = tuple(scenario_rows(report.points, a))
    frontier = tuple(interactivity_frontier(report))
    if rec is None:
        return Decisions(scenarios=scenarios, interactivity_frontier=frontier)
    hw = a.profile(rec.hardware)
    return Decisions(
        scenarios=scenarios,
        api=api_break_even(rec, a, hw),
        plan=tuple(multi_year_plan(rec, a, hw)),
        sensitivity=tuple(sensitivity(report.points, a)),
        sensitivity_base=(rec.cost_per_1m_output_tokens, rec.total_yearly_cost),
        interactivity_frontier=frontier,
    )


# ------------------------------------------------------------------------------------------------ scenarios
def scenario_rows(points: Sequence[BenchmarkPoint], a: Assumptions) -> list[ScenarioRow]:
    """The base and every named scenario: recommended config, its sizing and cost, and the API's cost."""
    if not a.scenarios:
        return []
    rows = []
    by_config = analysis.curves(points)
    for name, s in (("base", a), *a.scenarios):
        check_sla_statistics(by_config, s)
        rec = recommend(config_results(by_config, s))
        rows.append(ScenarioRow(name=name, recommended=rec, api_yearly_cost=_api_yearly_cost(rec, s)))
    return rows


# ------------------------------------------------------------------------------------------- API break-even
def _average_to_peak(a: Assumptions) -> float:
    if a.average_requests_per_second:
        return a.average_requests_per_second / a.peak_requests_per_second
    return 1.0  # the post's full-load view: the peak is sustained


def _api_cost_per_request(r: FeasibleResult, a: Assumptions) -> float:
    return (r.isl * a.api_input_price_per_1m + r.osl * a.api_output_price_per_1m) / TOKENS_PER_MILLION


def _api_yearly_cost(r: FeasibleResult | None, a: Assumptions) -> float | None:
    if r is None or not (a.api_input_price_per_1m or a.api_output_price_per_1m):
        return None
    average = a.peak_requests_per_second * _average_to_peak(a)
    return average * SECONDS_PER_YEAR * a.uptime * _api_cost_per_request(r, a)


def api_break_even(r: FeasibleResult, a: Assumptions, hw: HardwareProfile) -> ApiBreakEven | None:
    """Yearly cost of self-hosting vs the hosted API as the peak demand grows, and where they cross.

    Self-hosting is a step function of demand (whole instances and servers); the API is linear. Each step of the
    instance count is an interval of demand with a constant self-hosting cost, so the first crossing and the demand
    from which self-hosting stays cheaper are found exactly by walking the steps.
    """
    if not (a.api_input_price_per_1m or a.api_output_price_per_1m):
        return None
    per_request = _api_cost_per_request(r, a)
    ratio = _average_to_peak(a)
    api_per_rps = ratio * SECONDS_PER_YEAR * a.uptime * per_request  # yearly API cost per req/s of peak
    capacity = r.rps_per_instance * a.target_utilisation  # peak req/s one instance carries
    ysc = r.yearly_server_cost

    first = always = None
    per_server_gpus = r.gpus_per_instance / hw.gpus_per_server
    # Self-hosting's yearly cost per req/s of peak once servers are full; above the API's, the API wins for good.
    full_slope = per_server_gpus * ysc / capacity
    if a.rounding == "fractional":
        if api_per_rps > full_slope:
            first = always = a.spare_servers * ysc / (api_per_rps - full_slope)
    else:
        # Instance count m covers peak demand in ((m-1) c, m c] at a constant cost S_m; there the API costs A x D,
        # so self-hosting is no dearer from x_m = S_m / A on. Past m_stop, x_m < (m-1) c for every m: settled.
        margin = capacity - per_server_gpus * ysc / api_per_rps
        spare_term = (1 + a.spare_servers) * ysc / api_per_rps + capacity
        m_stop = math.floor(spare_term / margin) + 1 if margin > 0 else MAX_INSTANCES_SCANNED
        last_bad = None
        for m in range(1, min(m_stop, MAX_INSTANCES_SCANNED) + 1):
            lo, hi = (m - 1) * capacity, m * capacity
            x = (ceil_whole(m * per_server_gpus) + a.spare_servers) * ysc / api_per_rps
            if x <= hi and first is None:
                first = max(lo, x)
            if x > lo:
                last_bad = min(hi, x)
        if margin > 0:
            always = last_bad if last_bad is not None else 0.0
    top = max(a.peak_requests_per_second * 2, (always or first or 0) * 1.5, capacity * 2)
    demands = [top * i / CURVE_POINTS for i in range(1, CURVE_POINTS + 1)]
    curve = tuple((d, _resized_cost(r, a, hw, d), d * api_per_rps) for d in demands)
    tokens_per_day = None
    if first is not None:
        tokens_per_day = first * ratio * SECONDS_PER_DAY * a.uptime * (r.isl + r.osl)
    return ApiBreakEven(
        api_cost_per_request=per_request,
        average_to_peak=ratio,
        yearly_api_cost=a.peak_requests_per_second * api_per_rps,
        break_even_rps=first,
        always_cheaper_rps=always,
        break_even_tokens_per_day=tokens_per_day,
        curve=curve,
    )


def _resized(r: FeasibleResult, a: Assumptions, hw: HardwareProfile, peak: float) -> FeasibleResult:
    """The same config at the same point, sized for another peak demand."""
    return size_and_cost(r.config, r.point, r.gpus_per_instance, hw, replace(a, peak_requests_per_second=peak))


def _resized_cost(r: FeasibleResult, a: Assumptions, hw: HardwareProfile, peak: float) -> float:
    """The total yearly cost of the same config at the same point, sized for another peak demand."""
    return _resized(r, a, hw, peak).total_yearly_cost


def _resized_servers(r: FeasibleResult, a: Assumptions, hw: HardwareProfile, peak: float) -> float:
    """The servers the same config at the same point needs for another peak demand."""
    return _resized(r, a, hw, peak).servers


# ------------------------------------------------------------------------------------------- multi-year plan
def multi_year_plan(r: FeasibleResult, a: Assumptions, hw: HardwareProfile) -> list[PlanYear]:
    """Servers needed, bought and in service each year as demand grows; servers retire after their
    depreciation period and are replaced. Capex is cash in the year of purchase; the cost per 1M tokens uses the
    annualised cost of the servers in service and the tokens served at that year's demand."""
    years = a.plan_years or max(1, math.ceil(hw.depreciation_period))
    life = max(1, round(hw.depreciation_period))
    running = r.yearly_server_cost - r.cost_components_per_server.get("capex", 0.0)
    bought: list[float] = []
    cumulative = 0.0
    out = []
    for y in range(1, years + 1):
        peak = a.peak_requests_per_second * (1 + a.demand_growth_per_year) ** (y - 1)
        needed = _resized_servers(r, a, hw, peak)
        owned = sum(bought[max(0, y - life) : y - 1])  # bought in the last `life` years, still in service
        buy = max(0.0, needed - owned)
        bought.append(buy)
        in_service = owned + buy
        capex = buy * hw.initial_server_cost
        opex = in_service * running
        cumulative += capex + opex
        served = peak * _average_to_peak(a) * SECONDS_PER_YEAR * a.uptime * (r.isl + r.osl)
        out.append(
            PlanYear(
                year=y,
                peak_requests_per_second=peak,
                servers_needed=needed,
                servers_bought=buy,
                servers_in_service=in_service,
                capex=capex,
                opex=opex,
                cumulative_cost=cumulative,
                cost_per_1m_tokens=in_service * r.yearly_server_cost / served * TOKENS_PER_MILLION,
            )
        )
    return out


# ----------------------------------------------------------------------------------------------- sensitivity
# An input of the sensitivity analysis: how to read it, and how to set it in a copy of the assumptions.
Getter = Callable[[Assumptions], float]
Setter = Callable[[Assumptions, float], Assumptions]


def _hw_input(field: str) -> tuple[Getter, Setter]:
    def get(a: Assumptions) -> float:
        return float(getattr(a.hardware[0], field))

    def put(a: Assumptions, value: float) -> Assumptions:
        base = getattr(a.hardware[0], field)
        scale = value / base if base else 0.0
        return replace(a, hardware=tuple(replace(h, **{field: getattr(h, field) * scale}) for h in a.hardware))

    return get, put


def _input(field: str, upper: float | None = None) -> tuple[Getter, Setter]:
    def get(a: Assumptions) -> float:
        return float(getattr(a, field))

    def put(a: Assumptions, value: float) -> Assumptions:
        changes: dict[str, Any] = {field: min(value, upper) if upper is not None else value}
        return replace(a, **changes)

    return get, put


def _sla_limit() -> tuple[Getter, Setter]:
    def get(a: Assumptions) -> float:
        return a.sla[0].max_ms

    def put(a: Assumptions, value: float) -> Assumptions:
        return replace(a, sla=(replace(a.sla[0], max_ms=value), *a.sla[1:]))

    return get, put


SENSITIVITY_INPUTS = {
    "peak_requests_per_second": _input("peak_requests_per_second"),
    "latency_limit_ms": _sla_limit(),
    "uptime": _input("uptime", upper=1.0),
    "initial_server_cost": _hw_input("initial_server_cost"),
    "depreciation_period": _hw_input("depreciation_period"),
    "yearly_hosting_cost": _hw_input("yearly_hosting_cost"),
    "yearly_software_cost": _hw_input("yearly_software_cost"),
    "electricity_price_per_kwh": _hw_input("electricity_price_per_kwh"),
    "server_power_kw": _hw_input("server_power_kw"),
    "yearly_network_storage_cost": _hw_input("yearly_network_storage_cost"),
    "yearly_operations_cost": _hw_input("yearly_operations_cost"),
    "cost_of_capital": _input("cost_of_capital"),
    "target_utilisation": _input("target_utilisation", upper=1.0),
    "ref_output_price_per_1m": _input("ref_output_price_per_1m"),
}


def sensitivity(points: Sequence[BenchmarkPoint], a: Assumptions) -> list[SensitivityRow]:
    """Each input moved by -step and +step, the rest held: the recommended config's cost per 1M output tokens and
    total yearly cost (the selection is recomputed, so a move can change the recommended config)."""
    rows = []
    by_config = analysis.curves(points)  # grouped once: only the selection and costing depend on the inputs
    best_cache: dict[
        tuple[str, tuple[SlaConstraint, ...]], BenchmarkPoint | None
    ] = {}  # best point per (config, SLA): only the moved latency limit changes it
    for name, (get, put) in SENSITIVITY_INPUTS.items():
        if name == "latency_limit_ms" and not a.sla:
            continue
        base = get(a)
        if base == 0:
            continue  # a zero input (an unused cost item) cannot move by a share of itself
        low, high = base * (1 - a.sensitivity_step), base * (1 + a.sensitivity_step)
        results = []
        for value in (low, high):
            moved = put(a, value)
            results.append((get(moved), recommend(config_results(by_config, moved, best_cache))))
        (lo_v, lo_r), (hi_v, hi_r) = results
        rows.append(
            SensitivityRow(
                input=name,
                base_value=base,
                low_value=lo_v,
                high_value=hi_v,
                cost_per_1m_output_tokens=(
                    lo_r.cost_per_1m_output_tokens if lo_r else None,
                    hi_r.cost_per_1m_output_tokens if hi_r else None,
                ),
                total_yearly_cost=(lo_r.total_yearly_cost if lo_r else None, hi_r.total_yearly_cost if hi_r else None),
                recommended=(lo_r.config if lo_r else None, hi_r.config if hi_r else None),
            )
        )
    return rows


# --------------------------------------------------------------------------------------------- interactivity
def tokens_per_second_per_user(p: BenchmarkPoint) -> float | None:
    """Interactivity: 1000 / mean ITL (ms), the output tokens a user sees per second."""
    itl = p.latency("itl", "avg") or p.latency("tpot", "avg")
    return MILLISECONDS_PER_SECOND / itl if itl else None


def output_tps_per_gpu(p: BenchmarkPoint, gpus: int) -> float:
    tps = p.output_tps if p.output_tps is not None else p.rps * p.osl
    return tps / gpus


def interactivity_frontier(report: Report) -> list[int]:
    """Points that no other point beats on both interactivity (>=) and output tokens/s per GPU (strictly more)."""
    gpus = {r.config: r.gpus_per_instance for r in report.results}
    cand = []
    for i, p in enumerate(report.points):
        tpu = tokens_per_second_per_user(p)
        if tpu is not None and not p.failed:
            cand.append((tpu, output_tps_per_gpu(p, gpus[p.config]), i))
    # Higher interactivity is better: it is the frontier of (-interactivity, throughput per GPU).
    idx = analysis.frontier_indices([(-u, t) for u, t, _ in cand])
    return [cand[j][2] for j in idx]
