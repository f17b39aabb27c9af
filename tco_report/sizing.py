"""Sizing and TCO of each config at its best point: the method's formulas and the cost model's (docs/method.md).

Pure: plain data in, plain data out, no file or network access. Every formula here has a twin in the workbook.
The follow-up questions (decisions.py) and the whole report (calculator.py) are built on these functions; this
module imports neither, so the three form a line, not a circle.
"""

from __future__ import annotations

import fnmatch
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields, is_dataclass

from . import analysis
from .errors import InputError
from .model import (
    Assumptions,
    BenchmarkPoint,
    ConfigResult,
    ConfigRule,
    FeasibleResult,
    HardwareProfile,
    InfeasibleResult,
    SlaConstraint,
)
from .names import (
    HOURS_PER_YEAR,
    MONTHS_PER_YEAR,
    REQUESTS_PER_THOUSAND,
    SECONDS_PER_HOUR,
    SECONDS_PER_YEAR,
    TOKENS_PER_MILLION,
)

# Renting and owning on the same basis (issue 15): the cloud is asked for the very GPUs the owned fleet has, spare
# servers included, so the yearly rent and totalYearlyCost price the same capacity; the writers show this sentence.
RENTING_BASIS = (
    "Renting and owning are compared on the same GPUs: renting prices every GPU of the owned fleet, spare servers "
    "included (GPUs rented = servers x GPUs per server), for every hour of the year, against the total yearly cost "
    "of owning those servers. The per-1M-token figures of both (the GPU-hour shortcut) price one busy GPU-hour, "
    "without spares or headroom."
)

# Spreadsheets round a ratio to 15 significant digits before CEILING (100/20 stays 5, never 5.000000000000001);
# whole-number sizing does the same so that Python and the workbook agree on every count.
_CEIL_TOLERANCE = 1e-12


def ceil_whole(x: float) -> float:
    """CEILING as spreadsheets do it: a value within rounding noise of a whole number of at least 1 is that number.
    A ratio above 0 never rounds to 0 (a tiny positive demand still needs one instance)."""
    nearest = round(x)
    if nearest >= 1 and abs(x - nearest) <= _CEIL_TOLERANCE * abs(x):
        return float(nearest)
    return float(math.ceil(x))


def capital_recovery_factor(rate: float, years: float) -> float:
    """r / (1 - (1 + r)^-n): the yearly payment that repays 1 over n years at rate r; 1/n when r is 0."""
    if rate == 0:
        return 1 / years
    # 1 - (1 + r)^-n without cancellation: for a tiny r, (1 + r)^-n is exactly 1 and the plain form divides by 0.
    denominator = -math.expm1(-years * math.log1p(rate))
    return rate / denominator if denominator > 0 else 1 / years


def cost_components(hw: HardwareProfile, cost_of_capital: float = 0.0) -> dict[str, float]:
    """The yearly cost of one server, by component. With the neutral defaults it is the post's three terms:
    initialServerCost / depreciationPeriod + yearlySoftwareCost + yearlyHostingCost."""
    return {
        "capex": hw.initial_server_cost * capital_recovery_factor(cost_of_capital, hw.depreciation_period),
        "software": hw.yearly_software_cost * (hw.gpus_per_server if hw.software_licence_per == "gpu" else 1),
        "hosting": hw.yearly_hosting_cost,
        "energy": hw.server_power_kw * hw.load_factor * hw.pue * HOURS_PER_YEAR * hw.electricity_price_per_kwh,
        "network_storage": hw.yearly_network_storage_cost,
        "operations": hw.yearly_operations_cost,
    }


def yearly_server_cost(hw: HardwareProfile, cost_of_capital: float = 0.0) -> float:
    """The sum of a server's yearly cost components."""
    return sum(cost_components(hw, cost_of_capital).values())


