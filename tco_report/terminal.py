"""The short summary printed on the terminal; text from files is stripped of control characters."""

from __future__ import annotations

import re

from .model import Report

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def safe(text: str) -> str:
    """Text from an input file, fit for a terminal: no escape sequences, no bidi overrides."""
    return _CONTROL.sub("?", text)


def money(x: float) -> str:
    if abs(x) >= 100:
        return f"${x:,.0f}"
    if abs(x) >= 1:
        return f"${x:,.2f}"
    return f"${x:.2g}"


def count(x: float) -> str:
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
                r.point.load_label if r.point else "",
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
    out = [f"Peak demand {a.peak_requests_per_second:g} req/s, SLA: {sla}", *lines]
    rec = report.recommended
    if rec is None:
        out.append("No config meets the SLA:")
        out += [f"  {safe(r.config)}: {safe(r.reason)}" for r in report.results]
    else:
        out.append(
            f"* Recommended: {safe(rec.config)} at {rec.point.load_label if rec.point else ''}: "
            f"{count(rec.servers)} server(s) ({count(rec.total_gpus)} GPUs), {money(rec.total_yearly_cost)} a year, "
            f"{money(rec.cost_per_1k_requests)} per 1K requests."
        )
    for r in report.results:
        if not r.feasible and rec is not None:
            out.append(f"  {safe(r.config)}: infeasible, {safe(r.reason)}")
    return "\n".join(out)
