"""Where things live in the workbook: sheet names, table headers and the defined names the writer and reader share.

The reader finds every input through a defined name, never through a fixed cell address, so the layout can grow
(more profiles, more constraints, more configs) without breaking workbooks already written.
"""

from __future__ import annotations

from ..model import STATISTICS_ORDER
from ..names import LATENCY_METRICS

# Scalar inputs on Inputs: (defined name, snake name or None, label, unit). Labels/units come from names.py where
# the quantity is in the vocabulary.
# Inputs of the sizing and cost model that the formulas use, after the post's own (snake names).
MODEL_EXTRAS = ("target_utilisation", "spare_servers", "cost_of_capital")
# The planned peak as typed in; peakRequestsPerSecond (TCO) is this, or users x requests per user when both are given.
PEAK_INPUT = "peakRequestsPerSecondInput"
# Demand inputs beside the peak: users (they give the peak) and the year's average (the cost at real load).
DEMAND_EXTRAS = ("active_users_at_peak", "requests_per_user_per_minute", "average_requests_per_second")
# Inputs of the decision questions (hosted API, plan, sensitivity): the Plan and Sensitivity sheets use them.
DECISION_INPUTS = (
    "api_input_price_per_1m",
    "api_output_price_per_1m",
    "plan_years",
    "demand_growth_per_year",
    "sensitivity_step",
)
# Every optional scalar read back by the reader (older workbooks may lack them: the neutral default then).
RECORDED_ONLY = (*DEMAND_EXTRAS, *DECISION_INPUTS)
OPTIONAL = ("average_requests_per_second", "active_users_at_peak", "requests_per_user_per_minute", "plan_years")
WHOLE = ("spare_servers", "plan_years")
# Optional overrides of the measured sequence lengths (blank = use the chosen point's measured mean).
OVERRIDES = {
    "islOverride": ("isl", "Input sequence length override (blank = measured)", "tokens"),
    "oslOverride": ("osl", "Output sequence length override (blank = measured)", "tokens"),
}
CHECK_TOLERANCE = "checkTolerance"
CHECK_TOLERANCE_VALUE = 1e-9

# Hardware profile table: one row per quantity, one column per profile. Range name -> (snake, plain name).
HW_ROWS = (
    ("hwName", None, None),
    ("hwInitialServerCost", "initial_server_cost", "initialServerCost"),
    ("hwGPUsPerServer", "gpus_per_server", "GPUsPerServer"),
    ("hwDepreciationPeriod", "depreciation_period", "depreciationPeriod"),
    ("hwYearlyHostingCost", "yearly_hosting_cost", "yearlyHostingCost"),
    ("hwYearlySoftwareCost", "yearly_software_cost", "yearlySoftwareCost"),
    ("hwSoftwareLicencePer", "software_licence_per", "softwareLicencePer"),
    ("hwServerPowerKW", "server_power_kw", "serverPowerKW"),
    ("hwPUE", "pue", "PUE"),
    ("hwElectricityPricePerKWh", "electricity_price_per_kwh", "electricityPricePerKWh"),
    ("hwLoadFactor", "load_factor", "loadFactor"),
    ("hwYearlyNetworkStorageCost", "yearly_network_storage_cost", "yearlyNetworkStorageCost"),
    ("hwYearlyOperationsCost", "yearly_operations_cost", "yearlyOperationsCost"),
    ("hwCloudPricePerGPUHour", "cloud_price_per_gpu_hour", "cloudPricePerGPUHour"),
    ("hwCloudReservedPricePerGPUHour", "cloud_reserved_price_per_gpu_hour", "cloudReservedPricePerGPUHour"),
)
HW_ROWS_REQUIRED = tuple(r for r, _, _ in HW_ROWS[:7])  # the post's own; the rest came with the extensions

# SLA table (range names) and config table (range names) on Inputs.
SLA_LIMIT, SLA_METRIC, SLA_STATISTIC = "slaLimit", "slaMetric", "slaStatistic"
CFG_NAME, CFG_GPUS, CFG_HARDWARE = "cfgName", "cfgGPUsPerInstance", "cfgHardware"

LATENCY_SUFFIX = " (ms)"  # Benchmarks latency headers read "ttft_avg (ms)"


