"""NVIDIA GenAI-Perf: ``*_genai_perf.json`` and its CSV twin (docs/formats.md, GenAI-Perf).

Time metrics are already in ms; throughput in requests/sec and tokens/sec. Concurrency comes from the legacy flat
``input_config.concurrency`` or the nested ``input_config.perf_analyzer.stimulus``; a CSV has none, so it comes
from the run folder's name (``...-concurrency16``) or from the JSON twin.
"""

from __future__ import annotations

import csv
import io
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
    get,
    mapping_at,
    normalise_statistic,
    number,
    optional_number,
)
from .naming import requested_length, workload_name

TOOL = "genai-perf"
METRICS = {"time_to_first_token": "ttft", "inter_token_latency": "itl", "request_latency": "e2e"}
_INF = float("inf")
_STATISTIC: dict[Any, str | None] = {}  # a block's key -> normalise_statistic(str(key))
_FOLDER_LOAD = re.compile(r"(?:^|[-_])(concurrency|request_rate)(\d+(?:\.\d+)?)$")


def detect(p: Parsed) -> bool:
    o = p.obj
    if isinstance(o, Mapping):
        rt = o.get("request_throughput")
        return (
            isinstance(rt, Mapping)
            and "avg" in rt
            and "input_config" in o
            and o.keys().isdisjoint(("aiperf_version", "schema_version", "was_cancelled", "telemetry_data"))
            and not (isinstance(o.get("input_config"), Mapping) and "loadgen" in o["input_config"])
        )
    return not p.is_json and p.text.lstrip("\ufeff").startswith("Metric,avg,min,max,p99")


def stats_block(block: Any, file: Path | str, fld: str) -> dict[str, float]:
    """{avg, p50, ...} of one metric, in the file's unit; 'avg' is required."""
    if type(block) is not dict and not isinstance(block, Mapping):
        raise InputError(file, fld, f"expected an object of statistics, got {describe(block)}")
    out = {}
    for k, v in block.items():
        s = _STATISTIC.get(k, "")  # a plain dict lookup: the same dozen keys in every block of every file
        if s == "":  # not seen yet ("" is no statistic's name)
            s = normalise_statistic(str(k))
            if len(_STATISTIC) < 1024:
                _STATISTIC[k] = s
        if s is not None and v is not None:
            # number()'s common case inline (a finite float >= 0, NaN fails the test), without building the
            # field's name for each of a sweep's 200,000 statistics
            out[s] = v if type(v) is float and 0 <= v < _INF else number(v, file, f"{fld}.{k}")
    if "avg" not in out:
        raise InputError(file, f"{fld}.avg", "required statistic is missing")
    return out


def _load_from_config(cfg: Mapping[str, Any], file: Path) -> tuple[float | None, float | None]:
    stim = cfg.get("perf_analyzer", {}).get("stimulus") if isinstance(cfg.get("perf_analyzer"), Mapping) else None
    src = stim if isinstance(stim, Mapping) else cfg
    prefix = "input_config.perf_analyzer.stimulus" if src is stim else "input_config"
    conc = optional_number(src.get("concurrency"), file, f"{prefix}.concurrency", positive=True)
    rate = optional_number(src.get("request_rate"), file, f"{prefix}.request_rate", positive=True, allow_inf=True)
    return conc, rate


def load_from_folder(path: Path) -> tuple[float | None, float | None]:
    m = _FOLDER_LOAD.search(path.parent.name)
    if not m:
        return None, None
    value = float(m.group(2))
    return (value, None) if m.group(1) == "concurrency" else (None, value)


def _positive(v: Any) -> float | None:
    return requested_length(v, whole=False)


