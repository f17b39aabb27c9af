"""The Plan sheet: the multi-year plan of decisions.multi_year_plan as live formulas, one row per year.

The horizon (planYears, or the depreciation period rounded up) may change in the spreadsheet, so the sheet has a
fixed number of year rows (MAX_YEARS, or more when the plan written is longer); rows past the horizon stay blank.
Servers retire after their service life (the depreciation period rounded, half to even as Python's round) and are
replaced; capex is the cash paid in the year of purchase, opex the running costs of the servers in service.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..model import Report
from ..names import SECONDS_PER_YEAR
from . import cells, layout
from .context import Book

SHEET = "Plan"
MAX_YEARS = 10
H = layout.HAS_RECOMMENDATION

# Parameters above the table: (name, label, formula without "=", unit).
HORIZON, LIFE, RUNNING = layout.PLAN_HORIZON, layout.PLAN_SERVICE_LIFE, layout.PLAN_RUNNING_COST
_DEFAULT_YEARS = "MAX(1,CEILING(depreciationPeriod,1))"
_D = "depreciationPeriod"
PARAMETERS = (
    (
        HORIZON,
        "Years in the plan (planYears when given, else the depreciation period rounded up)",
        f'IF({H},IF(ISNUMBER(planYears),IF(planYears>0,planYears,{_DEFAULT_YEARS}),{_DEFAULT_YEARS}),"")',
        "years",
    ),
    (
        LIFE,
        "Service life of a server (the depreciation period rounded, halves to even; at least 1)",
        f'IF({H},MAX(1,IF(MOD({_D},1)=1-MOD({_D},1),IF(ISEVEN(INT({_D})),INT({_D}),INT({_D})+1),ROUND({_D},0))),"")',
        "years",
    ),
    (
        RUNNING,
        "Running cost of a server in service (all but capital)",
        f'IF({H},yearlyServerCost-yearlyCapexCost,"")',
        "USD/year",
    ),
)

COLUMNS = layout.PLAN_COLUMNS
COMPARED = (
    "peak_requests_per_second",
    "servers_needed",
    "servers_bought",
    "servers_in_service",
    "capex",
    "opex",
    "cumulative_cost",
    "cost_per_1m_tokens",
)
FIRST = 6  # sheet row (0-based) of the table header


def rows_written(book: Book) -> int:
    return max(MAX_YEARS, len(book.decisions.plan))


def parameters_python(report: Report) -> dict[str, Any]:
    """What Python computes for the parameters above the table (None without a recommendation)."""
    rec, plan = report.recommended, report.decisions.plan if report.decisions else ()
    if rec is None:
        return dict.fromkeys((HORIZON, LIFE, RUNNING))
    hw = report.assumptions.profile(rec.hardware)
    return {
        HORIZON: len(plan),
        LIFE: max(1, round(hw.depreciation_period)),
        RUNNING: rec.yearly_server_cost - rec.cost_components_per_server.get("capex", 0.0),
    }


def python_row(report: Report, year: int) -> dict[str, Any]:
    """What Python computes for every column of a year row (blank past the horizon or without a recommendation)."""
    plan = report.decisions.plan if report.decisions else ()
    out: dict[str, Any] = dict.fromkeys((k for k, *_ in COLUMNS), None)
    out["year"], out["in_plan"] = year, year <= len(plan)
    if year > len(plan):
        return out
    y = plan[year - 1]
    rec, a = report.recommended, report.assumptions
    assert rec is not None  # a plan is of the recommended config
    ratio = a.average_requests_per_second / a.peak_requests_per_second if a.average_requests_per_second else 1.0
    for key in COMPARED:
        out[key] = getattr(y, key)
    out["servers_owned"] = y.servers_in_service - y.servers_bought
    out["tokens_served"] = y.peak_requests_per_second * ratio * SECONDS_PER_YEAR * a.uptime * (rec.isl + rec.osl)
    return out


def write(book: Book) -> None:
    ws = book.wb.add_worksheet(SHEET)
    st = book.st
    report = replace(book.report, decisions=book.decisions)
    ws.set_column(0, 0, 62)
    ws.set_column(1, len(COLUMNS), 16)
    ws.write_string(0, 0, "Multi-year plan for the recommended config (live formulas)", st.title)
    ws.merge_range(
        1,
        0,
        1,
        len(COLUMNS),
        "Every cell below is a formula of the Inputs (peak demand, demand growth per year, planYears) and of the "
        f"recommended config on TCO. Up to {rows_written(book)} years; rows past the plan's horizon stay blank.",
        st.note,
    )
    python = parameters_python(report)
    for k, (name, label, expr, unit) in enumerate(PARAMETERS):
        row = 2 + k
        ws.write_string(row, 0, label)
        cells.formula(ws, row, 1, "=" + expr, python[name], st.output(unit))
        ws.write_string(row, 2, unit)
        ws.write_string(row, 3, name)
        book.define(name, cells.cell_name(SHEET, row, 1))
    # The year rows start in column B so the wide label column stays for the parameters; A holds the row label.
    col = {key: 1 + i for i, (key, *_) in enumerate(COLUMNS)}
    ws.write_string(FIRST, 0, "Year by year", st.header)
    for key, header, _, _ in COLUMNS:
        ws.write_string(FIRST, col[key], header, st.header)
    ws.set_row(FIRST, 60)
    n = rows_written(book)
    hdr = FIRST
    for i in range(n):
        row = FIRST + 1 + i
        c = {key: cells.ref(row, cc) for key, cc in col.items()}
        above = {key: (cells.ref(hdr, cc, absolute=True), cells.ref(row - 1, cc)) for key, cc in col.items()}
        g = c["in_plan"]

        def gated(expr: str, g: str = g) -> str:
            return f'=IF({g},{expr},"")'

        f = {
            "year": f"=ROWS({cells.ref(hdr + 1, col['year'], absolute=True)}:{c['year']})",
            "in_plan": f"=IF({H},{c['year']}<={HORIZON},FALSE)",
            "peak_requests_per_second": gated(f"peakRequestsPerSecond*(1+demandGrowthPerYear)^({c['year']}-1)"),
            "servers_needed": gated(
                f'IF(rounding="whole",CEILING(CEILING({c["peak_requests_per_second"]}/(rpsPerInstance'
                "*targetUtilisation),1)*GPUsPerInstance/GPUsPerServer,1),"
                f"{c['peak_requests_per_second']}/(rpsPerInstance*targetUtilisation)*GPUsPerInstance/GPUsPerServer)"
                "+spareServers"
            ),
            "servers_owned": gated(
                f'SUMIFS({":".join(above["servers_bought"])},{":".join(above["year"])},">="&({c["year"]}-{LIFE}+1))'
            ),
            "servers_bought": gated(f"MAX(0,{c['servers_needed']}-{c['servers_owned']})"),
            "servers_in_service": gated(f"{c['servers_owned']}+{c['servers_bought']}"),
            "capex": gated(f"{c['servers_bought']}*initialServerCost"),
            "opex": gated(f"{c['servers_in_service']}*{RUNNING}"),
            "cumulative_cost": gated(f"SUM({above['cumulative_cost'][1]})+({c['capex']}+{c['opex']})"),
            "tokens_served": gated(
                f"{c['peak_requests_per_second']}*{layout.AVERAGE_TO_PEAK}*secondsPerYear*uptime*(ISL+OSL)"
            ),
            "cost_per_1m_tokens": gated(
                f"{c['servers_in_service']}*yearlyServerCost/{c['tokens_served']}*tokensPerMillion"
            ),
        }
        values = python_row(report, i + 1)
        ws.write_string(row, 0, f"Year {i + 1}")
        for key, _, _, unit in COLUMNS:
            cells.formula(ws, row, col[key], f[key], values[key], st.calc(unit))
    for key, _, range_name, _ in COLUMNS:
        book.define(range_name, cells.col_range(SHEET, col[key], FIRST + 1, FIRST + n))
    ws.freeze_panes(FIRST + 1, 1)
    ws.protect("", {"format_columns": True, "format_rows": True})
