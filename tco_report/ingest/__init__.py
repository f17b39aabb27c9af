"""Turn benchmark result files into BenchmarkPoints: find files, detect each format from content, name configs.

A config is named after the first-level folder under the PATH given that holds the file; a file directly in
PATH, or a PATH that is a file, takes the model name recorded in the file (DESIGN.md section 3). The same run
seen twice counts once: a CSV beside its JSON twin is not read, and an AIPerf sweep summary gives way to the
per-run files it repeats. Every problem with a file is an InputError naming the file and the field; files in a
folder that no reader recognises (inputs, per-request dumps) are skipped and listed in ``skipped``.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..model import BenchmarkPoint
from ..progress import progress
from . import (
    aiperf,
    genai_bench,
    genai_perf,
    guidellm,
    inference_perf,
    inferencemax,
    llmperf,
    plain_csv,
    sglang,
    vllm,
)
from .common import NotAPoint, Parsed, RawPoint, clean_model, describe, load_yaml

# Detection order matters: the first reader whose detect() accepts the parsed file reads it. The most specific
# signatures come first: InferenceMAX agg (conc + tput_per_gpu), AIPerf (which mimics GenAI-Perf's layout and so
# must be tried before it), then the tools with distinctive top-level keys, SGLang before vLLM (SGLang lines are
# vLLM lines plus retokenized totals), and the plain CSV last.
READERS = (inferencemax, aiperf, genai_perf, guidellm, inference_perf, llmperf, genai_bench, sglang, vllm, plain_csv)
SUFFIXES = (".json", ".jsonl", ".csv", ".yaml", ".yml")  # YAML: GuideLLM reports only
_RUN_FOLDER = re.compile(r"(?<=.)[-_](?:concurrency|request_rate|conc)[-_]?\d+(?:\.\d+)?$")
MAX_RESULT_BYTES = 64 * 1024 * 1024  # a result file is KBs to a few MBs; per-request dumps are not read


@dataclass
class IngestResult:
    points: list[BenchmarkPoint]
    skipped: list[str] = field(default_factory=list)  # files looked at and not read, with the reason
    warnings: list[str] = field(default_factory=list)  # points read with a caveat (e.g. a derived, approximate RPS)


def read_paths(paths: Sequence[str | os.PathLike[str]]) -> IngestResult:
    """Every benchmark point under the given files and folders."""
    result = IngestResult(points=[])
    for root in map(Path, paths):
        _check_root(root)
        files = [root] if root.is_file() else list(_walk(root))
        if not files:
            raise InputError(
                root, None, "no benchmark result file (.json, .jsonl or .csv) found in this folder or below"
            )
        skipped_before = len(result.skipped)
        raws_by_file: list[tuple[Path, list[RawPoint]]] = []
        candidates = _drop_csv_twins(files)
        if root.is_dir():
            candidates, companions = _drop_companions(candidates)
            if companions:
                result.skipped.append(
                    f"{root}: {companions:,} file(s) beside GenAI-Perf/AIPerf results not read (raw per-request "
                    "exports, request payloads such as inputs.json): they hold no aggregate results"
                )
        for f in progress(candidates, total=len(candidates), label=f"Reading {root.name or root}"):
            parsed = _parse(f, explicit=f == root, result=result)
            if parsed is None:
                continue
            try:
                reader = next((r for r in READERS if r.detect(parsed)), None)
            except csv.Error as e:
                raise InputError(f, None, f"is not a readable CSV file ({e})") from None
            if reader is None:
                if f == root:
                    raise InputError(f, None, _unrecognised(parsed))
                result.skipped.append(f"{f}: not a benchmark result file ({_shape(parsed)})")
                continue
            try:
                raws = reader.read(parsed)
            except csv.Error as e:
                raise InputError(f, None, f"is not a readable CSV file ({e})") from None
            except NotAPoint as e:
                if f == root:
                    raise InputError(f, None, f"holds no benchmark point of its own: {e.reason}") from None
                result.skipped.append(f"{f}: {e.reason}")
                continue
            raws_by_file.append((f, raws))
        if not raws_by_file:
            why = result.skipped[skipped_before:]
            detail = f" Files looked at: {'; '.join(why[:3])}{' ...' if len(why) > 3 else ''}." if why else ""
            raise InputError(
                root, None, f"no result file of a supported benchmark tool found (see README, Formats).{detail}"
            )
        named = _name(raws_by_file, root)
        per_run = {(p.config, p.concurrency, p.request_rate) for p, aggregate in named if not aggregate}
        for point, aggregate in named:
            key = (point.config, point.concurrency, point.request_rate)
            if aggregate and key in per_run:  # a sweep summary repeating runs whose own files were read
                note = f"{point.source}: the sweep summary repeats results read from their own files; those were used"
                if note not in result.skipped:
                    result.skipped.append(note)
                continue
            result.points.append(point)
        result.warnings += [f"{f}: {r.note}" for f, raws in raws_by_file for r in raws[:1] if r.note]
    check_unique_loads(result.points)
    result.points.sort(key=lambda p: (p.config, p.load, p.rps))
    return result


def check_unique_loads(points: Iterable[BenchmarkPoint]) -> None:
    """One point per config and load level; a second one (a run copied twice, two sweeps in one config folder, a
    duplicated workbook row) is an InputError naming both places, never a silent pick."""
    seen: dict[tuple[str, float | None, float | None], str] = {}
    for point in points:
        key = (point.config, point.concurrency, point.request_rate)
        if key in seen:
            raise InputError(
                point.where or None,
                "concurrency",
                f"config '{point.config}' has the load level {point.load_label} twice (also in {seen[key]}); "
                "expected one result per config and load level — remove one, or put the runs in separate "
                "config folders",
            )
        seen[key] = point.where or "an earlier row"


def _check_root(root: Path) -> None:
    """A PATH that exists; a symlink that leads nowhere (a loop, a missing target) is named as such."""
    try:
        root.stat()
    except OSError as e:
        if root.is_symlink():
            raise InputError(
                root,
                None,
                f"is a symbolic link that cannot be followed ({e.strerror or e}: a loop or a missing target)",
            ) from None
        if isinstance(e, FileNotFoundError):
            raise InputError(
                root, None, "no such file or folder (expected a benchmark result file or a folder)"
            ) from None
        raise InputError(root, None, f"cannot be read: {e.strerror or e}") from None


def _shape(p: Parsed) -> str:
    if not p.is_json:
        first = p.text.lstrip("\ufeff").split("\n", 1)[0].strip()
        return f"CSV starting {first[:60]!r}"
    if p.top_list:
        return f"a JSON list of {len(p.records)} item(s)"
    if p.jsonl:
        return f"{len(p.records)} JSON lines"
    o = p.obj
    if isinstance(o, dict):
        keys = ", ".join(str(k)[:30] for k in list(o)[:6])
        return f"a JSON object with keys {keys}{' ...' if len(o) > 6 else ''}" if o else "an empty JSON object"
    return f"JSON holding {describe(o)}"


def _unrecognised(p: Parsed) -> str:
    what = _shape(p)
    hint = ""
    if p.top_list:
        hint = " A JSON list where a result object belongs: the tools write one object per file (or per line)."
    elif not p.is_json:
        first = p.text.lstrip("\ufeff").split("\n", 1)[0]
        sep = next((name for c, name in ((";", "semicolons"), ("\t", "tabs")) if c in first and "," not in first), "")
        if sep:
            hint = f" Its columns are separated by {sep}: save the CSV with commas (see README, 'Plain CSV')."
    return f"not a result file of a supported benchmark tool ({what}; see README, Formats).{hint}"


def _walk(root: Path) -> Iterable[Path]:
    """Candidate files below root, in a stable order. Symlinked folders are not followed (no loops)."""
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        for name in sorted(filenames):
            if name.startswith(".") or not name.lower().endswith(SUFFIXES):
                continue
            yield Path(dirpath) / name


def _drop_csv_twins(files: list[Path]) -> list[Path]:
    """A JSON and its CSV twin describe the same run: keep the JSON, which is not rounded. GuideLLM's YAML and CSV
    beside its JSON (or its CSV beside its YAML) are the same benchmarks again: the JSON (else the YAML) is read.

    Only a CSV in the GenAI-Perf/AIPerf layout is a twin: one named as those tools name it
    (``X_genai_perf.csv``, ``X_aiperf.csv``), or another whose first cell is ``Metric``; another CSV that happens
    to share a JSON's name (a plain CSV beside a vLLM file) is read. Knowing the tools' names saves opening half
    the files of a large sweep only to look at their first bytes.
    """
    # Folder and name as strings, split once: Path.parent and Path.stem build new objects, 6,400 times over.
    parts = [(f, *_dir_stem_ext(f)) for f in files]
    stems = {(d, stem) for _, d, stem, ext in parts if ext == ".json"}
    yamls = {(d, stem) for _, d, stem, ext in parts if ext in (".yaml", ".yml")}
    return [
        f
        for f, d, stem, ext in parts
        if not (ext == ".csv" and (d, stem) in stems and (f.name.lower().endswith(_TWIN_CSV_NAMES) or _metric_csv(f)))
        and not (ext in (".yaml", ".yml") and (d, stem) in stems)  # GuideLLM's YAML twin of its JSON
        and not (ext == ".csv" and ((d, stem) in stems or (d, stem) in yamls) and _guidellm_csv(f))
    ]


def _dir_stem_ext(f: Path) -> tuple[str, str, str]:
    """(folder, name without its suffix, suffix in lower case), as Path.parent, .stem and .suffix give them."""
    folder, name = os.path.split(str(f))
    stem, ext = os.path.splitext(name)
    return folder, stem, ext.lower()


_TWIN_CSV_NAMES = ("_genai_perf.csv", "_aiperf.csv")
_GUIDELLM_YAML = re.compile(r"(?m)^benchmarks:")


def _guidellm_csv(f: Path) -> bool:
    """GuideLLM's CSV (0.8: three header rows, the first starting 'Run Info,'), the twin of its JSON/YAML report."""
    try:
        with open(f, "rb") as fh:
            head = fh.read(16)
    except OSError:
        return False
    return head.removeprefix(b"\xef\xbb\xbf").startswith(b"Run Info,")


