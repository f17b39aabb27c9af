"""Cell formats: inputs look like inputs (pale yellow, blue text, unlocked), calculations are locked."""

from __future__ import annotations

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook

from .. import formatting
from ..names import BY_CAMEL, BY_SNAKE

# The number formats a finance reader expects, one per kind of figure: money in whole dollars, cents (and down to a
# hundredth of a cent) only for the small per-unit costs, counts as integers (two decimals under fractional
# rounding), shares as percentages, latencies in ms with one decimal.
MONEY = '"$"#,##0'
UNIT_COST = '"$"#,##0.0000'  # computed per-unit costs: a column of them aligns on four decimals
PRICE = '"$"#,##0.00##'
COUNT = "#,##0"
FRACTIONAL_COUNT = "#,##0.00"
SHARE = "0.0%"
RATE = "#,##0.0#"
LATENCY = "#,##0.0"
WHOLE = "#,##0"
FACTOR = "0.0000"
GENERAL = "General"

# Each quantity's format follows the report's formatting kind of it (formatting.KIND_OF), so the workbook and the
# report show a figure alike; shares, which the report prints as plain fractions, are percentages here.
_KIND_FORMATS = {
    formatting.money: MONEY,
    formatting.unit_cost: UNIT_COST,
    formatting.count: COUNT,
    formatting.rate: RATE,
    formatting.latency: LATENCY,
    formatting.tokens: WHOLE,
    formatting.level: GENERAL,
    formatting.plain: GENERAL,
    formatting.large: WHOLE,
    formatting.months: "#,##0.0",
    formatting.percent: SHARE,
}
SHARES = ("uptime", "target_utilisation", "load_factor", "cost_of_capital", "demand_growth_per_year",
          "sensitivity_step")  # fmt: skip
QUANTITY_FORMATS: dict[str, str] = {
    **{snake: _KIND_FORMATS[kind] for snake, kind in formatting.KIND_OF.items() if kind in _KIND_FORMATS},
    **dict.fromkeys(SHARES, SHARE),
    "capital_recovery_factor": FACTOR,
    # Prices typed in (per GPU-hour, per kWh, per 1M tokens): cents, more digits only when typed.
    **dict.fromkeys(
        (
            "cloud_price_per_gpu_hour",
            "cloud_reserved_price_per_gpu_hour",
            "electricity_price_per_kwh",
            "ref_input_price_per_1m",
            "ref_output_price_per_1m",
            "api_input_price_per_1m",
            "api_output_price_per_1m",
        ),
        PRICE,
    ),  # fmt: skip
    "tokens_per_second_per_user": "#,##0.0",
    "output_tps_per_gpu": "#,##0.0",
}

# Cells outside the vocabulary are formatted by their unit.
NUMBER_FORMATS = {
    "USD": UNIT_COST,  # the per-unit costs (per 1K requests, per 1M tokens, per request)
    "USD/year": MONEY,
    "USD_big": MONEY,
    "req/s": RATE,
    "ms": LATENCY,
    "tokens": WHOLE,
    "tokens/s": "#,##0.0",
    "tokens/s/user": "#,##0.0",
    "GPUs": COUNT,
    "servers": COUNT,
    "instances": COUNT,
    "requests": GENERAL,  # a load level: 16, 0.5
    "requests/year": WHOLE,
    "years": GENERAL,
    "fraction": SHARE,
    "s": WHOLE,
    "h": WHOLE,
    "#": "0",
    "index": "0",
    "configs": "0",
    "USD/GPU-hour": UNIT_COST,
    "USD/kWh": UNIT_COST,
    "months": "#,##0.0",
    "users": WHOLE,
    "req/min": GENERAL,
    "per year": FACTOR,
    "tokens/day": WHOLE,
    "tolerance": "0E+00",
}
_COUNTS = {COUNT}


def format_of(key: str, *, fractional: bool = False) -> str | None:
    """The number format of a quantity (snake or camel name) or, outside the vocabulary, of a unit."""
    if key in BY_CAMEL and key not in BY_SNAKE:
        key = BY_CAMEL[key].snake
    fmt = QUANTITY_FORMATS.get(key) if key in BY_SNAKE else NUMBER_FORMATS.get(key)
    if (
        fmt in _COUNTS
        and fractional
        and key
        not in (
            "gpus_per_server",
            "gpus_per_instance",
            "spare_servers",
            "active_users_at_peak",
            "plan_years",
            "users",
            "#",
        )
    ):
        return FRACTIONAL_COUNT  # fractional rounding: 1.75 servers must not print as 2
    return fmt


class Styles:
    """The formats of one workbook, created once and looked up by role and unit."""

    def __init__(self, wb: Workbook, *, fractional: bool = False):
        self.wb = wb
        self.fractional = fractional  # counts get two decimals (rounding "fractional")
        self._cache: dict[tuple[str, str], Format] = {}
        self.title = wb.add_format({"bold": True, "font_size": 14})
        self.header = wb.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True})
        self.section = wb.add_format({"bold": True, "font_size": 12, "bottom": 1})
        self.label = wb.add_format({})
        self.note = wb.add_format({"italic": True, "font_color": "#595959", "text_wrap": True})
        self.unit = wb.add_format({"indent": 1})  # a unit beside a right-aligned value, a space apart
        self.wrap = wb.add_format({"text_wrap": True})  # bottom-aligned, as the value beside it

    def _get(self, role: str, unit: str) -> Format:
        key = (role, unit)
        if key not in self._cache:
            props: dict[str, object] = {}
            fmt = format_of(unit, fractional=self.fractional)
            if fmt is not None:
                props["num_format"] = fmt
            if role == "input":
                props.update({"bg_color": "#FFF2CC", "font_color": "#0000FF", "border": 1, "locked": False})
            elif role == "constant":
                props.update({"bg_color": "#EDEDED", "font_color": "#7F7F7F", "border": 1})
            elif role == "output":
                props.update({"bold": True})
            self._cache[key] = self.wb.add_format(props)
        return self._cache[key]

    # Each takes a quantity's name (snake or camel: its own format) or a unit (the unit's format).
    def input(self, unit: str = "") -> Format:
        return self._get("input", unit)

    def constant(self, unit: str = "") -> Format:
        return self._get("constant", unit)

    def calc(self, unit: str = "") -> Format:
        return self._get("calc", unit)

    def output(self, unit: str = "") -> Format:
        return self._get("output", unit)
