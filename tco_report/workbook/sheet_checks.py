"""The Checks sheet: TRUE/FALSE sanity checks of the live workbook, each cached with the Python answer."""

from __future__ import annotations

import math
from typing import Any

from ..names import HOURS_PER_YEAR
from . import cells, layout, status
from .context import Book

SHEET = "Checks"
T = layout.CHECK_TOLERANCE_VALUE


def checks(book: Book) -> list[tuple[str, str, Any]]:
    """(description, formula without "=", Python value) for every check."""
    report, a = book.report, book.report.assumptions
    rec = report.recommended
    H = layout.HAS_RECOMMENDATION
    out: list[tuple[str, str, Any]] = []
    if a.sla:
        n = len(a.sla)
        refs = ",".join(layout.sla_column_name(j) for j in range(n))
        out.append(
            (
                "Every SLA constraint's metric and statistic is a column of Benchmarks",
                f"AND({','.join(f'ISNUMBER({layout.sla_column_name(j)})' for j in range(n))})"
                if n > 1
                else f"ISNUMBER({refs})",
                all(p is not None for p in book.sla_header_positions()),
            )
        )
    out.append(("At least one config meets the SLA", f"{layout.FEASIBLE_CONFIGS}>0", rec is not None))

    def close(x: float, y: float) -> bool:
        return abs(x - y) <= T * abs(x)

    if rec is not None:
        hw = a.profile(rec.hardware)
        lowest = min(r.total_yearly_cost for r in report.results if r.feasible)
        per_req = (rec.isl * rec.cost_per_1m_input_tokens + rec.osl * rec.cost_per_1m_output_tokens) / 1e6
        values = [
            close(rec.total_yearly_cost, rec.total_yearly_cost),
            rec.total_yearly_cost <= lowest * (1 + T),
            rec.servers * hw.gpus_per_server >= rec.total_gpus * (1 - T),
            rec.model_instances * rec.rps_per_instance >= a.peak_requests_per_second * (1 - T),
            close(per_req, rec.cost_per_1k_requests / 1000),
            close(rec.owning_cost_per_gpu_hour * hw.gpus_per_server * HOURS_PER_YEAR, rec.yearly_server_cost),
            close(book.decisions.plan[0].servers_needed, rec.servers) if book.decisions.plan else False,
            True,  # the Plan sheet has a row for every year of the plan as written
        ]
    else:
        values = [True] * 8
    gated = [
        (
            "TCO sheet's total yearly cost equals the recommended config's row on Configs",
            f"ABS(totalYearlyCost-INDEX(cfTotalYearlyCost,{layout.RECOMMENDED_INDEX}))"
            f"<={layout.CHECK_TOLERANCE}*ABS(totalYearlyCost)",
        ),
        (
            "The recommended config has the lowest total yearly cost of the feasible configs",
            f"totalYearlyCost<={cells.smallest_where('cfTotalYearlyCost', 'cfFeasible')}*(1+{layout.CHECK_TOLERANCE})",
        ),
        ("The servers hold all the GPUs", f"servers*GPUsPerServer>=totalGPUs*(1-{layout.CHECK_TOLERANCE})"),
        (
            "The model instances serve the peak demand",
            f"modelInstances*rpsPerInstance>=peakRequestsPerSecond*(1-{layout.CHECK_TOLERANCE})",
        ),
        (
            "Input and output token costs add up to the cost of a request",
            "ABS((ISL*costPer1MInputTokens+OSL*costPer1MOutputTokens)/tokensPerMillion"
            f"-costPer1KRequests/requestsPerThousand)<={layout.CHECK_TOLERANCE}*costPer1KRequests/requestsPerThousand",
        ),
        (
            "The owning cost per GPU-hour over a year's GPU-hours gives the yearly cost of a server",
            f"ABS(owningCostPerGPUHour*GPUsPerServer*hoursPerYear-yearlyServerCost)<={layout.CHECK_TOLERANCE}"
            "*yearlyServerCost",
        ),
        (
            "The plan's first year needs the servers of the TCO sheet",
            f"ABS(INDEX(planServersNeeded,1)-servers)<={layout.CHECK_TOLERANCE}*servers",
        ),
        (
            "The Plan sheet has a row for every year of the plan (planYears beyond its rows needs a re-run)",
            f"{layout.PLAN_HORIZON}<=ROWS(planYear)",
        ),
    ]
    for (label, expr), value in zip(gated, values, strict=True):
        out.append((label, f"IF({H},{expr},TRUE)", value))
    prices = [v for h in a.hardware for v in (h.initial_server_cost, h.yearly_hosting_cost, h.yearly_software_cost)] + [
        a.ref_input_price_per_1m,
        a.ref_output_price_per_1m,
    ]
    out += [
        (
            "No price is negative",
            "MIN(hwInitialServerCost,hwYearlyHostingCost,hwYearlySoftwareCost,refInputPricePer1M,refOutputPricePer1M)"
            ">=0",
            min(prices) >= 0,
        ),
        ("Uptime is more than 0 and at most 1", "AND(uptime>0,uptime<=1)", 0 < a.uptime <= 1),
        (
            "Every config's GPUs per instance is a whole number of at least 1",
            f"AND(MIN({layout.CFG_GPUS})>=1,SUMPRODUCT(--({layout.CFG_GPUS}<>INT({layout.CFG_GPUS})))=0,"
            f"SUMPRODUCT((LEN({layout.CFG_NAME})>0)*NOT(ISNUMBER({layout.CFG_GPUS})))=0)",
            all(r.gpus_per_instance >= 1 and float(r.gpus_per_instance).is_integer() for r in report.results),
        ),
        (
            "Every benchmark row has a positive, finite request rate",
            "AND(COUNT(bmRps)=COUNTA(bmConfig),MIN(bmRps)>0)",
            all(math.isfinite(p.rps) and p.rps > 0 for p in report.points),
        ),
        *status.checks(),
    ]
    return out


