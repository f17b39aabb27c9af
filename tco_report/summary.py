"""summary.json: the machine-readable result, numbers as plain, unrounded JSON numbers (docs/method.md section 15)."""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from json.encoder import encode_basestring_ascii as _encode_string
from pathlib import Path
from typing import Any

from .calculator import RENTING_BASIS
from .model import ConfigResult, Report, result_value
from .names import EXTENDED_RESULT_KEYS, RESULT_KEYS

# json's C encoder (CPython's _json; None elsewhere): with an indent json.dumps does not use it
c_make_encoder: Any = getattr(json.encoder, "c_make_encoder", None)


def _finite(x: float | None) -> float | None:
    return None if x is None or (isinstance(x, float) and not math.isfinite(x)) else x


def config_dict(r: ConfigResult) -> dict[str, Any]:
    """One config's result; an infeasible config has the same keys, its figures null (the contract's shape)."""
    d: dict[str, Any] = {"config": r.config, "feasible": r.feasible}
    for key in RESULT_KEYS:
        d[key] = _finite(result_value(r, key))
    if r.feasible:
        d["concurrency"] = r.point.concurrency
        d["request_rate"] = _finite(r.point.request_rate)
        d["load"] = r.point.load_label
    d["hardware"] = r.hardware
    d["reason"] = None if r.feasible else r.reason
    d["ref_cost_per_1k_requests"] = r.ref_cost_per_1k_requests if r.feasible else None
    for key in EXTENDED_RESULT_KEYS:
        d[key] = _finite(result_value(r, key))
    d["yearly_cost_components"] = r.cost_components() if r.feasible else {}
    for key in ("model_instances", "total_gpus", "servers", "servers_for_demand", "rented_gpus"):
        v = d.get(key)
        if isinstance(v, float) and v.is_integer():
            d[key] = int(v)
    return d


def assumptions_dict(report: Report) -> dict[str, Any]:
    a = report.assumptions
    return {
        "peak_requests_per_second": a.peak_requests_per_second,
        "uptime": a.uptime,
        "sla": [asdict(c) for c in a.sla],
        "latency_limit_ms": a.sla[0].max_ms if a.sla else None,
        "hardware": [asdict(h) for h in a.hardware],
        "ref_input_price_per_1m": a.ref_input_price_per_1m,
        "ref_output_price_per_1m": a.ref_output_price_per_1m,
        "rounding": a.rounding,
        "target_utilisation": a.target_utilisation,
        "spare_servers": a.spare_servers,
        "cost_of_capital": a.cost_of_capital,
        "active_users_at_peak": a.active_users_at_peak,
        "requests_per_user_per_minute": a.requests_per_user_per_minute,
        "average_requests_per_second": a.average_requests_per_second,
        "api_input_price_per_1m": a.api_input_price_per_1m,
        "api_output_price_per_1m": a.api_output_price_per_1m,
        "plan_years": a.plan_years,
        "demand_growth_per_year": a.demand_growth_per_year,
        "sensitivity_step": a.sensitivity_step,
        "scenarios": [name for name, _ in a.scenarios],
        "configs": [asdict(c) for c in a.configs],
        "isl": a.isl,
        "osl": a.osl,
        "source": a.source,
        "provenance": dict(a.provenance),
    }


def decisions_dict(report: Report) -> dict[str, Any] | None:
    d = report.decisions
    if d is None:
        return None
    api = None
    if d.api is not None:
        api = {k: v for k, v in asdict(d.api).items() if k != "curve"}
        api["curve"] = [{"peak_requests_per_second": x, "self_hosting": s, "api": c} for x, s, c in d.api.curve]
    return {
        "scenarios": [
            {
                "name": s.name,
                "recommended": config_dict(s.recommended) if s.recommended else None,
                "api_yearly_cost": s.api_yearly_cost,
            }
            for s in d.scenarios
        ],
        "api_break_even": api,
        "plan": [asdict(y) for y in d.plan],
        "sensitivity": {
            "step": report.assumptions.sensitivity_step,
            "base": {"cost_per_1m_output_tokens": d.sensitivity_base[0], "total_yearly_cost": d.sensitivity_base[1]}
            if d.sensitivity_base
            else None,
            "rows": [asdict(r) for r in d.sensitivity],
        },
        "interactivity_frontier": [
            {"config": report.points[i].config, "load": report.points[i].load_label} for i in d.interactivity_frontier
        ],
    }


