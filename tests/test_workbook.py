"""The workbook without a spreadsheet engine: structure, FAST rules, injection, reading back, refusing bad files."""

from __future__ import annotations

import hashlib
import math
import posixpath
import zipfile
from dataclasses import asdict, is_dataclass, replace
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest

from tco_report import api, calculator
from tco_report.errors import InputError
from tco_report.model import SlaConstraint
from tco_report.names import BY_SNAKE, RESULT_KEYS
from tco_report.resources import inputs_dir
from tco_report.workbook import compare_cached, read_workbook, regenerate, safety, write_workbook
from tco_report.workbook.layout import HW_ROWS
from tco_report.workbook.sheet_scenarios import ROWS

from .lo_formulas import (
    ALLOWED_FUNCTIONS,
    cells_of,
    defined_name_sheets,
    formulas,
    functions,
    numeric_literals,
    sheet_references,
)
from .lo_scenarios import example_assumptions, example_points, example_report, generated

SHEETS = ["Summary", "Inputs", "Benchmarks", "Configs", "TCO", "Plan", "Scenarios", "Sensitivity", "Checks", "About"]
INJECTIONS = ['=HYPERLINK("http://x","y")', "@SUM(1+1)", "+cmd|'/C calc'!A0"]


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("wb") / "example.xlsx"
    write_workbook(example_report(), path, tool_version="test")
    return path


def _names_on(path: Path, sheet: str) -> set[str]:
    return {n for n, sheets in defined_name_sheets(str(path)).items() if sheets == {sheet}}


def test_sheets_in_order_and_vocabulary_names(example: Path) -> None:
    wb = openpyxl.load_workbook(example)
    assert wb.sheetnames == SHEETS
    names = defined_name_sheets(str(example))
    hardware = {snake: range_name for range_name, snake, _ in HW_ROWS if snake}
    for q in BY_SNAKE.values():
        if q.snake in hardware:  # one column per quote on Inputs; the recommended config's profile on TCO
            assert names.get(hardware[q.snake]) == {"Inputs"} and names.get(q.camel) == {"TCO"}, q.camel
        elif q.kind in ("input", "constant") and q.snake != "peak_requests_per_second":
            assert names.get(q.camel) == {"Inputs"}, q.camel
    # The peak the sizing uses is a formula (users x requests per user, or the typed-in peak).
    assert names["peakRequestsPerSecondInput"] == {"Inputs"} and names["peakRequestsPerSecond"] == {"TCO"}
    for key in RESULT_KEYS:
        assert names.get(BY_SNAKE[key].camel) == {"TCO"}, key
    tco = wb["TCO"]
    by_name = {tco.cell(r, 5).value: tco.cell(r, 3).value for r in range(2, tco.max_row + 1)}
    assert by_name["yearlyServerCost"] == (
        "=IF(hasRecommendation,yearlyCapexCost+yearlySoftwareCostPerServer+yearlyHostingCost+yearlyEnergyCost"
        '+yearlyNetworkStorageCost+yearlyOperationsCost,"")'
    )
    assert by_name["yearlyCapexCost"] == '=IF(hasRecommendation,initialServerCost*capitalRecoveryFactor,"")'
    assert by_name["totalYearlyCost"] == '=IF(hasRecommendation,servers*yearlyServerCost,"")'


def test_no_numeric_literal_no_missing_sheet_no_excel365_function(example: Path, tmp_path: Path) -> None:
    # The scanner itself must be able to fail.
    assert numeric_literals("=A1*1000+B$2/0.5") == ["1000", "0.5"]
    assert numeric_literals("=_xlfn.AGGREGATE(14,6,A1:A9/(B1:B9=2),1)+MAX(3,4)") == ["2", "3", "4"]
    assert sheet_references("=Nowhere!A1+Inputs!$B$2") == {"Nowhere", "Inputs"}
    assert "FILTER" in functions("=SUM(FILTER(A:A,B:B))")
    multi = tmp_path / "multi.xlsx"
    pts, a = generated(3)
    a = replace(a, hardware=(*a.hardware, replace(a.hardware[0], name="second")), sla=())
    write_workbook(calculator.calculate(pts, a), multi, tool_version="t")
    paths = [example, multi]
    for name in ("assumptions_rich", "scenarios"):  # renting, users, API, plan, scenarios, two profiles
        paths.append(tmp_path / f"{name}.xlsx")
        write_workbook(api.run(None, inputs_dir() / f"{name}.yaml"), paths[-1], tool_version="t")
    for path in paths:
        seen = list(formulas(str(path)))
        assert len(seen) > 100
        for cell, f in seen:
            assert numeric_literals(f) == [], (cell, f)
            assert sheet_references(f) <= set(SHEETS), (cell, f)
            assert functions(f) <= ALLOWED_FUNCTIONS, (cell, f)
        for name, sheets in defined_name_sheets(str(path)).items():
            assert sheets <= set(SHEETS), name


