"""kubernetes-sigs inference-perf (the benchmark of llm-d): ``stage_N_lifecycle_metrics.json`` and
``summary_lifecycle_metrics.json`` in its report folder.

Each stage of a run is one load level, written as ``stage_<N>_lifecycle_metrics.json``: ``load_summary`` holds the
stage's ``requested_rate`` (req/s) and, for the ``concurrent`` load type, its ``concurrency``; ``successes`` holds
``latency.{time_to_first_token, inter_token_latency, time_per_output_token, request_latency}`` as distributions
(``mean``, ``median``, ``min``, ``max``, ``p0.1`` ... ``p99.9``) in SECONDS, ``throughput.{requests_per_sec,
output_tokens_per_sec}`` and the token counts ``prompt_len``/``output_len`` (later builds: ``prompt_tokens``/
``output_tokens``). The summary file pools the requests of every stage (several load levels) into one distribution
and records no load level, so it is never a point: it is skipped, and nothing is counted twice. The files record
no tool version; ``tool_version`` stays empty. ITL is the pooled gap between streamed tokens (as vLLM's), TPOT the
per-request (last - first) / (tokens - 1).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import InputError
from .common import NotAPoint, Parsed, RawPoint, check_latency, describe, get, normalise_statistic, number
from .common import optional_number as opt

TOOL = "inference-perf"
_LATENCY = {
    "time_to_first_token": "ttft",
    "inter_token_latency": "itl",
    "time_per_output_token": "tpot",
    "request_latency": "e2e",
}


def detect(p: Parsed) -> bool:
    o = p.obj
    if not isinstance(o, Mapping):
        return False
    load, ok = o.get("load_summary"), o.get("successes")
    return isinstance(load, Mapping) and isinstance(ok, Mapping) and "failures" in o and "latency" in ok


def read(p: Parsed) -> list[RawPoint]:
    o, file = p.obj, p.path
    load = o["load_summary"]
    conc = opt(load.get("concurrency"), file, "load_summary.concurrency", positive=True)
    rate = opt(load.get("requested_rate"), file, "load_summary.requested_rate", positive=True, allow_inf=True)
    if conc is None and rate is None:  # told apart by content, not by name: only a stage records its load
        raise NotAPoint(
            "inference-perf's summary over all stages of a run (several load levels pooled, no load level "
            "recorded); each stage's own stage_N_lifecycle_metrics.json is read instead"
        )
    if conc is not None:
        rate = None  # the concurrent load type records the rate it derived; the concurrency is the load level
    ok = o["successes"]
    latency_block = get(ok, "latency", file)
    if not isinstance(latency_block, Mapping):
        raise InputError(file, "successes.latency", f"expected an object, got {describe(latency_block)}")
    latency = {}
    for key, metric in _LATENCY.items():
        dist = latency_block.get(key)
        if dist is None:
            continue
        latency[metric] = _seconds_to_ms(dist, file, f"successes.latency.{key}")
    throughput = get(ok, "throughput", file)
    if not isinstance(throughput, Mapping):
        raise InputError(file, "successes.throughput", f"expected an object, got {describe(throughput)}")
    rps = number(
        get(throughput, "requests_per_sec", file), file, "successes.throughput.requests_per_sec", positive=True
    )
    tps = opt(throughput.get("output_tokens_per_sec"), file, "successes.throughput.output_tokens_per_sec")
    isl = _mean_of(ok, ("prompt_len", "prompt_tokens"), file)
    osl = _mean_of(ok, ("output_len", "output_tokens"), file)
    check_latency(latency, file, osl)
    return [
        RawPoint(
            rps=rps,
            isl=isl,
            osl=osl,
            latency_ms=latency,
            concurrency=conc,
            request_rate=rate,
            output_tps=tps,
            tool=TOOL,
        )
    ]


def _seconds_to_ms(dist: Any, file: Path, fld: str) -> dict[str, float]:
    if not isinstance(dist, Mapping):
        raise InputError(file, fld, f"expected an object of statistics, got {describe(dist)}")
    out = {}
    for k, v in dist.items():
        s = normalise_statistic(str(k))
        if s is not None and v is not None:
            out[s] = number(v, file, f"{fld}.{k}") * 1000.0
    if "avg" not in out:
        raise InputError(file, f"{fld}.mean", "required statistic is missing")
    return out


def _mean_of(ok: Mapping[str, Any], keys: tuple[str, ...], file: Path) -> float:
    for key in keys:
        block = ok.get(key)
        if isinstance(block, Mapping) and block.get("mean") is not None:
            return number(block["mean"], file, f"successes.{key}.mean", positive=True)
    raise InputError(file, f"successes.{keys[0]}.mean", "required field is missing (the mean token count)")