def _metric_csv(f: Path) -> bool:
    try:
        with open(f, "rb") as fh:
            head = fh.read(16)
    except OSError:
        return False
    return head.removeprefix(b"\xef\xbb\xbf").startswith(b"Metric,")


_AGGREGATES = ("_genai_perf.json", "_genai_perf.csv", "_aiperf.json", "_aiperf.csv")
_PAYLOADS = ("inputs.json", "llm_inputs.json", "run_config.json", "phase_manifest.json")  # AIPerf 0.13 run files


def _drop_companions(files: list[Path]) -> tuple[list[Path], int]:
    """Leave out what a GenAI-Perf/AIPerf run folder holds beside its aggregate ``X_genai_perf.json``: the raw
    per-request export ``X.json``/``X.jsonl`` (often many MB) and the request payloads ``inputs.json``. Parsing them
    only to reject them made a real sweep 100x slower to read than its aggregates alone."""
    split = [(f, *os.path.split(str(f))) for f in files]
    names: dict[str, set[str]] = {}
    for _, d, name in split:
        names.setdefault(d, set()).add(name.lower())
    stems: dict[str, set[str]] = {
        d: {n[: -len(a)] for n in here for a in _AGGREGATES if n.endswith(a)} for d, here in names.items()
    }
    keep = []
    for f, d, name in split:
        agg = stems[d]
        name = name.lower()
        if agg and name.endswith((".json", ".jsonl")) and (name in _PAYLOADS or os.path.splitext(name)[0] in agg):
            continue
        keep.append(f)
    return keep, len(files) - len(keep)


