"""Plain data that flows through the tool: benchmark points in, assumptions beside them, results out.

Nothing here reads or writes files; readers build these objects and writers consume them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, Literal

STATISTICS_ORDER = ("avg", "p50", "p90", "p95", "p99")


@dataclass(frozen=True)
class BenchmarkPoint:
    """One run of a benchmark tool: one deployment config at one load level."""

    config: str
    rps: float  # measured requests/s of one model instance
    isl: float  # measured mean input tokens per request
    osl: float  # measured mean output tokens per request
    latency_ms: Mapping[str, Mapping[str, float]]  # metric (ttft|itl|e2e) -> statistic (avg|p50|...) -> ms
    concurrency: float | None = None  # configured concurrency, when the run was concurrency-driven
    request_rate: float | None = None  # configured request rate (req/s, may be inf), when rate-driven
    output_tps: float | None = None  # output tokens/s of the instance
    gpus_per_instance: int | None = None  # only when the file records it; assumptions take precedence
    model: str = ""
    tool: str = ""
    tool_version: str = ""
    source: str = ""  # path of the result file
    record: int | None = None  # line of the record, when a file holds several runs (JSONL, CSV rows)
    # Several runs of one config at one load level, combined into this point: how many, and each combined
    # metric's (min, max) across them, keyed "rps", "output_tps", "ttft_avg", ...; empty for a single run.
    repeats: int = 1
    spread: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    # A run that measured nothing usable (every request failed): kept and shown, never feasible.
    failed: bool = False
    failure: str = ""  # why, in the tool's words where it gives them
    # What was asked of the server (e.g. "isl512-osl128", a dataset name): runs of different workloads are
    # never ranked against each other as deployments.
    workload: str = ""

    @property
    def where(self) -> str:
        """The file, and the line when the file holds several runs."""
        return self.source if self.record is None else f"{self.source} (line {self.record})"

    def latency(self, metric: str, statistic: str) -> float | None:
        return self.latency_ms.get(metric, {}).get(statistic)

    @property
    def load(self) -> float:
        """The x value of the sweep: concurrency when set, else the request rate."""
        if self.concurrency is not None:
            return self.concurrency
        if self.request_rate is not None:
            return self.request_rate
        return math.nan

    @property
    def load_label(self) -> str:
        if self.concurrency is not None:
            return f"c={_num(self.concurrency)}"
        if self.request_rate is not None:
            return "rate=inf" if math.isinf(self.request_rate) else f"rate={_num(self.request_rate)}"
        return "?"

    def has_statistic(self, metric: str, statistic: str) -> bool:
        return self.latency(metric, statistic) is not None


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


@dataclass(frozen=True)
class SlaConstraint:
    metric: str  # ttft | itl | e2e
    statistic: str  # avg | p50 | p90 | p95 | p99 ...
    max_ms: float

    @property
    def column(self) -> str:
        return f"{self.metric}_{self.statistic}"

    def describe(self) -> str:
        return f"{self.statistic} {self.metric.upper()} <= {self.max_ms:g} ms"


@dataclass(frozen=True)
class HardwareProfile:
    name: str = "default"
    initial_server_cost: float = 320_000.0
    gpus_per_server: int = 8
    depreciation_period: float = 4.0
    yearly_hosting_cost: float = 3_000.0
    yearly_software_cost: float = 4_500.0
    software_licence_per: str = "server"  # server | gpu
    # Energy and facility (zero by default, so the post's numbers are unchanged)
    server_power_kw: float = 0.0  # power draw of one server at full load
    pue: float = 1.0  # power usage effectiveness of the data centre
    electricity_price_per_kwh: float = 0.0
    load_factor: float = 1.0  # average share of full-load power over the year
    yearly_network_storage_cost: float = 0.0  # per server
    yearly_operations_cost: float = 0.0  # staff, per server
    # Renting the same GPUs instead (zero = not compared)
    cloud_price_per_gpu_hour: float = 0.0  # on demand
    cloud_reserved_price_per_gpu_hour: float = 0.0


@dataclass(frozen=True)
class ConfigRule:
    """Maps config names (glob) to GPUs per instance and a hardware profile; first match wins."""

    match: str
    gpus_per_instance: int | None = None
    hardware: str | None = None


@dataclass(frozen=True)
class Assumptions:
    peak_requests_per_second: float = 100.0
    uptime: float = 1.0
    sla: tuple[SlaConstraint, ...] = (SlaConstraint("ttft", "avg", 250.0),)
    hardware: tuple[HardwareProfile, ...] = (HardwareProfile(),)
    ref_input_price_per_1m: float = 1.0
    ref_output_price_per_1m: float = 3.0
    configs: tuple[ConfigRule, ...] = ()
    rounding: str = "whole"  # whole | fractional
    target_utilisation: float = 1.0  # size so that peak demand runs at this share of measured capacity
    spare_servers: int = 0  # N+k redundancy: servers added to those the demand needs
    cost_of_capital: float = 0.0  # annual rate; capex is annualised with the capital recovery factor
    active_users_at_peak: float | None = None  # with requests_per_user_per_minute, gives the peak demand
    requests_per_user_per_minute: float | None = None
    average_requests_per_second: float | None = None  # the year's average demand, for the cost at real load
    api_input_price_per_1m: float = 0.0  # a hosted API's price per 1M input tokens (0 = no comparison)
    api_output_price_per_1m: float = 0.0
    plan_years: int | None = None  # horizon of the multi-year plan; None = the depreciation period
    demand_growth_per_year: float = 0.0  # peak demand grows by this share each year of the plan
    sensitivity_step: float = 0.2  # each input moves by +/- this share in the sensitivity analysis
    scenarios: tuple[tuple[str, Assumptions], ...] = ()  # named assumption sets compared side by side
    isl: float | None = None  # overrides the measured ISL when set
    osl: float | None = None  # overrides the measured OSL when set
    source: str = "defaults"  # where the assumptions came from: defaults, a file path, or a workbook path
    provenance: Mapping[str, str] = field(default_factory=dict)  # snake name -> default | file | workbook

    def profile(self, name: str) -> HardwareProfile:
        for h in self.hardware:
            if h.name == name:
                return h
        raise KeyError(name)


@dataclass(frozen=True)
class FeasibleResult:
    """One config sized and costed at its best feasible point: every figure of the method, none missing.

    Only what the inputs may leave unasked is optional: renting (no cloud price), the break-even (renting never
    costs more), the cost at the year's average load (no average demand given)."""

    feasible: ClassVar[Literal[True]] = True  # the tag that narrows a ConfigResult (summary.json's "feasible")
    config: str
    hardware: str
    gpus_per_instance: int
    point: BenchmarkPoint
    concurrency: float  # the point's load level: concurrency, or request rate (may be inf)
    rps_per_instance: float
    model_instances: float
    total_gpus: float
    servers: float
    yearly_server_cost: float
    total_yearly_cost: float
    requests_per_server_per_year: float
    cost_per_1k_requests: float
    cost_per_1m_tokens: float
    cost_per_1m_input_tokens: float
    cost_per_1m_output_tokens: float
    ref_cost_per_1k_requests: float
    isl: float
    osl: float
    # The cost model's extensions (issue 6): per-server components, renting, capital, real load.
    capital_recovery_factor: float
    yearly_capex_cost: float  # per server: initial cost x capital recovery factor
    yearly_software_cost_per_server: float
    yearly_energy_cost: float  # per server
    servers_for_demand: float  # before the spare servers
    owning_cost_per_gpu_hour: float
    gpu_hour_cost_per_1m_tokens: float  # the industry shortcut, owning
    rented_gpus: float  # what renting prices: the owned fleet's GPUs, spares included
    yearly_cloud_cost: float | None  # renting rented_gpus on demand for the year; None without a cloud price
    yearly_cloud_reserved_cost: float | None  # None without a reserved price
    cloud_cost_per_1m_tokens: float | None  # renting on demand, the shortcut
    cloud_reserved_cost_per_1m_tokens: float | None
    break_even_months: float | None  # owning vs renting on demand; None when renting never costs more
    cost_per_1k_requests_at_average_load: float | None  # None when no average demand is given
    # Yearly cost of one server by component (capex, software, hosting, energy, network_storage, operations);
    # they add up to yearly_server_cost.
    cost_components_per_server: Mapping[str, float]

    def cost_components(self) -> dict[str, float]:
        """Yearly cost of the whole fleet by component (the stacked cost chart, the breakdown table)."""
        return {k: v * self.servers for k, v in self.cost_components_per_server.items()}


