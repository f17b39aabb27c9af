"""read_workbook: the inputs and benchmark rows back from a workbook this tool wrote (and someone edited).

Every input is found through its defined name, so the reader does not depend on cell addresses. An input cell
holding a formula is refused (inputs are values; a formula there means the model was changed). The file is only
read, never written. The cached values of the named outputs come along, for compare_cached.
"""

from __future__ import annotations

import glob
import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils.cell import get_column_letter, range_boundaries
from openpyxl.workbook.workbook import Workbook

from ..assumptions import METRICS, is_statistic
from ..errors import InputError
from ..ingest import check_unique_loads
from ..model import Assumptions, BenchmarkPoint, ConfigRule, HardwareProfile, SlaConstraint
from ..names import BY_SNAKE, SECONDS_PER_MINUTE
from . import layout, scenario_inputs
from .safety import check_archive
from .tables import column_reference, read_tables


@dataclass(frozen=True)
class CachedCell:
    cell: str  # Sheet!A1
    value: Any  # None when the file holds no cached value


@dataclass
class WorkbookInput:
    """What a workbook says: the inputs, the benchmark rows, and the values its formulas last computed."""

    path: Path
    points: tuple[BenchmarkPoint, ...]
    assumptions: Assumptions
    cached: dict[str, CachedCell] = field(default_factory=dict)  # defined name -> cached value (TCO, Summary)
    notes: list[str] = field(default_factory=list)  # rows and inputs the workbook ignores (so does the Python run)
    config_rows: list[dict[str, CachedCell]] = field(default_factory=list)  # Configs rows: key -> cached value
    plan_rows: list[dict[str, CachedCell]] = field(default_factory=list)  # Plan rows: key -> cached value
    sensitivity_rows: list[dict[str, CachedCell]] = field(default_factory=list)  # Sensitivity rows


@dataclass(frozen=True)
class Cell:
    """One cell as read: where it is, what it holds, and whether that is a formula ("f") or a value."""

    sheet: str
    row: int
    column: int
    value: Any
    data_type: str

    @property
    def coordinate(self) -> str:
        return f"{get_column_letter(self.column)}{self.row}"


class _Grid:
    """A sheet read once, row by row (openpyxl's read-only mode streams; random access would re-parse)."""

    def __init__(self, ws: Any):
        self.title = ws.title
        self.rows = [
            [(c.value, getattr(c, "data_type", "n")) for c in row] for row in ws.iter_rows(max_col=ws.max_column)
        ]

    def cell(self, row: int, column: int) -> Cell:
        try:
            value, kind = self.rows[row - 1][column - 1]
        except IndexError:
            value, kind = None, "n"
        return Cell(self.title, row, column, value, kind)


