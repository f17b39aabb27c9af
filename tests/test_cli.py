"""The command line: the embedded example end to end, exit codes, and nothing written on failure."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tco_report import api
from tco_report.cli import main

from .conftest import ROOT


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "tco_report", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300
    )


def test_example_summary_json_by_hand(tmp_path):
    """The embedded example's headline numbers, recomputed by hand from its files and the formulas of docs/method.md."""
    out = tmp_path / "out"
    assert main(["--out", str(out), "--quiet"]) == 0
    s = json.loads((out / "summary.json").read_text())
    rec = s["recommended"]
    # The FP8 config's best point under avg TTFT <= 250 ms is concurrency 10, where the file records
    # request_throughput.avg 15.929442 req/s (the measured 11.378172536970691 x 1.40, rounded to 6 places).
    raw = json.loads(
        (
            ROOT / "inputs/sweep/llama3-8b-fp8-tp1/artifacts/meta_llama3-8b-instruct-openai-chat-concurrency10"
            "/profile_export_genai_perf.json"
        ).read_text()
    )
    rps = raw["request_throughput"]["avg"]
    assert rps == 15.929442 and raw["time_to_first_token"]["avg"] <= 250
    assert rec["config"] == "llama3-8b-fp8-tp1" and rec["concurrency"] == 10
    assert rec["model_instances"] == math.ceil(100 / rps) == 7
    assert rec["total_gpus"] == 7 and rec["servers"] == 1
    assert rec["yearly_server_cost"] == 320_000 / 4 + 4_500 + 3_000 == 87_500
    assert rec["total_yearly_cost"] == 87_500
    per_year = rps * 8 * 31_536_000
    assert rec["requests_per_server_per_year"] == pytest.approx(per_year, rel=1e-12)
    assert rec["cost_per_1k_requests"] == pytest.approx(87_500 / per_year * 1000, rel=1e-12)
    isl, osl = raw["input_sequence_length"]["avg"], raw["output_sequence_length"]["avg"]
    assert (rec["isl"], rec["osl"]) == (isl, osl) == (200.03, 58.67)
    ref = 1000 * (isl * 1 + osl * 3) / 1e6
    assert rec["cost_per_1m_output_tokens"] == pytest.approx(87_500 / per_year * 1000 / ref * 3, rel=1e-12)
    # All three configs are costed; the two BF16 configs need two servers each.
    by_name = {c["config"]: c for c in s["configs"]}
    assert sorted(by_name) == ["llama3-8b-bf16-tp1", "llama3-8b-bf16-tp2", "llama3-8b-fp8-tp1"]
    assert by_name["llama3-8b-bf16-tp1"]["servers"] == 2 and by_name["llama3-8b-bf16-tp2"]["total_gpus"] == 12
    assert s["assumptions"]["peak_requests_per_second"] == 100
    assert s["assumptions"]["provenance"]["initial_server_cost"] == "file"


def test_summary_matches_api(tmp_path):
    assert main(["--out", str(tmp_path), "-q"]) == 0
    assert json.loads((tmp_path / "summary.json").read_text()) == json.loads(json.dumps(api.summary(api.run())))


