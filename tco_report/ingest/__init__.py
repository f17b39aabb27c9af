"""Turn benchmark result files into BenchmarkPoints: find files, detect each format from content, name configs.

A config is named after the first-level folder under the PATH given that holds the file; a file directly in
PATH, or a PATH that is a file, takes the model name recorded in the file (DESIGN.md section 3).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..model import BenchmarkPoint
from . import genai_perf, plain_csv, vllm
from .common import Parsed, RawPoint, clean_model

# Detection order matters: the first reader whose detect() accepts the parsed file reads it.
READERS = (genai_perf, vllm, plain_csv)
SUFFIXES = (".json", ".jsonl", ".csv")
MAX_RESULT_BYTES = 64 * 1024 * 1024  # a result file is KBs to a few MBs; per-request dumps are not read


@dataclass
class IngestResult:
    points: list[BenchmarkPoint]
    skipped: list[str] = field(default_factory=list)  # files looked at and not read, with the reason


def read_paths(paths: Sequence[str | os.PathLike[str]]) -> IngestResult:
    """Every benchmark point under the given files and folders."""
    result = IngestResult(points=[])
    seen: dict[tuple[str, float | None, float | None], str] = {}
    for root in map(Path, paths):
        if not root.exists():
            raise InputError(root, None, "no such file or folder (expected a benchmark result file or a folder)")
        if root.is_file():
            files = [root]
        else:
            files = list(_walk(root, result))
            if not files:
                raise InputError(
                    root, None, "no benchmark result file (.json, .jsonl or .csv) found in this folder or below"
                )
        found_any = False
        for f in _drop_csv_twins(files):
            parsed = _parse(f, explicit=f == root, result=result)
            if parsed is None:
                continue
            reader = next((r for r in READERS if r.detect(parsed)), None)
            if reader is None:
                if f == root:
                    raise InputError(f, None, "not a result file of a supported benchmark tool (see README, Formats)")
                result.skipped.append(f"{f}: not a benchmark result file")
                continue
            raws = reader.read(parsed)
            found_any = True
            for point in _name(raws, f, root):
                key = (point.config, point.concurrency, point.request_rate)
                if key in seen:
                    raise InputError(
                        point.where,
                        "concurrency",
                        f"config '{point.config}' has the load level {point.load_label} twice (also in {seen[key]}); "
                        "expected one result per config and load level — remove one, or put the runs in separate "
                        "config folders",
                    )
                seen[key] = point.where
                result.points.append(point)
        if not found_any:
            raise InputError(root, None, "no result file of a supported benchmark tool found (see README, Formats)")
    result.points.sort(key=lambda p: (p.config, p.load, p.rps))
    return result


def _walk(root: Path, result: IngestResult) -> Iterable[Path]:
    """Candidate files below root, in a stable order. Symlinked folders are not followed (no loops)."""
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=None):
        dirnames.sort()
        for name in sorted(filenames):
            if name.startswith(".") or not name.lower().endswith(SUFFIXES):
                continue
            yield Path(dirpath) / name


def _drop_csv_twins(files: list[Path]) -> list[Path]:
    """A JSON and its CSV twin describe the same run: keep the JSON, which is not rounded."""
    stems = {(f.parent, f.stem) for f in files if f.suffix.lower() == ".json"}
    return [f for f in files if not (f.suffix.lower() == ".csv" and (f.parent, f.stem) in stems)]


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
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(
            f, None, f"is not UTF-8 text (invalid byte at offset {e.start}); expected JSON or CSV"
        ) from None
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped[:1] in ("{", "["):
        records, jsonl = _json_records(f, stripped)
        return Parsed(path=f, text=text, records=records, is_json=True, jsonl=jsonl)
    return Parsed(path=f, text=text)


def _json_records(f: Path, text: str) -> tuple[list[object], bool]:
    """One object, a JSON list, or several objects one per line (vLLM --append-result, SGLang JSONL)."""
    try:
        whole = json.loads(text)
    except json.JSONDecodeError as e:
        if e.msg != "Extra data":
            raise InputError(f, None, f"is not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})") from None
    else:
        return [whole], False
    records = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as e:
            raise InputError(f, f"line {n}", f"is not valid JSON ({e.msg}, column {e.colno})") from None
    return records, True


def _name(raws: list[RawPoint], f: Path, root: Path) -> list[BenchmarkPoint]:
    rel = f.relative_to(root) if f != root else Path(f.name)
    folder = rel.parts[0] if len(rel.parts) > 1 else ""
    labels = {r.label for r in raws}
    points = []
    for r in raws:
        base = r.config or folder or clean_model(r.model) or f.stem
        config = f"{base}-{r.label}" if len(labels) > 1 and r.label and not r.config else base
        points.append(
            BenchmarkPoint(
                config=config,
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
        )
    return points