class _Names:
    """Defined names resolved to cells, with messages that name the file, sheet!cell and the name."""

    def __init__(self, path: Path, wb: Workbook, values: Workbook):
        self.path, self.wb, self.values = path, wb, values
        self._grids: dict[tuple[int, str], _Grid] = {}
        self.tables = read_tables(path)
        self.config_names: list[str] = []  # the Inputs config table's names, as typed
        self.notes: list[str] = []  # what the workbook itself ignores, and so does the Python run (read_workbook)

    def destinations(self, name: str) -> list[tuple[str, str]]:
        """(sheet, A1 range) of a defined name; a table column (BenchmarkPoints[rps (req/s)]) is its data cells."""
        text = str(self.wb.defined_names[name].attr_text)
        ref = column_reference(text)
        if ref is None:
            return list(self.wb.defined_names[name].destinations)
        table = self.tables.get(ref[0])
        col = None if table is None else table.column(ref[1])
        if table is None or col is None:
            raise InputError(self.path, name, f"refers to {text}, which is not a column of a table in the workbook")
        if table.last_row <= table.first_row:
            return []
        letter = get_column_letter(col)
        return [(table.sheet, f"{letter}{table.first_row + 1}:{letter}{table.last_row}")]

    def has(self, name: str) -> bool:
        return name in self.wb.defined_names

    def grid(self, book: Workbook, sheet: str) -> _Grid:
        key = (id(book), sheet)
        if key not in self._grids:
            self._grids[key] = _Grid(book[sheet])
        return self._grids[key]

    def cells(self, name: str, wb: Workbook | None = None) -> list[Cell]:
        book = wb or self.wb
        if name not in self.wb.defined_names:
            raise InputError(
                self.path, name, "the workbook has no such defined name; expected a workbook written by tco_report"
            )
        out: list[Cell] = []
        for sheet, coord in self.destinations(name):
            if sheet not in book.sheetnames:
                raise InputError(self.path, name, f"refers to a missing sheet '{sheet}'")
            grid = self.grid(book, sheet)
            min_col, min_row, max_col, max_row = range_boundaries(coord.replace("$", ""))
            for r in range(min_row, max_row + 1):
                out.extend(grid.cell(r, c) for c in range(min_col, max_col + 1))
        return out

    def where(self, cell: Cell, name: str) -> str:
        return f"{cell.sheet}!{cell.coordinate} ({name})"

    def value(self, cell: Cell, name: str, expected: str) -> Any:
        """The typed-in value of an input cell; a formula there is refused."""
        if cell.data_type == "f" or (hasattr(cell.value, "text") and str(cell.value).startswith("=")):
            raise InputError(
                self.path,
                self.where(cell, name),
                f"expected {expected} typed in, found the formula {str(getattr(cell.value, 'text', cell.value))!r};"
                " input cells hold values, not formulas",
            )
        return cell.value

    def number(
        self, cell: Cell, name: str, *, positive: bool = False, whole: bool = False, optional: bool = False
    ) -> float | None:
        kind = "a whole number" if whole else "a number"
        bound = " greater than 0" if positive else " of at least 0"
        v = self.value(cell, name, kind + bound)
        if v is None or (isinstance(v, str) and not v.strip()):
            if optional:
                return None
            raise InputError(self.path, self.where(cell, name), f"expected {kind}{bound}, the cell is empty")
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise InputError(self.path, self.where(cell, name), f"expected {kind}{bound}, got {v!r}")
        if (positive and v <= 0) or v < 0 or (whole and not float(v).is_integer()):
            raise InputError(self.path, self.where(cell, name), f"expected {kind}{bound}, got {v!r}")
        return float(v)

    def text(self, cell: Cell, name: str, *, options: tuple[str, ...] = (), optional: bool = False) -> str:
        expected = f"one of {', '.join(options)}" if options else "a text"
        v = self.value(cell, name, expected)
        if optional and (v is None or v == ""):
            return ""
        if not isinstance(v, str) or not v.strip() or (options and v not in options):
            raise InputError(self.path, self.where(cell, name), f"expected {expected}, got {v!r}")
        return v

    def scalar(self, name: str) -> Cell:
        found = self.cells(name)
        if len(found) != 1:
            raise InputError(self.path, name, f"expected one cell, the name covers {len(found)}")
        return found[0]

    def cached(self, name: str) -> list[CachedCell]:
        return [CachedCell(f"{c.sheet}!{c.coordinate}", c.value) for c in self.cells(name, self.values)]


def read_workbook(path: str | Path) -> WorkbookInput:
    """The benchmark points, the assumptions (source = the path, provenance 'workbook') and the cached outputs."""
    path = Path(path)
    check_archive(path)
    # Read-only mode streams the sheets: a 6,400-row workbook reads in seconds instead of a quarter of a minute.
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
        values = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a damaged file
        raise InputError(path, None, f"cannot be read as an .xlsx workbook: {e}") from None
    try:
        return _read(_Names(path, wb, values))
    finally:
        wb.close()
        values.close()


