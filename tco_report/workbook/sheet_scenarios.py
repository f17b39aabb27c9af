"""The Scenarios sheet: the base and every named scenario side by side, one column each, as snapshot values.

A scenario is a different set of inputs (the assumptions file's ``scenarios:`` list), so its figures cannot be
formulas of this workbook's Inputs: they are the values the tool computed when it wrote the file, and the sheet
says so at the top.
"""

from __future__ import annotations

from typing import Any

from .. import names
from . import cells, scenario_inputs, status
from .context import Book

SHEET = "Scenarios"
NOTE = (
    "SNAPSHOT VALUES, NOT FORMULAS. Each column is a different set of inputs (the base assumptions and each scenario "
    "of the assumptions file), computed by tco_report when it wrote this workbook. Editing the Inputs sheet does "
    "not change this sheet; re-run tco-report with the changed assumptions file to refresh it."
)
ROWS = (
    ("peak_requests_per_second", None),
    ("config", "Recommended config"),
    ("hardware", "Its hardware profile"),
    ("servers", None),
    ("total_gpus", None),
    ("total_yearly_cost", None),
    ("cost_per_1k_requests", None),
    ("cost_per_1m_tokens", None),
    ("cost_per_1m_output_tokens", None),
    ("yearly_cloud_cost", None),
    ("yearly_cloud_reserved_cost", None),
    ("api_yearly_cost", None),
)


def write(book: Book) -> None:
    ws = book.wb.add_worksheet(SHEET)
    st, a = book.st, book.report.assumptions
    rows = book.decisions.scenarios
    ws.set_column(0, 0, 52)
    ws.set_column(1, 1, 12)
    ws.set_column(2, 2 + len(rows), 22)
    ws.write_string(0, 0, "Scenarios side by side (snapshot values)", st.title)
    ws.merge_range(1, 0, 1, 1 + max(1, len(rows)), NOTE, st.note)  # across the table: a printout shows it whole
    ws.set_row(1, 45)
    head = 3
    for col, text in enumerate(("Figure", "Unit")):
        ws.write_string(head, col, text, st.header)
    if not rows:
        ws.write_string(head + 1, 0, "No scenarios: the assumptions have no 'scenarios:' list.", st.note)
        status.snapshot_block(book, ws, head + 4)
        ws.protect("", {"format_columns": True, "format_rows": True})
        return
    status.stale_marker(ws, 2, 0, book)
    inputs = dict((("base", a), *a.scenarios))
    for k, s in enumerate(rows):
        ws.write_string(head, 2 + k, s.name, st.header)
    for i, (key, label) in enumerate(ROWS):
        row = head + 1 + i
        unit = "text" if label else names.unit(key)
        ws.write_string(row, 0, label or names.label(key))
        ws.write_string(row, 1, unit)
        for k, s in enumerate(rows):
            value: Any
            if key == "peak_requests_per_second":
                value = inputs[s.name].peak_requests_per_second
            elif key == "api_yearly_cost":
                value = s.api_yearly_cost
            elif s.recommended is None:
                value = "no config meets the SLA" if key == "config" else None
            else:
                value = getattr(s.recommended, key)
            if isinstance(value, str):
                cells.text(ws, row, 2 + k, value)
            else:
                cells.number(ws, row, 2 + k, value, st.calc(key if key in names.BY_SNAKE else unit))
    ws.write_string(head + 2 + len(ROWS), 0, "Blank: not applicable (no cloud or API price given).", st.note)
    row = _scenario_inputs(book, ws, head + 4 + len(ROWS))
    status.snapshot_block(book, ws, row + 1)
    ws.freeze_panes(head + 1, 2)
    ws.protect("", {"format_columns": True, "format_rows": True})


SCN_NAME, SCN_INPUT, SCN_VALUE = "scnName", "scnInput", "scnValue"


def _scenario_inputs(book: Book, ws: Any, row: int) -> int:
    """What each scenario changes in the base, one input a row (read back by --from-workbook); the next row."""
    st, a = book.st, book.report.assumptions
    ws.write_string(
        row, 0, "What each scenario changes in the base (tco-report --from-workbook reads it back)", st.section
    )
    row += 1
    for col, text in enumerate(("Scenario", "Input", "Value")):
        ws.write_string(row, col, text, st.header)
    row += 1
    first = row
    for name, scenario in a.scenarios:
        for key, value in scenario_inputs.overrides(a, scenario):
            cells.text(ws, row, 0, name, st.input("text"))
            cells.text(ws, row, 1, key, st.input("text"))
            if isinstance(value, str):
                cells.text(ws, row, 2, value, st.input("text"))
            else:
                cells.number(ws, row, 2, value, st.input(""))
            row += 1
    if row == first:  # every scenario equal to the base: one empty row keeps the names valid
        row += 1
    for col, range_name in enumerate((SCN_NAME, SCN_INPUT, SCN_VALUE)):
        book.define(range_name, cells.col_range(ws.name, col, first, row - 1))
    return row
