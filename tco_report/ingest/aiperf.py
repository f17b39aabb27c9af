"""NVIDIA AIPerf, GenAI-Perf's successor: ``profile_export_aiperf.json`` / ``.csv`` and the sweep aggregate
``profile_export_aiperf_sweep.json`` (docs/formats.md, AIPerf).

The per-run JSON deliberately mimics GenAI-Perf's (metric tag -> {unit, avg, p50, ...}, ms and per-second), so it
is told apart by AIPerf-only keys: ``aiperf_version``/``schema_version``, ``input_config.loadgen``,
``telemetry_data``, ``was_cancelled``. Concurrency is ``input_config.loadgen.concurrency`` (or ``request_rate``).
The CSV (``Metric,avg,min,max,[sum,]p1,...``) has no load level: it comes from a folder name (``concurrency16``,
``conc16``). The sweep file holds one point per entry of ``per_combination_metrics``; two shapes exist, metric
tag -> {avg|mean, p50, ...} (2025, PR #699) and flattened ``<tag>_<stat>`` -> {mean over trials, ...} (2026).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import InputError
from .common import (
    Parsed,
    RawPoint,
    check_latency,
    describe,
    error_only_failure,
    get,
    model_text,
    normalise_statistic,
    number,
)
from .common import optional_number as opt
from .genai_perf import METRICS, csv_sections, point_from_csv, point_from_metrics, requested_workload

TOOL = "aiperf"
_MARKERS = ("aiperf_version", "schema_version", "telemetry_data", "was_cancelled")
_CSV_HEADER = re.compile(r"^Metric,avg,min,max,(sum,)?p1,")
_FOLDER_LOAD = re.compile(r"(?:^|[-_])(concurrency|conc|request_rate)[-_]?(\d+(?:\.\d+)?)(?=$|[-_])")


def detect(p: Parsed) -> bool:
    o = p.obj
    if isinstance(o, Mapping):
        if o.get("aggregation_type") == "sweep" and "per_combination_metrics" in o:
            return True
        cfg = o.get("input_config")
        return ("request_throughput" in o or bool(error_only_failure(o))) and (
            any(k in o for k in _MARKERS) or (isinstance(cfg, Mapping) and "loadgen" in cfg)
        )
    return not p.is_json and bool(_CSV_HEADER.match(p.text.lstrip("\ufeff")))


def read(p: Parsed) -> list[RawPoint]:
    if not p.is_json:
        return [_read_csv(p.text, p.path)]
    o = p.obj
    if o.get("aggregation_type") == "sweep":
        return _read_sweep(o, p.path)
    return [_read_run(o, p.path)]


def _read_run(o: Mapping[str, Any], file: Path) -> RawPoint:
    cfg = get(o, "input_config", file, required=False)
    cfg = cfg if isinstance(cfg, Mapping) else {}
    loadgen = cfg.get("loadgen")
    if loadgen is not None and not isinstance(loadgen, Mapping):
        raise InputError(file, "input_config.loadgen", f"expected an object, got {describe(loadgen)}")
    loadgen = loadgen or {}
    conc = opt(loadgen.get("concurrency"), file, "input_config.loadgen.concurrency", positive=True)
    rate = opt(loadgen.get("request_rate"), file, "input_config.loadgen.request_rate", positive=True, allow_inf=True)
    if conc is None and rate is None:
        conc, rate = load_from_folders(file)
    if conc is None and rate is None:
        raise InputError(
            file,
            "input_config.loadgen.concurrency",
            "neither concurrency nor request_rate is recorded (and no folder name has 'concurrencyN')",
        )
    endpoint = cfg.get("endpoint")
    version = o.get("aiperf_version") if isinstance(o.get("aiperf_version"), str) else ""
    if failure := error_only_failure(o):  # every request failed: a failed point
        return RawPoint(
            0.0,
            0.0,
            0.0,
            {},
            conc,
            rate,
            tool=TOOL,
            tool_version=version,
            workload=requested_workload(cfg),
            failure=failure,
        )
    point = point_from_metrics(
        o,
        file,
        conc=conc,
        rate=rate,
        streaming=endpoint.get("streaming") if isinstance(endpoint, Mapping) else None,
        model=model_text(endpoint.get("model_names")) if isinstance(endpoint, Mapping) else "",
        tool=TOOL,
        tool_version=version,
    )
    point.workload = requested_workload(cfg)
    return point


def load_from_folders(path: Path) -> tuple[float | None, float | None]:
    """The load level from the run folder's name or its parent's (AIPerf's ``...-concurrency16``, users' ``conc16``)."""
    for folder in (path.parent.name, path.parent.parent.name):
        m = _FOLDER_LOAD.search(folder)
        if m:
            value = float(m.group(2))
            return (None, value) if m.group(1) == "request_rate" else (value, None)
    return None, None


def _sweep_stat(metrics: Mapping[str, Any], tag: str, where: str, fld: str) -> dict[str, float]:
    """Statistics of one metric from a sweep entry, in either shape; {} when the metric is absent."""
    out: dict[str, float] = {}
    block = metrics.get(tag)
    if isinstance(block, Mapping):  # 2025: tag -> {avg, mean, p50, ..., std, cv, ci_low, ci_high, unit}
        for k, v in block.items():
            s = normalise_statistic(str(k))
            if s is not None and v is not None:
                out[s] = number(v, where, f"{fld}.{tag}.{k}")
    elif block is not None:
        raise InputError(where, f"{fld}.{tag}", f"expected an object of statistics, got {describe(block)}")
    for key, value in metrics.items():  # 2026: '<tag>_<stat>' -> {mean (over trials), std, ...}
        if isinstance(key, str) and key.startswith(tag + "_"):
            s = normalise_statistic(key[len(tag) + 1 :])
            if s is None:
                continue
            if not isinstance(value, Mapping) or "mean" not in value:
                raise InputError(where, f"{fld}.{key}.mean", f"expected an object with a mean, got {describe(value)}")
            out[s] = number(value["mean"], where, f"{fld}.{key}.mean")
    return out


def _sweep_avg(metrics: Mapping[str, Any], tag: str, file: Path, fld: str) -> float:
    stats = _sweep_stat(metrics, tag, str(file), f"{fld}.metrics")
    if "avg" not in stats:
        raise InputError(file, f"{fld}.metrics.{tag}", "required metric (its average) is missing")
    return stats["avg"]


def _read_sweep(o: Mapping[str, Any], file: Path) -> list[RawPoint]:
    entries = get(o, "per_combination_metrics", file)
    if not isinstance(entries, list) or not entries:
        raise InputError(file, "per_combination_metrics", f"expected a non-empty list, got {describe(entries)}")
    points = []
    for i, e in enumerate(entries):
        fld = f"per_combination_metrics[{i}]"
        params = get(e, "parameters", file) if isinstance(e, Mapping) else None
        metrics = get(e, "metrics", file) if isinstance(e, Mapping) else None
        if not isinstance(params, Mapping) or not isinstance(metrics, Mapping):
            raise InputError(file, fld, "expected an object with 'parameters' and 'metrics' objects")
        conc = opt(params.get("concurrency"), file, f"{fld}.parameters.concurrency", positive=True)
        rate = opt(params.get("request_rate"), file, f"{fld}.parameters.request_rate", positive=True, allow_inf=True)
        if conc is None and rate is None:
            raise InputError(file, f"{fld}.parameters.concurrency", "neither concurrency nor request_rate is recorded")

        latency = {m: s for k, m in METRICS.items() if (s := _sweep_stat(metrics, k, str(file), f"{fld}.metrics"))}
        osl = _sweep_avg(metrics, "output_sequence_length", file, fld)
        rps = _sweep_avg(metrics, "request_throughput", file, fld)
        if rps <= 0:
            raise InputError(file, f"{fld}.metrics.request_throughput", f"expected a number greater than 0, got {rps}")
        tps = _sweep_stat(metrics, "output_token_throughput", str(file), f"{fld}.metrics").get("avg")
        check_latency(latency, f"{file} ({fld})", osl)
        points.append(
            RawPoint(
                rps=rps,
                isl=_sweep_avg(metrics, "input_sequence_length", file, fld),
                osl=osl,
                latency_ms=latency,
                concurrency=conc,
                request_rate=rate,
                output_tps=tps,
                tool=TOOL,
                aggregate=True,
            )
        )
    return points


def _read_csv(text: str, file: Path) -> RawPoint:
    request, system = csv_sections(text, file)
    conc, rate = load_from_folders(file)
    if conc is None and rate is None:
        raise InputError(
            file, "concurrency", "an AIPerf CSV records no load level and no folder name has 'concurrencyN'"
        )
    return point_from_csv(
        request, system, file, conc=conc, rate=rate, tool=TOOL, rps_label="Request Throughput (requests/sec)"
    )
