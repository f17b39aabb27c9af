"""The report's view model: every section, sentence, table row, label and figure the report shows, built once from
a ``model.Report`` and formatted by ``tco_report.formatting`` only.

The HTML writer and the PDF writer lay out this same object (the PDF's Typst template reads it as JSON data), and
the charts draw from its ``plots``; none of them computes or formats a figure of its own. Text is kept as spans of
plain text with a style (strong, code, emphasis), so that nothing read from a file ever becomes markup in either
output.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any

from .. import calculator, formatting
from ..decisions import output_tps_per_gpu, tokens_per_second_per_user
from ..errors import InputError
from ..model import (
    ApiBreakEven,
    Assumptions,
    BenchmarkPoint,
    ConfigResult,
    Decisions,
    FeasibleResult,
    HardwareProfile,
    InfeasibleResult,
    PlanYear,
    Report,
    SensitivityRow,
)
from ..names import COST_COMPONENTS, HARDWARE_EXTRAS, HARDWARE_INPUTS, LATENCY_METRICS, SECONDS_PER_YEAR, label, unit
from ..sources import assumptions_name, shared_parent, shown_path, without_machine_paths
from ..warning_summary import WarningSummary, count_line, summarise
from .explorer import explorer_payload

PAGE_SIZES = ("A4", "Letter")
f = formatting


def report_time() -> datetime:
    """When the report was made: SOURCE_DATE_EPOCH when set (reproducible builds), else now; always UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise InputError(
                None, "SOURCE_DATE_EPOCH", f"expected a whole number of seconds since 1970, got {epoch!r}"
            ) from None
    return datetime.now(tz=timezone.utc).replace(microsecond=0)


# --- the document's building blocks ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Span:
    """A run of plain text; the flags say how it is set, never what it means."""

    text: str
    strong: bool = False
    code: bool = False
    em: bool = False


Text = tuple[Span, ...]


def text(*parts: str | Span) -> Text:
    return tuple(p if isinstance(p, Span) else Span(p) for p in parts if p != "")


def b(s: str) -> Span:
    return Span(s, strong=True)


def code(s: str) -> Span:
    return Span(s, code=True)


@dataclass(frozen=True)
class Para:
    spans: Text
    style: str = ""  # "" | note | warning | alternatives | formula | example | lead
    kind: str = "para"


@dataclass(frozen=True)
class Figures:
    """The headline figures: (value, what it is)."""

    items: tuple[tuple[str, str], ...]
    kind: str = "figures"


@dataclass(frozen=True)
class Column:
    label: str
    unit: str = ""
    num: bool = False
    width: float = 10.0  # relative to the table's other columns


@dataclass(frozen=True)
class Cell:
    text: str
    span: int = 1  # columns it covers
    badge: str = ""  # a second, smaller line (recommended, the hardware profile)
    code: bool = False


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    style: str = ""  # "" | recommended | infeasible | base | first | failed


@dataclass(frozen=True)
class Table:
    id: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    caption: str = ""
    small: bool = True
    kind: str = "table"


@dataclass(frozen=True)
class Chart:
    """A chart's place: the SVG is drawn by charts.py under ``key``."""

    key: str
    title: str
    caption: str
    kind: str = "chart"


@dataclass(frozen=True)
class Steps:
    """A numbered (or bulleted) list whose items are a few paragraphs each."""

    items: tuple[tuple[Para, ...], ...]
    ordered: bool = True
    style: str = ""
    kind: str = "list"


@dataclass(frozen=True)
class Pre:
    text: str
    kind: str = "pre"


@dataclass(frozen=True)
class Heading:
    text: str
    id: str = ""
    page_break: bool = False  # start a new page in the PDF
    kind: str = "heading"


Block = Para | Figures | Table | Chart | Steps | Pre | Heading


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    blocks: tuple[Block, ...]


# --- what the charts draw ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PlotPoint:
    """One benchmark run as the latency, Pareto and interactivity charts place it."""

    latency: float | None  # x of the latency charts (the frontier's metric), ms
    rps: float  # requests/s of one instance
    per_gpu: float  # requests/s per GPU
    load: float
    level: str
    feasible: bool
    failed: bool
    tokens_per_user: float | None  # 1000 / mean ITL
    tps_per_gpu: float | None  # output tokens/s per GPU, when tokens_per_user is known


@dataclass(frozen=True)
class Curve:
    config: str
    feasible: bool
    points: tuple[PlotPoint, ...]  # by load
    chosen: int | None  # index of the point the config is sized at


@dataclass(frozen=True)
class Bar:
    config: str
    feasible: bool
    components: tuple[float, ...]  # fleet's yearly cost per component, in Plots.bar_keys order
    total: float
    input_cost: float
    output_cost: float


@dataclass(frozen=True)
class TornadoRow:
    name: str  # tick label: the input and its low / high value
    cost: tuple[float | None, float | None]  # change of the cost per 1M output tokens at (low, high)
    tco: tuple[float | None, float | None]
    switched: tuple[bool, bool]  # the recommended config changes at (low, high)


@dataclass(frozen=True)
class Plots:
    """The numbers behind every chart, and their labels."""

    xlabel: str
    metric_text: str  # "avg TTFT"
    ylabel: str
    curves: tuple[Curve, ...]  # by config name
    focus: tuple[str, ...]  # the configs drawn in colour (all of them up to FOCUS_LIMIT)
    interactivity_focus: tuple[str, ...]
    appendix: tuple[str, ...]  # configs that get a small-multiples panel (those the latency chart leaves grey)
    recommended: str | None
    sla: tuple[tuple[float, str], ...]  # limits on the x metric, with their legend label
    frontier: tuple[tuple[float, float], ...]  # (latency, requests/s per GPU)
    interactivity_frontier: tuple[tuple[float, float], ...]
    label_all: bool
    dense: bool
    bar_keys: tuple[tuple[str, str], ...]  # (component key, label)
    bars: tuple[Bar, ...]
    configs: int
    scenario_names: tuple[str, ...] = ()
    scenario_series: tuple[tuple[str, tuple[float | None, ...]], ...] = ()
    api: ApiBreakEven | None = None
    peak: float = 0.0
    plan: tuple[PlanYear, ...] = ()
    tornado: tuple[TornadoRow, ...] = ()
    tornado_base: tuple[float, float] | None = None
    sensitivity_step: float = 0.0


@dataclass(frozen=True)
class ReportView:
    """The whole report, ready to lay out."""

    title: str
    meta: Text
    date: str
    timestamp: str
    page_size: str
    tool_version: str
    sections: tuple[Section, ...]
    charts: tuple[str, ...]  # the keys of the charts shown, in reading order
    plots: Plots
    warnings: WarningSummary
    failed_runs: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    # The HTML page's interactive explorer: every point's figures as plain data (report/explorer.py); the PDF
    # leaves it out.
    explorer: dict[str, Any] = field(default_factory=dict)

    def document(self) -> dict[str, Any]:
        """The view as JSON-ready data for the PDF's template (plots excluded: the charts come as SVG)."""
        from dataclasses import asdict

        return {
            "title": self.title,
            "meta": [asdict(s) for s in self.meta],
            "date": self.date,
            "page_size": self.page_size,
            "footer": f"tco_report {self.tool_version}",
            "sections": [asdict(s) for s in self.sections],
        }


# --- limits -------------------------------------------------------------------------------------------------------
FOCUS_LIMIT = 8  # configs drawn in colour; the others are one grey path
BAR_LIMIT = 25  # configs in the cost charts and the tables
LABEL_ALL_POINTS_UP_TO = 80
RASTERIZE_POINTS_OVER = 400
MAX_SOURCE_ROWS = 100  # beyond, the appendix lists one row per config folder
MAX_FOLDER_ROWS = 40  # beyond, only the folders of the configs in the tables
NAMED_IN_TEXT = 3  # configs that miss the SLA named in the summary
FAILED_LISTED = 10  # failed runs listed in the appendix; the rest counted


# --- assumptions --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class InputRow:
    label: str
    value: str
    unit: str
    source: str


def _provenance(a: Assumptions, snake: str) -> str:
    return a.provenance.get(snake, "default")


def _further_profile_source(a: Assumptions) -> str:
    given = a.provenance.get("hardware")
    if given:
        return given
    return "workbook" if a.source.lower().endswith((".xlsx", ".xlsm")) else "file"


