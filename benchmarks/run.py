"""The performance benchmark (issues 8 and 14): one command, per-stage wall time, CPU time and peak RSS, against the
targets.

    PYTHONPATH=. python benchmarks/run.py                   # sizes large, warned; writes benchmarks/RESULTS.md
    PYTHONPATH=. python benchmarks/run.py --sizes small --repeat 1 --no-libreoffice     # a quick look

For each size it generates (once, cached under --work) a seeded synthetic GenAI-Perf sweep with
``benchmarks/make_sweep.py`` and runs, each in a fresh Python process:

* the full report, in-process through ``tco_report.cli.main`` (exactly what ``tco-report SWEEP -a FILE`` does), with
  the stage functions wrapped by timers: read, analyse, view, charts, html, PDF, workbook, json; ``import`` is
  loading the writer modules, ``other`` is the rest (terminal table, staging, ...). A stage whose module is not on
  this branch yet shows "-". Times are exclusive. The run's wall and CPU time go from the process's start to the
  end of the run: the worker's bookkeeping after it (pypdf counting the PDF's pages, summary.json parsed for its
  warnings) is not the tool's cost and is left out.
* the floor: ``os.walk`` and ``json.load`` of every result file (``*_genai_perf.json``) plus the benchmark rows
  written to an xlsx, by XlsxWriter in constant_memory mode (no formulas, charts or styles) and by ``minimal_xlsx``
  (the parts joined as text): the least any tool must do with them.

Peak RSS: the kernel's own high-water mark, read from /proc/self/status (VmHWM) and reset before each stage by
writing 5 to /proc/self/clear_refs, in a fresh process per measurement. Why: it counts every byte resident,
including C allocations of matplotlib, Typst and XlsxWriter's temp buffers, which tracemalloc
never sees; it costs nothing, so timings are not distorted (tracemalloc slows Python 2-3x); and it cannot miss a
short spike the way RSS sampling from a thread can. A stage's figure is the process's peak during that stage, so it
includes what earlier stages still hold: what the 1 GB target is about. Where clear_refs cannot be written, the
figures fall back to ``resource.getrusage`` maxrss (cumulative).

Also measured: ``tco-report --out DIR`` on the embedded example (median of 5, wall and CPU time) and
``tco-report --help`` (median of 7), both as subprocesses, with an empty ``python -c pass`` beside them for
scale; and, when the large run wrote a workbook, LibreOffice headless opening and recalculating it
(``--convert-to xlsx``, fresh profile with OOXMLRecalcMode 0 = always recalculate).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# name: (configs, concurrency levels, requests in each run's raw profile_export.json; 0 = aggregates only).
# "raw" is opt-in: a real GenAI-Perf artifacts tree (1.7 GB, 90 s to generate) to time what the readers skip.
SIZES = {
    "small": (20, 16, 0),
    "half": (100, 32, 0),
    "large": (200, 32, 0),
    "warned": (200, 32, 0),  # the large sweep with every point off Little's law: a data warning on each
    "raw": (20, 16, 100),
}
WARNED = {"warned"}
STAGE_ORDER = ("import", "read", "analyse", "view", "charts", "html", "pdf", "workbook", "json", "other")

# (stage, module, function): the functions the CLI's run goes through. Wrapping is by identity, so every module
# that imported the function by name sees the timed one too.
STAGE_FUNCTIONS = (
    ("read", "tco_report.api", "load"),
    ("read", "tco_report.ingest", "read_paths"),
    ("analyse", "tco_report.calculator", "calculate"),
    ("workbook", "tco_report.workbook.writer", "write_workbook"),
    ("view", "tco_report.report.view", "build"),
    ("charts", "tco_report.report.charts", "draw_all"),
    ("html", "tco_report.report.html", "write_html"),
    ("pdf", "tco_report.report.pdf", "write_pdf"),
    ("json", "tco_report.summary", "write_summary"),
)
WRITER_MODULES = ("tco_report.cli", "tco_report.api", "tco_report.calculator", "tco_report.summary")
OPTIONAL_MODULES = (
    "tco_report.workbook.writer",
    "tco_report.report.view",
    "tco_report.report.charts",
    "tco_report.report.html",
    "tco_report.report.pdf",
)

TARGETS = {  # issue 14
    "example_s": 2.0,
    "large_s": 6.0,
    "large_rss_mb": 1024.0,
    "warned_s": 8.0,
    "warned_pages": 40,
    "ratio": 3.0,  # issue 8: (read + analyse + workbook) / floor
    "linear": 2.2,
    "help_s": 0.3,
    "libreoffice_s": 60.0,
}


# ---------------------------------------------------------------------------------------------- in the worker


class Meter:
    """Exclusive wall time and peak RSS per stage, for nested timed calls."""

    def __init__(self) -> None:
        self.time: dict[str, float] = {}
        self.cpu: dict[str, float] = {}  # exclusive CPU time of this process (time.process_time), per stage
        self.rss_kb: dict[str, int] = {}
        self.calls: dict[str, int] = {}
        self.peak_kb = 0
        self.returned: dict[str, Any] = {}  # the last value each stage returned (the Report, from analyse)
        self._stack: list[list[Any]] = []  # [stage, start, child_time, peak_kb]
        self._resettable = _reset_hwm()

    def _checkpoint(self) -> None:
        """Fold the high-water mark since the last reset into every open stage, then reset it."""
        hwm = _hwm_kb()
        self.peak_kb = max(self.peak_kb, hwm)
        for frame in self._stack:
            frame[3] = max(frame[3], hwm)
        if self._resettable:
            _reset_hwm()

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        self._checkpoint()
        frame = [name, time.perf_counter(), 0.0, 0, time.process_time(), 0.0]
        self._stack.append(frame)
        try:
            yield
        finally:
            self._checkpoint()
            self._stack.pop()
            elapsed = time.perf_counter() - frame[1]
            used = time.process_time() - frame[4]
            self.time[name] = self.time.get(name, 0.0) + elapsed - frame[2]
            self.cpu[name] = self.cpu.get(name, 0.0) + used - frame[5]
            self.rss_kb[name] = max(self.rss_kb.get(name, 0), frame[3])
            self.calls[name] = self.calls.get(name, 0) + 1
            if self._stack:
                self._stack[-1][2] += elapsed
                self._stack[-1][5] += used

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.stage(name):
                result = fn(*args, **kwargs)
            self.returned[name] = result
            return result

        return timed


def _hwm_kb() -> int:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _reset_hwm() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _instrument(meter: Meter) -> list[str]:
    """Wrap the stage functions wherever they are bound in tco_report's modules; return the stages found."""
    found = []
    for stage, mod_name, attr in STAGE_FUNCTIONS:
        try:
            mod = importlib.import_module(mod_name)
        except ImportError:
            continue
        if "." in attr:  # a method: wrap it on its class
            cls_name, meth = attr.split(".", 1)
            cls = getattr(mod, cls_name, None)
            fn = getattr(cls, meth, None) if cls is not None else None
            if fn is None:
                continue
            setattr(cls, meth, meter.wrap(stage, fn))
            found.append(stage)
            continue
        fn = getattr(mod, attr, None)
        if fn is None:
            continue
        timed = meter.wrap(stage, fn)
        for m in list(sys.modules.values()):
            if getattr(m, "__name__", "").startswith("tco_report"):
                for k, v in list(vars(m).items()):
                    if v is fn:
                        setattr(m, k, timed)
        found.append(stage)
    return found


