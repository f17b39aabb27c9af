"""Fast cell storage and sheetData serialisation for XlsxWriter worksheets, byte for byte what XlsxWriter writes.

The Benchmarks sheet of a 6,400-point sweep holds ~320,000 cells. Through XlsxWriter's public ``write_*`` methods
(argument decorators, bounds checks, a regular expression per formula) and its per-cell ``_write_cell`` (a list of
attribute pairs, an escaping regular expression per attribute, one file write per cell) that cost ~4 s of CPU. Here:

* :func:`put_number`, :func:`put_string`, :func:`put_formula`, :func:`put_blank` store the same cell tuples into
  the worksheet's cell table that ``write_number`` ... would, with the same checks, but a formula's preparation
  (XlsxWriter's dynamic-array check and our ``_prepare_formula``) is done once per distinct formula text.
* :class:`FastRowsSheet` writes the ``<sheetData>`` rows from that table: the same elements, attributes, spans and
  format indices (assigned in the same order, which decides styles.xml) as XlsxWriter's ``_write_rows``, one file
  write per row. A cell type it does not know is handed to XlsxWriter's own ``_write_cell``.

tests/test_workbook_sheetdata.py writes whole workbooks both ways (these functions and XlsxWriter's own) and
compares every part byte for byte, so a change in a future XlsxWriter shows up there.
"""

from __future__ import annotations

import itertools
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name, xl_range
from xlsxwriter.worksheet import (
    CellBlankTuple,
    CellFormulaTuple,
    CellNumberTuple,
    CellStringTuple,
    Worksheet,
    re_dynamic_function,
)

_ERROR_CODES = frozenset(("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"))
_COLUMN_NAMES: dict[int, str] = {}


def _column_name(col: int) -> str:
    name = _COLUMN_NAMES.get(col)
    if name is None:
        name = _COLUMN_NAMES[col] = xl_col_to_name(col)
    return name


def _escape(data: str) -> str:
    """XlsxWriter's _escape_data: &, < and > as entities (double quotes and line ends stay as they are)."""
    if "&" in data or "<" in data or ">" in data:
        return data.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return data


def _fits(ws: Worksheet, row: int, col: int) -> bool:
    """XlsxWriter's _check_dimensions: False outside the sheet, else the used range grows to hold the cell."""
    if row < 0 or col < 0 or row >= ws.xls_rowmax or col >= ws.xls_colmax:
        return False
    if ws.dim_rowmin is None or row < ws.dim_rowmin:
        ws.dim_rowmin = row
    if ws.dim_rowmax is None or row > ws.dim_rowmax:
        ws.dim_rowmax = row
    if ws.dim_colmin is None or col < ws.dim_colmin:
        ws.dim_colmin = col
    if ws.dim_colmax is None or col > ws.dim_colmax:
        ws.dim_colmax = col
    return True


def grow(ws: Worksheet, row: int, first_col: int, last_col: int) -> None:
    """The used range grows to hold cells of ``row`` from ``first_col`` to ``last_col`` (inside the sheet)."""
    _fits(ws, row, first_col)
    _fits(ws, row, last_col)


def put_number(ws: Worksheet, row: int, col: int, number: float, fmt: Format | None = None) -> None:
    """``ws.write_number`` for a finite number (callers handle NaN and inf)."""
    if ws.constant_memory:
        ws.write_number(row, col, number, fmt)
    elif _fits(ws, row, col):
        ws.table[row][col] = CellNumberTuple(number, fmt)


def put_blank(ws: Worksheet, row: int, col: int, fmt: Format | None = None) -> None:
    """``ws.write_blank``: a formatted empty cell; without a format nothing is stored."""
    if fmt is None:
        return
    if ws.constant_memory:
        ws.write_blank(row, col, None, fmt)
    elif _fits(ws, row, col):
        ws.table[row][col] = CellBlankTuple(fmt)


def put_string(ws: Worksheet, row: int, col: int, string: str, fmt: Format | None = None) -> None:
    """``ws.write_string``: the text into the shared strings (in write order, as XlsxWriter numbers them)."""
    if ws.constant_memory or len(string) > ws.xls_strmax // 2:  # long text: XlsxWriter's own truncation
        ws.write_string(row, col, string, fmt)
    elif _fits(ws, row, col):
        ws.table[row][col] = CellStringTuple(ws.str_table._get_shared_string_index(string), fmt)


def put_formula(ws: Worksheet, row: int, col: int, formula: str, fmt: Format | None, value: Any) -> None:
    """``ws.write_formula``, with the formula's preparation looked up per distinct text."""
    text = prepared(ws, formula)
    if text is None or ws.constant_memory:
        ws.write_formula(row, col, formula, fmt, value)
    elif _fits(ws, row, col):
        ws.table[row][col] = CellFormulaTuple(text, fmt, value)


