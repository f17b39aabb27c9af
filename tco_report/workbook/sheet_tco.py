"""The TCO sheet: the recommended config's calculation, one step per row (label, formula, value, unit, name).

The recommended config is found live: the lowest total yearly cost among feasible configs (MINIFS), then the first
config with that cost (MATCH), so ties go to the config listed first. Its figures carry the plain names
(modelInstances, totalGPUs, servers, ...). The recommended config's hardware profile values are looked up here from
the Inputs columns (one per quote) and carry the names initialServerCost, GPUsPerServer, ..., so a quote added on
Inputs takes part like the written ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import names
from . import cells, layout
from .context import Book

SHEET = "TCO"
H = layout.HAS_RECOMMENDATION
TPGS = "rpsPerInstance*(ISL+OSL)/GPUsPerInstance"  # tokens per GPU per second
RENT = "yearlyCloudCost/monthsPerYear"
RUNNING = "servers*(yearlyServerCost-yearlyCapexCost)/monthsPerYear"


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    expr: str  # the formula without "=", shown as text and written live
    value: Any
    unit: str
    gated: bool = True  # empty when no config meets the SLA


def steps(book: Book) -> list[Step]:
    report, a = book.report, book.report.assumptions
    rec = report.recommended
    feasible = [r for r in report.results if r.feasible]
    lowest = min((r.total_yearly_cost for r in feasible), default=None)
    rec_index = next((i + 1 for i, r in enumerate(report.results) if rec is not None and r.config == rec.config), None)

    def v(attr: str) -> Any:
        return None if rec is None else getattr(rec, attr)

    out = [
        Step(
            "peakRequestsPerSecond",
            names.label("peak_requests_per_second")
            + " (active users x requests per user per minute / 60 when both are given, else the input)",
            "IF(AND(ISNUMBER(activeUsersAtPeak),ISNUMBER(requestsPerUserPerMinute)),"
            f"activeUsersAtPeak*requestsPerUserPerMinute/secondsPerMinute,{layout.PEAK_INPUT})",
            a.peak_requests_per_second,
            "req/s",
            gated=False,
        ),
        Step(
            layout.AVERAGE_TO_PEAK,
            "Average demand as a share of the peak (1 when no average is given: the peak is sustained)",
            "IF(ISNUMBER(averageRequestsPerSecond),IF(averageRequestsPerSecond>0,"
            "averageRequestsPerSecond/peakRequestsPerSecond,1),1)",
            a.average_requests_per_second / a.peak_requests_per_second if a.average_requests_per_second else 1.0,
            "fraction",
            gated=False,
        ),
        Step(
            layout.FEASIBLE_CONFIGS,
            "Configs with a point that meets every SLA constraint",
            "COUNTIF(cfFeasible,TRUE)",
            len(feasible),
            "configs",
            gated=False,
        ),
        Step(
            layout.LOWEST_COST,
            "Lowest total yearly cost among them",
            f'IF({layout.FEASIBLE_CONFIGS}>0,MINIFS(cfTotalYearlyCost,cfFeasible,TRUE),"")',
            lowest,
            "USD/year",
            gated=False,
        ),
        Step(
            layout.RECOMMENDED_INDEX,
            "Recommended config's row in Configs (first with that cost)",
            f'IF({layout.FEASIBLE_CONFIGS}>0,MATCH({layout.LOWEST_COST},cfTotalYearlyCost,0),"")',
            rec_index,
            "index",
            gated=False,
        ),
        Step(
            H,
            "A config is recommended",
            f"ISNUMBER({layout.RECOMMENDED_INDEX})",
            rec is not None,
            "TRUE/FALSE",
            gated=False,
        ),
        Step(
            layout.RECOMMENDED_CONFIG,
            "Recommended config",
            f"INDEX(cfConfig,{layout.RECOMMENDED_INDEX})",
            v("config"),
            "text",
        ),
    ]
    out.append(
        Step(
            "recommendedHardware",
            "Its hardware profile",
            f"INDEX(cfHardware,{layout.RECOMMENDED_INDEX})",
            v("hardware"),
            "text",
        )
    )
    hw = a.profile(rec.hardware) if rec is not None else None
    for range_name, snake, plain in layout.HW_ROWS[1:]:
        out.append(
            Step(
                plain,
                names.label(snake) + " (its profile)",
                f"INDEX({range_name},INDEX(cfHardwareIndex,{layout.RECOMMENDED_INDEX}))",
                None if hw is None else getattr(hw, snake),
                names.unit(snake),
            )
        )
    for snake in ("concurrency", "rps_per_instance", "gpus_per_instance", "isl", "osl"):
        col = next(rn for key, _, rn, _ in layout.CF_COLUMNS if key == snake)
        label = names.label(snake) + (" (best point meeting the SLA)" if snake == "rps_per_instance" else "")
        out.append(
            Step(names.camel(snake), label, f"INDEX({col},{layout.RECOMMENDED_INDEX})", v(snake), names.unit(snake))
        )
    formulas = {
        "model_instances": 'IF(rounding="whole",CEILING(peakRequestsPerSecond/(rpsPerInstance*targetUtilisation),1),'
        "peakRequestsPerSecond/(rpsPerInstance*targetUtilisation))",
        "total_gpus": "modelInstances*GPUsPerInstance",
        "servers_for_demand": 'IF(rounding="whole",CEILING(totalGPUs/GPUsPerServer,1),totalGPUs/GPUsPerServer)',
        "servers": "serversForDemand+spareServers",
        "capital_recovery_factor": "IF(costOfCapital=0,1/depreciationPeriod,"
        "costOfCapital/(1-(1+costOfCapital)^(-depreciationPeriod)))",
        "yearly_capex_cost": "initialServerCost*capitalRecoveryFactor",
        "yearly_software_cost_per_server": 'yearlySoftwareCost*IF(softwareLicencePer="gpu",GPUsPerServer,1)',
        "yearly_energy_cost": "serverPowerKW*loadFactor*PUE*hoursPerYear*electricityPricePerKWh",
        "yearly_server_cost": "yearlyCapexCost+yearlySoftwareCostPerServer+yearlyHostingCost+yearlyEnergyCost"
        "+yearlyNetworkStorageCost+yearlyOperationsCost",
        "total_yearly_cost": "servers*yearlyServerCost",
        "requests_per_server_per_year": "rpsPerInstance*(GPUsPerServer/GPUsPerInstance)*secondsPerYear*uptime",
        "cost_per_1k_requests": "yearlyServerCost/requestsPerServerPerYear*requestsPerThousand",
        "cost_per_1m_tokens": "costPer1KRequests/requestsPerThousand/(ISL+OSL)*tokensPerMillion",
        "ref_cost_per_1k_requests": "requestsPerThousand*(ISL*refInputPricePer1M+OSL*refOutputPricePer1M)"
        "/tokensPerMillion",
        "cost_per_1m_input_tokens": "costPer1KRequests/refCostPer1KRequests*refInputPricePer1M",
        "cost_per_1m_output_tokens": "costPer1KRequests/refCostPer1KRequests*refOutputPricePer1M",
        # The industry's shortcut next to the post's method: cost per GPU-hour / (tokens per GPU-second x 3600) x 1M.
        "owning_cost_per_gpu_hour": "yearlyServerCost/GPUsPerServer/hoursPerYear",
        "gpu_hour_cost_per_1m_tokens": f"owningCostPerGPUHour/({TPGS}*secondsPerHour)*tokensPerMillion",
        "yearly_cloud_cost": 'IF(cloudPricePerGPUHour>0,totalGPUs*cloudPricePerGPUHour*hoursPerYear,"")',
        "yearly_cloud_reserved_cost": "IF(cloudReservedPricePerGPUHour>0,"
        'totalGPUs*cloudReservedPricePerGPUHour*hoursPerYear,"")',
        "cloud_cost_per_1m_tokens": "IF(cloudPricePerGPUHour>0,"
        f'cloudPricePerGPUHour/({TPGS}*secondsPerHour)*tokensPerMillion,"")',
        "cloud_reserved_cost_per_1m_tokens": "IF(cloudReservedPricePerGPUHour>0,"
        f'cloudReservedPricePerGPUHour/({TPGS}*secondsPerHour)*tokensPerMillion,"")',
        # Owning pays the servers up front, then its running costs; renting pays by the month. Blank: never.
        "break_even_months": f"IF(ISNUMBER(yearlyCloudCost),IF({RENT}>{RUNNING},"
        f'servers*initialServerCost/({RENT}-{RUNNING}),""),"")',
        "cost_per_1k_requests_at_average_load": "IF(ISNUMBER(averageRequestsPerSecond),IF(averageRequestsPerSecond>0,"
        'servers*yearlyServerCost/(averageRequestsPerSecond*secondsPerYear*uptime)*requestsPerThousand,""),"")',
    }
    for snake, expr in formulas.items():
        out.append(Step(names.camel(snake), names.label(snake), expr, v(snake), names.unit(snake)))
    return out


def write(book: Book) -> None:
    ws = book.wb.add_worksheet(SHEET)
    st = book.st
    for col, head in enumerate(("Step", "Formula", "Value", "Unit", "Defined name")):
        ws.write_string(0, col, head, st.header)
    ws.set_column(0, 0, 58)
    ws.set_column(1, 1, 90)
    ws.set_column(2, 2, 20)
    ws.set_column(3, 4, 24)
    ws.freeze_panes(1, 0)
    for row, s in enumerate(steps(book), start=1):
        ws.write_string(row, 0, s.label)
        ws.write_string(row, 1, s.expr)
        expr = f'IF({H},{s.expr},"")' if s.gated else s.expr
        cells.formula(ws, row, 2, "=" + expr, s.value, st.output(s.unit))
        ws.write_string(row, 3, s.unit)
        ws.write_string(row, 4, s.name)
        book.define(s.name, cells.cell_name(SHEET, row, 2))
    ws.protect("", {"format_columns": True, "format_rows": True})