def test_every_formula_caches_the_python_value(example: Path) -> None:
    report = example_report()
    wb = read_workbook(example)
    for key in RESULT_KEYS:
        cell = wb.cached[BY_SNAKE[key].camel]
        assert cell.value == pytest.approx(getattr(report.recommended, key), rel=1e-12), key
    assert compare_cached(report, wb) == []
    values = openpyxl.load_workbook(example, data_only=True)
    for ws in values.worksheets:  # every formula has a value cached, except empties of infeasible configs
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    raise AssertionError(f"{ws.title}!{c.coordinate} has no cached value")


def test_compare_cached_names_the_disagreeing_cells(tmp_path: Path) -> None:
    report = example_report()
    rec = report.recommended
    wrong = replace(
        report,
        recommended=replace(rec, total_yearly_cost=rec.total_yearly_cost * 1.5),
        results=tuple(replace(r, servers=r.servers + 1) if r.config == rec.config else r for r in report.results),
    )
    path = tmp_path / "wrong.xlsx"
    write_workbook(wrong, path, tool_version="t")
    found = compare_cached(report, read_workbook(path))
    assert {d.name for d in found} == {"totalYearlyCost", f"cfServers[{rec.config}]"}
    total = next(d for d in found if d.name == "totalYearlyCost")
    assert total.cell.startswith("TCO!C")
    assert total.relative_difference == pytest.approx(0.5 / 1.5)
    assert "totalYearlyCost" in total.describe()


def test_inputs_styled_validated_commented_and_protected(example: Path) -> None:
    wb = openpyxl.load_workbook(example)
    for name in ("peakRequestsPerSecondInput", "hwInitialServerCost", "latencyLimitMs", "hwGPUsPerServer"):
        cell = cells_of(wb, name)[0]
        sheet = cell.parent.title
        assert cell.protection.locked is False, name
        assert cell.comment is not None and "Unit:" in cell.comment.text, name
        assert cell.fill.fgColor.rgb.endswith("FFF2CC"), name
        unit = wb[sheet].cell(cell.row, 2).value
        assert unit, name
    for sheet in SHEETS:
        assert wb[sheet].protection.sheet, sheet
    assert wb["Configs"]["N2"].protection.locked is not False
    rules = wb["Inputs"].data_validations.dataValidation
    kinds = {(dv.type, dv.operator, dv.formula1, dv.formula2) for dv in rules}
    assert ("decimal", None, "0", "1000000000000") in kinds  # prices: no negative (names.INPUT_BOUNDS, "between")
    assert ("whole", None, "1", "10000") in kinds  # whole GPUs
    assert ("decimal", None, "1", "10") in kinds  # PUE, as the YAML loader and the reader bound it
    assert ("list", None) in {(dv.type, dv.operator) for dv in rules}
    for sheet in ("Inputs", "Benchmarks", "Configs", "TCO", "Checks"):
        assert wb[sheet].freeze_panes, sheet
    assert wb["Benchmarks"].tables, "Benchmarks is an Excel table"
    assert len(wb["Summary"]._charts) == 0 or True  # openpyxl drops charts on load; checked in the zip below
    with zipfile.ZipFile(example) as z:
        assert sum(n.startswith("xl/charts/chart") for n in z.namelist()) == 2


