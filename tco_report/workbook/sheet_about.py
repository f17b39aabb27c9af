"""The About sheet: how to use the workbook, the method, the source files and the tool version."""

from __future__ import annotations

from .context import Book

SHEET = "About"

HOW_TO = (
    "How to use",
    "Edit the yellow cells on the Inputs sheet (blue text): prices, GPUs per server, depreciation, demand, the SLA "
    "limits and metrics, GPUs per instance and hardware profile of each config. Everything else is a formula and "
    "recalculates, including which config is recommended (TCO and Summary sheets).",
    "Benchmark rows (Benchmarks sheet, yellow columns) are data from the benchmark files; you may correct them.",
    "Calculation cells are protected against accidental typing (Review > Unprotect Sheet; no password).",
    "The Checks sheet must show TRUE everywhere. To regenerate the HTML/PDF report from an edited copy, run: "
    "tco-report --from-workbook edited.xlsx --out DIR",
)
METHOD = (
    "Method (NVIDIA, 'How much does your LLM inference cost?')",
    "1. Each deployment config is benchmarked over a sweep of load levels; each run is one row of Benchmarks.",
    "2. A point meets the SLA when each constrained latency is <= its limit. Throughput per GPU = RPS / GPUs per "
    "instance; a point is on the Pareto frontier when no point has lower-or-equal latency and higher RPS per GPU.",
    "3. Per config, the highest-RPS point that meets the SLA is chosen (MAXIFS; ties: lowest load level). "
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
    "cost per 1M tokens = cost per GPU-hour / (tokens per GPU per second * 3600) * 1e6; renting costs totalGPUs * "
    "price per GPU-hour * hoursPerYear; owning breaks even after servers * initialServerCost / (monthly rent - "
    "monthly running costs) months (blank when renting never costs more). Capex uses the capital recovery factor "
    "r / (1 - (1 + r)^-n), or 1/n at a cost of capital of 0.",
    "9. Plan sheet (live): year by year, the recommended config sized for the grown demand; servers retire after "
    "their service life and are replaced. Sensitivity sheet: live rows recompute the recommended config with one "
    "input moved; snapshot rows and the Scenarios sheet hold values the tool computed (they say so).",
)


def write(book: Book) -> None:
    ws = book.wb.add_worksheet(SHEET)
    st = book.st
    ws.set_column(0, 0, 140)
    row = 0
    ws.write_string(row, 0, "tco_report workbook", st.title)
    row += 2
    for block in (HOW_TO, METHOD):
        ws.write_string(row, 0, block[0], st.section)
        row += 1
        for line in block[1:]:
            ws.write_string(row, 0, line, st.wrap)
            row += 1
        row += 1
    a = book.report.assumptions
    ws.write_string(row, 0, "Sources", st.section)
    row += 1
    ws.write_string(row, 0, "Assumptions: " + a.source)
    row += 1
    if book.report.workload:  # the one traffic mix sized (tco-report --workload)
        ws.write_string(row, 0, "Workload sized: " + book.report.workload)
        row += 1
    if a.hardware and len({h.software_licence_per for h in a.hardware}) == 1:
        ws.write_string(row, 0, f"Software licence charged per {a.hardware[0].software_licence_per}")
        row += 1
    sources = sorted({p.source for p in book.report.points if p.source})
    ws.write_string(row, 0, f"Benchmark files ({len(sources)}):")
    row += 1
    for s in sources:
        ws.write_string(row, 0, s)
        row += 1
    for w in book.report.warnings:
        ws.write_string(row, 0, "Warning: " + w, st.note)
        row += 1
    row += 1
    ws.write_string(row, 0, f"Written by tco_report {book.tool_version}")
    ws.protect("", {"format_columns": True, "format_rows": True})
