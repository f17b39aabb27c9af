"""What people share (the workbook, the HTML and the PDF) names no folder of the machine that made it; summary.json
and the terminal, which stay with the engineer, keep the full paths.

The run reads a sweep from a folder whose path holds a name no output may show, with a stray file (a "skipped"
note naming its path) and a point off Little's law (a data warning naming its file), so that paths reach every
place a message can land: the warnings list, the sources appendix, the assumptions line, the Warnings sheet.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import pypdf

from tco_report import sources
from tco_report.cli import main

from .conftest import ROOT

PRIVATE = "alice-private-home"


def _run(tmp_path: Path) -> Path:
    home = tmp_path / PRIVATE
    sweep = home / "bench" / "sweep"
    shutil.copytree(ROOT / "inputs" / "sweep", sweep)
    (home / "costs").mkdir()
    shutil.copy(ROOT / "inputs" / "assumptions.yaml", home / "costs" / "assumptions.yaml")
    (sweep / "notes.yaml").write_text("a: 1\n")
    victim = sorted(sweep.rglob("*concurrency100/profile_export_genai_perf.json"))[0]
    data = json.loads(victim.read_text())
    data["request_throughput"]["avg"] *= 3  # 3x the requests/s the latency allows: Little's law fails
    victim.write_text(json.dumps(data))
    out = tmp_path / "out"
    assert main([str(sweep), "-a", str(home / "costs" / "assumptions.yaml"), "--out", str(out), "--quiet"]) == 0
    return out


def test_shared_outputs_show_no_machine_path(tmp_path):
    out = _run(tmp_path)
    pdf = pypdf.PdfReader(io.BytesIO((out / "tco_report.pdf").read_bytes()))
    pdf_text = re.sub(r"\s+", "", "".join(p.extract_text() for p in pdf.pages))
    html = (out / "tco_report.html").read_text()
    with zipfile.ZipFile(out / "tco_report.xlsx") as z:
        xlsx = {n: z.read(n).decode() for n in z.namelist() if n.endswith(".xml")}
    assert PRIVATE not in pdf_text
    assert PRIVATE not in html
    assert not [n for n, x in xlsx.items() if PRIVATE in x]
    # What is there instead: the files under the sweep folder's own name, the assumptions file by its name.
    assert "skippedsweep/notes.yaml" in pdf_text
    assert re.search(r"units:sweep/llama3-8b-[a-z0-9-]+/artifacts/", pdf_text)
    assert "Assumptions:assumptions.yaml." in pdf_text
    assert "sweep/notes.yaml" in html and "sweep/notes.yaml" in xlsx["xl/sharedStrings.xml"]
    # summary.json is the engineer's record: full paths, so a script can open each file again.
    summary = (out / "summary.json").read_text()
    assert str(tmp_path / PRIVATE / "costs" / "assumptions.yaml") in summary


def test_paths_named_from_the_folder_that_holds_them():
    files = ["/home/a/runs/sweep/x/1.json", "/home/a/runs/sweep/y/2.json"]
    parent = sources.shared_parent(files)
    assert parent == "/home/a/runs"
    assert [sources.shown_path(f, parent) for f in files] == ["sweep/x/1.json", "sweep/y/2.json"]
    assert sources.shown_path("relative/run.json", parent) == "relative/run.json"  # as the user typed it
    assert sources.without_machine_paths(f"bad value in {files[1]}: x", parent) == "bad value in sweep/y/2.json: x"
    assert sources.shared_parent(["/one.json"]) == "/"
    assert sources.without_machine_paths("/one.json", "/") == "/one.json"
    assert sources.shared_parent(["rel/a.json", ""]) == ""
    assert sources.assumptions_name("/home/a/costs/q3.yaml") == "q3.yaml"
    assert sources.assumptions_name("defaults") == "defaults"
