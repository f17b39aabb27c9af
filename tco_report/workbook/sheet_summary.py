"""The Summary sheet: headline figures (all formulas over the TCO sheet's names) and two native charts.

Charts read the sheets' own cells: latency (the frontier axis, i.e. the first SLA constraint's metric) against
RPS per instance, one series per config (Benchmarks rows are grouped by config), with the SLA limit as a vertical
line; and total yearly cost per config from the Configs sheet.
"""

from __future__ import annotations

from typing import Any

from xlsxwriter.worksheet import Worksheet

from .. import names
from . import cells, layout, status
from .context import Book
from .sheet_checks import checks

SHEET = "Summary"
MAX_SERIES = 255  # Excel's limit of series per chart


def write(book: Book, ws: Worksheet) -> None:
    st, report = book.st, book.report
    rec, a = report.recommended, report.assumptions
    ws.set_column(0, 0, 62)
    ws.set_column(1, 1, 22)
    ws.set_column(2, 2, 14)
    ws.write_string(0, 0, "LLM serving: GPU servers and TCO", st.title)
    items = checks(book)
    top = status.write_lines(book, ws, 1, items)  # what is wrong, if anything, before any figure
    for col, head in enumerate(("Figure", "Value", "Unit")):
        ws.write_string(top, col, head, st.header)
    ws.freeze_panes(top + 1, 0)

    def v(attr: str) -> Any:
        return None if rec is None else getattr(rec, attr)

    rows: list[tuple[str, str, Any, str]] = [
        (
            "Recommended config (lowest total yearly cost meeting the SLA)",
            layout.RECOMMENDED_CONFIG,
            v("config"),
            "text",
        ),
    ]
    for snake in (
        "servers",
        "total_gpus",
        "model_instances",
        "total_yearly_cost",
        "cost_per_1k_requests",
        "cost_per_1m_tokens",
        "cost_per_1m_input_tokens",
        "cost_per_1m_output_tokens",
        "rps_per_instance",
        "concurrency",
        "gpu_hour_cost_per_1m_tokens",
        "rented_gpus",
        "yearly_cloud_cost",
        "yearly_cloud_reserved_cost",
        "break_even_months",
        "cost_per_1k_requests_at_average_load",
    ):
        rows.append((names.label(snake), names.camel(snake), v(snake), names.unit(snake)))
    rows.append((names.label("peak_requests_per_second"), "peakRequestsPerSecond", a.peak_requests_per_second, "req/s"))
    for j, c in enumerate(a.sla):
        rows.append(
            (
                f"SLA constraint {j + 1} limit ({c.statistic} {c.metric.upper()})",
                layout.latency_limit_name(j),
                c.max_ms,
                "ms",
            )
        )
    all_pass = all(bool(x) for _, _, x in items)
    rows.append(("All checks pass (see Checks)", layout.ALL_CHECKS, all_pass, "TRUE/FALSE"))
    for row, (label, name, value, unit) in enumerate(rows, start=top + 1):
        ws.write_string(row, 0, label)
        cells.formula(ws, row, 1, f"={name}", value, st.output(name if name in names.BY_CAMEL else unit))
        ws.write_string(row, 2, unit, st.unit)
    _charts(book, ws, top + len(rows) + 2, top + 1)
    ws.protect("", {"format_columns": True, "format_rows": True})


def _charts(book: Book, ws: Worksheet, row: int, data_row: int) -> None:
    report, a = book.report, book.report.assumptions
    c = book.bm_columns
    metric, stat = report.frontier_metric
    scatter = book.wb.add_chart({"type": "scatter", "subtype": "straight_with_markers"})
    shown = report.results[: MAX_SERIES - 1]  # room for the SLA limit line; the title says when configs are left out
    for k, r in enumerate(shown):
        first, last = book.config_span[r.config]
        scatter.add_series(
            {
                "name": ["Configs", k + 1, 0],
                "categories": ["Benchmarks", first, c["bmFrontierLatency"], last, c["bmFrontierLatency"]],
                "values": ["Benchmarks", first, c["bmRps"], last, c["bmRps"]],
                "marker": {"type": "circle", "size": 5},
            }
        )
    # The SLA limit as a vertical line from 0 to the highest measured RPS; its cells sit beside the figures.
    chart_row = row
    row = data_row
    ws.set_column(4, 5, 14)
    ws.write_string(row - 1, 4, "Chart data: SLA limit line", book.st.section)
    ws.write_string(row, 4, "latency (ms)")
    ws.write_string(row, 5, "RPS")
    if a.sla:
        top = max(p.rps for p in report.points)
        for k in range(2):
            cells.formula(ws, row + 1 + k, 4, "=latencyLimitMs", a.sla[0].max_ms, book.st.calc("ms"))
        ws.write_number(row + 1, 5, 0, book.st.calc("req/s"))
        cells.formula(ws, row + 2, 5, "=MAX(bmRps)", top, book.st.calc("req/s"))
        scatter.add_series(
            {
                "name": "SLA limit",
                "categories": [SHEET, row + 1, 4, row + 2, 4],
                "values": [SHEET, row + 1, 5, row + 2, 5],
                "line": {"color": "red", "dash_type": "dash", "width": 2},
                "marker": {"type": "none"},
            }
        )
    title = f"Latency vs throughput per config ({stat} {metric.upper()})"
    if len(shown) < len(report.results):
        title += f": the first {len(shown):,} of {len(report.results):,} configs (an Excel chart holds 255 series)"
    scatter.set_title({"name": title})
    scatter.set_x_axis({"name": f"{stat} {metric.upper()} (ms)", "min": 0})
    scatter.set_y_axis({"name": "requests/s per instance", "min": 0})
    scatter.set_size({"width": 760, "height": 420})
    ws.insert_chart(chart_row, 0, scatter)

    bars = book.wb.add_chart({"type": "column"})
    n = len(report.results)
    total_col = book.cf_columns["total_yearly_cost"]
    bars.add_series(
        {
            "name": "Total yearly cost (USD/year)",
            "categories": ["Configs", 1, 0, n, 0],
            "values": ["Configs", 1, total_col, n, total_col],
        }
    )
    bars.set_title({"name": "Total yearly cost per config (empty: no point meets the SLA)"})
    bars.set_y_axis({"name": "USD/year", "num_format": '"$"#,##0'})
    bars.set_legend({"none": True})
    bars.set_size({"width": 760, "height": 380})
    ws.insert_chart(chart_row + 22, 0, bars)
    # The charts are 760 px wide (columns A to F) and end about 20 rows below the second's top.
    book.print_extent[SHEET] = (chart_row + 22 + 20, 5)
