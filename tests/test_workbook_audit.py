"""Excel opens the workbook without repair: the OOXML validator openxml-audit finds nothing under the Office 2019 and
Microsoft 365 profiles, for the three examples of inputs/ and a 200-config sweep (benchmarks/make_sweep.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import xlsxwriter
from openxml_audit import FileFormat, OpenXmlValidator

from tco_report import api
from tco_report.resources import inputs_dir
from tco_report.workbook import write_workbook

from .conftest import ROOT

PROFILES = (FileFormat.OFFICE_2019, FileFormat.MICROSOFT_365)


def findings(path: Path) -> list[str]:
    """Every finding of every profile, as 'profile part path: description'."""
    out = []
    for profile in PROFILES:
        result = OpenXmlValidator(file_format=profile, max_errors=0).validate(str(path))
        out += [f"{profile.value} {e.part_uri} {e.path}: {e.description}" for e in result.errors]
    return out


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("audit")
    sweep = tmp / "sweep"
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "make_sweep.py"), str(sweep), "--configs", "200", "--levels", "4"],
        check=True,
        capture_output=True,
    )
    runs = {
        "plain": ([], None),
        "rich": ([], inputs_dir() / "assumptions_rich.yaml"),
        "scenarios": ([], inputs_dir() / "scenarios.yaml"),
        "sweep200": ([sweep], sweep / "assumptions.yaml"),
    }
    out = {}
    for name, (paths, assumptions) in runs.items():
        report = api.run(paths, assumptions)
        if name == "sweep200":
            assert len(report.results) == 200
        out[name] = tmp / f"{name}.xlsx"
        write_workbook(report, out[name], tool_version="test")
    return out


@pytest.mark.parametrize("name", ["plain", "rich", "scenarios", "sweep200"])
def test_openxml_audit_finds_nothing(workbooks: dict[str, Path], name: str) -> None:
    assert findings(workbooks[name]) == []


def test_the_audit_reports_an_empty_data_label_block(tmp_path: Path) -> None:
    """The validator sees the fault the workbook once had (a chart's data labels switched off write an empty
    <c:dLbls>), so the tests above can fail."""
    path = tmp_path / "bad.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_column(0, 0, [1, 2, 3])
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"values": "=Sheet1!$A$1:$A$3", "data_labels": {"value": False}})
    ws.insert_chart(0, 2, chart)
    wb.close()
    found = findings(path)
    assert len(found) == len(PROFILES) and all("dLbls" in f for f in found), found
