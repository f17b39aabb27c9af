"""sgl-project genai-bench run result JSON (docs/formats.md, genai-bench): one point per (scenario, concurrency) file.

Written by ``genai_bench/metrics/aggregated_metrics_collector.py`` ``save()``: ``{"aggregated_metrics": {...},
"individual_request_metrics": [...], "_time_unit": "s"|"ms"}``. ``aggregated_metrics.stats.<field>`` holds
``{min, max, mean, stddev, sum, p25, p50, p75, p90, p95, p99}``; the latency fields ``ttft``, ``tpot``,
``e2e_latency`` are in SECONDS unless ``_time_unit`` is ``ms`` (``time_units.py`` converts only those). RPS is
``requests_per_second`` (older builds: ``requests_per_minute``); the load level is ``num_concurrency`` (the QPS
for open-loop runs). The model is not in the run file; it is taken from ``experiment_metadata.json`` beside it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import InputError
from .common import Parsed, RawPoint, check_latency, describe, get, normalise_statistic, number
from .common import optional_number as opt

TOOL = "genai-bench"
_METRICS = {"ttft": "ttft", "tpot": "tpot", "e2e_latency": "e2e"}


def detect(p: Parsed) -> bool:
    o = p.obj
    agg = o.get("aggregated_metrics") if isinstance(o, Mapping) else None
    return isinstance(agg, Mapping) and "stats" in agg


def _stats(block: Any, file: str, fld: str, factor: float) -> dict[str, float]:
    if not isinstance(block, Mapping):
        raise InputError(file, fld, f"expected an object of statistics, got {describe(block)}")
    out = {}
    for k, v in block.items():
        s = normalise_statistic(str(k))
        if s is not None and v is not None:
            out[s] = number(v, file, f"{fld}.{k}") * factor
    if "avg" not in out:
        raise InputError(file, f"{fld}.mean", "required statistic is missing")
    return out


def _metadata(file: Path) -> tuple[str, str]:
    """(model, genai-bench version) from experiment_metadata.json beside the run file (api_model_name / model,
    benchmark_version); '' for what is absent or unreadable."""
    meta = file.parent / "experiment_metadata.json"
    try:
        if meta.stat().st_size > 1_000_000:
            return "", ""
        data = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return "", ""
    if not isinstance(data, Mapping):
        return "", ""
    model = next((data[k] for k in ("api_model_name", "model") if isinstance(data.get(k), str) and data[k]), "")
    version = data.get("benchmark_version")
    return model, version if isinstance(version, str) else ""


def read(p: Parsed) -> list[RawPoint]:
    o, file = p.obj, str(p.path)
    agg = o["aggregated_metrics"]
    unit = o.get("_time_unit", "s")
    if unit not in ("s", "ms"):
        raise InputError(file, "_time_unit", f"expected 's' or 'ms', got {describe(unit)}")
    factor = 1000.0 if unit == "s" else 1.0
    stats = get(agg, "stats", file)
    if not isinstance(stats, Mapping):
        raise InputError(file, "aggregated_metrics.stats", f"expected an object, got {describe(stats)}")
    latency = {
        m: _stats(stats[k], file, f"aggregated_metrics.stats.{k}", factor)
        for k, m in _METRICS.items()
        if stats.get(k) is not None
    }
    if agg.get("requests_per_second") is not None or "requests_per_minute" not in agg:
        rps = number(
            get(agg, "requests_per_second", file), file, "aggregated_metrics.requests_per_second", positive=True
        )
    else:
        rps = number(agg["requests_per_minute"], file, "aggregated_metrics.requests_per_minute", positive=True) / 60
    isl = _stats(get(stats, "num_input_tokens", file), file, "aggregated_metrics.stats.num_input_tokens", 1.0)["avg"]
    osl = _stats(get(stats, "num_output_tokens", file), file, "aggregated_metrics.stats.num_output_tokens", 1.0)["avg"]
    for name, v in (("num_input_tokens", isl), ("num_output_tokens", osl)):
        if v <= 0:
            raise InputError(
                file, f"aggregated_metrics.stats.{name}.mean", f"expected a number greater than 0, got {v:g}"
            )
    iteration = agg.get("iteration_type", "num_concurrency")
    if iteration not in ("num_concurrency", "batch_size"):
        raise InputError(
            file, "aggregated_metrics.iteration_type", f"expected num_concurrency, got {describe(iteration)}"
        )
    conc = number(get(agg, iteration, file), file, f"aggregated_metrics.{iteration}", positive=True)
    scenario = agg.get("scenario")
    model, version = _metadata(p.path)
    check_latency(latency, file, osl)
    return [
        RawPoint(
            rps=rps,
            isl=isl,
            osl=osl,
            latency_ms=latency,
            concurrency=conc,
            output_tps=opt(
                agg.get("mean_output_throughput_tokens_per_s"),
                file,
                "aggregated_metrics.mean_output_throughput_tokens_per_s",
            ),
            model=model,
            workload=scenario if isinstance(scenario, str) else "",  # e.g. D(100,100): the traffic asked for
            tool=TOOL,
            tool_version=version,
        )
    ]