def latency_limit_name(j: int) -> str:
    """latencyLimitMs for the first constraint, then latencyLimitMs2, latencyLimitMs3, ..."""
    return "latencyLimitMs" if j == 0 else f"latencyLimitMs{j + 1}"


def sla_column_name(j: int) -> str:
    return "slaColumn" if j == 0 else f"slaColumn{j + 1}"


def latency_header(metric: str, statistic: str) -> str:
    return f"{metric}_{statistic}{LATENCY_SUFFIX}"


def latency_sort_key(column: tuple[str, str]) -> tuple[int, str, int, float, str]:
    """ttft, itl, e2e first (then others by name); avg, p50, p90, ... in order, then other statistics."""
    metric, stat = column
    metrics = list(LATENCY_METRICS)
    m = metrics.index(metric) if metric in metrics else len(metrics)
    if stat in STATISTICS_ORDER:
        return (m, metric, 0, STATISTICS_ORDER.index(stat), stat)
    try:
        q = float(stat[1:]) if stat.startswith("p") else float("inf")
    except ValueError:
        q = float("inf")
    return (m, metric, 1, q, stat)


# The Excel tables of Benchmarks and Configs: every row-wise formula is a calculated column written with structured
# references (BenchmarkPoints[@[rps (req/s)]]), so Excel fills it on a new row, and the defined names of their
# columns are structured references too (bmRps = BenchmarkPoints[rps (req/s)]), so they grow with the table.
BM_TABLE = "BenchmarkPoints"
CF_TABLE = "ConfigResults"
# Room on Inputs for hardware quotes side by side and for configs typed in below the written ones.
HW_PROFILE_COLUMNS = 6
SPARE_CONFIG_ROWS = 10

# Benchmarks data columns before the latency columns: (header, range name, unit). "point" is a calculated column:
# the row's position in the table (never typed, so inserting, deleting or reordering rows cannot shift a link).
BM_LEAD = (
    ("point", "bmPoint", "#"),
    ("config", "bmConfig", "text"),
    ("model", "bmModel", "text"),
    ("concurrency", "bmConcurrency", "requests"),
    ("request rate (req/s)", "bmRequestRate", "req/s"),
    ("rps (req/s)", "bmRps", "req/s"),
    ("output tps (tokens/s)", "bmOutputTps", "tokens/s"),
    ("isl (tokens)", "bmIsl", "tokens"),
    ("osl (tokens)", "bmOsl", "tokens"),
)
BM_SOURCE = ("source", "bmSource", "text")
# Provenance value columns after the source (issue 12): (header, range name, unit, BenchmarkPoint attribute). A
# failed run's row has failed TRUE; the formula columns then never count it (meets SLA, frontier, best of config).
BM_PROVENANCE = (
    ("tool", "bmTool", "text", "tool"),
    ("tool version", "bmToolVersion", "text", "tool_version"),
    ("workload", "bmWorkload", "text", "workload"),
    ("repeats", "bmRepeats", "#", "repeats"),
    ("spread (min..max of the repeats)", "bmSpread", "text", "spread"),
    ("failed", "bmFailed", "TRUE/FALSE", "failed"),
    ("failure", "bmFailure", "text", "failure"),
)
# Formula columns after the data: (header, range name).
BM_CALC = (
    ("config row on Configs", "bmConfigRow"),
    ("GPUs per instance", "bmGPUsPerInstance"),
    ("RPS per GPU (req/s)", "bmRpsPerGPU"),
    ("frontier latency (ms)", "bmFrontierLatency"),
    ("meets SLA", "bmMeetsSla"),
    ("best of config", "bmBestOfConfig"),
    ("on Pareto frontier", "bmOnFrontier"),
    ("interactivity (tokens/s/user)", "bmTokensPerSecondPerUser"),
    ("output tokens/s per GPU", "bmOutputTpsPerGPU"),
)
BM_HEADER = "bmHeader"

