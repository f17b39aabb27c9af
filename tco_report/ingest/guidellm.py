"""GuideLLM ``benchmarks.json`` (docs/formats.md, GuideLLM): several benchmarks per file, one per load level.

Each benchmark's strategy gives the load level: ``synchronous`` (concurrency 1), ``concurrent`` (``streams``),
``throughput`` (``max_concurrency`` if set, else an unbounded rate), ``constant``/``poisson`` (``rate`` req/s). It
sits in ``config.strategy`` (v0.4+) or ``args.strategy`` (v0.2/0.3). Metrics are distributions under
``metrics.<name>.successful``; ``request_latency`` is in SECONDS while the ``*_ms`` metrics are ms. Percentile
keys are GuideLLM's own: ``p001`` = 0.1th, ``p01`` = 1st, ``p05`` = 5th ... ``p999`` = 99.9th.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import InputError
from .common import Parsed, RawPoint, check_latency, describe, get, number
from .common import optional_number as opt

TOOL = "guidellm"
_LATENCY = {  # metric key -> (our metric, factor to ms)
    "time_to_first_token_ms": ("ttft", 1.0),
    "inter_token_latency_ms": ("itl", 1.0),
    "time_per_output_token_ms": ("tpot", 1.0),
    "request_latency": ("e2e", 1000.0),
}
_PERCENTILES = {
    "p001": "p0.1",
    "p01": "p1",
    "p05": "p5",
    "p10": "p10",
    "p25": "p25",
    "p50": "p50",
    "p75": "p75",
    "p90": "p90",
    "p95": "p95",
    "p99": "p99",
    "p999": "p99.9",
}


def detect(p: Parsed) -> bool:
    o = p.obj
    if not isinstance(o, Mapping) or not isinstance(o.get("benchmarks"), list) or not o["benchmarks"]:
        return False
    first = o["benchmarks"][0]
    return (
        isinstance(first, Mapping)
        and isinstance(first.get("metrics"), Mapping)
        and ("requests_per_second" in first["metrics"])
    )


def read(p: Parsed) -> list[RawPoint]:
    o = p.obj
    version = o.get("metadata", {}).get("guidellm_version", "") if isinstance(o.get("metadata"), Mapping) else ""
    return [
        _benchmark(b, p.path, i, version if isinstance(version, str) else "") for i, b in enumerate(o["benchmarks"])
    ]


def _distribution(metrics: Mapping[str, Any], key: str, where: str, fld: str) -> Mapping[str, Any] | None:
    block = metrics.get(key)
    if block is None:
        return None
    if not isinstance(block, Mapping):
        raise InputError(where, f"{fld}.{key}", f"expected an object, got {describe(block)}")
    dist = block.get("successful")
    if not isinstance(dist, Mapping):
        raise InputError(where, f"{fld}.{key}.successful", f"expected an object, got {describe(dist)}")
    return dist


def _stats(dist: Mapping[str, Any], where: str, fld: str, factor: float) -> dict[str, float]:
    out = {"avg": number(get(dist, "mean", where), where, f"{fld}.mean") * factor}
    if dist.get("median") is not None:
        out["p50"] = number(dist["median"], where, f"{fld}.median") * factor
    for k in ("min", "max"):
        if dist.get(k) is not None:
            out[k] = number(dist[k], where, f"{fld}.{k}") * factor
    pct = dist.get("percentiles")
    if isinstance(pct, Mapping):
        for k, v in pct.items():
            if k in _PERCENTILES and v is not None:
                out[_PERCENTILES[k]] = number(v, where, f"{fld}.percentiles.{k}") * factor
    elif pct is not None:
        raise InputError(where, f"{fld}.percentiles", f"expected an object, got {describe(pct)}")
    return out


def _strategy(b: Mapping[str, Any], where: str, fld: str) -> tuple[float | None, float | None]:
    for parent in ("config", "args"):
        s = b.get(parent, {}).get("strategy") if isinstance(b.get(parent), Mapping) else None
        if isinstance(s, Mapping):
            break
    else:
        raise InputError(where, f"{fld}.config.strategy", "required field is missing (the benchmark's load level)")
    sf = f"{fld}.{parent}.strategy"
    kind = s.get("type_")
    if kind == "synchronous":
        return 1.0, None
    if kind == "concurrent":
        return number(get(s, "streams", where), where, f"{sf}.streams", positive=True), None
    if kind == "throughput":
        conc = opt(s.get("max_concurrency"), where, f"{sf}.max_concurrency", positive=True)
        return (conc, None) if conc is not None else (None, math.inf)
    if kind in ("constant", "poisson", "async"):
        return None, number(get(s, "rate", where), where, f"{sf}.rate", positive=True, allow_inf=True)
    raise InputError(
        where, f"{sf}.type_", f"expected synchronous, concurrent, throughput, constant or poisson, got {kind!r}"
    )


def _benchmark(b: Any, file: Path, i: int, version: str) -> RawPoint:
    fld = f"benchmarks[{i}]"
    where = str(file)
    if not isinstance(b, Mapping):
        raise InputError(where, fld, f"expected an object, got {describe(b)}")
    metrics = get(b, "metrics", where)
    if not isinstance(metrics, Mapping):
        raise InputError(where, f"{fld}.metrics", f"expected an object, got {describe(metrics)}")
    conc, rate = _strategy(b, where, fld)

    def mean(key: str) -> float:
        dist = _distribution(metrics, key, where, f"{fld}.metrics")
        if dist is None:
            raise InputError(where, f"{fld}.metrics.{key}", "required metric is missing")
        return number(get(dist, "mean", where), where, f"{fld}.metrics.{key}.successful.mean", positive=True)

    tps_dist = _distribution(metrics, "output_tokens_per_second", where, f"{fld}.metrics")
    tps = (
        opt(tps_dist.get("mean"), where, f"{fld}.metrics.output_tokens_per_second.successful.mean")
        if tps_dist
        else None
    )

    latency = {}
    for key, (metric, factor) in _LATENCY.items():
        dist = _distribution(metrics, key, where, f"{fld}.metrics")
        if dist is not None:
            latency[metric] = _stats(dist, where, f"{fld}.metrics.{key}.successful", factor)
    rps, isl, osl = mean("requests_per_second"), mean("prompt_token_count"), mean("output_token_count")
    backend = b.get("config", {}).get("backend") if isinstance(b.get("config"), Mapping) else None
    worker = b.get("worker")
    model = ""
    for src in (backend, worker):
        if isinstance(src, Mapping):
            m = src.get("model") or src.get("backend_model")
            if isinstance(m, str):
                model = m
                break
    check_latency(latency, f"{where} ({fld})", osl)
    return RawPoint(
        rps=rps,
        isl=isl,
        osl=osl,
        latency_ms=latency,
        concurrency=conc,
        request_rate=rate,
        output_tps=tps,
        model=model,
        tool=TOOL,
        tool_version=version,
    )
