"""read_workbook: the inputs and benchmark rows back from a workbook this tool wrote (and someone edited).

Every input is found through its defined name, so the reader does not depend on cell addresses. An input cell
holding a formula is refused (inputs are values; a formula there means the model was changed). The file is only
read, never written. The cached values of the named outputs come along, for compare_cached.
"""

from __future__ import annotations

import glob
import math
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, overload

from ..assumptions import METRICS, is_statistic
from ..errors import InputError
from ..ingest import check_points, check_unique_loads
from ..model import Assumptions, BenchmarkPoint, ConfigRule, HardwareProfile, SlaConstraint
from ..names import BY_SNAKE, INPUT_BOUNDS, MAX_HARDWARE_PROFILES, MAX_SLA_CONSTRAINTS, SECONDS_PER_MINUTE, Bounds
from ..text import clean
from . import layout, scenario_inputs
from .safety import check_archive
from .xlsx import Package, Sheet, column_letters


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
        return f"{column_letters(self.column)}{self.row}"


class _Grid:
    """One sheet's cells as the reader sees them: the formula (as '=...') or the typed value, or the cached value."""

    def __init__(self, sheet: Sheet, cached: bool):
        self.sheet, self.cached = sheet, cached
        self.title = sheet.title

    @property
    def last_row(self) -> int:
        """The last row holding a cell (0 for an empty sheet)."""
        return max(self.sheet.rows, default=0)

    def cell(self, row: int, column: int) -> Cell:
        raw = self.sheet.get(row, column)
        if raw is None:
            return Cell(self.title, row, column, None, "n")
        if self.cached:
            return Cell(self.title, row, column, raw.value, "n" if raw.kind == "f" else raw.kind)
        value = f"={raw.formula}" if raw.formula is not None else raw.value
        return Cell(self.title, row, column, value, raw.kind)


class _Names:
    """Defined names resolved to cells, with messages that name the file, sheet!cell and the name."""

    def __init__(self, path: Path, pkg: Package):
        self.path, self.pkg = path, pkg
        self._grids: dict[tuple[bool, str], _Grid] = {}
        self.config_names: list[str] = []  # the Inputs config table's names, as typed
        self.notes: list[str] = []  # what the workbook itself ignores, and so does the Python run (read_workbook)

    def has(self, name: str) -> bool:
        return name in self.pkg.defined_names

    def grid(self, sheet: str, cached: bool = False) -> _Grid:
        key = (cached, sheet)
        if key not in self._grids:
            self._grids[key] = _Grid(self.pkg.sheet(sheet), cached)
        return self._grids[key]

    def sheet_of(self, name: str) -> str:
        return self.pkg.areas(name)[0][0] if self.pkg.areas(name) else ""

    def cells(self, name: str, cached: bool = False) -> list[Cell]:
        if name not in self.pkg.defined_names:
            raise InputError(
                self.path,
                name,
                f"the workbook has no defined name {name} (deleted in Formulas > Name Manager?); expected a "
                "workbook written by tco_report with its defined names intact",
            )
        out: list[Cell] = []
        for sheet, r1, c1, r2, c2 in self.pkg.areas(name):
            if sheet not in self.pkg.sheet_paths:
                raise InputError(self.path, name, f"refers to a missing sheet '{sheet}'")
            grid = self.grid(sheet, cached)
            for r in range(r1, r2 + 1):
                out.extend(grid.cell(r, c) for c in range(c1, c2 + 1))
        return out

    def where(self, cell: Cell, name: str) -> str:
        return f"{cell.sheet}!{cell.coordinate} ({name})"

    def value(self, cell: Cell, name: str, expected: str) -> Any:
        """The typed-in value of an input cell; a formula there is refused."""
        if cell.data_type == "f":
            raise InputError(
                self.path,
                self.where(cell, name),
                f"expected {expected} typed in, found the formula {str(cell.value)[:80]!r};"
                " input cells hold values, not formulas",
            )
        if cell.data_type == "e":
            raise InputError(self.path, self.where(cell, name), f"expected {expected}, found the error {cell.value!r}")
        return clean(cell.value) if isinstance(cell.value, str) else cell.value

    # None only for an optional number: a required one is a number or an InputError.
    @overload
    def number(
        self,
        cell: Cell,
        name: str,
        *,
        positive: bool = ...,
        whole: bool = ...,
        optional: Literal[False] = ...,
        bounds: Bounds | None = ...,
    ) -> float: ...

    @overload
    def number(
        self,
        cell: Cell,
        name: str,
        *,
        positive: bool = ...,
        whole: bool = ...,
        optional: bool,
        bounds: Bounds | None = ...,
    ) -> float | None: ...

    def number(
        self,
        cell: Cell,
        name: str,
        *,
        positive: bool = False,
        whole: bool = False,
        optional: bool = False,
        bounds: Bounds | None = None,
    ) -> float | None:
        """A typed number; with ``bounds`` (names.INPUT_BOUNDS) exactly the values the YAML loader accepts."""
        if bounds is not None:
            v = self.value(cell, name, bounds.describe())
            if v is None or (isinstance(v, str) and not v.strip()):
                if optional:
                    return None
                raise InputError(self.path, self.where(cell, name), f"expected {bounds.describe()}, the cell is empty")
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or not bounds.accepts(v):
                raise InputError(self.path, self.where(cell, name), f"expected {bounds.describe()}, got {v!r}")
            return float(v)
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
        return [CachedCell(f"{c.sheet}!{c.coordinate}", c.value) for c in self.cells(name, cached=True)]