def _read(n: _Names) -> WorkbookInput:
    path = n.path
    assumptions = _assumptions(n)
    points = _points(n, set(n.config_names))
    out = WorkbookInput(path=path, points=points, assumptions=assumptions, notes=n.notes)
    for name in _cached_names(n):
        out.cached[name] = n.cached(name)[0]
    out.config_rows = _table(n, [(key, range_name) for key, _, range_name, _ in layout.CF_COLUMNS])
    out.plan_rows = _table(n, [(key, range_name) for key, _, range_name, _ in layout.PLAN_COLUMNS])
    out.sensitivity_rows = _table(n, [(key, range_name) for key, _, range_name, _ in layout.SENSITIVITY_COLUMNS])
    return out


def _table(n: _Names, columns: list[tuple[str, str]]) -> list[dict[str, CachedCell]]:
    """The cached values of a table's column ranges, row by row (empty for a workbook without the table)."""
    found = {key: n.cached(range_name) for key, range_name in columns if n.has(range_name)}
    if not found:
        return []
    rows = min(len(v) for v in found.values())
    return [{key: cells[i] for key, cells in found.items()} for i in range(rows)]


def _cached_names(n: _Names) -> list[str]:
    wanted = [layout.RECOMMENDED_CONFIG, layout.ALL_CHECKS, *layout.LIVE_NAMES, *(BY_SNAKE[k].camel for k in BY_SNAKE)]
    out = []
    for name in wanted:
        if n.has(name):
            dest = n.destinations(name)
            if dest and dest[0][0] in ("TCO", "Checks", "Plan", "Sensitivity"):
                out.append(name)
    return out


def _assumptions(n: _Names) -> Assumptions:
    def num(name: str, **kw: Any) -> float | None:
        return n.number(n.scalar(name), name, **kw)

    hardware = _hardware(n)
    profiles = {h.name for h in hardware}
    sla: list[SlaConstraint] = []
    if n.has(layout.SLA_LIMIT):
        limits, metrics, stats = (n.cells(x) for x in (layout.SLA_LIMIT, layout.SLA_METRIC, layout.SLA_STATISTIC))
        for j, (lc, mc, sc) in enumerate(zip(limits, metrics, stats, strict=True)):
            name = layout.latency_limit_name(j)
            limit = n.number(lc, name, positive=True)
            metric = n.text(mc, f"SLA constraint {j + 1} metric", options=METRICS)
            stat = n.text(sc, f"SLA constraint {j + 1} statistic")
            if not is_statistic(stat):
                raise InputError(
                    n.path,
                    n.where(sc, f"SLA constraint {j + 1} statistic"),
                    f"expected avg, min, max or a percentile such as p50, p90, p99; got {stat!r}",
                )
            sla.append(SlaConstraint(metric, stat, limit))
    rules = []
    for nc, gc, hc in zip(*(n.cells(x) for x in (layout.CFG_NAME, layout.CFG_GPUS, layout.CFG_HARDWARE)), strict=True):
        if nc.value is None or (isinstance(nc.value, str) and not nc.value.strip()) and nc.data_type != "f":
            continue  # an empty row of the config table: room for a config, not one
        config = n.text(nc, "config name")
        n.config_names.append(config)
        gpus = n.number(gc, f"GPUs per instance of '{config}'", positive=True, whole=True)
        hw = n.text(hc, f"hardware profile of '{config}'", options=tuple(sorted(profiles)))
        rules.append(ConfigRule(match=glob.escape(config), gpus_per_instance=int(gpus), hardware=hw))
    uptime = num("uptime", positive=True)
    if uptime > 1:
        raise InputError(n.path, n.where(n.scalar("uptime"), "uptime"), f"expected at most 1, got {uptime!r}")
    fields = {
        "peak_requests_per_second": None,  # below: typed in, or derived from the users
        "uptime": uptime,
        "sla": tuple(sla),
        "hardware": hardware,
        "ref_input_price_per_1m": num("refInputPricePer1M", positive=True),
        "ref_output_price_per_1m": num("refOutputPricePer1M", positive=True),
        "configs": tuple(rules),
        "rounding": n.text(n.scalar("rounding"), "rounding", options=("whole", "fractional")),
        "isl": num("islOverride", positive=True, optional=True),
        "osl": num("oslOverride", positive=True, optional=True),
    }
    for snake in (*layout.MODEL_EXTRAS, *layout.RECORDED_ONLY):
        name = BY_SNAKE[snake].camel
        if not n.has(name):  # a workbook from before the cost model's extensions: the neutral default
            continue
        cell = n.scalar(name)
        if snake == "demand_growth_per_year":
            v = n.value(cell, name, "a number greater than -1")
            if isinstance(v, bool) or not isinstance(v, int | float) or not v > -1:
                raise InputError(n.path, n.where(cell, name), f"expected a number greater than -1, got {v!r}")
            fields[snake] = float(v)
            continue
        v = n.number(
            cell,
            name,
            whole=snake in layout.WHOLE,
            positive=snake in ("target_utilisation", "sensitivity_step"),
            optional=snake in layout.OPTIONAL,
        )
        fields[snake] = int(v) if v is not None and snake in layout.WHOLE else v
    fields["peak_requests_per_second"] = _peak(n, fields)
    scenario_rows = _scenario_rows(n)
    if fields.get("target_utilisation", 1.0) > 1:
        raise InputError(n.path, "targetUtilisation", "expected a share of at most 1")
    keys = [*(k for k in fields if k not in ("hardware", "configs")), "latency_limit_ms"]
    keys += [snake for _, snake, _ in layout.HW_ROWS if snake]
    base = Assumptions(**fields, source=str(n.path), provenance=dict.fromkeys(keys, "workbook"))
    scenarios = []
    for name, rows in scenario_rows.items():
        try:
            scenario = scenario_inputs.apply(base, [(k, v) for k, v, _ in rows], f"{n.path} (scenario '{name}')")
        except ValueError as e:
            raise InputError(n.path, f"{n.where(rows[0][2], 'scnInput')}, scenario '{name}'", str(e)) from None
        scenarios.append((name, scenario))
    return replace(base, scenarios=tuple(scenarios))


