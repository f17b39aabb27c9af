"""The short summary printed on the terminal; text from files is stripped of control characters."""

from __future__ import annotations

import re

from .model import Report

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def safe(text: str) -> str:
    """Text from an input file, fit for a terminal: no escape sequences, no bidi overrides."""
    return _CONTROL.sub("?", text)


def money(x: float) -> str:
    """An amount of money, rounded to what a terminal line needs."""
    if abs(x) >= 100:
        return f"${x:,.0f}"
    if abs(x) >= 1:
        return f"${x:,.2f}"
    return f"${x:.2g}"


def count(x: float) -> str:
    """A count, whole when it is whole."""
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


def table(report: Report) -> str:
    header = (
        "",
        "config",
        "point",
        "req/s/inst",
        "instances",
        "GPUs",
        "servers",
        "yearly cost",
        "$/1K req",
        "$/1M in",
        "$/1M out",
    )
    rows = [header]
    for r in report.results:
        mark = "*" if r is report.recommended else ""
        if not r.feasible:
            rows.append((mark, safe(r.config), "infeasible", "", "", "", "", "", "", "", ""))
            continue
        rows.append(
            (
                mark,
                safe(r.config),
                r.point.load_label,
                f"{r.rps_per_instance:,.2f}",
                count(r.model_instances),
                count(r.total_gpus),
                count(r.servers),
                money(r.total_yearly_cost),
                money(r.cost_per_1k_requests),
                money(r.cost_per_1m_input_tokens),
                money(r.cost_per_1m_output_tokens),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(c.ljust(w) if i < 3 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
        for row in rows
    ]
    lines.insert(1, "-" * len(lines[0]))
    a = report.assumptions
    sla = "; ".join(c.describe() for c in a.sla) or "none"
    workload = f", workload {safe(report.workload)}" if report.workload else ""
    out = [f"Peak demand {a.peak_requests_per_second:g} req/s, SLA: {sla}{workload}", *lines]
    rec = report.recommended
    if rec is None:
        out.append("No config meets the SLA:")
        out += [f"  {safe(r.config)}: {safe(r.reason)}" for r in report.results if not r.feasible]
    else:
        out.append(
            f"* Recommended: {safe(rec.config)} at {rec.point.load_label}: "
            f"{count(rec.servers)} server(s) ({count(rec.total_gpus)} GPUs), {money(rec.total_yearly_cost)} a year, "
            f"{money(rec.cost_per_1k_requests)} per 1K requests."
        )
    for r in report.results:
        if not r.feasible and rec is not None:
            out.append(f"  {safe(r.config)}: infeasible, {safe(r.reason)}")
    out += _decisions(report)
    return "\n".join(out)


def _decisions(report: Report) -> list[str]:
    """One line each for the follow-up questions the assumptions asked (renting, hosted API, scenarios)."""
    rec, d, out = report.recommended, report.decisions, []
    if rec is not None and rec.yearly_cloud_cost is not None:
        line = (
            f"Renting the same {count(rec.rented_gpus)} GPUs (spares included): "
            f"{money(rec.yearly_cloud_cost)} a year on demand"
        )
        if rec.yearly_cloud_reserved_cost is not None:
            line += f", {money(rec.yearly_cloud_reserved_cost)} reserved"
        if rec.break_even_months is not None:
            line += f"; owning breaks even after {rec.break_even_months:.1f} months"
        else:
            line += "; renting on demand never costs more than owning"
        out.append(line + ".")
    if d is not None and d.api is not None:
        line = f"Hosted API: {money(d.api.yearly_api_cost)} a year for the same demand"
        if d.api.break_even_rps is None:
            line += "; self-hosting never costs less at these prices"
        else:
            line += f"; self-hosting is no dearer from {d.api.break_even_rps:,.1f} req/s of peak"
            if d.api.always_cheaper_rps is not None and d.api.always_cheaper_rps > d.api.break_even_rps:
                line += f" and always from {d.api.always_cheaper_rps:,.1f} req/s"
        out.append(line + ".")
    if d is not None and d.scenarios:
        out.append("Scenarios:")
        for s in d.scenarios:
            r = s.recommended
            if r is None:
                out.append(f"  {safe(s.name)}: no config meets the SLA")
                continue
            api = f", API {money(s.api_yearly_cost)}" if s.api_yearly_cost is not None else ""
            rent = f", renting {money(r.yearly_cloud_cost)}" if r.yearly_cloud_cost is not None else ""
            out.append(
                f"  {safe(s.name)}: {safe(r.config)}, {count(r.servers)} server(s), owning "
                f"{money(r.total_yearly_cost)} a year{rent}{api}, {money(r.cost_per_1k_requests)} per 1K requests"
            )
    return out


def notes(report: Report, shown: int | None = None) -> list[str]:
    """The data warnings as the terminal shows them: all of a few; for many, the counts by kind and config and the
    first few, with where the rest are."""
    from .warning_summary import SHOWN, count_line, summarise

    s = summarise(report.warnings, report.configs)
    shown = SHOWN if shown is None else shown
    if s.total <= shown:
        return [f"note: {safe(w.text)}" for w in s.items]
    out = [f"note: {safe(count_line(s))}; the first {shown}:"]
    out += [f"note: {safe(w.text)}" for w in s.first(shown)]
    out.append(f"note: ... and {s.total - shown:,} more in summary.json and on the workbook's Warnings sheet")
    return out
