"""``--from-workbook`` treats the file as untrusted: every broken or hostile workbook exits 2 with a message naming
the file (and the cell where there is one), no traceback, the workbook itself is never written and no output
appears. The workbook is written by tco_report from the real GenAI-Perf sweep, then damaged one way per case."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from tco_report import api
from tco_report.cli import main
from tco_report.workbook import write_workbook

from .conftest import FIXTURES

SWEEP = FIXTURES / "real/genai-perf/fernandodorado-sizing-nim-llama3-8b"


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("wb")
    a = d / "a.yaml"
    a.write_text('configs: [{match: "*", gpus_per_instance: 1}]\n')
    path = d / "good.xlsx"
    write_workbook(api.run([SWEEP], a), path, tool_version="test")
    return path


def _cell(wb: openpyxl.Workbook, name: str):  # noqa: ANN202
    """The (first) cell of a defined name: a hardware row's first profile column."""
    sheet, coord = next(iter(wb.defined_names[name].destinations))
    got = wb[sheet][coord.replace("$", "")]
    return got[0][0] if isinstance(got, tuple) else got


def edited(change: Callable[[openpyxl.Workbook], object]) -> Callable[[Path, Path], Path]:
    def build(good: Path, tmp: Path) -> Path:
        wb = openpyxl.load_workbook(good)
        change(wb)
        out = tmp / "edited.xlsx"
        wb.save(out)
        return out

    return build


def raw(content: Callable[[Path], bytes]) -> Callable[[Path, Path], Path]:
    def build(good: Path, tmp: Path) -> Path:
        out = tmp / "broken.xlsx"
        out.write_bytes(content(good))
        return out

    return build


def with_xml(member: str, edit: Callable[[bytes], bytes]) -> Callable[[Path, Path], Path]:
    def build(good: Path, tmp: Path) -> Path:
        out = tmp / "xml.xlsx"
        with zipfile.ZipFile(good) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for item in zin.infolist():
                data = zin.read(item.filename)
                zout.writestr(item, edit(data) if item.filename == member else data)
        return out

    return build


def huge(good: Path, tmp: Path) -> Path:
    out = tmp / "huge.xlsx"
    with open(out, "wb") as fh:
        fh.truncate(200 * 1024 * 1024)  # sparse: instant
    return out


def set_value(name: str, value: object) -> Callable[[openpyxl.Workbook], None]:
    return lambda wb: setattr(_cell(wb, name), "value", value)


def set_bench(coord: str, value: object) -> Callable[[openpyxl.Workbook], None]:
    return lambda wb: wb["Benchmarks"].__setitem__(coord, value)


LAUGHS = b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'

CASES = [
    ("empty file", raw(lambda g: b""), ["not an .xlsx"]),
    ("truncated", raw(lambda g: g.read_bytes()[: g.stat().st_size // 2]), ["not an .xlsx"]),
    ("json renamed", raw(lambda g: b'{"request_throughput": {"avg": 1}}'), ["not an .xlsx"]),
    ("200 MB", huge, ["209,715,200 bytes", "expected to be under"]),
    (
        "xml entity expansion",
        with_xml("xl/workbook.xml", lambda d: d.replace(b"?>", b"?>" + LAUGHS, 1)),
        ["cannot be read"],
    ),
    ("text in a price", edited(set_value("hwInitialServerCost", "320k")), ["initialServerCost", "'320k'"]),
    ("negative price", edited(set_value("hwYearlyHostingCost", -3000)), ["yearlyHostingCost", "at least 0"]),
    ("formula in an input", edited(set_value("hwGPUsPerServer", "=4*2")), ["GPUsPerServer", "formula"]),
    (
        "zero peak demand",
        edited(set_value("peakRequestsPerSecondInput", 0)),
        ["peakRequestsPerSecondInput", "greater than 0"],
    ),
    (
        "a value typed over the peak formula",
        edited(set_value("peakRequestsPerSecond", 0)),
        ["peakRequestsPerSecond"],
    ),
    ("text rps", edited(set_bench("F3", "fast")), ["Benchmarks!F3", "rps", "'fast'"]),
    ("zero rps", edited(set_bench("F4", 0)), ["Benchmarks!F4", "greater than 0"]),
    ("negative isl", edited(set_bench("H2", -200)), ["Benchmarks!H2", "isl"]),
    ("text latency", edited(set_bench("J5", "inf")), ["Benchmarks!J5", "ttft_avg"]),
    ("empty config", edited(set_bench("B2", None)), ["Benchmarks!B2", "config"]),
]


def _fingerprint(path: Path) -> tuple:
    """Size, mtime and (for a normal-sized file) the bytes: the workbook given is never written."""
    st = path.stat()
    return st.st_size, st.st_mtime_ns, path.read_bytes() if st.st_size < 10_000_000 else b""


@pytest.mark.parametrize(("name", "build", "fragments"), CASES, ids=[c[0] for c in CASES])
def test_bad_workbook_exit_2_never_written(name, build, fragments, good, tmp_path, capsys):
    wb = build(good, tmp_path)
    before = _fingerprint(wb)
    out = tmp_path / "out"
    assert main(["--from-workbook", str(wb), "--out", str(out)]) == 2, name
    err = capsys.readouterr().err
    assert err.startswith(f"tco-report: error: {wb}") and err.count("\n") == 1 and "Traceback" not in err, err
    for fragment in fragments:
        assert fragment in err, (fragment, err)
    assert _fingerprint(wb) == before and not out.exists()


def test_text_from_the_workbook_reaches_the_terminal_stripped(good, tmp_path, capsys):
    """Bidi overrides and C1 controls in a config name (openpyxl itself refuses ESC in cells) never reach the
    terminal; the run stops (the renamed config matches no GPU rule) with the name shown defanged."""
    wb = edited(lambda w: [set_bench(f"B{r}", "x\u202eevil\x9b")(w) for r in range(2, 9)])(good, tmp_path)
    assert main(["--from-workbook", str(wb), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "x?evil?" in err and "\u202e" not in err and "\x9b" not in err


def test_symlink_loop_workbook(tmp_path, capsys):
    os.symlink(tmp_path / "b.xlsx", tmp_path / "a.xlsx")
    os.symlink(tmp_path / "a.xlsx", tmp_path / "b.xlsx")
    assert main(["--from-workbook", str(tmp_path / "a.xlsx"), "--out", str(tmp_path / "out")]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_duplicate_load_level_in_benchmarks(good, tmp_path, capsys):
    wb = edited(set_bench("D3", 1))(good, tmp_path)  # row 3 (c=2) now claims concurrency 1, like row 2
    assert main(["--from-workbook", str(wb), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "field 'concurrency'" in err and "c=1 twice" in err