def assumption_rows(a: Assumptions) -> list[InputRow]:
    """Every input with its value, unit and where it came from (default / file / workbook / derived)."""
    peak_label, peak_source = label("peak_requests_per_second"), _provenance(a, "peak_requests_per_second")
    if a.active_users_at_peak is not None and a.requests_per_user_per_minute is not None:
        peak_label += (
            f" = {f.count(a.active_users_at_peak)} active users \u00d7 {f.plain(a.requests_per_user_per_minute)} "
            "requests per user per minute \u00f7 60 s"
        )
        peak_source = "derived"
    rows = [
        InputRow(peak_label, f.rate(a.peak_requests_per_second), unit("peak_requests_per_second"), peak_source),
        InputRow(label("uptime"), f.plain(a.uptime), unit("uptime"), _provenance(a, "uptime")),
    ]
    for i, c in enumerate(a.sla):
        name = label("latency_limit_ms") if i == 0 else f"Latency limit (SLA constraint {i + 1})"
        rows.append(
            InputRow(
                f"{name}: {c.statistic} {c.metric.upper()}",
                f.latency(c.max_ms),
                unit("latency_limit_ms"),
                _provenance(a, "sla"),
            )
        )
    several = len(a.hardware) > 1
    for n, hw in enumerate(a.hardware):
        prefix = f"[{hw.name}] " if several else ""

        def src(snake: str, n: int = n) -> str:
            return _provenance(a, snake) if n == 0 else _further_profile_source(a)

        licence = "per GPU" if hw.software_licence_per == "gpu" else "per server"
        for snake, fmt in (
            ("initial_server_cost", f.money),
            ("gpus_per_server", f.count),
            ("depreciation_period", f.plain),
            ("yearly_hosting_cost", f.money),
        ):
            rows.append(InputRow(prefix + label(snake), fmt(getattr(hw, snake)), unit(snake), src(snake)))
        rows.append(
            InputRow(
                prefix + label("yearly_software_cost"),
                f.money(hw.yearly_software_cost),
                f"{unit('yearly_software_cost')} {licence}",
                src("yearly_software_cost"),
            )
        )
        rows.append(InputRow(prefix + label("software_licence_per"), licence, "", src("software_licence_per")))
        default_hw = HardwareProfile()
        for snake in HARDWARE_EXTRAS:
            value = getattr(hw, snake, None)
            source = src(snake)
            if value is None or (value == getattr(default_hw, snake, None) and source == "default"):
                continue
            rows.append(InputRow(prefix + label(snake), f.quantity(snake, value), unit(snake), source))
    for snake, fmt in (("ref_input_price_per_1m", f.unit_cost), ("ref_output_price_per_1m", f.unit_cost)):
        rows.append(InputRow(label(snake), fmt(getattr(a, snake)), unit(snake), _provenance(a, snake)))
    rows.append(
        InputRow(
            label("rounding"),
            a.rounding + (" (CEILING)" if a.rounding == "whole" else " (as NVIDIA's workbook)"),
            "",
            _provenance(a, "rounding"),
        )
    )
    for snake in ("isl", "osl"):
        value = getattr(a, snake)
        rows.append(
            InputRow(
                label(snake),
                f.tokens(value) if value is not None else "measured per run",
                unit(snake),
                _provenance(a, snake),
            )
        )
    default_a = Assumptions()
    for snake in _ASSUMPTION_EXTRAS:
        value = getattr(a, snake, None)
        source = a.provenance.get(snake, "default")
        if value is None or (value == getattr(default_a, snake, None) and source == "default"):
            continue
        name = label(snake)
        if snake == "average_requests_per_second" and a.peak_requests_per_second:
            name += f" ({f.percent(value / a.peak_requests_per_second)} of the peak)"
        rows.append(InputRow(name, f.quantity(snake, value), unit(snake), source))
    return rows


_ASSUMPTION_EXTRAS = (
    "target_utilisation",
    "spare_servers",
    "cost_of_capital",
    "active_users_at_peak",
    "requests_per_user_per_minute",
    "average_requests_per_second",
    "api_input_price_per_1m",
    "api_output_price_per_1m",
    "plan_years",
    "demand_growth_per_year",
    "sensitivity_step",
)

_SCALAR_INPUTS = (
    "peak_requests_per_second",
    "uptime",
    "average_requests_per_second",
    "active_users_at_peak",
    "requests_per_user_per_minute",
    "target_utilisation",
    "spare_servers",
    "cost_of_capital",
    "api_input_price_per_1m",
    "api_output_price_per_1m",
    "ref_input_price_per_1m",
    "ref_output_price_per_1m",
    "demand_growth_per_year",
    "plan_years",
    "rounding",
    "isl",
    "osl",
)
_PROFILE_INPUTS = HARDWARE_INPUTS


def _value(snake: str, value: object) -> str:
    if isinstance(value, str):
        return value
    shown = f.quantity(snake, value)  # type: ignore[arg-type]
    u = unit(snake)
    return f"{shown} {u}" if u and u not in ("USD", "fraction", "ratio") and "|" not in u else shown


def scenario_changes(base: Assumptions, s: Assumptions) -> str:
    """What a scenario changes against the base, in words: 'Planned peak demand 400 req/s'."""
    out = []
    for snake in _SCALAR_INPUTS:
        old, new = getattr(base, snake), getattr(s, snake)
        if old != new and new is not None:
            out.append(f"{label(snake)} {_value(snake, new)}")
    if s.sla != base.sla:
        out.append("SLA " + "; ".join(c.describe() for c in s.sla))
    old_hw = {h.name: h for h in base.hardware}
    for h in s.hardware:
        o = old_hw.get(h.name)
        for snake in _PROFILE_INPUTS:
            new = getattr(h, snake)
            if o is None or getattr(o, snake) != new:
                prefix = f"[{h.name}] " if len(s.hardware) > 1 else ""
                out.append(f"{prefix}{label(snake)} {_value(snake, new)}")
    return "; ".join(out) or "the base assumptions"


# --- selections ---------------------------------------------------------------------------------------------------
def stacked_components(results: Sequence[ConfigResult]) -> list[str]:
    """The cost components to stack: the post's three always, any other when some feasible config has it."""
    core = ("capex", "software", "hosting")
    present = {k for r in results if r.feasible for k, v in r.cost_components_per_server.items() if v}
    return [k for k in COST_COMPONENTS if k in core or k in present]


def focus_configs(report: Report, limit: int = FOCUS_LIMIT) -> list[str]:
    """All configs up to ``limit``; else the recommended one, then those with the most Pareto-frontier points."""
    return _ranked_focus(report, [p.config for p in report.frontier], list(report.configs), limit)


def _ranked_focus(
    report: Report, on_frontier: Sequence[str], configs: list[str], limit: int = FOCUS_LIMIT
) -> list[str]:
    if len(configs) <= limit:
        return configs
    counts: dict[str, int] = {}
    for c in on_frontier:
        counts[c] = counts.get(c, 0) + 1
    rec = report.recommended.config if report.recommended else None
    ranked = sorted(counts, key=lambda c: (-counts[c], c))
    return ([rec] if rec else []) + [c for c in ranked if c != rec][: limit - (1 if rec else 0)]


def bar_results(report: Report, limit: int = BAR_LIMIT) -> list[ConfigResult]:
    """The configs the cost charts show: all, or the ``limit`` cheapest feasible ones, in the results' order."""
    results = list(report.results)
    if len(results) <= limit:
        return results
    cheapest = sorted((r for r in results if r.feasible), key=lambda r: (r.total_yearly_cost, r.config))[:limit]
    keep = {id(r) for r in cheapest}
    return [r for r in results if id(r) in keep]


def results_in_tables(report: Report, limit: int = BAR_LIMIT) -> list[ConfigResult]:
    """The configs the tables list: those the cost charts show, topped up to ``limit`` with infeasible ones."""
    results = list(report.results)
    if len(results) <= limit:
        return results
    keep = {id(r) for r in bar_results(report, limit)}
    for r in results:
        if len(keep) >= limit:
            break
        if not r.feasible:
            keep.add(id(r))
    return [r for r in results if id(r) in keep]


def sensitivity_order(report: Report) -> list[SensitivityRow]:
    """The sensitivity rows, the input that moves the cost per 1M output tokens most first (then yearly TCO)."""
    d = report.decisions
    if d is None or not d.sensitivity or d.sensitivity_base is None:
        return []
    base_cost, base_tco = d.sensitivity_base

    def impact(r: SensitivityRow) -> tuple[float, float]:
        cost = max((abs(v - base_cost) for v in r.cost_per_1m_output_tokens if v is not None), default=math.inf)
        tco = max((abs(v - base_tco) for v in r.total_yearly_cost if v is not None), default=math.inf)
        return (-cost, -tco)

    return sorted(d.sensitivity, key=impact)


def plan_is_asked(a: Assumptions) -> bool:
    asked = any(a.provenance.get(k, "default") != "default" for k in ("demand_growth_per_year", "plan_years"))
    return asked or a.demand_growth_per_year != 0 or a.plan_years is not None


def decision_parts(report: Report) -> list[str]:
    """Which decision sections the report shows: each only when its inputs are present."""
    d = report.decisions
    if d is None:
        return []
    parts = []
    if d.scenarios:
        parts.append("scenarios")
    if d.api is not None and report.recommended is not None:
        parts.append("api")
    if d.plan and plan_is_asked(report.assumptions):
        parts.append("plan")
    if sensitivity_order(report):
        parts.append("sensitivity")
    return parts


# --- sources ------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Source:
    path: str
    config: str
    tool: str
    model: str
    levels: str
    files: int = 1


def _tool(p: BenchmarkPoint) -> str:
    return f"{p.tool} {p.tool_version}".strip() or "\u2014"


def _level_of(p: BenchmarkPoint) -> str:
    """A load level as the appendix lists it: failed runs and repeats say so."""
    s = f.level(p.load)
    if p.failed:
        s += " (failed)"
    elif p.repeats > 1:
        s += f" (\u00d7{p.repeats})"
    return s


def source_root(points: Sequence[BenchmarkPoint]) -> str:
    """The folder all benchmark files share, shown once above the table."""
    folders = [os.path.dirname(p.source) for p in points if p.source]
    if len(folders) != len(points) or not folders:
        return ""
    try:
        root = os.path.commonpath(folders)
    except ValueError:
        return ""
    return root if root not in ("", os.sep) else ""


