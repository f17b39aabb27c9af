"""The workbook recalculated by an independent engine (LibreOffice headless) equals the Python calculator.

All workbooks are written first and converted in one soffice call (start-up dominates the cost).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace
from pathlib import Path

import openpyxl
import pytest

from tco_report import api, calculator
from tco_report.model import Assumptions, BenchmarkPoint, Report, SlaConstraint
from tco_report.names import BY_SNAKE, RESULT_KEYS
from tco_report.summary import summary_dict
from tco_report.workbook import compare_cached, read_workbook, regenerate, write_workbook
from tco_report.workbook.layout import CF_COLUMNS

from .conftest import require_program
from .lo_formulas import error_cells
from .lo_recalc import recalc
from .lo_scenarios import example_assumptions, example_points, scenarios

pytestmark = pytest.mark.libreoffice
INJECTIONS = ['=HYPERLINK("http://x","y")', "@SUM(1+1)", "+cmd|'/C calc'!A0"]


@dataclass
class Case:
    points: list[BenchmarkPoint]
    assumptions: Assumptions  # what Python should compute for the recalculated file
    written: Path  # the file as written (or as edited with openpyxl)
    recalculated: Path | None = None

    @property
    def report(self) -> Report:
        return calculator.calculate(self.points, self.assumptions)


def _set(path: Path, changes: dict[str, object]) -> None:
    """Type new values into named input cells with openpyxl, as a user would in Excel."""
    wb = openpyxl.load_workbook(path)
    for name, value in changes.items():
        sheet, coord = next(iter(wb.defined_names[name].destinations))
        wb[sheet][coord.replace("$", "")] = value
    wb.save(path)


@pytest.fixture(scope="session")
def cases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Case]:
    soffice = require_program("soffice", "libreoffice")
    src = tmp_path_factory.mktemp("written")
    out: dict[str, Case] = {}

    def add(name: str, pts: list[BenchmarkPoint], a: Assumptions, report: Report | None = None) -> Case:
        path = src / f"{name}.xlsx"
        write_workbook(report or calculator.calculate(pts, a), path, tool_version="test")
        out[name] = Case(pts, a, path)
        return out[name]

    embedded = api.run()  # the project's embedded example (inputs/)
    add("embedded", list(embedded.points), embedded.assumptions)
    pts, a = example_points(), example_assumptions()
    add("example", pts, a)
    for name, p, b in scenarios():
        add(name, p, b)
    add("no-sla", pts, replace(a, sla=()))
    add("infeasible", pts, replace(a, sla=(SlaConstraint("ttft", "avg", 1.0),)))
    add(
        "two-constraints", pts, replace(a, sla=(SlaConstraint("ttft", "p99", 400.0), SlaConstraint("itl", "avg", 12.0)))
    )

    # Deliberately wrong cached values: recalculation must replace them.
    good = calculator.calculate(pts, a)
    rec = good.recommended
    wrong = replace(
        good,
        recommended=replace(rec, total_yearly_cost=1.0, servers=99.0, config="nobody"),
        results=tuple(replace(r, total_yearly_cost=2.0, cost_per_1m_tokens=3.0) for r in good.results),
    )
    add("wrong-cached", pts, a, report=wrong)

    # Edits typed into input cells: a server price and the SLA limit; then the peak demand.
    edited = add("edited-price-sla", pts, a)
    hw = replace(a.hardware[0], initial_server_cost=90_000.0)
    edited.assumptions = replace(a, hardware=(hw,), sla=(replace(a.sla[0], max_ms=120.0),))
    _set(edited.written, {"initialServerCost": 90_000, "latencyLimitMs": 120})
    edited = add("edited-peak", pts, a)
    edited.assumptions = replace(a, peak_requests_per_second=45.0)
    _set(edited.written, {"peakRequestsPerSecondInput": 45})

    inj_pts = [replace(p, config=INJECTIONS[i % 3], model=INJECTIONS[(i + 1) % 3]) for i, p in enumerate(pts)]
    rules = tuple(replace(r, match=n) for r, n in zip(a.configs, INJECTIONS, strict=True))
    add("injection", inj_pts, replace(a, configs=rules))

    started = time.monotonic()
    converted = recalc(soffice, [c.written for c in out.values()], tmp_path_factory.mktemp("recalculated"))
    print(f"\nLibreOffice recalculated {len(out)} workbooks in {time.monotonic() - started:.1f} s")
    for case, path in zip(out.values(), converted, strict=True):
        case.recalculated = path
    return out


def _approx(a: object, b: object) -> bool:
    """Equal, numbers to 1e-12 (the workbook stores 16 significant digits)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_approx(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_approx(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12)
    return a == b


def _close(cached: object, python: object) -> bool:
    if python is None or (isinstance(python, float) and not math.isfinite(python)):
        return cached in (None, "")
    if isinstance(python, bool | str):
        return cached == python
    return isinstance(cached, int | float) and math.isclose(cached, python, rel_tol=1e-9, abs_tol=0.0)


def _outputs(path: Path) -> tuple[dict[str, object], dict[str, dict[str, object]]]:
    """Named outputs and the Configs table, read straight from the cells (not through the package's reader)."""
    wb = openpyxl.load_workbook(path, data_only=True)

    def cells(name: str) -> list[object]:
        sheet, coord = next(iter(wb.defined_names[name].destinations))
        got = wb[sheet][coord.replace("$", "")]
        return [row[0].value for row in got] if isinstance(got, tuple) else [got.value]

    named = {key: cells(BY_SNAKE[key].camel)[0] for key in RESULT_KEYS}
    named["config"] = cells("recommendedConfig")[0]
    named["checks"] = cells("allChecksPass")[0]
    columns = {key: cells(range_name) for key, _, range_name, _ in CF_COLUMNS}
    table = {columns["config"][i]: {key: col[i] for key, col in columns.items()} for i in range(len(columns["config"]))}
    return named, table


def _assert_matches_python(case: Case) -> None:
    report = case.report
    named, table = _outputs(case.recalculated)
    rec = report.recommended
    assert named["config"] == ("" if rec is None else rec.config) or (rec is None and named["config"] is None)
    for key in RESULT_KEYS:
        want = None if rec is None else getattr(rec, key)
        assert _close(named[key], want), (key, named[key], want)
    assert list(table) == [r.config for r in report.results]
    for r in report.results:
        row = table[r.config]
        assert row["feasible"] is r.feasible, r.config
        assert row["recommended"] is (rec is not None and rec.config == r.config), r.config
        for key in (*RESULT_KEYS, "ref_cost_per_1k_requests"):
            assert _close(row[key], getattr(r, key)), (r.config, key, row[key], getattr(r, key))
    assert named["checks"] is True or rec is None
    assert compare_cached(report, read_workbook(case.recalculated)) == []


def test_a_wrong_cached_value_is_corrected_by_recalculation(cases: dict[str, Case]) -> None:
    case = cases["wrong-cached"]
    before = compare_cached(case.report, read_workbook(case.written))
    assert {"totalYearlyCost", "servers", "recommendedConfig"} <= {d.name for d in before}
    assert len(before) >= 3 + 2 * len(case.report.results)
    named, _ = _outputs(case.written)
    assert named["total_yearly_cost"] == 1.0  # the wrong value really is in the file
    _assert_matches_python(case)


@pytest.mark.parametrize(
    "name",
    ["embedded", "example", "no-sla", "infeasible", "two-constraints", "injection", *(n for n, _, _ in scenarios())],
)
def test_every_named_output_equals_the_python_calculator(cases: dict[str, Case], name: str) -> None:
    _assert_matches_python(cases[name])


def test_enough_scenarios_and_a_changed_input_changes_the_winner(cases: dict[str, Case]) -> None:
    generated = [n for n in cases if n.startswith(("seed", "flip"))]
    assert len(generated) >= 20
    flips = {n[: -len("-before")] for n in cases if n.startswith("flip") and n.endswith("-before")}
    assert {f.split("-")[1] for f in flips} == {"sla", "peak", "price"}
    for f in flips:
        before, _ = _outputs(cases[f + "-before"].recalculated)
        after, _ = _outputs(cases[f + "-after"].recalculated)
        assert before["config"] != after["config"], f


def test_inputs_edited_in_the_spreadsheet_recompute_everything(cases: dict[str, Case]) -> None:
    original = cases["example"].report.recommended
    for name in ("edited-price-sla", "edited-peak"):
        case = cases[name]
        _assert_matches_python(case)
        for path in (case.written, case.recalculated):
            wb = read_workbook(path)
            a = wb.assumptions
            assert a.peak_requests_per_second == case.assumptions.peak_requests_per_second
            assert a.sla == case.assumptions.sla
            assert a.hardware == case.assumptions.hardware
            report, found = regenerate(path)
            assert found == []
            # What --from-workbook writes as summary.json: the same as a run on the changed assumptions.
            got, want = summary_dict(report, "t"), summary_dict(case.report, "t")
            assert _approx(got["recommended"], want["recommended"]) and _approx(got["configs"], want["configs"])
    assert cases["edited-price-sla"].report.recommended.total_yearly_cost != original.total_yearly_cost
    assert cases["edited-peak"].report.recommended.config != original.config


def test_no_error_value_in_any_cell_after_recalculation(cases: dict[str, Case]) -> None:
    for name, case in cases.items():
        assert error_cells(str(case.recalculated)) == [], name


def test_injected_names_stay_literal_text_after_recalculation(cases: dict[str, Case]) -> None:
    wb = openpyxl.load_workbook(cases["injection"].recalculated)
    seen = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value in INJECTIONS:
                    assert c.data_type == "s", f"{ws.title}!{c.coordinate}"
                    seen.add(c.value)
    assert seen == set(INJECTIONS)
    named, _ = _outputs(cases["injection"].recalculated)
    assert named["config"] in INJECTIONS