def _scenario_rows(n: _Names) -> dict[str, list[tuple[str, Any, Cell]]]:
    """The Scenarios sheet's stored scenario inputs by scenario, in order (none in older workbooks)."""
    if not n.has("scnName"):
        return {}
    out: dict[str, list[tuple[str, Any, Cell]]] = {}
    for nc, ic, vc in zip(n.cells("scnName"), n.cells("scnInput"), n.cells("scnValue"), strict=True):
        if _blank(nc) and _blank(ic):
            continue
        name = n.text(nc, "scenario name")
        if name == "base":
            raise InputError(n.path, n.where(nc, "scnName"), "expected a scenario name other than 'base'")
        out.setdefault(name, []).append(
            (n.text(ic, f"input of scenario '{name}'"), n.value(vc, "scnValue", "a value"), ic)
        )
    return out


def _peak(n: _Names, fields: dict[str, Any]) -> float:
    """The peak as TCO's peakRequestsPerSecond computes it: users x requests per user per minute / 60 when both are
    given, else the typed-in peak. Workbooks written before the peak could be derived hold it as an input."""
    if not n.has(layout.PEAK_INPUT):
        return num_required(n, "peakRequestsPerSecond")
    derived = n.scalar("peakRequestsPerSecond")
    if derived.data_type != "f":  # a value typed over the formula, as into the input cell of older workbooks
        typed = n.scalar(layout.PEAK_INPUT)
        raise InputError(
            n.path,
            n.where(derived, "peakRequestsPerSecond"),
            f"holds the typed value {derived.value!r} where the workbook computes the peak demand (from the users, "
            f"or the typed-in peak); type a peak greater than 0 into {n.where(typed, layout.PEAK_INPUT)} instead",
        )
    users, per_user = fields.get("active_users_at_peak"), fields.get("requests_per_user_per_minute")
    if users is not None and per_user is not None:
        if users <= 0 or per_user <= 0:
            raise InputError(
                n.path, "activeUsersAtPeak", "active users and requests per user must be greater than 0 when given"
            )
        typed = n.scalar(layout.PEAK_INPUT)
        if isinstance(typed.value, int | float) and not isinstance(typed.value, bool):
            n.notes.append(
                f"{n.where(typed, layout.PEAK_INPUT)} holds the peak {typed.value!r} req/s, which is ignored: active "
                f"users x requests per user per minute / 60 give the peak ({users * per_user / SECONDS_PER_MINUTE:g}"
                " req/s); clear the users to use the typed peak (Summary's status block says so too)"
            )
        return users * per_user / SECONDS_PER_MINUTE
    return num_required(n, layout.PEAK_INPUT)


