"""The Configs sheet: an Excel table (ConfigResults), one row per row of the Inputs config table (the configs
written, then empty rows for configs added on Inputs), its best feasible point (the largest RPS meeting the SLA),
sized and costed.

Each column is one calculated column (a structured-reference formula, the same on every row); benchmark rows find
their config's row here by config name (Benchmarks' "config row on Configs"), so rows added, deleted or reordered
on either sheet cannot shift a link. Empty and infeasible rows show empty cells, not errors. The columns that are
quantities of tco_report/formulas.py render its one formula for the row. To the right, the SLA lookup block finds
each constraint's column in Benchmarks by header name (slaColumn, slaColumn2, ...).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..formulas import FORMULAS, render
from ..model import ConfigResult, result_value
from ..names import BY_SNAKE
from . import cells, layout, sheetdata
from .context import Book

SHEET = "Configs"


def _formulas(book: Book) -> dict[str, str]:
    """The formula of every column: one per column, the same on every row (a calculated column)."""
    c = {key: cells.this_row(layout.CF_TABLE, header) for key, header, _, _ in layout.CF_COLUMNS}
    g = c["feasible"]
    named = f"LEN({c['config']})>0"

    def gated(expr: str) -> str:
        return f'=IF({g},{expr},"")'

    hw = c["hardware_index"]
    return _registry(c, hw, gated) | {
        # Row k of this table is row k of the Inputs config table; an empty name there leaves the row empty.
        "config": f'=IFERROR(INDEX({layout.CFG_NAME},{c["index"]})&"","")',
        "index": "=ROW()-ROW($A$1)",
        "hardware": f'=IF({named},INDEX({layout.CFG_HARDWARE},{c["index"]})&"","")',
        # No profile named: #N/A (shown on Summary's status), never the empty profile column's zeros.
        "hardware_index": f"=IF({named},IF(LEN({c['hardware']})=0,NA(),"
        f'MATCH({cells.exact(c["hardware"])},hwName,0)),"")',
        "gpus_per_instance": f'=IF({named},INDEX({layout.CFG_GPUS},{c["index"]}),"")',
        "gpus_per_server": f'=IF({named},INDEX(hwGPUsPerServer,{hw}),"")',
        "feasible": f"=IF({named},COUNTIFS(bmConfigRow,{c['index']},bmMeetsSla,TRUE)>0,FALSE)",
        "rps_per_instance": gated(cells.largest_where("bmRps", f"bmConfigRow={c['index']}", "bmMeetsSla")),
        # The first best row in the table's order (as written: the lowest load, as the calculator breaks ties).
        "best_point": gated(cells.smallest_where("bmPoint", f"bmConfigRow={c['index']}", "bmBestOfConfig")),
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
    hardware column)); inputs and constants keep their names."""
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
            out[key] = result_value(r, key)
    return out


def empty_values(book: Book, i: int) -> dict[str, Any]:
    """What an empty row (no config on its Inputs row) shows: blanks, FALSE for the TRUE/FALSE columns."""
    out: dict[str, Any] = {key: None for key, *_ in layout.CF_COLUMNS}
    out.update(config="", index=i + 1, hardware="", feasible=False, recommended=False)
    return out


def write(book: Book) -> None:
    ws = book.wb.add_worksheet(SHEET)
    st = book.st
    book.cf_columns = {key: col for col, (key, *_) in enumerate(layout.CF_COLUMNS)}
    ws.set_row(0, 80)
    ws.set_column(0, 0, 28)
    ws.set_column(1, len(layout.CF_COLUMNS) - 1, 12)
    formulas = _formulas(book)
    rows = book.config_capacity
    sheetdata.add_table(
        ws,
        0,
        0,
        rows,
        len(layout.CF_COLUMNS) - 1,
        {
            "name": layout.CF_TABLE,
            "columns": [
                {"header": header, "header_format": st.header, "formula": formulas[key]}
                for key, header, _, _ in layout.CF_COLUMNS
            ],
            "style": "Table Style Light 1",
            "autofilter": False,
        },
        rows_follow=True,  # every calculated cell is written below, with its cached value
    )
    for i in range(rows):  # after add_table: each formula cell gets its cached Python value
        values = python_values(book, i, book.results[i]) if i < len(book.results) else empty_values(book, i)
        for col, (key, _, _, unit) in enumerate(layout.CF_COLUMNS):
            cells.formula(ws, i + 1, col, formulas[key], values[key], st.calc(unit))
    for _, header, range_name, _ in layout.CF_COLUMNS:
        book.define(range_name, "=" + cells.table_column(layout.CF_TABLE, header))
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
