"""The summary report: one jinja2 template renders the HTML, and WeasyPrint prints that same HTML to PDF.

The HTML is a single self-contained file (CSS inline, charts as inline SVG); the PDF renderer is given a URL
fetcher that refuses every request, so neither output can depend on the network or on other files. With
``SOURCE_DATE_EPOCH`` set, the date shown and the PDF's metadata come from it, and two runs give byte-identical
files.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import logging
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from . import calculator, chart_appendix, charts, formatting
from .model import Assumptions, BenchmarkPoint, ConfigResult, HardwareProfile, Report
from .names import COST_COMPONENTS, HARDWARE_EXTRAS, LATENCY_METRICS, SECONDS_PER_YEAR, label, unit
from .report.explorer import explorer_payload
from .resources import templates_dir
from .second_process import SecondProcess

PAGE_SIZES = ("A4", "Letter")
TEMPLATE = "report.html.j2"


def report_time() -> datetime:
    """When the report was made: SOURCE_DATE_EPOCH when set (reproducible builds), else now; always UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
        except ValueError:
            raise ValueError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, got {epoch!r}") from None
    return datetime.now(tz=timezone.utc).replace(microsecond=0)


@dataclass(frozen=True)
class Row:
    """One line of the assumptions table."""

    label: str
    value: str
    unit: str
    source: str


def _provenance(a: Assumptions, snake: str) -> str:
    return a.provenance.get(snake, "default")


def _further_profile_source(a: Assumptions) -> str:
    """Where a hardware profile after the first came from: only a file or a workbook can list several."""
    given = a.provenance.get("hardware")
    if given:
        return given
    return "workbook" if a.source.lower().endswith((".xlsx", ".xlsm")) else "file"


def assumption_rows(a: Assumptions) -> list[Row]:
    """Every input with its value, unit and where it came from (default / file / workbook)."""
    f = formatting
    peak_label, peak_source = label("peak_requests_per_second"), _provenance(a, "peak_requests_per_second")
    if a.active_users_at_peak is not None and a.requests_per_user_per_minute is not None:
        # Demand stated the way product teams think: users at peak x requests each per minute / 60 s.
        peak_label += (
            f" = {f.count(a.active_users_at_peak)} active users \u00d7 {f.plain(a.requests_per_user_per_minute)} "
            "requests per user per minute \u00f7 60 s"
        )
        peak_source = "derived"
    rows = [
        Row(peak_label, f.rate(a.peak_requests_per_second), unit("peak_requests_per_second"), peak_source),
        Row(label("uptime"), f.plain(a.uptime), unit("uptime"), _provenance(a, "uptime")),
    ]
    for i, c in enumerate(a.sla):
        name = label("latency_limit_ms") if i == 0 else f"Latency limit (SLA constraint {i + 1})"
        metric = f"{c.statistic} {c.metric.upper()}"
        rows.append(Row(f"{name}: {metric}", f.latency(c.max_ms), unit("latency_limit_ms"), _provenance(a, "sla")))
    several = len(a.hardware) > 1
    for n, hw in enumerate(a.hardware):
        prefix = f"[{hw.name}] " if several else ""

        def src(snake: str, n: int = n) -> str:
            return _provenance(a, snake) if n == 0 else _further_profile_source(a)

        licence = "per GPU" if hw.software_licence_per == "gpu" else "per server"
        rows += [
            Row(prefix + label(snake), fmt(getattr(hw, snake)), unit(snake), src(snake))
            for snake, fmt in (
                ("initial_server_cost", f.money),
                ("gpus_per_server", f.count),
                ("depreciation_period", f.plain),
                ("yearly_hosting_cost", f.money),
            )
        ]
        rows += [
            Row(
                prefix + label("yearly_software_cost"),
                f.money(hw.yearly_software_cost),
                f"{unit('yearly_software_cost')} {licence}",
                src("yearly_software_cost"),
            ),
            Row(prefix + label("software_licence_per"), licence, "", src("software_licence_per")),
        ]
        rows += profile_extra_rows(a, n)
    rows += [
        Row(
            label("ref_input_price_per_1m"),
            f.unit_cost(a.ref_input_price_per_1m),
            unit("ref_input_price_per_1m"),
            _provenance(a, "ref_input_price_per_1m"),
        ),
        Row(
            label("ref_output_price_per_1m"),
            f.unit_cost(a.ref_output_price_per_1m),
            unit("ref_output_price_per_1m"),
            _provenance(a, "ref_output_price_per_1m"),
        ),
        Row(
            label("rounding"),
            a.rounding + (" (CEILING)" if a.rounding == "whole" else " (as NVIDIA's workbook)"),
            "",
            _provenance(a, "rounding"),
        ),
        Row(
            label("isl"),
            f.tokens(a.isl) if a.isl is not None else "measured per run",
            unit("isl"),
            _provenance(a, "isl"),
        ),
        Row(
            label("osl"),
            f.tokens(a.osl) if a.osl is not None else "measured per run",
            unit("osl"),
            _provenance(a, "osl"),
        ),
    ]
    rows += extension_rows(a)
    return rows


