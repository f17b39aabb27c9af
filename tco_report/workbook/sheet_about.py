"""The About sheet: how to use the workbook, the method, the source files and the tool version."""

from __future__ import annotations

from pathlib import PurePath

from . import cells
from .cells import OLDEST_EXCEL
from .context import Book

SHEET = "About"
BODY_POINTS = 8.5
WIDTH = 75  # characters: one portrait page wide (LibreOffice clips, not shrinks, a column wider than the page)

HOW_TO = (
    "How to use",
    "Edit the yellow cells on the Inputs sheet (blue text): prices, GPUs per server, depreciation, demand, the SLA "
    "limits and metrics, GPUs per instance and hardware profile of each config. Everything else is a formula and "
    "recalculates, including which config is recommended (TCO and Summary sheets).",
    "Benchmark rows (Benchmarks sheet, yellow columns) are data from the benchmark files; you may correct them.",
    "Calculation cells are protected against accidental typing (Review > Unprotect Sheet; no password).",
    "The Checks sheet must show TRUE everywhere. To regenerate the HTML/PDF report from an edited copy, run: "
    "tco-report --from-workbook edited.xlsx --out DIR",
    f"Opens and recalculates in {OLDEST_EXCEL} or later and in LibreOffice 7 or later (Excel 2007 lacks AGGREGATE, "
    "which finds each config's best point and the cheapest config).",
)
METHOD = (
    "Method (NVIDIA, 'How much does your LLM inference cost?')",
    "1. Each deployment config is benchmarked over a sweep of load levels; each run is one row of Benchmarks.",
    "2. A point meets the SLA when each constrained latency is <= its limit. Throughput per GPU = RPS / GPUs per "
    "instance; a point is on the Pareto frontier when no point has lower-or-equal latency and higher RPS per GPU.",
    "3. Per config, the highest-RPS point that meets the SLA is chosen (ties: lowest load level). "
    "modelInstances = CEILING(peakRequestsPerSecond / rpsPerInstance); totalGPUs = modelInstances * "
    "GPUsPerInstance; servers = CEILING(totalGPUs / GPUsPerServer). Rounding 'fractional' skips both CEILINGs.",
    "4. yearlyServerCost = initialServerCost / depreciationPeriod + yearlySoftwareCost (x GPUsPerServer when the "
    "licence is per GPU) + yearlyHostingCost; totalYearlyCost = servers * yearlyServerCost.",
    "5. requestsPerServerPerYear = rpsPerInstance * (GPUsPerServer / GPUsPerInstance) * secondsPerYear * uptime; "
    "costPer1KRequests = yearlyServerCost / requestsPerServerPerYear * 1000; costPer1MTokens = costPer1KRequests "
    "/ 1000 / (ISL + OSL) * 1e6; the input/output split follows the reference token prices.",
    "6. The recommended config has the lowest totalYearlyCost; ties go to the config listed first (by name).",
    "7. Peak demand: peakRequestsPerSecond = activeUsersAtPeak * requestsPerUserPerMinute / secondsPerMinute when "
    "both are given on Inputs, else the typed-in peak. With an average demand, the cost per 1K requests at that load "
    "is servers * yearlyServerCost / (averageRequestsPerSecond * secondsPerYear * uptime) * 1000.",
    "8. Renting and the industry's shortcut: owningCostPerGPUHour = yearlyServerCost / GPUsPerServer / hoursPerYear; "
    "cost per 1M tokens = cost per GPU-hour / (tokens per GPU per second * 3600) * 1e6; renting costs rentedGPUs "
    "(= servers * GPUsPerServer: the owned fleet's GPUs, spares included) * price per GPU-hour * hoursPerYear; "
    "owning breaks even after servers * initialServerCost / (monthly rent - monthly running costs) months (blank "
    "when renting never costs more). Capex uses the capital recovery factor "
    "r / (1 - (1 + r)^-n), or 1/n at a cost of capital of 0.",
    "9. Plan sheet (live): year by year, the recommended config sized for the grown demand; servers retire after "
    "their service life and are replaced. Sensitivity sheet: live rows recompute the recommended config with one "
    "input moved; snapshot rows and the Scenarios sheet hold values the tool computed (they say so).",
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
        ws.set_row(row, cells.wrapped_height(WIDTH, text, points=BODY_POINTS))

    ws.set_column(0, 0, WIDTH)
    row = 0
    ws.write_string(row, 0, "tco_report workbook", st.title)
    row += 2
    for block in (HOW_TO, METHOD):
        ws.write_string(row, 0, block[0], st.section)
        row += 1
        for text in block[1:]:
            line(row, text)
            row += 1
        row += 1
    a = book.report.assumptions
    ws.write_string(row, 0, "Sources", st.section)
    row += 1
    # File names only: the folders they sit in are the writing machine's.
    line(row, "Assumptions: " + PurePath(a.source).name)
    row += 1
    if book.report.workload:  # the one traffic mix sized (tco-report --workload)
        ws.write_string(row, 0, "Workload sized: " + book.report.workload)
        row += 1
    if a.hardware and len({h.software_licence_per for h in a.hardware}) == 1:
        line(row, f"Software licence charged per {a.hardware[0].software_licence_per}")
        row += 1
    sources = sorted({book.source_label(p.source) for p in book.report.points if p.source})
    line(row, f"Benchmark files ({len(sources)}; the Benchmarks sheet's source column names each row's file):")
    row += 1
    for folder, n in source_groups(sources):
        line(row, f"{folder} ({n} file{'s' if n != 1 else ''})" if folder.endswith("/") else folder)
        row += 1
    for w in book.report.warnings:
        line(row, "Warning: " + book.without_machine_paths(w), note)
        row += 1
    row += 1
    ws.write_string(row, 0, f"Written by tco_report {book.tool_version}")
    ws.protect("", {"format_columns": True, "format_rows": True})