def sources(points: Sequence[BenchmarkPoint], shown: Sequence[str] = (), root: str | None = None) -> list[Source]:
    """One row per benchmark file with its load levels; for a large sweep one per config folder; for hundreds of
    config folders, those of the configs the tables show (``shown``), then one row counting the rest. ``root``:
    source_root(points), when the caller has it already (a large sweep's 6,400 paths are walked once)."""
    root = source_root(points) if root is None else root
    by_file: dict[tuple[str, str], list[BenchmarkPoint]] = {}
    for p in points:
        by_file.setdefault((p.source, p.config), []).append(p)
    if len(by_file) > MAX_SOURCE_ROWS:
        rows = _sources_by_folder(points, root)
        if len(rows) <= MAX_FOLDER_ROWS:
            return rows
        first = set(list(shown)[:MAX_FOLDER_ROWS])
        kept = [r for r in rows if r.config in first]
        rest = [r for r in rows if r.config not in first]
        files = sum(r.files for r in rest)
        return [
            *kept,
            Source(
                f"\u2026 and {len(rest):,} more config folders ({files:,} files)",
                "the workbook's Benchmarks sheet names each point's file",
                "",
                "",
                "",
                files,
            ),
        ]

    def order(item: tuple[tuple[str, str], list[BenchmarkPoint]]) -> tuple[str, float, str]:
        (path, config), pts = item
        return (config, min(p.load for p in pts), path)

    rows = []
    for (path, config), pts in sorted(by_file.items(), key=order):
        levels = ", ".join(_level_of(p) for p in sorted(pts, key=lambda p: p.load))
        rows.append(Source(path or "(not recorded)", config, _tool(pts[0]), pts[0].model or "\u2014", levels))
    if root:
        rows = [replace(r, path=r.path[len(root) :].lstrip("/\\")) for r in rows]
    return rows


def _sources_by_folder(points: Sequence[BenchmarkPoint], root: str) -> list[Source]:
    by_config: dict[str, list[BenchmarkPoint]] = {}
    for p in points:
        by_config.setdefault(p.config, []).append(p)
    rows = []
    for config in sorted(by_config):
        pts = by_config[config]
        files = {p.source for p in pts}
        folder = os.path.commonpath([os.path.dirname(x) for x in files]) if all(files) else ""
        if root and folder.startswith(root):
            folder = folder[len(root) :].lstrip("/\\")
        loads = sorted({p.load for p in pts})
        levels = f"{f.level(loads[0])} to {f.level(loads[-1])} ({len(loads)} levels)"
        failed = sum(p.failed for p in pts)
        if failed:
            levels += f", {failed} failed"
        tools = ", ".join(sorted({_tool(p) for p in pts}))
        n = len(files)
        rows.append(
            Source(
                f"{folder or '.'}/ ({n} file{'s' if n != 1 else ''})",
                config,
                tools,
                pts[0].model or "\u2014",
                levels,
                n,
            )
        )
    return rows


# --- helpers ------------------------------------------------------------------------------------------------------
def _s(n: float | None) -> str:
    return "" if n == 1 else "s"


def _level_kind(points: Sequence[BenchmarkPoint]) -> str:
    if all(p.concurrency is not None for p in points):
        return "concurrency"
    if all(p.concurrency is None and p.request_rate is not None for p in points):
        return "request rate"
    return "load level"


def _spread_text(p: BenchmarkPoint) -> str:
    """'3 runs: 15.2 to 16.1 req/s' for a point combined from repeated runs; '' for a single run."""
    if p.repeats <= 1:
        return ""
    lo_hi = p.spread.get("rps")
    if lo_hi:
        return f"{p.repeats} runs: {f.rate(lo_hi[0])} to {f.rate(lo_hi[1])} req/s"
    return f"{p.repeats} runs"


@dataclass(frozen=True)
class _Ctx:
    """What several sections share."""

    report: Report
    a: Assumptions
    rec: FeasibleResult | None
    hw: HardwareProfile
    metric: str
    statistic: str
    axis_metric: str
    sla_text: str
    level_kind: str
    feasible: list[FeasibleResult]
    infeasible: list[InfeasibleResult]
    table_results: list[ConfigResult]
    parts: list[str]
    renting: list[FeasibleResult]
    components: list[tuple[str, float]]

    def latency_of(self, r: FeasibleResult) -> float | None:
        return r.point.latency(self.metric, self.statistic)


# --- sections -----------------------------------------------------------------------------------------------------
def _summary(c: _Ctx, warnings: WarningSummary, failed: list[BenchmarkPoint]) -> Section:
    a, rec, r = c.a, c.rec, c.report
    blocks: list[Block] = []
    if rec is not None:
        others = sorted((x for x in c.feasible if x is not rec), key=lambda x: x.total_yearly_cost)
        lat = c.latency_of(rec)
        parts: list[str | Span] = [
            "Recommended config: ",
            b(rec.config),
            f", sized at {c.level_kind} {f.level(rec.concurrency)} ({f.rate(rec.rps_per_instance)} req/s per instance,"
            f" {c.axis_metric} {f.latency(lat)} ms). Serving the planned peak of {f.rate(a.peak_requests_per_second)}"
            " req/s takes ",
            b(f"{f.count(rec.model_instances)} instance{_s(rec.model_instances)}"),
            f" of {f.count(rec.gpus_per_instance)} GPU{_s(rec.gpus_per_instance)} each: ",
            b(f"{f.count(rec.total_gpus)} GPU{_s(rec.total_gpus)} on {f.count(rec.servers)} server{_s(rec.servers)}"),
            ", for a total yearly cost (TCO) of ",
            b(f.money(rec.total_yearly_cost)),
            ". Each 1K requests costs ",
            b(f.unit_cost(rec.cost_per_1k_requests)),
            "; each 1M input tokens ",
            b(f.unit_cost(rec.cost_per_1m_input_tokens)),
            " and each 1M output tokens ",
            b(f.unit_cost(rec.cost_per_1m_output_tokens)),
            f" ({f.unit_cost(rec.cost_per_1m_tokens)} per 1M tokens blended). It is the cheapest of"
            f" {len(c.feasible)} config{_s(len(c.feasible))} that meet the SLA",
        ]
        if others:
            parts.append(f" (next: {others[0].config} at {f.money(others[0].total_yearly_cost)} a year)")
        if c.infeasible:
            named = c.infeasible[:NAMED_IN_TEXT]
            reasons = "; ".join(f"{x.config}: {x.reason}" for x in named)
            more = len(c.infeasible) - len(named)
            tail = f"; and {f.count(more)} more (summary.json gives each one's reason)" if more else ""
            parts.append(f"; {len(c.infeasible)} do{'es' if len(c.infeasible) == 1 else ''} not ({reasons}{tail})")
        parts.append(".")
        blocks.append(Para(text(*parts), "lead"))
        alt: list[str | Span] = []
        if rec.yearly_cloud_cost is not None:
            alt += [
                f"Renting the same {f.count(rec.rented_gpus)} GPUs (the owned fleet's, spares included) would cost ",
                b(f.money(rec.yearly_cloud_cost)),
            ]
            alt.append(" a year on demand")
            if rec.yearly_cloud_reserved_cost is not None:
                alt.append(f" ({f.money(rec.yearly_cloud_reserved_cost)} reserved)")
            if rec.break_even_months is not None:
                alt += [
                    "; owning breaks even with renting on demand after ",
                    b(f"{f.months(rec.break_even_months)} months"),
                ]
                alt.append(". ")
            else:
                alt.append("; renting on demand never costs more than owning. ")
        d = r.decisions
        if d is not None and d.api is not None:
            alt += ["Serving the same demand through the hosted API would cost ", b(f.money(d.api.yearly_api_cost))]
            if d.api.break_even_rps is not None:
                alt.append(f" a year; self-hosting is no dearer from a peak of {f.rate(d.api.break_even_rps)} req/s.")
            else:
                alt.append(" a year; self-hosting never costs less at these prices.")
        if alt:
            blocks.append(Para(text(*alt), "alternatives"))
        blocks.append(
            Figures(
                (
                    (f.count(rec.servers), f"{label('servers')} ({f.count(c.hw.gpus_per_server)} GPUs each)"),
                    (f.count(rec.total_gpus), label("total_gpus")),
                    (f.money(rec.total_yearly_cost), f"{label('total_yearly_cost')} ({unit('total_yearly_cost')})"),
                    (f.unit_cost(rec.cost_per_1k_requests), label("cost_per_1k_requests")),
                    (f.unit_cost(rec.cost_per_1m_input_tokens), label("cost_per_1m_input_tokens")),
                    (f.unit_cost(rec.cost_per_1m_output_tokens), label("cost_per_1m_output_tokens")),
                )
            )
        )
    else:
        blocks.append(
            Para(
                text(
                    b(f"No config meets the SLA ({c.sla_text}), so none can be recommended and no cost is given."),
                    " Relax the latency limit, or benchmark other configs or lower concurrency levels. Why each"
                    " config fails:",
                ),
                "warning",
            )
        )
        items = [(Para(text(b(x.config), f": {x.reason}")),) for x in c.table_results if not x.feasible]
        if len(r.results) > len(c.table_results):
            more = len(r.results) - len(c.table_results)
            items.append(
                (
                    Para(
                        text(
                            f"and {f.count(more)} more: summary.json gives each one's reason, and the workbook's"
                            " Configs sheet lists every config."
                        )
                    ),
                )
            )
        blocks.append(Steps(tuple(items), ordered=False))
    if failed:
        blocks.append(
            Para(
                text(
                    f"{len(failed):,} benchmark run{_s(len(failed))} failed and {'were' if len(failed) != 1 else 'was'}"
                    " left out of the sizing (marked as failed in the appendix)."
                ),
                "warning",
            )
        )
    if warnings.total:
        blocks.append(Para(text(count_line(warnings) + "; the appendix quotes the first few."), "warning"))
    return Section("summary", "Summary", tuple(blocks))


def _assumptions(c: _Ctx) -> Section:
    a = c.a
    rows = tuple(Row((Cell(x.label), Cell(x.value), Cell(x.unit), Cell(x.source))) for x in assumption_rows(a))
    table = Table(
        "assumptions",
        (
            Column("Input", width=48),
            Column("Value", num=True, width=18),
            Column("Unit", width=20),
            Column("Source", width=14),
        ),
        rows,
        small=False,
    )
    note: list[str | Span] = [
        Span("default", em=True),
        " = the example value of NVIDIA's post; ",
        Span("file", em=True),
        " = the assumptions file",
    ]
    if a.source and a.source != "defaults":
        note += [" (", code(assumptions_name(a.source)), ")"]
    note += [
        "; ",
        Span("workbook", em=True),
        " = an edited workbook. Software licence basis: charged ",
        b("per GPU" if c.hw.software_licence_per == "gpu" else "per server"),
        ". Rounding: ",
        b(a.rounding),
        " (instances and servers rounded up to whole numbers)."
        if a.rounding == "whole"
        else " (instances and servers kept fractional, as NVIDIA's TCO workbook does).",
    ]
    return Section("assumptions", "Assumptions", (table, Para(text("Source: ", *note), "note")))