def _parse(f: Path, *, explicit: bool, result: IngestResult) -> Parsed | None:
    try:
        size = f.stat().st_size
    except OSError as e:  # dangling link, symlink loop, permission
        if explicit:
            raise InputError(f, None, f"cannot be read: {e.strerror or e}") from None
        result.skipped.append(f"{f}: cannot be read ({e.strerror or e})")
        return None
    if size > MAX_RESULT_BYTES:
        if explicit:
            raise InputError(
                f, None, f"is {size:,} bytes; a benchmark result file is expected to be under {MAX_RESULT_BYTES:,}"
            )
        result.skipped.append(f"{f}: {size:,} bytes, larger than a result file ({MAX_RESULT_BYTES:,})")
        return None
    try:
        raw = f.read_bytes()
    except OSError as e:
        raise InputError(f, None, f"cannot be read: {e.strerror or e}") from None
    if not raw.strip():
        raise InputError(f, None, "is empty; expected a benchmark result file")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f, None, "is UTF-16 text (as Excel's 'Unicode text' saves it); save it as UTF-8 (CSV UTF-8)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(
            f, None, f"is not UTF-8 text (invalid byte at offset {e.start}); expected JSON or CSV saved as UTF-8"
        ) from None
    stripped = text.lstrip("\ufeff \t\r\n")
    if f.suffix.lower() in (".yaml", ".yml"):
        if not _GUIDELLM_YAML.search(text):  # configs and assumptions files beside results are not results
            if explicit:
                raise InputError(f, None, "is a YAML file but not a GuideLLM report (it has no top-level 'benchmarks')")
            result.skipped.append(f"{f}: a YAML file that is not a GuideLLM report (no top-level 'benchmarks')")
            return None
        return Parsed(path=f, text=text, records=[load_yaml(text, f)], is_json=True)
    if stripped[:1] in ("{", "["):
        records, jsonl, top_list = _json_records(f, stripped)
        return Parsed(path=f, text=text, records=records, is_json=True, jsonl=jsonl, top_list=top_list)
    if "\x00" in text:
        raise InputError(f, None, "contains NUL bytes: a binary file, not JSON or CSV text")
    return Parsed(path=f, text=text)