def read_workbook(path: str | Path) -> WorkbookInput:
    """The benchmark points, the assumptions (source = the path, provenance 'workbook') and the cached outputs."""
    path = Path(path)
    data = check_archive(path)
    return _read(_Names(path, Package(path, data)))


def required_names() -> list[str]:
    """Defined names every workbook of tco_report holds. One that is missing was deleted (Formulas > Name Manager):
    the reader says so rather than falling back to a default, and the workbook's own formulas would show #NAME?."""
    return [
        *(r for _, r, _ in layout.BM_LEAD),
        layout.BM_SOURCE[1],
        layout.BM_HEADER,
        *(r for _, r in layout.BM_CALC),
        *(c[2] for c in layout.CF_COLUMNS),
        *(r for r, _, _ in layout.HW_ROWS),
        *(BY_SNAKE[s].camel for s in (*layout.MODEL_EXTRAS, *layout.RECORDED_ONLY)),
        layout.PEAK_INPUT,
        layout.RECOMMENDED_CONFIG,
        layout.ALL_CHECKS,
        *layout.LIVE_NAMES,
    ]


def _read(n: _Names) -> WorkbookInput:
    path = n.path
    missing = [name for name in required_names() if not n.has(name)]
    if missing:
        raise InputError(
            path,
            missing[0],
            f"the workbook has no defined name {missing[0]}"
            + (f" (nor {', '.join(missing[1:4])}{' ...' if len(missing) > 4 else ''})" if len(missing) > 1 else "")
            + ": deleted in Formulas > Name Manager? The workbook's formulas need it; undo the deletion or write "
            "the workbook again",
        )
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
        if n.has(name) and n.sheet_of(name) in ("TCO", "Checks", "Plan", "Sensitivity"):
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
        if len(limits) > MAX_SLA_CONSTRAINTS:
            raise InputError(
                n.path,
                layout.SLA_LIMIT,
                f"holds {len(limits):,} SLA constraints; expected at most {MAX_SLA_CONSTRAINTS}",
            )
        for j, (lc, mc, sc) in enumerate(zip(limits, metrics, stats, strict=True)):
            name = layout.latency_limit_name(j)
            limit = n.number(lc, name, bounds=INPUT_BOUNDS["latency_limit_ms"])
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
        if _blank(nc):
            continue  # an empty row of the config table: room for a config, not one
        config = n.text(nc, "config name")
        n.config_names.append(config)
        gpus = n.number(gc, f"GPUs per instance of '{config}'", bounds=INPUT_BOUNDS["gpus_per_instance"])
        hw = n.text(hc, f"hardware profile of '{config}'", options=tuple(sorted(profiles)))
        rules.append(ConfigRule(match=glob.escape(config), gpus_per_instance=int(gpus), hardware=hw))
    uptime = num("uptime", bounds=INPUT_BOUNDS["uptime"])
    # Assumptions' keyword arguments by field name, of each field's own type (some keys set in the loop below).
    fields: dict[str, Any] = {
        "peak_requests_per_second": None,  # below: typed in, or derived from the users
        "uptime": uptime,
        "sla": tuple(sla),
        "hardware": hardware,
        "ref_input_price_per_1m": num("refInputPricePer1M", bounds=INPUT_BOUNDS["ref_input_price_per_1m"]),
        "ref_output_price_per_1m": num("refOutputPricePer1M", bounds=INPUT_BOUNDS["ref_output_price_per_1m"]),
        "configs": tuple(rules),
        "rounding": n.text(n.scalar("rounding"), "rounding", options=("whole", "fractional")),
        "isl": num("islOverride", bounds=INPUT_BOUNDS["isl"], optional=True),
        "osl": num("oslOverride", bounds=INPUT_BOUNDS["osl"], optional=True),
    }
    for snake in (*layout.MODEL_EXTRAS, *layout.RECORDED_ONLY):
        name = BY_SNAKE[snake].camel
        cell = n.scalar(name)
        v = n.number(cell, name, bounds=INPUT_BOUNDS[snake], optional=snake in layout.OPTIONAL)
        fields[snake] = int(v) if v is not None and snake in layout.WHOLE else v
    fields["peak_requests_per_second"] = _peak(n, fields)
    scenario_rows = _scenario_rows(n)
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
        peak = users * per_user / SECONDS_PER_MINUTE
        if not INPUT_BOUNDS["peak_requests_per_second"].accepts(peak):
            raise InputError(
                n.path,
                "activeUsersAtPeak",
                f"active users x requests per user per minute / 60 gives a peak of {peak:g} req/s; expected "
                f"{INPUT_BOUNDS['peak_requests_per_second'].describe()}",
            )
        typed = n.scalar(layout.PEAK_INPUT)
        if isinstance(typed.value, int | float) and not isinstance(typed.value, bool) and typed.data_type != "f":
            n.notes.append(
                f"{n.where(typed, layout.PEAK_INPUT)} holds the peak {typed.value!r} req/s, which is ignored: active "
                f"users x requests per user per minute / 60 give the peak ({peak:g} req/s); clear the users to use "
                "the typed peak (Summary's status block says so too)"
            )
        return peak
    return num_required(n, layout.PEAK_INPUT)