def requested_workload(cfg: Mapping[str, Any]) -> str:
    """The workload ``input_config`` records as asked for: a dataset, else the synthetic input and the output
    lengths (GenAI-Perf's flat ``synthetic_input_tokens_mean``/``output_tokens_mean``, 2025's nested
    ``input.synthetic_tokens``/``input.output_tokens``, AIPerf's ``input.prompt.{input,output}_tokens``)."""
    inp = mapping_at(cfg, "input")
    dataset = next(
        (d for d in (cfg.get("input_dataset"), inp.get("public_dataset"), inp.get("dataset")) if isinstance(d, str)),
        "",
    )
    if dataset:
        return workload_name(dataset=dataset)
    prompt = mapping_at(inp, "prompt")

    def mean(block: Any) -> float | None:
        return _positive(block.get("mean")) if isinstance(block, Mapping) else None

    isl = _positive(cfg.get("synthetic_input_tokens_mean")) or mean(inp.get("synthetic_tokens"))
    isl = isl or mean(prompt.get("input_tokens"))
    osl = (
        _positive(cfg.get("output_tokens_mean")) or mean(inp.get("output_tokens")) or mean(prompt.get("output_tokens"))
    )
    return workload_name(isl, osl) if isl or osl else ""


def read(p: Parsed) -> list[RawPoint]:
    if p.is_json:
        return [_read_json(p.obj, p.path)]
    return [_read_csv(p.text, p.path)]


def _read_json(o: Mapping[str, Any], file: Path) -> RawPoint:
    cfg = get(o, "input_config", file)
    if not isinstance(cfg, Mapping):
        raise InputError(file, "input_config", "expected an object")
    conc, rate = _load_from_config(cfg, file)
    if conc is None and rate is None:
        conc, rate = load_from_folder(file)
    if conc is None and rate is None:
        raise InputError(
            file,
            "input_config.concurrency",
            "neither concurrency nor request_rate is recorded (and the folder name has no 'concurrencyN')",
        )
    endpoint = cfg.get("endpoint")
    streaming = cfg.get("streaming", endpoint.get("streaming") if isinstance(endpoint, Mapping) else None)
    point = point_from_metrics(o, file, conc=conc, rate=rate, streaming=streaming, model=_model(cfg), tool=TOOL)
    point.workload = requested_workload(cfg)
    return point


def point_from_metrics(
    o: Mapping[str, Any],
    file: Path,
    *,
    conc: float | None,
    rate: float | None,
    streaming: Any,
    model: str,
    tool: str,
    tool_version: str = "",
) -> RawPoint:
    """A point from GenAI-Perf's metric blocks, which AIPerf's JSON mimics on purpose (shared by both readers)."""
    latency = {m: stats_block(o[k], file, k) for k, m in METRICS.items() if k in o}
    if streaming is False:
        latency.pop("ttft", None)  # non-streaming: TTFT equals the request latency, not a real TTFT
    osl = number(get(o, "output_sequence_length.avg", file), file, "output_sequence_length.avg", positive=True)
    point = RawPoint(
        rps=number(get(o, "request_throughput.avg", file), file, "request_throughput.avg", positive=True),
        isl=number(get(o, "input_sequence_length.avg", file), file, "input_sequence_length.avg", positive=True),
        osl=osl,
        latency_ms=latency,
        concurrency=conc,
        request_rate=rate,
        output_tps=optional_number(
            get(o, "output_token_throughput.avg", file, required=False), file, "output_token_throughput.avg"
        ),
        model=model,
        tool=tool,
        tool_version=tool_version,
    )
    check_latency(latency, file, osl)
    return point


def _model(cfg: Mapping[str, Any]) -> str:
    for key in ("model", "model_names"):
        v = cfg.get(key)
        if isinstance(v, list) and v and isinstance(v[0], str):
            return v[0]
        if isinstance(v, str) and v:
            return v
    return ""


def csv_number(cell: str, file: Path, fld: str) -> float | None:
    """A GenAI-Perf/AIPerf CSV cell: thousands separators allowed, empty or N/A for missing."""
    cell = cell.strip()
    if cell in ("", "N/A"):
        return None
    try:
        return number(float(cell.replace(",", "")), file, fld)
    except ValueError:
        raise InputError(file, fld, f"expected a number, got {cell[:40]!r}") from None


def _read_csv(text: str, file: Path) -> RawPoint:
    request, system = csv_sections(text, file)
    conc, rate = load_from_folder(file)
    if conc is None and rate is None:
        raise InputError(
            file, "concurrency", "a GenAI-Perf CSV records no load level and its folder name has no 'concurrencyN'"
        )
    return point_from_csv(request, system, file, conc=conc, rate=rate, tool=TOOL, rps_label="Request Throughput")


