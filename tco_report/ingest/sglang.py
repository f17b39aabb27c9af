"""SGLang ``python -m sglang.bench_serving`` JSONL: one JSON object appended per run (docs/formats.md, SGLang).

Latencies are ``{mean,median,std,p95,p99}_{ttft,tpot,itl,e2e_latency}_ms``; ISL/OSL are the measured totals over
completed requests. Late-2024 builds wrote no ``request_throughput`` and no mean TTFT: RPS is then derived as
completed / duration (exactly how the tool computes it) and only the statistics present are kept.
``request_rate`` may be the bare token ``Infinity``. A file often mixes datasets (random ISL/OSL, ShareGPT): each
run records its workload (dataset, requested lengths), and runs of different workloads are never ranked against
each other. A run's ``--tag`` (``agg_n100_in512_out128_c32``) is read like a folder name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import InputError
from .common import Parsed, RawPoint, check_latency, describe, failed_run, get, model_text, number, text_at
from .common import optional_number as opt
from .naming import requested_length, workload_name
from .vllm import failure, latency_ms, load_level

TOOL = "sglang-bench-serving"
_KEY = re.compile(r"^(mean|median|std|p\d+(?:\.\d+)?)_(ttft|tpot|itl|e2e_latency)_ms$")
_METRIC = {"ttft": "ttft", "tpot": "tpot", "itl": "itl", "e2e_latency": "e2e"}


def is_record(o: Any) -> bool:
    return (
        isinstance(o, Mapping)
        and "completed" in o
        and ("total_output_tokens_retokenized" in o or any(str(k).endswith("_e2e_latency_ms") for k in o))
    )


def detect(p: Parsed) -> bool:
    """SGLang lines; in a JSONL file a damaged line is the reader's to report, by line."""
    if not p.is_json or p.top_list or not p.records:
        return False
    return any(is_record(r) for r in p.records) if p.jsonl else is_record(p.records[0])


def read(p: Parsed) -> list[RawPoint]:
    points = []
    for i, r in enumerate(p.records):
        line = i + 1 if p.jsonl else None
        if not is_record(r):
            raise InputError(
                p.path, f"line {line}", f"expected an SGLang bench_serving result like the others, got {describe(r)}"
            )
        points.append(_read_record(r, p.path, line))
    return points


def _workload(o: Mapping[str, Any]) -> str:
    """The dataset and the lengths asked for: random lengths (and a range ratio other than 1, which changes the
    mean); ShareGPT's forced output length when set."""
    dataset = o.get("dataset_name")
    if not isinstance(dataset, str) or not dataset:
        return ""
    if dataset.startswith("random"):
        isl, osl = requested_length(o.get("random_input_len")), requested_length(o.get("random_output_len"))
        if isl is not None and osl is not None:
            ratio = o.get("random_range_ratio")
            in_range = isinstance(ratio, int | float) and not isinstance(ratio, bool) and 0 <= ratio < 1  # sglang's
            extra = f"ratio{ratio:g}" if in_range else ""
            return workload_name(isl, osl, dataset, extra)
    out = requested_length(o.get("sharegpt_output_len"))
    if dataset == "sharegpt" and out is not None:
        return workload_name(None, out, dataset)
    return dataset


def _read_record(o: Mapping[str, Any], file: Path, line: int | None) -> RawPoint:
    where = f"{file} (line {line})" if line else str(file)
    completed = number(get(o, "completed", where), where, "completed")
    conc, rate = load_level(o, where)
    tag = text_at(o, "tag")
    model = model_text(o.get("model_id") or o.get("model"))
    if completed == 0:
        return failed_run(failure(o), conc, rate, model=model, tool=TOOL, record=line, workload=_workload(o), name=tag)
    latency = latency_ms(o, where, _KEY, _METRIC)
    if o.get("request_throughput") is not None:
        rps = number(o["request_throughput"], where, "request_throughput", positive=True)
    else:  # late-2024 builds: the tool's own definition, completed / duration
        rps = completed / number(get(o, "duration", where), where, "duration", positive=True)
    osl = number(get(o, "total_output_tokens", where), where, "total_output_tokens", positive=True) / completed
    point = RawPoint(
        rps=rps,
        isl=number(get(o, "total_input_tokens", where), where, "total_input_tokens", positive=True) / completed,
        osl=osl,
        latency_ms=latency,
        concurrency=conc,
        request_rate=rate,
        output_tps=opt(o.get("output_throughput"), where, "output_throughput"),
        model=model,
        tool=TOOL,
        record=line,
        workload=_workload(o),
        name=tag,
    )
    if not latency:
        raise InputError(where, "mean_ttft_ms", "no latency statistic (*_ttft_ms, *_itl_ms, *_e2e_latency_ms) found")
    check_latency(latency, where, osl)
    return point
