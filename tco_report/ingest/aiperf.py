"""NVIDIA AIPerf, GenAI-Perf's successor: ``profile_export_aiperf.json`` / ``.csv`` and the sweep aggregate
``profile_export_aiperf_sweep.json`` (docs/formats.md, "AIPerf").

The per-run JSON deliberately mimics GenAI-Perf's (metric tag -> {unit, avg, p50, ...}, ms and per-second), so it
is told apart by AIPerf-only keys: ``aiperf_version``/``schema_version``, ``input_config.loadgen``,
``telemetry_data``, ``was_cancelled``. The load level is the profiling phase of ``input_config.phases[]`` (0.10+,
schema 1.3+; warmup phases ignored) or ``input_config.loadgen.concurrency``/``request_rate`` (up to 0.9). The CSV
(``Metric,avg,min,max,[sum,]p1,...``) has no load level: it comes from a folder name (``concurrency_16``,
``...-concurrency16``, ``conc16``); only the rows a point uses are read. A multi-run invocation (0.13:
``profile_runs/trial_NNNN/<level>/`` or ``profile_runs/run_NNNN/``) marks each run as a repeat of its point
(``repeat_group``/``repeat_label``); its aggregates (``aggregate/<level>/profile_export_aiperf_aggregate.json`` and the
sweep file) are not read beside the runs, so each run counts once. The sweep file alone holds one point per entry of
``per_combination_metrics``; two shapes exist, metric tag -> {avg|mean, p50, ...} (2025) and flattened
``<tag>_<stat>`` -> {mean over trials, ...} (2026).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import InputError
from .common import (
    NotAPoint,
    Parsed,
    RawPoint,
    check_latency,
    describe,
    error_only_failure,
    failed_run,
    get,
    model_text,
    normalise_statistic,
    number,
    text_at,
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
        if _is_trials_aggregate(o):
            return True
        cfg = o.get("input_config")
        return ("request_throughput" in o or bool(error_only_failure(o))) and (
            not o.keys().isdisjoint(_MARKERS) or (isinstance(cfg, Mapping) and "loadgen" in cfg)
        )
    return not p.is_json and bool(_CSV_HEADER.match(p.text.lstrip("\ufeff")))


def read(p: Parsed) -> list[RawPoint]:
    if not p.is_json:
        return [_read_csv(p.text, p.path)]
    o = p.obj
    if o.get("aggregation_type") == "sweep":
        return _read_sweep(o, p.path)
    if _is_trials_aggregate(o):
        raise NotAPoint(
            "AIPerf's average over repeated runs (profile_export_aiperf_aggregate.json); the runs' own files in "
            "profile_runs/ are read instead, so each run counts once"
        )
    return [_read_run(o, p.path)]


def _is_trials_aggregate(o: Mapping[str, Any]) -> bool:
    """AIPerf 0.13's per-load-level aggregate over --num-profile-runs trials (metadata.aggregation_type
    'confidence', metrics flattened to '<tag>_<stat>' -> {mean, std, ci_low, ...})."""
    meta = o.get("metadata")
    return isinstance(meta, Mapping) and meta.get("aggregation_type") == "confidence" and "metrics" in o


def _read_run(o: Mapping[str, Any], file: Path) -> RawPoint:
    cfg = get(o, "input_config", file, required=False)
    cfg = cfg if isinstance(cfg, Mapping) else {}
    phase_dir = file.parent.name if file.parent.parent.name == "phases" else None
    if phase_dir is not None and (file.parent.parent.parent / file.name).is_file():
        raise NotAPoint(f"AIPerf's copy of the {phase_dir} phase of the run beside it, whose own file is read")
    if isinstance(cfg.get("phases"), list):  # AIPerf 0.10+ (schema 1.3+)
        conc, rate, fld = _load_from_phases(cfg["phases"], file, phase_dir)
    else:
        conc, rate, fld = _load_from_loadgen(cfg, file)
    if conc is None and rate is None:
        conc, rate = load_from_folders(file)
    if conc is None and rate is None:
        raise InputError(
            file, fld, "neither concurrency nor request_rate is recorded (and no folder name has 'concurrencyN')"
        )
    endpoint = cfg.get("endpoint")
    group, label = _repeat_of(o, file)
    version = text_at(o, "aiperf_version")
    if failure := error_only_failure(o):  # every request failed: a failed point
        failed = failed_run(failure, conc, rate, tool=TOOL, tool_version=version, workload=requested_workload(cfg))
        failed.repeat_group, failed.repeat_label = group, label
        return failed
    point = point_from_metrics(
        o,
        file,
        conc=conc,
        rate=rate,
        streaming=endpoint.get("streaming") if isinstance(endpoint, Mapping) else None,
        model=_model(cfg),
        tool=TOOL,
        tool_version=version,
    )
    point.repeat_group, point.repeat_label = group, label
    point.workload = requested_workload(cfg)
    return point


def _load_from_loadgen(cfg: Mapping[str, Any], file: Path) -> tuple[float | None, float | None, str]:
    """AIPerf up to 0.9: ``input_config.loadgen.{concurrency, request_rate}``."""
    loadgen = cfg.get("loadgen")
    if loadgen is not None and not isinstance(loadgen, Mapping):
        raise InputError(file, "input_config.loadgen", f"expected an object, got {describe(loadgen)}")
    loadgen = loadgen or {}
    conc = opt(loadgen.get("concurrency"), file, "input_config.loadgen.concurrency", positive=True)
    rate = opt(loadgen.get("request_rate"), file, "input_config.loadgen.request_rate", positive=True, allow_inf=True)
    return conc, rate, "input_config.loadgen.concurrency"


def _load_from_phases(phases: list[Any], file: Path, only: str | None) -> tuple[float | None, float | None, str]:
    """AIPerf 0.10+: the profiling phase of ``input_config.phases[]`` (warmup phases are ignored). A phase of type
    ``concurrency`` is driven by its ``concurrency``; any other type (``poisson``, ``constant``, ``gamma``,
    ``request_rate`` ...) by its ``rate``, a concurrency beside it being only a cap. ``only`` names the phase of a
    per-phase export (``phases/<name>/``)."""
    loads: list[tuple[float | None, float | None, str]] = []
    for i, ph in enumerate(phases):
        fld = f"input_config.phases[{i}]"
        if not isinstance(ph, Mapping):
            raise InputError(file, fld, f"expected an object, got {describe(ph)}")
        name, kind = ph.get("name"), ph.get("kind", ph.get("name"))
        if only is not None and name != only:
            continue
        if kind == "warmup" or ph.get("exclude_from_results") is True:
            if only is not None:
                raise NotAPoint(f"AIPerf's export of the warmup phase '{only}', which is not a measurement")
            continue
        if ph.get("type") == "concurrency":
            loads.append((number(get(ph, "concurrency", file), file, f"{fld}.concurrency", positive=True), None, fld))
        else:
            key = "rate" if "rate" in ph else "request_rate"
            r = number(get(ph, key, file), file, f"{fld}.{key}", positive=True, allow_inf=True)
            loads.append((None, r, fld))
    if not loads:
        raise InputError(file, "input_config.phases", "no profiling phase is recorded (only warmup phases)")
    if len({(c, r) for c, r, _ in loads}) > 1:
        raise InputError(
            file,
            "input_config.phases",
            f"{len(loads)} profiling phases at different load levels in one file; expected one (read the "
            "per-phase exports in phases/<name>/ instead)",
        )
    return loads[0]


def _model(cfg: Mapping[str, Any]) -> str:
    """``input_config.models.items[0].name`` (0.10+) or ``input_config.endpoint.model_names`` (earlier)."""
    models = cfg.get("models")
    if isinstance(models, Mapping) and isinstance(models.get("items"), list) and models["items"]:
        first = models["items"][0]
        if isinstance(first, Mapping) and isinstance(first.get("name"), str):
            return first["name"]
    endpoint = cfg.get("endpoint")
    return model_text(endpoint.get("model_names")) if isinstance(endpoint, Mapping) else ""


_RUN_DIR = re.compile(r"^(?:run|trial)_\d+$")


def _repeat_of(o: Mapping[str, Any], file: Path) -> tuple[str, str]:
    """(group, label) when the file is one of several runs of one point, else ("", "").

    AIPerf 0.13 records it in ``run_info``: one ``sweep_id`` per invocation, the ``variation_label`` of the load
    level and the ``run_label``/``trial`` of the repeat. Without ``run_info`` (or for a CSV) the run folder
    ``run_0002``/``trial_0001`` in the path marks it: the runs of one point share the path with that folder left out.
    """
    info = o.get("run_info") if isinstance(o, Mapping) else None
    if isinstance(info, Mapping) and isinstance(info.get("sweep_id"), str):
        label = text_at(info, "run_label", f"trial {info.get('trial')}")
        variation = text_at(info, "variation_label")
        return f"aiperf:{info['sweep_id']}:{variation}", label
    parts = file.parts
    for i, part in enumerate(parts):
        if _RUN_DIR.match(part):
            return "aiperf:" + "/".join((*parts[:i], "*", *parts[i + 1 :])), part
    return "", ""


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


def _artifact_dir(sweep_file: Path) -> Path:
    """The artifact folder of a sweep: ``<dir>/sweep_aggregate/`` (one trial) or ``<dir>/aggregate/sweep_aggregate/``
    (--num-profile-runs > 1) holds the sweep file; the runs are below ``<dir>``."""
    d = sweep_file.parent.parent if sweep_file.parent.name == "sweep_aggregate" else sweep_file.parent
    return d.parent if d.name == "aggregate" else d


def _runs_beside(sweep_file: Path) -> int:
    """How many per-run ``profile_export_aiperf.json`` the sweep's artifact folder holds (at the depths AIPerf
    writes them: ``concurrency_4/``, ``profile_runs/trial_0001/concurrency_4/``, ``<model>-...-concurrency4/``)."""
    art = _artifact_dir(sweep_file)
    found = 0
    for pattern in (
        "*/profile_export_aiperf.json",
        "*/*/profile_export_aiperf.json",
        "*/*/*/profile_export_aiperf.json",
    ):
        found += sum(1 for f in art.glob(pattern) if "phases" not in f.parts[len(art.parts) :])
    return found


def _read_sweep(o: Mapping[str, Any], file: Path) -> list[RawPoint]:
    runs = _runs_beside(file)
    if runs:
        raise NotAPoint(
            f"AIPerf's sweep summary over the {runs} run file(s) in {_artifact_dir(file)}, which are read "
            "instead (each run counts once; the summary's means over repeats would count them twice)"
        )
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
    point = point_from_csv(
        request, system, file, conc=conc, rate=rate, tool=TOOL, rps_label="Request Throughput (requests/sec)"
    )
    point.repeat_group, point.repeat_label = _repeat_of({}, file)
    return point