# The cost model's further inputs (energy, renting, capital, redundancy, ...): neutral by default, so the table lists
# them only when the assumptions set them, and a reader of the post's example sees the post's inputs only.
_HARDWARE_EXTRAS = HARDWARE_EXTRAS
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


def profile_extra_rows(a: Assumptions, n: int) -> list[Row]:
    """The further inputs of hardware profile ``n`` (energy, facility, cloud prices) that the assumptions set."""
    default_hw = HardwareProfile()
    hw = a.hardware[n]
    prefix = f"[{hw.name}] " if len(a.hardware) > 1 else ""
    rows = []
    for snake in _HARDWARE_EXTRAS:
        value = getattr(hw, snake, None)
        source = a.provenance.get(snake, "default") if n == 0 else _further_profile_source(a)
        if value is None or (value == getattr(default_hw, snake, None) and source == "default"):
            continue
        rows.append(Row(prefix + label(snake), formatting.quantity(snake, value), unit(snake), source))
    return rows


def extension_rows(a: Assumptions) -> list[Row]:
    """Rows for the further inputs that the assumptions set (from a file or workbook, or away from the default);
    the hardware profiles' own further inputs are listed with each profile."""
    default_a = Assumptions()
    rows = []
    for snake in _ASSUMPTION_EXTRAS:
        value = getattr(a, snake, None)
        source = a.provenance.get(snake, "default")
        if value is None or (value == getattr(default_a, snake, None) and source == "default"):
            continue
        text = label(snake)
        if snake == "average_requests_per_second" and a.peak_requests_per_second:
            text += f" ({formatting.percent(value / a.peak_requests_per_second)} of the peak)"
        rows.append(Row(text, formatting.quantity(snake, value), unit(snake), source))
    return rows


@dataclass(frozen=True)
class Component:
    """One part of a server's yearly cost."""

    key: str
    label: str
    value: float


def server_components(hw: HardwareProfile, a: Assumptions) -> list[Component]:
    """The yearly cost of one server by component, as the calculator computes it and the cost chart stacks it."""
    values = calculator.cost_components(hw, a.cost_of_capital)
    core = ("capex", "software", "hosting")
    return [Component(k, COST_COMPONENTS[k], values[k]) for k in COST_COMPONENTS if k in core or values.get(k)]


@dataclass(frozen=True)
class Breakdown:
    """One feasible config's yearly cost by component, for one server and for the fleet (the stacked chart's
    figures)."""

    config: str
    hardware: str
    servers: float
    per_server: tuple[float, ...]  # in the order of the breakdown's keys
    fleet: tuple[float, ...]
    per_server_total: float
    fleet_total: float


def cost_breakdown(report: Report) -> tuple[list[Component], list[Breakdown]]:
    """The components the cost chart stacks (names.COST_COMPONENTS order) and each feasible config's figures."""
    keys = charts.stacked_components(report.results)
    rows = []
    for r in report.results:
        if not r.feasible:
            continue
        per = tuple(r.cost_components_per_server.get(k, 0.0) for k in keys)
        fleet = tuple(r.cost_components().get(k, 0.0) for k in keys)
        rows.append(Breakdown(r.config, r.hardware, r.servers, per, fleet, r.yearly_server_cost, r.total_yearly_cost))
    return [Component(k, COST_COMPONENTS[k], 0.0) for k in keys], rows


def plan_is_asked(a: Assumptions) -> bool:
    """The multi-year plan is shown when the assumptions give its inputs (a growth rate or a horizon)."""
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
    if d.api is not None:
        parts.append("api")
    if d.plan and plan_is_asked(report.assumptions):
        parts.append("plan")
    if charts.sensitivity_order(report):
        parts.append("sensitivity")
    return parts


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
_PROFILE_INPUTS = (
    "initial_server_cost",
    "gpus_per_server",
    "depreciation_period",
    "yearly_hosting_cost",
    "yearly_software_cost",
    "software_licence_per",
    *_HARDWARE_EXTRAS,
)