def num_required(n: _Names, name: str) -> float:
    v = n.number(n.scalar(name), name, bounds=INPUT_BOUNDS["peak_requests_per_second"])
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
    if len(columns["hwName"]) > MAX_HARDWARE_PROFILES:
        raise InputError(
            n.path, "hwName", f"holds {len(columns['hwName']):,} profiles; expected at most {MAX_HARDWARE_PROFILES}"
        )
    for k, name_cell in enumerate(columns["hwName"]):
        if _blank(name_cell):
            continue  # an empty column: room for another vendor's quote
        name = n.text(name_cell, "hardware profile name")
        values: dict[str, Any] = {"name": name}
        for range_name, snake, _ in layout.HW_ROWS[1:]:
            if range_name not in columns:
                continue
            label = f"{BY_SNAKE[snake].camel} of profile '{name}'"
            cell = columns[range_name][k]
            if snake == "software_licence_per":
                values[snake] = n.text(cell, label, options=("server", "gpu"))
            elif snake == "gpus_per_server":
                values[snake] = int(n.number(cell, label, bounds=INPUT_BOUNDS[snake]))
            else:
                values[snake] = n.number(cell, label, bounds=INPUT_BOUNDS[snake])
        profiles.append(HardwareProfile(**values))
    names = [p.name for p in profiles]
    if not profiles:
        raise InputError(n.path, "hwName", "no hardware profile has a name; expected at least one")
    if len(set(names)) != len(names):
        raise InputError(n.path, "hwName", f"hardware profile names must be unique, got {names}")
    return tuple(profiles)