def _chart_specs(c: _Ctx, plots: Plots) -> list[Chart]:
    r = c.report
    kind = "concurrency" if all(p.concurrency is not None for p in r.points) else "load level"
    many = len(r.points) > LABEL_ALL_POINTS_UP_TO
    out = [
        Chart(
            "chart-latency",
            "Latency vs throughput, per config",
            "Each point is one benchmark run, labelled with its"
            f" {kind}{' where it is the chosen point' if many else ''};"
            f" x is {c.axis_metric}, y the requests/s one model instance served. Grey points break the SLA; the ringed"
            " point is the one each config is sized at, and the star marks the recommended config."
            + (
                " Failed runs are counted in the legend and listed in the appendix."
                if any(p.failed for p in r.points)
                else ""
            )
            + (" Each grey config has a panel of its own in the appendix." if plots.appendix else ""),
        )
    ]
    if any(p.tokens_per_user is not None for cv in plots.curves for p in cv.points):
        out.append(
            Chart(
                "chart-interactivity",
                "Interactivity: throughput per GPU vs tokens per second per user",
                "The view serving teams use today: each point is one benchmark run; x is the output tokens a user sees"
                " per second (1000 / mean inter-token latency in ms), y the output tokens per second one GPU produces."
                " Further right is snappier for each user, higher is cheaper per token; the step line is the Pareto"
                " frontier, where no run beats another on both.",
            )
        )
    out += [
        Chart(
            "chart-pareto",
            "Pareto frontier: throughput per GPU vs latency",
            "Throughput divided by the GPUs of one instance, so that configs with different GPU counts compare fairly."
            " The step line is the frontier: no point beats it on both latency and throughput per GPU.",
        ),
        Chart(
            "chart-yearly",
            "Yearly cost per config, by component",
            "Servers needed for the planned peak times the yearly cost of one server, split by component"
            " (depreciation, software licence, hosting, and any further cost the assumptions give). The table below"
            " gives each component's figure.",
        ),
        Chart(
            "chart-tokens",
            "Cost per 1M input and output tokens, per config",
            "The cost of a request split over its input and output tokens in the ratio of the reference prices.",
        ),
    ]
    return out


def _breakdown_table(c: _Ctx) -> Table | None:
    shown = {x.config for x in c.table_results}
    keys = stacked_components(c.report.results)
    several = len(c.a.hardware) > 1
    rows: list[Row] = []
    rec = c.rec.config if c.rec else None
    for r in c.report.results:
        if not r.feasible or r.config not in shown:
            continue
        fleet = r.cost_components()
        style = "recommended" if r.config == rec else ""
        rows.append(
            Row(
                (
                    Cell(r.config, badge=r.hardware if several else ""),
                    Cell("one server"),
                    *(Cell(f.money(r.cost_components_per_server.get(k, 0.0))) for k in keys),
                    Cell(f.money(r.yearly_server_cost)),
                ),
                "first " + style if style else "first",
            )
        )
        rows.append(
            Row(
                (
                    Cell(""),
                    Cell(f"{f.count(r.servers)} server{_s(r.servers)}"),
                    *(Cell(f.money(fleet.get(k, 0.0))) for k in keys),
                    Cell(f.money(r.total_yearly_cost)),
                ),
                style,
            )
        )
    if not rows:
        return None
    columns = (
        Column("Config", width=17),
        Column("For", width=10),
        *(Column(COST_COMPONENTS[k], num=True, width=10) for k in keys),
        Column("Total", num=True, width=10),
    )
    return Table(
        "breakdown",
        columns,
        tuple(rows),
        caption=f"Yearly cost by component ({unit('total_yearly_cost')}): one server, and the fleet the planned peak"
        " needs",
    )


def _charts(c: _Ctx, specs: list[Chart]) -> Section:
    blocks: list[Block] = []
    for spec in specs:
        blocks.append(spec)
        if spec.key == "chart-yearly":
            t = _breakdown_table(c)
            if t is not None:
                blocks.append(t)
    return Section("charts", "Charts", tuple(blocks))


def _sizing(c: _Ctx) -> Section:
    r = c.report
    rec = c.rec.config if c.rec else None
    cols = (
        Column("Config", width=12),
        Column("Best point", f"{c.level_kind}; {c.axis_metric} ms", num=True, width=12),
        Column(label("rps_per_instance"), unit("rps_per_instance"), num=True, width=9),
        Column(label("gpus_per_instance"), num=True, width=8),
        Column(label("model_instances"), num=True, width=8),
        Column(label("total_gpus"), num=True, width=6),
        Column(label("servers"), num=True, width=7),
        Column(label("total_yearly_cost"), unit("total_yearly_cost"), num=True, width=9.5),
        Column(label("cost_per_1k_requests"), unit("cost_per_1k_requests"), num=True, width=9.5),
        Column(label("cost_per_1m_input_tokens"), unit("cost_per_1m_input_tokens"), num=True, width=9.5),
        Column(label("cost_per_1m_output_tokens"), unit("cost_per_1m_output_tokens"), num=True, width=9.5),
    )
    rows = []
    for x in c.table_results:
        if x.feasible:
            spread = _spread_text(x.point)
            rows.append(
                Row(
                    (
                        Cell(x.config, badge="recommended" if x.config == rec else ""),
                        Cell(f"{f.level(x.concurrency)}; {f.latency(c.latency_of(x))}", badge=spread),
                        Cell(f.rate(x.rps_per_instance)),
                        Cell(f.count(x.gpus_per_instance)),
                        Cell(f.count(x.model_instances)),
                        Cell(f.count(x.total_gpus)),
                        Cell(f.count(x.servers)),
                        Cell(f.money(x.total_yearly_cost)),
                        Cell(f.unit_cost(x.cost_per_1k_requests)),
                        Cell(f.unit_cost(x.cost_per_1m_input_tokens)),
                        Cell(f.unit_cost(x.cost_per_1m_output_tokens)),
                    ),
                    "recommended" if x.config == rec else "",
                )
            )
        else:
            rows.append(
                Row(
                    (
                        Cell(x.config),
                        Cell("not feasible", span=2),
                        Cell(f.count(x.gpus_per_instance)),
                        Cell(x.reason, span=7),
                    ),
                    "infeasible",
                )
            )
    blocks: list[Block] = [Table("sizing", cols, tuple(rows))]
    omitted_feasible = len(c.feasible) - sum(x.feasible for x in c.table_results)
    omitted_infeasible = len(c.infeasible) - sum(not x.feasible for x in c.table_results)
    feasible_shown = [x for x in c.table_results if x.feasible]
    if omitted_feasible or omitted_infeasible:
        s = (
            f"This table and the cost tables below list {f.count(len(c.table_results))} of the"
            f" {f.count(len(r.results))} configs: the {f.count(len(feasible_shown))} with the lowest yearly cost that"
            " meet the SLA, as in the cost charts"
        )
        if len(feasible_shown) < len(c.table_results):
            s += ", then the first that do not"
        s += ". "
        bits = []
        if omitted_feasible:
            bits.append(
                f"{f.count(omitted_feasible)} further config{_s(omitted_feasible)}"
                f" meet{'s' if omitted_feasible == 1 else ''}"
                " the SLA at a higher cost"
            )
        if omitted_infeasible:
            bits.append(
                f"{f.count(omitted_infeasible)} further config{_s(omitted_infeasible)}"
                f" do{'es' if omitted_infeasible == 1 else ''} not meet it"
            )
        s += " and ".join(bits) + "; the workbook's Configs sheet and summary.json list every config."
        blocks.append(Para(text(s), "note omitted"))
    note = "Best point: the run with the most requests per second that meets every SLA constraint; a point combined"
    note += " from repeated runs gives their number and spread under it. "
    if feasible_shown:
        note += "Blended cost per 1M tokens: "
        note += ", ".join(f"{x.config} {f.unit_cost(x.cost_per_1m_tokens)}" for x in feasible_shown) + ". "
    note += "Yearly cost per server: " + " + ".join(f"{k.lower()} {f.money(v)}" for k, v in c.components)
    note += f" = {f.money(sum(v for _, v in c.components))}."
    blocks.append(Para(text(note), "note"))
    return Section("sizing", "Sizing and cost per config", tuple(blocks))


