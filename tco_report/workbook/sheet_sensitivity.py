"""The Sensitivity sheet: each input of decisions.sensitivity moved by -/+ the step, and the hosted-API break-even.

Where moving an input cannot change which config and point are chosen (prices, costs, depreciation, cost of
capital, uptime, the reference output price), the row is live: the recommended config's figures recomputed by
formula with the moved input, for the same config and point. Where it can (peak demand, the SLA limit, the target
utilisation), the row holds the values the tool computed when it wrote the workbook (a snapshot). The sheet says
which is which, in words, on every row.
"""

from __future__ import annotations

from typing import Any

from .. import names
from ..calculator import size_and_cost
from ..decisions import SENSITIVITY_INPUTS
from ..formulas import expand
from ..model import Decisions, Report, SensitivityRow
from ..names import SECONDS_PER_YEAR
from . import cells, layout, status
from .context import Book

SHEET = "Sensitivity"
H = layout.HAS_RECOMMENDATION
SNAPSHOT_INPUTS = ("peak_requests_per_second", "latency_limit_ms", "target_utilisation")
LIVE, SNAPSHOT = "live", "snapshot"
HW_RANGE = {snake: range_name for range_name, snake, _ in layout.HW_ROWS if snake}
# The names in the cost chain an input replaces when it moves (TCO/Inputs names of the recommended config's values).
NAME_OF = {
    "uptime": "uptime",
    "cost_of_capital": "costOfCapital",
    "ref_output_price_per_1m": "refOutputPricePer1M",
    **{snake: names.camel(snake) for snake in HW_RANGE},
}
NOTE = (
    "LIVE rows are formulas: the recommended config (TCO sheet) at the same benchmark point, with one input moved by "
    "-/+ sensitivityStep (Inputs) and the rest held; they follow every edit. SNAPSHOT rows (peak demand, SLA limit, "
    "target utilisation: moving them can change which config or point is chosen) hold the values tco_report computed "
    "when it wrote this workbook; re-run the tool to refresh them. The configs the tool chooses at the low and high "
    "values are snapshots on every row; where one differs from the recommended config, a live row still shows the "
    "recommended config's figures (see the note column)."
)

COLUMNS = layout.SENSITIVITY_COLUMNS
LIVE_KEYS = ("base", "low", "high", "server_cost_low", "server_cost_high", "out_low", "out_high", "total_low",
             "total_high")  # fmt: skip
FIRST = 6  # sheet row (0-based) of the table header
LABEL_WIDTH, NOTE_WIDTH = 48, 44  # characters; labels and notes wrap, their rows grow to fit


def live_values(report: Report, snake: str) -> dict[str, Any]:
    """What a live row's formulas compute: the recommended config at the same point with ``snake`` moved."""
    a, rec = report.assumptions, report.recommended
    assert rec is not None  # callers ask only with a recommendation
    get, put = SENSITIVITY_INPUTS[snake]
    base = get(a)
    out: dict[str, Any] = {"base": base}
    for side, value in (("low", base * (1 - a.sensitivity_step)), ("high", base * (1 + a.sensitivity_step))):
        moved = put(a, value)
        r = size_and_cost(rec.config, rec.point, rec.gpus_per_instance, moved.profile(rec.hardware), moved)
        out[side] = get(moved)
        out[f"server_cost_{side}"] = r.yearly_server_cost
        out[f"out_{side}"] = r.cost_per_1m_output_tokens
        out[f"total_{side}"] = r.total_yearly_cost
    return out


def _moved_value(snake: str, side: str) -> tuple[str, str]:
    """(the row's shown low/high value, the moved value of the recommended config's input), as formulas."""
    factor = "(1-sensitivityStep)" if side == "low" else "(1+sensitivityStep)"
    if snake in HW_RANGE:  # every profile scales by the same share; the row shows the first profile's value
        return f"INDEX({HW_RANGE[snake]},1)*{factor}", f"{NAME_OF[snake]}*{factor}"
    expr = f"{NAME_OF[snake]}*{factor}"
    if snake == "uptime" and side == "high":
        expr = f"MIN({expr},1)"
    return expr, expr


