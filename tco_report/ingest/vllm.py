"""vLLM's serving benchmark (``benchmark_serving.py --save-result`` / ``vllm bench serve``), docs/formats.md.

One JSON object per run; ``--append-result`` puts several, one per line, into one ``.json`` file. Latencies are
``{mean,median,std,pNN}_{ttft,tpot,itl,e2el}_ms``; ISL/OSL are the measured totals over completed requests.
"""

from __future__ import annotations

import math
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
    failed_run,
    get,
    mapping_at,
    model_text,
    normalise_statistic,
    number,
    optional_number,
    text_at,
)
from .naming import parse_name, requested_length, workload_name

TOOL = "vllm"
_KEY = re.compile(r"^(mean|median|std|p\d+(?:\.\d+)?)_(ttft|tpot|itl|e2el)_ms$")
_METRIC = {"ttft": "ttft", "tpot": "tpot", "itl": "itl", "e2el": "e2e"}


def is_record(o: Any) -> bool:
    return (
        isinstance(o, Mapping)
        and "mean_ttft_ms" in o
        and "total_input_tokens" in o
        and "total_output_tokens_retokenized" not in o
        and not any(k.endswith("_e2e_latency_ms") for k in o)
    )


def is_sweep_failure(o: Any) -> bool:
    """``vllm bench sweep --continue-on-error``'s ``run=N.failure.json``: a run that raised instead of writing."""
    return isinstance(o, Mapping) and "error_type" in o and "run_number" in o and "bench_overrides" in o


def detect(p: Parsed) -> bool:
    """Every record a vLLM result; in a JSONL/list file a damaged line is the reader's to report, by line."""
    if not p.is_json or not p.records:
        return False
    if p.jsonl or p.top_list:
        return any(is_record(r) for r in p.records)
    return is_record(p.records[0]) or is_sweep_failure(p.records[0])


def _sweep_failure(o: Mapping[str, Any], file: Path) -> list[RawPoint]:
    """A failed sweep run as a failed point, its load level from the bench parameters or the folder name; [] when
    neither says it (the failure cannot be placed on a curve)."""
    bench = mapping_at(o, "bench_overrides")
    named = parse_name(file.parent.name)
    conc = optional_number(bench.get("max_concurrency"), file, "bench_overrides.max_concurrency", positive=True)
    rate_raw = bench.get("request_rate")
    rate = math.inf if isinstance(rate_raw, str) and rate_raw.lower() == "inf" else None
    if rate is None:
        rate = optional_number(rate_raw, file, "bench_overrides.request_rate", positive=True, allow_inf=True)
    conc = conc if conc is not None else named.concurrency
    rate = rate if rate is not None else named.request_rate
    if rate is None and conc is not None:
        rate = math.inf  # vllm bench serve's default --request-rate, as its result files then record it
    run = o.get("run_number")
    if (conc is None and rate is None) or not isinstance(run, int) or isinstance(run, bool) or run < 0:
        return []
    error = " ".join(str(o.get(k) or "") for k in ("error_type", "error")).strip()[:200]
    serve = mapping_at(o, "serve_overrides")
    return [
        failed_run(
            f"the run raised {error}" if error else "the run failed",
            conc,
            rate,
            label=server_label(serve),
            tool=TOOL,
            repeat=f"run={run}",
            workload=workload(bench),
        )
    ]


def read(p: Parsed) -> list[RawPoint]:
    """Every run; a warm-up run (vllm bench sweep's ``warmup.json``, run_number -1) is not a measured one.

    ``vllm bench sweep``'s ``summary.json`` is a list of the runs of one combination, each with its
    ``run_number``: its items are marked as an aggregate (the ``run=N.json`` files, when read too, are used
    instead) and as repeats, so that on its own it gives the same combined point as the run files."""
    if p.obj is not None and is_sweep_failure(p.obj):
        return _sweep_failure(p.obj, p.path)
    points = []
    for i, r in enumerate(p.records):
        line = i + 1 if p.jsonl else None
        if not is_record(r):
            where = f"line {line}" if line else f"item {i}"
            raise InputError(p.path, where, f"expected a vLLM result object like the others, got {describe(r)}")
        run = r.get("run_number")
        if isinstance(run, int) and not isinstance(run, bool) and run < 0:
            continue
        point = _read_record(r, p.path, line)
        if isinstance(run, int) and not isinstance(run, bool):
            point.repeat = f"run={run}"
            point.aggregate = p.top_list
        points.append(point)
    return points


