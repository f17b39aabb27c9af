"""Hostile and broken input (issue 13), one parametrised table per class, each case made by a generator here.

Every case checks the exit code and the message, that no traceback is printed, that nothing is left in --out but
the earlier outputs, byte for byte, and that no process is left running. Runs go through ``cli.main`` in-process,
with the outputs that the case is about (the fast writer stages all four through the real Staging); only signals
and FIFOs run a subprocess, so a hang fails the test by its timeout instead of stopping the suite.
"""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import threading
import time
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from tco_report import api, cli
from tco_report.cli import main
from tco_report.text import REPLACEMENT, clean

from . import hostile_workbooks as hw
from .conftest import FIXTURES, ROOT

REAL = FIXTURES / "real"
GP_SWEEP = REAL / "genai-perf/fernandodorado-sizing-nim-llama3-8b"
GP_JSON = next(GP_SWEEP.rglob("*concurrency10/profile_export_genai_perf.json"))
GP_CSV = GP_JSON.with_suffix(".csv")
SGL = REAL / "sglang/datacrunch-h200-benchmarks/sglang/outputs/llama_3_3_70b_online_output.jsonl"
RULES = 'configs: [{match: "*", gpus_per_instance: 1}]\n'
OUTPUTS = cli.OUTPUTS
PREVIOUS = {name: f"earlier {name}\n".encode() for name in OUTPUTS}


# ------------------------------------------------------------------------------------------------ harness
def children(pid: int | None = None) -> set[int]:
    """The live child processes of ``pid`` (this process by default), from /proc."""
    pid = pid or os.getpid()
    out: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out |= {int(x) for x in (task / "children").read_text().split()}
        except OSError:
            continue
    return {c for c in out if Path(f"/proc/{c}").exists() and _state(c) != "Z"}


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "?"


