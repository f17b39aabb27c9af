"""Formula inspection for the workbook tests: numeric literals, sheet references and functions used."""

from __future__ import annotations

import re
from collections.abc import Iterator

import openpyxl
import openpyxl.utils.cell
from openpyxl.formula import Tokenizer
from openpyxl.formula.tokenizer import Token

ERRORS = ("#NAME?", "#REF!", "#VALUE!", "#DIV/0!", "#N/A", "#NUM!", "#NULL!")
# Functions Excel 2010 and LibreOffice 7 share that the workbook may use (no MAXIFS/MINIFS: Excel 2016 and older show
# #NAME?); AGGREGATE only with the _xlfn. prefix Excel needs (without it Excel and LibreOffice show #NAME?).
ALLOWED_FUNCTIONS = {
    "ABS", "AND", "CEILING", "COUNT", "COUNTIF", "COUNTIFS", "IF", "IFERROR", "INDEX", "INT", "ISNUMBER", "MATCH",
    "MAX", "MIN", "ROWS", "SUMPRODUCT", "TRUE", "_XLFN.AGGREGATE",
    "ISEVEN", "MOD", "OR", "ROUND", "SUM", "SUMIFS",
    "COLUMN", "COUNTA", "ISBLANK", "ISERROR", "ISLOGICAL", "LEN", "NA", "NOT", "ROW", "SUBSTITUTE", "TEXT",
    "TRIM",
}  # fmt: skip


def formulas(path: str) -> Iterator[tuple[str, str]]:
    """(Sheet!A1, formula) for every formula cell."""
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    yield f"{ws.title}!{c.coordinate}", str(getattr(c.value, "text", c.value))


# Arguments that are codes, not quantities: AGGREGATE's function number and option (14 = LARGE, 6 = skip errors).
CODE_ARGUMENTS = {"AGGREGATE": (0, 1), "_XLFN.AGGREGATE": (0, 1)}


def numeric_literals(formula: str) -> list[str]:
    """Numbers typed into a formula other than 0, 1 and the function codes of CODE_ARGUMENTS."""
    out = []
    stack: list[list] = []  # [function name, argument index] of each open function or parenthesis
    for t in Tokenizer(formula).items:
        if t.type == Token.FUNC and t.subtype == Token.OPEN:
            stack.append([t.value.rstrip("(").upper(), 0])
        elif t.type == Token.PAREN and t.subtype == Token.OPEN:
            stack.append(["", 0])
        elif t.subtype == Token.CLOSE and stack:
            stack.pop()
        elif t.type == Token.SEP and t.subtype == Token.ARG and stack:
            stack[-1][1] += 1
        elif t.type == Token.OPERAND and t.subtype == Token.NUMBER and float(t.value) not in (0.0, 1.0):
            if stack and stack[-1][1] in CODE_ARGUMENTS.get(stack[-1][0], ()):
                continue
            out.append(t.value)
    return out


def sheet_references(formula: str) -> set[str]:
    out = set()
    for t in Tokenizer(formula).items:
        if t.type == Token.OPERAND and t.subtype == Token.RANGE and "!" in t.value:
            out.add(t.value.rsplit("!", 1)[0].strip("'"))
    return out


def functions(formula: str) -> set[str]:
    return {
        t.value.rstrip("(").upper()
        for t in Tokenizer(formula).items
        if t.type == Token.FUNC and t.subtype == Token.OPEN
    }


TABLE_COLUMN = re.compile(r"^=?([A-Za-z_][\w.]*)\[\[?((?:[^\[\]']|'.)*)\]?\]$")


def destinations(wb: openpyxl.Workbook, name: str) -> list[tuple[str, str]]:
    """(sheet, range) of a defined name; a table column (Table[header]) resolved through openpyxl's own tables
    (an independent path from the package's reader, which parses the XML itself)."""
    dn = wb.defined_names[name]
    m = TABLE_COLUMN.match(str(dn.attr_text))
    if not m:
        return list(dn.destinations)
    table_name, header = m.group(1), re.sub(r"'(.)", r"\1", m.group(2))
    for ws in wb.worksheets:
        if table_name in ws.tables:
            t = ws.tables[table_name]
            min_col, min_row, _, max_row = openpyxl.utils.cell.range_boundaries(t.ref)
            heads = [c.name for c in t.tableColumns]
            letter = openpyxl.utils.get_column_letter(min_col + heads.index(header))
            return [(ws.title, f"${letter}${min_row + 1}:${letter}${max_row}")]
    raise KeyError(f"{name}: no table {table_name}")


def cells_of(wb: openpyxl.Workbook, name: str) -> list[openpyxl.cell.Cell]:
    """The cells of a defined name, row by row."""
    out = []
    for sheet, coord in destinations(wb, name):
        got = wb[sheet][coord.replace("$", "")]
        out += [c for row in got for c in row] if isinstance(got, tuple) else [got]
    return out


def defined_name_sheets(path: str) -> dict[str, set[str]]:
    wb = openpyxl.load_workbook(path)
    return {name: {sheet for sheet, _ in destinations(wb, name)} for name in wb.defined_names}


def error_cells(path: str | openpyxl.Workbook) -> list[tuple[str, object]]:
    wb = path if isinstance(path, openpyxl.Workbook) else openpyxl.load_workbook(path, data_only=True)
    bad = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.strip() in ERRORS or c.data_type == "e":
                    bad.append((f"{ws.title}!{c.coordinate}", c.value))
    return bad


NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")