def _value(snake: str, value: object) -> str:
    if isinstance(value, str):
        return value
    text = formatting.quantity(snake, value)
    u = unit(snake)
    return f"{text} {u}" if u and u not in ("USD", "fraction", "ratio") and "|" not in u else text


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


@dataclass(frozen=True)
class ScenarioLine:
    name: str
    changes: str
    rec: ConfigResult | None
    api_yearly_cost: float | None


def scenario_lines(report: Report) -> list[ScenarioLine]:
    d = report.decisions
    if d is None or not d.scenarios:
        return []
    a = report.assumptions
    by_name = dict(a.scenarios)
    out = []
    for row in d.scenarios:
        s = by_name.get(row.name)
        changes = "the assumptions above" if row.name == "base" or s is None else scenario_changes(a, s)
        out.append(ScenarioLine(row.name, changes, row.recommended, row.api_yearly_cost))
    return out


@dataclass(frozen=True)
class SensitivityLine:
    """One row of the sensitivity table: the input, its values, and the change each move makes."""

    input: str
    label: str
    base: str
    low: str
    high: str
    cost_change: tuple[str, str]
    tco_change: tuple[str, str]
    recommended: tuple[str | None, str | None]  # the config chosen at (low, high) when it differs from the base


def sensitivity_lines(report: Report) -> list[SensitivityLine]:
    """The tornado's figures, biggest impact first, formatted as the chart writes them."""
    d = report.decisions
    rows = charts.sensitivity_order(report)
    if not rows:
        return []
    base_cost, base_tco = d.sensitivity_base
    rec = report.recommended.config if report.recommended else None

    def change(v: float | None, base: float, fmt: Any) -> str:
        if v is None:
            return "nothing feasible"
        delta = v - base
        return ("+" if delta > 0 else "") + fmt(delta) if delta else "no change"

    out = []
    for r in rows:
        q = formatting.quantity
        out.append(
            SensitivityLine(
                input=r.input,
                label=label(r.input),
                base=q(r.input, r.base_value),
                low=q(r.input, r.low_value),
                high=q(r.input, r.high_value),
                cost_change=tuple(change(v, base_cost, formatting.unit_cost) for v in r.cost_per_1m_output_tokens),
                tco_change=tuple(change(v, base_tco, formatting.money) for v in r.total_yearly_cost),
                recommended=tuple(c if c != rec else None for c in r.recommended),
            )
        )
    return out


@dataclass(frozen=True)
class Source:
    """One benchmark result file, for the appendix."""

    path: str
    config: str
    tool: str
    model: str
    levels: str
    files: int = 1


# Above this many files the appendix lists one row per config folder instead of one per file: WeasyPrint lays out
# a table row in about 30 ms, and a 200 x 32 sweep's 6,400 rows made 200 of the PDF's 273 pages. Every file is
# still named in summary.json and on the workbook's Benchmarks sheet.
MAX_SOURCE_ROWS = 100
MAX_FOLDER_ROWS = 40  # beyond this many config folders, only those of the configs in the report's tables
NAMED_IN_TEXT = 3  # configs that miss the SLA named, with the reason, in the summary; summary.json has all


def sources(points: Sequence[BenchmarkPoint], shown: Sequence[str] = ()) -> list[Source]:
    """The benchmark files behind the report, one row per file with the load levels it holds; for a large sweep,
    one row per config and folder, with the number of files; for hundreds of configs, the folders of the configs
    the report's tables show (``shown``), then one row that counts the rest."""
    by_file: dict[tuple[str, str], list[BenchmarkPoint]] = {}
    for p in points:
        by_file.setdefault((p.source, p.config), []).append(p)
    if len(by_file) > MAX_SOURCE_ROWS:
        rows = _sources_by_folder(points)
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
    rows = []

    def order(item: tuple[tuple[str, str], list[BenchmarkPoint]]) -> tuple[str, float, str]:
        (path, config), pts = item
        return (config, min(p.load for p in pts), path)

    for (path, config), pts in sorted(by_file.items(), key=order):
        first = pts[0]
        tool = f"{first.tool} {first.tool_version}".strip()
        levels = ", ".join(formatting.level(p.load) for p in sorted(pts, key=lambda p: p.load))
        rows.append(Source(path or "(not recorded)", config, tool or "\u2014", first.model or "\u2014", levels))
    root = source_root(points)
    if root:
        rows = [replace(r, path=r.path[len(root) :].lstrip("/\\")) for r in rows]
    return rows


