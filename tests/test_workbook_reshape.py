"""Edits that change the workbook's shape, made as a user makes them — inside LibreOffice (Python-UNO, see
lo_edit.py) or by typing a value (openpyxl) — then recalculated by LibreOffice and compared with the calculator
run on the same edited inputs and with --from-workbook (regenerate). Each edit must give the right numbers, or a
clear line in Summary's status block with allChecksPass FALSE: never a silent wrong figure.

All workbooks go through one soffice start (lo_edit.py runs every job).
"""

from __future__ import annotations

import glob
import json
import math
import os
import shutil
import subprocess
from dataclasses import dataclass, field, replace
from pathlib import Path

import openpyxl
import pytest

from tco_report import api, calculator
from tco_report.errors import InputError
from tco_report.model import Assumptions, BenchmarkPoint, ConfigRule, HardwareProfile, Report, result_value
from tco_report.names import BY_SNAKE, EXTENDED_RESULT_KEYS, RESULT_KEYS
from tco_report.resources import inputs_dir
from tco_report.workbook import regenerate, write_workbook
from tco_report.workbook.layout import CF_COLUMNS

from .conftest import TESTS, require_program
from .lo_formulas import cells_of, error_cells
from .lo_scenarios import example_assumptions, example_points

pytestmark = pytest.mark.libreoffice
UNO_PYTHON = "/usr/bin/python3"  # Debian's python3-uno runs under the system Python, not the venv's
# Rows are inserted, deleted and pasted over formula cells with the sheet's protection off, as a user does (the
# sheets have no password; protected, LibreOffice refuses to change a locked cell).
UNPROTECT = {"op": "unprotect", "sheet": "Benchmarks"}
STALE = "Out of date: Sensitivity's snapshot rows and the Scenarios sheet were computed from other inputs"


@dataclass
class Edit:
    points: list[BenchmarkPoint] | None  # what the calculator should be given (None: the workbook must refuse)
    assumptions: Assumptions | None
    ops: list[dict] = field(default_factory=list)
    written: Path | None = None
    out: Path | None = None

    @property
    def report(self) -> Report:
        return calculator.calculate(self.points, self.assumptions)


def _exact_rules(a: Assumptions, hardware: dict[str, str] | None = None) -> Assumptions:
    """The example's glob rules as the workbook holds them: one exact rule per config."""
    gpus = {"h100-fp8-tp1": 1, "h100-fp8-tp2": 2, "h100-bf16-tp4": 4, "h200-fp8-tp1": 1}
    hardware = hardware or {}
    return replace(a, configs=tuple(ConfigRule(glob.escape(c), g, hardware.get(c)) for c, g in gpus.items()))


def _cell(path: Path, name: str, k: int = 0) -> tuple[str, str, int]:
    """(sheet, A1, 0-based row) of the k-th cell of a defined name."""
    c = cells_of(openpyxl.load_workbook(path), name)[k]
    return c.parent.title, c.coordinate, c.row - 1


def _bench_columns(path: Path) -> dict[str, str]:
    ws = openpyxl.load_workbook(path)["Benchmarks"]
    return {c.value: c.column_letter for c in ws[1] if c.value}


def _point_ops(path: Path, row: int, p: BenchmarkPoint) -> list[dict]:
    """Type a point's measured values into Benchmarks row ``row`` (0-based), as pasted from a result file."""
    col = _bench_columns(path)
    values = {
        "config": p.config, "model": p.model, "concurrency": p.concurrency, "request rate (req/s)": p.request_rate,
        "rps (req/s)": p.rps, "output tps (tokens/s)": p.output_tps, "isl (tokens)": p.isl, "osl (tokens)": p.osl,
        "source": p.source,
    }  # fmt: skip
    for metric, stats in p.latency_ms.items():
        for stat, v in stats.items():
            values[f"{metric}_{stat} (ms)"] = v
    return [{"op": "set", "sheet": "Benchmarks", "cell": f"{col[h]}{row + 1}", "value": v} for h, v in values.items()]