def num_required(n: _Names, name: str) -> float:
    v = n.number(n.scalar(name), name, positive=True)
    assert v is not None
    return v


def _hardware(n: _Names) -> tuple[HardwareProfile, ...]:
    # Rows added with the cost model's extensions may be missing from older workbooks: they take the defaults.
    columns = {
        range_name: n.cells(range_name)
        for range_name, _, _ in layout.HW_ROWS
        if n.has(range_name) or range_name in layout.HW_ROWS_REQUIRED
    }
    profiles = []
    for k, name_cell in enumerate(columns["hwName"]):
        if name_cell.data_type != "f" and (name_cell.value is None or str(name_cell.value).strip() == ""):
            continue  # an empty column: room for another vendor's quote
        name = n.text(name_cell, "hardware profile name")

        def num(range_name: str, label: str, kw: dict[str, bool], k: int = k, name: str = name) -> float:
            return n.number(columns[range_name][k], f"{label} of profile '{name}'", **kw)

        values: dict[str, Any] = {"name": name}
        for range_name, snake, _ in layout.HW_ROWS[1:]:
            if range_name not in columns:
                continue
            label = f"{BY_SNAKE[snake].camel} of profile '{name}'"
            cell = columns[range_name][k]
            if snake == "software_licence_per":
                values[snake] = n.text(cell, label, options=("server", "gpu"))
            elif snake == "gpus_per_server":
                values[snake] = int(n.number(cell, label, positive=True, whole=True))
            else:
                values[snake] = n.number(cell, label, positive=snake == "depreciation_period")
        profiles.append(HardwareProfile(**values))
    names = [p.name for p in profiles]
    if not profiles:
        raise InputError(n.path, "hwName", "no hardware profile has a name; expected at least one")
    if len(set(names)) != len(names):
        raise InputError(n.path, "hwName", f"hardware profile names must be unique, got {names}")
    return tuple(profiles)


def _blank(cell: Cell) -> bool:
    return cell.data_type != "f" and (cell.value is None or (isinstance(cell.value, str) and not cell.value.strip()))