# Server settings a run may record (vllm bench sweep adds its SERVE parameters to each run; ``--metadata`` adds
# others): runs of different settings are different configs.
SERVER_KEYS = (
    "tensor_parallel_size",
    "pipeline_parallel_size",
    "data_parallel_size",
    "max_num_seqs",
    "max_num_batched_tokens",
    "max_model_len",
    "gpu_memory_utilization",
    "kv_cache_dtype",
    "quantization",
    "enable_chunked_prefill",
    "enable_prefix_caching",
    "api_server_count",
)


def server_label(o: Mapping[str, Any]) -> str:
    """``key=value`` of the server settings the run records, in a fixed order."""
    return "-".join(f"{k}={o[k]}" for k in SERVER_KEYS if isinstance(o.get(k), str | int | float | bool))


def workload(o: Mapping[str, Any]) -> str:
    """The workload a run records as asked for: dataset and requested lengths (vllm bench sweep's bench
    parameters), '' when it records none (plain ``vllm bench serve`` files do not)."""
    dataset = text_at(o, "dataset_name")
    lengths = []
    for keys in (("random_input_len", "input_len"), ("random_output_len", "output_len")):
        lengths.append(next((n for n in map(requested_length, map(o.get, keys)) if n is not None), None))
    if not dataset and lengths == [None, None]:
        return ""
    return workload_name(lengths[0], lengths[1], dataset)


def failure(o: Mapping[str, Any]) -> str:
    """Why a run with no completed request measured nothing, in the tool's words where it kept them."""
    failed = o.get("failed")
    errors = (
        [e for e in o.get("errors") or () if isinstance(e, str) and e.strip()]
        if isinstance(o.get("errors"), list)
        else []
    )
    count = f"all {failed:g} requests failed" if isinstance(failed, int | float) and failed else "no request completed"
    return count + (f": {errors[0].strip()[:200]}" if errors else "")


def latency_ms(
    o: Mapping[str, Any], where: str | Path, pattern: re.Pattern[str], metrics: dict[str, str]
) -> dict[str, dict[str, float]]:
    """Every ``{mean,median,pNN}_<metric>_ms`` key as {metric: {statistic: ms}}; std is not a latency limit."""
    latency: dict[str, dict[str, float]] = {}
    for key, value in o.items():
        m = pattern.match(str(key))
        if not m or m.group(1) == "std" or value is None:
            continue
        stat = normalise_statistic(m.group(1))
        if stat:
            latency.setdefault(metrics[m.group(2)], {})[stat] = number(value, where, key)
    return latency


def load_level(o: Mapping[str, Any], where: str | Path) -> tuple[float | None, float | None]:
    """(max_concurrency, request_rate); a rate written as "inf" or Infinity is an unbounded burst."""
    rate_raw = o.get("request_rate")
    if isinstance(rate_raw, str) and rate_raw.lower() in ("inf", "infinity"):
        rate: float | None = math.inf
    else:
        rate = optional_number(rate_raw, where, "request_rate", positive=True, allow_inf=True)
    conc = optional_number(o.get("max_concurrency"), where, "max_concurrency", positive=True)
    if conc is None and rate is None:
        raise InputError(where, "max_concurrency", "neither max_concurrency nor request_rate is recorded")
    return conc, rate


def _read_record(o: Mapping[str, Any], file: Path, line: int | None) -> RawPoint:
    where = f"{file} (line {line})" if line else file
    completed = number(get(o, "completed", where), where, "completed")
    conc, rate = load_level(o, where)
    label = o.get("label") or o.get("framework")
    label = "-".join(x for x in (label if isinstance(label, str) else "", server_label(o)) if x)
    if completed == 0:
        return failed_run(
            failure(o),
            conc,
            rate,
            model=model_text(o.get("model_id")),
            label=label,
            tool=TOOL,
            record=line,
            workload=workload(o),
        )
    latency = latency_ms(o, where, _KEY, _METRIC)
    osl = number(get(o, "total_output_tokens", where), where, "total_output_tokens", positive=True) / completed
    point = RawPoint(
        rps=number(get(o, "request_throughput", where), where, "request_throughput", positive=True),
        isl=number(get(o, "total_input_tokens", where), where, "total_input_tokens", positive=True) / completed,
        osl=osl,
        latency_ms=latency,
        concurrency=conc,
        request_rate=rate,
        output_tps=optional_number(o.get("output_throughput"), where, "output_throughput"),
        model=model_text(o.get("model_id")),
        label=label,
        tool=TOOL,
        record=line,
        workload=workload(o),
    )
    check_latency(latency, where, osl)
    return point
