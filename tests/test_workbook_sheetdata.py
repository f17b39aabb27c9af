"""The workbook's fast cell storage and row serialisation (tco_report/workbook/sheetdata.py) write exactly the bytes
XlsxWriter's own write_* methods, add_table and _write_rows write: every part of whole workbooks (the examples, a
sweep with failed runs, hostile text, missing and infinite values) and of random single sheets compared."""

from __future__ import annotations

import dataclasses
import math
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from xlsxwriter.exceptions import OverlappingRange
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from tco_report import api
from tco_report.calculator import calculate
from tco_report.resources import inputs_dir
from tco_report.workbook import cells, sheetdata, writer

from .report_sample import assumptions, sweep


class _ReferenceRow:
    """cells.RowCells through the per-cell helpers (so through XlsxWriter's public write methods)."""

    def __init__(self, ws: Worksheet, row: int) -> None:
        self.ws, self.row = ws, row

    def number(self, col: int, value: Any, fmt: Any = None) -> None:
        cells.number(self.ws, self.row, col, value, fmt)

    def text(self, col: int, value: str, fmt: Any = None) -> None:
        cells.text(self.ws, self.row, col, value, fmt)

    def formula(self, col: int, text: str, value: Any, fmt: Any = None) -> None:
        cells.formula(self.ws, self.row, col, text, value, fmt)

    def boolean(self, col: int, value: bool, fmt: Any = None) -> None:
        self.ws.write_boolean(self.row, col, value, fmt)

    def done(self) -> None:
        pass


def _reference(monkeypatch: pytest.MonkeyPatch) -> None:
    """XlsxWriter's own path: its public write methods, add_table as it is, its _write_rows."""
    monkeypatch.setattr(cells, "RowCells", _ReferenceRow)
    monkeypatch.setattr(sheetdata, "put_number", lambda ws, r, c, v, f=None: ws.write_number(r, c, v, f))
    monkeypatch.setattr(sheetdata, "put_blank", lambda ws, r, c, f=None: ws.write_blank(r, c, None, f))
    monkeypatch.setattr(sheetdata, "put_string", lambda ws, r, c, s, f=None: ws.write_string(r, c, s, f))
    monkeypatch.setattr(sheetdata, "put_formula", lambda ws, r, c, t, f, v: ws.write_formula(r, c, t, f, v))
    monkeypatch.setattr(sheetdata, "add_table", lambda ws, *args, rows_follow=False: ws.add_table(*args))
    monkeypatch.setattr(sheetdata.FastRowsSheet, "_write_rows", Worksheet._write_rows)


