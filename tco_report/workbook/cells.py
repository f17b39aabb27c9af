"""Low-level cell writing: formulas always with their Python value cached, text always as text.

Every formula is written with the value the Python calculator computed, so viewers that do not recalculate show
numbers. Text from benchmark files goes through ``text`` (write_string), never ``write``, so a config named
``=HYPERLINK(...)`` stays literal text.
"""

from __future__ import annotations

import math
import re
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.worksheet import (
    CellBlankTuple,
    CellBooleanTuple,
    CellFormulaTuple,
    CellNumberTuple,
    CellStringTuple,
    Worksheet,
)

from . import sheetdata
from .sheetdata import FastRowsSheet

# The functions newer than Excel 2007 that the workbook uses: Excel and LibreOffice read them only with the _xlfn.
# prefix. XlsxWriter's own rewriting (use_future_functions) tries about 160 regular expressions on every formula,
# 4.7 s for the Configs sheet of 200 configs; one expression for the one we use does the same.
FUTURE_FUNCTIONS = ("AGGREGATE",)
# The oldest Excel that computes every formula (AGGREGATE came with Excel 2010); README and About say so.
OLDEST_EXCEL = "Excel 2010"
_FUTURE = re.compile(r"(?<![\w.])(" + "|".join(FUTURE_FUNCTIONS) + r")\(")


class FastFormulaSheet(FastRowsSheet):
    """A worksheet that prefixes only FUTURE_FUNCTIONS with _xlfn., instead of XlsxWriter's full rewriting (and
    writes its rows through sheetdata)."""

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        if formula.startswith("{"):
            formula = formula[1:]
        if formula.startswith("="):
            formula = formula[1:]
        if formula.endswith("}"):
            formula = formula[:-1]
        if "_xlfn." in formula:
            return formula
        return _FUTURE.sub(r"_xlfn.\1(", formula)


def largest_where(values: str, *conditions: str) -> str:
    """The largest of ``values`` where every condition holds: what MAXIFS gives, in a form Excel 2010 and later and
    LibreOffice compute alike (MAXIFS is Excel 2019+; older Excel shows #NAME?). AGGREGATE(14 = LARGE, 6 = skip
    errors, ...): a row failing a condition divides by 0 and is skipped, so is a text (blank) value; no
    Ctrl+Shift+Enter is needed. With no row left the result is #NUM!, so callers gate it (as MAXIFS's 0 was)."""
    return f"AGGREGATE(14,6,{values}/({_all(conditions)}),1)"


def smallest_where(values: str, *conditions: str) -> str:
    """The smallest of ``values`` where every condition holds (MINIFS's result); see :func:`largest_where`."""
    return f"AGGREGATE(15,6,{values}/({_all(conditions)}),1)"


def _all(conditions: tuple[str, ...]) -> str:
    return "*".join(f"({c})" for c in conditions)


def cached(value: Any) -> Any:
    """The value to cache for a formula: numbers and booleans as they are, nothing/NaN/inf as empty text."""
    if value is None:
        return ""
    if isinstance(value, bool | str):
        return value
    v = float(value)
    return v if math.isfinite(v) else ""


def formula(ws: Worksheet, row: int, col: int, text: str, value: Any, fmt: Format | None = None) -> None:
    sheetdata.put_formula(ws, row, col, text, fmt, cached(value))


def text(ws: Worksheet, row: int, col: int, value: str, fmt: Format | None = None) -> None:
    sheetdata.put_string(ws, row, col, value, fmt)


def number(ws: Worksheet, row: int, col: int, value: float | None, fmt: Format | None = None) -> None:
    """A number, or an empty cell (keeping the format) when there is none; inf is written as the text 'inf'."""
    if value is None or value != value:  # None or NaN
        sheetdata.put_blank(ws, row, col, fmt)
    elif value in _INFINITIES:
        sheetdata.put_string(ws, row, col, "inf" if value > 0 else "-inf", fmt)
    else:
        sheetdata.put_number(ws, row, col, value, fmt)


_INFINITIES = (math.inf, -math.inf)


