"""What can go wrong in an edited workbook, said where it is read first: the status block at the top of Summary.

Three parts, written by the sheets they belong to:

- ``snapshot_block`` (Scenarios sheet): the inputs the snapshot values (Sensitivity's snapshot rows, the Scenarios
  sheet) were computed from, as stored values beside formulas of the current ones; ``snapshotInputsChanged``
  counts those that differ.
- ``counts`` (Checks sheet): rows the tables do not cover, result cells holding an error value, a typed input that
  is ignored, incomplete hardware quotes; each also a check, so that allChecksPass is FALSE when any is non-zero.
- ``lines`` (Summary): one sentence per problem, empty when there is none.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from ..model import HardwareProfile
from . import cells, layout
from .context import Book

SNAP_LABEL, SNAP_SAME, SNAP_CHANGED = "snapLabel", "snapSame", "snapshotInputsChanged"
OUTSIDE, NO_FORMULAS, UNKNOWN_CONFIG = "rowsOutsideTables", "rowsWithoutFormulas", "rowsWithUnknownConfig"
CONFIGS_BEYOND, ERROR_CELLS, IGNORED, INCOMPLETE = (
    "configsBeyondConfigsTable",
    "errorCells",
    "ignoredInputs",
    "incompleteProfiles",
)
CHECK_RESULTS, CHECK_LABELS = "checkResults", "checkLabels"
STATUS = "statusLines"


@dataclass(frozen=True)
class Snap:
    label: str
    stored: Any  # the value the snapshot was computed from (None: blank)
    current: str  # formula (without "=") of the current value


def _pos(name: str, by: str = "COLUMN") -> str:
    return f"({by}({name})-MIN({by}({name}))+1)"


def _snaps(book: Book) -> list[Snap]:
    report, a = book.report, book.report.assumptions
    out = [Snap(name, value, f'IF(ISBLANK({name}),"",{name})') for name, value in book.input_values.items()]
    for j, c in enumerate(a.sla):
        metric, stat = (f"Inputs!{cells.ref(book.sla_rows[j], col, absolute=True)}" for col in (4, 5))
        out.append(Snap(f"SLA constraint {j + 1} metric", c.metric, metric))
        out.append(Snap(f"SLA constraint {j + 1} statistic", c.statistic, stat))
    # Hardware quotes: one checksum per row (each column weighted by its position), empty columns as written.
    neutral = HardwareProfile(name="")
    profiles = list(a.hardware) + [neutral] * (book.hw_capacity - len(a.hardware))
    required = set(layout.HW_ROWS_REQUIRED)
    for range_name, snake, _ in layout.HW_ROWS:
        pos = _pos(range_name)
        if snake is None:
            stored: float = sum(k * len(h.name) for k, h in enumerate(profiles, start=1))
            out.append(Snap(f"{range_name} (name lengths)", stored, f"SUMPRODUCT(LEN({range_name})*{pos})"))
        elif snake == "software_licence_per":
            stored = sum(k for k, h in enumerate(profiles, start=1) if h.name and h.software_licence_per == "gpu")
            out.append(Snap(range_name, stored, f'SUMPRODUCT(({range_name}="gpu")*{pos})'))
        else:
            stored = sum(
                k * (0.0 if (not h.name and range_name in required) else float(getattr(h, snake)))
                for k, h in enumerate(profiles, start=1)
            )
            out.append(Snap(range_name, stored, f"SUMPRODUCT({range_name},{pos})"))
    # The config table: names, GPUs per instance and profiles, weighted by row.
    rows = list(report.results)
    n, g, h = layout.CFG_NAME, layout.CFG_GPUS, layout.CFG_HARDWARE
    names = [x.name for x in a.hardware]
    out += [
        Snap(f"{n} (name lengths)", sum(k * len(r.config) for k, r in enumerate(rows, 1)),
             f"SUMPRODUCT(LEN({n})*{_pos(n, 'ROW')})"),
        Snap(g, sum(k * r.gpus_per_instance for k, r in enumerate(rows, 1)), f"SUMPRODUCT({g},{_pos(g, 'ROW')})"),
        Snap(f"{h} (profile columns)", sum(k * (names.index(r.hardware) + 1) for k, r in enumerate(rows, 1)),
             f"SUMPRODUCT((LEN({h})>0)*IFERROR(MATCH({h},hwName,0),0)*{_pos(h, 'ROW')})"),
    ]  # fmt: skip
    # The benchmark rows: how many, and the sums of the measured columns the sizing uses.
    pts = report.points
    out.append(Snap("Benchmarks rows", len(pts), "COUNTA(bmConfig)"))
    for name, attr in (("bmRps", "rps"), ("bmIsl", "isl"), ("bmOsl", "osl"), ("bmConcurrency", "concurrency")):
        blank = attr in ("isl", "osl")  # a failed run's lengths are written blank (it measured none)
        total = math.fsum(0.0 if (blank and p.failed) else (getattr(p, attr) or 0.0) for p in pts)
        out.append(Snap(f"sum of {name}", total, f"SUM({name})"))
    rates = [p.request_rate for p in pts if p.request_rate is not None and math.isfinite(p.request_rate)]
    out.append(Snap("sum of bmRequestRate", math.fsum(rates), "SUM(bmRequestRate)"))
    lat = [v for p in pts if not p.failed and (v := p.latency(*report.frontier_metric)) is not None]
    out.append(Snap("sum of bmFrontierLatency", math.fsum(lat), "SUM(bmFrontierLatency)"))
    return out


def snapshot_block(book: Book, ws: Worksheet, row: int) -> int:
    """The stored inputs of the snapshot values beside the current ones; the row after the block."""
    st = book.st
    ws.write_string(row, 0, "Inputs the snapshot values were computed from (stored) and as they are now", st.section)
    row += 1
    ws.write_string(
        row,
        0,
        "Sensitivity's snapshot rows and this sheet's scenario columns are values, not formulas. When any input "
        "below differs from the value stored here, they are out of date: Summary's status block says so and "
        "allChecksPass is FALSE. Re-run tco-report to refresh them.",
        st.note,
    )
    row += 1
    for col, head in enumerate(("Input", "stored", "now", "same")):
        ws.write_string(row, col, head, st.header)
    row += 1
    first = row
    tol = layout.CHECK_TOLERANCE
    for s in _snaps(book):
        ws.write_string(row, 0, s.label)
        stored, now = cells.ref(row, 1), cells.ref(row, 2)
        if isinstance(s.stored, str):
            cells.text(ws, row, 1, s.stored)
        else:
            cells.number(ws, row, 1, s.stored)
        cells.formula(ws, row, 2, "=" + s.current, "" if s.stored is None else s.stored)
        same = (
            f"=IFERROR(IF(AND(ISNUMBER({stored}),ISNUMBER({now})),ABS({now}-{stored})<={tol}*ABS({stored}),"
            f'{stored}&""={now}&""),FALSE)'
        )
        cells.formula(ws, row, 3, same, True, st.calc("TRUE/FALSE"))
        row += 1
    book.define(SNAP_LABEL, cells.col_range(ws.name, 0, first, row - 1))
    book.define(SNAP_SAME, cells.col_range(ws.name, 3, first, row - 1))
    ws.write_string(row, 0, "Inputs changed since the snapshot values were computed")
    cells.formula(ws, row, 3, f"=COUNTIF({SNAP_SAME},FALSE)", 0)
    book.define(SNAP_CHANGED, cells.cell_name(ws.name, row, 3))
    return row + 1


def stale_marker(ws: Worksheet, row: int, col: int, book: Book) -> None:
    """A cell that says OUT OF DATE on a snapshot sheet once an input it was computed from has changed."""
    cells.formula(
        ws,
        row,
        col,
        f'=IF({SNAP_CHANGED}=0,"Snapshot values computed from the current inputs.","OUT OF DATE: "&{SNAP_CHANGED}'
        '&" input(s) changed since these values were computed (see the Scenarios sheet); re-run tco-report.")',
        "Snapshot values computed from the current inputs.",
        book.st.section,
    )


def _error_terms(book: Book) -> str:
    """SUMPRODUCT(--ISERROR(x)) over every result range: Benchmarks' and Configs' calculated columns, TCO, Plan,
    Sensitivity."""
    ranges = [rn for _, rn in layout.BM_CALC] + [rn for _, _, rn, _ in layout.CF_COLUMNS]
    ranges += [rn for _, _, rn, _ in layout.PLAN_COLUMNS] + [rn for _, _, rn, _ in layout.SENSITIVITY_COLUMNS]
    tco = [name for name, ref in book.names.items() if ref.startswith("=TCO!")]
    return "+".join(f"SUMPRODUCT(--ISERROR({r}))" for r in (*ranges, *tco) if r in book.names or r in tco)


def counts(book: Book) -> list[tuple[str, str, str, Any]]:
    """(defined name, label, formula without "=", Python value) of each count the status block reads."""
    config_letter = xl_col_to_name(book.bm_columns["bmConfig"])
    hw_terms = "+".join(f"NOT(ISNUMBER({rn}))" for rn in layout.HW_ROWS_REQUIRED[1:] if rn != "hwSoftwareLicencePer")
    return [
        (OUTSIDE, "Benchmarks rows under the table, outside it (ignored)",
         f"COUNTA(Benchmarks!${config_letter}:${config_letter})-COUNTA(bmConfig)-1", 0),
        (NO_FORMULAS, "Benchmarks table rows without their formula columns (ignored)",
         "SUMPRODUCT((LEN(bmConfig)>0)*(LEN(bmMeetsSla&\"\")=0))", 0),
        (UNKNOWN_CONFIG, "Benchmarks rows whose config is not in the Inputs config table (ignored)",
         "SUMPRODUCT((LEN(bmConfig)>0)*(LEN(bmMeetsSla&\"\")>0)*NOT(ISNUMBER(bmConfigRow)))", 0),
        (CONFIGS_BEYOND, "Configs on Inputs below the last row of the Configs table (ignored)",
         f"SUMPRODUCT(({_pos(layout.CFG_NAME, 'ROW')}>ROWS(cfConfig))*(LEN({layout.CFG_NAME})>0))", 0),
        (ERROR_CELLS, "Result cells holding an error value", _error_terms(book), 0),
        (IGNORED, "Typed inputs that are ignored (a peak typed while active users and requests per user are set)",
         "IF(AND(ISNUMBER(peakRequestsPerSecondInput),ISNUMBER(activeUsersAtPeak),"
         "ISNUMBER(requestsPerUserPerMinute)),1,0)", 0),
        (INCOMPLETE, "Named hardware profiles missing a figure",
         f"SUMPRODUCT((LEN(hwName)>0)*({hw_terms}))", 0),
    ]  # fmt: skip


def checks() -> list[tuple[str, str, bool]]:
    """The checks over the counts (all pass as written)."""
    return [
        ("Every benchmark row is inside the Benchmarks table", f"{OUTSIDE}=0", True),
        ("Every row of the Benchmarks table has its formula columns", f"{NO_FORMULAS}=0", True),
        ("Every benchmark row's config is in the Inputs config table", f"{UNKNOWN_CONFIG}=0", True),
        ("Every config on Inputs has its row on Configs", f"{CONFIGS_BEYOND}=0", True),
        ("No result cell holds an error value", f"{ERROR_CELLS}=0", True),
        ("No typed input is ignored", f"{IGNORED}=0", True),
        ("The snapshot values (Sensitivity, Scenarios) were computed from the current inputs", f"{SNAP_CHANGED}=0",
         True),
        ("Every named hardware profile has its price, GPUs per server, depreciation, hosting and licence",
         f"{INCOMPLETE}=0", True),
    ]  # fmt: skip


def write_counts(book: Book, ws: Worksheet, row: int) -> int:
    st = book.st
    ws.write_string(row, 0, "Counts the status block on Summary reads", st.section)
    row += 1
    for name, label, expr, value in counts(book):
        ws.write_string(row, 0, label)
        cells.formula(ws, row, 1, "=" + expr, value, st.calc("#"))
        ws.write_string(row, 2, expr)
        ws.write_string(row, 3, name)
        book.define(name, cells.cell_name(ws.name, row, 1))
        row += 1
    return row


def lines(book: Book, check_items: list[tuple[str, str, Any]]) -> list[tuple[str, Any]]:
    """(formula, Python value) of each status line: a sentence, or empty text when all is well. ``check_items``
    are the Checks sheet's (label, formula, Python value)."""
    report, a = book.report, book.report.assumptions
    ok = "OK: every check passes, every benchmark row is in the tables, the snapshot values are current."
    bad = "PROBLEMS: the lines below say what (the Checks sheet has each check)."
    failing = [label for label, _, v in check_items if not v]
    out: list[tuple[str, Any]] = [(f'=IF({layout.ALL_CHECKS},"{ok}","{bad}")', bad if failing else ok)]
    infeasible = "No config meets the SLA"
    if a.sla:
        lat = "bmFrontierLatency"
        closest_cfg = f"INDEX(bmConfig,MATCH(MIN({lat}),{lat},0))"
        closest = (
            f'"{infeasible}. Closest miss: "&{closest_cfg}&" at "&TEXT(MIN({lat}),"0.0")&" ms against the first '
            f'constraint\'s limit of "&latencyLimitMs&" ms"'
        )
        sla = f'=IF({layout.FEASIBLE_CONFIGS}>0,"",IFERROR({closest},"{infeasible}."))'
    else:
        sla = f'=IF({layout.FEASIBLE_CONFIGS}>0,"","{infeasible}: the Benchmarks table has no row it can use.")'
    value = ""
    if report.recommended is None:
        value = infeasible + "."
        if a.sla:
            pts = [
                (v, p.config)
                for p in report.points
                if not p.failed and (v := p.latency(*report.frontier_metric)) is not None
            ]
            if pts:
                v, cfg = min(pts, key=lambda t: t[0])
                value = (
                    f"{infeasible}. Closest miss: {cfg} at {v:.1f} ms against the first constraint's limit of "
                    f"{a.sla[0].max_ms:g} ms"
                )
    out.append((sla, value))
    out.append(
        (
            f'=IF(COUNTIF({CHECK_RESULTS},FALSE)=0,"",COUNTIF({CHECK_RESULTS},FALSE)&" of "&ROWS({CHECK_RESULTS})'
            f'&" checks fail; the first: "&INDEX({CHECK_LABELS},MATCH(FALSE,{CHECK_RESULTS},0)))',
            f"{len(failing)} of {len(check_items)} checks fail; the first: {failing[0]}" if failing else "",
        )
    )
    out.append(
        (
            f'=IF({ERROR_CELLS}=0,"",{ERROR_CELLS}&" result cells hold an error value (#N/A, #DIV/0!, ...): a lookup '
            "failed, e.g. a config's hardware profile is not a named column on Inputs, or its GPUs per instance is "
            'empty.")',
            "",
        )
    )
    rows = (
        f'IF({OUTSIDE}>0,{OUTSIDE}&" Benchmarks row(s) under the table are outside it and ignored: extend the '
        'table over them. ","")'
        f'&IF({NO_FORMULAS}>0,{NO_FORMULAS}&" Benchmarks row(s) lack the formula columns and are ignored: copy the '
        'formulas down from the row above. ","")'
        f'&IF({UNKNOWN_CONFIG}>0,{UNKNOWN_CONFIG}&" Benchmarks row(s) name a config that is not in the Inputs '
        'config table and are ignored: add the config there. ","")'
        f'&IF({CONFIGS_BEYOND}>0,{CONFIGS_BEYOND}&" config(s) on Inputs lie below the rows Configs has and are '
        'ignored: re-run tco-report to make room. ","")'
    )
    out.append((f"=TRIM({rows})", ""))
    out.append(
        (
            f'=IF({IGNORED}=0,"","The peak typed on Inputs ("&{layout.PEAK_INPUT}&" req/s) is ignored: active users '
            'x requests per user give the peak ("&peakRequestsPerSecond&" req/s); clear the users to use it.")',
            "",
        )
    )
    out.append(
        (
            f'=IF({SNAP_CHANGED}=0,"","Out of date: Sensitivity\'s snapshot rows and the Scenarios sheet were '
            f'computed from other inputs ("&{SNAP_CHANGED}&" changed, the first: "&INDEX({SNAP_LABEL},'
            f'MATCH(FALSE,{SNAP_SAME},0))&"); re-run tco-report to refresh them.")',
            "",
        )
    )
    return out


def write_lines(book: Book, ws: Worksheet, row: int, check_items: list[tuple[str, str, Any]]) -> int:
    """The status block from ``row``; the row after it."""
    st = book.st
    first = row
    for k, (formula, value) in enumerate(lines(book, check_items)):
        cells.formula(ws, row, 0, formula, "" if value is None else value, st.section if k == 0 else st.note)
        row += 1
    book.define(STATUS, cells.col_range(ws.name, 0, first, row - 1))
    return row