def _sources_by_folder(points: Sequence[BenchmarkPoint]) -> list[Source]:
    """One row per config: the folder that holds all its files (relative to the common root), how many files."""
    by_config: dict[str, list[BenchmarkPoint]] = {}
    for p in points:
        by_config.setdefault(p.config, []).append(p)
    root = source_root(points)
    rows = []
    for config in sorted(by_config):
        pts = by_config[config]
        files = {p.source for p in pts}
        folder = os.path.commonpath([os.path.dirname(f) for f in files]) if all(files) else ""
        if root and folder.startswith(root):
            folder = folder[len(root) :].lstrip("/\\")
        first = pts[0]
        tool = f"{first.tool} {first.tool_version}".strip()
        loads = sorted({p.load for p in pts})
        levels = f"{formatting.level(loads[0])} to {formatting.level(loads[-1])} ({len(loads)} levels)"
        n = len(files)
        rows.append(
            Source(
                f"{folder or '.'}/ ({n} file{'s' if n != 1 else ''})",
                config,
                tool or "\u2014",
                first.model or "\u2014",
                levels,
                n,
            )
        )
    return rows


def source_root(points: Sequence[BenchmarkPoint]) -> str:
    """The folder all benchmark files share, shown once above the table so that each row stays short."""
    folders = [os.path.dirname(p.source) for p in points if p.source]
    if len(folders) != len(points) or not folders:
        return ""
    try:
        root = os.path.commonpath(folders)
    except ValueError:  # mixed absolute and relative paths, or drives
        return ""
    return root if root not in ("", os.sep) else ""


def _models(points: Sequence[BenchmarkPoint]) -> list[str]:
    return sorted({p.model for p in points if p.model})


def _level_kind(points: Sequence[BenchmarkPoint]) -> str:
    """What the sweep varies: concurrency, request rate (req/s), or a mix of both."""
    if all(p.concurrency is not None for p in points):
        return "concurrency"
    if all(p.concurrency is None and p.request_rate is not None for p in points):
        return "request rate"
    return "load level"


def _levels(points: Sequence[BenchmarkPoint]) -> str:
    loads = sorted({p.load for p in points})
    return f"{_level_kind(points)} " + ", ".join(formatting.level(x) for x in loads)


def _chosen_latency(r: ConfigResult, report: Report) -> float | None:
    metric, statistic = report.frontier_metric
    return r.point.latency(metric, statistic) if r.point is not None else None


def results_in_tables(report: Report, limit: int = charts.BAR_LIMIT) -> list[ConfigResult]:
    """The configs the report's tables list: all of them, or for a large sweep the ones the cost charts show (the
    ``limit`` cheapest that meet the SLA), topped up to ``limit`` with configs that do not; in the results' order."""
    results = list(report.results)
    if len(results) <= limit:
        return results
    keep = {id(r) for r in charts.bar_results(report, limit)}
    for r in results:
        if len(keep) >= limit:
            break
        if not r.feasible:
            keep.add(id(r))
    return [r for r in results if id(r) in keep]


