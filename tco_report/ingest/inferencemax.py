"""SemiAnalysis InferenceMAX / InferenceX aggregated results ``agg_*.json`` (docs/formats.md).

Written by InferenceX ``utils/process_result.py``: one object per run, or (``collect_results.py``) a JSON list of
them. Latencies are the vLLM keys without ``_ms``, in SECONDS (``mean_ttft``, ``p99.9_e2el``...); ``*_intvty``
(tokens/s/user) is ignored. ISL/OSL are the CONFIGURED lengths. The file has no request throughput, so RPS is
derived: output tokens/s of the instance / OSL, with output tokens/s = ``output_tput_per_gpu`` x the GPUs it was
divided by (tp x pp x pcp single-node; the decode GPUs multi-node). This is APPROXIMATE: the configured OSL is not
the measured one (runs use a random range ratio). The point carries a note saying so. GPUs per instance are
recorded (tp x pp x pcp; prefill + decode GPUs when disaggregated).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import InputError
from .common import Parsed, RawPoint, check_latency, describe, get, model_text, normalise_statistic, number
from .naming import workload_name

TOOL = "inferencemax-agg"
_KEY = re.compile(r"^(mean|median|p\d+(?:\.\d+)?)_(ttft|tpot|itl|e2el)$")
_METRIC = {"ttft": "ttft", "tpot": "tpot", "itl": "itl", "e2el": "e2e"}
NOTE = (
    "requests/s derived as output tokens/s / configured OSL (InferenceMAX agg files record no request throughput); "
    "approximate — keep the vLLM-format result JSON of the run for a measured figure"
)


def _is_run(o: Any) -> bool:
    return isinstance(o, Mapping) and "conc" in o and "tput_per_gpu" in o


def detect(p: Parsed) -> bool:
    """One agg object, or a list of them (a damaged item is the reader's to report, by index)."""
    if not p.is_json or p.jsonl or not p.records:
        return False
    return any(_is_run(r) for r in p.records) if p.top_list else _is_run(p.records[0])


def read(p: Parsed) -> list[RawPoint]:
    points = []
    for i, r in enumerate(p.records):
        if not _is_run(r):
            raise InputError(
                p.path, f"item {i}", f"expected an InferenceMAX agg object like the others, got {describe(r)}"
            )
        points.append(_run(r, p.path, i if p.top_list else None))
    return points


def _whole(o: Mapping[str, Any], key: str, where: str, default: int | None = None) -> int:
    v = o.get(key, default)
    if v is None:
        raise InputError(where, key, "required field is missing")
    n = number(v, where, key, positive=True)
    if not n.is_integer():
        raise InputError(where, key, f"expected a whole number, got {v!r}")
    return int(n)


def _gpus(o: Mapping[str, Any], where: str) -> tuple[int, int]:
    """(GPUs per instance, GPUs the output throughput was divided by)."""
    multinode = o.get("is_multinode", False)
    if multinode is True:
        prefill, decode = _whole(o, "num_prefill_gpu", where), _whole(o, "num_decode_gpu", where)
        return prefill + decode, decode
    if multinode is not False:
        raise InputError(where, "is_multinode", f"expected true or false, got {describe(multinode)}")
    n = _whole(o, "tp", where) * _whole(o, "pp", where, 1) * _whole(o, "pcp_size", where, 1)
    return n, n


def _run(o: Mapping[str, Any], file: Path, index: int | None) -> RawPoint:
    where = str(file) if index is None else f"{file} (item {index})"
    latency: dict[str, dict[str, float]] = {}
    for key, value in o.items():
        m = _KEY.match(str(key))
        if m and value is not None:
            stat = normalise_statistic(m.group(1))
            if stat:
                latency.setdefault(_METRIC[m.group(2)], {})[stat] = number(value, where, key) * 1000.0
    if not latency:
        raise InputError(where, "mean_ttft", "no latency statistic (mean_ttft, p99_ttft, ...) found")
    gpus, divisor = _gpus(o, where)
    osl = number(get(o, "osl", where), where, "osl", positive=True)
    output_tps = number(get(o, "output_tput_per_gpu", where), where, "output_tput_per_gpu", positive=True) * divisor
    check_latency(latency, where, osl)
    return RawPoint(
        rps=output_tps / osl,
        isl=number(get(o, "isl", where), where, "isl", positive=True),
        osl=osl,
        latency_ms=latency,
        concurrency=number(get(o, "conc", where), where, "conc", positive=True),
        output_tps=output_tps,
        gpus_per_instance=gpus,
        model=model_text(o.get("model")),
        workload=workload_name(float(o["isl"]), float(o["osl"])),  # configured lengths: what was asked for
        tool=TOOL,
        note=NOTE,
    )