# The registry's quantities a moved input reaches (tco_report/formulas.py), written out in the moved row's formulas.
SERVER_COST_CHAIN = ("capital_recovery_factor", "yearly_capex_cost", "yearly_software_cost_per_server",
                     "yearly_energy_cost")  # fmt: skip
OUTPUT_COST_CHAIN = ("cost_per_1k_requests", "requests_per_server_per_year", "ref_cost_per_1k_requests")


def moved_formulas(moved_name: str, moved: str, server_cost_cell: str) -> dict[str, str]:
    """The live row's three figures with one input moved, each from the registry's one formula of the quantity:
    the yearly cost of a server, the cost per 1M output tokens and the total yearly cost (the last two from the row's
    own server cost cell)."""
    rename = {moved_name: f"({moved})"}
    with_cell = {**rename, "yearlyServerCost": server_cost_cell}
    return {
        "server_cost": expand("yearly_server_cost", rename, SERVER_COST_CHAIN),
        "out": expand("cost_per_1m_output_tokens", with_cell, OUTPUT_COST_CHAIN),
        "total": expand("total_yearly_cost", with_cell, ()),
    }


def _base_formula(snake: str) -> str:
    return f"INDEX({HW_RANGE[snake]},1)" if snake in HW_RANGE else NAME_OF[snake]


def _row_note(rec_config: str, row: SensitivityRow, kind: str) -> str:
    if kind == SNAPSHOT:
        return "snapshot: the tool's figures for the config it chooses at each value"
    other = [c for c in row.recommended if c != rec_config]
    if other:
        return (
            f"live, but at one of the values the tool chooses {other[0] or 'no config'}: the figures here are the "
            "recommended config's"
        )
    return "live: the recommended config with this input moved"


def write(book: Book) -> None:
    ws = book.wb.add_worksheet(SHEET)
    st, report = book.st, book.report
    rec = report.recommended
    rows = book.decisions.sensitivity
    ws.set_column(0, 0, LABEL_WIDTH)
    ws.set_column(1, len(COLUMNS), 16)
    ws.set_column(len(COLUMNS) - 1, len(COLUMNS) - 1, NOTE_WIDTH)
    ws.write_string(0, 0, "Sensitivity: each input moved by -/+ the step, the rest held", st.title)
    ws.merge_range(1, 0, 1, len(COLUMNS) - 1, NOTE, st.note)  # across the table: a printout shows it whole
    ws.set_row(1, 75)
    base_rows = (
        ("Cost per 1M output tokens at the inputs as they are", "costPer1MOutputTokens", "USD",
         None if rec is None else rec.cost_per_1m_output_tokens),
        ("Total yearly cost at the inputs as they are", "totalYearlyCost", "USD/year",
         None if rec is None else rec.total_yearly_cost),
    )  # fmt: skip
    for k, (label, name, unit, value) in enumerate(base_rows):
        ws.write_string(2 + k, 0, label)
        cells.formula(ws, 2 + k, 1, f"={name}", value, st.output(unit))
        ws.write_string(2 + k, 2, unit)
    status.stale_marker(ws, FIRST - 2, 0, book)
    for col, (_, header, _, _) in enumerate(COLUMNS):
        ws.write_string(FIRST, col, header, st.header)
    ws.set_row(FIRST, 60)
    if rec is None or not rows:
        ws.write_string(FIRST + 1, 0, "No config meets the SLA: nothing to move.", st.note)
        last = FIRST + 1
    else:
        for i, row in enumerate(rows):
            _row(book, ws, FIRST + 1 + i, row)
        last = FIRST + len(rows)
    for col, (_, _, range_name, _) in enumerate(COLUMNS):
        book.define(range_name, cells.col_range(SHEET, col, FIRST + 1, max(last, FIRST + 1)))
    _api(book, ws, last + 3)
    ws.freeze_panes(FIRST + 1, 1)
    ws.protect("", {"format_columns": True, "format_rows": True})


