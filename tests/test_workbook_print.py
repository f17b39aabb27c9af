"""The workbook prints for a budget file: every sheet has a page setup, and LibreOffice prints each example on at most
12 pages, Summary and TCO on one page each, no '###', no blank page, labels beside their values, no machine path.

The printed pages are kept as PNGs under ci-artifacts/workbook/ (CI keeps them) to be looked at.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from tco_report import api, formatting
from tco_report.resources import inputs_dir
from tco_report.workbook import printing, write_workbook

from .conftest import ROOT, require_program
from .lo_formulas import cells_of
from .lo_pdf import page_texts, sheet_of, to_pdf

ARTIFACTS = ROOT / "ci-artifacts" / "workbook"
EXAMPLES = {"plain": None, "rich": "assumptions_rich.yaml", "scenarios": "scenarios.yaml"}
MAX_PAGES = 12

# The sheets a default workbook has, in order (written here, not taken from the writer).
SHEETS = ("Summary", "Inputs", "Benchmarks", "Configs", "TCO", "Plan", "Scenarios", "Sensitivity", "Checks", "About")


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, object]]:
    tmp = tmp_path_factory.mktemp("print")
    out = {}
    for name, assumptions in EXAMPLES.items():
        report = api.run(None, None if assumptions is None else inputs_dir() / assumptions)
        path = tmp / f"{name}.xlsx"
        write_workbook(report, path, tool_version="test", page_size="Letter" if name == "scenarios" else "A4")
        out[name] = (path, report)
    return out


def test_every_sheet_has_a_page_setup(written: dict[str, tuple[Path, object]]) -> None:
    for name, (path, _) in written.items():
        wb = openpyxl.load_workbook(path)
        assert wb.sheetnames == list(SHEETS)
        for ws in wb.worksheets:
            where = f"{name}:{ws.title}"
            assert ws.print_area, where
            assert ws.sheet_properties.pageSetUpPr.fitToPage, where
            tall = ws.page_setup.fitToHeight  # absent: 1, the file format's default
            one_page = ("Summary", "TCO", "Scenarios")  # Scenarios: its columns and the snapshot block under them
            assert (1 if tall is None else int(tall)) == (1 if ws.title in one_page else 0), where
            assert int(ws.page_setup.paperSize) == (1 if name == "scenarios" else 9), where
            assert ws.page_setup.orientation == ("landscape" if printing.SETUPS[ws.title].landscape else "portrait")
            assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text, where
            assert printing.TITLE in ws.oddHeader.left.text and "&D" in ws.oddHeader.right.text, where
        assert wb["Inputs"].print_title_rows == "$1:$1" and wb["Plan"].print_title_rows == "$7:$7"


def test_a_sheet_added_later_gets_the_default_setup(tmp_path: Path) -> None:
    """A sheet the writer does not know (a warnings sheet, say) still gets a page setup: apply_all covers them all."""
    from xlsxwriter.workbook import Workbook

    from tco_report.workbook.context import Book
    from tco_report.workbook.styles import Styles

    path = tmp_path / "new.xlsx"
    wb = Workbook(str(path))
    ws = wb.add_worksheet("Warnings")
    ws.write_string(0, 0, "head")
    ws.write_string(3, 2, "text")
    printing.apply_all(Book(wb=wb, st=Styles(wb), report=api.run(), tool_version="t"))
    wb.close()
    got = openpyxl.load_workbook(path)["Warnings"]
    assert got.print_area == "'Warnings'!$A$1:$C$4" and got.print_title_rows == "$1:$1"
    assert got.page_setup.fitToWidth in (None, 1) and int(got.page_setup.fitToHeight) == 0


def test_number_formats_a_finance_reader_expects(written: dict[str, tuple[Path, object]]) -> None:
    path, report = written["rich"]
    wb = openpyxl.load_workbook(path)

    def fmt(name: str) -> str:
        return cells_of(wb, name)[0].number_format  # a table column's name too (bmX = BenchmarkPoints[...])

    assert fmt("hwInitialServerCost") == '"$"#,##0'  # $320,000, not $320,000.0000
    assert fmt("totalYearlyCost") == '"$"#,##0'
    assert fmt("costPer1KRequests") == '"$"#,##0.0000'  # below $10: cents and beyond
    assert fmt("hwCloudPricePerGPUHour") == '"$"#,##0.00##'
    assert fmt("servers") == fmt("totalGPUs") == "#,##0"  # counts as integers (rounding whole)
    assert fmt("uptime") == fmt("targetUtilisation") == fmt("costOfCapital") == "0.0%"  # shares as %
    assert fmt("latencyLimitMs") == "#,##0.0"
    assert fmt("peakRequestsPerSecond") == "#,##0.0#"  # 100.0, not 100.000
    assert fmt("bmTokensPerSecondPerUser") == "#,##0.0"  # 87.9, not 87.8828798192
    # The report's formatting kind of each quantity decides its workbook format.
    assert formatting.KIND_OF["initial_server_cost"] is formatting.money


def test_no_path_of_the_writing_machine(written: dict[str, tuple[Path, object]]) -> None:
    for name, (path, _) in written.items():
        with zipfile.ZipFile(path) as z:
            text = b"".join(z.read(n) for n in z.namelist()).decode("utf-8", "replace")
        for where in {str(ROOT), str(inputs_dir()), str(Path.home())}:
            assert where not in text, (name, where)
        wb = openpyxl.load_workbook(path)
        about = [c.value for row in wb["About"].iter_rows() for c in row if isinstance(c.value, str)]
        assert any("benchmark files (21" in v and " sweep/llama3-8b-fp8-tp1/ (7 files)" in v for v in about), about


@pytest.mark.libreoffice
def test_printed_by_libreoffice(written: dict[str, tuple[Path, object]], tmp_path: Path) -> None:
    soffice = require_program("soffice", "libreoffice")
    pdftotext = require_program("pdftotext")
    pdftoppm = require_program("pdftoppm")
    names = list(written)
    pdfs = to_pdf(soffice, [written[n][0] for n in names], tmp_path / "pdf")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, pdf in zip(names, pdfs, strict=True):
        report = written[name][1]
        pages = page_texts(pdftotext, pdf)
        sheets = [sheet_of(p) for p in pages]
        per_sheet = Counter(sheets)
        assert len(pages) <= MAX_PAGES, (name, per_sheet)
        assert None not in per_sheet and set(per_sheet) == set(SHEETS), (name, per_sheet)  # every page a sheet's
        assert per_sheet["Summary"] == 1 and per_sheet["TCO"] == 1, (name, per_sheet)
        assert sheets == sorted(sheets, key=list(SHEETS).index), name  # no sheet interleaved with another
        for k, page in enumerate(pages):
            assert "###" not in page, (name, k + 1, sheets[k])
            body = [line for line in page.splitlines() if line.strip() and "tco_report workbook |" not in line]
            assert len(body) >= 3, (name, k + 1, "blank page")
        assert f"page {len(pages)} of {len(pages)}" in pages[-1]
        # Labels beside their values: the same printed line.
        rec = report.recommended
        summary, tco = pages[sheets.index("Summary")], pages[sheets.index("TCO")]
        total = formatting.money(rec.total_yearly_cost)
        assert re.search(rf"^\s*Total yearly cost\s+{re.escape(total)}\s+USD/year", summary, re.M), name
        assert re.search(rf"^\s*Recommended config \(.*\)\s+{re.escape(rec.config)}\s", summary, re.M), name
        assert re.search(rf"Total yearly cost\s+servers\*yearlyServerCost\s+{re.escape(total)}", tco), name
        out = ARTIFACTS / name
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        shutil.copy(pdf, out / f"{name}.pdf")
        subprocess.run([pdftoppm, "-r", "80", "-png", str(pdf), str(out / "page")], check=True)
        assert len(list(out.glob("page-*.png"))) == len(pages)
