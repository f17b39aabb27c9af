"""compare_cached: which cells of a workbook hold spreadsheet-computed values that disagree with Python.

A disagreement means the workbook's formulas no longer compute what the calculator does (someone edited a
formula), or that a spreadsheet computed it differently. A cell without a cached value (a file saved by a program
that does not calculate) is not a disagreement: it holds nothing to compare.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .. import calculator
from ..model import Report, result_value
from ..names import BY_CAMEL, EXTENDED_RESULT_KEYS, RESULT_KEYS, camel
from . import layout, sheet_plan, sheet_sensitivity
from .reader import CachedCell, WorkbookInput, read_workbook

RELATIVE_TOLERANCE = 1e-9
# The extended cost model's figures the workbook computes, per config (Configs) and for the recommended (TCO).
EXTRA_KEYS = ("ref_cost_per_1k_requests", *EXTENDED_RESULT_KEYS)
_CONFIG_KEYS = ("feasible", *RESULT_KEYS, *EXTRA_KEYS)


@dataclass(frozen=True)
class Discrepancy:
    cell: str  # Sheet!A1
    name: str  # defined name, or Configs column range name [config]
    cached: Any
    python: Any
    relative_difference: float  # inf when the kinds differ (a number against an empty cell, ...)

    def describe(self) -> str:
        return f"{self.cell} ({self.name}): the workbook holds {self.cached!r}, Python computes {self.python!r}" + (
            f" (relative difference {self.relative_difference:.3g})" if math.isfinite(self.relative_difference) else ""
        )


def _difference(cached: Any, python: Any) -> float | None:
    """The relative difference, 0 when equal, None when the cell holds no cached value."""
    if cached is None:
        return None
    if isinstance(python, float) and not math.isfinite(python):
        python = None
    if cached == "":
        cached = None
    if python is None or cached is None:
        return 0.0 if python is None and cached is None else math.inf
    if isinstance(python, bool) or isinstance(cached, bool):
        return (
            0.0 if bool(python) == bool(cached) and isinstance(cached, bool) == isinstance(python, bool) else math.inf
        )
    if isinstance(python, str) or isinstance(cached, str):
        return 0.0 if str(python) == str(cached) else math.inf
    c, p = float(cached), float(python)
    if c == p:
        return 0.0
    return abs(c - p) / max(abs(p), abs(c))


def compare_cached(report: Report, wb: WorkbookInput) -> list[Discrepancy]:
    """The cells whose cached value differs from the Python result by more than 1e-9 relative."""
    out: list[Discrepancy] = []

    def check(cell: CachedCell | None, name: str, python: Any) -> None:
        if cell is None:
            return
        d = _difference(cell.value, python)
        if d is not None and d > RELATIVE_TOLERANCE:
            out.append(Discrepancy(cell.cell, name, cell.value, python, d))

    rec = report.recommended
    check(wb.cached.get(layout.RECOMMENDED_CONFIG), layout.RECOMMENDED_CONFIG, None if rec is None else rec.config)
    for key in (*RESULT_KEYS, *EXTRA_KEYS):
        name = camel(key)
        check(wb.cached.get(name), name, None if rec is None else getattr(rec, key))
    check(wb.cached.get("peakRequestsPerSecond"), "peakRequestsPerSecond", report.assumptions.peak_requests_per_second)
    a = report.assumptions
    ratio = a.average_requests_per_second / a.peak_requests_per_second if a.average_requests_per_second else 1.0
    check(wb.cached.get(layout.AVERAGE_TO_PEAK), layout.AVERAGE_TO_PEAK, ratio)
    decided = report if report.decisions is not None else calculator.calculate(report.points, a)
    for name, python in (
        *sheet_plan.parameters_python(decided).items(),
        *sheet_sensitivity.api_python(decided).items(),
    ):
        check(wb.cached.get(name), name, python)
    for row in wb.plan_rows:
        year = row.get("year")
        if year is None or not isinstance(year.value, int | float):
            continue
        python = sheet_plan.python_row(decided, int(year.value))
        for key, cell in row.items():
            check(cell, f"{_range(layout.PLAN_COLUMNS, key)}[year {int(year.value)}]", python[key])
    for row in wb.sensitivity_rows:
        kind, named = row.get("kind"), row.get("name")
        if kind is None or kind.value != sheet_sensitivity.LIVE or named is None or named.value not in BY_CAMEL:
            continue  # snapshot rows hold values, not formulas
        snake = BY_CAMEL[named.value].snake
        python = (
            sheet_sensitivity.live_values(report, snake)
            if report.recommended is not None
            else dict.fromkeys(sheet_sensitivity.LIVE_KEYS)
        )
        for key in sheet_sensitivity.LIVE_KEYS:
            check(row.get(key), f"{_range(layout.SENSITIVITY_COLUMNS, key)}[{named.value}]", python[key])
    ranges = {key: range_name for key, _, range_name, _ in layout.CF_COLUMNS}
    by_name = {r.config: r for r in report.results}
    for row in wb.config_rows:
        config = row["config"].value
        if config in (None, ""):
            continue  # an empty row: room for a config added on Inputs
        result = by_name.get(config)
        if result is None:
            feasible = row.get("feasible")
            if feasible is None or feasible.value is not True:
                continue  # a config on Inputs without benchmark rows: Python has no result for it, the row is empty
            out.append(Discrepancy(row["config"].cell, "cfConfig", config, None, math.inf))
            continue
        for key in _CONFIG_KEYS:
            check(row.get(key), f"{ranges[key]}[{config}]", result_value(result, key))
    return out


def _range(columns: tuple[tuple[str, str, str, str], ...], key: str) -> str:
    return next(range_name for k, _, range_name, _ in columns if k == key)


def regenerate(path: str | Path) -> tuple[Report, list[Discrepancy]]:
    """Read an edited workbook, recompute in Python, and list the cells where the workbook disagrees.

    The report's warnings begin with the reader's notes: the rows and typed inputs the workbook ignores (rows
    outside the Benchmarks table, rows without their formula columns, a peak typed while the users give it), which
    the Python run ignores too, so that both give the same figures."""
    wb = read_workbook(path)
    report = calculator.calculate(wb.points, wb.assumptions)
    found = compare_cached(report, wb)
    return replace(report, warnings=(*wb.notes, *report.warnings)), found