def _row(book: Book, ws: Any, r: int, row: SensitivityRow) -> None:
    st, report = book.st, book.report
    rec = report.recommended
    assert rec is not None  # write() writes the rows only with a recommendation
    snake = row.input
    kind = SNAPSHOT if snake in SNAPSHOT_INPUTS else LIVE
    unit = names.unit(snake)
    col = {key: k for k, (key, *_) in enumerate(COLUMNS)}
    several = len(report.assumptions.hardware) > 1 and snake in HW_RANGE
    label = names.label(snake) + (" (first profile shown; every profile moves by the share)" if several else "")
    note = _row_note(rec.config, row, kind)
    ws.write_string(r, col["label"], label, st.wrap)
    ws.set_row(r, max(cells.wrapped_height(LABEL_WIDTH, label), cells.wrapped_height(NOTE_WIDTH, note)))
    ws.write_string(r, col["name"], names.camel(snake))
    ws.write_string(r, col["kind"], kind)
    ws.write_string(r, col["unit"], unit)
    ws.write_string(r, col["config_low"], row.recommended[0] or "(none meets the SLA)")
    ws.write_string(r, col["config_high"], row.recommended[1] or "(none meets the SLA)")
    ws.write_string(r, col["note"], note, st.wrap)
    fmt = {key: st.calc(u if u else snake) for key, _, _, u in COLUMNS}
    if kind == SNAPSHOT:
        values = {
            "base": row.base_value,
            "low": row.low_value,
            "high": row.high_value,
            "out_low": row.cost_per_1m_output_tokens[0],
            "out_high": row.cost_per_1m_output_tokens[1],
            "total_low": row.total_yearly_cost[0],
            "total_high": row.total_yearly_cost[1],
        }
        for key, value in values.items():
            cells.number(ws, r, col[key], value, fmt[key])
        return
    values = live_values(report, snake)
    cells.formula(ws, r, col["base"], f'=IF({H},{_base_formula(snake)},"")', values["base"], fmt["base"])
    moved_name = NAME_OF[snake]
    for side in ("low", "high"):
        shown, moved = _moved_value(snake, side)
        cells.formula(ws, r, col[side], f'=IF({H},{shown},"")', values[side], fmt[side])

        f = moved_formulas(moved_name, moved, cells.ref(r, col[f"server_cost_{side}"]))
        for key in ("server_cost", "out", "total"):
            k = f"{key}_{side}"
            cells.formula(ws, r, col[k], f'=IF({H},{f[key]},"")', values[k], fmt[k])


# ---------------------------------------------------------------------------------------------- API break-even
API_GIVEN, API_PER_RPS, FULL_SLOPE = layout.API_GIVEN, layout.API_PER_RPS, layout.FULL_SLOPE


def api_python(report: Report, decisions: Decisions | None = None) -> dict[str, Any]:
    """What the API block's live cells compute, by name (None = blank)."""
    a, rec = report.assumptions, report.recommended
    decisions = decisions or report.decisions
    api = decisions.api if decisions is not None else None
    given = bool(a.api_input_price_per_1m or a.api_output_price_per_1m)
    out: dict[str, Any] = dict.fromkeys(
        (
            API_PER_RPS,
            FULL_SLOPE,
            "APICostPerRequest",
            "APIYearlyCost",
            "APIBreakEvenRequestsPerSecond",
            "APIBreakEvenTokensPerDay",
        )  # fmt: skip
    )
    out[API_GIVEN] = given
    if rec is None or not given or api is None:
        return out
    hw = a.profile(rec.hardware)
    out.update(
        {
            "APICostPerRequest": api.api_cost_per_request,
            API_PER_RPS: api.average_to_peak * SECONDS_PER_YEAR * a.uptime * api.api_cost_per_request,
            "APIYearlyCost": api.yearly_api_cost,
            FULL_SLOPE: rec.gpus_per_instance
            / hw.gpus_per_server
            * rec.yearly_server_cost
            / (rec.rps_per_instance * a.target_utilisation),
        }
    )
    if a.rounding == "fractional":
        out["APIBreakEvenRequestsPerSecond"] = api.break_even_rps
        out["APIBreakEvenTokensPerDay"] = api.break_even_tokens_per_day
    return out