def size_and_cost(
    config: str,
    point: BenchmarkPoint,
    gpus_per_instance: int,
    hw: HardwareProfile,
    a: Assumptions,
) -> FeasibleResult:
    """Every step of the method (sizing, then TCO; docs/method.md) for one config at its chosen point."""
    rps = point.rps
    isl = a.isl if a.isl is not None else point.isl
    osl = a.osl if a.osl is not None else point.osl
    ratio = a.peak_requests_per_second / (rps * a.target_utilisation)
    if a.rounding == "whole":
        model_instances = ceil_whole(ratio)
        total_gpus = model_instances * gpus_per_instance
        servers_for_demand = ceil_whole(total_gpus / hw.gpus_per_server)
    else:
        model_instances = ratio
        total_gpus = model_instances * gpus_per_instance
        servers_for_demand = total_gpus / hw.gpus_per_server
    servers = servers_for_demand + a.spare_servers
    components = cost_components(hw, a.cost_of_capital)
    ysc = sum(components.values())
    requests_per_server_per_year = rps * (hw.gpus_per_server / gpus_per_instance) * SECONDS_PER_YEAR * a.uptime
    cost_per_1k = ysc / requests_per_server_per_year * REQUESTS_PER_THOUSAND
    cost_per_1m_tokens = cost_per_1k / REQUESTS_PER_THOUSAND / (isl + osl) * TOKENS_PER_MILLION
    ref_cost_per_1k = (
        REQUESTS_PER_THOUSAND * (isl * a.ref_input_price_per_1m + osl * a.ref_output_price_per_1m) / TOKENS_PER_MILLION
    )
    # The industry's shortcut: cost per GPU-hour / (tokens per GPU per second x 3600) x 1,000,000 (all tokens).
    tokens_per_gpu_second = rps * (isl + osl) / gpus_per_instance
    owning_per_gpu_hour = ysc / hw.gpus_per_server / HOURS_PER_YEAR

    def per_1m(cost_per_gpu_hour: float) -> float:
        return cost_per_gpu_hour / (tokens_per_gpu_second * SECONDS_PER_HOUR) * TOKENS_PER_MILLION

    renting = hw.cloud_price_per_gpu_hour > 0
    reserved = hw.cloud_reserved_price_per_gpu_hour > 0
    rented_gpus = servers * hw.gpus_per_server  # RENTING_BASIS: the owned fleet's GPUs, spares included
    yearly_cloud = rented_gpus * hw.cloud_price_per_gpu_hour * HOURS_PER_YEAR if renting else None
    break_even = None
    if yearly_cloud is not None:
        # Owning pays the servers up front and then its running costs; renting pays by the month.
        monthly_rent = yearly_cloud / MONTHS_PER_YEAR
        monthly_running = servers * (ysc - components["capex"]) / MONTHS_PER_YEAR
        if monthly_rent > monthly_running:
            break_even = servers * hw.initial_server_cost / (monthly_rent - monthly_running)
            if not math.isfinite(break_even):  # renting costs next to nothing more than running: never, in practice
                break_even = None
    at_average = None
    if a.average_requests_per_second:
        at_average = (
            servers * ysc / (a.average_requests_per_second * SECONDS_PER_YEAR * a.uptime) * REQUESTS_PER_THOUSAND
        )
    return FeasibleResult(
        config=config,
        hardware=hw.name,
        gpus_per_instance=gpus_per_instance,
        point=point,
        capital_recovery_factor=capital_recovery_factor(a.cost_of_capital, hw.depreciation_period),
        yearly_capex_cost=components["capex"],
        yearly_software_cost_per_server=components["software"],
        yearly_energy_cost=components["energy"],
        servers_for_demand=servers_for_demand,
        owning_cost_per_gpu_hour=owning_per_gpu_hour,
        gpu_hour_cost_per_1m_tokens=per_1m(owning_per_gpu_hour),
        rented_gpus=rented_gpus,
        yearly_cloud_cost=yearly_cloud,
        yearly_cloud_reserved_cost=(
            rented_gpus * hw.cloud_reserved_price_per_gpu_hour * HOURS_PER_YEAR if reserved else None
        ),
        cloud_cost_per_1m_tokens=per_1m(hw.cloud_price_per_gpu_hour) if renting else None,
        cloud_reserved_cost_per_1m_tokens=per_1m(hw.cloud_reserved_price_per_gpu_hour) if reserved else None,
        break_even_months=break_even,
        cost_per_1k_requests_at_average_load=at_average,
        cost_components_per_server=components,
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
    rule = _first_rule(a.configs, config)
    if rule is not None:
        gpus, hw_name = rule.gpus_per_instance, rule.hardware
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


def _first_rule(rules: tuple[ConfigRule, ...], config: str) -> ConfigRule | None:
    """The first rule whose glob matches ``config``. A workbook read back gives one exact-name rule per config:
    matched one by one, 5,000 configs made 25 million glob matches per sizing (and the what-if questions size
    again and again). Literal rules are looked up by name; only real globs are matched, in order."""
    literal, globs, memo = _rule_index(rules)
    if config in memo:  # the what-if questions size every config again for each moved input: matched once
        return memo[config]
    found = literal.get(config)
    rule: ConfigRule | None = rules[found] if found is not None else None
    for i, glob_rule in globs:
        if found is not None and i > found:
            break
        if fnmatch.fnmatchcase(config, glob_rule.match):
            rule = glob_rule
            break
    if len(memo) < _MEMO_LIMIT:
        memo[config] = rule
    return rule


_MEMO_LIMIT = 100_000
_RULE_INDEX: dict[
    int,
    tuple[tuple[ConfigRule, ...], dict[str, int], list[tuple[int, ConfigRule]], dict[str, ConfigRule | None]],
] = {}


def _rule_index(
    rules: tuple[ConfigRule, ...],
) -> tuple[dict[str, int], list[tuple[int, ConfigRule]], dict[str, ConfigRule | None]]:
    """(literal name -> index of its first rule, [(index, glob rule)], config -> its first rule as found so far),
    kept for the same rules object."""
    hit = _RULE_INDEX.get(id(rules))
    if hit is not None and hit[0] is rules:
        return hit[1], hit[2], hit[3]
    literal: dict[str, int] = {}
    globs: list[tuple[int, ConfigRule]] = []
    for i, rule in enumerate(rules):
        name = _literal(rule.match)
        if name is None:
            globs.append((i, rule))
        else:
            literal.setdefault(name, i)
    if len(_RULE_INDEX) > 32:
        _RULE_INDEX.clear()
    memo: dict[str, ConfigRule | None] = {}
    _RULE_INDEX[id(rules)] = (rules, literal, globs, memo)
    return literal, globs, memo


def _literal(pattern: str) -> str | None:
    """The one name a glob matches when it has no wildcard (metacharacters escaped as [*], [?], [[]), else None."""
    out = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch in "*?":
            return None
        if ch == "[":
            if i + 2 < len(pattern) and pattern[i + 2] == "]" and pattern[i + 1] not in "!^":
                out.append(pattern[i + 1])
                i += 3
                continue
            return None
        out.append(ch)
        i += 1
    return "".join(out)


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


def config_results(
    by_config: Mapping[str, Sequence[BenchmarkPoint]],
    a: Assumptions,
    best_cache: dict[tuple[str, tuple[SlaConstraint, ...]], BenchmarkPoint | None] | None = None,
) -> list[ConfigResult]:
    """Every config sized and costed at its best feasible point, or why it has none; in config order.

    The what-if questions (scenarios, sensitivity) need only this and :func:`recommend`, not the frontier,
    feasibility map and warnings of a whole report: with thousands of points, recomputing those for every moved
    input cost most of the analysis time. ``best_cache`` keeps each config's best point per SLA across calls, as
    only a moved latency limit changes it."""
    results: list[ConfigResult] = []
    for config, curve in by_config.items():
        gpus, hw = resolve_config(config, curve, a)
        if best_cache is None:
            best = analysis.best_point(curve, a.sla)
        else:
            key = (config, a.sla)
            if key not in best_cache:
                best_cache[key] = analysis.best_point(curve, a.sla)
            best = best_cache[key]
        if best is None:
            results.append(
                InfeasibleResult(
                    config=config,
                    hardware=hw.name,
                    gpus_per_instance=gpus,
                    reason=analysis.infeasible_reason(curve, a.sla),
                )
            )
        else:
            results.append(check_result(size_and_cost(config, best, gpus, hw, a), a))
    return results


def check_result(r: FeasibleResult, a: Assumptions) -> FeasibleResult:
    """A sized config's figures are finite, and a positive demand has a fleet of at least one server (a fraction of
    one with fractional rounding); anything else is an InputError naming the inputs that gave it."""
    where = _where(a, r.point)
    bad = first_non_finite(r, f"config '{r.config}'")
    if bad is not None:
        raise InputError(
            a.source if a.source != "defaults" else None,
            None,
            f"{bad[0]} is {bad[1]!r}: the inputs ({where}) give a figure too large or too small to compute; "
            "check the peak demand, the prices and the benchmark figures for values far beyond a real deployment",
        )
    servers = r.servers_for_demand
    if a.peak_requests_per_second > 0 and (servers <= 0 or (a.rounding == "whole" and servers < 1)):
        raise InputError(
            a.source if a.source != "defaults" else None,
            "peak_requests_per_second",
            f"config '{r.config}' would serve a peak of {a.peak_requests_per_second:g} req/s with {servers:g} "
            f"servers ({where}); expected at least one: check the peak demand and the benchmark figures",
        )
    return r


def _where(a: Assumptions, point: BenchmarkPoint) -> str:
    parts = [a.source] if a.source != "defaults" else ["the default assumptions"]
    if point.where:
        parts.append(point.where)
    return " and ".join(parts)


def first_non_finite(obj: object, path: str) -> tuple[str, float] | None:
    """The first number in a result (dataclasses, mappings and tuples walked; benchmark points and load levels, which
    may be an infinite request rate, left out) that is NaN or infinite, with where it is."""
    found = _non_finite(obj)
    if found is None:
        return None
    names, value = found
    return ".".join((path, *reversed(names))), value


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}  # per dataclass: its fields' names but the load level's


