"""Ray LLMPerf ``token_benchmark_ray.py`` ``*_summary.json`` (docs/formats.md, LLMPerf): one point per file.

Flat keys ``results_<metric>_<stat>`` with latencies in SECONDS (``ttft_s``, ``inter_token_latency_s``,
``end_to_end_latency_s``) and statistics ``mean``, ``min``, ``max``, ``quantiles_pNN``. There is no request
throughput: RPS = ``results_num_completed_requests_per_min`` / 60. ISL/OSL are the measured
``results_number_{input,output}_tokens_mean``. Some min/max values are written as text (``"550"``); only the
fields read here are checked.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..errors import InputError
from .common import Parsed, RawPoint, check_latency, get, model_text, number
from .common import optional_number as opt

TOOL = "llmperf"
_METRICS = {"ttft_s": "ttft", "inter_token_latency_s": "itl", "end_to_end_latency_s": "e2e"}
_STAT = re.compile(r"^(mean|min|max|quantiles_p(\d+(?:\.\d+)?))$")


def detect(p: Parsed) -> bool:
    o = p.obj
    return isinstance(o, Mapping) and (
        "results_ttft_s_mean" in o or ("num_concurrent_requests" in o and "results_num_completed_requests" in o)
    )


def _stat_name(raw: str) -> str | None:
    m = _STAT.match(raw)
    if not m:
        return None
    if m.group(2):
        return f"p{float(m.group(2)):g}"
    return "avg" if raw == "mean" else raw


def _value(v: Any, file: str, fld: str) -> float:
    """A number; LLMPerf writes some statistics as numeric text, which is accepted only when it is numeric."""
    if isinstance(v, str):
        try:
            v = float(v)
        except ValueError:
            raise InputError(file, fld, f"expected a number, got text {v[:40]!r}") from None
    return number(v, file, fld)


def read(p: Parsed) -> list[RawPoint]:
    o, file = p.obj, str(p.path)
    latency: dict[str, dict[str, float]] = {}
    for key, value in o.items():
        for name, metric in _METRICS.items():
            prefix = f"results_{name}_"
            if isinstance(key, str) and key.startswith(prefix) and value is not None:
                stat = _stat_name(key[len(prefix) :])
                if stat:
                    latency.setdefault(metric, {})[stat] = _value(value, file, key) * 1000.0
    if not latency:
        raise InputError(file, "results_ttft_s_mean", "no latency statistic (results_ttft_s_*, ...) found")
    per_min = number(
        get(o, "results_num_completed_requests_per_min", file),
        file,
        "results_num_completed_requests_per_min",
        positive=True,
    )
    osl = number(
        get(o, "results_number_output_tokens_mean", file), file, "results_number_output_tokens_mean", positive=True
    )
    isl = number(
        get(o, "results_number_input_tokens_mean", file), file, "results_number_input_tokens_mean", positive=True
    )
    check_latency(latency, file, osl)
    return [
        RawPoint(
            rps=per_min / 60.0,
            isl=isl,
            osl=osl,
            latency_ms=latency,
            concurrency=number(get(o, "num_concurrent_requests", file), file, "num_concurrent_requests", positive=True),
            output_tps=opt(
                o.get("results_mean_output_throughput_token_per_s"), file, "results_mean_output_throughput_token_per_s"
            ),
            model=model_text(o.get("model")),
            label=o["framework"] if isinstance(o.get("framework"), str) else "",
            tool=TOOL,
            tool_version=o.get("version") if isinstance(o.get("version"), str) else "",
        )
    ]
