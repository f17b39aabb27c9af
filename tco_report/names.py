"""The shared vocabulary: one name per quantity in Python, JSON, the workbook and the report.

Python attributes and JSON keys are snake_case; workbook defined names are camelCase; people read the label
and its unit. Every writer looks names up here so that a quantity never has two spellings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Quantity:
    snake: str  # Python attribute and JSON key
    camel: str  # workbook defined name
    label: str  # what a person reads, in the workbook, HTML and PDF
    unit: str  # "USD", "USD/year", "req/s", "ms", "GPUs", ...
    kind: str  # "input", "constant", "result"


_QUANTITIES = [
    # --- inputs: demand and SLA
    Quantity("peak_requests_per_second", "peakRequestsPerSecond", "Planned peak demand", "req/s", "input"),
    Quantity("uptime", "uptime", "Uptime (share of the year serving)", "fraction", "input"),
    Quantity("latency_limit_ms", "latencyLimitMs", "Latency limit (first SLA constraint)", "ms", "input"),
    # --- inputs: hardware and prices
    Quantity("initial_server_cost", "initialServerCost", "Server price", "USD", "input"),
    Quantity("gpus_per_server", "GPUsPerServer", "GPUs per server", "GPUs", "input"),
    Quantity("depreciation_period", "depreciationPeriod", "Depreciation period", "years", "input"),
    Quantity("yearly_hosting_cost", "yearlyHostingCost", "Yearly hosting cost per server", "USD/year", "input"),
    Quantity(
        "yearly_software_cost",
        "yearlySoftwareCost",
        "Yearly software licence (per server or per GPU)",
        "USD/year",
        "input",
    ),
    Quantity("software_licence_per", "softwareLicencePer", "Software licence charged per", "server|gpu", "input"),
    Quantity("ref_input_price_per_1m", "refInputPricePer1M", "Reference price of 1M input tokens", "USD", "input"),
    Quantity("ref_output_price_per_1m", "refOutputPricePer1M", "Reference price of 1M output tokens", "USD", "input"),
    Quantity("rounding", "rounding", "Rounding of instances and servers", "whole|fractional", "input"),
    # --- inputs: the cost model's extensions (neutral defaults keep the post's numbers)
    Quantity("server_power_kw", "serverPowerKW", "Server power draw at full load", "kW", "input"),
    Quantity("pue", "PUE", "Power usage effectiveness (PUE)", "ratio", "input"),
    Quantity("electricity_price_per_kwh", "electricityPricePerKWh", "Electricity price", "USD/kWh", "input"),
    Quantity("load_factor", "loadFactor", "Average load factor (share of full-load power)", "fraction", "input"),
    Quantity(
        "yearly_network_storage_cost",
        "yearlyNetworkStorageCost",
        "Yearly network and storage cost per server",
        "USD/year",
        "input",
    ),
    Quantity(
        "yearly_operations_cost",
        "yearlyOperationsCost",
        "Yearly operations (staff) cost per server",
        "USD/year",
        "input",
    ),
    Quantity(
        "cloud_price_per_gpu_hour",
        "cloudPricePerGPUHour",
        "Cloud price per GPU-hour (on demand)",
        "USD/GPU-hour",
        "input",
    ),
    Quantity(
        "cloud_reserved_price_per_gpu_hour",
        "cloudReservedPricePerGPUHour",
        "Cloud price per GPU-hour (reserved)",
        "USD/GPU-hour",
        "input",
    ),
    Quantity("cost_of_capital", "costOfCapital", "Cost of capital", "per year", "input"),
    Quantity("target_utilisation", "targetUtilisation", "Target utilisation at peak", "fraction", "input"),
    Quantity("spare_servers", "spareServers", "Spare servers (N+k)", "servers", "input"),
    Quantity("active_users_at_peak", "activeUsersAtPeak", "Active users at peak", "users", "input"),
    Quantity(
        "requests_per_user_per_minute",
        "requestsPerUserPerMinute",
        "Requests per user per minute",
        "req/min",
        "input",
    ),
    Quantity(
        "average_requests_per_second", "averageRequestsPerSecond", "Average demand over the year", "req/s", "input"
    ),
    Quantity("api_input_price_per_1m", "apiInputPricePer1M", "Hosted API price per 1M input tokens", "USD", "input"),
    Quantity("api_output_price_per_1m", "apiOutputPricePer1M", "Hosted API price per 1M output tokens", "USD", "input"),
    Quantity("plan_years", "planYears", "Years in the plan", "years", "input"),
    Quantity("demand_growth_per_year", "demandGrowthPerYear", "Demand growth per year", "per year", "input"),
    Quantity("sensitivity_step", "sensitivityStep", "Sensitivity step (+/-)", "fraction", "input"),
    # --- named constants (FAST: no literal inside a formula)
    Quantity("seconds_per_year", "secondsPerYear", "Seconds in a 365-day year", "s", "constant"),
    Quantity("requests_per_thousand", "requestsPerThousand", "Requests in a thousand", "requests", "constant"),
    Quantity("tokens_per_million", "tokensPerMillion", "Tokens in a million", "tokens", "constant"),
    Quantity("seconds_per_hour", "secondsPerHour", "Seconds in an hour", "s", "constant"),
    Quantity("hours_per_year", "hoursPerYear", "Hours in a 365-day year", "h", "constant"),
    Quantity("months_per_year", "monthsPerYear", "Months in a year", "months", "constant"),
    Quantity("seconds_per_minute", "secondsPerMinute", "Seconds in a minute", "s", "constant"),
    Quantity("seconds_per_day", "secondsPerDay", "Seconds in a day", "s", "constant"),
    Quantity("milliseconds_per_second", "millisecondsPerSecond", "Milliseconds in a second", "ms", "constant"),
    # --- results (per config; the recommended config's carry the plain names)
    Quantity("concurrency", "concurrency", "Concurrency of the chosen point", "requests", "result"),
    Quantity("rps_per_instance", "rpsPerInstance", "Requests/s per instance", "req/s", "result"),
    Quantity("gpus_per_instance", "GPUsPerInstance", "GPUs per instance", "GPUs", "result"),
    Quantity("model_instances", "modelInstances", "Model instances", "instances", "result"),
    Quantity("total_gpus", "totalGPUs", "Total GPUs", "GPUs", "result"),
    Quantity("servers", "servers", "Servers", "servers", "result"),
    Quantity("yearly_server_cost", "yearlyServerCost", "Yearly cost per server", "USD/year", "result"),
    Quantity("total_yearly_cost", "totalYearlyCost", "Total yearly cost", "USD/year", "result"),
    Quantity(
        "requests_per_server_per_year",
        "requestsPerServerPerYear",
        "Requests per server per year",
        "requests/year",
        "result",
    ),
    Quantity("cost_per_1k_requests", "costPer1KRequests", "Cost per 1K requests", "USD", "result"),
    Quantity("cost_per_1m_tokens", "costPer1MTokens", "Cost per 1M tokens (blended)", "USD", "result"),
    Quantity("cost_per_1m_input_tokens", "costPer1MInputTokens", "Cost per 1M input tokens", "USD", "result"),
    Quantity("cost_per_1m_output_tokens", "costPer1MOutputTokens", "Cost per 1M output tokens", "USD", "result"),
    Quantity(
        "ref_cost_per_1k_requests",
        "refCostPer1KRequests",
        "Reference-price cost of 1K requests",
        "USD",
        "result",
    ),
    Quantity("isl", "ISL", "Input sequence length (mean)", "tokens", "result"),
    Quantity("osl", "OSL", "Output sequence length (mean)", "tokens", "result"),
    Quantity("capital_recovery_factor", "capitalRecoveryFactor", "Capital recovery factor", "per year", "result"),
    Quantity("yearly_capex_cost", "yearlyCapexCost", "Yearly capital cost per server", "USD/year", "result"),
    Quantity(
        "yearly_software_cost_per_server",
        "yearlySoftwareCostPerServer",
        "Yearly software cost per server",
        "USD/year",
        "result",
    ),
    Quantity("yearly_energy_cost", "yearlyEnergyCost", "Yearly energy cost per server", "USD/year", "result"),
    Quantity("servers_for_demand", "serversForDemand", "Servers for the demand (before spares)", "servers", "result"),
    Quantity("owning_cost_per_gpu_hour", "owningCostPerGPUHour", "Owning cost per GPU-hour", "USD/GPU-hour", "result"),
    Quantity(
        "gpu_hour_cost_per_1m_tokens",
        "GPUHourCostPer1MTokens",
        "Cost per 1M tokens, GPU-hour shortcut (owning)",
        "USD",
        "result",
    ),
    Quantity("rented_gpus", "rentedGPUs", "GPUs rented (the owned fleet's, spare servers included)", "GPUs", "result"),
    Quantity(
        "yearly_cloud_cost", "yearlyCloudCost", "Yearly cost of renting the GPUs (on demand)", "USD/year", "result"
    ),
    Quantity(
        "yearly_cloud_reserved_cost",
        "yearlyCloudReservedCost",
        "Yearly cost of renting the GPUs (reserved)",
        "USD/year",
        "result",
    ),
    Quantity(
        "cloud_cost_per_1m_tokens", "cloudCostPer1MTokens", "Cost per 1M tokens renting (on demand)", "USD", "result"
    ),
    Quantity(
        "cloud_reserved_cost_per_1m_tokens",
        "cloudReservedCostPer1MTokens",
        "Cost per 1M tokens renting (reserved)",
        "USD",
        "result",
    ),
    Quantity("break_even_months", "breakEvenMonths", "Owning breaks even with renting after", "months", "result"),
    Quantity("api_cost_per_request", "APICostPerRequest", "Hosted API cost per request", "USD", "result"),
    Quantity("api_yearly_cost", "APIYearlyCost", "Yearly cost through the hosted API", "USD/year", "result"),
    Quantity(
        "break_even_rps", "APIBreakEvenRequestsPerSecond", "Self-hosting as cheap as the API from", "req/s", "result"
    ),
    Quantity(
        "break_even_tokens_per_day",
        "APIBreakEvenTokensPerDay",
        "Self-hosting as cheap as the API from",
        "tokens/day",
        "result",
    ),
    Quantity(
        "tokens_per_second_per_user", "tokensPerSecondPerUser", "Interactivity (1000 / ITL)", "tokens/s/user", "result"
    ),
    Quantity(
        "output_tps_per_gpu",
        "outputTokensPerSecondPerGPU",
        "Output tokens per second per GPU",
        "tokens/s/GPU",
        "result",
    ),
    Quantity(
        "cost_per_1k_requests_at_average_load",
        "costPer1KRequestsAtAverageLoad",
        "Cost per 1K requests at the average demand",
        "USD",
        "result",
    ),
]

BY_SNAKE: dict[str, Quantity] = {q.snake: q for q in _QUANTITIES}
BY_CAMEL: dict[str, Quantity] = {q.camel: q for q in _QUANTITIES}

# The named constants' values, by snake name (the workbook writes them on Inputs; formulas use the names).
SECONDS_PER_YEAR = 31_536_000  # 365 days; the post's "100% uptime" year
SECONDS_PER_HOUR = 3_600
HOURS_PER_YEAR = 8_760
MONTHS_PER_YEAR = 12
SECONDS_PER_MINUTE = 60
SECONDS_PER_DAY = 86_400
MILLISECONDS_PER_SECOND = 1_000
REQUESTS_PER_THOUSAND = 1_000
TOKENS_PER_MILLION = 1_000_000

# The per-config figures, in the order the method computes them (summary.json, Configs sheet, report table).
RESULT_KEYS: tuple[str, ...] = (
    "concurrency",
    "rps_per_instance",
    "gpus_per_instance",
    "model_instances",
    "total_gpus",
    "servers",
    "yearly_server_cost",
    "total_yearly_cost",
    "requests_per_server_per_year",
    "cost_per_1k_requests",
    "cost_per_1m_tokens",
    "cost_per_1m_input_tokens",
    "cost_per_1m_output_tokens",
    "isl",
    "osl",
)

# The cost model's further figures per config (summary.json, workbook, report), in the order they are computed.
EXTENDED_RESULT_KEYS: tuple[str, ...] = (
    "capital_recovery_factor",
    "yearly_capex_cost",
    "yearly_software_cost_per_server",
    "yearly_energy_cost",
    "servers_for_demand",
    "owning_cost_per_gpu_hour",
    "gpu_hour_cost_per_1m_tokens",
    "rented_gpus",
    "yearly_cloud_cost",
    "yearly_cloud_reserved_cost",
    "cloud_cost_per_1m_tokens",
    "cloud_reserved_cost_per_1m_tokens",
    "break_even_months",
    "cost_per_1k_requests_at_average_load",
)

CONSTANTS: dict[str, float] = {
    "seconds_per_year": SECONDS_PER_YEAR,
    "requests_per_thousand": REQUESTS_PER_THOUSAND,
    "tokens_per_million": TOKENS_PER_MILLION,
    "seconds_per_hour": SECONDS_PER_HOUR,
    "hours_per_year": HOURS_PER_YEAR,
    "months_per_year": MONTHS_PER_YEAR,
    "seconds_per_minute": SECONDS_PER_MINUTE,
    "seconds_per_day": SECONDS_PER_DAY,
    "milliseconds_per_second": MILLISECONDS_PER_SECOND,
}

# A hardware profile's inputs from the post (server price, GPUs, depreciation, hosting, licence and its basis).
HARDWARE_POST_INPUTS: tuple[str, ...] = (
    "initial_server_cost",
    "gpus_per_server",
    "depreciation_period",
    "yearly_hosting_cost",
    "yearly_software_cost",
    "software_licence_per",
)

# A hardware profile's inputs beyond the post's (energy, facility, renting), all with neutral defaults.
HARDWARE_EXTRAS: tuple[str, ...] = (
    "server_power_kw",
    "pue",
    "electricity_price_per_kwh",
    "load_factor",
    "yearly_network_storage_cost",
    "yearly_operations_cost",
    "cloud_price_per_gpu_hour",
    "cloud_reserved_price_per_gpu_hour",
)

# Every input of a hardware profile, in the order the report and the workbook list them.
HARDWARE_INPUTS: tuple[str, ...] = (*HARDWARE_POST_INPUTS, *HARDWARE_EXTRAS)

# Cost components of a server's year, in stacking order, with their labels.
COST_COMPONENTS: dict[str, str] = {
    "capex": "Depreciation / capital",
    "software": "Software licences",
    "hosting": "Hosting",
    "energy": "Energy",
    "network_storage": "Network and storage",
    "operations": "Operations",
}

# Latency metrics a benchmark point can carry, all in milliseconds.
LATENCY_METRICS: dict[str, str] = {
    "ttft": "Time to first token",
    "itl": "Inter-token latency",
    "tpot": "Time per output token",
    "e2e": "End-to-end request latency",
}


def camel(snake: str) -> str:
    """The workbook name of a quantity."""
    return BY_SNAKE[snake].camel


def label(snake: str) -> str:
    return BY_SNAKE[snake].label


def unit(snake: str) -> str:
    return BY_SNAKE[snake].unit


# --- Input bounds: one definition per input, used by the YAML loader, the workbook's data validations and the
# workbook reader alike, so a value is accepted or refused the same way everywhere. Each limit is far beyond any
# real deployment and keeps every figure the calculator derives from the inputs finite (no overflow to inf, no
# division by a value that underflows to 0).


@dataclass(frozen=True)
class Bounds:
    """The values an input may take: a range (each end inclusive or not), whole numbers only or not."""

    minimum: float
    maximum: float
    min_inclusive: bool = True
    max_inclusive: bool = True
    whole: bool = False

    def describe(self) -> str:
        """'a number greater than 0 and at most 1,000,000,000', 'a whole number of at least 1 and at most 10,000'."""
        kind = "a whole number" if self.whole else "a number"
        lo, hi = _fmt(self.minimum), _fmt(self.maximum)
        low = f"of at least {lo}" if self.min_inclusive else f"greater than {lo}"
        high = f"at most {hi}" if self.max_inclusive else f"less than {hi}"
        return f"{kind} {low} and {high}"

    def accepts(self, v: float) -> bool:
        """Whether the finite number ``v`` is within the bounds."""
        if self.whole and not float(v).is_integer():
            return False
        above = v >= self.minimum if self.min_inclusive else v > self.minimum
        below = v <= self.maximum if self.max_inclusive else v < self.maximum
        return above and below

    def validation(self) -> dict[str, object]:
        """The same bounds as an Excel data validation (XlsxWriter's options). Excel's 'between' is inclusive: an
        exclusive end becomes the nearest value inside it for whole numbers, and is noted in the message otherwise
        (the reader refuses the end itself)."""
        kind = "integer" if self.whole else "decimal"
        lo, hi = self.minimum, self.maximum
        if self.whole:
            lo = lo if self.min_inclusive else math.floor(lo) + 1
            hi = hi if self.max_inclusive else math.ceil(hi) - 1

        def plain(x: float) -> float:
            return int(x) if float(x).is_integer() else x  # "1000000000000", not "1000000000000.0", in the XML

        return {"validate": kind, "criteria": "between", "minimum": plain(lo), "maximum": plain(hi)}


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() and abs(x) < 1e15 else f"{x:g}"


_MONEY = Bounds(0, 1e12)  # USD: a trillion dollars per server or per year
_HOURLY = Bounds(0, 1e6)  # USD per GPU-hour
_TOKEN_PRICE = Bounds(1e-6, 1e6)  # USD per 1M tokens (a reference price > 0: it splits a request's cost)
_SHARE = Bounds(0, 1)

INPUT_BOUNDS: dict[str, Bounds] = {
    "peak_requests_per_second": Bounds(0, 1e9, min_inclusive=False),
    "uptime": Bounds(1e-4, 1),  # at least 53 minutes a year
    "latency_limit_ms": Bounds(0, 1e9, min_inclusive=False),
    "initial_server_cost": _MONEY,
    "gpus_per_server": Bounds(1, 10_000, whole=True),
    "depreciation_period": Bounds(0.1, 100),
    "yearly_hosting_cost": _MONEY,
    "yearly_software_cost": _MONEY,
    "ref_input_price_per_1m": _TOKEN_PRICE,
    "ref_output_price_per_1m": _TOKEN_PRICE,
    "server_power_kw": Bounds(0, 10_000),
    "pue": Bounds(1, 10),
    "electricity_price_per_kwh": Bounds(0, 1_000),
    "load_factor": _SHARE,
    "yearly_network_storage_cost": _MONEY,
    "yearly_operations_cost": _MONEY,
    "cloud_price_per_gpu_hour": _HOURLY,
    "cloud_reserved_price_per_gpu_hour": _HOURLY,
    "cost_of_capital": _SHARE,
    "target_utilisation": Bounds(0.01, 1),
    "spare_servers": Bounds(0, 1_000_000, whole=True),
    "active_users_at_peak": Bounds(0, 1e12, min_inclusive=False),
    "requests_per_user_per_minute": Bounds(0, 1e6, min_inclusive=False),
    "average_requests_per_second": Bounds(0, 1e9, min_inclusive=False),
    "api_input_price_per_1m": Bounds(0, 1e6),
    "api_output_price_per_1m": Bounds(0, 1e6),
    "plan_years": Bounds(1, 100, whole=True),
    "demand_growth_per_year": Bounds(-0.99, 10),
    "sensitivity_step": Bounds(0, 0.99, min_inclusive=False),
    "isl": Bounds(0.001, 1e9),  # an override of the measured mean input tokens
    "osl": Bounds(0.001, 1e9),
    "gpus_per_instance": Bounds(1, 10_000, whole=True),
}

# What a benchmark point may hold (result files and the workbook's Benchmarks rows): rps below one request in
# eleven days, or a mean of less than a thousandth of a token, is no measurement; latencies up to 11 days.
POINT_BOUNDS: dict[str, Bounds] = {
    "rps": Bounds(1e-6, 1e9),
    "isl": Bounds(0.001, 1e9),
    "osl": Bounds(0.001, 1e9),
    "latency_ms": Bounds(0, 1e9),
    "concurrency": Bounds(0, 1e9, min_inclusive=False),
    "request_rate": Bounds(0, 1e9, min_inclusive=False),  # or inf (as fast as possible)
    "output_tps": Bounds(0, 1e12),
    "gpus_per_instance": Bounds(1, 10_000, whole=True),
}

# How many of each thing one run may hold. Each drives work (and the workbook's formulas: Excel allows 8,192
# characters in a formula, so the SLA constraints a formula ANDs together are limited).
MAX_SLA_CONSTRAINTS = 20
MAX_HARDWARE_PROFILES = 50
MAX_CONFIG_RULES = 50_000
MAX_SCENARIOS = 50
MAX_CONFIGS = 50_000
MAX_POINTS = 1_000_000


def bounds(snake: str) -> Bounds:
    return INPUT_BOUNDS[snake]
