"""The Benchmarks sheet: one Excel table (BenchmarkPoints), one row per point: the measured values, then
calculated columns.

Calculated columns (one formula per column, in structured references, so Excel fills them on a row added to the
table): the row's position, its config's row on Configs found by config name (MATCH, never a typed index, so
deleting or reordering rows cannot shift a link), GPUs per instance, RPS per GPU, the latency on the frontier's
axis, meets-SLA (each constraint's column found by header name, so any metric and statistic works),
best-of-config, on-Pareto-frontier, and the interactivity view's axes (tokens/s per user, output tokens/s per
GPU). Other sheets read whole table columns through defined names that are structured references (bmRps =
BenchmarkPoints[rps (req/s)]), so they cover rows inserted anywhere in the table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from xlsxwriter.utility import xl_col_to_name

from ..decisions import output_tps_per_gpu, tokens_per_second_per_user
from ..model import BenchmarkPoint
from ..names import BY_SNAKE
from . import cells, layout, sheetdata
from .context import Book
from .sheetdata import FastRowsSheet
from .styles import Styles

SHEET = "Benchmarks"


class PlainFormulaSheet(FastRowsSheet):
    """A sheet whose formulas use only Excel 2007 functions, so XlsxWriter's _xlfn. rewriting (about 160 regular
    expressions per formula) is skipped: it made a 6,400-row sheet take 35 s instead of a few. Configs and TCO,
    which use AGGREGATE, prefix it themselves (cells.FastFormulaSheet)."""

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
    for _, range_name, _, _ in layout.BM_PROVENANCE:
        col += 1
        book.bm_columns[range_name] = col
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
    out += [h for h, _, _, _ in layout.BM_PROVENANCE]
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
    best = {id(r.point) for r in report.results if r.feasible}
    frontier = {id(p) for p in report.frontier}
    f_metric = report.frontier_metric
    limits = [layout.latency_limit_name(j) for j in range(len(a.sla))]
    slacols = [layout.sla_column_name(j) for j in range(len(a.sla))]
    units = {range_name: unit for _, range_name, unit in layout.BM_LEAD}
    header_of = {k: h for k, h in enumerate(heads)}

    ws.set_row(0, 45)
    ws.set_column(0, len(heads) - 1, 13)
    ws.set_column(c["bmConfig"], c["bmConfig"], 24)
    # A 6,400-row sheet writes ~300,000 cells: everything that does not change from row to row (formats, the
    # formulas, which are the same on every row of a calculated column) is worked out once here, not once per cell.
    T = layout.BM_TABLE

    def here(name: str) -> str:
        return cells.this_row(T, header_of[c[name]])

    measured = [
        (c[name], attr, st.input(units[name]))
        for attr, name in (
            ("concurrency", "bmConcurrency"),
            ("request_rate", "bmRequestRate"),
            ("rps", "bmRps"),
            ("output_tps", "bmOutputTps"),
            ("isl", "bmIsl"),
            ("osl", "bmOsl"),
        )
    ]
    latency = [(c[layout.latency_header(*key)], key) for key in book.latency_columns]
    f_index, f_text, f_ms = st.input("#"), st.input("text"), st.input("ms")
    f_gpus, f_rate, f_calc_ms, f_bool = st.calc("GPUs"), st.calc("req/s"), st.calc("ms"), st.calc("TRUE/FALSE")
    row_cells = cells.this_row(T, heads[0], heads[last_data])  # this row's data cells, point to source
    g, cfg_row, rps = here("bmGPUsPerInstance"), here("bmConfigRow"), here("bmRps")
    sla_terms = [
        f"ISNUMBER(INDEX({row_cells},{col_name})),INDEX({row_cells},{col_name})<={limit}"
        for col_name, limit in zip(slacols, limits, strict=True)
    ]
    pick = f"INDEX({row_cells},{layout.FRONTIER_COLUMN})"
    lat_ref, tpg_ref, failed = here("bmFrontierLatency"), here("bmRpsPerGPU"), here("bmFailed")
    interactivity = _InteractivityColumns(book, here)

    def rows_of(name: str) -> str:
        letter = xl_col_to_name(c[name])
        return f"${letter}$2:${letter}${n + 1}"

    calc = {
        "bmPoint": "=ROW()-ROW($A$1)",
        "bmConfigRow": f'=IF(LEN({here("bmConfig")})=0,"",'
        f'IFERROR(MATCH({cells.exact(here("bmConfig"))},cfConfig,0),""))',
        "bmGPUsPerInstance": f'=IF(ISNUMBER({cfg_row}),INDEX(cfGPUsPerInstance,{cfg_row}),"")',
        "bmRpsPerGPU": f'=IF(ISNUMBER({g}),{rps}/{g},"")',
        # A failed run (bmFailed TRUE) has no point on the frontier and meets nothing, whatever its row holds.
        "bmFrontierLatency": f'=IF(AND(ISNUMBER({g}),{failed}<>TRUE),IFERROR(IF(ISNUMBER({pick}),{pick},""),""),"")',
        "bmMeetsSla": f"=IFERROR(AND(ISNUMBER({g}),{failed}<>TRUE,{','.join(sla_terms)}),FALSE)"
        if a.sla
        else f"=AND(ISNUMBER({g}),{failed}<>TRUE)",
        "bmBestOfConfig": f"=IFERROR(AND({here('bmMeetsSla')},{rps}=INDEX(cfRpsPerInstance,{cfg_row})),FALSE)",
        # SUMPRODUCT, not COUNTIFS("<="&x): criteria strings carry 15 digits, so a point could beat itself. Over
        # the table's rows as absolute ranges (they grow with rows inserted inside the table), not the structured
        # names: LibreOffice takes 3.5x as long over those in this one formula that reads every row for every row.
        "bmOnFrontier": f"=AND(ISNUMBER({lat_ref}),"
        f"SUMPRODUCT(({rows_of('bmFrontierLatency')}<={lat_ref})*({rows_of('bmRpsPerGPU')}>{tpg_ref}))=0)",
        **interactivity.formulas,
    }
    formula_of = {c[name]: text for name, text in calc.items()}
    sheetdata.add_table(
        ws,
        0,
        0,
        n,
        len(heads) - 1,
        {
            "name": T,
            "columns": [
                {"header": h, "header_format": st.header, **({"formula": formula_of[k]} if k in formula_of else {})}
                for k, h in enumerate(heads)
            ],
            "style": "Table Style Light 1",
            "autofilter": True,
        },
        rows_follow=True,  # every calculated cell is written below, with its cached value
    )
    source_col = c[layout.BM_SOURCE[1]]
    provenance = _ProvenanceColumns(c, st)
    calc_cols = {name: (c[name], calc[name]) for name in calc}
    point_col, point_f = calc_cols["bmPoint"]
    row_col, row_f = calc_cols["bmConfigRow"]
    gpus_col, gpus_f = calc_cols["bmGPUsPerInstance"]
    per_gpu_col, per_gpu_f = calc_cols["bmRpsPerGPU"]
    lat_col, lat_f = calc_cols["bmFrontierLatency"]
    sla_col, sla_f = calc_cols["bmMeetsSla"]
    best_col, best_f = calc_cols["bmBestOfConfig"]
    on_col, on_f = calc_cols["bmOnFrontier"]
    config_col, model_col = c["bmConfig"], c["bmModel"]
    feasible, config_rows, label = report.feasible, book.config_rows, book.source_label
    for r, p in enumerate(book.rows, start=1):  # after add_table: each formula cell gets its cached Python value
        i = book.row_index[r - 1]
        row = cells.RowCells(ws, r)
        row.formula(point_col, point_f, r, f_index)
        row.text(config_col, p.config, f_text)
        row.text(model_col, p.model, f_text)
        run_failed = p.failed  # a failed run measured no lengths: blank, not 0
        for k, attr, fmt in measured:
            row.number(k, None if run_failed and attr in ("isl", "osl") else getattr(p, attr), fmt)
        for k, key in latency:
            row.number(k, p.latency(*key), f_ms)
        row.text(source_col, label(p.source), f_text)
        provenance.write(row, p)
        gp = gpus[p.config]
        lat = None if run_failed else p.latency(*f_metric)
        row.formula(row_col, row_f, config_rows[p.config], f_index)
        row.formula(gpus_col, gpus_f, gp, f_gpus)
        row.formula(per_gpu_col, per_gpu_f, p.rps / gp, f_rate)
        row.formula(lat_col, lat_f, lat, f_calc_ms)
        row.formula(sla_col, sla_f, bool(feasible[i]), f_bool)
        row.formula(best_col, best_f, id(p) in best, f_bool)
        row.formula(on_col, on_f, id(p) in frontier, f_bool)
        interactivity.write(row, p, gp)
        row.done()

    for name, col in c.items():
        if name.startswith("bm"):
            book.define(name, "=" + cells.table_column(T, header_of[col]))
    book.define(layout.BM_HEADER, cells.row_range(SHEET, 0, 0, last_data))
    for key in book.latency_columns:
        ws.write_comment(0, c[layout.latency_header(*key)], f"{key[1]} {key[0].upper()} in ms")
    ws.freeze_panes(1, 2)
    ws.protect("", {"autofilter": True, "sort": True, "format_columns": True, "insert_rows": True,
                    "delete_rows": True})  # fmt: skip


def format_spread(spread: Mapping[str, tuple[float, float]]) -> str:
    """``rps: 9.8..10.2; ttft_avg: 40.1..44.0``, exact (repr), so that the workbook reader gets the numbers back."""
    return "; ".join(f"{k}: {lo!r}..{hi!r}" for k, (lo, hi) in spread.items())


class _ProvenanceColumns:
    """The tool, its version, the workload, the repeats and their spread, and whether the run failed."""

    def __init__(self, c: dict[str, int], st: Styles) -> None:
        self._columns = [(c[range_name], attr, st.input(unit)) for _, range_name, unit, attr in layout.BM_PROVENANCE]

    def write(self, row: cells.RowCells, p: BenchmarkPoint) -> None:
        for col, attr, fmt in self._columns:
            value = getattr(p, attr)
            if attr == "spread":
                row.text(col, format_spread(value), fmt)
            elif isinstance(value, bool):
                row.boolean(col, value, fmt)
            elif isinstance(value, int):
                row.number(col, value, fmt)
            else:
                row.text(col, value, fmt)


class _InteractivityColumns:
    """The interactivity view's two axes (issue 7): tokens/s per user = 1000 / mean ITL (mean TPOT when the file has
    no ITL), and output tokens/s per GPU (measured, else requests/s x OSL), as decisions.py computes them."""

    def __init__(self, book: Book, here: Callable[[str], str]) -> None:
        c, st = book.bm_columns, book.st
        ms = BY_SNAKE["milliseconds_per_second"].camel
        refs = [here(layout.latency_header(m, "avg")) for m in ("itl", "tpot") if (m, "avg") in book.latency_columns]
        expr = '""'
        for ref in reversed(refs):
            expr = f"IF(AND(ISNUMBER({ref}),{ref}>0),{ms}/{ref},{expr})"
        tps, rps, osl, g = (here(n) for n in ("bmOutputTps", "bmRps", "bmOsl", "bmGPUsPerInstance"))
        self.formulas = {
            "bmTokensPerSecondPerUser": "=" + expr,
            "bmOutputTpsPerGPU": f'=IF(ISNUMBER({g}),IF(ISNUMBER({tps}),{tps},{rps}*{osl})/{g},"")',
        }
        self._cols = (c["bmTokensPerSecondPerUser"], c["bmOutputTpsPerGPU"])
        self._formats = (st.calc("tokens/s/user"), st.calc("tokens/s"))

    def write(self, row: cells.RowCells, p: BenchmarkPoint, gpus: int) -> None:
        user_col, gpu_col = self._cols
        user_fmt, gpu_fmt = self._formats
        per_user, per_gpu = self.formulas.values()
        row.formula(user_col, per_user, tokens_per_second_per_user(p), user_fmt)
        row.formula(gpu_col, per_gpu, output_tps_per_gpu(p, gpus), gpu_fmt)