@dataclass(frozen=True)
class InfeasibleResult:
    """A config with no point that meets the SLA: no sizing, no cost, only why."""

    feasible: ClassVar[Literal[False]] = False
    config: str
    hardware: str
    gpus_per_instance: int
    reason: str  # the constraint missed and the best value reached for it


# One config's result: narrow it with ``r.feasible`` (or isinstance) before reading a figure.
ConfigResult = FeasibleResult | InfeasibleResult

# The figures only a sized config has: an infeasible one reads as None for each (summary.json, the workbook).
_SIZED_ONLY = frozenset({f.name for f in fields(FeasibleResult)} - {f.name for f in fields(InfeasibleResult)})


def result_value(r: ConfigResult, key: str) -> Any:
    """A result's field by name, for the writers that walk the vocabulary's keys: None for a figure an infeasible
    config does not have; a name no result has is an AttributeError, as with getattr."""
    if not r.feasible and key in _SIZED_ONLY:
        return None
    return getattr(r, key)


@dataclass(frozen=True)
class Report:
    """Everything the writers need: inputs, analysis and results."""

    points: tuple[BenchmarkPoint, ...]
    assumptions: Assumptions
    results: tuple[ConfigResult, ...]  # one per config, sorted by config name
    recommended: FeasibleResult | None
    frontier: tuple[BenchmarkPoint, ...]  # Pareto-optimal points (throughput per GPU vs latency)
    frontier_metric: tuple[str, str]  # (metric, statistic) on the frontier's latency axis
    feasible: Mapping[int, bool]  # index into points -> meets every SLA constraint
    warnings: tuple[str, ...] = ()
    decisions: Decisions | None = None  # scenarios, API break-even, plan, sensitivity (None when not computed)
    workload: str = ""  # the workload sized (its points' workload), '' when no file records one

    @property
    def configs(self) -> tuple[str, ...]:
        return tuple(r.config for r in self.results)