def prepared(ws: Worksheet, formula: str) -> str | None:
    """The text XlsxWriter stores for ``formula``; None for what its write_formula hands elsewhere (empty, dynamic
    array or {array} formulas)."""
    cache: dict[str, str | None] | None = ws.__dict__.get("_tco_prepared")
    if cache is None:
        cache = ws.__dict__["_tco_prepared"] = {}
    try:
        return cache[formula]
    except KeyError:
        pass
    if not formula or re_dynamic_function.search(formula) or (formula.startswith("{") and formula.endswith("}")):
        out = None
    else:
        out = ws._prepare_formula(formula)
    cache[formula] = out
    return out


class FastRowsSheet(Worksheet):
    """A worksheet whose ``<sheetData>`` rows are serialised as XlsxWriter's ``_write_rows`` does, faster."""

    def _write_rows(self) -> None:
        if self.constant_memory:
            super()._write_rows()
            return
        table, row_info, comments, col_info = self.table, self.row_info, self.comments, self.col_info
        spans = self._spans()
        self.row_spans = spans
        write = self.fh.write
        colmin, colmax = self.dim_colmin, self.dim_colmax
        names = [xl_col_to_name(c) for c in range(colmax + 1)]
        styles: dict[Format, str] = {}  # format -> ' s="xf index"', the index assigned on first use as XlsxWriter's

        def style(fmt: Format) -> str:
            attr = styles.get(fmt)
            if attr is None:
                attr = styles[fmt] = f' s="{fmt._get_xf_index()}"'
            return attr

        column_style = {c: style for c, info in col_info.items() if info.column_format is not None}
        formula_text: dict[str, str] = {}
        number, string, formula, blank = CellNumberTuple, CellStringTuple, CellFormulaTuple, CellBlankTuple
        for row_num in range(self.dim_rowmin, self.dim_rowmax + 1):
            cells = table.get(row_num)
            info = row_info.get(row_num)
            if not cells:
                if info is not None or row_num in comments:
                    self._write_empty_row(row_num, spans.get(row_num // 16), info)
                continue
            self._write_row(row_num, spans.get(row_num // 16), info)
            r = f'{row_num + 1}"'
            row_format = info.row_format if info is not None else None
            parts: list[str] = []
            append = parts.append
            for col in sorted(cells):
                if col < colmin or col > colmax:
                    continue
                cell = cells[col]
                fmt = cell.format
                if fmt:
                    attr = styles.get(fmt) or style(fmt)
                elif row_format:
                    attr = style(row_format)
                elif col in column_style:
                    attr = style(col_info[col].column_format)
                else:
                    attr = ""
                kind = type(cell)
                if kind is number:
                    append(f'<c r="{names[col]}{r}{attr}><v>{cell.number:.16G}</v></c>')
                elif kind is formula:
                    value = cell.value
                    if isinstance(value, bool):
                        attr += ' t="b"'
                        value = 1 if value else 0
                    elif isinstance(value, str):
                        if value in _ERROR_CODES:
                            attr += ' t="e"'
                        elif value != "":
                            attr += ' t="str"'
                        value = _escape(value)
                    f = formula_text.get(cell.formula)
                    if f is None:
                        f = formula_text[cell.formula] = _escape(cell.formula)
                    append(f'<c r="{names[col]}{r}{attr}><f>{f}</f><v>{value}</v></c>')
                elif kind is string:
                    append(f'<c r="{names[col]}{r}{attr} t="s"><v>{cell.string}</v></c>')
                elif kind is blank:
                    append(f'<c r="{names[col]}{r}{attr}/>')
                else:
                    name = kind.__name__
                    if name == "Number" or name == "Datetime":
                        append(f'<c r="{names[col]}{r}{attr}><v>{cell.number:.16G}</v></c>')
                    elif name == "String" or name == "RichString":
                        append(f'<c r="{names[col]}{r}{attr} t="s"><v>{cell.string}</v></c>')
                    elif name == "Boolean":
                        append(f'<c r="{names[col]}{r}{attr} t="b"><v>{cell.boolean}</v></c>')
                    else:  # array formulas, errors, ...: XlsxWriter's own writer, in order
                        write("".join(parts))
                        parts.clear()
                        self._write_cell(row_num, col, cell)
            append("</row>")
            write("".join(parts))

    def _spans(self) -> dict[int, str]:
        """XlsxWriter's _calculate_spans: per block of 16 rows, the first:last (1-based) column holding a cell or
        a comment."""
        spans: dict[int, str] = {}
        lo = hi = None
        table, comments = self.table, self.comments
        cmin, cmax = self.dim_colmin, self.dim_colmax
        last = self.dim_rowmax
        for row_num in range(self.dim_rowmin, last + 1):
            for source in (table, comments):
                cols = source.get(row_num)
                if cols:
                    a, b = min(cols), max(cols)
                    if a < cmin or b > cmax:
                        inside = [c for c in cols if cmin <= c <= cmax]
                        if not inside:
                            continue
                        a, b = min(inside), max(inside)
                    lo = a if lo is None or a < lo else lo
                    hi = b if hi is None or b > hi else hi
            if ((row_num + 1) % 16 == 0 or row_num == last) and lo is not None:
                spans[row_num // 16] = f"{lo + 1}:{hi + 1}"  # type: ignore[operator]  # hi is set with lo
                lo = hi = None
        return spans


def add_table(
    ws: Worksheet,
    first_row: int,
    first_col: int,
    last_row: int,
    last_col: int,
    options: dict[str, Any],
    *,
    rows_follow: bool = False,
) -> int:
    """``ws.add_table``, faster on a big range: XlsxWriter checks and records each of its cells one by one (320,000
    on a 6,400-row Benchmarks) and writes each calculated-column cell through write_formula, a regular expression
    search each. Here it is given the header and first data row; the rest of the range is checked and recorded at
    once, and the calculated columns' cells are stored through :func:`put_formula`.

    ``rows_follow``: the caller writes every data cell of every calculated column itself right after (with its
    cached value), so they are not stored first with XlsxWriter's 0.
    """
    columns = options.get("columns") or []
    if (
        ws.constant_memory
        or options.get("total_row")
        or not options.get("header_row", True)
        or "data" in options
        or not 0 <= first_row < last_row - 1 < ws.xls_rowmax - 1
        or not 0 <= first_col <= last_col < ws.xls_colmax
        or _taken(ws, first_row, first_col, last_row, last_col)
    ):  # anything but a plain table on free cells: XlsxWriter's own way (and its errors)
        return ws.add_table(first_row, first_col, last_row, last_col, options)
    formulas = {k: col["formula"] for k, col in enumerate(columns) if col and col.get("formula")}
    plain = [{k: v for k, v in c.items() if k != "formula"} if i in formulas else c for i, c in enumerate(columns)]
    result = ws.add_table(first_row, first_col, first_row + 1, last_col, {**options, "columns": plain})
    if result != 0:
        return result
    table = ws.tables[-1]
    whole = xl_range(first_row, first_col, last_row, last_col)
    first = table["range"]
    table["range"] = table["a_range"] = whole
    if "autofilter" in table:
        table["autofilter"] = whole
    cells = ws.table_cells
    if not isinstance(cells, _TableCells):
        cells = ws.table_cells = _TableCells(cells)
    for key in itertools.product(range(first_row, first_row + 2), range(first_col, last_col + 1)):
        cells[key] = whole
    cells.areas.append((first_row, first_col, last_row, last_col, whole))
    for col in range(first_col, last_col + 1):
        if ws.filter_cells.get((first_row, col)) == ("table", first):
            ws.filter_cells[(first_row, col)] = ("table", whole)
    for k, formula in formulas.items():
        if k > last_col - first_col:  # a column description beyond the range: XlsxWriter ignores it
            continue
        # What add_table does with a column's formula: one "=" off, @ as [#This Row], then _prepare_formula.
        text = formula.lstrip("=") if formula.startswith("=") else formula
        text = ws._prepare_formula(ws._prepare_table_formula(text), True)
        table["columns"][k]["formula"] = text
        if not rows_follow:
            fmt = columns[k].get("format")
            for row in range(first_row + 1, last_row + 1):
                put_formula(ws, row, first_col + k, text, fmt, 0)
    return 0


class _TableCells(dict):
    """A worksheet's table_cells (cell -> the range of the table that holds it, for XlsxWriter's overlap checks),
    with whole tables recorded as areas instead of one entry per cell."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.areas: list[tuple[int, int, int, int, str]] = []

    def get(self, key: Any, default: Any = None) -> Any:
        found = super().get(key)
        if found is None and self.areas:
            row, col = key
            for r0, c0, r1, c1, whole in self.areas:
                if r0 <= row <= r1 and c0 <= col <= c1:
                    return whole
        return default if found is None else found


def _taken(ws: Worksheet, first_row: int, first_col: int, last_row: int, last_col: int) -> bool:
    """Whether a table or merged range already holds a cell of the range."""
    for r, c in itertools.chain(ws.table_cells, ws.merged_cells):
        if first_row <= r <= last_row and first_col <= c <= last_col:
            return True
    areas = getattr(ws.table_cells, "areas", ())
    return any(r0 <= last_row and first_row <= r1 and c0 <= last_col and first_col <= c1 for r0, c0, r1, c1, _ in areas)
