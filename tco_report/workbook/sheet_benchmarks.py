"""The Benchmarks sheet: one row per point (an Excel table), then formula columns.

Formula columns: GPUs per instance (from the Inputs config table), RPS per GPU, the latency on the frontier's axis,
meets-SLA (each constraint's column found by header name, so any metric and statistic works), best-of-config,
on-Pareto-frontier, and the interactivity view's axes (tokens/s per user, output tokens/s per GPU). Every formula
refers to whole table columns through defined names (bmRps, bmMeetsSla, ...).
"""

from __future__ import annotations

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from ..decisions import output_tps_per_gpu, tokens_per_second_per_user
from ..model import BenchmarkPoint
from ..names import BY_SNAKE
from . import cells, layout
from .context import Book

SHEET = "Benchmarks"


class PlainFormulaSheet(Worksheet):
    """A sheet whose formulas use only Excel 2007 functions, so XlsxWriter's _xlfn. rewriting (about 160 regular
    expressions per formula) is skipped: it made a 6,400-row sheet take 35 s instead of a few. Configs and TCO,
    which use MAXIFS and MINIFS, keep the rewriting."""

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        return formula[1:] if formula.startswith("=") else formula


def prepare(book: Book) -> None:
    """Fix the row order (Configs order, then load, as the calculator walks a curve) and the column layout."""
    report = book.report
    book.config_rows = {r.config: i + 1 for i, r in enumerate(report.results)}
    order = sorted(
        range(len(report.points)),
        key=lambda i: (book.config_rows[report.points[i].config], report.points[i].load, report.points[i].rps),
    )
    book.row_index = order
    book.rows = [report.points[i] for i in order]
    lat = {(m, s) for p in report.points for m, stats in p.latency_ms.items() for s in stats}
    book.latency_columns = sorted(lat, key=layout.latency_sort_key)
    col = 0
    for _, range_name, _ in layout.BM_LEAD:
        book.bm_columns[range_name] = col
        col += 1
    for key in book.latency_columns:
        book.bm_columns[layout.latency_header(*key)] = col
        col += 1
    book.bm_columns[layout.BM_SOURCE[1]] = col
    book.bm_last_data_col = col
    for _, range_name in layout.BM_CALC:
        col += 1
        book.bm_columns[range_name] = col
    for n, p in enumerate(book.rows):
        first, _ = book.config_span.get(p.config, (n + 1, n + 1))
        book.config_span[p.config] = (first, n + 1)


def headers(book: Book) -> list[str]:
    out = [h for h, _, _ in layout.BM_LEAD]
    out += [layout.latency_header(*key) for key in book.latency_columns]
    out.append(layout.BM_SOURCE[0])
    out += [h for h, _ in layout.BM_CALC]
    return out


