"""The Configs sheet: one row per config (by name), its best feasible point (the largest RPS meeting the SLA), sized
and costed.

Each column is one formula pattern over the row; infeasible configs show empty cells, not errors. To the right,
the SLA lookup block finds each constraint's column in Benchmarks by header name (slaColumn, slaColumn2, ...).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..formulas import FORMULAS, render
from ..model import ConfigResult
from ..names import BY_SNAKE
from . import cells, layout
from .context import Book

SHEET = "Configs"


def _formulas(book: Book, row: int) -> dict[str, str]:
    """The formula of every column for one sheet row; each refers to its own row only."""
    c = {key: cells.ref(row, col) for key, col in book.cf_columns.items()}
    g = c["feasible"]

    def gated(expr: str) -> str:
        return f'=IF({g},{expr},"")'

    hw = c["hardware_index"]
    first_row_a = cells.ref(1, book.cf_columns["config"], absolute=True)
    return _registry(c, hw, gated) | {
        "index": f"=ROWS({first_row_a}:{c['config']})",
        "hardware": f"=INDEX({layout.CFG_HARDWARE},{c['index']})",
        "hardware_index": f"=MATCH({c['hardware']},hwName,0)",
        "gpus_per_instance": f"=INDEX({layout.CFG_GPUS},{c['index']})",
        "gpus_per_server": f"=INDEX(hwGPUsPerServer,{hw})",
        "feasible": f"=COUNTIFS(bmConfigIndex,{c['index']},bmMeetsSla,TRUE)>0",
        "rps_per_instance": gated(cells.largest_where("bmRps", f"bmConfigIndex={c['index']}", "bmMeetsSla")),
        "best_point": gated(cells.smallest_where("bmPoint", f"bmConfigIndex={c['index']}", "bmBestOfConfig")),
        "best_row": gated(f"MATCH({c['best_point']},bmPoint,0)"),
        "concurrency": gated(
            f"IF(ISNUMBER(INDEX(bmConcurrency,{c['best_row']})),INDEX(bmConcurrency,{c['best_row']}),"
            f"INDEX(bmRequestRate,{c['best_row']}))"
        ),
        "isl": gated(f"IF(ISNUMBER(islOverride),islOverride,INDEX(bmIsl,{c['best_row']}))"),
        "osl": gated(f"IF(ISNUMBER(oslOverride),oslOverride,INDEX(bmOsl,{c['best_row']}))"),
        "recommended": f"=IF({layout.HAS_RECOMMENDATION},{c['index']}={layout.RECOMMENDED_INDEX},FALSE)",
    }


def _registry(c: dict[str, str], hw: str, gated: Callable[[str], str]) -> dict[str, str]:
    """The columns that are quantities of tco_report/formulas.py, each its one formula rendered for this row: a
    quantity with a column here is that row's cell, a hardware input the config's profile value (INDEX(hwX, its
    hardware #)); inputs and constants keep their names."""
    cell = {BY_SNAKE[key].camel: ref for key, ref in c.items() if key in BY_SNAKE}
    profile = {plain: f"INDEX({range_name},{hw})" for range_name, _, plain in layout.HW_ROWS[1:]}

    def rename(name: str) -> str | None:
        return cell.get(name) or profile.get(name)

    return {key: gated(render(FORMULAS[key].expr, rename)) for key in c if key in FORMULAS}


def python_values(book: Book, i: int, r: ConfigResult) -> dict[str, Any]:
    """The value the Python calculator gives for every Configs column of config ``r`` (row i, 0-based)."""
    a = book.report.assumptions
    profiles = [h.name for h in a.hardware]
    hw = a.profile(r.hardware)
    if len(book.point_rows) != len(book.rows):  # built once: a scan of all points per config was O(n^2)
        book.point_rows = {id(p): n + 1 for n, p in enumerate(book.rows)}
    point_no = book.point_rows.get(id(r.point)) if r.feasible else None
    out: dict[str, Any] = {
        "config": r.config,
        "index": i + 1,
        "hardware": r.hardware,
        "hardware_index": profiles.index(r.hardware) + 1,
        "gpus_per_instance": r.gpus_per_instance,
        "gpus_per_server": hw.gpus_per_server,
        "feasible": r.feasible,
        "best_point": point_no,
        "best_row": point_no,
        "recommended": book.report.recommended is not None and book.report.recommended.config == r.config,
    }
    for key, *_ in layout.CF_COLUMNS:
        if key not in out:
            out[key] = getattr(r, key)
    return out


def write(book: Book) -> None:
    ws = book.wb.add_worksheet(SHEET)
    st = book.st
    book.cf_columns = {key: col for col, (key, *_) in enumerate(layout.CF_COLUMNS)}
    for col, (_, header, _, _) in enumerate(layout.CF_COLUMNS):
        ws.write_string(0, col, header, st.header)
    ws.set_row(0, 80)
    ws.set_column(0, 0, 28)
    ws.set_column(1, len(layout.CF_COLUMNS) - 1, 12)
    for i, r in enumerate(book.results):
        row = i + 1
        formulas = _formulas(book, row)
        values = python_values(book, i, r)
        for col, (key, _, _, unit) in enumerate(layout.CF_COLUMNS):
            if key == "config":
                cells.text(ws, row, col, r.config)
            else:
                cells.formula(ws, row, col, formulas[key], values[key], st.calc(unit))
    last = len(book.results)
    for col, (_, _, range_name, _) in enumerate(layout.CF_COLUMNS):
        book.define(range_name, cells.col_range(SHEET, col, 1, last))
    ws.freeze_panes(1, 1)
    _sla_lookup(book, ws, len(layout.CF_COLUMNS) + 1)
    ws.protect("", {"format_columns": True, "format_rows": True})


def _sla_lookup(book: Book, ws: Any, col: int) -> None:
    """Each SLA constraint's Benchmarks column, by header name (metric_statistic (ms)), and the frontier's axis."""
    st, a = book.st, book.report.assumptions
    for k, head in enumerate(("SLA lookup", "Benchmarks column header", "column #")):
        ws.write_string(0, col + k, head, st.header)
    ws.set_column(col, col + 2, 24)
    positions = book.sla_header_positions()
    row = 1
    for j, c in enumerate(a.sla):
        inputs_row = book.sla_rows[j] + 1
        ws.write_string(row, col, f"SLA constraint {j + 1}")
        cells.formula(
            ws,
            row,
            col + 1,
            f'=Inputs!$E${inputs_row}&"_"&Inputs!$F${inputs_row}&"{layout.LATENCY_SUFFIX}"',
            layout.latency_header(c.metric, c.statistic),
        )
        cells.formula(
            ws, row, col + 2, f'=IFERROR(MATCH({cells.ref(row, col + 1)},{layout.BM_HEADER},0),"")', positions[j]
        )
        book.define(layout.sla_column_name(j), cells.cell_name(SHEET, row, col + 2))
        row += 1
    ws.write_string(row, col, "Pareto frontier latency axis")
    if a.sla:
        cells.formula(
            ws, row, col + 1, f"={cells.ref(1, col + 1)}", layout.latency_header(*book.report.frontier_metric)
        )
        cells.formula(ws, row, col + 2, "=slaColumn", positions[0])
    else:
        header = layout.latency_header(*book.report.frontier_metric)
        cells.text(ws, row, col + 1, header)
        pos = book.bm_columns.get(header)
        cells.formula(
            ws,
            row,
            col + 2,
            f'=IFERROR(MATCH({cells.ref(row, col + 1)},{layout.BM_HEADER},0),"")',
            None if pos is None else pos + 1,
        )
    book.define(layout.FRONTIER_COLUMN, cells.cell_name(SHEET, row, col + 2))
