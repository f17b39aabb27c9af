"""GuideLLM ``benchmarks.json`` (docs/formats.md, GuideLLM): several benchmarks per file, one per load level.

Each benchmark's strategy gives the load level: ``synchronous`` (concurrency 1), ``concurrent`` (``streams``),
``throughput`` (``max_concurrency`` if set, else an unbounded rate), ``constant``/``poisson`` (``rate`` req/s). It
sits in ``config.strategy`` (v0.4+) or ``args.strategy`` (v0.2/0.3). Metrics are distributions under
``metrics.<name>.successful``; ``request_latency`` is in SECONDS while the ``*_ms`` metrics are ms. Percentile
keys are GuideLLM's own: ``p001`` = 0.1th, ``p01`` = 1st, ``p05`` = 5th ... ``p999`` = 99.9th.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import InputError
from .common import Parsed, RawPoint, check_latency, describe, get, number, text_at
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
    if not p.is_json:
        return p.text.lstrip("\ufeff").startswith("Run Info,")
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
    if not p.is_json:
        return _read_csv(p.text, p.path)
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


# ---------------------------------------------------------------- CSV (0.8: benchmark/outputs/csv.py)
# Three header rows (group, metric, statistic), then one row per benchmark. A distribution's "Percentiles" cell is a
# JSON list [min, p001, p01, p05, p10, p25, p75, p90, p95, p99, max] (the median has its own column, p999 none).
_CSV_PERCENTILES = ("min", "p0.1", "p1", "p5", "p10", "p25", "p75", "p90", "p95", "p99", "max")
_CSV_LATENCY = {  # (group, metric) -> (our metric, factor to ms)
    ("Time to First Token", "Successful ms"): ("ttft", 1.0),
    ("Inter Token Latency", "Successful ms"): ("itl", 1.0),
    ("Time per Output Token", "Successful ms"): ("tpot", 1.0),
    ("Request Latency", "Successful Sec"): ("e2e", 1000.0),
}
_STRATEGY = re.compile(r"^(synchronous|concurrent|throughput|constant|poisson|async)(?:@(.+))?$")


def _read_csv(text: str, file: Path) -> list[RawPoint]:
    rows = [r for r in csv.reader(io.StringIO(text.lstrip("\ufeff"))) if r]
    if len(rows) < 4:
        raise InputError(file, None, "a GuideLLM CSV has three header rows and one row per benchmark; found none")
    width = len(rows[0])
    if any(len(r) != width for r in rows[:3]):
        raise InputError(file, None, "the three header rows of a GuideLLM CSV have different lengths")
    columns = {(g, m, st): i for i, (g, m, st) in enumerate(zip(rows[0], rows[1], rows[2], strict=True))}
    return [_csv_benchmark(row, columns, file, n) for n, row in enumerate(rows[3:], start=4)]


def _csv_benchmark(row: list[str], columns: dict[tuple[str, str, str], int], file: Path, line: int) -> RawPoint:
    where = f"{file} (row {line})"

    def cell(group: str, metric: str, stat: str = "", required: bool = True) -> str:
        i = columns.get((group, metric, stat))
        value = row[i].strip() if i is not None and i < len(row) else ""
        if required and not value:
            label = " / ".join(x for x in (group, metric, stat) if x)
            raise InputError(where, label, "required column is missing or empty")
        return value

    def num(group: str, metric: str, stat: str, **kw: Any) -> float:
        text = cell(group, metric, stat)
        try:
            value = float(text)
        except ValueError:
            raise InputError(where, f"{group} / {metric} / {stat}", f"expected a number, got {text[:40]!r}") from None
        return number(value, where, f"{group} / {metric} / {stat}", **kw)

    conc, rate = _csv_strategy(cell("Benchmark", "Strategy"), where)
    latency: dict[str, dict[str, float]] = {}
    for (group, metric), (ours, factor) in _CSV_LATENCY.items():
        if not cell(group, metric, "Mean", required=False):
            continue
        stats = {"avg": num(group, metric, "Mean") * factor}
        if cell(group, metric, "Median", required=False):
            stats["p50"] = num(group, metric, "Median") * factor
        listed = cell(group, metric, "Percentiles", required=False)
        if listed:
            values = _json_list(listed, where, f"{group} / {metric} / Percentiles")
            for name, v in zip(_CSV_PERCENTILES, values, strict=True):
                if v is not None:
                    stats[name] = number(v, where, f"{group} / {metric} / Percentiles") * factor
        latency[ours] = stats
    rps = num("Server Throughput", "Successful Requests/Sec", "Mean", positive=True)
    isl = num("Token Metrics", "Successful Input Tokens", "Mean", positive=True)
    osl = num("Token Metrics", "Successful Output Tokens", "Mean", positive=True)
    tps_text = cell("Token Throughput", "Successful Output Tokens/Sec", "Mean", required=False)
    tps = num("Token Throughput", "Successful Output Tokens/Sec", "Mean") if tps_text else None
    meta = _json_object(cell("Runtime Info", "Metadata", required=False))
    backend = _json_object(cell("Run Info", "Backend", required=False))
    check_latency(latency, where, osl)
    return RawPoint(
        rps=rps,
        isl=isl,
        osl=osl,
        latency_ms=latency,
        concurrency=conc,
        request_rate=rate,
        output_tps=tps,
        model=text_at(backend, "model"),
        tool=TOOL,
        tool_version=text_at(meta, "guidellm_version"),
        record=line,
    )


def _csv_strategy(text: str, where: str) -> tuple[float | None, float | None]:
    """'synchronous', 'concurrent@4', 'throughput@unlimited' / 'throughput@8', 'constant@20.00', 'poisson@2.50'."""
    m = _STRATEGY.match(text)
    if not m:
        raise InputError(
            where,
            "Benchmark / Strategy",
            f"expected synchronous, concurrent@N, throughput, constant@R or poisson@R, got {text[:40]!r}",
        )
    kind, arg = m.group(1), m.group(2)
    if kind == "synchronous":
        return 1.0, None
    if kind == "throughput" and arg in (None, "unlimited", "None"):
        return None, math.inf
    try:
        value = number(float(arg or ""), where, "Benchmark / Strategy", positive=True, allow_inf=True)
    except ValueError:
        raise InputError(where, "Benchmark / Strategy", f"expected a number after '@', got {text[:40]!r}") from None
    return (value, None) if kind in ("concurrent", "throughput") else (None, value)


def _json_list(text: str, where: str, fld: str) -> list[Any]:
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        value = None
    if not isinstance(value, list) or len(value) != len(_CSV_PERCENTILES):
        raise InputError(where, fld, f"expected a list of {len(_CSV_PERCENTILES)} numbers, got {text[:40]!r}")
    return value


def _json_object(text: str) -> Mapping[str, Any]:
    """A JSON object cell (run metadata, backend); {} when empty or not an object (it is informative only)."""
    try:
        value = json.loads(text) if text else {}
    except (json.JSONDecodeError, RecursionError):
        return {}
    return value if isinstance(value, Mapping) else {}
