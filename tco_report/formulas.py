"""Each derived quantity's formula, written once in the workbook's shared names (camelCase, names.py).

The TCO sheet writes these expressions as they are; the Sensitivity sheet expands them with one input moved; the
About sheet prints them. calculator.py computes the same quantities in Python; the tests recalculate the workbook
with LibreOffice and compare every quantity here with the calculator, so the three cannot drift apart.

An expression refers to inputs (Inputs sheet), constants (secondsPerYear, ...), the recommended config's measured
figures (rpsPerInstance, ISL, OSL, GPUsPerInstance) and other quantities of this registry by name. Text in double
quotes ("whole", "gpu") is a literal, never a name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from .names import BY_CAMEL, BY_SNAKE


@dataclass(frozen=True)
class Formula:
    snake: str  # the quantity (names.py)
    expr: str  # the spreadsheet expression, without "=", in defined names

    @property
    def name(self) -> str:
        return BY_SNAKE[self.snake].camel

    @property
    def label(self) -> str:
        return BY_SNAKE[self.snake].label

    @property
    def unit(self) -> str:
        return BY_SNAKE[self.snake].unit


_TOKENS_PER_GPU_SECOND = "rpsPerInstance*(ISL+OSL)/GPUsPerInstance"
_RENT = "yearlyCloudCost/monthsPerYear"
_RUNNING = "servers*(yearlyServerCost-yearlyCapexCost)/monthsPerYear"

# In the order the method computes them (the TCO sheet's order).
_FORMULAS = (
    Formula(
        "peak_requests_per_second",
        "IF(AND(ISNUMBER(activeUsersAtPeak),ISNUMBER(requestsPerUserPerMinute)),"
        "activeUsersAtPeak*requestsPerUserPerMinute/secondsPerMinute,peakRequestsPerSecondInput)",
    ),
    Formula(
        "model_instances",
        'IF(rounding="whole",CEILING(peakRequestsPerSecond/(rpsPerInstance*targetUtilisation),1),'
        "peakRequestsPerSecond/(rpsPerInstance*targetUtilisation))",
    ),
    Formula("total_gpus", "modelInstances*GPUsPerInstance"),
    Formula("servers_for_demand", 'IF(rounding="whole",CEILING(totalGPUs/GPUsPerServer,1),totalGPUs/GPUsPerServer)'),
    Formula("servers", "serversForDemand+spareServers"),
    Formula(
        "capital_recovery_factor",
        "IF(costOfCapital=0,1/depreciationPeriod,costOfCapital/(1-(1+costOfCapital)^(-depreciationPeriod)))",
    ),
    Formula("yearly_capex_cost", "initialServerCost*capitalRecoveryFactor"),
    Formula("yearly_software_cost_per_server", 'yearlySoftwareCost*IF(softwareLicencePer="gpu",GPUsPerServer,1)'),
    Formula("yearly_energy_cost", "serverPowerKW*loadFactor*PUE*hoursPerYear*electricityPricePerKWh"),
    Formula(
        "yearly_server_cost",
        "yearlyCapexCost+yearlySoftwareCostPerServer+yearlyHostingCost+yearlyEnergyCost"
        "+yearlyNetworkStorageCost+yearlyOperationsCost",
    ),
    Formula("total_yearly_cost", "servers*yearlyServerCost"),
    Formula("requests_per_server_per_year", "rpsPerInstance*(GPUsPerServer/GPUsPerInstance)*secondsPerYear*uptime"),
    Formula("cost_per_1k_requests", "yearlyServerCost/requestsPerServerPerYear*requestsPerThousand"),
    Formula("cost_per_1m_tokens", "costPer1KRequests/requestsPerThousand/(ISL+OSL)*tokensPerMillion"),
    Formula(
        "ref_cost_per_1k_requests",
        "requestsPerThousand*(ISL*refInputPricePer1M+OSL*refOutputPricePer1M)/tokensPerMillion",
    ),
    Formula("cost_per_1m_input_tokens", "costPer1KRequests/refCostPer1KRequests*refInputPricePer1M"),
    Formula("cost_per_1m_output_tokens", "costPer1KRequests/refCostPer1KRequests*refOutputPricePer1M"),
    # The industry's shortcut next to the post's method: cost per GPU-hour / (tokens per GPU-second x 3600) x 1M.
    Formula("owning_cost_per_gpu_hour", "yearlyServerCost/GPUsPerServer/hoursPerYear"),
    Formula(
        "gpu_hour_cost_per_1m_tokens",
        f"owningCostPerGPUHour/({_TOKENS_PER_GPU_SECOND}*secondsPerHour)*tokensPerMillion",
    ),
    # Renting and owning on the same basis (calculator.RENTING_BASIS): the owned fleet's GPUs, spares included.
    Formula("rented_gpus", "servers*GPUsPerServer"),
    Formula("yearly_cloud_cost", 'IF(cloudPricePerGPUHour>0,rentedGPUs*cloudPricePerGPUHour*hoursPerYear,"")'),
    Formula(
        "yearly_cloud_reserved_cost",
        'IF(cloudReservedPricePerGPUHour>0,rentedGPUs*cloudReservedPricePerGPUHour*hoursPerYear,"")',
    ),
    Formula(
        "cloud_cost_per_1m_tokens",
        f'IF(cloudPricePerGPUHour>0,cloudPricePerGPUHour/({_TOKENS_PER_GPU_SECOND}*secondsPerHour)*tokensPerMillion,"")',
    ),
    Formula(
        "cloud_reserved_cost_per_1m_tokens",
        "IF(cloudReservedPricePerGPUHour>0,"
        f'cloudReservedPricePerGPUHour/({_TOKENS_PER_GPU_SECOND}*secondsPerHour)*tokensPerMillion,"")',
    ),
    # Owning pays the servers up front, then its running costs; renting pays by the month. Blank: never.
    Formula(
        "break_even_months",
        f'IF(ISNUMBER(yearlyCloudCost),IF({_RENT}>{_RUNNING},servers*initialServerCost/({_RENT}-{_RUNNING}),""),"")',
    ),
    Formula(
        "cost_per_1k_requests_at_average_load",
        "IF(ISNUMBER(averageRequestsPerSecond),IF(averageRequestsPerSecond>0,"
        'servers*yearlyServerCost/(averageRequestsPerSecond*secondsPerYear*uptime)*requestsPerThousand,""),"")',
    ),
)

FORMULAS: dict[str, Formula] = {f.snake: f for f in _FORMULAS}
BY_NAME: dict[str, Formula] = {f.name: f for f in _FORMULAS}

# A name: letters, digits, underscores and dots, not in a "string", not a function (followed by "(").
_TOKEN = re.compile(r'"[^"]*"|(?<![\w.])([A-Za-z_][\w.]*)(?![\w.(])')


def names_in(expr: str) -> list[str]:
    """The defined names an expression refers to, in order of first use."""
    out: list[str] = []
    for m in _TOKEN.finditer(expr):
        name = m.group(1)
        if name and name not in out and name.upper() not in ("TRUE", "FALSE"):
            out.append(name)
    return out


def render(expr: str, rename: Callable[[str], str | None]) -> str:
    """The expression with each name replaced by ``rename(name)`` (kept where it returns None)."""

    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if not name:
            return m.group(0)
        new = rename(name)
        return m.group(0) if new is None else new

    return _TOKEN.sub(sub, expr)


def expand(snake: str, rename: Mapping[str, str], through: Iterable[str]) -> str:
    """The quantity's expression with the registry quantities in ``through`` (snake names) written out in place,
    recursively, and the names in ``rename`` replaced: one quantity recomputed from moved inputs."""
    inline = {BY_SNAKE[s].camel for s in through}

    def rename_or_inline(name: str) -> str | None:
        if name in rename:
            return rename[name]
        if name in inline:
            return "(" + render(BY_NAME[name].expr, rename_or_inline) + ")"
        return None

    return render(FORMULAS[snake].expr, rename_or_inline)


_SPACED = re.compile(r'"[^"]*"|([+*/]|,)')


def prose(snake: str) -> str:
    """The formula as the About sheet prints it: name = expression, spaced at + * / and commas so it wraps."""
    f = FORMULAS[snake]
    spaced = _SPACED.sub(lambda m: m.group(0) if not m.group(1) else (", " if m.group(1) == "," else f" {m.group(1)} "),
                         f.expr)  # fmt: skip
    return f"{f.name} = {spaced}"


def undefined_names(known: Iterable[str]) -> dict[str, list[str]]:
    """Names the expressions use that are neither registry quantities nor in ``known`` (a test's safety net)."""
    ok = set(known) | set(BY_NAME) | set(BY_CAMEL)
    return {f.snake: [n for n in names_in(f.expr) if n not in ok] for f in _FORMULAS if set(names_in(f.expr)) - ok}