def _costs(c: _Ctx) -> Section | None:
    if not c.feasible:
        return None
    a = c.a
    rec = c.rec.config if c.rec else None
    shown = {x.config for x in c.table_results}
    feasible_shown = [x for x in c.table_results if x.feasible]
    blocks: list[Block] = []
    if c.renting:
        blocks.append(Heading("Owning vs renting the same GPUs", "renting"))
        renting_cols = (
            Column("Config", width=21),
            Column(label("rented_gpus"), num=True),
            Column("Owning (TCO)", unit("total_yearly_cost"), num=True),
            Column("Renting, on demand", unit("yearly_cloud_cost"), num=True),
            Column("Renting, reserved", unit("yearly_cloud_reserved_cost"), num=True),
            Column(label("break_even_months"), unit("break_even_months"), num=True),
            Column(label("owning_cost_per_gpu_hour"), unit("owning_cost_per_gpu_hour"), num=True),
        )
        renting_rows = tuple(
            Row(
                (
                    Cell(x.config),
                    Cell(f.count(x.rented_gpus)),
                    Cell(f.money(x.total_yearly_cost)),
                    Cell(f.money(x.yearly_cloud_cost)),
                    Cell(f.money(x.yearly_cloud_reserved_cost)),
                    Cell(
                        f.months(x.break_even_months)
                        if x.break_even_months is not None
                        else "never"
                        if x.yearly_cloud_cost is not None
                        else f.MISSING
                    ),
                    Cell(f.unit_cost(x.owning_cost_per_gpu_hour)),
                ),
                "recommended" if x.config == rec else "",
            )
            for x in c.renting
        )
        blocks.append(Table("renting", renting_cols, renting_rows))
        note = (
            "Renting: the same GPUs for every hour of the year at the cloud price per GPU-hour. Break-even: the months"
            " after which owning (servers paid up front, then running costs) has cost less than renting on demand. "
            + calculator.RENTING_BASIS
        )
        blocks.append(Para(text(note), "note"))
    at_average = any(x.cost_per_1k_requests_at_average_load is not None for x in c.feasible)
    on_demand = any(x.yearly_cloud_cost is not None for x in c.feasible)
    reserved = any(x.yearly_cloud_reserved_cost is not None for x in c.feasible)
    blocks.append(Heading("Cost per request and per token, two ways", "unit-costs"))
    cols: list[Column] = [
        Column("Config", width=21),
        Column(label("cost_per_1k_requests"), "at full load", num=True),
    ]
    if at_average:
        cols.append(Column(label("cost_per_1k_requests"), "at the average demand", num=True))
    cols += [
        Column("Cost per 1M tokens", "the post's method", num=True),
        Column("Cost per 1M tokens", "GPU-hour shortcut, owning", num=True),
    ]
    if on_demand:
        cols.append(Column("Cost per 1M tokens", "renting, on demand", num=True))
    if reserved:
        cols.append(Column("Cost per 1M tokens", "renting, reserved", num=True))
    rows = []
    for x in feasible_shown:
        cells = [Cell(x.config), Cell(f.unit_cost(x.cost_per_1k_requests))]
        if at_average:
            cells.append(Cell(f.unit_cost(x.cost_per_1k_requests_at_average_load)))
        cells += [Cell(f.unit_cost(x.cost_per_1m_tokens)), Cell(f.unit_cost(x.gpu_hour_cost_per_1m_tokens))]
        if on_demand:
            cells.append(Cell(f.unit_cost(x.cloud_cost_per_1m_tokens)))
        if reserved:
            cells.append(Cell(f.unit_cost(x.cloud_reserved_cost_per_1m_tokens)))
        rows.append(Row(tuple(cells), "recommended" if x.config == rec else ""))
    blocks.append(Table("unit-costs", tuple(cols), tuple(rows)))
    note = (
        " the"
        " industry's shortcut divides a cost per GPU-hour by the tokens one GPU produces in an hour, as if it served at"
        " the chosen point every hour of the year; the post's method divides the yearly cost by the requests a server"
        f" serves in a year at the uptime ({f.percent(a.uptime)}). The shortcut is therefore the post's figure \u00d7"
        " uptime, and the two are equal at 100% uptime"
    )
    if a.uptime != 1:
        note += f"; here the shortcut is {f.percent(1 - a.uptime)} lower"
    note += ". Neither counts the headroom of whole servers, spares or a target utilisation"
    if at_average:
        note += (
            f"; the cost at the average demand ({f.rate(a.average_requests_per_second)} req/s) does: the fleet's"
            " yearly cost divided by the requests it serves in a year"
        )
    lead = "Costs per 1M tokens are blended (input and output tokens together). "
    blocks.append(Para(text(lead, b("Reconciling the two methods:"), note + "."), "note"))
    del shown
    title = "Owning, renting and unit costs" if c.renting else "Unit costs: the post's method and the GPU-hour shortcut"
    return Section("costs", title, tuple(blocks))


def _scenarios(c: _Ctx, d: Decisions) -> Section:
    a = c.a
    by_name = dict(a.scenarios)
    cols = (
        Column("Scenario", width=11),
        Column("Changes", width=19),
        Column("Recommended config", width=15),
        Column(label("servers"), num=True, width=7),
        Column("Yearly TCO", unit("total_yearly_cost"), num=True, width=9),
        Column(label("cost_per_1k_requests"), unit("cost_per_1k_requests"), num=True, width=9),
        Column("Cost per 1M tokens", "blended, USD", num=True, width=9),
        Column("Renting, on demand", unit("yearly_cloud_cost"), num=True, width=10),
        Column("Hosted API", unit("api_yearly_cost"), num=True, width=10),
    )
    rows = []
    for i, s in enumerate(d.scenarios):
        sc = by_name.get(s.name)
        changes = "the assumptions above" if s.name == "base" or sc is None else scenario_changes(a, sc)
        x = s.recommended
        if x is not None:
            rows.append(
                Row(
                    (
                        Cell(s.name),
                        Cell(changes),
                        Cell(x.config),
                        Cell(f.count(x.servers)),
                        Cell(f.money(x.total_yearly_cost)),
                        Cell(f.unit_cost(x.cost_per_1k_requests)),
                        Cell(f.unit_cost(x.cost_per_1m_tokens)),
                        Cell(f.money(x.yearly_cloud_cost)),
                        Cell(f.money(s.api_yearly_cost)),
                    ),
                    "base" if i == 0 else "",
                )
            )
        else:
            rows.append(Row((Cell(s.name), Cell(changes), Cell("no config meets the SLA", span=7)), "infeasible"))
    return Section(
        "scenarios",
        "Scenarios side by side",
        (
            Table("scenarios", cols, tuple(rows)),
            Chart(
                "chart-scenarios",
                "Yearly cost per scenario: owning, renting, hosted API",
                "Each scenario's recommended config: its yearly TCO when owned, the yearly cost of renting the same"
                " GPUs, and of serving the scenario's demand through the hosted API.",
            ),
        ),
    )


def _api(c: _Ctx, rec: FeasibleResult, api: ApiBreakEven) -> Section:
    a = c.a
    s = (
        f"At {f.unit_cost(a.api_input_price_per_1m)} per 1M input and {f.unit_cost(a.api_output_price_per_1m)} per 1M"
        f" output tokens, a request of {f.tokens(rec.isl)} input and {f.tokens(rec.osl)} output tokens costs"
        f" {f.unit_cost(api.api_cost_per_request)} through the API. Serving the planned demand that way costs "
    )
    parts: list[str | Span] = [s, b(f.money(api.yearly_api_cost))]
    parts.append(f" a year; self-hosting {rec.config} costs {f.money(rec.total_yearly_cost)} a year. ")
    if api.break_even_rps is not None:
        parts += [
            "Self-hosting costs no more than the API from a peak demand of ",
            b(f"{f.rate(api.break_even_rps)} req/s"),
            ", that is ",
            b(f"{f.large(api.break_even_tokens_per_day)} tokens a day"),
        ]
        tail = ""
        if api.average_to_peak != 1:
            tail += f" at the average demand ({f.percent(api.average_to_peak)} of the peak)"
        if api.always_cheaper_rps is not None and api.always_cheaper_rps > api.break_even_rps:
            tail += (
                "; because self-hosting grows a server at a time, the API is cheaper again just after each new server"
                f" until {f.rate(api.always_cheaper_rps)} req/s, from where self-hosting stays cheaper"
            )
        elif api.always_cheaper_rps is None:
            tail += (
                "; past some demand the API is cheaper again, as each further request costs less through it than on"
                " the extra servers"
            )
        parts.append(tail + ".")
    else:
        parts.append("At these prices self-hosting never costs less than the API.")
    return Section(
        "api",
        "Self-hosting vs a hosted API",
        (
            Para(text(*parts)),
            Chart(
                "chart-api",
                "Self-hosting vs the hosted API, by peak demand",
                "Yearly cost against the planned peak demand: self-hosting rises a step with each server; the API in"
                " proportion to the requests. The markers are where the lines cross.",
            ),
        ),
    )


def _plan(c: _Ctx, d: Decisions) -> Section:
    plan = d.plan
    cols = (
        Column("Year"),
        Column(label("peak_requests_per_second"), "req/s", num=True),
        Column("Servers needed", num=True),
        Column("Servers bought", num=True),
        Column("Servers in service", num=True),
        Column("Capex", "USD", num=True),
        Column("Opex", "USD", num=True),
        Column("Cumulative cost", "USD", num=True),
        Column("Cost per 1M tokens", "blended, USD", num=True),
    )
    rows = tuple(
        Row(
            (
                Cell(str(y.year)),
                Cell(f.rate(y.peak_requests_per_second)),
                Cell(f.count(y.servers_needed)),
                Cell(f.count(y.servers_bought)),
                Cell(f.count(y.servers_in_service)),
                Cell(f.money(y.capex)),
                Cell(f.money(y.opex)),
                Cell(f.money(y.cumulative_cost)),
                Cell(f.unit_cost(y.cost_per_1m_tokens)),
            )
        )
        for y in plan
    )
    intro = (
        f"Peak demand grows by {f.percent(c.a.demand_growth_per_year)} a year over {len(plan)} years; servers are"
        " bought"
        f" as the demand needs them and replaced after their depreciation period ({f.plain(c.hw.depreciation_period)}"
        " years)."
    )
    return Section(
        "plan",
        "Multi-year plan",
        (
            Para(text(intro)),
            Table("plan", cols, rows),
            Chart(
                "chart-plan",
                "Multi-year plan: cost per year and cumulative",
                "Cash per year: servers bought (capex) and the running costs of the servers in service (opex); the"
                " dashed line adds them up. Under each year: the servers in service and how many of them were bought"
                " that year.",
            ),
        ),
    )