@dataclass(frozen=True)
class ScenarioRow:
    name: str
    recommended: FeasibleResult | None
    api_yearly_cost: float | None  # serving the same demand through the hosted API


@dataclass(frozen=True)
class ApiBreakEven:
    """Self-hosting the recommended config vs a hosted API, as functions of the peak demand."""

    api_cost_per_request: float  # USD
    average_to_peak: float  # the year's average demand as a share of the peak
    yearly_api_cost: float  # at the planned demand
    break_even_rps: float | None  # first peak demand (req/s) at which self-hosting costs no more than the API
    always_cheaper_rps: float | None  # from this peak demand on, self-hosting is never dearer
    break_even_tokens_per_day: float | None  # the break-even demand in tokens a day (average)
    curve: tuple[tuple[float, float, float], ...]  # (peak req/s, self-hosting yearly cost, API yearly cost)


@dataclass(frozen=True)
class PlanYear:
    year: int
    peak_requests_per_second: float
    servers_needed: float
    servers_bought: float
    servers_in_service: float
    capex: float  # cash paid for the servers bought that year
    opex: float  # running costs of the servers in service (all but capital)
    cumulative_cost: float
    cost_per_1m_tokens: float  # annualised cost of the servers in service / tokens served at the year's demand


@dataclass(frozen=True)
class SensitivityRow:
    input: str  # snake name in the vocabulary
    base_value: float
    low_value: float
    high_value: float
    cost_per_1m_output_tokens: tuple[float | None, float | None]  # at (low, high); None when nothing is feasible
    total_yearly_cost: tuple[float | None, float | None]
    recommended: tuple[str | None, str | None]  # the config chosen at (low, high)


@dataclass(frozen=True)
class Decisions:
    scenarios: tuple[ScenarioRow, ...] = ()
    api: ApiBreakEven | None = None
    plan: tuple[PlanYear, ...] = ()
    sensitivity: tuple[SensitivityRow, ...] = ()
    sensitivity_base: tuple[float, float] | None = None  # (cost_per_1m_output_tokens, total_yearly_cost)
    interactivity_frontier: tuple[int, ...] = ()  # indices into Report.points