CSV_LATENCY_ROWS = {"time to first token": "ttft", "inter token latency": "itl", "request latency": "e2e"}
# The rows a point is made of; every other row (dozens in AIPerf 0.13, some signed by design such as
# "OSL Mismatch Diff % (%)") is left unread, so it can never refuse the file.
_USED_REQUEST_ROWS = {*CSV_LATENCY_ROWS, "input sequence length", "output sequence length"}
_USED_SYSTEM_ROWS = {"request throughput", "output token throughput"}


def csv_sections(text: str, file: Path) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    """The request-metric rows ({row name: {statistic: value}}) and the system rows ({row name: value}) of a
    GenAI-Perf or AIPerf CSV; row names lower-cased without their unit. Only the rows a point uses are read (and
    checked); GPU telemetry sections and every other metric are left out."""
    header: list[str] = []
    request: dict[str, dict[str, float]] = {}
    system: dict[str, float] = {}
    lines: dict[str, int] = {}  # row name -> line, to refuse a row given twice
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    for row in reader:
        if not row or not row[0].strip():
            header = []
            continue
        if row[0] in ("Metric", "Endpoint"):
            header = row
            seen: dict[str, int] = {}
            for i, h in enumerate(row[1:], start=2):
                s = normalise_statistic(h)
                if s is not None and s in seen:
                    raise InputError(
                        file,
                        h,
                        f"the column appears twice in the header on line {reader.line_num} (columns {seen[s]} and "
                        f"{i}); expected each statistic once (which one is meant?)",
                    )
                if s is not None:
                    seen[s] = i
            continue
        if not header or header[0] != "Metric":
            continue  # AIPerf's GPU telemetry section
        name = re.sub(r"\s*\([^()]*\)$", "", row[0]).strip().lower()
        if name in lines:
            raise InputError(
                file,
                row[0],
                f"the row appears twice (lines {lines[name]} and {reader.line_num}); expected each metric once "
                "(which one is meant?)",
            )
        lines[name] = reader.line_num
        if header[1:2] == ["Value"]:
            if name not in _USED_SYSTEM_ROWS:
                continue
            value = csv_number(row[1], file, row[0]) if len(row) > 1 else None
            if value is not None:
                system[name] = value
            continue
        if name not in _USED_REQUEST_ROWS:
            continue
        stats = {}
        for h, cell in zip(header[1:], row[1:], strict=False):
            s = normalise_statistic(h)
            if s is None:
                continue
            v = csv_number(cell, file, f"{row[0]} {h}")
            if v is not None:
                stats[s] = v
        request[name] = stats
    return request, system


def point_from_csv(
    request: dict[str, dict[str, float]],
    system: dict[str, float],
    file: Path,
    *,
    conc: float | None,
    rate: float | None,
    tool: str,
    rps_label: str,
) -> RawPoint:
    """A point from a GenAI-Perf/AIPerf CSV's sections (the two tools write the same rows)."""

    def need(section: dict[str, Any], key: str, label: str) -> Any:
        if key not in section:
            raise InputError(file, label, "required row is missing")
        return section[key]

    latency = {m: request[label] for label, m in CSV_LATENCY_ROWS.items() if "avg" in request.get(label, {})}
    rps = need(system, "request throughput", rps_label)
    if rps <= 0:
        raise InputError(file, rps_label, f"expected a number greater than 0, got {rps:g}")
    osl = need(need(request, "output sequence length", "Output Sequence Length"), "avg", "Output Sequence Length avg")
    isl = need(need(request, "input sequence length", "Input Sequence Length"), "avg", "Input Sequence Length avg")
    if osl <= 0 or isl <= 0:
        raise InputError(file, "Sequence Length avg", "expected numbers greater than 0")
    check_latency(latency, file, osl)
    return RawPoint(
        rps=rps,
        isl=isl,
        osl=osl,
        latency_ms=latency,
        concurrency=conc,
        request_rate=rate,
        output_tps=system.get("output token throughput"),
        tool=tool,
    )