def test_terminal_table(capsys, tmp_path):
    assert main(["--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "* Recommended: llama3-8b-fp8-tp1 at c=10: 1 server(s) (7 GPUs), $87,500 a year" in out
    assert "llama3-8b-bf16-tp2" in out


def test_bad_input_exits_2_with_one_paragraph_and_writes_nothing(tmp_path):
    out = tmp_path / "out"
    r = run_cli(str(ROOT / "inputs/sweep"), "--out", str(out))  # no assumptions: GPUs per instance unknown
    assert r.returncode == 2
    assert "Traceback" not in r.stderr and r.stderr.count("\n") == 1
    assert "no known GPUs per instance" in r.stderr and "--assumptions" in r.stderr
    assert not out.exists() or not any(out.iterdir())


def test_failed_run_keeps_the_previous_outputs(tmp_path):
    assert main(["--out", str(tmp_path), "-q"]) == 0
    before = (tmp_path / "summary.json").read_bytes()
    bad = tmp_path / "bad.yaml"
    bad.write_text("demand: {peak_requests_per_second: -5}\n")
    assert main(["--out", str(tmp_path), "--assumptions", str(bad)]) == 2
    assert (tmp_path / "summary.json").read_bytes() == before
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left behind


def test_help_is_quick_to_import():
    """--help must not pull in pandas, matplotlib or the spreadsheet libraries (measured in benchmarks/)."""
    code = (
        "import sys; from tco_report.cli import build_parser; build_parser().format_help(); "
        "print(sorted(m for m in ('pandas', 'matplotlib', 'openpyxl', 'xlsxwriter', 'typst', 'jinja2', 'yaml') "
        "if m in sys.modules))"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert r.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "value", ["yesterday", "-5", "1e99", "1.5", "0x10", "99999999999999999999", "253402300800", "٣"]
)
def test_malformed_source_date_epoch_exits_2_naming_the_variable(tmp_path, monkeypatch, capsys, value):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    out = tmp_path / "out"
    assert main(["--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and "internal error" not in err
    assert "SOURCE_DATE_EPOCH" in err and "whole number of seconds since 1970-01-01 00:00 UTC" in err
    assert not out.exists()


def test_source_date_epoch_gives_the_report_time():
    from datetime import datetime, timezone

    from tco_report.clock import MAX_EPOCH, report_time

    assert report_time({"SOURCE_DATE_EPOCH": "0"}) == datetime(1970, 1, 1, tzinfo=timezone.utc)
    assert report_time({"SOURCE_DATE_EPOCH": " 1700000000\n"}) == datetime(
        2023, 11, 14, 22, 13, 20, tzinfo=timezone.utc
    )
    assert report_time({"SOURCE_DATE_EPOCH": str(MAX_EPOCH)}) == datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc)
    before = datetime.now(tz=timezone.utc).replace(microsecond=0)
    for unset in ({}, {"SOURCE_DATE_EPOCH": ""}, {"SOURCE_DATE_EPOCH": "  "}):
        now = report_time(unset)
        assert now.tzinfo is timezone.utc and now.microsecond == 0
        assert before <= now <= datetime.now(tz=timezone.utc)


def test_from_workbook_notes_each_edited_formula_once(tmp_path, capsys):
    """A cell whose cached value disagrees with Python (an edited formula) is printed once as a note and kept in
    summary.json's warnings, with both values."""
    import re
    import zipfile

    first = tmp_path / "first"
    assert main(["--out", str(first), "-q"]) == 0
    src = zipfile.ZipFile(first / "tco_report.xlsx")
    defined = re.search(r'<definedName name="totalYearlyCost">TCO!\$C\$(\d+)<', src.read("xl/workbook.xml").decode())
    assert defined, "totalYearlyCost is a defined name on TCO"
    row = defined.group(1)
    edited = tmp_path / "edited.xlsx"
    with zipfile.ZipFile(edited, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet5.xml":  # TCO, the fifth sheet
                text, n = re.subn(rf'(<c r="C{row}"[^>]*>.*?<v>)87500\.0(</v>)', r"\g<1>99999\g<2>", data.decode())
                assert n == 1
                data = text.encode()
            dst.writestr(item, data)
    capsys.readouterr()
    out = tmp_path / "again"
    assert main(["--from-workbook", str(edited), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    notes = [line for line in printed.splitlines() if "disagrees with the Python calculation" in line]
    assert len(notes) == 1 and f"TCO!C{row} (totalYearlyCost)" in notes[0]
    assert "holds 99999" in notes[0] and "computes 87500" in notes[0]
    warnings = json.loads((out / "summary.json").read_text())["warnings"]
    assert [w for w in warnings if "disagrees" in w] == [notes[0].removeprefix("note: ")]


def _entry(*args: str) -> subprocess.CompletedProcess[str]:
    """The console script's entry point, in a child with an atexit hook that says whether it ran."""
    code = (
        "import atexit, sys; atexit.register(lambda: print('atexit hook ran', flush=True)); "
        f"sys.argv = ['tco-report', *{list(args)!r}]; from tco_report.cli import entry; entry()"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("PYTHONUNBUFFERED", None)  # stdout block-buffered, as a pipe is by default: the flush must happen
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)


def test_console_entry_leaves_at_once_after_every_output_and_message(tmp_path):
    """entry() ends the process with os._exit (no atexit hooks, no teardown), yet only once the outputs are in place
    and stdout, a pipe here and so block-buffered, is flushed: the table and the closing line arrive whole."""
    out = tmp_path / "out"
    r = _entry("--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "atexit hook ran" not in r.stdout
    assert "* Recommended: llama3-8b-fp8-tp1 at c=10" in r.stdout
    assert r.stdout.rstrip().splitlines()[-1].startswith("wrote ") and r.stdout.endswith("summary.json\n")
    assert sorted(p.name for p in out.iterdir()) == [
        "summary.json",
        "tco_report.html",
        "tco_report.pdf",
        "tco_report.xlsx",
    ]
    assert json.loads((out / "summary.json").read_text())["recommended"]["config"] == "llama3-8b-fp8-tp1"


def test_console_entry_keeps_the_exit_code_and_the_message_of_bad_input(tmp_path):
    r = _entry(str(ROOT / "inputs/sweep"), "--out", str(tmp_path / "out"))  # no assumptions: GPUs unknown
    assert r.returncode == 2 and "atexit hook ran" not in r.stdout
    assert r.stderr.count("\n") == 1 and "no known GPUs per instance" in r.stderr


def test_leave_falls_back_to_a_normal_exit_when_a_flush_fails_or_a_thread_runs(monkeypatch):
    """leave() hard-exits only when nothing is pending: a stdout that cannot be flushed (a closed pipe) or a thread
    still running leaves through SystemExit, so the interpreter handles it as without leave()."""
    import threading

    from tco_report import cli

    class Closed:
        def flush(self) -> None:
            raise BrokenPipeError

    monkeypatch.setattr(cli.os, "_exit", lambda code: pytest.fail("os._exit called"))
    with monkeypatch.context() as m:
        m.setattr(sys, "stdout", Closed())
        with pytest.raises(SystemExit) as e:
            cli.leave(3)
    assert e.value.code == 3
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        with pytest.raises(SystemExit) as e:
            cli.leave(0)
        assert e.value.code == 0
    finally:
        stop.set()
        t.join()


def test_main_restores_the_garbage_collector_thresholds(tmp_path):
    import gc

    before = gc.get_threshold()
    assert main(["--out", str(tmp_path), "-q"]) == 0
    assert gc.get_threshold() == before
    assert main(["--out", str(tmp_path), "--assumptions", str(tmp_path / "missing.yaml")]) == 2
    assert gc.get_threshold() == before