def worker_full(sweep: str, assumptions: str, out: str) -> dict[str, Any]:
    """The CLI's run, in this process, stage by stage."""
    t0 = time.perf_counter()
    meter = Meter()
    with meter.stage("import"):
        for name in WRITER_MODULES + OPTIONAL_MODULES:
            with contextlib.suppress(ImportError):
                importlib.import_module(name)
    stages = _instrument(meter)
    from tco_report import __version__, cli

    with meter.stage("other"):
        code = cli.main([sweep, "--assumptions", assumptions, "--out", out, "--quiet"])
    if code != 0:
        raise SystemExit(f"tco-report exited with {code}")
    direct = _writers_not_wired(meter, Path(out), __version__)
    # The run ends here: what follows is the harness's own bookkeeping (pypdf counting the PDF's pages, summary.json
    # parsed for its warnings: ~0.3 s CPU on a large sweep), left out of the run's CPU and wall time.
    run_end = time.perf_counter()
    run_cpu = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
    total = run_end - t0
    # The run's children, if it ever starts any (it starts none today); ru_maxrss is the largest child's peak.
    child = resource.getrusage(resource.RUSAGE_CHILDREN)
    child_mb = child.ru_maxrss / 1024
    return {
        "time": meter.time,
        "cpu": meter.cpu,
        "rss_mb": {k: v / 1024 for k, v in meter.rss_kb.items()},
        # Both processes' peaks added: an upper bound on the run's memory at any one moment.
        "peak_mb": meter.peak_kb / 1024 + child_mb,
        "parent_peak_mb": meter.peak_kb / 1024,
        "child_cpu_s": child.ru_utime + child.ru_stime,
        "child_peak_mb": child_mb,
        "total_s": total,
        "stages": sorted(set(stages) | {"import", "other"}),
        "outputs": sorted(os.listdir(out)),
        "direct": direct,
        "pdf_pages": _pages(Path(out) / "tco_report.pdf"),
        "warnings": len(json.loads((Path(out) / "summary.json").read_text()).get("warnings", [])),
        "self_cpu_s": run_cpu,  # the process's CPU from its start to the end of the run
        "harness_after_s": time.perf_counter() - run_end,
    }