def _sensitivity(c: _Ctx, base: tuple[float, float]) -> Section:
    a = c.a
    rec = c.rec.config if c.rec else None
    base_cost, base_tco = base
    s = (
        f"Each input moved by \u2212{f.percent(a.sensitivity_step)} and +{f.percent(a.sensitivity_step)}, the rest"
        " held;"
        " the recommended config is chosen again each time. Largest effect on the cost per 1M output tokens first"
        f" (base {f.unit_cost(base_cost)}; yearly TCO {f.money(base_tco)}). "
    )
    switches = []
    for r in sensitivity_order(c.report):
        lo, hi = (x if x != rec else None for x in r.recommended)
        if lo is None and hi is None:
            continue
        bits = []
        if lo:
            bits.append(f"{f.quantity(r.input, r.low_value)} ({lo})")
        if hi:
            bits.append(f"{f.quantity(r.input, r.high_value)} ({hi})")
        switches.append(f"{label(r.input).lower()} is {' or '.join(bits)}")
    s += (
        ("The recommended config changes when " + "; ".join(switches) + ".")
        if switches
        else "No move changes the recommended config."
    )
    return Section(
        "sensitivity",
        "Sensitivity",
        (
            Para(text(s)),
            Chart(
                "chart-tornado",
                "Sensitivity: what moves the cost",
                "Bars: the change from the base when the input is lower (solid) or higher (hatched); the tick label"
                " gives the input's low and high value. * the recommended config changes at that value (named above).",
            ),
        ),
    )


def _method(c: _Ctx, has_interactivity: bool) -> Section:
    a, rec, hw = c.a, c.rec, c.hw
    whole = a.rounding == "whole"
    items: list[tuple[Para, ...]] = []

    def step(title: str, *rest: Para, lead: str = "") -> None:
        items.append((Para(text(b(title), lead)), *rest))

    def formula(s: str) -> Para:
        return Para(text(s), "formula")

    def example(s: str) -> Para:
        return Para(text(s), "example")

    step(
        "Benchmark.",
        lead=" Each deployment config (model, engine, GPU, precision, GPUs per instance) is run at several"
        " concurrency levels; each run gives its latency and the requests per second one model instance serves.",
    )
    step(
        "Apply the SLA.",
        *(
            [
                example(
                    f"{rec.config}: {c.level_kind} {f.level(rec.concurrency)}, {f.rate(rec.rps_per_instance)} req/s"
                    " per instance."
                )
            ]
            if rec
            else []
        ),
        lead=f" Runs that break a latency limit ({c.sla_text}) are set aside, and so are failed runs. Of the runs left,"
        " the one with the most requests per second is the cheapest way to serve and is used for sizing.",
    )
    if a.active_users_at_peak is not None and a.requests_per_user_per_minute is not None:
        step(
            "Peak demand from users.",
            formula(
                "peak requests per second = active users at peak \u00d7 requests per user per minute \u00f7 60 seconds"
            ),
            example(
                f"{f.count(a.active_users_at_peak)} \u00d7 {f.plain(a.requests_per_user_per_minute)} \u00f7 60 ="
                f" {f.rate(a.peak_requests_per_second)} req/s"
            ),
        )
    util = f" \u00f7 target utilisation ({f.plain(a.target_utilisation)})" if a.target_utilisation != 1 else ""
    step(
        "Instances.",
        formula(
            f"instances = planned peak requests per second \u00f7 requests per second per instance{util}"
            + (", rounded up" if whole else "")
        ),
        *(
            [
                example(
                    f"{f.rate(a.peak_requests_per_second)} \u00f7 {f.rate(rec.rps_per_instance)}"
                    + (f" \u00f7 {f.plain(a.target_utilisation)}" if a.target_utilisation != 1 else "")
                    + f" \u2192 {f.count(rec.model_instances)}"
                )
            ]
            if rec
            else []
        ),
    )
    spares = f", plus {f.count(a.spare_servers)} spare server{_s(a.spare_servers)}" if a.spare_servers else ""
    step(
        "GPUs and servers.",
        formula(
            "GPUs = instances \u00d7 GPUs per instance; servers = GPUs \u00f7 GPUs per server"
            + (", rounded up" if whole else "")
            + spares
        ),
        *(
            [
                example(
                    f"{f.count(rec.model_instances)} \u00d7 {f.count(rec.gpus_per_instance)} ="
                    f" {f.count(rec.total_gpus)}"
                    f" GPUs; {f.count(rec.total_gpus)} \u00f7 {f.count(hw.gpus_per_server)} \u2192"
                    f" {f.count(rec.servers)}"
                    f" server{_s(rec.servers)}"
                )
            ]
            if rec
            else []
        ),
    )
    capital = (
        f" (annualised at a cost of capital of {f.plain(a.cost_of_capital)} per year)" if a.cost_of_capital else ""
    )
    licence = "per GPU \u00d7 GPUs per server" if hw.software_licence_per == "gpu" else "per server"
    extra = "".join(f" + {k.lower()}" for k, _ in c.components[3:])
    server = [
        formula(f"server price \u00f7 depreciation period{capital} + software licence ({licence}) + hosting{extra}")
    ]
    if a.cost_of_capital:
        server.append(
            formula(
                "with a cost of capital r, the server price is spread over the n years of the depreciation period like"
                " a loan: yearly capital cost = server price \u00d7 r \u00f7 (1 \u2212 (1 + r)^\u2212n) (with r = 0"
                " this is server price \u00f7 n)"
            )
        )
    if hw.server_power_kw and hw.electricity_price_per_kwh:
        server.append(
            formula(
                f"energy = power at full load ({f.plain(hw.server_power_kw)} kW) \u00d7 average load factor"
                f" ({f.plain(hw.load_factor)}) \u00d7 PUE ({f.plain(hw.pue)}) \u00d7 8,760 hours \u00d7 electricity"
                f" price ({f.unit_cost(hw.electricity_price_per_kwh)} per kWh)"
            )
        )
    server.append(
        example(" + ".join(f.money(v) for _, v in c.components) + f" = {f.money(sum(v for _, v in c.components))}")
    )
    step("Yearly cost of one server.", *server)
    step(
        "Total yearly cost (TCO).",
        formula("servers \u00d7 yearly cost of one server"),
        *(
            [
                example(
                    f"{f.count(rec.servers)} \u00d7 {f.money(rec.yearly_server_cost)} ="
                    f" {f.money(rec.total_yearly_cost)}"
                )
            ]
            if rec
            else []
        ),
    )
    step(
        "Requests one server serves in a year.",
        formula(
            "requests per second per instance \u00d7 instances per server (GPUs per server \u00f7 GPUs per instance)"
            f" \u00d7 {f.large(SECONDS_PER_YEAR)} seconds in a year \u00d7 uptime"
        ),
        *([example(f"{f.large(rec.requests_per_server_per_year)} requests")] if rec else []),
    )
    step(
        "Cost per 1K requests.",
        formula("yearly cost of one server \u00f7 requests per server per year \u00d7 1,000"),
        *([example(f.unit_cost(rec.cost_per_1k_requests))] if rec else []),
        Para(text("This assumes busy servers; the TCO above pays for whole servers at the planned peak.")),
    )
    step(
        "Cost per 1M tokens.",
        formula(
            "blended: cost per 1K requests \u00f7 1,000 \u00f7 (input + output tokens per request) \u00d7 1,000,000"
        ),
        formula(
            "input and output: the cost of a request is split in the ratio of the reference prices"
            f" ({f.unit_cost(a.ref_input_price_per_1m)} and {f.unit_cost(a.ref_output_price_per_1m)} per 1M tokens):"
            " cost per 1M input tokens = cost per 1K requests \u00f7 reference cost of 1K requests \u00d7 reference"
            " input price, and likewise for output"
        ),
        *(
            [
                example(
                    f"{f.tokens(rec.isl)} input + {f.tokens(rec.osl)} output tokens per request:"
                    f" {f.unit_cost(rec.cost_per_1m_input_tokens)} per 1M input,"
                    f" {f.unit_cost(rec.cost_per_1m_output_tokens)}"
                    " per 1M output"
                )
            ]
            if rec
            else []
        ),
    )
    if rec and rec.cost_per_1k_requests_at_average_load is not None:
        step(
            "Cost per 1K requests at the average demand.",
            formula(
                "total yearly cost \u00f7 (average requests per second \u00d7 seconds in a year \u00d7 uptime) \u00d7"
                " 1,000"
            ),
            example(
                f"{f.money(rec.total_yearly_cost)} \u00f7 ({f.rate(a.average_requests_per_second)} \u00d7"
                f" {f.large(SECONDS_PER_YEAR)} \u00d7 {f.plain(a.uptime)}) \u00d7 1,000 ="
                f" {f.unit_cost(rec.cost_per_1k_requests_at_average_load)}, against"
                f" {f.unit_cost(rec.cost_per_1k_requests)}"
                " at full load"
            ),
        )
    step(
        "The GPU-hour shortcut.",
        formula(
            "owning cost per GPU-hour = yearly cost of one server \u00f7 GPUs per server \u00f7 8,760 hours; cost per"
            " 1M"
            " tokens = cost per GPU-hour \u00f7 (tokens per GPU per second \u00d7 3,600) \u00d7 1,000,000"
        ),
        *(
            [
                example(
                    f"{f.unit_cost(rec.owning_cost_per_gpu_hour)} per GPU-hour \u2192"
                    f" {f.unit_cost(rec.gpu_hour_cost_per_1m_tokens)} per 1M tokens, against"
                    f" {f.unit_cost(rec.cost_per_1m_tokens)} by the post's method (equal at 100% uptime)"
                )
            ]
            if rec
            else []
        ),
    )
    if c.renting:
        ex = []
        if rec and rec.yearly_cloud_cost is not None:
            s = (
                f"{f.count(rec.rented_gpus)} \u00d7 {f.unit_cost(hw.cloud_price_per_gpu_hour)} \u00d7 8,760 ="
                f" {f.money(rec.yearly_cloud_cost)} a year on demand"
            )
            if rec.break_even_months is not None:
                s += f"; break-even after {f.months(rec.break_even_months)} months"
            ex.append(example(s))
        step(
            "Renting the same GPUs.",
            formula(
                "yearly cost of renting = servers \u00d7 GPUs per server (spares included)"
                " \u00d7 cloud price per GPU-hour \u00d7 8,760 hours (on demand, and"
                " reserved); owning breaks even after: servers \u00d7 server price \u00f7 (monthly rent \u2212 monthly"
                " running cost of the owned servers)"
            ),
            *ex,
        )
    if "api" in c.parts:
        step(
            "Hosted API.",
            formula(
                "yearly cost = average requests per second \u00d7 seconds in a year \u00d7 uptime \u00d7 (input tokens"
                " \u00d7 input price + output tokens \u00d7 output price) \u00f7 1,000,000; the break-even demand is"
                " where"
                " the self-hosting cost (a step per instance and server) first meets this line"
            ),
        )
    if "plan" in c.parts:
        step(
            "Multi-year plan.",
            formula(
                "each year's peak = planned peak \u00d7 (1 + growth)^(year \u2212 1); servers needed as above; servers"
                " bought = needed \u2212 servers still in service (a server retires after the depreciation period);"
                " capex = servers bought \u00d7 server price; opex = servers in service \u00d7 running cost (all but"
                " capital); cost per 1M tokens = servers in service \u00d7 yearly cost of one server \u00f7 tokens"
                " served"
                " at that year's demand \u00d7 1,000,000"
            ),
        )
    if "sensitivity" in c.parts:
        step(
            "Sensitivity.",
            formula(
                "each input \u00d7 (1 \u2212 step) and \u00d7 (1 + step), the others held; every step above is"
                " repeated,"
                " including the choice of config; shares such as uptime stay at most 1"
            ),
        )
    if has_interactivity:
        step(
            "Interactivity.",
            formula(
                "tokens per second per user = 1,000 \u00f7 mean inter-token latency (ms); output tokens per second per"
                " GPU = output tokens per second of an instance \u00f7 GPUs per instance"
            ),
        )
    step(
        "Recommendation.",
        lead=" Every config that meets the SLA is sized and costed; the one with the lowest total yearly cost is"
        " recommended (a tie goes to the config listed first).",
    )
    intro = Para(
        text(
            "After NVIDIA's ",
            Span("How much does your LLM inference cost?", em=True),
            ". Every figure above follows these steps; the example line under each step uses the recommended config"
            + (f" ({rec.config})" if rec else "")
            + ".",
        )
    )
    return Section("method", "Method", (intro, Steps(tuple(items), style="method")))