def _type(path: Path, changes: dict[tuple[str, int], object]) -> None:
    wb = openpyxl.load_workbook(path)
    for (name, k), value in changes.items():
        cells_of(wb, name)[k].value = value
    wb.save(path)


def _width(path: Path) -> int:
    return openpyxl.load_workbook(path)["Benchmarks"].max_column


def _config_index(path: Path, config: str) -> int:
    names = [c.value for c in cells_of(openpyxl.load_workbook(path), "cfgName")]
    return names.index(config)


@pytest.fixture(scope="module")
def edits(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Edit]:
    soffice = require_program("soffice", "libreoffice")
    if not Path(UNO_PYTHON).exists() or subprocess.run([UNO_PYTHON, "-c", "import uno"], check=False).returncode:
        msg = "needs Debian's python3-uno under /usr/bin/python3 (installed by .ci/run)"
        pytest.fail(msg) if os.environ.get("CI") else pytest.skip(msg)
    src, dst = tmp_path_factory.mktemp("reshape-in"), tmp_path_factory.mktemp("reshape-out")
    pts, a = example_points(), example_assumptions()
    base = calculator.calculate(pts, a)
    out: dict[str, Edit] = {}

    def add(name: str, e: Edit, report: Report | None = None) -> Edit:
        e.written = src / f"{name}.xlsx"
        write_workbook(report or base, e.written, tool_version="test")
        out[name] = e
        return e

    exact = _exact_rules(a)
    n = len(pts)  # table rows 1..n (0-based sheet rows); the row under the table is n + 1

    # A second vendor's quote typed into the next hardware column, chosen by one config.
    quote = HardwareProfile(
        name="mi300x",
        initial_server_cost=110_000.0,
        gpus_per_server=8,
        depreciation_period=5.0,
        yearly_hosting_cost=2_000.0,
        yearly_software_cost=500.0,
        software_licence_per="gpu",
    )
    e = add("vendor", Edit(pts, replace(_exact_rules(a, {"h100-fp8-tp2": "mi300x"}), hardware=(a.hardware[0], quote))))
    for range_name, snake in (("hwName", "name"), ("hwInitialServerCost", "initial_server_cost"),
                              ("hwGPUsPerServer", "gpus_per_server"), ("hwDepreciationPeriod", "depreciation_period"),
                              ("hwYearlyHostingCost", "yearly_hosting_cost"),
                              ("hwYearlySoftwareCost", "yearly_software_cost"),
                              ("hwSoftwareLicencePer", "software_licence_per")):  # fmt: skip
        sheet, cell, _ = _cell(e.written, range_name, 1)
        e.ops.append({"op": "set", "sheet": sheet, "cell": cell, "value": getattr(quote, snake)})
    sheet, cell, _ = _cell(e.written, "cfgHardware", _config_index(e.written, "h100-fp8-tp2"))
    e.ops.append({"op": "set", "sheet": sheet, "cell": cell, "value": "mi300x"})

    # A new config on Inputs with its rows pasted into the table (rows inserted above the last table row, each a
    # copy of a table row, then its measured values typed over): faster, so it is the cheapest.
    new = [replace(p, config="h200-fp8-tp1", rps=p.rps * 2.5, source=p.source.replace("h100", "h200"))
           for p in pts if p.config == "h100-fp8-tp1"]  # fmt: skip
    e = add("new-config", Edit(pts + new, exact))
    k = len(base.results)  # the first empty row of the Inputs config table
    for name, value in (("cfgName", "h200-fp8-tp1"), ("cfgGPUsPerInstance", 1), ("cfgHardware", "default")):
        sheet, cell, _ = _cell(e.written, name, k)
        e.ops.append({"op": "set", "sheet": sheet, "cell": cell, "value": value})
    e.ops += [UNPROTECT, {"op": "insert_rows", "sheet": "Benchmarks", "row": n, "count": len(new)}]
    for j, p in enumerate(new):
        e.ops.append({"op": "copy_row", "sheet": "Benchmarks", "from": 1, "to": n + j, "columns": _width(e.written)})
        e.ops += _point_ops(e.written, n + j, p)

    # A row pasted right under the table (a copy of a table row, formulas and all, with new values): the table
    # does not grow in LibreOffice, so the workbook ignores it and says so; so does --from-workbook.
    tempting = replace(pts[9], concurrency=3.0, rps=40.0)
    e = add("pasted-under", Edit(pts, exact))
    e.ops.append(UNPROTECT)
    e.ops.append({"op": "copy_row", "sheet": "Benchmarks", "from": 1, "to": n + 1, "columns": _width(e.written)})
    e.ops += _point_ops(e.written, n + 1, tempting)

    # A row inserted mid-table and typed in, without its formula columns (LibreOffice does not fill them).
    bare = replace(pts[4], concurrency=3.0, rps=pts[4].rps * 1.01)
    e = add("inserted-bare", Edit(pts, exact))
    e.ops += [UNPROTECT, {"op": "insert_rows", "sheet": "Benchmarks", "row": 5, "count": 1}]
    e.ops += _point_ops(e.written, 5, bare)
    # The same with the formulas copied down from the row above: the row counts.
    e = add("inserted-filled", Edit([*pts, bare], exact))
    e.ops += [
        UNPROTECT,
        {"op": "insert_rows", "sheet": "Benchmarks", "row": 5, "count": 1},
        {"op": "copy_row", "sheet": "Benchmarks", "from": 4, "to": 5, "columns": _width(e.written)},
        *_point_ops(e.written, 5, bare),
    ]

    # The recommended config deleted: its Benchmarks rows and its Inputs row.
    gone = base.recommended.config
    e = add("config-deleted", Edit([p for p in pts if p.config != gone], exact))
    rows = [i + 1 for i, p in enumerate(sorted(pts, key=lambda p: (p.config, p.load))) if p.config == gone]
    _, _, inputs_row = _cell(e.written, "cfgName", _config_index(e.written, gone))
    e.ops += [
        UNPROTECT,
        {"op": "unprotect", "sheet": "Inputs"},
        {"op": "delete_rows", "sheet": "Benchmarks", "row": rows[0], "count": len(rows)},
        {"op": "delete_rows", "sheet": "Inputs", "row": inputs_row, "count": 1},
    ]

    # The table sorted by requests/s, highest first.
    e = add("reordered", Edit(pts, exact))
    col = _bench_columns(e.written)
    last = openpyxl.utils.get_column_letter(_width(e.written))
    rps_col = openpyxl.utils.column_index_from_string(col["rps (req/s)"]) - 1
    e.ops.append({"op": "sort", "sheet": "Benchmarks", "range": f"A2:{last}{n + 1}", "column": rps_col,
                  "descending": True})  # fmt: skip

    # Typed values (openpyxl, as typed into the cell): a new peak (the snapshots go out of date), an SLA no point
    # meets, a peak typed while active users give the peak (rich example), a hardware name no column has.
    e = add("peak-400", Edit(pts, replace(exact, peak_requests_per_second=400.0)))
    _type(e.written, {("peakRequestsPerSecondInput", 0): 400})
    e = add("infeasible", Edit(pts, replace(exact, sla=(replace(a.sla[0], max_ms=1.0),))))
    _type(e.written, {("latencyLimitMs", 0): 1})
    rich = api.run(None, inputs_dir() / "assumptions_rich.yaml")
    e = add("peak-typed", Edit(list(rich.points), rich.assumptions), report=rich)
    _type(e.written, {("peakRequestsPerSecondInput", 0): 999})
    e = add("unknown-hardware", Edit(None, None))
    sheet, cell, _ = _cell(e.written, "cfgHardware", 0)
    e.ops.append({"op": "set", "sheet": sheet, "cell": cell, "value": "nosuch"})

    jobs = []
    for name, edit in out.items():
        edit.out = dst / f"{name}.xlsx"
        jobs.append({"in": str(edit.written), "out": str(edit.out), "ops": edit.ops})
    spec = src / "jobs.json"
    spec.write_text(json.dumps({"soffice": soffice, "jobs": jobs}), encoding="utf-8")
    proc = subprocess.run([UNO_PYTHON, str(TESTS / "lo_edit.py"), str(spec)], capture_output=True, text=True,
                          timeout=1200, check=False)  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