def _pages(path: Path) -> int | None:
    try:
        import pypdf
    except ImportError:
        return None
    return len(pypdf.PdfReader(str(path)).pages) if path.exists() else None


def _writers_not_wired(meter: Meter, out: Path, version: str) -> list[str]:
    """Writers that are on this commit but that the command line does not call yet: call them as it will, on the
    same Report, so that their cost is measured from the day they are merged. Returns the ones called."""
    report = meter.returned.get("analyse")
    called = []
    if report is None:
        return called
    if "workbook" not in meter.time:
        with contextlib.suppress(ImportError):
            from tco_report.workbook import writer

            writer.write_workbook(report, out / "tco_report.xlsx", tool_version=version)
            called.append("workbook")
    return called


LATENCY_KEYS = (("time_to_first_token", "ttft"), ("inter_token_latency", "itl"), ("request_latency", "e2e"))


def worker_floor(sweep: str, out: str) -> dict[str, Any]:
    """The floor: json.load every JSON file, then write its rows to an xlsx with no formulas, charts or styles."""
    t0 = time.perf_counter()
    meter = Meter()
    with meter.stage("import"):
        import xlsxwriter
    rows: list[list[Any]] = []
    stats: list[tuple[str, str]] = []
    with meter.stage("json.load"):
        for dirpath, dirnames, filenames in os.walk(sweep):
            dirnames.sort()
            for name in sorted(filenames):
                if not name.endswith("_genai_perf.json"):  # the result files, not raw exports or payloads
                    continue
                with open(os.path.join(dirpath, name), "rb") as f:
                    d = json.load(f)
                config = os.path.relpath(dirpath, sweep).split(os.sep)[0]
                row = [
                    config,
                    d["input_config"]["concurrency"],
                    d["request_throughput"]["avg"],
                    d["input_sequence_length"]["avg"],
                    d["output_sequence_length"]["avg"],
                    d["output_token_throughput"]["avg"],
                ]
                # Every statistic the file gives (not std, which the readers drop), as the workbook's Benchmarks
                # table holds them: the floor writes the same data cells, without formulas or styles.
                stats = stats or [(k, s) for k, _ in LATENCY_KEYS for s in d[k] if s not in ("unit", "std")]
                row += [d[k].get(s) for k, s in stats]
                row.append(os.path.join(dirpath, name))
                rows.append(row)
    head = ["config", "concurrency", "rps", "isl", "osl", "output_tps"]
    head += [f"{k}_{s}_ms" for k, s in stats] + ["source"]
    with meter.stage("xlsx"):
        wb = xlsxwriter.Workbook(os.path.join(out, "floor.xlsx"), {"constant_memory": True})
        ws = wb.add_worksheet("Benchmarks")
        ws.write_row(0, 0, head)
        for r, row in enumerate(rows, start=1):
            ws.write_row(r, 0, row)
        wb.close()
    with meter.stage("minimal xlsx"):
        minimal_xlsx(os.path.join(out, "minimal.xlsx"), [head, *rows])
    return {
        "time": meter.time,
        "cpu": meter.cpu,
        "rss_mb": {k: v / 1024 for k, v in meter.rss_kb.items()},
        "peak_mb": meter.peak_kb / 1024,
        "total_s": time.perf_counter() - t0,
        "files": len(rows),
    }