def _appendix(c: _Ctx, warnings: WarningSummary, failed: list[BenchmarkPoint], tool_version: str, date: str) -> Section:
    r = c.report
    models = sorted({p.model for p in r.points if p.model})
    root = source_root(r.points)
    src = sources(r.points, [x.config for x in c.table_results], root)
    files = len({p.source for p in r.points})
    parent = shared_parent(p.source for p in r.points)  # no path of this machine in a shared report
    intro: list[str | Span] = [f"{files} benchmark result file{_s(files)}"]
    if root:
        intro += [", under ", code(shown_path(root, parent) + "/")]
    if files > len(src):
        intro.append(
            ", one row per config folder (every file is named in summary.json and on the workbook's Benchmarks sheet)"
        )
    intro.append(
        ". Tool: the benchmark tool and its version as the file records them; a level marked (failed) is a run"
    )
    intro.append(" that measured nothing usable, (\u00d7n) one combined from n repeated runs:")
    several_models = len(models) > 1
    cols = [Column("File", width=46 if several_models else 60), Column("Config", width=16), Column("Tool", width=12)]
    if several_models:
        cols.append(Column("Model", width=14))
    cols.append(Column(_level_kind(r.points).capitalize(), num=True, width=12))
    rows = []
    for s in src:
        cells = [Cell(s.path, code=True), Cell(s.config), Cell(s.tool)]
        if several_models:
            cells.append(Cell(s.model))
        cells.append(Cell(s.levels))
        rows.append(Row(tuple(cells)))
    blocks: list[Block] = [Para(text(*intro)), Table("sources", tuple(cols), tuple(rows))]
    if failed:
        blocks.append(Heading("Failed runs", "failed"))
        items = tuple(
            (
                Para(
                    text(
                        b(f"{p.config} at {p.load_label}"),
                        f": {p.failure or 'no reason recorded'} (",
                        code(without_machine_paths(p.where, parent)),
                        ")",
                    )
                ),
            )
            for p in failed[:FAILED_LISTED]
        )
        blocks.append(Steps(items, ordered=False, style="warning"))
        if len(failed) > FAILED_LISTED:
            blocks.append(
                Para(
                    text(
                        f"and {len(failed) - FAILED_LISTED:,} more failed runs: the workbook's Benchmarks sheet marks"
                        " each."
                    ),
                    "note",
                )
            )
    if warnings.total:
        blocks.append(Heading("Data warnings", "warnings"))
        blocks.append(Para(text(count_line(warnings, configs_shown=10) + "."), "warning"))
        shown = warnings.first()
        blocks.append(
            Steps(
                tuple((Para(text(without_machine_paths(w.text, parent))),) for w in shown),
                ordered=False,
                style="warning",
            )
        )
        if warnings.total > len(shown):
            blocks.append(
                Para(
                    text(
                        f'The other {warnings.total - len(shown):,} are listed in summary.json ("warnings") and on the'
                        " workbook's Warnings sheet."
                    ),
                    "note",
                )
            )
    made = [
        f"Model: {models[0]}. " if len(models) == 1 else "",
        f"Made by tco_report {tool_version} on {date}. Assumptions: ",
    ]
    a = c.a
    tail: list[str | Span] = (
        [code(assumptions_name(a.source))] if a.source and a.source != "defaults" else ["the defaults"]
    )
    blocks.append(Para(text(*made, *tail, "."), "note"))
    return Section("appendix", "Appendix: source files", tuple(blocks))


def _small_multiples_section(plots: Plots, pages: int, per_page: int) -> tuple[Block, ...]:
    """The appendix's grids: a heading and a note, then one chart per page with the list of its configs' names."""
    if not plots.appendix:
        return ()
    n = len(plots.appendix)
    feasible = {cv.config: cv.feasible for cv in plots.curves}
    infeasible = sum(1 for x in plots.appendix if not feasible.get(x, False))
    focus = ", ".join(plots.focus)
    note = (
        f"The latency chart colours {len(plots.focus)} config{_s(len(plots.focus))} ({focus}); each of the other {n}"
        " has"
        f" a panel here, in name order. x is the {plots.xlabel[:1].lower()}{plots.xlabel[1:]}, y the"
        f" {plots.ylabel[:1].lower()}{plots.ylabel[1:]}, on the same scales in every panel. Blue points meet the SLA,"
        " grey ones break it"
        + ("; the dashed line is the SLA limit" if plots.sla else "")
        + "; the ring is the point the config is sized at; a grey panel marked not feasible has no point that meets"
        " the SLA"
        + (f" ({infeasible} here)" if infeasible else "")
        + ". Titles may be shortened; the list under each grid gives every name in full."
    )
    blocks: list[Block] = []
    for k in range(pages):
        first, last = k * per_page + 1, min(n, (k + 1) * per_page)
        if k == 0:
            blocks.append(Heading("Every config's latency-throughput curve", "small-multiples", page_break=True))
            blocks.append(Para(text(note), "note"))
        else:
            blocks.append(Heading("", "", page_break=True))
        caption = f"Configs {first} to {last} of {n}" + (f" (grid {k + 1} of {pages})" if pages > 1 else "") + ":"
        blocks.append(Chart(f"chart-sm-{k + 1}", "", caption))
        blocks.append(Pre(index_text(plots.appendix[first - 1 : last], first)))
    return tuple(blocks)


INDEX_CHARS = 118
INDEX_GAP = 3


def index_text(configs: Sequence[str], start: int) -> str:
    """The panels' numbers and full names in up to three columns, numbered down each column; a name too long for its
    column follows on a line of its own."""
    from ..terminal import safe

    last = start + len(configs) - 1
    digits = len(str(last))
    entries = [safe(f"{n:>{digits}}. {cfg}") for n, cfg in enumerate(configs, start=start)]
    cols, fits = 1, INDEX_CHARS
    for cols in (3, 2, 1):
        fits = (INDEX_CHARS - (cols - 1) * INDEX_GAP) // cols
        short = [e for e in entries if len(e) <= fits]
        if cols == 1 or len(short) >= 0.8 * len(entries):
            break
    short = [e for e in entries if len(e) <= fits]
    long = [e for e in entries if len(e) > fits]
    width = max((len(e) for e in short), default=0)
    rows = math.ceil(len(short) / cols)
    lines = []
    for r in range(rows):
        cells = [short[c * rows + r] for c in range(cols) if c * rows + r < len(short)]
        lines.append((" " * INDEX_GAP).join(e.ljust(width) for e in cells).rstrip())
    return "\n".join(lines + long)


# --- plots --------------------------------------------------------------------------------------------------------
def _shift(pair: tuple[float | None, float | None], base: float) -> tuple[float | None, float | None]:
    """A (low, high) pair of values as changes from ``base``; a missing value stays missing."""
    low, high = pair
    return (None if low is None else low - base, None if high is None else high - base)


