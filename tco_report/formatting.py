"""Numbers for people: one function per kind of quantity.

The report's template uses these as jinja2 filters and the tests call the same functions, so the HTML, the PDF and
the tests agree on every string (thousands separators, a currency sign, two significant digits for small costs).
Each function returns an em dash for a missing value.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from datetime import datetime

MISSING = "\u2014"  # em dash: the value does not exist (an infeasible config, an unset override)
CURRENCY = "$"

# Every chart's one rule for its scale (the static charts, the appendix grids and the page's explorer alike): a log
# axis when the positive values span more than this factor (sweeps double the load at every step).
LOG_WHEN_WIDER_THAN = 30.0


def wants_log(values: Iterable[float | None]) -> bool:
    """Whether an axis over ``values`` is logarithmic: at least two positive finite values, spanning more than
    LOG_WHEN_WIDER_THAN."""
    vals = [v for v in values if v is not None and v > 0 and math.isfinite(v)]
    return len(vals) >= 2 and max(vals) / min(vals) > LOG_WHEN_WIDER_THAN


def _significant(x: float, digits: int, min_decimals: int = 0) -> str:
    """``x`` to ``digits`` significant digits (never fewer than ``min_decimals``), with thousands separators."""
    if x == 0:
        return f"{0:.{min_decimals}f}"
    decimals = max(min_decimals, digits - 1 - math.floor(math.log10(abs(x))))
    # Rounding can carry into a new digit (0.0999 -> 0.10): count the digits of the rounded value instead.
    rounded = round(x, decimals)
    if rounded != 0:
        decimals = max(min_decimals, digits - 1 - math.floor(math.log10(abs(rounded))))
    return f"{x:,.{decimals}f}"


def _signed(x: float, body: str) -> str:
    return f"-{CURRENCY}{body}" if x < 0 else f"{CURRENCY}{body}"


def money(x: float | None) -> str:
    """An amount of money such as a price or a yearly cost: $320,000; $4,500; $12.50 below $1,000 with cents."""
    if x is None or math.isnan(x):
        return MISSING
    a = abs(x)
    if a >= 1000 or float(a).is_integer():
        return _signed(x, f"{round(a):,}")
    return _signed(x, f"{a:,.2f}")


def unit_cost(x: float | None) -> str:
    """A cost per unit (per 1K requests, per 1M tokens): $1.23 at $1 or more, else two significant digits ($0.034)."""
    if x is None or math.isnan(x):
        return MISSING
    a = abs(x)
    if a >= 1 or a == 0:
        return _signed(x, f"{a:,.2f}")
    return _signed(x, _significant(a, 2))


def count(x: float | None) -> str:
    """A count of instances, GPUs or servers: 1,234 when whole; three significant digits when fractional (0.661)."""
    if x is None or math.isnan(x):
        return MISSING
    if float(x).is_integer():
        return f"{int(x):,}"
    return _significant(x, 3)


def rate(x: float | None) -> str:
    """A throughput (req/s, req/s per GPU): three significant digits, whole numbers from 100 up (4.57, 12.3, 1,235)."""
    if x is None or math.isnan(x):
        return MISSING
    if float(x).is_integer():
        return f"{int(x):,}"
    return _significant(x, 3)


def latency(x: float | None) -> str:
    """A latency in milliseconds: one decimal below 100 ms, whole milliseconds above (45.3, 1,234)."""
    if x is None or math.isnan(x):
        return MISSING
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.1f}"


def tokens(x: float | None) -> str:
    """A token count such as a mean sequence length: whole tokens with separators (1,024)."""
    if x is None or math.isnan(x):
        return MISSING
    return f"{x:,.0f}"


def level(x: float | None) -> str:
    """A load level (concurrency or request rate): 16, 0.5, or 'inf' for an unbounded rate."""
    if x is None or math.isnan(x):
        return MISSING
    if math.isinf(x):
        return "inf"
    return f"{int(x):,}" if float(x).is_integer() else f"{x:g}"


def plain(x: float | None) -> str:
    """Any other number (a fraction such as uptime, a number of years): up to four significant digits, no padding."""
    if x is None or math.isnan(x):
        return MISSING
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.4g}" if abs(x) < 1000 else f"{x:,.0f}"


def large(x: float | None) -> str:
    """A large count such as requests per server per year: whole, with separators (1,234,567,890)."""
    if x is None or math.isnan(x):
        return MISSING
    return f"{x:,.0f}"


def months(x: float | None) -> str:
    """A number of months such as a break-even point: one decimal (61.9)."""
    if x is None or math.isnan(x):
        return MISSING
    return f"{x:,.1f}"


def percent(x: float | None) -> str:
    """A share as a percentage: up to three significant digits (35%, 99%, 12.5%)."""
    if x is None or math.isnan(x):
        return MISSING
    return f"{x * 100:,.3g}%"


def date(moment: datetime) -> str:
    """A calendar date as ISO 8601 (2026-11-30): unambiguous in every country."""
    return moment.strftime("%Y-%m-%d")


# Every kind by name, for the template's filters.
FILTERS: dict[str, Callable[..., str]] = {
    "money": money,
    "unit_cost": unit_cost,
    "count": count,
    "rate": rate,
    "latency": latency,
    "tokens": tokens,
    "level": level,
    "plain": plain,
    "large": large,
    "months": months,
    "percent": percent,
    "date": date,
}

# Which kind formats each result quantity (names.py snake names), so tables pick the right one by name.
KIND_OF: dict[str, Callable[[float | None], str]] = {
    "concurrency": level,
    "rps_per_instance": rate,
    "gpus_per_instance": count,
    "model_instances": count,
    "total_gpus": count,
    "servers": count,
    "yearly_server_cost": money,
    "total_yearly_cost": money,
    "requests_per_server_per_year": large,
    "cost_per_1k_requests": unit_cost,
    "cost_per_1m_tokens": unit_cost,
    "cost_per_1m_input_tokens": unit_cost,
    "cost_per_1m_output_tokens": unit_cost,
    "ref_cost_per_1k_requests": unit_cost,
    "isl": tokens,
    "osl": tokens,
    "peak_requests_per_second": rate,
    "uptime": plain,
    "latency_limit_ms": latency,
    "initial_server_cost": money,
    "gpus_per_server": count,
    "depreciation_period": plain,
    "yearly_hosting_cost": money,
    "yearly_software_cost": money,
    "ref_input_price_per_1m": unit_cost,
    "ref_output_price_per_1m": unit_cost,
    # the cost model's further inputs
    "server_power_kw": plain,
    "pue": plain,
    "electricity_price_per_kwh": unit_cost,
    "load_factor": plain,
    "yearly_network_storage_cost": money,
    "yearly_operations_cost": money,
    "cloud_price_per_gpu_hour": unit_cost,
    "cloud_reserved_price_per_gpu_hour": unit_cost,
    "target_utilisation": plain,
    "spare_servers": count,
    "cost_of_capital": plain,
    "active_users_at_peak": count,
    "requests_per_user_per_minute": plain,
    "average_requests_per_second": rate,
    "api_input_price_per_1m": unit_cost,
    "api_output_price_per_1m": unit_cost,
    "plan_years": count,
    "demand_growth_per_year": plain,
    "sensitivity_step": plain,
    # the cost model's further results
    "capital_recovery_factor": plain,
    "yearly_capex_cost": money,
    "yearly_software_cost_per_server": money,
    "yearly_energy_cost": money,
    "servers_for_demand": count,
    "owning_cost_per_gpu_hour": unit_cost,
    "gpu_hour_cost_per_1m_tokens": unit_cost,
    "rented_gpus": count,
    "yearly_cloud_cost": money,
    "yearly_cloud_reserved_cost": money,
    "cloud_cost_per_1m_tokens": unit_cost,
    "cloud_reserved_cost_per_1m_tokens": unit_cost,
    "break_even_months": months,
    "cost_per_1k_requests_at_average_load": unit_cost,
    # the decisions
    "api_cost_per_request": unit_cost,
    "api_yearly_cost": money,
    "break_even_rps": rate,
    "break_even_tokens_per_day": large,
    "tokens_per_second_per_user": rate,
    "output_tps_per_gpu": rate,
}


def quantity(snake: str, x: float | None) -> str:
    """Format a named quantity (names.py) with the kind that suits it."""
    return KIND_OF.get(snake, plain)(x)