def _points(n: _Names, configs: set[str]) -> tuple[BenchmarkPoint, ...]:
    """The rows the workbook computes with: those inside the Benchmarks table, with their calculated columns, whose
    config is on Inputs. Any other row is left out here too, with a note saying which and why (the Python run must
    agree with the recalculated workbook, and the user must learn what it left out)."""
    table = n.tables.get(layout.BM_TABLE)
    header = [c.value for c in n.cells(layout.BM_HEADER)]
    col = {h: i for i, h in enumerate(header) if isinstance(h, str)}
    for h, _, _ in (*layout.BM_LEAD, layout.BM_SOURCE):
        if h not in col:
            raise InputError(n.path, f"Benchmarks header '{h}'", "the column is missing from the Benchmarks table")
    latency = []
    for h, i in col.items():
        if h.endswith(layout.LATENCY_SUFFIX) and "_" in h:
            metric, stat = h[: -len(layout.LATENCY_SUFFIX)].split("_", 1)
            latency.append((metric, stat, i))
    first = n.cells("bmConfig")
    sheet = first[0].sheet if first else (table.sheet if table else "Benchmarks")
    grid = n.grid(n.wb, sheet)
    first_row = table.first_row + 1 if table else first[0].row
    last_row = table.last_row if table else first[-1].row
    meets = table.column(layout.BM_CALC[[rn for _, rn in layout.BM_CALC].index("bmMeetsSla")][0]) if table else None
    points = []
    ignored: dict[str, list[int]] = {"outside": [], "formulas": [], "config": []}
    unknown: dict[str, None] = {}  # configs named on Benchmarks but not on Inputs, in order
    for r in range(first_row, len(grid.rows) + 1):
        row = tuple(grid.cell(r, c) for c in range(1, len(header) + 1))
        data = [row[i] for h, i in col.items() if h != layout.BM_LEAD[0][0]]
        if all(_blank(cell) for cell in data):
            continue  # an empty row (a row cleared, or the space under the table)
        if r > last_row:
            ignored["outside"].append(r)
            continue
        if meets is not None and grid.cell(r, meets).data_type != "f":
            ignored["formulas"].append(r)
            continue

        def get(h: str, kind: str, row: tuple[Cell, ...] = row, **kw: Any) -> Any:
            cell = row[col[h]]
            if kind == "text":
                return n.text(cell, h, **kw)
            return n.number(cell, h, **kw)

        def rate(row: tuple[Cell, ...] = row) -> float | None:
            cell = row[col["request rate (req/s)"]]
            v = n.value(cell, "request rate", "a number or inf")
            if isinstance(v, str) and v.strip().lower() in ("inf", "-inf"):
                return math.inf
            return n.number(cell, "request rate", optional=True)

        config = get("config", "text")
        if config not in configs:
            ignored["config"].append(r)
            unknown.setdefault(config, None)
            continue
        lat: dict[str, dict[str, float]] = {}
        for metric, stat, i in latency:
            v = n.number(row[i], f"{metric}_{stat}", optional=True)
            if v is not None:
                lat.setdefault(metric, {})[stat] = v
        points.append(
            BenchmarkPoint(
                config=config,
                rps=get("rps (req/s)", "number", positive=True),
                isl=get("isl (tokens)", "number", positive=True),
                osl=get("osl (tokens)", "number", positive=True),
                latency_ms=lat,
                concurrency=get("concurrency", "number", optional=True),
                request_rate=rate(),
                output_tps=get("output tps (tokens/s)", "number", optional=True),
                model=get("model", "text", optional=True),
                source=get("source", "text", optional=True),
            )
        )
    named_unknown = ", ".join(f"'{c}'" for c in list(unknown)[:3])
    why = {
        "outside": f"outside the {layout.BM_TABLE} table (pasted under it?), so the workbook ignores it; extend the "
        "table over it (Excel grows a table by itself on a paste right under it; in LibreOffice insert rows inside "
        "the table, or Data > Define Range)",
        "formulas": "inside the table but without its formula columns (inserted without them), so the workbook "
        "ignores it; copy the formula columns down from the row above",
        "config": f"for a config that is not in the Inputs config table ({named_unknown}), "
        "so the workbook ignores it; add the config there (name, GPUs per instance, hardware profile)",
    }
    for kind, rows in ignored.items():
        if rows:
            shown = ", ".join(str(r) for r in rows[:5]) + (f" and {len(rows) - 5} more" if len(rows) > 5 else "")
            which = "row" if len(rows) == 1 else "rows"
            n.notes.append(f"{sheet} {which} {shown}: {'it is' if len(rows) == 1 else 'each is'} {why[kind]}")
    if not points:
        raise InputError(
            n.path, "Benchmarks", "the Benchmarks table has no rows the workbook computes with: " + "; ".join(n.notes)
        )
    check_unique_loads(points)
    return tuple(points)