def _flag(n: _Names, row: tuple[Cell, ...], col: dict[str, int]) -> bool:
    """The row's 'failed' cell (absent in workbooks from before it: not failed)."""
    if "failed" not in col:
        return False
    cell = row[col["failed"]]
    constant = str(getattr(cell.value, "text", cell.value)).upper()
    if cell.data_type == "f" and constant in ("=TRUE()", "=FALSE()"):  # LibreOffice saves a boolean so
        return constant == "=TRUE()"
    v = n.value(cell, "failed", "TRUE or FALSE")
    if v is None or v == "":
        return False
    if not isinstance(v, bool):
        raise InputError(n.path, n.where(row[col["failed"]], "failed"), f"expected TRUE or FALSE, got {v!r}")
    return v


_SPREAD = re.compile(r"^\s*([\w.]+):\s*(\S+?)\.\.(\S+)\s*$")


def _provenance(n: _Names, row: tuple[Cell, ...], col: dict[str, int]) -> dict[str, Any]:
    """Tool, version, workload, repeats, spread and failure, from the columns a workbook has (older ones lack them).
    A spread cell that is not in the written form is refused, as any other edited value would be."""
    out: dict[str, Any] = {}
    for header, _, _, attr in layout.BM_PROVENANCE:
        if header not in col or attr == "failed":
            continue
        cell = row[col[header]]
        if attr == "repeats":
            v = n.number(cell, header, positive=True, whole=True, optional=True)
            out[attr] = int(v) if v is not None else 1
            continue
        text = n.text(cell, header, optional=True)
        if attr != "spread":
            out[attr] = text
            continue
        spread: dict[str, tuple[float, float]] = {}
        for part in filter(str.strip, text.split(";")):
            m = _SPREAD.match(part)
            try:
                lo, hi = (float(m.group(2)), float(m.group(3))) if m else (math.nan, math.nan)
            except ValueError:
                lo = hi = math.nan
            if not m or not (math.isfinite(lo) and math.isfinite(hi) and lo <= hi):
                raise InputError(
                    n.path, n.where(cell, header), f"expected 'metric: min..max' parts separated by ';', got {part!r}"
                )
            spread[m.group(1)] = (lo, hi)
        out[attr] = spread
    return out


def _blank(cell: Cell) -> bool:
    return cell.data_type != "f" and (cell.value is None or (isinstance(cell.value, str) and not cell.value.strip()))


def _points(n: _Names, configs: set[str]) -> tuple[BenchmarkPoint, ...]:
    """The rows the workbook computes with: those inside the Benchmarks table, with their calculated columns, whose
    config is on Inputs. Any other row is left out here too, with a note saying which and why (the Python run must
    agree with the recalculated workbook, and the user must learn what it left out)."""
    table = n.pkg.tables.get(layout.BM_TABLE)
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
    grid = n.grid(sheet)
    first_row = table.first_row + 1 if table else first[0].row
    last_row = table.last_row if table else first[-1].row
    meets = table.column(layout.BM_CALC[[rn for _, rn in layout.BM_CALC].index("bmMeetsSla")][0]) if table else None
    points = []
    ignored: dict[str, list[int]] = {"outside": [], "formulas": [], "config": []}
    unknown: dict[str, None] = {}  # configs named on Benchmarks but not on Inputs, in order
    for r in range(first_row, grid.last_row + 1):
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
        failed = _flag(n, row, col)
        lat: dict[str, dict[str, float]] = {}
        for metric, stat, i in latency:
            v = n.number(row[i], f"{metric}_{stat}", optional=True)
            if v is not None:
                lat.setdefault(metric, {})[stat] = v
        points.append(
            BenchmarkPoint(
                config=config,
                rps=get("rps (req/s)", "number", positive=not failed),
                isl=get("isl (tokens)", "number", positive=True, optional=failed) or 0.0,
                osl=get("osl (tokens)", "number", positive=True, optional=failed) or 0.0,
                latency_ms=lat,
                concurrency=get("concurrency", "number", optional=True),
                request_rate=rate(),
                output_tps=get("output tps (tokens/s)", "number", optional=True),
                model=get("model", "text", optional=True),
                source=get("source", "text", optional=True),
                failed=failed,
                **_provenance(n, row, col),
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
    check_points(points, n.path)
    return tuple(points)