def write(book: Book) -> None:
    ws = book.wb.add_worksheet(SHEET, worksheet_class=PlainFormulaSheet)
    st, report = book.st, book.report
    a = report.assumptions
    heads = headers(book)
    n = len(book.rows)
    c = book.bm_columns
    last_data = book.bm_last_data_col
    gpus = {r.config: r.gpus_per_instance for r in report.results}
    best = {id(r.point) for r in report.results if r.point is not None}
    frontier = {id(p) for p in report.frontier}
    f_metric = report.frontier_metric
    limits = [layout.latency_limit_name(j) for j in range(len(a.sla))]
    slacols = [layout.sla_column_name(j) for j in range(len(a.sla))]
    units = {range_name: unit for _, range_name, unit in layout.BM_LEAD}

    ws.set_row(0, 45)
    ws.set_column(0, len(heads) - 1, 13)
    ws.set_column(c["bmConfig"], c["bmConfig"], 24)
    for r, p in enumerate(book.rows, start=1):
        i = book.row_index[r - 1]
        cells.number(ws, r, c["bmPoint"], r, st.input("#"))
        cells.text(ws, r, c["bmConfig"], p.config, st.input("text"))
        cells.number(ws, r, c["bmConfigIndex"], book.config_rows[p.config], st.input("#"))
        cells.text(ws, r, c["bmModel"], p.model, st.input("text"))
        for attr, name in (
            ("concurrency", "bmConcurrency"),
            ("request_rate", "bmRequestRate"),
            ("rps", "bmRps"),
            ("output_tps", "bmOutputTps"),
            ("isl", "bmIsl"),
            ("osl", "bmOsl"),
        ):
            cells.number(ws, r, c[name], getattr(p, attr), st.input(units[name]))
        for key in book.latency_columns:
            cells.number(ws, r, c[layout.latency_header(*key)], p.latency(*key), st.input("ms"))
        cells.text(ws, r, c[layout.BM_SOURCE[1]], p.source, st.input("text"))

        row_cells = f"$A{r + 1}:${xl_col_to_name(last_data)}{r + 1}"
        cfg_idx = cells.ref(r, c["bmConfigIndex"])
        g = gpus[p.config]
        cells.formula(ws, r, c["bmGPUsPerInstance"], f"=INDEX({layout.CFG_GPUS},{cfg_idx})", g, st.calc("GPUs"))
        tpg = p.rps / g
        cells.formula(
            ws,
            r,
            c["bmRpsPerGPU"],
            f"={cells.ref(r, c['bmRps'])}/{cells.ref(r, c['bmGPUsPerInstance'])}",
            tpg,
            st.calc("req/s"),
        )
        lat = p.latency(*f_metric)
        pick = f"INDEX({row_cells},{layout.FRONTIER_COLUMN})"
        cells.formula(ws, r, c["bmFrontierLatency"], f'=IFERROR(IF(ISNUMBER({pick}),{pick},""),"")', lat, st.calc("ms"))
        if a.sla:
            terms = []
            for col_name, limit in zip(slacols, limits, strict=True):
                v = f"INDEX({row_cells},{col_name})"
                terms.append(f"ISNUMBER({v}),{v}<={limit}")
            meets_formula = f"=IFERROR(AND({','.join(terms)}),FALSE)"
        else:
            meets_formula = "=TRUE()"
        cells.formula(ws, r, c["bmMeetsSla"], meets_formula, bool(report.feasible[i]), st.calc("TRUE/FALSE"))
        cells.formula(
            ws,
            r,
            c["bmBestOfConfig"],
            f"=AND({cells.ref(r, c['bmMeetsSla'])},{cells.ref(r, c['bmRps'])}=INDEX(cfRpsPerInstance,{cfg_idx}))",
            id(p) in best,
            st.calc("TRUE/FALSE"),
        )
        # SUMPRODUCT, not COUNTIFS("<="&x): criteria strings carry 15 digits, so a point could beat itself.
        lat_ref, tpg_ref = cells.ref(r, c["bmFrontierLatency"]), cells.ref(r, c["bmRpsPerGPU"])
        cells.formula(
            ws,
            r,
            c["bmOnFrontier"],
            f"=AND(ISNUMBER({lat_ref}),SUMPRODUCT((bmFrontierLatency<={lat_ref})*(bmRpsPerGPU>{tpg_ref}))=0)",
            id(p) in frontier,
            st.calc("TRUE/FALSE"),
        )

        _interactivity(book, ws, r, p, g)

    ws.add_table(
        0,
        0,
        n,
        len(heads) - 1,
        {
            "name": "BenchmarkPoints",
            "columns": [{"header": h, "header_format": st.header} for h in heads],
            "style": "Table Style Light 1",
            "autofilter": True,
        },
    )
    for name, col in c.items():
        if name.startswith("bm"):
            book.define(name, cells.col_range(SHEET, col, 1, n))
    book.define(layout.BM_HEADER, cells.row_range(SHEET, 0, 0, last_data))
    for key in book.latency_columns:
        ws.write_comment(0, c[layout.latency_header(*key)], f"{key[1]} {key[0].upper()} in ms")
    ws.freeze_panes(1, 2)
    ws.protect("", {"autofilter": True, "sort": True, "format_columns": True})


def _interactivity(book: Book, ws: Worksheet, r: int, p: BenchmarkPoint, gpus: int) -> None:
    """The interactivity view's two axes (issue 7): tokens/s per user = 1000 / mean ITL (mean TPOT when the file has
    no ITL), and output tokens/s per GPU (measured, else requests/s x OSL), as decisions.py computes them."""
    c, st = book.bm_columns, book.st
    ms = BY_SNAKE["milliseconds_per_second"].camel
    refs = [
        cells.ref(r, c[layout.latency_header(m, "avg")]) for m in ("itl", "tpot") if (m, "avg") in book.latency_columns
    ]
    expr = '""'
    for ref in reversed(refs):
        expr = f"IF(AND(ISNUMBER({ref}),{ref}>0),{ms}/{ref},{expr})"
    cells.formula(
        ws, r, c["bmTokensPerSecondPerUser"], f"={expr}", tokens_per_second_per_user(p), st.calc("tokens/s/user")
    )
    tps, rps, osl = (cells.ref(r, c[n]) for n in ("bmOutputTps", "bmRps", "bmOsl"))
    gref = cells.ref(r, c["bmGPUsPerInstance"])
    cells.formula(
        ws,
        r,
        c["bmOutputTpsPerGPU"],
        f"=IF(ISNUMBER({tps}),{tps},{rps}*{osl})/{gref}",
        output_tps_per_gpu(p, gpus),
        st.calc("tokens/s"),
    )