_XLSX_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.'
    'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxml'
    'formats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName'
    '="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.worksheet+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org'
    '/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.'
    'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="Benchmarks" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="'
    'http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>",
}


def minimal_xlsx(path: str, rows: list[list[Any]]) -> None:
    """The least an xlsx of these rows needs: four fixed parts and one sheet of numbers and inline strings, joined
    as text and deflated (no styles, no shared strings, no library)."""
    import zipfile
    from xml.sax.saxutils import escape

    def cell(v: Any) -> str:
        if isinstance(v, bool) or v is None:
            return "<c/>"
        if isinstance(v, int | float):
            return f"<c><v>{v!r}</v></c>"
        return f'<c t="inlineStr"><is><t>{escape(str(v))}</t></is></c>'

    body = "".join("<row>" + "".join(cell(v) for v in row) + "</row>" for row in rows)
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main"><sheetData>{body}</sheetData></worksheet>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, text in _XLSX_PARTS.items():
            z.writestr(name, text)
        z.writestr("xl/worksheets/sheet1.xml", sheet)


# ---------------------------------------------------------------------------------------------- in the parent


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.pop("CI", None)
    return env


def _child(args: list[str]) -> tuple[dict[str, Any], float]:
    """Run this script as a worker in a fresh interpreter; its JSON result and the wall time seen from outside."""
    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args], capture_output=True, text=True, env=_env(), cwd=ROOT
    )
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"worker {args[:2]} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1]), wall


def ensure_sweep(work: Path, size: str, seed: int) -> tuple[Path, Path, int]:
    """The sweep of a size, generated once per (size, seed, generator version)."""
    sys.path.insert(0, str(HERE))
    import make_sweep

    configs, levels, raw = SIZES[size]
    off = size in WARNED
    stamp = f"{configs}x{levels} raw={raw} off={off} seed={seed} gen={_file_hash(HERE / 'make_sweep.py')}"
    root = work / f"sweep-{size}"
    marker = work / f"sweep-{size}.stamp"
    if not (marker.exists() and marker.read_text() == stamp and root.exists()):
        print(f"generating {size} sweep ({configs} configs x {levels} levels) in {root} ...", file=sys.stderr)
        make_sweep.make_sweep(root, configs, levels, seed, raw_requests=raw, off_littles_law=off)
        marker.write_text(stamp)
    return root, root / "assumptions.yaml", configs * levels


def _file_hash(p: Path) -> str:
    import hashlib

    return hashlib.sha256(p.read_bytes()).hexdigest()[:12]


def _median_wall(cmd: list[str], n: int, cwd: Path) -> tuple[float, list[float], float]:
    """Median wall time of ``n`` runs, the runs' wall times, and the median CPU time (user + system) of the runs."""
    times, cpus = [], []
    for _ in range(n):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, env=_env(), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(times), times, statistics.median(cpus)