def point_dicts(report: Report) -> list[dict[str, Any]]:
    """Every benchmark point with its provenance: the tool and version that wrote it, the workload, how many
    repeated runs it combines (each combined metric's [min, max] in ``spread``), and whether the run failed."""
    frontier = {id(p) for p in report.frontier}
    out = []
    for i, p in enumerate(report.points):
        out.append(
            {
                "config": p.config,
                "workload": p.workload or None,
                "load": p.load_label,
                "concurrency": p.concurrency,
                "request_rate": _finite(p.request_rate),
                "rps": p.rps,
                "output_tps": p.output_tps,
                "isl": None if p.failed else p.isl,
                "osl": None if p.failed else p.osl,
                "latency_ms": {m: dict(stats) for m, stats in p.latency_ms.items()},
                "meets_sla": bool(report.feasible.get(i, False)),
                "on_frontier": id(p) in frontier,
                "failed": p.failed,
                "failure": p.failure or None,
                "repeats": p.repeats,
                "spread": {k: [lo, hi] for k, (lo, hi) in p.spread.items()},
                "tool": p.tool,
                "tool_version": p.tool_version or None,
                "source": p.source,
                "record": p.record,
            }
        )
    return out


def summary_dict(report: Report, tool_version: str) -> dict[str, Any]:
    rec = report.recommended
    return {
        "workload": report.workload or None,
        "recommended": None if rec is None else {k: v for k, v in config_dict(rec).items() if k not in ("reason",)},
        "configs": [config_dict(r) for r in report.results],
        "assumptions": assumptions_dict(report),
        "frontier": {
            "metric": report.frontier_metric[0],
            "statistic": report.frontier_metric[1],
            "points": [{"config": p.config, "load": p.load_label, "rps": p.rps} for p in report.frontier],
        },
        "sources": sorted({p.source for p in report.points}),
        "points": point_dicts(report),
        "decisions": decisions_dict(report),
        "renting_basis": RENTING_BASIS,
        "warnings": list(report.warnings),
        "warning_counts": warning_counts(report),
        "tool": {"name": "tco_report", "version": tool_version},
    }


def warning_counts(report: Report) -> dict[str, Any]:
    """The warnings counted by kind and by config (the full list is "warnings")."""
    from .warning_summary import summarise

    s = summarise(report.warnings, report.configs)
    return {
        "total": s.total,
        "by_kind": {kind: n for kind, _, n in s.by_kind},
        "by_config": dict(s.by_config),
    }


def write_summary(report: Report, path: Path, tool_version: str) -> None:
    text = dumps_indented(summary_dict(report, tool_version))
    path.write_text(text + "\n", encoding="utf-8")


def dumps_indented(obj: Any) -> str:
    """``json.dumps(obj, indent=2, allow_nan=False)``, the same text, faster: with an indent CPython's json encodes
    every value in Python; here each run of scalar items of a dict or list goes through json's C encoder in one
    call, with the line end and indent as its item separator, and only the containers are walked in Python."""
    if c_make_encoder is None:  # an interpreter without json's C accelerator
        return json.dumps(obj, indent=2, allow_nan=False)
    try:
        parts: list[str] = []
        _indented(obj, "\n", parts)
        return "".join(parts)
    except (TypeError, ValueError, RecursionError):  # json's own error, in its words
        return json.dumps(obj, indent=2, allow_nan=False)


_CONTAINERS = (dict, list, tuple)
_run_encoders: dict[str, Any] = {}


def _encode_run(items: dict[Any, Any] | list[Any], newline: str) -> str:
    """Scalar items (a dict's or a list's) as json.dumps(indent=2) writes them one per line after ``newline``,
    without the brackets: json's C encoder with ``,`` + ``newline`` between items."""
    encode = _run_encoders.get(newline)
    if encode is None:
        encode = _run_encoders[newline] = c_make_encoder(
            None, _no_default, _encode_string, None, ": ", "," + newline, False, False, False
        )
    return "".join(encode(items, 0))[1:-1]


def _no_default(o: Any) -> Any:
    raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")


def _indented(o: Any, newline: str, out: list[str]) -> None:
    """Append ``o`` as json.dumps(indent=2) writes it at the depth whose line start is ``newline``."""
    inner = newline + "  "
    if isinstance(o, dict):
        if not o:
            out.append("{}")
            return
        out.append("{" + inner)
        run: dict[Any, Any] = {}
        sep = ""
        for k, v in o.items():
            if not isinstance(v, _CONTAINERS):
                run[k] = v
                continue
            if run:
                out.append(sep + _encode_run(run, inner))
                run = {}
                sep = "," + inner
            key = _encode_string(k) if isinstance(k, str) else _encode_run({k: 0}, inner)[:-3]  # as json writes it
            out.append(sep + key + ": ")
            _indented(v, inner, out)
            sep = "," + inner
        if run:
            out.append(sep + _encode_run(run, inner))
        out.append(newline + "}")
    elif isinstance(o, list | tuple):
        if not o:
            out.append("[]")
            return
        out.append("[" + inner)
        if not any(isinstance(v, _CONTAINERS) for v in o):
            out.append(_encode_run(list(o), inner))
        else:
            for n, v in enumerate(o):
                if n:
                    out.append("," + inner)
                if isinstance(v, _CONTAINERS):
                    _indented(v, inner, out)
                else:
                    out.append(_encode_run([v], inner))
        out.append(newline + "]")
    else:
        out.append(_encode_run([o], newline))
