"""The TCO sheet: the recommended config's calculation, one step per row (label, formula, value, unit, name).

The recommended config is found live: the lowest total yearly cost among feasible configs (cells.smallest_where),
then the first config with that cost (MATCH), so ties go to the config listed first. Its figures carry the plain
names (modelInstances, totalGPUs, servers, ...). The recommended config's hardware profile values are looked up here
from the Inputs columns (one per quote) and carry the names initialServerCost, GPUsPerServer, ..., so a quote added
on Inputs takes part like the written ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import names
from ..calculator import RENTING_BASIS
from ..formulas import FORMULAS
from . import cells, layout
from .context import Book

SHEET = "TCO"
H = layout.HAS_RECOMMENDATION
LABEL_WIDTH, FORMULA_WIDTH = 48, 72


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
            FORMULAS["peak_requests_per_second"].expr,
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
            f'IF({layout.FEASIBLE_CONFIGS}>0,{cells.smallest_where("cfTotalYearlyCost", "cfFeasible")},"")',
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
    for f in FORMULAS.values():  # each derived quantity's one formula (tco_report/formulas.py)
        if f.snake != "peak_requests_per_second":
            out.append(Step(f.name, f.label, f.expr, v(f.snake), f.unit))
    return out


def write(book: Book) -> None:
    ws = book.wb.add_worksheet(SHEET)
    st = book.st
    for col, head in enumerate(("Step", "Formula", "Value", "Unit", "Defined name")):
        ws.write_string(0, col, head, st.header)
    # Labels and formulas wrap (rows grow to fit), so the sheet prints whole on one landscape page.
    ws.set_column(0, 0, LABEL_WIDTH)
    ws.set_column(1, 1, FORMULA_WIDTH)
    ws.set_column(2, 2, 16)
    ws.set_column(3, 3, 12)
    ws.set_column(4, 4, 30)
    ws.freeze_panes(1, 0)
    steps_ = steps(book)
    for row, s in enumerate(steps_, start=1):
        ws.write_string(row, 0, s.label, st.wrap)
        ws.write_string(row, 1, s.expr, st.wrap)
        if len(s.label) > LABEL_WIDTH or len(s.expr) > FORMULA_WIDTH:
            ws.set_row(
                row, max(cells.wrapped_height(LABEL_WIDTH, s.label), cells.wrapped_height(FORMULA_WIDTH, s.expr))
            )
        expr = f'IF({H},{s.expr},"")' if s.gated else s.expr
        cells.formula(ws, row, 2, "=" + expr, s.value, st.output(s.name if s.name in names.BY_CAMEL else s.unit))
        ws.write_string(row, 3, s.unit, st.unit)
        ws.write_string(row, 4, s.name)
        book.define(s.name, cells.cell_name(SHEET, row, 2))
    note = len(steps_) + 2
    ws.merge_range(note, 0, note, 4, "Renting vs owning: " + RENTING_BASIS, st.note)
    ws.set_row(note, 32)
    ws.protect("", {"format_columns": True, "format_rows": True})
