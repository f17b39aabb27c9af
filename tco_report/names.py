"""The shared vocabulary: one name per quantity in Python, JSON, the workbook and the report.

Python attributes and JSON keys are snake_case; workbook defined names are camelCase; people read the label
and its unit. Every writer looks names up here so that a quantity never has two spellings.
"""

from __future__ import annotations

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
    # --- named constants (FAST: no literal inside a formula)
    Quantity("seconds_per_year", "secondsPerYear", "Seconds in a 365-day year", "s", "constant"),
    Quantity("requests_per_thousand", "requestsPerThousand", "Requests in a thousand", "requests", "constant"),
    Quantity("tokens_per_million", "tokensPerMillion", "Tokens in a million", "tokens", "constant"),
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
]

BY_SNAKE: dict[str, Quantity] = {q.snake: q for q in _QUANTITIES}
BY_CAMEL: dict[str, Quantity] = {q.camel: q for q in _QUANTITIES}

SECONDS_PER_YEAR = 31_536_000  # 365 days; the post's "100% uptime" year
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

# Latency metrics a benchmark point can carry, all in milliseconds.
LATENCY_METRICS: dict[str, str] = {
    "ttft": "Time to first token",
    "itl": "Inter-token latency",
    "e2e": "End-to-end request latency",
}


def camel(snake: str) -> str:
    """The workbook name of a quantity."""
    return BY_SNAKE[snake].camel


def label(snake: str) -> str:
    return BY_SNAKE[snake].label


def unit(snake: str) -> str:
    return BY_SNAKE[snake].unit
