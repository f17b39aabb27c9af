"""The About sheet: how to use the workbook, the method, the source files and the tool version."""

from __future__ import annotations

from pathlib import PurePath

from ..calculator import RENTING_BASIS
from ..formulas import FORMULAS, prose
from . import cells
from .cells import OLDEST_EXCEL
from .context import Book

SHEET = "About"
BODY_POINTS = 8
WIDTH = 75  # characters: one portrait page wide (LibreOffice clips, not shrinks, a column wider than the page)

HOW_TO = (
    "How to use",
    "Edit the yellow cells (blue text) on Inputs: prices, GPUs per server, depreciation, demand, SLA limits and "
    "metrics, each config's GPUs per instance and hardware profile. Everything else is a formula and recalculates, "
    "the recommended config included (TCO, Summary).",
    "Benchmark rows (Benchmarks sheet, yellow columns) are data from the benchmark files; you may correct them. "
    "Calculation cells are protected against accidental typing (Review > Unprotect Sheet; no password).",
    "The Checks sheet must show TRUE everywhere. To regenerate the report from an edited copy: "
    "tco-report --from-workbook edited.xlsx --out DIR",
    f"Opens and recalculates in {OLDEST_EXCEL} or later and in LibreOffice 7 or later (Excel 2007 lacks AGGREGATE, "
    "which finds each config's best point and the cheapest config).",
)
METHOD = (
    "Method (NVIDIA, 'How much does your LLM inference cost?')",
    "1. Each deployment config is benchmarked over a sweep of load levels (a row of Benchmarks each). A point meets "
    "the SLA when each constrained latency is <= its limit. Throughput per GPU = RPS / GPUs per instance; a point is "
    "on the Pareto frontier when no point has lower-or-equal latency and higher RPS per GPU.",
    "2. Per config, the highest-RPS point that meets the SLA is chosen (ties: lowest load level): its requests/s is "
    "rpsPerInstance, its measured ISL and OSL are used unless Inputs overrides them. Configs sizes and costs every "
    "config with the formulas below; the recommended config has the lowest totalYearlyCost (ties: the config listed "
    "first) and the TCO sheet computes it step by step, with these very formulas. Plan, Scenarios and Sensitivity "
    "say on each sheet what is live and what is a snapshot.",
    "3. " + RENTING_BASIS,
)
# The formulas as the TCO sheet writes them: printed from the one registry, so this text cannot drift from them.
FORMULAS_BLOCK = (
    "Formulas, as the TCO sheet computes them",
    *(prose(f.snake) for f in FORMULAS.values()),
)


def source_groups(labels: list[str]) -> list[tuple[str, int]]:
    """The benchmark files by the folder under their common one (usually a config's), with how many each holds:
    a page of paths says less than the Benchmarks sheet's source column, which names every row's file."""
    groups: dict[str, int] = {}
    for label in labels:
        parts = label.split("/")
        key = "/".join(parts[:2]) + "/" if len(parts) > 2 else label
        groups[key] = groups.get(key, 0) + 1
    return sorted(groups.items())


def write(book: Book) -> None:
    ws = book.wb.add_worksheet(SHEET)
    st = book.st
    body = book.wb.add_format({"text_wrap": True, "valign": "top", "font_size": BODY_POINTS})
    note = book.wb.add_format({"text_wrap": True, "valign": "top", "font_size": BODY_POINTS, "italic": True})

    def line(row: int, text: str, fmt: object = body) -> None:
        ws.write_string(row, 0, text, fmt)
        # Spaced prose fills its lines better than the estimate's worst case (a formula's long names).
        ws.set_row(row, cells.wrapped_height(WIDTH * 1.12, text, points=BODY_POINTS))

    ws.set_column(0, 0, WIDTH)
    row = 0
    ws.write_string(row, 0, f"tco_report workbook, written by tco_report {book.tool_version}", st.title)
    row += 1
    for block in (HOW_TO, METHOD, FORMULAS_BLOCK):
        ws.write_string(row, 0, block[0], st.section)
        row += 1
        for text in block[1:]:
            line(row, text)
            row += 1
    a = book.report.assumptions
    if book.report.workload:  # the one traffic mix sized (tco-report --workload)
        line(row, "Workload sized: " + book.report.workload)
        row += 1
    if a.hardware and len({h.software_licence_per for h in a.hardware}) == 1:
        line(row, f"Software licence charged per {a.hardware[0].software_licence_per}")
        row += 1
    sources = sorted({book.source_label(p.source) for p in book.report.points if p.source})
    groups = [f"{folder} ({n} file{'s' if n != 1 else ''})" if folder.endswith("/") else folder
              for folder, n in source_groups(sources)]  # fmt: skip
    # File names only: the folders they sit in are the writing machine's.
    line(row, f"Sources: assumptions {PurePath(a.source).name}; benchmark files ({len(sources)}; the Benchmarks "
         "sheet's source column names each row's): " + "; ".join(groups))  # fmt: skip
    row += 1
    for w in book.report.warnings:
        line(row, "Warning: " + book.without_machine_paths(w), note)
        row += 1
    ws.protect("", {"format_columns": True, "format_rows": True})
