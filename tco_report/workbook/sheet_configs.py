"""The Configs sheet: an Excel table (ConfigResults), one row per row of the Inputs config table (the configs
written, then empty rows for configs added on Inputs), its best feasible point found by MAXIFS, sized and costed.

Each column is one calculated column (a structured-reference formula, the same on every row); benchmark rows find
their config's row here by config name (Benchmarks' "config row on Configs"), so rows added, deleted or reordered
on either sheet cannot shift a link. Empty and infeasible rows show empty cells, not errors. To the right, the SLA
lookup block finds each constraint's column in Benchmarks by header name (slaColumn, slaColumn2, ...).
"""

from __future__ import annotations

from typing import Any

from ..model import ConfigResult
from . import cells, layout
from .context import Book

SHEET = "Configs"
W = '"whole"'


def _formulas(book: Book) -> dict[str, str]:
    """The formula of every column: one per column, the same on every row (a calculated column)."""
    c = {key: cells.this_row(layout.CF_TABLE, header) for key, header, _, _ in layout.CF_COLUMNS}
    g = c["feasible"]
    named = f"LEN({c['config']})>0"

    def gated(expr: str) -> str:
        return f'=IF({g},{expr},"")'

    hw = c["hardware_index"]
    cloud, reserved = f"INDEX(hwCloudPricePerGPUHour,{hw})", f"INDEX(hwCloudReservedPricePerGPUHour,{hw})"
    tpgs = f"{c['rps_per_instance']}*({c['isl']}+{c['osl']})/{c['gpus_per_instance']}"  # tokens per GPU per second
    rent = f"{c['yearly_cloud_cost']}/monthsPerYear"
    running = f"{c['servers']}*({c['yearly_server_cost']}-{c['yearly_capex_cost']})/monthsPerYear"
    return {
        # Row k of this table is row k of the Inputs config table; an empty name there leaves the row empty.
        "config": f'=IFERROR(INDEX({layout.CFG_NAME},{c["index"]})&"","")',
        "index": "=ROW()-ROW($A$1)",
        "hardware": f'=IF({named},INDEX({layout.CFG_HARDWARE},{c["index"]})&"","")',
        # No profile named: #N/A (shown on Summary's status), never the empty profile column's zeros.
        "hardware_index": f"=IF({named},IF(LEN({c['hardware']})=0,NA(),"
        f'MATCH({cells.exact(c["hardware"])},hwName,0)),"")',
        "gpus_per_instance": f'=IF({named},INDEX({layout.CFG_GPUS},{c["index"]}),"")',
        "gpus_per_server": f'=IF({named},INDEX(hwGPUsPerServer,{hw}),"")',
        "feasible": f"=IF({named},COUNTIFS(bmConfigRow,{c['index']},bmMeetsSla,TRUE)>0,FALSE)",
        "rps_per_instance": gated(f"MAXIFS(bmRps,bmConfigRow,{c['index']},bmMeetsSla,TRUE)"),
        # The first best row in the table's order (as written: the lowest load, as the calculator breaks ties).
        "best_point": gated(f"MINIFS(bmPoint,bmConfigRow,{c['index']},bmBestOfConfig,TRUE)"),
        "best_row": gated(f"MATCH({c['best_point']},bmPoint,0)"),
        "concurrency": gated(
            f"IF(ISNUMBER(INDEX(bmConcurrency,{c['best_row']})),INDEX(bmConcurrency,{c['best_row']}),"
            f"INDEX(bmRequestRate,{c['best_row']}))"
        ),
        "isl": gated(f"IF(ISNUMBER(islOverride),islOverride,INDEX(bmIsl,{c['best_row']}))"),
        "osl": gated(f"IF(ISNUMBER(oslOverride),oslOverride,INDEX(bmOsl,{c['best_row']}))"),
        "model_instances": gated(
            f"IF(rounding={W},CEILING(peakRequestsPerSecond/({c['rps_per_instance']}*targetUtilisation),1),"
            f"peakRequestsPerSecond/({c['rps_per_instance']}*targetUtilisation))"
        ),
        "total_gpus": gated(f"{c['model_instances']}*{c['gpus_per_instance']}"),
        "servers_for_demand": gated(
            f"IF(rounding={W},CEILING({c['total_gpus']}/{c['gpus_per_server']},1),"
            f"{c['total_gpus']}/{c['gpus_per_server']})"
        ),
        "servers": gated(f"{c['servers_for_demand']}+spareServers"),
        "capital_recovery_factor": gated(
            f"IF(costOfCapital=0,1/INDEX(hwDepreciationPeriod,{hw}),"
            f"costOfCapital/(1-(1+costOfCapital)^(-INDEX(hwDepreciationPeriod,{hw}))))"
        ),
        "yearly_capex_cost": gated(f"INDEX(hwInitialServerCost,{hw})*{c['capital_recovery_factor']}"),
        "yearly_software_cost_per_server": gated(
            f'INDEX(hwYearlySoftwareCost,{hw})*IF(INDEX(hwSoftwareLicencePer,{hw})="gpu",{c["gpus_per_server"]},1)'
        ),
        "yearly_energy_cost": gated(
            f"INDEX(hwServerPowerKW,{hw})*INDEX(hwLoadFactor,{hw})*INDEX(hwPUE,{hw})"
            f"*hoursPerYear*INDEX(hwElectricityPricePerKWh,{hw})"
        ),
        "yearly_server_cost": gated(
            f"{c['yearly_capex_cost']}+{c['yearly_software_cost_per_server']}+INDEX(hwYearlyHostingCost,{hw})"
            f"+{c['yearly_energy_cost']}+INDEX(hwYearlyNetworkStorageCost,{hw})+INDEX(hwYearlyOperationsCost,{hw})"
        ),
        "total_yearly_cost": gated(f"{c['servers']}*{c['yearly_server_cost']}"),
        "requests_per_server_per_year": gated(
            f"{c['rps_per_instance']}*({c['gpus_per_server']}/{c['gpus_per_instance']})*secondsPerYear*uptime"
        ),
        "cost_per_1k_requests": gated(
            f"{c['yearly_server_cost']}/{c['requests_per_server_per_year']}*requestsPerThousand"
        ),
        "cost_per_1m_tokens": gated(
            f"{c['cost_per_1k_requests']}/requestsPerThousand/({c['isl']}+{c['osl']})*tokensPerMillion"
        ),
        "ref_cost_per_1k_requests": gated(
            f"requestsPerThousand*({c['isl']}*refInputPricePer1M+{c['osl']}*refOutputPricePer1M)/tokensPerMillion"
        ),
        "cost_per_1m_input_tokens": gated(
            f"{c['cost_per_1k_requests']}/{c['ref_cost_per_1k_requests']}*refInputPricePer1M"
        ),
        "cost_per_1m_output_tokens": gated(
            f"{c['cost_per_1k_requests']}/{c['ref_cost_per_1k_requests']}*refOutputPricePer1M"
        ),
        # The industry's shortcut: cost per GPU-hour / (tokens per GPU per second x 3600) x 1,000,000.
        "owning_cost_per_gpu_hour": gated(f"{c['yearly_server_cost']}/{c['gpus_per_server']}/hoursPerYear"),
        "gpu_hour_cost_per_1m_tokens": gated(
            f"{c['owning_cost_per_gpu_hour']}/({tpgs}*secondsPerHour)*tokensPerMillion"
        ),
        "yearly_cloud_cost": gated(f'IF({cloud}>0,{c["total_gpus"]}*{cloud}*hoursPerYear,"")'),
        "yearly_cloud_reserved_cost": gated(f'IF({reserved}>0,{c["total_gpus"]}*{reserved}*hoursPerYear,"")'),
        "cloud_cost_per_1m_tokens": gated(f'IF({cloud}>0,{cloud}/({tpgs}*secondsPerHour)*tokensPerMillion,"")'),
        "cloud_reserved_cost_per_1m_tokens": gated(
            f'IF({reserved}>0,{reserved}/({tpgs}*secondsPerHour)*tokensPerMillion,"")'
        ),
        # Owning pays the servers up front, then its running costs; renting pays by the month.
        "break_even_months": gated(
            f"IF(ISNUMBER({c['yearly_cloud_cost']}),IF({rent}>{running},"
            f'{c["servers"]}*INDEX(hwInitialServerCost,{hw})/({rent}-{running}),""),"")'
        ),
        "cost_per_1k_requests_at_average_load": gated(
            "IF(ISNUMBER(averageRequestsPerSecond),IF(averageRequestsPerSecond>0,"
            f"{c['servers']}*{c['yearly_server_cost']}/(averageRequestsPerSecond*secondsPerYear*uptime)"
            '*requestsPerThousand,""),"")'
        ),
        "recommended": f"=IF({layout.HAS_RECOMMENDATION},{c['index']}={layout.RECOMMENDED_INDEX},FALSE)",
    }