def _api(book: Book, ws: Any, row: int) -> None:
    st, report = book.st, book.report
    api = book.decisions.api
    python = api_python(report, book.decisions)
    ws.write_string(row, 0, "Hosted API break-even (the recommended config self-hosted vs a hosted API)", st.section)
    row += 1
    ws.merge_range(
        row,
        0,
        row,
        4,
        "Live rows are formulas of the Inputs and the TCO sheet. With whole servers the self-hosting cost is a step "
        "function of demand, so the break-even demand is found by the tool walking the steps: a snapshot below. "
        "With rounding 'fractional' it has a closed form and the live row gives it.",
        st.note,
    )
    ws.set_row(row, 45)
    row += 1
    for col, head in enumerate(("Figure", "Value", "Unit", "Defined name", "live or snapshot")):
        ws.write_string(row, col, head, st.header)
    row += 1
    g = f"AND({H},{API_GIVEN})"
    live = (
        (API_GIVEN, "A hosted API price is given", "OR(apiInputPricePer1M>0,apiOutputPricePer1M>0)", "TRUE/FALSE"),
        ("APICostPerRequest", names.label("api_cost_per_request"),
         f'IF({g},(ISL*apiInputPricePer1M+OSL*apiOutputPricePer1M)/tokensPerMillion,"")', "USD"),
        (API_PER_RPS, "Yearly API cost per req/s of peak demand",
         f'IF({g},{layout.AVERAGE_TO_PEAK}*secondsPerYear*uptime*APICostPerRequest,"")', "USD/year"),
        ("APIYearlyCost", names.label("api_yearly_cost") + " (at the planned peak)",
         f'IF({g},peakRequestsPerSecond*{API_PER_RPS},"")', "USD/year"),
        (FULL_SLOPE, "Yearly self-hosting cost per req/s of peak demand once servers are full",
         f'IF({g},GPUsPerInstance/GPUsPerServer*yearlyServerCost/(rpsPerInstance*targetUtilisation),"")', "USD/year"),
        ("APIBreakEvenRequestsPerSecond", "Self-hosting as cheap as the API from (peak req/s; fractional sizing only)",
         f'IF({g},IF(rounding="fractional",IF({API_PER_RPS}>{FULL_SLOPE},'
         f'spareServers*yearlyServerCost/({API_PER_RPS}-{FULL_SLOPE}),""),""),"")', "req/s"),
        ("APIBreakEvenTokensPerDay", "The same demand in tokens a day (average; fractional sizing only)",
         "IF(ISNUMBER(APIBreakEvenRequestsPerSecond),APIBreakEvenRequestsPerSecond*"
         f'{layout.AVERAGE_TO_PEAK}*secondsPerDay*uptime*(ISL+OSL),"")', "tokens/day"),
    )  # fmt: skip
    for name, label, expr, unit in live:
        ws.write_string(row, 0, label, st.wrap)
        ws.set_row(row, cells.wrapped_height(LABEL_WIDTH, label))
        cells.formula(ws, row, 1, "=" + expr, python[name], st.output(unit if unit != "USD/year" else "USD_big"))
        ws.write_string(row, 2, unit)
        ws.write_string(row, 3, name)
        ws.write_string(row, 4, LIVE)
        book.define(name, cells.cell_name(SHEET, row, 1))
        row += 1
    snapshots = (
        ("Break-even peak demand as the tool computed it (first demand where self-hosting is no dearer)", "req/s",
         None if api is None else api.break_even_rps),
        ("Peak demand from which self-hosting is never dearer, as the tool computed it", "req/s",
         None if api is None else api.always_cheaper_rps),
        ("Break-even demand in tokens a day, as the tool computed it", "tokens/day",
         None if api is None else api.break_even_tokens_per_day),
    )  # fmt: skip
    for label, unit, value in snapshots:
        ws.write_string(row, 0, label, st.wrap)
        ws.set_row(row, cells.wrapped_height(LABEL_WIDTH, label))
        cells.number(ws, row, 1, value, st.calc(unit))
        ws.write_string(row, 2, unit)
        ws.write_string(row, 4, SNAPSHOT + " (blank: never, or no API price)")
        row += 1