def context(
    report: Report, *, page_size: str, tool_version: str, second: SecondProcess | None = None
) -> dict[str, Any]:
    """Everything the template shows, computed here so that the template only lays it out."""
    if page_size not in PAGE_SIZES:
        raise ValueError(f"page_size must be one of {', '.join(PAGE_SIZES)}, got {page_size!r}")
    a = report.assumptions
    when = report_time()
    models = _models(report.points)
    metric, statistic = report.frontier_metric
    rec = report.recommended
    hw = a.profile(rec.hardware) if rec else a.hardware[0]
    feasible = [r for r in report.results if r.feasible]
    infeasible = [r for r in report.results if not r.feasible]
    others = sorted((r for r in feasible if r is not rec), key=lambda r: r.total_yearly_cost)
    parts = decision_parts(report)
    # With a second process ready, the appendix's panels (a second or so at 200 configs) and the decision charts
    # are drawn there, asked for first; all_charts below then splits the main charts between the two processes.
    appendix_there = second.draw([chart_appendix.small_multiples], report) if second and second.ready() else None
    decisions_there = charts.decision_charts_there(report, parts, second) if second else None
    # A sweep of hundreds of configs: the tables show the ones the cost charts show (the cheapest, the recommended
    # first); the workbook's Configs sheet and summary.json keep every config. 200-row tables would make the PDF
    # 50 pages long and slow to print, and nobody reads them in a budget proposal.
    table_results = results_in_tables(report)
    shown = {r.config for r in table_results}
    breakdown_keys, breakdown = cost_breakdown(report)
    breakdown = [b for b in breakdown if b.config in shown]
    renting = [
        r
        for r in feasible
        if r.config in shown and (r.yearly_cloud_cost is not None or r.yearly_cloud_reserved_cost is not None)
    ]
    return {
        "report": report,
        "d": report.decisions,
        "parts": parts,
        "breakdown_keys": breakdown_keys,
        "breakdown": breakdown,
        "renting": renting,
        "renting_basis": calculator.RENTING_BASIS,
        "any_reserved": any(r.yearly_cloud_reserved_cost is not None for r in feasible),
        "any_on_demand": any(r.yearly_cloud_cost is not None for r in feasible),
        "at_average": any(r.cost_per_1k_requests_at_average_load is not None for r in feasible),
        "scenario_lines": scenario_lines(report),
        "sensitivity_lines": sensitivity_lines(report),
        "a": a,
        "rec": rec,
        "rec_hw": hw,
        "rec_latency": _chosen_latency(rec, report) if rec else None,
        "feasible": feasible,
        "runner_up": others[0] if others else None,
        "infeasible": infeasible,
        "infeasible_named": infeasible[:NAMED_IN_TEXT],
        "table_results": table_results,
        "feasible_shown": [r for r in table_results if r.feasible],
        "omitted_feasible": len(feasible) - sum(r.feasible for r in table_results),
        "omitted_infeasible": len(infeasible) - sum(not r.feasible for r in table_results),
        "latency_of": {r.config: _chosen_latency(r, report) for r in report.results},
        "axis_metric": f"{statistic} {metric.upper()}",
        "axis_metric_name": LATENCY_METRICS.get(metric, metric),
        "sla_text": "; ".join(c.describe() for c in a.sla) or "none",
        "models": models,
        "model_text": ", ".join(models) if models else "the benchmarked model",
        "levels_text": _levels(report.points),
        "level_kind": _level_kind(report.points),
        "tools": sorted({f"{p.tool} {p.tool_version}".strip() for p in report.points if p.tool}),
        "date": formatting.date(when),
        "timestamp": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "assumption_rows": assumption_rows(a),
        "components": server_components(hw, a),
        "charts": charts.all_charts(report, second) if second else charts.all_charts(report),
        "decision_charts": decisions_there() if decisions_there else charts.decision_charts(report, parts),
        "explorer": explorer_payload(report),  # the HTML page's interactive chart (html_to_pdf leaves it out)
        # None unless the latency chart leaves configs grey
        "small_multiples": appendix_there()[0] if appendix_there else chart_appendix.small_multiples(report),
        "sources": sources(report.points, [r.config for r in table_results]),
        "source_files": len({p.source for p in report.points}),
        "source_root": source_root(report.points),
        "tool_version": tool_version,
        "page_size": page_size,
        "seconds_per_year": SECONDS_PER_YEAR,
        "label": label,
        "unit": unit,
    }


def css_string(text: object) -> Markup:
    """A quoted CSS string for generated content: every character outside plain ASCII letters, digits and a few
    safe marks is a CSS escape, so no value can end the string or the <style> element."""
    out = []
    for ch in str(text):
        out.append(ch if ch.isascii() and (ch.isalnum() or ch in " .,:;-_()/+") else f"\\{ord(ch):x} ")
    return Markup('"' + "".join(out) + '"')


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        autoescape=True,  # config names and benchmark text are data, never markup
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(formatting.FILTERS)
    env.filters["css_string"] = css_string
    return env


def render_html(
    report: Report, *, page_size: str = "A4", tool_version: str, second: SecondProcess | None = None
) -> str:
    """The report as one self-contained HTML document (with a ``second`` process, some charts are drawn there)."""
    template = _environment().get_template(TEMPLATE)
    return template.render(**context(report, page_size=page_size, tool_version=tool_version, second=second))