def python_values(book: Book, i: int, r: ConfigResult) -> dict[str, Any]:
    """The value the Python calculator gives for every Configs column of config ``r`` (row i, 0-based)."""
    a = book.report.assumptions
    profiles = [h.name for h in a.hardware]
    hw = a.profile(r.hardware)
    if len(book.point_rows) != len(book.rows):  # built once: a scan of all points per config was O(n^2)
        book.point_rows = {id(p): n + 1 for n, p in enumerate(book.rows)}
    point_no = book.point_rows.get(id(r.point)) if r.feasible else None
    out: dict[str, Any] = {
        "config": r.config,
        "index": i + 1,
        "hardware": r.hardware,
        "hardware_index": profiles.index(r.hardware) + 1,
        "gpus_per_instance": r.gpus_per_instance,
        "gpus_per_server": hw.gpus_per_server,
        "feasible": r.feasible,
        "best_point": point_no,
        "best_row": point_no,
        "recommended": book.report.recommended is not None and book.report.recommended.config == r.config,
    }
    for key, *_ in layout.CF_COLUMNS:
        if key not in out:
            out[key] = getattr(r, key)
    return out


def empty_values(book: Book, i: int) -> dict[str, Any]:
    """What an empty row (no config on its Inputs row) shows: blanks, FALSE for the TRUE/FALSE columns."""
    out: dict[str, Any] = {key: None for key, *_ in layout.CF_COLUMNS}
    out.update(config="", index=i + 1, hardware="", feasible=False, recommended=False)
    return out