# Configs columns: (key, header, range name, unit). Keys that are RESULT_KEYS compare with ConfigResult fields.
CF_COLUMNS = (
    ("config", "config", "cfConfig", "text"),
    ("index", "row", "cfIndex", "#"),
    ("hardware", "hardware profile", "cfHardware", "text"),
    ("hardware_index", "hardware column on Inputs", "cfHardwareIndex", "#"),
    ("gpus_per_instance", "GPUs per instance", "cfGPUsPerInstance", "GPUs"),
    ("gpus_per_server", "GPUs per server", "cfGPUsPerServer", "GPUs"),
    ("capital_recovery_factor", "capital recovery factor (per year)", "cfCapitalRecoveryFactor", "per year"),
    ("yearly_capex_cost", "yearly capital cost per server (USD/year)", "cfYearlyCapexCost", "USD/year"),
    (
        "yearly_software_cost_per_server",
        "yearly software per server (USD/year)",
        "cfYearlySoftwareCostPerServer",
        "USD/year",
    ),
    ("yearly_energy_cost", "yearly energy per server (USD/year)", "cfYearlyEnergyCost", "USD/year"),
    ("feasible", "feasible", "cfFeasible", "TRUE/FALSE"),
    ("rps_per_instance", "best feasible RPS per instance (req/s)", "cfRpsPerInstance", "req/s"),
    ("best_point", "best point", "cfBestPoint", "#"),
    ("best_row", "row in Benchmarks table", "cfBestRow", "#"),
    ("concurrency", "concurrency (or request rate)", "cfConcurrency", "requests"),
    ("isl", "ISL (tokens)", "cfISL", "tokens"),
    ("osl", "OSL (tokens)", "cfOSL", "tokens"),
    ("model_instances", "model instances", "cfModelInstances", "instances"),
    ("total_gpus", "total GPUs", "cfTotalGPUs", "GPUs"),
    ("servers_for_demand", "servers for the demand", "cfServersForDemand", "servers"),
    ("servers", "servers (with spares)", "cfServers", "servers"),
    ("yearly_server_cost", "yearly cost per server (USD/year)", "cfYearlyServerCost", "USD/year"),
    ("total_yearly_cost", "total yearly cost (USD/year)", "cfTotalYearlyCost", "USD/year"),
    ("requests_per_server_per_year", "requests per server per year", "cfRequestsPerServerPerYear", "requests/year"),
    ("cost_per_1k_requests", "cost per 1K requests (USD)", "cfCostPer1KRequests", "USD"),
    ("cost_per_1m_tokens", "cost per 1M tokens, blended (USD)", "cfCostPer1MTokens", "USD"),
    ("ref_cost_per_1k_requests", "reference-price cost of 1K requests (USD)", "cfRefCostPer1KRequests", "USD"),
    ("cost_per_1m_input_tokens", "cost per 1M input tokens (USD)", "cfCostPer1MInputTokens", "USD"),
    ("cost_per_1m_output_tokens", "cost per 1M output tokens (USD)", "cfCostPer1MOutputTokens", "USD"),
    ("owning_cost_per_gpu_hour", "owning cost per GPU-hour (USD)", "cfOwningCostPerGPUHour", "USD/GPU-hour"),
    (
        "gpu_hour_cost_per_1m_tokens",
        "cost per 1M tokens, GPU-hour shortcut (USD)",
        "cfGPUHourCostPer1MTokens",
        "USD",
    ),
    ("rented_gpus", "GPUs rented (the owned fleet's, spares included)", "cfRentedGPUs", "GPUs"),
    ("yearly_cloud_cost", "renting on demand (USD/year, blank without a price)", "cfYearlyCloudCost", "USD/year"),
    (
        "yearly_cloud_reserved_cost",
        "renting reserved (USD/year, blank without a price)",
        "cfYearlyCloudReservedCost",
        "USD/year",
    ),
    ("cloud_cost_per_1m_tokens", "cost per 1M tokens renting on demand (USD)", "cfCloudCostPer1MTokens", "USD"),
    (
        "cloud_reserved_cost_per_1m_tokens",
        "cost per 1M tokens renting reserved (USD)",
        "cfCloudReservedCostPer1MTokens",
        "USD",
    ),
    (
        "break_even_months",
        "owning breaks even with renting after (months, blank if never)",
        "cfBreakEvenMonths",
        "months",
    ),
    (
        "cost_per_1k_requests_at_average_load",
        "cost per 1K requests at the average demand (USD)",
        "cfCostPer1KRequestsAtAverageLoad",
        "USD",
    ),
    ("recommended", "recommended", "cfRecommended", "TRUE/FALSE"),
)