def _non_finite(obj: object) -> tuple[list[str], float] | None:
    """One walk for first_non_finite: the first NaN or infinity with the names leading to it, innermost first. The
    path is built only on the way back from a find, and the common leaves (floats, text, whole numbers, None, points)
    are checked in the loop without a call each: a large sweep's results hold ~70,000 of them."""
    if isinstance(obj, float):
        return None if math.isfinite(obj) else ([], obj)
    if isinstance(obj, BenchmarkPoint | str | int | bool) or obj is None:
        return None
    items: Iterable[tuple[object, object]]
    if is_dataclass(obj):
        names = _FIELD_NAMES.get(type(obj)) if not isinstance(obj, type) else None
        if names is None:
            names = tuple(f.name for f in fields(obj) if f.name != "concurrency")
            if not isinstance(obj, type):
                _FIELD_NAMES[type(obj)] = names
        items = ((n, getattr(obj, n)) for n in names)
    elif isinstance(obj, Mapping):
        items = ((k, v) for k, v in obj.items() if str(k) != "concurrency")
    elif isinstance(obj, tuple | list):
        items = enumerate(obj)
    else:
        return None
    for name, v in items:
        if type(v) is float:
            if math.isfinite(v):
                continue
            return [str(name)], v
        t = type(v)
        if t is str or t is int or t is bool or v is None or t is BenchmarkPoint:
            continue
        found = _non_finite(v)
        if found is not None:
            found[0].append(str(name))
            return found
    return None


def recommend(results: Sequence[ConfigResult]) -> FeasibleResult | None:
    """The feasible config with the lowest total yearly cost; ties go to the config listed first (by name)."""
    best: FeasibleResult | None = None
    best_cost = math.inf
    for r in results:
        if r.feasible and (best is None or r.total_yearly_cost < best_cost):
            best, best_cost = r, r.total_yearly_cost
    return best
