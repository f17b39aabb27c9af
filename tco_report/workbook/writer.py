"""write_workbook: the calculator's twin as a live Excel workbook (README, The workbook)."""

from __future__ import annotations

from pathlib import Path

from xlsxwriter.workbook import Workbook

from ..clock import report_time
from ..model import Report
from . import (
    cells,
    printing,
    sheet_about,
    sheet_benchmarks,
    sheet_checks,
    sheet_configs,
    sheet_inputs,
    sheet_plan,
    sheet_scenarios,
    sheet_sensitivity,
    sheet_summary,
    sheet_tco,
    sheet_warnings,
)
from .context import Book
from .styles import Styles


def write_workbook(report: Report, path: Path, *, tool_version: str, page_size: str = "A4") -> None:
    """Write the workbook: every step a formula, each caching the Python calculator's value; every sheet with a
    page setup on ``page_size`` paper (A4 or Letter, as the report).

    ``use_future_functions`` makes XlsxWriter write AGGREGATE (Excel 2010+) with its _xlfn. prefix, without which
    Excel and LibreOffice show #NAME?.
    """
    wb = Workbook(str(path), {"use_future_functions": True, "strings_to_formulas": False, "strings_to_urls": False})
    wb.worksheet_class = cells.FastFormulaSheet  # every sheet: the _xlfn. prefix without 160 regexes per formula
    try:
        book = Book(
            wb=wb,
            st=Styles(wb, fractional=report.assumptions.rounding == "fractional"),
            report=report,
            tool_version=tool_version,
        )
        sheet_benchmarks.prepare(book)
        summary = wb.add_worksheet(sheet_summary.SHEET)
        sheet_inputs.write(book)
        sheet_benchmarks.write(book)
        sheet_configs.write(book)
        sheet_tco.write(book)
        sheet_plan.write(book)
        sheet_scenarios.write(book)
        sheet_sensitivity.write(book)
        sheet_checks.write(book)
        sheet_warnings.write(book)
        sheet_about.write(book)
        sheet_summary.write(book, summary)
        printing.apply_all(book, page_size)
        summary.activate()
        # The document's creation time is the report's (SOURCE_DATE_EPOCH when set), so a rebuild is identical.
        created = report_time().replace(tzinfo=None)  # XlsxWriter writes a naive time as UTC
        wb.set_properties({"title": "LLM serving TCO", "comments": f"tco_report {tool_version}", "created": created})
    finally:
        wb.close()