def previous_outputs(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, data in PREVIOUS.items():
        (out / name).write_bytes(data)


def assert_previous_untouched(out: Path, extra: set[str] = frozenset()) -> None:
    """The earlier outputs byte for byte, and nothing else (no temporary or kept-aside file)."""
    assert {p.name for p in out.iterdir()} == set(PREVIOUS) | extra, sorted(p.name for p in out.iterdir())
    for name, data in PREVIOUS.items():
        if name not in extra:
            assert (out / name).read_bytes() == data, name


def assert_refused(rc: int, err: str, fragments: list[str]) -> None:
    assert rc == 2, err
    assert err.startswith("tco-report: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for f in fragments:
        assert f in err, (f, err)


@pytest.fixture
def fast(monkeypatch):
    """Outputs written fast: summary.json for real, the other three as small files, all
    four through the real Staging (so the all-or-nothing machinery is what runs)."""
    import tco_report.summary
    from tco_report.outputs import Staging

    def write(report, out, names, page_size, staging_cls, **_):  # noqa: ANN001, ANN003, ANN202
        with Staging(out, names) as stage:
            for name in names:
                if name == "summary.json":
                    tco_report.summary.write_summary(report, stage.path(name), "test")
                else:
                    stage.path(name).write_text(f"new {name}\n")
        return list(names)

    monkeypatch.setattr(cli, "_write_outputs", write)
    before = children()
    yield
    assert children() <= before, "a process was left running"


def write(tmp: Path, name: str, content: str | bytes) -> Path:
    f = tmp / name
    f.parent.mkdir(parents=True, exist_ok=True)
    f.write_bytes(content if isinstance(content, bytes) else content.encode())
    return f


def run(argv: list[str], capsys) -> tuple[int, str, str]:  # noqa: ANN001
    rc = main(argv)
    c = capsys.readouterr()
    return rc, c.out, c.err


# ------------------------------------------------------------------------ 1. all or nothing, --out itself
def folder_at(name: str) -> Callable[[Path], None]:
    def make(out: Path) -> None:
        (out / name).unlink()
        (out / name).mkdir()
        (out / name / "keep.txt").write_text("mine")

    return make


def fifo_at(name: str) -> Callable[[Path], None]:
    def make(out: Path) -> None:
        (out / name).unlink()
        os.mkfifo(out / name)

    return make


TARGET_CASES = [
    ("folder named summary.json", folder_at("summary.json"), "summary.json", ["summary.json", "is a folder"]),
    ("folder named tco_report.html", folder_at("tco_report.html"), "tco_report.html", ["tco_report.html", "folder"]),
    ("fifo named tco_report.pdf", fifo_at("tco_report.pdf"), "tco_report.pdf", ["named pipe", "tco_report.pdf"]),
]


@pytest.mark.parametrize(("name", "make", "blocked", "fragments"), TARGET_CASES, ids=[c[0] for c in TARGET_CASES])
def test_a_blocked_target_stops_the_run_before_anything_is_replaced(
    name, make, blocked, fragments, tmp_path, capsys, fast
):
    out = tmp_path / "out"
    previous_outputs(out)
    make(out)
    rc, stdout, err = run([str(GP_SWEEP), "-a", str(write(tmp_path, "a.yaml", RULES)), "--out", str(out)], capsys)
    assert_refused(rc, err, [str(out / blocked), *fragments])
    assert stdout == ""
    assert_previous_untouched(out, {blocked})


def out_is_file(tmp: Path) -> tuple[Path, list[str]]:
    f = write(tmp, "out.txt", "a file")
    return f, ["field '--out'", "is a file"]


def out_under_file(tmp: Path) -> tuple[Path, list[str]]:
    f = write(tmp, "file", "a file")
    return f / "sub" / "out", ["field '--out'", f"is inside {f}, which is a file"]


def out_cannot_be_made(tmp: Path) -> tuple[Path, list[str]]:
    return tmp / ("x" * 300) / "out", ["field '--out'", "cannot be created"]


OUT_CASES = [
    ("--out is a file", out_is_file),
    ("--out under a file", out_under_file),
    ("--out cannot be created", out_cannot_be_made),
]


@pytest.mark.parametrize(("name", "make"), OUT_CASES, ids=[c[0] for c in OUT_CASES])
def test_bad_out_folder_is_exit_2_naming_it(name, make, tmp_path, capsys, fast):
    out, fragments = make(tmp_path)
    before = out.read_bytes() if os.path.isfile(out) else None
    rc, _, err = run([str(GP_SWEEP), "-a", str(write(tmp_path, "a.yaml", RULES)), "--out", str(out)], capsys)
    assert_refused(rc, err, [str(out), *fragments])
    if before is not None:
        assert out.read_bytes() == before


@pytest.mark.parametrize("fail_at", [1, 2, 3, 4])
def test_a_failed_rename_restores_every_earlier_output(fail_at, tmp_path, capsys, fast, monkeypatch):
    """The k-th rename into place fails: the set is rolled back whole, the earlier files byte for byte."""
    import tco_report.outputs as outputs

    out = tmp_path / "out"
    previous_outputs(out)
    real = os.replace
    calls = {"n": 0}

    def flaky(src, dst):  # noqa: ANN001, ANN202
        if str(src).endswith(".tmp"):
            calls["n"] += 1
            if calls["n"] == fail_at:
                raise OSError(28, "No space left on device", str(dst))
        return real(src, dst)

    monkeypatch.setattr(outputs.os, "replace", flaky)
    rc, _, err = run([str(GP_SWEEP), "-a", str(write(tmp_path, "a.yaml", RULES)), "--out", str(out)], capsys)
    assert_refused(rc, err, ["No space left on device", "earlier outputs were restored"])
    assert_previous_untouched(out)


def test_a_failed_rename_into_an_empty_folder_leaves_it_empty(tmp_path, capsys, fast, monkeypatch):
    import tco_report.outputs as outputs

    out = tmp_path / "new"
    real = os.replace
    calls = {"n": 0}

    def flaky(src, dst):  # noqa: ANN001, ANN202
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(5, "Input/output error", str(dst))
        return real(src, dst)

    monkeypatch.setattr(outputs.os, "replace", flaky)
    rc, _, err = run([str(GP_SWEEP), "-a", str(write(tmp_path, "a.yaml", RULES)), "--out", str(out)], capsys)
    assert_refused(rc, err, ["Input/output error"])
    assert not out.exists()  # made by the run, removed again: nothing half-written


@pytest.mark.parametrize("error", [KeyboardInterrupt, RuntimeError])
def test_an_exception_while_writing_removes_every_temporary_file(error, tmp_path, capsys, fast, monkeypatch):
    import tco_report.summary

    out = tmp_path / "out"
    previous_outputs(out)

    def boom(*_a, **_k):  # noqa: ANN002, ANN003, ANN202
        raise error("while writing")

    monkeypatch.setattr(tco_report.summary, "write_summary", boom)
    rc, _, err = run([str(GP_SWEEP), "-a", str(write(tmp_path, "a.yaml", RULES)), "--out", str(out)], capsys)
    assert rc == (130 if error is KeyboardInterrupt else 1), err
    assert_previous_untouched(out)


def test_sigterm_removes_temporaries_keeps_earlier_outputs_and_leaves_no_process(tmp_path):
    """SIGTERM while the outputs are being written: one line, exit 130 as on Ctrl-C, the earlier set intact."""
    out = tmp_path / "out"
    previous_outputs(out)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-m", "tco_report", "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    seen: set[int] = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(p.name.endswith(".tmp") for p in out.iterdir()):
        seen |= children(proc.pid)
        time.sleep(0.02)
    seen |= children(proc.pid)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    text = err.decode()
    assert proc.returncode == 130, text
    assert text == "tco-report: terminated; nothing was written\n", text
    assert_previous_untouched(out)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{c}").exists() and _state(c) != "Z" for c in seen):
        time.sleep(0.05)
    assert not [c for c in seen if Path(f"/proc/{c}").exists() and _state(c) != "Z"], "a child outlived its parent"


def test_sigkill_leaves_temporaries_that_the_next_run_sweeps(tmp_path):
    """SIGKILL cannot be caught: the killed run's temporary files stay, the earlier outputs with them; the next run
    removes them (their process is gone), keeps another live run's, and writes the whole set."""
    out = tmp_path / "out"
    previous_outputs(out)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "tco_report", "--out", str(out)], env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not any(p.name.endswith(".tmp") for p in out.iterdir()):
        time.sleep(0.02)
    proc.kill()
    proc.wait(timeout=60)
    left = {p.name for p in out.iterdir()} - set(PREVIOUS)
    assert left and all(n.endswith((".tmp", ".previous")) and f".{proc.pid}-" in n for n in left), left
    live = out / f".tco_report.pdf.{os.getpid()}-0123456789abcdef.tmp"  # a run still writing (this process)
    live.write_text("in progress")
    r = subprocess.run([sys.executable, "-m", "tco_report", "--out", str(out), "-q"], env=env, timeout=300)
    assert r.returncode == 0
    assert {p.name for p in out.iterdir()} == set(PREVIOUS) | {live.name}
    assert all((out / n).read_bytes() != data for n, data in PREVIOUS.items())  # the new set, whole


# ------------------------------------------------------------------- 2. regular files only, size limits
def fifo(tmp: Path, name: str) -> Path:
    f = tmp / name
    f.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(f)
    return f


FIFO_CASES = [
    ("fifo as a result file", lambda t: ([str(fifo(t, "run.json"))], ["run.json", "named pipe (FIFO)"])),
    (
        "fifo as -a",
        lambda t: ([str(GP_JSON), "-a", str(fifo(t, "a.yaml"))], ["a.yaml", "named pipe (FIFO)", "YAML"]),
    ),
    ("fifo as --from-workbook", lambda t: (["--from-workbook", str(fifo(t, "w.xlsx"))], ["w.xlsx", "named pipe"])),
    ("/dev/zero as a result file", lambda t: ([str(_link(t, "zero.json", "/dev/zero"))], ["character device"])),
    ("/dev/urandom as -a", lambda t: ([str(GP_JSON), "-a", str(_link(t, "u.yaml", "/dev/urandom"))], ["device"])),
    ("/dev/zero as a workbook", lambda t: (["--from-workbook", str(_link(t, "z.xlsx", "/dev/zero"))], ["device"])),
]


def _link(tmp: Path, name: str, target: str) -> Path:
    os.symlink(target, tmp / name)
    return tmp / name


@pytest.mark.parametrize(("name", "make"), FIFO_CASES, ids=[c[0] for c in FIFO_CASES])
def test_fifos_and_devices_named_directly_are_refused_without_blocking(name, make, tmp_path):
    argv, fragments = make(tmp_path)
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run(
        [sys.executable, "-m", "tco_report", *argv, "--out", str(out)], capture_output=True, text=True, env=env,
        timeout=60,
    )  # fmt: skip
    assert_refused(r.returncode, r.stderr, fragments)
    assert not out.exists()


def test_fifos_and_devices_in_a_folder_are_skipped_with_a_note(tmp_path):
    root = tmp_path / "sweep"
    (root / "cfg").mkdir(parents=True)
    (root / "cfg" / GP_JSON.name).write_bytes(GP_JSON.read_bytes())
    os.mkfifo(root / "cfg" / "run.json")
    os.symlink("/dev/zero", root / "cfg" / "zero.csv")
    a = write(tmp_path, "a.yaml", RULES)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    code = (
        "import sys, tco_report.cli as c\n"
        "from tco_report.summary import write_summary\n"
        "from tco_report.outputs import Staging\n"
        "def w(report, out, names, *a, **k):\n"
        "    with Staging(out) as st: write_summary(report, st.path('summary.json'), 't')\n"
        "    return ['summary.json']\n"
        "c._write_outputs = w\n"
        "sys.exit(c.main(sys.argv[1:]))\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", code, str(root), "-a", str(a), "--out", str(tmp_path / "out")],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "run.json: a named pipe (FIFO), not a regular file (not opened)" in r.stdout
    assert "zero.csv: a character device, not a regular file (not opened)" in r.stdout


def test_a_file_that_grows_past_the_limit_while_read_is_stopped(tmp_path, monkeypatch):
    """The limit holds while reading: a file that stat() saw small but that holds more is cut off, not read on."""
    from tco_report import files
    from tco_report.errors import InputError

    f = write(tmp_path, "r.json", b"x" * 5000)
    real_stat = os.stat
    monkeypatch.setattr(files.os, "stat", lambda p, *a, **k: os.stat_result((*real_stat(p)[:6], 10, *real_stat(p)[7:])))
    with pytest.raises(InputError, match="grew past 100 bytes while being read"):
        files.read_regular(f, 100, "a benchmark result file")


@pytest.mark.parametrize("case", ["folder", "too large", "missing", "dangling link", "fifo"])
def test_a_listed_file_read_without_a_stat_first_is_refused_as_with_one(tmp_path, case):
    """read_regular(listed_regular=True), as the folder walk calls it, skips the stat before the open: a path that
    changed since the listing is refused with the very message (and error type) the stat would have given."""
    from tco_report import files
    from tco_report.errors import InputError

    f = tmp_path / "r.json"
    if case == "folder":
        f.mkdir()
    elif case == "too large":
        f.write_bytes(b"x" * 101)
    elif case == "dangling link":
        f.symlink_to(tmp_path / "gone.json")
    elif case == "fifo":
        os.mkfifo(f)
    errors = []
    for listed in (False, True):
        with pytest.raises(InputError) as e:
            files.read_regular(f, 100, "a benchmark result file", listed_regular=listed)
        errors.append((type(e.value), str(e.value)))
    assert errors[0] == errors[1]
    expected = {
        "folder": "is a folder; expected a benchmark result file",
        "too large": "is 101 bytes; a benchmark result file is expected to be under 100",
        "missing": "file not found (expected a benchmark result file)",
        "dangling link": "a symbolic link whose target is missing",
        "fifo": "is a named pipe (FIFO), not a regular file",
    }[case]
    assert expected in errors[1][1]


# ------------------------------------------------------------------------ 3. bounds on inputs that drive work
def sla(n: int) -> str:
    return "sla:\n" + "".join(f"  - {{metric: ttft, statistic: avg, max_ms: {1000 + i}}}\n" for i in range(n))


YAML_CASES = [
    ("plan years 1e6", "plan: {years: 1000000}", ["plan.years", "at most 100"]),
    ("200 SLA constraints", sla(200), ["field 'sla'", "200 entries", "at most 20"]),
    ("pue 0.5", "hardware: [{pue: 0.5}]", ["hardware[0].pue", "at least 1"]),
    ("load factor 3", "hardware: [{load_factor: 3}]", ["hardware[0].load_factor", "at most 1"]),
    ("peak 1e308", "demand: {peak_requests_per_second: 1.0e+308}", ["peak_requests_per_second", "at most"]),
    ("uptime 5e-324", "demand: {uptime: 5.0e-324}", ["demand.uptime", "at least 0.0001"]),
    ("gpus per server 1e18", "hardware: [{gpus_per_server: 1000000000000000000}]", ["gpus_per_server", "10,000"]),
    ("growth 1e300", "plan: {demand_growth_per_year: 1.0e+300}", ["demand_growth_per_year", "at most 10"]),
    ("price 1e308", "hardware: [{initial_server_cost: 1.0e+308}]", ["initial_server_cost", "at most"]),
    ("isl 1e308", "workload: {isl: 1.0e+308}", ["workload.isl", "at most"]),
    ("power 1e308", "hardware: [{server_power_kw: 1.0e+308}]", ["server_power_kw", "at most"]),
    ("users x rate too high", "demand: {active_users_at_peak: 1.0e+12, requests_per_user_per_minute: 1.0e+6}",
     ["active_users_at_peak", "gives a peak"]),
    ("60 hardware profiles", "hardware:\n" + "".join(f"  - {{name: p{i}}}\n" for i in range(60)),
     ["field 'hardware'", "at most 50"]),
    ("duplicate key", "demand:\n  peak_requests_per_second: 100\n  peak_requests_per_second: 1\n",
     ["peak_requests_per_second", "twice", "lines 3 and 4"]),
    ("duplicate key in a flow mapping", "demand: {uptime: 1, uptime: 0.5}",
     ["field 'uptime'", "twice", "lines 2 and 2"]),
    ("duplicate section", "sizing: {rounding: whole}\nsizing: {rounding: fractional}\n", ["sizing", "lines 2 and 3"]),
]  # fmt: skip


@pytest.mark.parametrize(("name", "text", "fragments"), YAML_CASES, ids=[c[0] for c in YAML_CASES])
def test_yaml_out_of_bounds_or_duplicated_is_exit_2(name, text, fragments, tmp_path, capsys, fast):
    a = write(tmp_path, "a.yaml", RULES + text + "\n")
    out = tmp_path / "out"
    previous_outputs(out)
    rc, _, err = run([str(GP_SWEEP), "-a", str(a), "--out", str(out)], capsys)
    assert_refused(rc, err, [str(a), *fragments])
    assert_previous_untouched(out)


def test_merge_keys_still_override_without_a_duplicate_error(tmp_path, capsys, fast):
    """'<<' merges are meant to be overridden: not a duplicate key."""
    a = write(tmp_path, "a.yaml", "")
    a.write_text(
        RULES + "hardware:\n  - <<: {initial_server_cost: 1000, gpus_per_server: 8}\n    initial_server_cost: 2000\n"
    )
    rc, _, err = run([str(GP_SWEEP), "-a", str(a), "--out", str(tmp_path / "out")], capsys)
    assert rc == 0, err
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["assumptions"]["hardware"][0]["initial_server_cost"] == 2000


# The same value is accepted or refused from YAML and from an edited workbook (issue 15 item 8).
SAME_BOUNDS = [
    ("pue", "hardware: [{pue: %s}]", 0.5, 1.5),
    ("load_factor", "hardware: [{load_factor: %s}]", 3, 0.5),
    ("uptime", "demand: {uptime: %s}", 5e-324, 0.5),
    ("gpus_per_server", "hardware: [{gpus_per_server: %s}]", 2.5, 4),
    ("depreciation_period", "hardware: [{depreciation_period: %s}]", 0.01, 3),
    ("target_utilisation", "sizing: {target_utilisation: %s}", 1.5, 0.8),
    ("demand_growth_per_year", "plan: {demand_growth_per_year: %s}", -1, 0.3),
    ("plan_years", "plan: {years: %s}", 101, 5),
    ("peak_requests_per_second", "demand: {peak_requests_per_second: %s}", 1e308, 250),
]


@pytest.fixture(scope="module")
def good_workbook(tmp_path_factory) -> Path:  # noqa: ANN001
    from tco_report.workbook import write_workbook

    d = tmp_path_factory.mktemp("wb")
    a = d / "a.yaml"
    a.write_text(RULES)
    path = d / "good.xlsx"
    write_workbook(api.run([GP_SWEEP], a), path, tool_version="test")
    return path


def _workbook_with(good: Path, tmp: Path, snake: str, value: float) -> Path:
    from tco_report.names import BY_SNAKE
    from tco_report.workbook import layout

    wb = openpyxl.load_workbook(good)
    # A hardware figure is typed into its profile's column on Inputs (hwPUE, ...): the plain name (PUE) is the
    # recommended config's profile value, looked up on TCO.
    quote = {snake_: range_name for range_name, snake_, _ in layout.HW_ROWS if snake_}
    camel = {"peak_requests_per_second": "peakRequestsPerSecondInput", **quote}.get(snake, BY_SNAKE[snake].camel)
    sheet, coord = next(iter(wb.defined_names[camel].destinations))
    coord = coord.split(":")[0]  # the first (the only written) profile's column
    wb[sheet][coord.replace("$", "")].value = value
    out = tmp / f"{snake}.xlsx"
    wb.save(out)
    return out


@pytest.mark.parametrize(("snake", "yaml_text", "bad", "good"), SAME_BOUNDS, ids=[c[0] for c in SAME_BOUNDS])
def test_yaml_and_workbook_accept_and_refuse_the_same_values(
    snake, yaml_text, bad, good, good_workbook, tmp_path, capsys, fast
):
    from tco_report.names import INPUT_BOUNDS

    expected = INPUT_BOUNDS[snake].describe()
    for value, ok in ((bad, False), (good, True)):
        a = write(tmp_path, "a.yaml", RULES + yaml_text % value + "\n")
        rc_yaml, _, err_yaml = run([str(GP_SWEEP), "-a", str(a), "--out", str(tmp_path / "o1")], capsys)
        wb = _workbook_with(good_workbook, tmp_path, snake, value)
        rc_wb, _, err_wb = run(["--from-workbook", str(wb), "--out", str(tmp_path / "o2")], capsys)
        assert (rc_yaml, rc_wb) == ((0, 0) if ok else (2, 2)), (value, err_yaml, err_wb)
        if not ok:
            assert expected in err_yaml and expected in err_wb, (err_yaml, err_wb)
            assert "Traceback" not in err_yaml + err_wb


# ------------------------------------------------------------- 4. duplicates and extremes in result files
def gp_json_text(change: Callable[[str], str]) -> Callable[[Path], Path]:
    def build(tmp: Path) -> Path:
        return write(tmp, "in/cfg-concurrency10/" + GP_JSON.name, change(GP_JSON.read_text()))

    return build


def gp_set(key: str, value: str) -> Callable[[Path], Path]:
    def change(text: str) -> str:
        d = json.loads(text)
        d[key]["avg"] = "__V__"
        return json.dumps(d, indent=2).replace('"__V__"', value)

    return gp_json_text(change)


def sglang_line(**values: object) -> Callable[[Path], Path]:
    def build(tmp: Path) -> Path:
        recs = [json.loads(x) for x in SGL.read_text().splitlines() if x.strip()]
        recs[0].update(values)
        return write(tmp, "in/" + SGL.name, "\n".join(json.dumps(r) for r in recs) + "\n")

    return build


def csv_text(text: str, name: str = "points.csv") -> Callable[[Path], Path]:
    return lambda tmp: write(tmp, "in/" + name, text)


def gp_csv_dup_row(tmp: Path) -> Path:
    lines = GP_CSV.read_text().splitlines(keepends=True)
    row = next(i for i, line in enumerate(lines) if line.startswith("Request Throughput"))
    lines.insert(row + 1, lines[row].replace("11.38", "999"))
    return write(tmp, "in/run-concurrency10/" + GP_CSV.name, "".join(lines))


def dup_json_key(tmp: Path) -> Path:
    text = GP_JSON.read_text()
    d = json.loads(text)
    block = json.dumps(d["request_throughput"])
    body = json.dumps(d, indent=2)
    body = body.replace(
        '  "request_throughput"',
        '  "request_throughput": {"avg": 999, "unit": "requests/sec"},\n  "request_throughput"',
        1,
    )
    assert block
    return write(tmp, "in/cfg-concurrency10/" + GP_JSON.name, body)


RESULT_CASES = [
    ("json key twice", dup_json_key, ["field 'request_throughput'", "twice", "column 3"]),
    ("jsonl key twice", lambda t: write(t, "in/" + SGL.name, SGL.read_text().splitlines()[0][:-1] + ', "duration": 1}'),
     ["field 'duration'", "twice", "line 1"]),
    ("csv column twice", csv_text("config,concurrency,rps,isl,osl,ttft_avg_ms,rps\na,1,5,100,50,40,999\n"),
     ["field 'rps'", "columns 3 and 7"]),
    ("genai-perf csv row twice", gp_csv_dup_row, ["Request Throughput", "twice", "lines"]),
    ("throughput 1e308", gp_set("request_throughput", "1e308"), ["rps (requests/s)", "at most"]),
    ("throughput 5e-324", gp_set("request_throughput", "5e-324"), ["rps (requests/s)", "at least"]),
    ("isl 1e308", gp_set("input_sequence_length", "1e308"), ["isl", "at most"]),
    ("sglang duration 5e-324", sglang_line(duration=5e-324), ["rps (requests/s)", "got inf"]),
    ("csv latency 1e300", csv_text("config,concurrency,rps,isl,osl,ttft_avg_ms\na,1,5,100,50,1e300\n"),
     ["ttft_avg latency", "at most"]),
    ("csv concurrency 1e300", csv_text("config,concurrency,rps,isl,osl,ttft_avg_ms\na,1e300,5,100,50,40\n"),
     ["concurrency", "at most"]),
]  # fmt: skip


@pytest.mark.parametrize(("name", "build", "fragments"), RESULT_CASES, ids=[c[0] for c in RESULT_CASES])
def test_result_file_duplicates_and_extremes_are_exit_2(name, build, fragments, tmp_path, capsys, fast):
    f = build(tmp_path)
    out = tmp_path / "out"
    previous_outputs(out)
    rc, _, err = run([str(f), "-a", str(write(tmp_path, "a.yaml", RULES)), "--out", str(out)], capsys)
    assert_refused(rc, err, [str(f), *fragments])
    assert_previous_untouched(out)


def test_a_tiny_positive_demand_still_gets_one_server(tmp_path, capsys, fast):
    """peak 1e-6 req/s on an instance that serves 1e9: the ratio 1e-15 rounds up to 1 instance, never to 0."""
    f = write(tmp_path, "p.csv", "config,concurrency,rps,isl,osl,ttft_avg_ms\na,1,1000000000,100,50,40\n")
    a = write(tmp_path, "a.yaml", RULES + "demand: {peak_requests_per_second: 1.0e-6}\n")
    rc, _, err = run([str(f), "-a", str(a), "--out", str(tmp_path / "out")], capsys)
    assert rc == 0, err
    r = json.loads((tmp_path / "out" / "summary.json").read_text())["recommended"]
    assert (r["model_instances"], r["total_gpus"], r["servers"]) == (1, 1, 1)
    assert r["total_yearly_cost"] == pytest.approx(320_000 / 4 + 3_000 + 4_500)


def test_extreme_but_allowed_values_give_finite_figures(tmp_path, capsys, fast):
    """Every input at the far end of its bounds at once: exit 0, every number in summary.json finite."""
    f = write(tmp_path, "p.csv", "config,concurrency,rps,isl,osl,ttft_avg_ms\na,1,0.000001,0.001,0.001,40\n")
    a = write(
        tmp_path,
        "a.yaml",
        RULES + "demand: {peak_requests_per_second: 1.0e+9, uptime: 0.0001, average_requests_per_second: 1.0e-9}\n"
        "hardware: [{initial_server_cost: 1.0e+12, gpus_per_server: 1, depreciation_period: 0.1, "
        "yearly_hosting_cost: 1.0e+12, server_power_kw: 10000, pue: 10, electricity_price_per_kwh: 1000, "
        "cloud_price_per_gpu_hour: 5.0e-324}]\n"
        "reference_prices: {input_per_1m_tokens: 1.0e-6, output_per_1m_tokens: 1.0e+6}\n"
        "sizing: {target_utilisation: 0.01, spare_servers: 1000000}\n"
        "finance: {cost_of_capital: 5.0e-324}\n"
        "hosted_api: {input_per_1m_tokens: 1.0e+6, output_per_1m_tokens: 1.0e+6}\n"
        "plan: {years: 100, demand_growth_per_year: 10}\n",
    )
    rc, _, err = run([str(f), "-a", str(a), "--out", str(tmp_path / "out")], capsys)
    assert rc == 0, err
    json.loads((tmp_path / "out" / "summary.json").read_text(), parse_constant=_no_constant)


def _no_constant(name: str) -> None:
    raise AssertionError(f"summary.json holds {name}")


# ----------------------------------------------------------------------------------------- 5. text
BAD_TEXT = ["\x01", "\x1f", "\ufffe", "\uffff", "\ud800", "\U0001fffe", "\ufdd0", "\x00"]


@pytest.mark.parametrize("bad", BAD_TEXT, ids=[f"U+{ord(c):04X}" for c in BAD_TEXT])
def test_text_that_cannot_live_in_xml_is_replaced_the_same_everywhere(bad, tmp_path, capsys):
    """A model name (from the file) and a config folder name with the character: every output shows U+FFFD."""
    root = tmp_path / "sweep"
    folder = "cfg" + (bad if bad not in ("\x00", "\ud800") else "")  # a file name cannot hold NUL or a surrogate
    d = json.loads(GP_JSON.read_text())
    d["input_config"]["model"] = [f"model{bad}x"]
    write(root, f"{folder}/run-concurrency10/{GP_JSON.name}", json.dumps(d))
    a = write(tmp_path, "a.yaml", RULES)
    out = tmp_path / "out"
    rc, stdout, err = run([str(root), "-a", str(a), "--out", str(out)], capsys)
    assert rc == 0, err
    summary = (out / "summary.json").read_text()
    data = json.loads(summary)
    assert bad not in summary and bad not in stdout
    expected_config = clean(folder)
    assert data["recommended"]["config"] == expected_config
    with zipfile.ZipFile(out / "tco_report.xlsx") as z:  # every part well-formed XML, the name in the strings
        from defusedxml import ElementTree

        for name in z.namelist():
            if name.endswith(".xml"):
                ElementTree.fromstring(z.read(name))
        assert f"model{REPLACEMENT}x".encode() in z.read("xl/sharedStrings.xml")
    html = (out / "tco_report.html").read_text()
    assert bad not in html and f"model{REPLACEMENT}x" in html


def test_yaml_names_are_cleaned_like_file_names(tmp_path, capsys, fast):
    a = write(tmp_path, "a.yaml", RULES + 'hardware: [{name: "h\\x01100"}]\n')
    rc, _, err = run([str(GP_SWEEP), "-a", str(a), "--out", str(tmp_path / "out")], capsys)
    assert rc == 0, err
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["recommended"]["hardware"] == f"h{REPLACEMENT}100"


def test_summary_chart_says_when_it_leaves_configs_out_and_no_warning_leaks(tmp_path):
    from tco_report.workbook import write_workbook

    rows = "".join(f"c{i:03d},1,{5 + i % 7},100,50,{40 + i % 13}\n" for i in range(300))
    f = write(tmp_path, "p.csv", "config,concurrency,rps,isl,osl,ttft_avg_ms\n" + rows)
    report = api.run([f], write(tmp_path, "a.yaml", RULES))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        write_workbook(report, tmp_path / "w.xlsx", tool_version="t")
    assert not caught, [str(w.message) for w in caught]
    with zipfile.ZipFile(tmp_path / "w.xlsx") as z:
        charts = b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/charts/chart"))
    assert b"the first 254 of 300 configs (an Excel chart holds 255 series)" in charts
    assert charts.count(b"<c:ser>") == 254 + 1 + 1  # 254 configs + the SLA line, and the cost bars


def test_library_warnings_become_notes(tmp_path, capsys, fast, monkeypatch):
    import tco_report.api as calc  # the API calls the calculator: the warning comes from inside the run

    real = calc.calculate

    def noisy(*a, **k):  # noqa: ANN002, ANN003, ANN202
        warnings.warn("Must specify 'values' in add_series()", UserWarning, stacklevel=1)
        return real(*a, **k)

    monkeypatch.setattr(calc, "calculate", noisy)
    rc, stdout, err = run(
        [str(GP_SWEEP), "-a", str(write(tmp_path, "a.yaml", RULES)), "--out", str(tmp_path / "o")], capsys
    )
    assert rc == 0 and err == ""
    assert "note: a library warned: UserWarning: Must specify 'values' in add_series()" in stdout


# ------------------------------------------------------------------------------ 6. damaged workbooks
WORKBOOK_CASES = [
    ("name at #REF!", hw.name_to("uptime", "#REF!"), ["field 'uptime'", "#REF!", "deleted"]),
    ("name at Inputs!#REF!", hw.name_to("GPUsPerServer", "Inputs!#REF!"), ["GPUsPerServer", "#REF!"]),
    ("name at nonsense", hw.name_to("uptime", "Inputs!$D$8:banana"), ["field 'uptime'", "expected a sheet and cells"]),
    ("text in a number cell", hw.cell_value(hw.BENCHMARKS, "G3", "abc"), ["Benchmarks!G3", "number cell", "'abc'"]),
    ("shared string out of range", hw.cell_value(hw.BENCHMARKS, "B2", "99999"), ["Benchmarks!B2", "shared string"]),
    ("shared string not a number", hw.cell_value(hw.BENCHMARKS, "B2", "x"), ["Benchmarks!B2", "shared string"]),
    ("truncated Benchmarks", hw.truncate(hw.BENCHMARKS), ["Benchmarks", "damaged or cut short", "after Benchmarks!"]),
    ("truncated Inputs", hw.truncate(hw.INPUTS, 0.7), ["Inputs", "damaged or cut short"]),
    ("truncated workbook.xml", hw.truncate("xl/workbook.xml"), ["xl/workbook.xml", "damaged XML"]),
    ("deleted input name", hw.delete_name("uptime"), ["uptime", "no defined name uptime", "Name Manager"]),
    ("deleted range name", hw.delete_name("bmRps"), ["bmRps", "no defined name"]),
    ("deleted extension name", hw.delete_name("hwPUE"), ["hwPUE", "no defined name"]),
    ("used range to XFD1048576", hw.huge_used_range(hw.BENCHMARKS), ["XFD1048576", "used range"]),
    ("a cell at XFD1048576, no dimension", hw.no_dimension_huge_row(hw.BENCHMARKS),
     ["Benchmarks!XFD1048576", "column 16,384"]),
    ("error value in an input", hw.sub(hw.INPUTS, '<c r="D8"([^>]*)><v>[^<]*</v>', r'<c r="D8"\1 t="e"><v>#N/A</v>'),
     ["Inputs!D8", "#N/A"]),
    ("boolean garbage", hw.sub(hw.BENCHMARKS, '<c r="G3"([^>]*)><v>[^<]*</v>', r'<c r="G3"\1 t="b"><v>7</v>'),
     ["Benchmarks!G3", "boolean"]),
]  # fmt: skip


@pytest.mark.parametrize(("name", "edit", "fragments"), WORKBOOK_CASES, ids=[c[0] for c in WORKBOOK_CASES])
def test_damaged_workbook_is_exit_2_naming_sheet_and_cell(name, edit, fragments, good_workbook, tmp_path, capsys, fast):
    wb = hw.rewrite(good_workbook, tmp_path / "damaged.xlsx", edit)
    before = wb.read_bytes()
    out = tmp_path / "out"
    previous_outputs(out)
    rc, _, err = run(["--from-workbook", str(wb), "--out", str(out)], capsys)
    assert_refused(rc, err, [str(wb), *fragments])
    assert wb.read_bytes() == before
    assert_previous_untouched(out)


def test_good_workbook_reads_back_through_the_new_reader(good_workbook, tmp_path, capsys, fast):
    """The same points and assumptions as the run that wrote it (the reader is not only strict)."""
    from tco_report.workbook import read_workbook

    a = write(tmp_path, "a.yaml", RULES)
    report = api.run([GP_SWEEP], a)
    back = read_workbook(good_workbook)
    assert [(p.config, pytest.approx(p.rps, rel=1e-15), p.concurrency) for p in back.points] == [
        (p.config, p.rps, p.concurrency) for p in report.points
    ]
    assert back.assumptions.hardware == report.assumptions.hardware
    assert back.cached["totalYearlyCost"].value == pytest.approx(report.recommended.total_yearly_cost)
    assert math.isclose(back.assumptions.uptime, 1.0)


def test_the_most_sla_constraints_allowed_keep_every_formula_under_excels_limit(tmp_path):
    """MAX_SLA_CONSTRAINTS constraints (each ANDed into the feasibility formulas): no formula reaches 8,192
    characters, Excel's limit; one more constraint is refused before any work."""
    import re as _re

    from tco_report.names import MAX_SLA_CONSTRAINTS
    from tco_report.workbook import write_workbook

    n = MAX_SLA_CONSTRAINTS
    text = (
        RULES
        + "sla:\n"
        + "".join(
            f"  - {{metric: {'ttft' if i % 2 else 'e2e'}, statistic: avg, max_ms: {100000 + i}}}\n" for i in range(n)
        )
    )
    report = api.run([GP_SWEEP], write(tmp_path, "a.yaml", text))
    write_workbook(report, tmp_path / "w.xlsx", tool_version="t")
    with zipfile.ZipFile(tmp_path / "w.xlsx") as z:
        longest = max(
            len(f)
            for name in z.namelist()
            if name.startswith("xl/worksheets/sheet")
            for f in _re.findall(r"<f>([^<]*)</f>", z.read(name).decode())
        )
    assert 200 < longest < 8192, longest


def test_too_many_configs_or_points_is_exit_2(tmp_path, capsys, fast, monkeypatch):
    import tco_report.ingest as ingest

    rows = "".join(f"c{i},1,5,100,50,40\n" for i in range(4))
    f = write(tmp_path, "p.csv", "config,concurrency,rps,isl,osl,ttft_avg_ms\n" + rows)
    a = write(tmp_path, "a.yaml", RULES)
    monkeypatch.setattr(ingest, "MAX_CONFIGS", 3)
    rc, _, err = run([str(f), "-a", str(a), "--out", str(tmp_path / "o")], capsys)
    assert_refused(rc, err, [f"{f}: holds 4 configs", "at most 3"])
    monkeypatch.setattr(ingest, "MAX_POINTS", 2)
    rc, _, err = run([str(f), "-a", str(a), "--out", str(tmp_path / "o")], capsys)
    assert_refused(rc, err, ["holds 4 benchmark points", "at most 2"])


def _naive_first(rules, config):  # noqa: ANN001, ANN202
    import fnmatch

    return next((r for r in rules if fnmatch.fnmatchcase(config, r.match)), None)


def test_indexed_rule_lookup_is_the_first_glob_match():
    """The by-name index of literal rules (read-back workbooks) picks exactly the rule first-match globbing does."""
    import glob

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from tco_report.model import ConfigRule
    from tco_report.sizing import _first_rule

    alphabet = st.sampled_from(list("ab*?[]!-"))
    names = st.text(alphabet=st.sampled_from(list("ab[]*?-")), max_size=5)
    pattern = st.one_of(st.text(alphabet=alphabet, max_size=5), names.map(glob.escape))

    @settings(max_examples=300, deadline=None)
    @given(patterns=st.lists(pattern, max_size=8), config=names)
    def check(patterns, config):  # noqa: ANN001, ANN202
        rules = tuple(ConfigRule(match=p, gpus_per_instance=i + 1) for i, p in enumerate(patterns))
        assert _first_rule(rules, config) is _naive_first(rules, config)

    check()


def test_the_fast_sheet_scan_and_the_element_parse_read_the_same_cells(good_workbook):
    """Sheets in the usual layout are scanned with regular expressions; any other layout is parsed as elements.
    Both read every sheet of a real workbook to the same cells (formula, value, kind)."""
    from tco_report.workbook.xlsx import Package

    pkg = Package(good_workbook, good_workbook.read_bytes())
    for title, member in pkg.sheet_paths.items():
        data = pkg.zip.read(member)
        fast = pkg._scan_sheet(title, data)
        assert fast is not None, title
        assert fast.rows == pkg._parse_sheet_tree(title, data).rows, title
        assert sum(len(r) for r in fast.rows.values()) >= 5, title  # every sheet holds a title and notes at least


def test_the_fast_sheet_scan_reads_character_references_as_xml_does(good_workbook):
    """Any text, written raw or as decimal/hex character references (C1 controls, line ends, markup characters
    included), reads the same through the regular-expression scan as through the XML element parse: the scan must
    not take &#155; for windows-1252's U+203A as HTML does, or a control character passes the cleaning disguised."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from tco_report.workbook.xlsx import Package

    pkg = Package(good_workbook, good_workbook.read_bytes())
    xml_char = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufffe\uffff").filter(
        lambda c: c in "\t\n\r" or c >= " "
    )

    def written(ch: str, how: int) -> str:
        if how == 1:
            return f"&#{ord(ch)};"
        if how == 2:
            return f"&#x{ord(ch):X};"
        return {"<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;"}.get(ch, ch)

    @settings(max_examples=200, deadline=None)
    @given(st.lists(st.tuples(xml_char, st.integers(0, 2)), min_size=1, max_size=12))  # <v></v>: apart
    def check(chars):  # noqa: ANN001, ANN202
        body = "".join(written(c, how) for c, how in chars)
        data = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
            f'<c r="A1" t="inlineStr"><is><t>{body}</t></is></c><c r="B1" t="str"><f>"{body}"</f><v>{body}</v></c>'
            "</row></sheetData></worksheet>"
        ).encode()
        fast = pkg._scan_sheet("S", data)
        assert fast is not None
        assert fast.rows == pkg._parse_sheet_tree("S", data).rows

    check()
    data = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
        b'<c r="A1" t="inlineStr"><is><t>x&#155;&#x9B;</t></is></c></row></sheetData></worksheet>'
    )
    assert pkg._scan_sheet("S", data).rows[1][1].value == "x\x9b\x9b"


def _stop_from_another_thread_inside(monkeypatch, call: str, when: Callable[[tuple], bool]) -> threading.Event:
    """SIGTERM sent to this process right after the first ``os.<call>`` that ``when`` picks, with a second thread
    running (as numpy's or the PDF engine's are in a real run). The kernel hands the signal to a thread that does not
    block it, and Python runs the handler in the main thread at its next bytecode, wherever that is."""
    idle = threading.Event()
    threading.Thread(target=idle.wait, daemon=True).start()
    real = getattr(os, call)
    fired = threading.Event()

    def then_stop(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        result = real(*args, **kwargs)
        if not fired.is_set() and when(args):
            fired.set()
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.05)  # the C-level handler has run (in whichever thread) by now
        return result

    monkeypatch.setattr(os, call, then_stop)
    return fired


def _run_staging_until_stopped(out: Path) -> None:
    from tco_report.outputs import Staging

    def stop(signum, frame):  # noqa: ANN001, ANN202
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGTERM, stop)
    try:
        with pytest.raises(KeyboardInterrupt), Staging(out, OUTPUTS) as stage:
            for name in OUTPUTS:
                stage.path(name).write_text("new")
    finally:
        signal.signal(signal.SIGTERM, old)


def test_a_stop_just_as_a_temporary_file_is_made_leaves_no_temporary(tmp_path, monkeypatch):
    """The file exists but has not been recorded yet when the handler raises: it must still be removed (a signal
    mask on the main thread cannot hold a signal another thread takes, so the path is recorded before it exists)."""
    out = tmp_path / "out"
    previous_outputs(out)
    fired = _stop_from_another_thread_inside(monkeypatch, "open", lambda a: str(a[0]).endswith(".tmp"))
    _run_staging_until_stopped(out)
    assert fired.is_set()
    assert_previous_untouched(out)


@pytest.mark.parametrize("call", ["link", "replace"])
def test_a_stop_in_the_middle_of_the_swap_keeps_the_earlier_set_and_leaves_nothing_aside(call, tmp_path, monkeypatch):
    """SIGTERM while the earlier outputs are being kept aside or the new ones moved in: the earlier set is back
    whole, no kept-aside or temporary file is left, and the stop is still delivered."""
    out = tmp_path / "out"
    previous_outputs(out)
    fired = _stop_from_another_thread_inside(monkeypatch, call, lambda a: True)
    _run_staging_until_stopped(out)
    assert fired.is_set()
    assert_previous_untouched(out)


def test_a_stop_asked_for_before_the_swap_replaces_nothing(tmp_path):
    """SIGTERM already pending when the outputs would be swapped: none is replaced, no temporary file is left, and
    the signal is delivered once the swap is skipped."""
    from tco_report.outputs import Staging

    out = tmp_path / "out"
    previous_outputs(out)

    def stop(signum, frame):  # noqa: ANN001, ANN202
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGTERM, stop)
    try:
        with pytest.raises(KeyboardInterrupt):
            try:
                with Staging(out, OUTPUTS) as stage:
                    for name in OUTPUTS:
                        stage.path(name).write_text("new")
                    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
                    os.kill(os.getpid(), signal.SIGTERM)
            finally:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    finally:
        signal.signal(signal.SIGTERM, old)
    assert_previous_untouched(out)