def write(book: Book) -> None:
    ws = book.wb.add_worksheet(SHEET)
    st = book.st
    book.cf_columns = {key: col for col, (key, *_) in enumerate(layout.CF_COLUMNS)}
    ws.set_row(0, 60)
    ws.set_column(0, 0, 28)
    ws.set_column(1, len(layout.CF_COLUMNS) - 1, 15)
    formulas = _formulas(book)
    rows = book.config_capacity
    ws.add_table(
        0,
        0,
        rows,
        len(layout.CF_COLUMNS) - 1,
        {
            "name": layout.CF_TABLE,
            "columns": [
                {"header": header, "header_format": st.header, "formula": formulas[key]}
                for key, header, _, _ in layout.CF_COLUMNS
            ],
            "style": "Table Style Light 1",
            "autofilter": False,
        },
    )
    for i in range(rows):  # after add_table: each formula cell gets its cached Python value
        values = python_values(book, i, book.results[i]) if i < len(book.results) else empty_values(book, i)
        for col, (key, _, _, unit) in enumerate(layout.CF_COLUMNS):
            cells.formula(ws, i + 1, col, formulas[key], values[key], st.calc(unit))
    for _, header, range_name, _ in layout.CF_COLUMNS:
        book.define(range_name, "=" + cells.table_column(layout.CF_TABLE, header))
    ws.freeze_panes(1, 1)
    _sla_lookup(book, ws, len(layout.CF_COLUMNS) + 1)
    ws.protect("", {"format_columns": True, "format_rows": True})


def _sla_lookup(book: Book, ws: Any, col: int) -> None:
    """Each SLA constraint's Benchmarks column, by header name (metric_statistic (ms)), and the frontier's axis."""
    st, a = book.st, book.report.assumptions
    for k, head in enumerate(("SLA lookup", "Benchmarks column header", "column #")):
        ws.write_string(0, col + k, head, st.header)
    ws.set_column(col, col + 2, 24)
    positions = book.sla_header_positions()
    row = 1
    for j, c in enumerate(a.sla):
        inputs_row = book.sla_rows[j] + 1
        ws.write_string(row, col, f"SLA constraint {j + 1}")
        cells.formula(
            ws,
            row,
            col + 1,
            f'=Inputs!$E${inputs_row}&"_"&Inputs!$F${inputs_row}&"{layout.LATENCY_SUFFIX}"',
            layout.latency_header(c.metric, c.statistic),
        )
        cells.formula(
            ws, row, col + 2, f'=IFERROR(MATCH({cells.ref(row, col + 1)},{layout.BM_HEADER},0),"")', positions[j]
        )
        book.define(layout.sla_column_name(j), cells.cell_name(SHEET, row, col + 2))
        row += 1
    ws.write_string(row, col, "Pareto frontier latency axis")
    if a.sla:
        cells.formula(
            ws, row, col + 1, f"={cells.ref(1, col + 1)}", layout.latency_header(*book.report.frontier_metric)
        )
        cells.formula(ws, row, col + 2, "=slaColumn", positions[0])
    else:
        header = layout.latency_header(*book.report.frontier_metric)
        cells.text(ws, row, col + 1, header)
        pos = book.bm_columns.get(header)
        cells.formula(
            ws,
            row,
            col + 2,
            f'=IFERROR(MATCH({cells.ref(row, col + 1)},{layout.BM_HEADER},0),"")',
            None if pos is None else pos + 1,
        )
    book.define(layout.FRONTIER_COLUMN, cells.cell_name(SHEET, row, col + 2))