class RowCells:
    """The cells of one sheet row, stored exactly as number, text, formula and ws.write_boolean store them, with the
    bounds and the used range checked once for the row (``done``) instead of once per cell: the Benchmarks sheet
    writes 6,400 rows of ~50 cells."""

    __slots__ = ("_cells", "_colmax", "_row", "_ws")

    def __init__(self, ws: Worksheet, row: int) -> None:
        self._ws, self._row, self._colmax = ws, row, ws.xls_colmax
        self._cells: dict[int, Any] | None = None
        if not ws.constant_memory and 0 <= row < ws.xls_rowmax:
            self._cells = ws.table[row]

    def number(self, col: int, value: float | None, fmt: Format | None = None) -> None:
        cells = self._cells
        if cells is None or not 0 <= col < self._colmax:
            number(self._ws, self._row, col, value, fmt)
        elif value is None or value != value:
            if fmt is not None:
                cells[col] = CellBlankTuple(fmt)
        elif value in _INFINITIES:
            self.text(col, "inf" if value > 0 else "-inf", fmt)
        else:
            cells[col] = CellNumberTuple(value, fmt)

    def text(self, col: int, value: str, fmt: Format | None = None) -> None:
        cells, ws = self._cells, self._ws
        if cells is None or not 0 <= col < self._colmax or len(value) > ws.xls_strmax // 2:
            text(ws, self._row, col, value, fmt)
        else:
            cells[col] = CellStringTuple(ws.str_table._get_shared_string_index(value), fmt)

    def formula(self, col: int, text: str, value: Any, fmt: Format | None = None) -> None:
        cells, ws = self._cells, self._ws
        prepared = sheetdata.prepared(ws, text)
        if cells is None or prepared is None or not 0 <= col < self._colmax:
            formula(ws, self._row, col, text, value, fmt)
        else:
            cells[col] = CellFormulaTuple(prepared, fmt, cached(value))

    def boolean(self, col: int, value: bool, fmt: Format | None = None) -> None:
        cells = self._cells
        if cells is None or not 0 <= col < self._colmax:
            self._ws.write_boolean(self._row, col, value, fmt)
        else:
            cells[col] = CellBooleanTuple(1 if value else 0, fmt)

    def done(self) -> None:
        """The row is written: the sheet's used range grows to hold its cells."""
        if self._cells:
            sheetdata.grow(self._ws, self._row, min(self._cells), max(self._cells))


LINE_HEIGHT = 15  # points per line of the default 11-point font


def wrapped_height(width: float, *texts: str, points: float = 11) -> float:
    """The row height (points) that shows every text whole in a wrapping column ``width`` characters (of the
    11-point default font) wide, in a font of ``points``: spreadsheets do not grow a row to fit when the file gives
    no height, so a printout would cut the text."""
    per_line = max(1, int(width * 1.05 * 11 / points))
    lines = max((-(-len(t) // per_line) for t in texts), default=1)
    return LINE_HEIGHT * points / 11 * max(1, lines)


def ref(row: int, col: int, *, absolute: bool = False) -> str:
    return xl_rowcol_to_cell(row, col, row_abs=absolute, col_abs=absolute)


def col_range(sheet: str, col: int, first_row: int, last_row: int) -> str:
    """An absolute one-column range such as Benchmarks!$G$2:$G$41, for a defined name."""
    c = xl_col_to_name(col)
    return f"={sheet}!${c}${first_row + 1}:${c}${last_row + 1}"


def row_range(sheet: str, row: int, first_col: int, last_col: int) -> str:
    a, b = xl_col_to_name(first_col), xl_col_to_name(last_col)
    return f"={sheet}!${a}${row + 1}:${b}${row + 1}"


def cell_name(sheet: str, row: int, col: int) -> str:
    return f"={sheet}!{xl_rowcol_to_cell(row, col, row_abs=True, col_abs=True)}"


def _column_specifier(header: str) -> str:
    """A table column's name as a structured reference writes it: ' escapes ', #, [ and ]."""
    for ch in ("'", "#", "[", "]"):
        header = header.replace(ch, "'" + ch)
    return f"[{header}]"


def table_column(table: str, header: str) -> str:
    """The whole data column of a table, e.g. BenchmarkPoints[rps (req/s)] (grows and shrinks with the table)."""
    return f"{table}{_column_specifier(header)}"


def this_row(table: str, header: str, last: str | None = None) -> str:
    """This row's cell of a column (or its cells from ``header`` to ``last``) in a calculated column's formula.

    Written in the Excel 2007 form with the table's name, BenchmarkPoints[[#This Row],[rps (req/s)]], which
    Excel and LibreOffice both read (LibreOffice computes a reference without the table name as 0)."""
    span = _column_specifier(header) + ("" if last is None else ":" + _column_specifier(last))
    return f"{table}[[#This Row],{span}]"


def exact(text: str) -> str:
    """A lookup value that MATCH compares literally: the wildcards ~ * ? escaped (config names may hold them)."""
    return f'SUBSTITUTE(SUBSTITUTE(SUBSTITUTE({text},"~","~~"),"*","~*"),"?","~?")'