def _json_records(f: Path, text: str) -> tuple[list[object], bool, bool]:
    """One object, a JSON list, or several objects one per line (vLLM --append-result, SGLang JSONL).

    Returns (records, jsonl, top_list). Python's json accepts the bare NaN/Infinity that SGLang writes; the
    readers reject NaN where a number is needed.
    """
    try:
        whole = _loads(text)
    except json.JSONDecodeError as e:
        if e.msg != "Extra data":
            raise InputError(f, None, f"is not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})") from None
    else:
        if isinstance(whole, list):
            return whole, False, True
        return [whole], False, False
    records = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(_loads(line))
        except json.JSONDecodeError as e:
            raise InputError(f, f"line {n}", f"is not valid JSON ({e.msg}, column {e.colno})") from None
    return records, True, False


def _loads(text: str) -> object:
    """json.loads; a nesting deep enough to exhaust the stack is reported as a decode error."""
    try:
        return json.loads(text)
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply to be a benchmark result file", text, 0) from None
    except json.JSONDecodeError:
        raise
    except ValueError as e:  # e.g. an integer literal longer than Python's int conversion limit
        raise json.JSONDecodeError(f"unreadable value ({str(e).split(';')[0]})", text, 0) from None


def _name(raws_by_file: list[tuple[Path, list[RawPoint]]], root: Path) -> list[tuple[BenchmarkPoint, bool]]:
    """Config names: a file's own config column, else the first-level folder under root, else the model.

    A first-level folder that is itself one run of a sweep (GenAI-Perf/AIPerf's
    ``<model>-openai-chat-concurrency16``, when PATH is the ``artifacts`` folder) names the config without its
    load-level suffix, so the runs of one sweep stay one curve. When one config would hold points with different
    run labels (a vLLM file with two frameworks, an SGLang file with two datasets, InferenceMAX runs at two
    ISL/OSL) or different models, the label and/or the model is appended so that each gets its own curve.
    """
    named: list[tuple[Path, RawPoint, str]] = []
    for f, raws in raws_by_file:
        rel = f.relative_to(root) if f != root else Path(f.name)
        folder = _RUN_FOLDER.sub("", rel.parts[0]) if len(rel.parts) > 1 else ""
        for r in raws:
            named.append((f, r, r.config or folder or clean_model(r.model) or f.stem))
    labels: dict[str, set[str]] = {}
    models: dict[str, set[str]] = {}
    for _, r, base in named:
        if not r.config:
            labels.setdefault(base, set()).add(r.label)
            models.setdefault(base, set()).update({_short_model(r.model)} - {""})  # an unknown model splits nothing
    points = []
    for f, r, base in named:
        parts = [base]
        if not r.config:
            if len(labels[base]) > 1 and r.label:
                parts.append(r.label)
            if len(models[base]) > 1 and _short_model(r.model) != base:
                parts.append(_short_model(r.model))
        point = BenchmarkPoint(
            config="-".join(parts),
            rps=r.rps,
            isl=r.isl,
            osl=r.osl,
            latency_ms=r.latency_ms,
            concurrency=r.concurrency,
            request_rate=r.request_rate,
            output_tps=r.output_tps,
            gpus_per_instance=r.gpus_per_instance,
            model=clean_model(r.model),
            tool=r.tool,
            tool_version=r.tool_version,
            source=str(f),
            record=r.record,
        )
        points.append((point, r.aggregate))
    return points


def _short_model(model: str) -> str:
    return clean_model(model).split("/")[-1]