# TCO sheet names that are not in the vocabulary.
FEASIBLE_CONFIGS = "feasibleConfigs"
LOWEST_COST = "lowestFeasibleYearlyCost"
RECOMMENDED_INDEX = "recommendedIndex"
RECOMMENDED_CONFIG = "recommendedConfig"
HAS_RECOMMENDATION = "hasRecommendation"
ALL_CHECKS = "allChecksPass"
FRONTIER_COLUMN = "frontierColumn"
AVERAGE_TO_PEAK = "averageToPeak"

# Plan sheet: parameters above the table, and the table's columns.
PLAN_HORIZON, PLAN_SERVICE_LIFE, PLAN_RUNNING_COST = "planHorizon", "planServiceLife", "planRunningCostPerServer"
# Table columns: (key, header, range name, unit). Keys that are PlanYear fields compare with the Python plan.
PLAN_COLUMNS = (
    ("year", "year", "planYear", "#"),
    ("in_plan", "in the plan", "planInPlan", "TRUE/FALSE"),
    ("peak_requests_per_second", "peak demand (req/s)", "planPeakRequestsPerSecond", "req/s"),
    ("servers_needed", "servers needed (with spares)", "planServersNeeded", "servers"),
    ("servers_owned", "servers bought in earlier years, still in service", "planServersOwned", "servers"),
    ("servers_bought", "servers bought", "planServersBought", "servers"),
    ("servers_in_service", "servers in service", "planServersInService", "servers"),
    ("capex", "capex: servers bought (USD)", "planCapex", "USD/year"),
    ("opex", "opex: running costs (USD/year)", "planOpex", "USD/year"),
    ("cumulative_cost", "cumulative cost (USD)", "planCumulativeCost", "USD_big"),
    ("tokens_served", "tokens served at the year's average demand (tokens/year)", "planTokensServed", "tokens"),
    ("cost_per_1m_tokens", "cost per 1M tokens (annualised cost of the servers in service, USD)", "planCostPer1MTokens",
     "USD"),
)  # fmt: skip

# Sensitivity sheet: the hosted-API block's names that are not in the vocabulary, and the table's columns.
API_GIVEN = "APIPricesGiven"
API_PER_RPS = "APIYearlyCostPerPeakRequestPerSecond"
FULL_SLOPE = "selfHostingYearlyCostPerPeakRequestPerSecond"
# Sensitivity table columns: (key, header, range name, unit).
SENSITIVITY_COLUMNS = (
    ("label", "input", "sensLabel", "text"),
    ("name", "defined name", "sensName", "text"),
    ("kind", "live or snapshot", "sensKind", "text"),
    ("unit", "unit", "sensUnit", "text"),
    ("base", "base value", "sensBase", ""),
    ("low", "low value", "sensLow", ""),
    ("high", "high value", "sensHigh", ""),
    ("server_cost_low", "yearly cost per server at low (USD/year)", "sensServerCostLow", "USD/year"),
    ("server_cost_high", "yearly cost per server at high (USD/year)", "sensServerCostHigh", "USD/year"),
    ("out_low", "cost per 1M output tokens at low (USD)", "sensOutputCostLow", "USD"),
    ("out_high", "cost per 1M output tokens at high (USD)", "sensOutputCostHigh", "USD"),
    ("total_low", "total yearly cost at low (USD/year)", "sensTotalLow", "USD/year"),
    ("total_high", "total yearly cost at high (USD/year)", "sensTotalHigh", "USD/year"),
    ("config_low", "config the tool chooses at low (snapshot)", "sensConfigLow", "text"),
    ("config_high", "config the tool chooses at high (snapshot)", "sensConfigHigh", "text"),
    ("note", "note", "sensNote", "text"),
)

# Live outputs outside the vocabulary that compare_cached checks (with the vocabulary's names on TCO, Plan and
# Sensitivity).
LIVE_NAMES = (AVERAGE_TO_PEAK, PLAN_HORIZON, PLAN_SERVICE_LIFE, PLAN_RUNNING_COST, API_GIVEN, API_PER_RPS, FULL_SLOPE)