def measure_size(size: str, work: Path, seed: int, repeat: int) -> dict[str, Any]:
    sweep, assumptions, n_files = ensure_sweep(work, size, seed)
    fulls, floors = [], []
    for _ in range(repeat):
        out = work / f"out-{size}"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        full, wall = _child(["--worker", "full", str(sweep), str(assumptions), str(out)])
        full["wall_s"] = wall - full.get("harness_after_s", 0.0)  # from outside, less the bookkeeping after the run
        fulls.append(full)
        floor_out = work / f"floor-{size}"
        shutil.rmtree(floor_out, ignore_errors=True)
        floor_out.mkdir(parents=True)
        floor, fwall = _child(["--worker", "floor", str(sweep), str(floor_out)])
        floor["wall_s"] = fwall
        floors.append(floor)
    print(
        f"  {size}: {n_files} files, full {_med(fulls, 'wall_s'):.2f} s, floor {_med(floors, 'wall_s'):.2f} s",
        file=sys.stderr,
    )
    return {
        "size": size,
        "files": n_files,
        "full": _merge(fulls),
        "floor": _merge(floors),
        "out": str(work / f"out-{size}"),
    }


def _med(runs: list[dict[str, Any]], key: str) -> float:
    return statistics.median(r.get(key, 0.0) for r in runs)