def write_html(
    report: Report,
    path: str | os.PathLike[str],
    *,
    page_size: str = "A4",
    tool_version: str,
    second: SecondProcess | None = None,
) -> str:
    """Write the HTML report (UTF-8) and return its text, so that ``write_pdf`` can reuse it."""
    html = render_html(report, page_size=page_size, tool_version=tool_version, second=second)
    Path(path).write_text(html, encoding="utf-8", newline="\n")
    return html


def _refuse(url: str, *args: object, **kwargs: object) -> Any:
    raise ValueError(f"the report is self-contained and must not load {url!r}")


def _inline(url: str) -> bool:
    """A data: URL carries its content inside the document (a chart as SVG, a dense chart's markers as one PNG):
    nothing to fetch. Whatever an SVG image refers to comes back through the same fetcher."""
    return url.startswith(("data:image/png;base64,", "data:image/svg+xml;base64,"))


_EXPLORER = re.compile(r"<!-- explorer -->.*?<!-- /explorer -->\n?", re.S)

_CHART_SVG = re.compile(r'<svg class="chart"([^>]*)>(.*?)</svg>', re.S)


def charts_as_images(html: str) -> str:
    """The report's inline chart SVGs as <img> elements with the same SVG as a data URL, for the PDF only.

    WeasyPrint reads an SVG image with an XML parser and styles it on its own, where inline SVG goes element by
    element through its pure-Python HTML tokenizer and the page's CSS cascade: a quarter of the example's PDF time
    (measured), for the same vector drawing and the same searchable text."""

    def image(m: re.Match[str]) -> str:
        attrs, body = m.group(1), m.group(2)
        svg = f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"{attrs}>{body}</svg>'
        data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
        return f'<img class="chart" alt="" src="data:image/svg+xml;base64,{data}">'

    return _CHART_SVG.sub(image, html)


def _fetcher() -> Any:
    """A WeasyPrint URL fetcher that refuses every URL but inline PNG data, and stops the rendering when asked for
    one."""
    from weasyprint import urls

    base = getattr(urls, "URLFetcher", None)
    if base is None:  # WeasyPrint before 70 takes a function, and only warns when it fails

        def refuse(url: str, *args: object, **kwargs: object) -> Any:
            return urls.default_url_fetcher(url, *args, **kwargs) if _inline(url) else _refuse(url)

        return refuse

    class Refuse(base):
        def fetch(self, url: str, headers: object = None) -> Any:
            if _inline(url):
                return super().fetch(url, headers)
            _refuse(url)

    return Refuse(fail_on_errors=True)


# WeasyPrint reads the style attributes of inline SVG twice: its SVG renderer uses them, and its HTML cascade warns
# that it does not know them. Only those warnings are dropped; any other (our own CSS, a layout problem) shows.
_SVG_PROPERTY_WARNING = re.compile(r"^Ignored `(fill|stroke|text-anchor|clip-path|font-)[\w-]*:.*unknown property")


class _SvgPropertyFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not _SVG_PROPERTY_WARNING.match(record.getMessage())


@contextlib.contextmanager
def _quiet_svg_warnings() -> Iterator[None]:
    logger = logging.getLogger("weasyprint")
    f = _SvgPropertyFilter()
    logger.addFilter(f)
    try:
        yield
    finally:
        logger.removeFilter(f)


def html_to_pdf(html: str) -> bytes:
    """Print HTML to PDF with WeasyPrint: no fetching, a file identifier derived from the content."""
    import weasyprint  # slow to import; only the PDF needs it
    from weasyprint.urls import FatalURLFetchingError

    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    try:
        with _quiet_svg_warnings():
            # The explorer is for the screen; its JSON escapes "<", so no config name can end the cut early.
            doc = weasyprint.HTML(string=charts_as_images(_EXPLORER.sub("", html)), url_fetcher=_fetcher())
            return doc.write_pdf(pdf_identifier=identifier)
    except FatalURLFetchingError as e:  # a BaseException: make it an ordinary error with the reason
        raise ValueError(str(e.__cause__ or e)) from e


def write_pdf(
    report: Report,
    path: str | os.PathLike[str],
    *,
    page_size: str = "A4",
    tool_version: str,
    html: str | None = None,
) -> None:
    """Write the PDF report, printed from the same HTML (pass ``html`` from ``write_html`` to render it once)."""
    if html is None:
        html = render_html(report, page_size=page_size, tool_version=tool_version)
    Path(path).write_bytes(html_to_pdf(html))