def write(book: Book) -> None:
    ws = book.wb.add_worksheet(SHEET)
    st = book.st
    for col, head in enumerate(("Check", "Result", "Formula", "Unit")):
        ws.write_string(0, col, head, st.header)
    ws.set_column(0, 0, 80)
    ws.set_column(1, 1, 12)
    ws.set_column(2, 2, 100)
    ws.freeze_panes(1, 0)
    items = checks(book)
    for row, (label, expr, value) in enumerate(items, start=1):
        ws.write_string(row, 0, label)
        # An error value inside a check is a failed check (FALSE), never an error that hides the others.
        cells.formula(ws, row, 1, f"=IFERROR({expr},FALSE)", bool(value), st.calc("TRUE/FALSE"))
        ws.write_string(row, 2, expr)
        ws.write_string(row, 3, "TRUE/FALSE")
    last = len(items)
    book.define(status.CHECK_LABELS, cells.col_range(SHEET, 0, 1, last))
    book.define(status.CHECK_RESULTS, cells.col_range(SHEET, 1, 1, last))
    row = last + 2
    ws.write_string(row, 0, "All checks pass", st.section)
    cells.formula(
        ws,
        row,
        1,
        f"=IFERROR(AND({cells.ref(1, 1, absolute=True)}:{cells.ref(last, 1, absolute=True)}),FALSE)",
        all(bool(v) for _, _, v in items),
        st.output("TRUE/FALSE"),
    )
    book.define(layout.ALL_CHECKS, cells.cell_name(SHEET, row, 1))
    status.write_counts(book, ws, row + 2)
    ws.conditional_format(
        1,
        1,
        row,
        1,
        {"type": "cell", "criteria": "==", "value": "FALSE", "format": book.wb.add_format({"bg_color": "#FFC7CE"})},
    )
    ws.protect("", {"format_columns": True, "format_rows": True})