def _plots(report: Report, c: _Ctx) -> Plots:
    metric, statistic = c.metric, c.statistic
    name = LATENCY_METRICS.get(metric, metric.upper())
    gpus = {r.config: r.gpus_per_instance for r in report.results}
    chosen_point = {r.config: r.point for r in report.results if r.feasible}
    index = {id(p): i for i, p in enumerate(report.points)}
    by_config: dict[str, list[BenchmarkPoint]] = {}
    for p in report.points:
        by_config.setdefault(p.config, []).append(p)
    feasible_config = {r.config: r.feasible for r in report.results}
    levels: dict[float, str] = {}  # a sweep's few load levels, each formatted once
    curves = []
    for config in report.configs:
        pts = sorted(by_config.get(config, []), key=lambda p: p.load)
        g = gpus[config]
        plot_points = []
        chosen = None
        for k, p in enumerate(pts):
            tpu = None if p.failed else tokens_per_second_per_user(p)
            plot_points.append(
                PlotPoint(
                    latency=p.latency(metric, statistic),
                    rps=p.rps,
                    per_gpu=p.rps / g,
                    load=p.load,
                    level=levels[p.load] if p.load in levels else levels.setdefault(p.load, f.level(p.load)),
                    feasible=bool(report.feasible.get(index[id(p)], False)),
                    failed=p.failed,
                    tokens_per_user=tpu,
                    tps_per_gpu=output_tps_per_gpu(p, g) if tpu is not None else None,
                )
            )
            if p is chosen_point.get(config):
                chosen = k
        curves.append(Curve(config, feasible_config.get(config, False), tuple(plot_points), chosen))
    focus = focus_configs(report)
    appendix = tuple(x for x in report.configs if x not in set(focus)) if len(report.configs) > FOCUS_LIMIT else ()
    d = report.decisions
    iframe = list(d.interactivity_frontier) if d else []
    has_tpu = {cv.config for cv in curves if any(p.tokens_per_user is not None for p in cv.points)}
    ifocus = _ranked_focus(
        report, [report.points[i].config for i in iframe], [x for x in report.configs if x in has_tpu]
    )
    ifront = []
    for i in iframe:
        p = report.points[i]
        tpu = tokens_per_second_per_user(p)
        if tpu is not None:
            ifront.append((tpu, output_tps_per_gpu(p, gpus[p.config])))
    front = sorted(
        (x, p.rps / gpus[p.config]) for p in report.frontier if (x := p.latency(metric, statistic)) is not None
    )
    keys = stacked_components(report.results)
    bars = []
    for r in bar_results(report):
        if not r.feasible:
            bars.append(Bar(r.config, False, (0.0,) * len(keys), 0.0, 0.0, 0.0))
            continue
        fleet = r.cost_components()
        bars.append(
            Bar(
                r.config,
                True,
                tuple(fleet.get(k, 0.0) for k in keys),
                r.total_yearly_cost,
                r.cost_per_1m_input_tokens,
                r.cost_per_1m_output_tokens,
            )
        )
    scen_names: tuple[str, ...] = ()
    scen_series: tuple[tuple[str, tuple[float | None, ...]], ...] = ()
    if d is not None and d.scenarios:
        rows = d.scenarios

        def get(fn: Callable[[Any], float | None]) -> tuple[float | None, ...]:
            return tuple(fn(s) for s in rows)

        series = [
            ("Owning (TCO)", get(lambda s: s.recommended.total_yearly_cost if s.recommended else None)),
            ("Renting, on demand", get(lambda s: s.recommended.yearly_cloud_cost if s.recommended else None)),
            ("Renting, reserved", get(lambda s: s.recommended.yearly_cloud_reserved_cost if s.recommended else None)),
            ("Hosted API", get(lambda s: s.api_yearly_cost)),
        ]
        scen_names = tuple(s.name for s in rows)
        scen_series = tuple((n, v) for n, v in series if any(x is not None for x in v))
    tornado = []
    rec = report.recommended.config if report.recommended else None
    if d is not None and d.sensitivity_base is not None:
        base_cost, base_tco = d.sensitivity_base
        for row in sensitivity_order(report):
            short = label(row.input).split(" (")[0].strip()
            tornado.append(
                TornadoRow(
                    f"{short}\n{f.quantity(row.input, row.low_value)} / {f.quantity(row.input, row.high_value)}",
                    _shift(row.cost_per_1m_output_tokens, base_cost),
                    _shift(row.total_yearly_cost, base_tco),
                    (row.recommended[0] not in (rec, None), row.recommended[1] not in (rec, None)),
                )
            )
    return Plots(
        xlabel=f"{name}, {statistic} (ms)",
        metric_text=c.axis_metric,
        ylabel=f"{label('rps_per_instance')} ({unit('rps_per_instance')})",
        curves=tuple(curves),
        focus=tuple(focus),
        interactivity_focus=tuple(ifocus),
        appendix=appendix,
        recommended=rec,
        sla=tuple(
            (s.max_ms, f"SLA limit: {s.describe()}")
            for s in report.assumptions.sla
            if s.metric == metric and s.statistic == statistic
        ),
        frontier=tuple(front),
        interactivity_frontier=tuple(sorted(ifront)),
        label_all=len(report.points) <= LABEL_ALL_POINTS_UP_TO,
        dense=len(report.points) > RASTERIZE_POINTS_OVER,
        bar_keys=tuple((k, COST_COMPONENTS[k]) for k in keys),
        bars=tuple(bars),
        configs=len(report.results),
        scenario_names=scen_names,
        scenario_series=scen_series,
        api=d.api if d is not None and "api" in c.parts else None,
        peak=report.assumptions.peak_requests_per_second,
        plan=tuple(d.plan) if d is not None and "plan" in c.parts else (),
        tornado=tuple(tornado) if "sensitivity" in c.parts else (),
        tornado_base=d.sensitivity_base if d is not None else None,
        sensitivity_step=report.assumptions.sensitivity_step,
    )


# --- the whole ----------------------------------------------------------------------------------------------------
SM_PER_PAGE = 30


def build(
    report: Report,
    *,
    page_size: str = "A4",
    tool_version: str,
    when: datetime | None = None,
    notes: Sequence[str] = (),
) -> ReportView:
    """The view of ``report``: ``notes`` are further warnings to count beside the report's own (e.g. the reader's)."""
    if page_size not in PAGE_SIZES:
        raise ValueError(f"page_size must be one of {', '.join(PAGE_SIZES)}, got {page_size!r}")
    when = when or report_time()
    a = report.assumptions
    rec = report.recommended
    metric, statistic = report.frontier_metric
    feasible = [r for r in report.results if r.feasible]
    infeasible = [r for r in report.results if not r.feasible]
    table_results = results_in_tables(report)
    shown = {r.config for r in table_results}
    hw = a.profile(rec.hardware) if rec else a.hardware[0]
    values = calculator.cost_components(hw, a.cost_of_capital)
    core = ("capex", "software", "hosting")
    components = [(COST_COMPONENTS[k], values[k]) for k in COST_COMPONENTS if k in core or values.get(k)]
    c = _Ctx(
        report=report,
        a=a,
        rec=rec,
        hw=hw,
        metric=metric,
        statistic=statistic,
        axis_metric=f"{statistic} {metric.upper()}",
        sla_text="; ".join(x.describe() for x in a.sla) or "none",
        level_kind=_level_kind(report.points),
        feasible=feasible,
        infeasible=infeasible,
        table_results=table_results,
        parts=decision_parts(report),
        renting=[
            r
            for r in feasible
            if r.config in shown and (r.yearly_cloud_cost is not None or r.yearly_cloud_reserved_cost is not None)
        ],
        components=components,
    )
    warnings = summarise([*notes, *report.warnings], report.configs)
    failed = [p for p in report.points if p.failed]
    plots = _plots(report, c)
    specs = _chart_specs(c, plots)
    has_interactivity = any(s.key == "chart-interactivity" for s in specs)
    sections: list[Section] = [
        _summary(c, warnings, failed),
        _assumptions(c),
        _charts(c, specs),
        _sizing(c),
    ]
    costs = _costs(c)
    if costs is not None:
        sections.append(costs)
    # decision_parts() put a part in only when its inputs are there; the checks say so to the type checker too.
    d = report.decisions
    if d is not None:
        if "scenarios" in c.parts:
            sections.append(_scenarios(c, d))
        if "api" in c.parts and d.api is not None and rec is not None:
            sections.append(_api(c, rec, d.api))
        if "plan" in c.parts:
            sections.append(_plan(c, d))
        if "sensitivity" in c.parts and d.sensitivity_base is not None:
            sections.append(_sensitivity(c, d.sensitivity_base))
    sections.append(_method(c, has_interactivity))
    date = f.date(when)
    appendix = _appendix(c, warnings, failed, tool_version, date)
    pages = math.ceil(len(plots.appendix) / SM_PER_PAGE)
    appendix = replace(appendix, blocks=appendix.blocks + _small_multiples_section(plots, pages, SM_PER_PAGE))
    sections.append(appendix)
    models = sorted({p.model for p in report.points if p.model})
    model_text = ", ".join(models) if models else "the benchmarked model"
    loads = sorted({p.load for p in report.points})
    levels = f"{c.level_kind} " + ", ".join(f.level(x) for x in loads)
    tools = sorted({_tool(p) for p in report.points if p.tool})
    meta = f"{date} \u00b7 {len(report.results)} deployment configs \u00b7 {levels}"
    if tools:
        meta += f" \u00b7 measured with {', '.join(tools)}"
    peak = f"{f.rate(a.peak_requests_per_second)} {unit('peak_requests_per_second')}"
    meta += f" \u00b7 SLA: {c.sla_text} \u00b7 planned peak {peak}"
    charts = tuple(b.key for s in sections for b in s.blocks if isinstance(b, Chart))
    return ReportView(
        title=f"GPU sizing and TCO: {model_text}",
        meta=text(meta),
        date=date,
        timestamp=when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        page_size=page_size,
        tool_version=tool_version,
        sections=tuple(sections),
        charts=charts,
        plots=plots,
        warnings=warnings,
        failed_runs=len(failed),
        explorer=explorer_payload(report),
    )