def test_injected_names_stay_text(tmp_path: Path) -> None:
    pts = [replace(p, config=INJECTIONS[i % 3], model=INJECTIONS[(i + 1) % 3], source=INJECTIONS[(i + 2) % 3])
           for i, p in enumerate(example_points())]  # fmt: skip
    a = replace(example_assumptions(), configs=tuple(replace(r, match=n) for r, n in zip(
        example_assumptions().configs, INJECTIONS, strict=True)))  # fmt: skip
    path = tmp_path / "inject.xlsx"
    report = calculator.calculate(pts, a)
    write_workbook(report, path, tool_version="t")
    wb = openpyxl.load_workbook(path)
    hits = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value in INJECTIONS:
                    assert c.data_type == "s", f"{ws.title}!{c.coordinate}"
                    hits += 1
                elif c.data_type == "f":
                    assert not any(x in str(c.value) for x in INJECTIONS), f"{ws.title}!{c.coordinate}"
    assert hits >= len(pts) * 3 + 2 * len(INJECTIONS)
    back = read_workbook(path)
    assert sorted({p.config for p in back.points}) == sorted(INJECTIONS)
    again = calculator.calculate(back.points, back.assumptions)
    assert again.recommended.config == report.recommended.config
    assert compare_cached(again, back) == []


def _same(a: object, b: object) -> bool:
    """Equal, numbers to 1e-15: XlsxWriter writes 16 significant digits (Excel keeps 15)."""
    if is_dataclass(a) and is_dataclass(b):
        return _same(asdict(a), asdict(b))
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return a == b or (isinstance(a, float) and isinstance(b, float) and math.isclose(a, b, rel_tol=1e-15))


def test_read_back_gives_the_points_and_assumptions(tmp_path: Path) -> None:
    for seed in range(8):
        pts, a = generated(seed)
        pts[0] = replace(pts[0], concurrency=None, request_rate=math.inf)
        report = calculator.calculate(pts, a)
        path = tmp_path / f"s{seed}.xlsx"
        write_workbook(report, path, tool_version="t")
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        wb = read_workbook(path)
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest  # never written
        # Sources are shown relative to the folder above the one that holds them all: no path of this machine.
        root = posixpath.dirname(posixpath.commonpath([posixpath.dirname(p.source) for p in pts]))
        shown = [replace(p, source=posixpath.relpath(p.source, root)) for p in pts]
        assert all(not p.source.startswith("/") for p in shown)
        got = sorted(wb.points, key=lambda p: (p.config, p.source, p.rps))
        want = sorted(shown, key=lambda p: (p.config, p.source, p.rps))
        for g, w in zip(got, want, strict=True):
            for f in ("config", "rps", "isl", "osl", "concurrency", "request_rate", "output_tps", "model", "source"):
                assert _same(getattr(g, f), getattr(w, f)), (seed, f)
            assert _same(g.latency_ms, w.latency_ms)
        b = wb.assumptions
        assert b.source == str(path)
        assert set(b.provenance.values()) == {"workbook"}
        for f in ("peak_requests_per_second", "uptime", "sla", "hardware", "ref_input_price_per_1m",
                  "ref_output_price_per_1m", "rounding", "isl", "osl", "target_utilisation", "spare_servers",
                  "cost_of_capital", "average_requests_per_second", "api_input_price_per_1m", "plan_years",
                  "demand_growth_per_year", "sensitivity_step", "active_users_at_peak",
                  "requests_per_user_per_minute", "api_output_price_per_1m"):  # fmt: skip
            assert _same(getattr(b, f), getattr(a, f)), (seed, f)
        again = calculator.calculate(wb.points, b)
        for r, s in zip(again.results, report.results, strict=True):
            assert r.config == s.config and r.feasible == s.feasible
            if r.feasible and s.feasible:
                assert _same(r.total_yearly_cost, s.total_yearly_cost)
                assert _same(r.cost_per_1m_tokens, s.cost_per_1m_tokens)
            else:
                assert r == s  # the same reason, hardware and GPUs per instance
        new, found = regenerate(path)
        assert found == [] and new.recommended == again.recommended


def _edit(src: Path, dst: Path, sheet: str, coord: str, value: object) -> None:
    wb = openpyxl.load_workbook(src)
    wb[sheet][coord] = value
    wb.save(dst)


def _cell_of(path: Path, name: str) -> tuple[str, str]:
    sheet, coord = next(iter(openpyxl.load_workbook(path).defined_names[name].destinations))
    return sheet, coord.replace("$", "")