def _merge(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Median of each figure over the repeats."""
    merged = dict(runs[-1])
    for key in ("time", "cpu", "rss_mb"):
        names = {k for r in runs for k in r.get(key, {})}
        merged[key] = {k: statistics.median(r.get(key, {}).get(k, 0.0) for r in runs) for k in names}
    for key in ("peak_mb", "total_s", "wall_s", "parent_peak_mb", "child_cpu_s", "child_peak_mb", "self_cpu_s"):
        merged[key] = _med(runs, key)
    return merged


def libreoffice_recalc(xlsx: Path, work: Path, mode: int = 0) -> dict[str, Any]:
    """Open a workbook in LibreOffice headless with a fresh profile and save it again; wall time and result.

    ``mode`` is Calc's OOXMLRecalcMode: 0 recalculates every formula on load, 1 never does (the baseline: the cost
    of loading and saving alone, so the recalculation's share shows)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return {"status": "soffice not found"}
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-", dir=work))
    user = profile / "user"
    user.mkdir(parents=True)
    (user / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        '<item oor:path="/org.openoffice.Office.Calc/Formula/Load">'
        f'<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>{mode}</value></prop></item>\n'
        "</oor:items>\n"
    )
    outdir = work / "lo-out"
    shutil.rmtree(outdir, ignore_errors=True)
    outdir.mkdir()
    cmd = [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "xlsx",
        "--outdir",
        str(outdir),
        str(xlsx),
    ]
    t = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        return {"status": "timeout (600 s)", "wall_s": time.perf_counter() - t}
    wall = time.perf_counter() - t
    converted = outdir / xlsx.name
    shutil.rmtree(profile, ignore_errors=True)
    ok = proc.returncode == 0 and converted.exists()
    return {
        "status": "ok" if ok else f"failed ({proc.returncode}): {proc.stderr.strip()[-300:]}",
        "wall_s": wall,
        "converted": str(converted),
    }


def libreoffice_probe(work: Path) -> str:
    """Prove the profile setting makes LibreOffice recalculate: a formula =1+1 cached as 999 must come back as 2."""
    import openpyxl
    import xlsxwriter

    probe = work / "recalc-probe.xlsx"
    wb = xlsxwriter.Workbook(str(probe))
    wb.add_worksheet().write_formula("A1", "=1+1", None, 999)
    wb.close()
    r = libreoffice_recalc(probe, work, mode=0)
    if r["status"] != "ok":
        return f"probe failed: {r['status']}"
    value = openpyxl.load_workbook(r["converted"], data_only=True).active["A1"].value
    return (
        "recalculation verified (probe =1+1 cached as 999 came back as 2)"
        if value == 2
        else f"NOT recalculated ({value})"
    )


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()


def _machine() -> dict[str, str]:
    mem_kb = 0
    with contextlib.suppress(OSError), open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True
    )
    branch = subprocess.run(["git", "rev-parse", "--abbrev-ref", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": str(os.cpu_count()),
        "memory": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "commit": commit.stdout.strip() + (" (with uncommitted changes)" if dirty.stdout.strip() else ""),
        "main": _git("rev-parse", "--short", "main"),
        "has_main": str(
            subprocess.run(["git", "merge-base", "--is-ancestor", "main", "HEAD"], cwd=ROOT).returncode == 0
        ),
        "branch": branch.stdout.strip(),
        "python": platform.python_version(),
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def _fmt_s(x: float | None) -> str:
    return "-" if x is None else (f"{x:.2f}" if x < 100 else f"{x:.0f}")


def _ok(value: float | None, target: float) -> str:
    if value is None:
        return "not measured"
    return "met" if value <= target else "**missed**"


def _runs(r: dict[str, Any]) -> str:
    raw = SIZES[r["size"]][2]
    return f"{r['files']:,} files" + (f" + raw exports of {raw} requests and inputs.json per run" if raw else "")


def report(results: list[dict[str, Any]], extra: dict[str, Any], machine: dict[str, str]) -> str:
    """The markdown that goes to RESULTS.md (and the README's performance section)."""
    by = {r["size"]: r for r in results}
    lines = [
        "# Performance benchmark",
        "",
        f"Measured {machine['date']} on commit `{machine['commit']}` (branch `{machine['branch']}`"
        + (f", which contains main at `{machine['main']}`" if machine["has_main"] == "True" else "")
        + "), "
        f"{machine['nproc']} CPUs, {machine['memory']} RAM, Python {machine['python']}, load average at start "
        f"{machine['load']}, at the end {extra.get('load_end', '-')}. Reproduce: `PYTHONPATH=. python"
        " benchmarks/run.py`"
        f" (sweeps are generated with seed {extra['seed']} by `benchmarks/make_sweep.py`). Wall times are medians of"
        f" {extra['repeat']} runs per sweep, 5 for the example, 7 for `--help`; CPU time (user + system of the run's"
        " process) is given beside them because the machine is shared: with a load above its core count, wall time"
        " says more about the other sessions than about this code.",
        "",
        "## Against the targets (issue 14)",
        "",
        "| target | wall | CPU | limit | |",
        "|---|---|---|---|---|",
    ]
    ex, ex_cpu = extra.get("example_s"), extra.get("example_cpu")
    lines.append(
        f"| example report end to end (`tco-report --out DIR`; fastest {_fmt_s(min(extra['example_runs']))} s) "
        f"| {_fmt_s(ex)} s | {_fmt_s(ex_cpu)} s | 2 s | wall {_ok(ex, TARGETS['example_s'])}, CPU "
        f"{_ok(ex_cpu, TARGETS['example_s'])} |"
    )
    for size, limit, key in (("large", TARGETS["large_s"], "large_s"), ("warned", TARGETS["warned_s"], "warned_s")):
        r = by.get(size)
        if not r:
            continue
        f = r["full"]
        what = "200 x 32 GenAI-Perf sweep (6,400 files)" + (
            f", a data warning on every point ({f.get('warnings', 0):,} warnings)" if size in WARNED else ""
        )
        lines.append(
            f"| {what}, full report | {_fmt_s(f['wall_s'])} s | {_fmt_s(f.get('self_cpu_s'))} s | {limit:g} s | "
            f"wall {_ok(f['wall_s'], TARGETS[key])}, CPU {_ok(f.get('self_cpu_s'), TARGETS[key])} |"
        )
        lines.append(
            f"| {size}: peak RSS summed over all processes | {f['peak_mb']:,.0f} MB | | 1,024 MB | "
            f"{_ok(f['peak_mb'], TARGETS['large_rss_mb'])} |"
        )
        pages = f.get("pdf_pages")
        if size in WARNED:
            lines.append(
                f"| {size}: PDF pages | {pages} | | {TARGETS['warned_pages']} | {_ok(pages, TARGETS['warned_pages'])} |"
            )
        else:
            lines.append(f"| {size}: PDF pages (for scale) | {pages} | | | |")
    h = extra.get("help_s")
    lines.append(
        f"| `tco-report --help` (fastest {_fmt_s(min(extra['help_runs']))} s) | {_fmt_s(h)} s | "
        f"{_fmt_s(extra.get('help_cpu'))} s | 0.3 s | {_ok(h, TARGETS['help_s'])} |"
    )
    lines += [
        "",
        f"For scale: an empty `python -c pass` takes {_fmt_s(extra.get('python_s'))} s on this machine (median of 7).",
        "",
        "## The floor",
        "",
        "The least any tool must do with these files: `os.walk` and `json.load` of every result file, then the rows"
        " written as an xlsx, two ways: XlsxWriter in `constant_memory` mode (no formulas, charts or styles; issue 8's"
        " floor), and a minimal xlsx joined as text and deflated (`minimal_xlsx` in run.py: four fixed parts and one"
        " sheet of numbers and inline strings). The ratio of the full report is given against the lower one.",
        "",
        "| sweep | json.load | xlsx (XlsxWriter) | minimal xlsx | lower floor, wall / CPU | full report / lower "
        "floor, wall / CPU | (read + analyse + workbook) / XlsxWriter floor, wall / CPU |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        fl = r["floor"]
        t = fl["time"]
        lines.append(
            f"| {r['size']} ({_runs(r)}) | {t['json.load']:.2f} s | {t['xlsx']:.2f} s | {t['minimal xlsx']:.2f} s | "
            f"{r['floor_min_s']:.2f} / {r['floor_min_cpu']:.2f} s | {r['ratio_full']:.2f} / {r['ratio_full_cpu']:.2f} "
            f"| {r['ratio']:.2f} / {r['ratio_cpu']:.2f} (target 3: {_ok(r['ratio_cpu'], TARGETS['ratio'])} in CPU) |"
        )
    lines += [
        "",
        "## Per stage: wall time (s) / CPU time (s) / peak RSS (MB)",
        "",
        "Each cell is the stage's exclusive wall time, its CPU time and the process's peak resident memory during the"
        " stage (kernel high-water mark, reset before each stage; a fresh process per measurement). The run is one"
        " process: the view model is built once, the charts drawn once for both the HTML and the PDF.",
        "",
    ]
    head = ["stage"] + [f"{r['size']} ({_runs(r)})" for r in results]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "---|" * len(head))
    for stage in STAGE_ORDER:
        row = [stage]
        for r in results:
            f = r["full"]
            if stage in f["time"]:
                row.append(f"{f['time'][stage]:.2f} / {f['cpu'].get(stage, 0):.2f} / {f['rss_mb'].get(stage, 0):,.0f}")
            else:
                row.append("-")
        lines.append("| " + " | ".join(row) + " |")
    lines.append(
        "| interpreter start and exit | "
        + " | ".join(f"{r['full']['wall_s'] - r['full']['total_s']:.2f}" for r in results)
        + " |"
    )
    lines.append(
        "| **total (wall / CPU / peak RSS of all processes added)** | "
        + " | ".join(
            f"**{r['full']['wall_s']:.2f} / {r['full'].get('self_cpu_s', 0):.2f} / {r['full']['peak_mb']:,.0f}**"
            for r in results
        )
        + " |"
    )
    lines.append("")
    outputs = results[-1]["full"].get("outputs", []) if results else []
    lines.append(f"Outputs written by the full run: {', '.join(outputs) or '-'}.")
    lo = extra.get("libreoffice")
    if lo and "wall_s" in lo:
        lines.append(
            f"LibreOffice opened and recalculated the large workbook in {_fmt_s(lo['wall_s'])} s ({lo['status']};"
            f" issue 8's limit 60 s; setting check: {extra.get('libreoffice_probe', '-')})."
        )
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Run the performance benchmark of issue 8.")
    p.add_argument("--sizes", default="large,warned", help=f"comma-separated, of {', '.join(SIZES)}")
    p.add_argument(
        "--work",
        type=Path,
        default=Path(tempfile.gettempdir()) / "tco-bench",
        help="where sweeps and outputs go (default: $TMPDIR/tco-bench; kept out of git)",
    )
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--repeat", type=int, default=3, help="runs per size; figures are medians")
    p.add_argument("--results", type=Path, default=HERE / "RESULTS.md", help="markdown file to write ('-': none)")
    p.add_argument("--no-libreoffice", action="store_true", help="skip the LibreOffice recalculation")
    p.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    if args.worker:
        kind, *rest = args.worker
        result = worker_full(*rest) if kind == "full" else worker_floor(*rest)
        print(json.dumps(result))
        if kind == "full":  # leave as the console script does after a run (cli.entry), so "exit" is the CLI's
            from tco_report.cli import leave

            leave(0)
        return 0

    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        p.error(f"unknown size(s) {', '.join(unknown)}; expected {', '.join(SIZES)}")
    sizes.sort(key=lambda s: (SIZES[s][2], SIZES[s][0] * SIZES[s][1]))
    machine = _machine()
    args.work.mkdir(parents=True, exist_ok=True)
    extra: dict[str, Any] = {"seed": args.seed, "repeat": args.repeat}

    print("timing python startup, tco-report --help and the example ...", file=sys.stderr)
    extra["python_s"], _, _ = _median_wall([sys.executable, "-c", "pass"], 7, ROOT)
    extra["help_s"], extra["help_runs"], extra["help_cpu"] = _median_wall(
        [sys.executable, "-m", "tco_report", "--help"], 7, ROOT
    )
    ex_out = args.work / "out-example"
    extra["example_s"], extra["example_runs"], extra["example_cpu"] = _median_wall(
        [sys.executable, "-m", "tco_report", "--out", str(ex_out), "--quiet"], 5, ROOT
    )

    results = []
    for size in sizes:
        r = measure_size(size, args.work, args.seed, args.repeat)
        t = r["full"]["time"]
        r["core_s"] = sum(t.get(k, 0.0) for k in ("read", "analyse", "workbook"))
        r["floor_s"] = r["floor"]["time"]["json.load"] + r["floor"]["time"]["xlsx"]
        r["ratio"] = r["core_s"] / r["floor_s"]
        c = r["full"].get("cpu", {})
        fc = r["floor"].get("cpu", {})
        r["core_cpu"] = sum(c.get(k, 0.0) for k in ("read", "analyse", "workbook"))
        r["floor_cpu"] = fc.get("json.load", 0.0) + fc.get("xlsx", 0.0)
        r["ratio_cpu"] = r["core_cpu"] / r["floor_cpu"] if r["floor_cpu"] else None
        r["floor_min_s"] = r["floor"]["time"]["json.load"] + r["floor"]["time"]["minimal xlsx"]
        r["floor_min_cpu"] = fc.get("json.load", 0.0) + fc.get("minimal xlsx", 0.0)
        lower, lower_cpu = min(r["floor_s"], r["floor_min_s"]), min(r["floor_cpu"], r["floor_min_cpu"])
        r["ratio_full"] = r["full"]["wall_s"] / lower
        r["ratio_full_cpu"] = r["full"].get("self_cpu_s", 0.0) / lower_cpu if lower_cpu else 0.0
        results.append(r)
    by = {r["size"]: r for r in results}
    if "half" in by and "large" in by:
        extra["linear"] = by["large"]["full"]["wall_s"] / by["half"]["full"]["wall_s"]
        extra["linear_core"] = by["large"]["core_s"] / by["half"]["core_s"]
    if "large" in by and not args.no_libreoffice:
        xlsx = Path(by["large"]["out"]) / "tco_report.xlsx"
        if xlsx.exists():
            print("LibreOffice: opening and recalculating the large workbook ...", file=sys.stderr)
            extra["libreoffice_probe"] = libreoffice_probe(args.work)
            extra["libreoffice"] = libreoffice_recalc(xlsx, args.work, mode=0)
            extra["libreoffice_norecalc"] = libreoffice_recalc(xlsx, args.work, mode=1)
        else:
            extra["libreoffice"] = {"status": "no workbook writer on this commit yet"}

    extra["load_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    text = report(results, extra, machine)
    print(text)
    if str(args.results) != "-":
        args.results.write_text(text)
        print(f"wrote {args.results}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