def _parts(path: Path) -> dict[str, bytes]:
    """Every part of the package; the creation time (now) taken out of docProps/core.xml."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["docProps/core.xml"] = re.sub(rb"<dcterms:(created|modified)[^<]*<", b"<", parts["docProps/core.xml"])
    return parts


def _assert_same(fast: Path, reference: Path) -> None:
    a, b = _parts(fast), _parts(reference)
    assert list(a) == list(b)
    for name in a:
        assert a[name] == b[name], name


def _hostile_report() -> Any:
    """The sample sweep with text that needs escaping, missing, NaN and infinite values, a failed run, repeats with
    a spread and a very long config name."""
    points = sweep()
    odd = [
        dataclasses.replace(points[0], config=' <b>&"x"</b> ', model="m\x01\x1f_x0041_", tool_version=""),
        dataclasses.replace(points[1], config=' <b>&"x"</b> ', latency_ms={"ttft": {"avg": math.nan}}),
        dataclasses.replace(points[2], config="=HYPERLINK(1)", rps=1e-300, request_rate=math.inf, concurrency=None),
        dataclasses.replace(points[3], failed=True, failure="all 500 & <none>", rps=0.0, output_tps=None),
        dataclasses.replace(points[4], repeats=3, spread={"rps": (0.1, 0.30000000000000004)}, record=7),
        dataclasses.replace(points[5], config="c" * 20000, latency_ms={"ttft": {"avg": 1e20, "p99": math.inf}}),
    ]
    return calculate(odd + points[6:], assumptions())


@pytest.mark.parametrize("name", ["plain", "rich", "scenarios", "hostile", "sweep"])
def test_workbook_bytes_as_xlsxwriter_writes_them(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if name == "hostile":
        report = _hostile_report()
    elif name == "sweep":  # failed runs and rate-driven points among them
        report = api.run([inputs_dir() / "sweep"], inputs_dir() / "assumptions_rich.yaml")
    else:
        extra = {"plain": None, "rich": "assumptions_rich.yaml", "scenarios": "scenarios.yaml"}[name]
        report = api.run([], inputs_dir() / extra if extra else None)
    fast = tmp_path / "fast.xlsx"
    writer.write_workbook(report, fast, tool_version="t")
    _reference(monkeypatch)
    reference = tmp_path / "reference.xlsx"
    writer.write_workbook(report, reference, tool_version="t")
    _assert_same(fast, reference)
    sheets = b"".join(v for k, v in _parts(fast).items() if k.startswith("xl/worksheets/sheet"))
    for kind in (b' t="s"><v>', b' t="b"><v>', b"><f>", b"/>", b'"><v>'):
        assert kind in sheets, kind  # cells of every kind went the fast way


finite = st.floats(allow_nan=False, allow_infinity=False) | st.integers(-(10**15), 10**15)
text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12) | st.sampled_from(["", " a ", "&<>\"'"])
# what cells.cached gives a formula: never None
cached = st.booleans() | finite | text | st.sampled_from(["#N/A", "#DIV/0!", "#NUM!"])
formula_text = st.sampled_from(["=A1+1", "B2*2", '=IF(A1>0,"<&>",0)', "=SUM(A:A)", "{=SUM(A1:A2)}", "=FILTER(A:A,1)"])
cell = st.one_of(
    st.tuples(st.just("number"), finite | st.sampled_from([math.nan, math.inf, -math.inf]) | st.none()),
    st.tuples(st.just("string"), text | st.just("x" * 40000)),
    st.tuples(st.just("formula"), st.tuples(formula_text, cached)),
    st.tuples(st.just("boolean"), st.booleans()),
)
# rows and columns inside the sheet, and one past its last row and column (XlsxWriter drops such a cell)
position = st.tuples(st.integers(0, 6) | st.just(1_048_576), st.integers(0, 20) | st.just(16_384))
grid = st.dictionaries(position, st.tuples(cell, st.integers(0, 3)), max_size=60)


def _write_grid(path: Path, grid: dict, row_formats: dict, col_formats: dict, comments: list, rows: int) -> None:
    """Rows through cells.RowCells (all with rows=2, every other one with 1) or the per-cell helpers (0)."""
    wb = Workbook(str(path))
    formats = [None, wb.add_format({"bold": True}), wb.add_format({"num_format": "0.0"}), wb.add_format({"italic": 1})]
    ws = wb.add_worksheet(worksheet_class=sheetdata.FastRowsSheet)
    for row, f in row_formats.items():
        ws.set_row(row, 20 if f == 3 else None, formats[f])
    for col, f in col_formats.items():
        ws.set_column(col, col, 9, formats[f])
    for r, c in comments:
        ws.write_comment(r, c, "note")
    for r in sorted({r for r, _ in grid}):
        row = cells.RowCells(ws, r) if rows == 2 or (rows == 1 and r % 2 == 0) else None
        for c in sorted(c for rr, c in grid if rr == r):
            (kind, value), f = grid[(r, c)]
            fmt = formats[f]
            if row is not None:
                if kind == "number":
                    row.number(c, value, fmt)
                elif kind == "string":
                    row.text(c, value, fmt)
                elif kind == "formula":
                    row.formula(c, value[0], value[1], fmt)
                else:
                    row.boolean(c, value, fmt)
            elif kind == "number":
                cells.number(ws, r, c, value, fmt)
            elif kind == "string":
                cells.text(ws, r, c, value, fmt)
            elif kind == "formula":
                cells.formula(ws, r, c, value[0], value[1], fmt)
            else:
                ws.write_boolean(r, c, value, fmt)
        if row is not None:
            row.done()
    ws.write_formula(45, 2, "=1/0", None, "#DIV/0!")
    wb.close()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    grid=grid,
    row_formats=st.dictionaries(st.integers(0, 45), st.integers(0, 3), max_size=5),
    col_formats=st.dictionaries(st.integers(0, 4), st.integers(0, 3), max_size=3),  # (a format widens the used range)
    comments=st.lists(st.tuples(st.integers(0, 50), st.integers(0, 3)), max_size=3, unique=True),
    rows=st.integers(0, 2),
)
@example(  # a row wider than the rest of the sheet, a cell past the last column, text XlsxWriter truncates
    grid={
        (0, 1): (("string", "x" * 40000), 1),
        (0, 9): (("number", 1.0), 0),
        (0, 16_384): (("number", 2.0), 0),
        (2, 3): (("boolean", True), 2),
    },
    row_formats={},
    col_formats={},
    comments=[],
    rows=2,
)
def test_random_sheet_bytes_as_xlsxwriter_writes_them(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    grid: dict,
    row_formats: dict,
    col_formats: dict,
    comments: list,
    rows: int,
) -> None:
    fast = tmp_path / "fast.xlsx"
    _write_grid(fast, grid, row_formats, col_formats, comments, rows)
    with monkeypatch.context() as m:
        _reference(m)
        reference = tmp_path / "reference.xlsx"
        _write_grid(reference, grid, row_formats, col_formats, comments, rows)
    _assert_same(fast, reference)


def test_table_formulas_as_add_table_writes_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Calculated columns (with @ and a column format), a formula-less column and a description beyond the range."""

    def write(path: Path) -> None:
        wb = Workbook(str(path), {"use_future_functions": True})
        ws = wb.add_worksheet(worksheet_class=sheetdata.FastRowsSheet)
        bold = wb.add_format({"bold": True})
        columns = [
            {"header": "a"},
            {"header": "b", "formula": "=[@a]*2", "format": bold},
            {"header": "c", "formula": '=IF([@b]>1,"@",AGGREGATE(14,6,[a],1))'},
            {"header": "d", "formula": "=SEQUENCE(1)"},
            {"header": "e", "formula": "=1"},
        ]
        sheetdata.add_table(ws, 1, 1, 5, 4, {"name": "T", "columns": columns})
        for r in range(2, 6):
            sheetdata.put_number(ws, r, 1, r)
        sheetdata.put_formula(ws, 3, 3, "=T[[#This Row],[b]]+1", None, 7)
        wb.close()

    fast = tmp_path / "fast.xlsx"
    write(fast)
    _reference(monkeypatch)
    reference = tmp_path / "reference.xlsx"
    write(reference)
    _assert_same(fast, reference)
    assert b"calculatedColumnFormula" in _parts(fast)["xl/tables/table1.xml"]


@pytest.mark.parametrize("fast", [True, False])
def test_table_overlaps_raise_as_in_xlsxwriter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast: bool) -> None:
    """A table recorded as one area still stops a merge or a second table on any of its cells, and leaves the cells
    beside it free."""
    if not fast:
        _reference(monkeypatch)
    wb = Workbook(str(tmp_path / "t.xlsx"))
    ws = wb.add_worksheet(worksheet_class=sheetdata.FastRowsSheet)
    assert sheetdata.add_table(ws, 2, 1, 400, 3, {"name": "First", "columns": [{"header": h} for h in "xyz"]}) == 0
    with pytest.raises(OverlappingRange, match=r"B3:D401"):
        ws.merge_range(399, 3, 401, 4, "m")
    with pytest.raises(OverlappingRange, match=r"B3:D401"):
        sheetdata.add_table(ws, 300, 3, 500, 5, {"name": "Second"})
    ws.merge_range(401, 1, 402, 3, "below")
    assert sheetdata.add_table(ws, 0, 4, 400, 6, {"name": "Third"}) == 0
    with pytest.raises(OverlappingRange, match=r"E1:G401"):
        ws.merge_range(0, 6, 0, 7, "m")
    wb.close()