def test_formula_in_an_input_cell_is_refused(example: Path, tmp_path: Path) -> None:
    sheet, coord = _cell_of(example, "peakRequestsPerSecondInput")
    bad = tmp_path / "formula.xlsx"
    _edit(example, bad, sheet, coord, "=100*2")
    with pytest.raises(InputError) as e:
        read_workbook(bad)
    msg = str(e.value)
    assert str(bad) in msg and f"{sheet}!{coord}" in msg and "peakRequestsPerSecondInput" in msg and "formula" in msg
    _edit(example, bad, "Benchmarks", "F3", "=F2*2")  # F: rps (req/s)
    with pytest.raises(InputError, match=r"Benchmarks!F3 \(rps"):
        read_workbook(bad)
    _edit(example, bad, sheet, coord, -5)
    with pytest.raises(InputError, match="greater than 0"):
        read_workbook(bad)


def test_oversized_or_bomb_or_not_a_workbook_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (64 * 1024 * 1024))
    assert bomb.stat().st_size < 1_000_000
    with pytest.raises(InputError, match="zip bomb"):
        read_workbook(bomb)
    text = tmp_path / "text.xlsx"
    text.write_text("not a zip")
    with pytest.raises(InputError, match="not an .xlsx"):
        read_workbook(text)
    example = tmp_path / "ok.xlsx"
    write_workbook(example_report(), example, tool_version="t")
    monkeypatch.setattr(safety, "MAX_FILE_BYTES", example.stat().st_size - 1)
    with pytest.raises(InputError, match="expected to be under"):
        read_workbook(example)
    monkeypatch.setattr(safety, "MAX_FILE_BYTES", 10**9)
    monkeypatch.setattr(safety, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(InputError, match="unpacks to"):
        read_workbook(example)


def test_no_sla_and_infeasible_configs_write_empty_cells_not_errors(tmp_path: Path) -> None:
    pts, a = example_points(), example_assumptions()
    for sla in ((), (SlaConstraint("ttft", "avg", 1e-6),), (SlaConstraint("itl", "p99", 30.0),)):
        report = calculator.calculate(pts, replace(a, sla=sla))
        path = tmp_path / f"sla{len(sla)}.xlsx"
        write_workbook(report, path, tool_version="t")
        assert compare_cached(report, read_workbook(path)) == []


def test_peak_from_users_is_a_formula_read_back_and_protected(tmp_path: Path) -> None:
    rich = api.run(None, inputs_dir() / "assumptions_rich.yaml")
    path = tmp_path / "rich.xlsx"
    write_workbook(rich, path, tool_version="t")
    wb = openpyxl.load_workbook(path)
    sheet, coord = _cell_of(path, "peakRequestsPerSecond")
    assert sheet == "TCO" and "activeUsersAtPeak*requestsPerUserPerMinute/secondsPerMinute" in wb[sheet][coord].value
    assert (
        wb[_cell_of(path, "peakRequestsPerSecondInput")[0]][_cell_of(path, "peakRequestsPerSecondInput")[1]].value
        is None
    )
    back = read_workbook(path).assumptions
    assert (back.active_users_at_peak, back.requests_per_user_per_minute) == (24_000, 0.25)
    assert back.peak_requests_per_second == 100.0 == rich.assumptions.peak_requests_per_second
    # Users cleared, a peak typed in: the typed peak is the peak.
    edited = tmp_path / "typed.xlsx"
    _edit(path, edited, *_cell_of(path, "activeUsersAtPeak"), None)
    _edit(edited, edited, *_cell_of(path, "peakRequestsPerSecondInput"), 70)
    back = read_workbook(edited).assumptions
    assert back.peak_requests_per_second == 70 and back.active_users_at_peak is None
    # A value typed over the formula (where older workbooks had the input) is refused, pointing at the input cell.
    _edit(path, edited, sheet, coord, 50)
    with pytest.raises(InputError, match=r"TCO!C\d+ \(peakRequestsPerSecond\).*peakRequestsPerSecondInput"):
        read_workbook(edited)
    # Python-built assumptions whose users do not give their peak: the workbook keeps the calculator's peak.
    moved = replace(rich.assumptions, peak_requests_per_second=140.0)
    report = calculator.calculate(rich.points, moved)
    write_workbook(report, edited, tool_version="t")
    back = read_workbook(edited)
    assert back.assumptions.peak_requests_per_second == 140.0 and back.assumptions.active_users_at_peak is None
    assert compare_cached(report, back) == []


def test_compare_cached_covers_the_new_live_outputs(tmp_path: Path) -> None:
    report = api.run(None, inputs_dir() / "scenarios.yaml")
    rec, d = report.recommended, report.decisions
    assert rec.break_even_months is not None and d.api is not None and len(d.plan) == 4
    wrong = replace(
        report,
        recommended=replace(rec, break_even_months=rec.break_even_months * 2, cloud_cost_per_1m_tokens=0.5),
        results=tuple(
            replace(r, yearly_cloud_reserved_cost=1.0) if r.config == rec.config else r for r in report.results
        ),
        decisions=replace(
            d,
            plan=(d.plan[0], replace(d.plan[1], capex=1.0), *d.plan[2:]),
            api=replace(d.api, yearly_api_cost=d.api.yearly_api_cost * 3),
        ),
    )
    path = tmp_path / "wrong.xlsx"
    write_workbook(wrong, path, tool_version="t")
    found = {x.name for x in compare_cached(report, read_workbook(path))}
    assert found == {
        "breakEvenMonths",
        "cloudCostPer1MTokens",
        f"cfYearlyCloudReservedCost[{rec.config}]",
        "planCapex[year 2]",
        "APIYearlyCost",
    }


def test_new_sheets_say_what_is_live_and_what_is_a_snapshot(tmp_path: Path) -> None:
    report = api.run(None, inputs_dir() / "scenarios.yaml")
    path = tmp_path / "s.xlsx"
    write_workbook(report, path, tool_version="t")
    wb = openpyxl.load_workbook(path)
    assert "SNAPSHOT VALUES, NOT FORMULAS" in wb["Scenarios"]["A2"].value
    scen = wb["Scenarios"]
    assert [scen.cell(4, 3 + k).value for k in range(4)] == [s.name for s in report.decisions.scenarios]
    table = range(4, 4 + len(ROWS) + 1)  # the scenario columns hold values, never formulas
    assert not any(c.data_type == "f" for r in table for c in scen[r][1:])
    # Below them, the inputs they were computed from (stored) beside formulas of the current ones.
    assert cells_of(wb, "snapshotInputsChanged")[0].value.startswith("=COUNTIF(snapSame,FALSE)")
    cheaper = report.decisions.scenarios[3].recommended
    assert any(c.value == cheaper.total_yearly_cost for row in scen.iter_rows() for c in row)
    sens = wb["Sensitivity"]
    assert "LIVE rows are formulas" in sens["A2"].value and "SNAPSHOT rows" in sens["A2"].value
    kinds = {sens.cell(r, 2).value: sens.cell(r, 3).value for r in range(8, 8 + len(report.decisions.sensitivity))}
    assert kinds["peakRequestsPerSecond"] == kinds["latencyLimitMs"] == kinds["targetUtilisation"] == "snapshot"
    assert kinds["initialServerCost"] == kinds["uptime"] == "live"
    for r in range(8, 8 + len(report.decisions.sensitivity)):
        is_formula = sens.cell(r, 10).data_type == "f"
        assert is_formula == (sens.cell(r, 3).value == "live"), r
    plan = wb["Plan"]
    assert sum(1 for r in range(8, 30) if plan.cell(r, 2).data_type == "f") == 10  # ten year rows, four in the plan


def test_tco_sheet_rents_the_owned_fleet_and_says_so(tmp_path: Path) -> None:
    from tco_report.calculator import RENTING_BASIS

    path = tmp_path / "rich.xlsx"
    report = api.run(None, inputs_dir() / "assumptions_rich.yaml")
    write_workbook(report, path, tool_version="t")
    tco = openpyxl.load_workbook(path)["TCO"]
    by_name = {tco.cell(r, 5).value: tco.cell(r, 3).value for r in range(2, tco.max_row + 1)}
    assert by_name["rentedGPUs"] == '=IF(hasRecommendation,servers*GPUsPerServer,"")'
    assert "rentedGPUs*cloudPricePerGPUHour*hoursPerYear" in by_name["yearlyCloudCost"]
    texts = [c.value for row in tco.iter_rows() for c in row if isinstance(c.value, str)]
    assert "Renting vs owning: " + RENTING_BASIS in texts


def test_each_formula_is_written_once_and_the_about_text_prints_it(tmp_path: Path) -> None:
    """The TCO sheet's formulas are the registry's (tco_report/formulas.py), and the About sheet prints the same
    text, target utilisation and spare servers included."""
    from tco_report import formulas

    path = tmp_path / "rich.xlsx"
    write_workbook(api.run(None, inputs_dir() / "assumptions_rich.yaml"), path, tool_version="t")
    wb = openpyxl.load_workbook(path)
    tco = wb["TCO"]
    shown = {tco.cell(r, 5).value: (tco.cell(r, 2).value, tco.cell(r, 3).value) for r in range(2, tco.max_row + 1)}
    about = {}
    for row in wb["About"].iter_rows():
        for c in row:
            if isinstance(c.value, str) and " = " in c.value and c.value.split(" = ")[0] in formulas.BY_NAME:
                name, expr = c.value.split(" = ", 1)
                about[name] = expr.replace(" ", "")
    assert set(about) == set(formulas.BY_NAME)
    assert formulas.undefined_names(set(wb.defined_names)) == {}  # every name a formula uses is defined
    for name, f in formulas.BY_NAME.items():
        text, live = shown[name]
        assert text == f.expr, name
        assert live in ("=" + f.expr, f'=IF(hasRecommendation,{f.expr},"")'), name
        assert about[name] == text.replace(" ", ""), name  # the About text is the TCO sheet's formula
    assert "targetUtilisation" in about["modelInstances"] and "spareServers" in about["servers"]


def test_tables_have_calculated_columns_and_inputs_have_room(example: Path) -> None:
    """Every formula column of Benchmarks and Configs is a calculated column (Excel fills it on a new row), written
    in structured references; Inputs has six quote columns and empty config rows, and the dropdown lists them all."""
    with zipfile.ZipFile(example) as z:
        tables = {}
        for name in z.namelist():
            if name.startswith("xl/tables/"):
                root = ElementTree.fromstring(z.read(name))
                tables[root.get("displayName")] = root
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    wb = openpyxl.load_workbook(example)
    for table, sheet in (("BenchmarkPoints", "Benchmarks"), ("ConfigResults", "Configs")):
        columns = list(tables[table].iter(f"{main}tableColumn"))
        calculated = {c.get("name"): c.find(f"{main}calculatedColumnFormula") for c in columns}
        ws = wb[sheet]
        for k, c in enumerate(columns, start=1):
            cell = ws.cell(2, k)
            formula = calculated[c.get("name")]
            assert (cell.data_type == "f") == (formula is not None), (table, c.get("name"))
            if formula is not None:  # the same formula in the cell as in the column definition, on every row
                assert cell.value == "=" + formula.text and ws.cell(3, k).value == cell.value, (table, c.get("name"))
                assert "[#This Row]" in formula.text or "ROW()" in formula.text, formula.text
    assert len(cells_of(wb, "hwName")) == 6 and [c.value for c in cells_of(wb, "hwName")][1:] == [None] * 5
    names = [c.value for c in cells_of(wb, "cfgName")]
    assert names[:3] == [r.config for r in example_report().results] and names[3:] == [None] * 10
    hw_range = str(wb.defined_names["hwName"].attr_text)
    dropdowns = [dv for dv in wb["Inputs"].data_validations.dataValidation if dv.type == "list" and dv.formula1]
    assert any(dv.formula1 == hw_range for dv in dropdowns), [dv.formula1 for dv in dropdowns]
    assert len(openpyxl.load_workbook(example)["Configs"]["A"]) >= 14  # a Configs row for every Inputs row


def test_rows_the_workbook_ignores_are_left_out_with_a_note(example: Path, tmp_path: Path) -> None:
    """A row typed under the Benchmarks table, and one whose config is not on Inputs: the workbook ignores both
    (its table and its config lookup do not reach them), so the Python run does too, and says which and why."""
    wb = openpyxl.load_workbook(example)
    ws = wb["Benchmarks"]
    last = ws.max_row
    for col in range(1, 17):
        ws.cell(last + 1, col).value = ws.cell(2, col).value
    ws.cell(last + 1, 4).value = 3  # a load the config does not have yet
    ws.cell(5, 2).value = "not-on-inputs"
    path = tmp_path / "rows.xlsx"
    wb.save(path)
    got = read_workbook(path)
    report = example_report()
    assert len(got.points) == len(report.points) - 1
    assert not any(p.config == "not-on-inputs" for p in got.points)
    outside = [x for x in got.notes if "outside the BenchmarkPoints table" in x]
    assert len(outside) == 1 and f"row {last + 1}:" in outside[0]
    unknown = [x for x in got.notes if "not in the Inputs config table" in x]
    assert len(unknown) == 1 and "row 5:" in unknown[0] and "'not-on-inputs'" in unknown[0]
    again, _ = regenerate(path)
    assert again.warnings[:2] == tuple(got.notes)


def test_scenarios_are_read_back_and_recomputed(tmp_path: Path) -> None:
    report = api.run(None, inputs_dir() / "scenarios.yaml")
    path = tmp_path / "s.xlsx"
    write_workbook(report, path, tool_version="t")
    back = read_workbook(path).assumptions.scenarios
    assert [n for n, _ in back] == [n for n, _ in report.assumptions.scenarios] and len(back) >= 3

    def plain(x):  # noqa: ANN001, ANN202
        return replace(x, source="", provenance={}, configs=())

    assert [plain(s) for _, s in back] == [plain(s) for _, s in report.assumptions.scenarios]
    again, found = regenerate(path)
    assert found == []
    for got, want in zip(again.decisions.scenarios, report.decisions.scenarios, strict=True):
        assert got.name == want.name and got.recommended.config == want.recommended.config
        assert math.isclose(got.recommended.total_yearly_cost, want.recommended.total_yearly_cost, rel_tol=1e-12)
    # An edited base carries into the scenarios, as in the assumptions file: the peak-400 scenario keeps its peak.
    wb = openpyxl.load_workbook(path)
    cells_of(wb, "hwInitialServerCost")[0].value = 100_000
    wb.save(path)
    edited = dict(read_workbook(path).assumptions.scenarios)
    assert all(s.hardware[0].initial_server_cost in (100_000, 250_000) for s in edited.values())
    assert edited["peak 400 req/s"].peak_requests_per_second == 400


def test_from_workbook_says_which_cell_differs_and_what_can_explain_it(tmp_path: Path) -> None:
    """A cached value no input explains is named with its cell and both values; rows the workbook ignores are
    named as such, and are not called a formula edit."""
    import json

    from tco_report.cli import main

    report = example_report()
    rec = report.recommended
    wrong = replace(report, recommended=replace(rec, total_yearly_cost=rec.total_yearly_cost * 1.5))
    path = tmp_path / "wrong.xlsx"
    write_workbook(wrong, path, tool_version="t")
    wb = openpyxl.load_workbook(path)
    wb["Benchmarks"].cell(wb["Benchmarks"].max_row + 2, 2).value = "h100-fp8-tp1"  # a row under the table
    wb.save(path)  # openpyxl keeps no cached values: only the written file's are compared
    path2 = tmp_path / "wrong2.xlsx"
    write_workbook(wrong, path2, tool_version="t")
    for source in (path, path2):
        out = tmp_path / f"out-{source.stem}"
        assert main(["--from-workbook", str(source), "--out", str(out)]) == 0
        warnings = json.loads((out / "summary.json").read_text())["warnings"]
        differ = [w for w in warnings if "disagrees" in w]
        if source == path2:
            assert len(differ) == 1 and "TCO!C" in differ[0] and "totalYearlyCost" in differ[0], differ
            assert "no input explains it" in differ[0] and "was a formula edited?" not in differ[0]
        else:
            assert differ == []
            assert any("outside the BenchmarkPoints table" in w for w in warnings), warnings


def test_rebuilt_workbook_is_identical_with_source_date_epoch(tmp_path, monkeypatch):
    """With SOURCE_DATE_EPOCH the document's creation time is the report's, not the clock's: two builds a second
    apart are the same bytes (reproducible builds), and the time is the one given."""
    import time

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1733011200")  # 2024-12-01 00:00:00 UTC
    report = api.run()
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_workbook(report, first, tool_version="test")
    time.sleep(1.1)
    write_workbook(report, second, tool_version="test")
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as z:
        core = z.read("docProps/core.xml").decode()
    assert '<dcterms:created xsi:type="dcterms:W3CDTF">2024-12-01T00:00:00Z</dcterms:created>' in core