def _close(got: object, want: object) -> bool:
    if want is None or (isinstance(want, float) and not math.isfinite(want)):
        return got in (None, "")
    if isinstance(want, bool | str):
        return got == want
    return isinstance(got, int | float) and math.isclose(got, want, rel_tol=1e-9, abs_tol=0.0)


def _values(path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(path, data_only=True)


def _status(wb: openpyxl.Workbook) -> list[str]:
    return [str(c.value) for c in cells_of(wb, "statusLines")[1:] if c.value not in (None, "")]


def _assert_numbers(edit: Edit) -> None:
    """The recalculated workbook, read straight from its cells, equals the calculator on the edited inputs; and
    --from-workbook agrees with both (no discrepancy, the same recommendation and figures)."""
    report, wb = edit.report, _values(edit.out)
    rec = report.recommended

    def one(name: str) -> object:
        return cells_of(wb, name)[0].value

    assert one("recommendedConfig") == rec.config
    for key in (*RESULT_KEYS, *EXTENDED_RESULT_KEYS):
        assert _close(one(BY_SNAKE[key].camel), getattr(rec, key)), (key, one(BY_SNAKE[key].camel))
    columns = {key: [c.value for c in cells_of(wb, rn)] for key, _, rn, _ in CF_COLUMNS}
    rows = {cfg: i for i, cfg in enumerate(columns["config"]) if cfg not in (None, "")}
    assert sorted(rows) == sorted(r.config for r in report.results)
    for r in report.results:
        i = rows[r.config]
        assert columns["feasible"][i] is r.feasible and columns["hardware"][i] == r.hardware, r.config
        for key in (*RESULT_KEYS, *EXTENDED_RESULT_KEYS):
            assert _close(columns[key][i], result_value(r, key)), (r.config, key, columns[key][i], result_value(r, key))
    assert error_cells(wb) == []
    again, found = regenerate(edit.out)
    assert found == [], [d.describe() for d in found]
    assert again.recommended.config == rec.config
    assert math.isclose(again.recommended.total_yearly_cost, rec.total_yearly_cost, rel_tol=1e-9)


def _assert_only_stale(e: Edit) -> None:
    """Right numbers, and the one status line an edit of the inputs gives: the snapshot sheets are out of date."""
    wb = _values(e.out)
    assert cells_of(wb, "allChecksPass")[0].value is False
    lines = _status(wb)
    assert len(lines) == 2 and lines[0].endswith("The snapshot values (Sensitivity, Scenarios) were computed from the "
                                                 "current inputs") and lines[1].startswith(STALE), lines  # fmt: skip


def test_a_second_vendor_added_and_chosen_by_a_config(edits: dict[str, Edit]) -> None:
    e = edits["vendor"]
    assert e.report.recommended.hardware == "mi300x"  # the edit changes the answer, so the test can fail
    _assert_numbers(e)
    _assert_only_stale(e)
    assert [h.name for h in regenerate(e.out)[0].assumptions.hardware] == ["default", "mi300x"]


def test_a_new_config_with_its_rows_is_sized_costed_and_recommended(edits: dict[str, Edit]) -> None:
    e = edits["new-config"]
    assert e.report.recommended.config == "h200-fp8-tp1"
    _assert_numbers(e)
    _assert_only_stale(e)


@pytest.mark.parametrize("name", ["inserted-filled", "reordered", "config-deleted"])
def test_rows_inserted_reordered_or_deleted_give_the_calculators_numbers(edits: dict[str, Edit], name: str) -> None:
    e = edits[name]
    _assert_numbers(e)
    if name == "reordered":  # the same rows in another order: nothing the snapshots were computed from changed
        wb = _values(e.out)
        assert cells_of(wb, "allChecksPass")[0].value is True and _status(wb) == [], _status(wb)
    else:
        _assert_only_stale(e)


def test_deleting_the_recommended_config_recommends_the_next_cheapest(edits: dict[str, Edit]) -> None:
    before = calculator.calculate(example_points(), example_assumptions())
    after = edits["config-deleted"].report
    assert after.recommended.config != before.recommended.config
    assert (
        after.recommended.config
        == min(
            (r for r in before.results if r.feasible and r.config != before.recommended.config),
            key=lambda r: r.total_yearly_cost,
        ).config
    )


@pytest.mark.parametrize(
    ("name", "row", "words"),
    [("pasted-under", 26, "outside the BenchmarkPoints table"), ("inserted-bare", 6, "without its formula columns")],
)
def test_a_row_the_workbook_ignores_is_named_on_summary_and_by_from_workbook(
    edits: dict[str, Edit], name: str, row: int, words: str
) -> None:
    e = edits[name]
    _assert_numbers(e)  # the ignored row changes nothing, in the workbook and in Python alike
    wb = _values(e.out)
    assert cells_of(wb, "allChecksPass")[0].value is False
    lines = _status(wb)
    assert " checks fail" in lines[0] and any(x.startswith("1 Benchmarks row(s)") and "ignored" in x for x in lines)
    notes = [w for w in regenerate(e.out)[0].warnings if words in w]
    assert len(notes) == 1 and f"row {row}:" in notes[0], regenerate(e.out)[0].warnings


def test_a_peak_typed_while_users_give_the_peak_is_flagged(edits: dict[str, Edit]) -> None:
    e = edits["peak-typed"]
    _assert_numbers(e)  # the users' peak, not the typed 999
    wb = _values(e.out)
    assert cells_of(wb, "allChecksPass")[0].value is False
    assert any("The peak typed on Inputs (999 req/s) is ignored" in line for line in _status(wb)), _status(wb)
    assert any("999" in w and "ignored" in w for w in regenerate(e.out)[0].warnings)


def test_snapshot_sheets_say_they_are_out_of_date_after_an_edit(edits: dict[str, Edit]) -> None:
    e = edits["peak-400"]
    _assert_numbers(e)
    wb = _values(e.out)
    assert cells_of(wb, "allChecksPass")[0].value is False
    assert cells_of(wb, "snapshotInputsChanged")[0].value == 1
    (line,) = [x for x in _status(wb) if x.startswith("Out of date")]
    assert "peakRequestsPerSecondInput" in line
    assert str(wb["Sensitivity"]["A5"].value).startswith("OUT OF DATE")
    fresh = _values(edits["reordered"].out)  # a reshaped but unchanged workbook stays current
    assert cells_of(fresh, "snapshotInputsChanged")[0].value == 0


def test_no_feasible_point_says_so_with_the_closest_miss(edits: dict[str, Edit]) -> None:
    e = edits["infeasible"]
    wb = _values(e.out)
    assert e.report.recommended is None
    assert cells_of(wb, "recommendedConfig")[0].value in (None, "")
    v, cfg = min((p.latency("ttft", "avg"), p.config) for p in e.points)
    lines = _status(wb)
    assert f"No config meets the SLA. Closest miss: {cfg} at {v:.1f} ms" in lines[0], lines
    assert cells_of(wb, "allChecksPass")[0].value is False
    assert regenerate(e.out)[0].recommended is None


def test_a_hardware_name_no_column_has_is_an_error_on_summary_and_refused(edits: dict[str, Edit]) -> None:
    wb = _values(edits["unknown-hardware"].out)
    assert cells_of(wb, "allChecksPass")[0].value is False
    assert any("hold an error value" in line for line in _status(wb)), _status(wb)
    with pytest.raises(InputError, match="nosuch"):
        regenerate(edits["unknown-hardware"].out)


def test_the_uno_driver_is_plain_python(tmp_path: Path) -> None:
    """lo_edit.py runs under the system Python: it may import only the standard library and uno."""
    text = (TESTS / "lo_edit.py").read_text(encoding="utf-8")
    imports = {line.split()[1].split(".")[0] for line in text.splitlines() if line.startswith(("import ", "from "))}
    allowed = {"__future__", "contextlib", "json", "os", "shutil", "subprocess", "sys", "tempfile", "time"}
    assert imports <= allowed | {"pathlib", "uno", "com"}, imports
    assert shutil.which("python3")
