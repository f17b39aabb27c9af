"""The workbook's own _xlfn. prefixing writes exactly what XlsxWriter's full rewriting would (issue 8)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from xlsxwriter.worksheet import Worksheet

from tco_report import api
from tco_report.workbook import cells, writer


def _sheets(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n.startswith("xl/") and n.endswith(".xml")}


def test_same_formulas_as_xlsxwriters_rewriting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = api.run()
    fast = tmp_path / "fast.xlsx"
    writer.write_workbook(report, fast, tool_version="t")
    monkeypatch.setattr(cells, "FastFormulaSheet", Worksheet)  # XlsxWriter's own 160-regex rewriting
    full = tmp_path / "full.xlsx"
    writer.write_workbook(report, full, tool_version="t")
    a, b = _sheets(fast), _sheets(full)
    assert a.keys() == b.keys()
    for name in a:
        assert a[name] == b[name], name
    assert any(b"_xlfn.AGGREGATE(" in v for v in a.values())
