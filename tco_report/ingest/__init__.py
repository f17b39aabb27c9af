"""Turn benchmark result files into BenchmarkPoints: find files, detect each format from content, name configs.

A config is named after the first-level folder under the PATH given that holds the file; a file directly in
PATH, or a PATH that is a file, takes the model name recorded in the file (docs/formats.md, Config names). The same run
seen twice counts once: a CSV beside its JSON twin is not read, and an AIPerf sweep summary gives way to the
per-run files it repeats. Every problem with a file is an InputError naming the file and the field; files in a
folder that no reader recognises (inputs, per-request dumps) are skipped and listed in ``skipped``.
"""

from __future__ import annotations

import csv
import json
import math
import os
import re
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..files import is_regular, kind, read_regular
from ..model import BenchmarkPoint
from ..names import MAX_CONFIGS, MAX_POINTS, POINT_BOUNDS
from ..progress import progress
from ..text import clean
from . import (
    aiperf,
    genai_bench,
    genai_perf,
    guidellm,
    inference_perf,
    inferencemax,
    llmperf,
    naming,
    plain_csv,
    sglang,
    vllm,
)
from .common import NotAPoint, Parsed, RawPoint, clean_model, describe, load_yaml
from .repeats import combine

# Detection order matters: the first reader whose detect() accepts the parsed file reads it. The most specific
# signatures come first: InferenceMAX agg (conc + tput_per_gpu), AIPerf (which mimics GenAI-Perf's layout and so
# must be tried before it), then the tools with distinctive top-level keys, SGLang before vLLM (SGLang lines are
# vLLM lines plus retokenized totals), and the plain CSV last.
READERS = (inferencemax, aiperf, genai_perf, guidellm, inference_perf, llmperf, genai_bench, sglang, vllm, plain_csv)
SUFFIXES = (".json", ".jsonl", ".csv", ".yaml", ".yml")  # YAML: GuideLLM reports only
MAX_RESULT_BYTES = 64 * 1024 * 1024  # a result file is KBs to a few MBs; per-request dumps are not read
_P = str | Path  # a path as the walk gives it (a string) or as given on the command line (a Path)


@dataclass
class IngestResult:
    points: list[BenchmarkPoint]
    skipped: list[str] = field(default_factory=list)  # files looked at and not read, with the reason
    warnings: list[str] = field(default_factory=list)  # points read with a caveat (e.g. a derived, approximate RPS)


def read_paths(paths: Sequence[str | os.PathLike[str]]) -> IngestResult:
    """Every benchmark point under the given files and folders."""
    result = IngestResult(points=[])
    runs: list[_Run] = []
    for root in map(Path, paths):
        _check_root(root)
        is_dir = root.is_dir()
        files: list[str | Path] = list(_walk(root, result)) if is_dir else [root]
        if not files:
            raise InputError(
                root, None, "no benchmark result file (.json, .jsonl or .csv) found in this folder or below"
            )
        skipped_before = len(result.skipped)
        raws_by_file: list[tuple[Path, list[RawPoint]]] = []
        candidates = _drop_csv_twins(files)
        if is_dir:
            candidates, companions = _drop_companions(candidates)
            if companions:
                result.skipped.append(
                    f"{root}: {companions:,} file(s) beside GenAI-Perf/AIPerf results not read (raw per-request "
                    "exports, request payloads such as inputs.json): they hold no aggregate results"
                )
        for c in progress(candidates, total=len(candidates), label=f"Reading {root.name or root}"):
            f = Path(c) if is_dir else root
            parsed = _parse(f, explicit=not is_dir, result=result)
            if parsed is None:
                continue
            try:
                reader = next((r for r in READERS if r.detect(parsed)), None)
            except csv.Error as e:
                raise InputError(f, None, f"is not a readable CSV file ({e})") from None
            if reader is None:
                if not is_dir:
                    raise InputError(f, None, _unrecognised(parsed))
                result.skipped.append(f"{f}: not a benchmark result file ({_shape(parsed)})")
                continue
            try:
                raws = reader.read(parsed)
            except csv.Error as e:
                raise InputError(f, None, f"is not a readable CSV file ({e})") from None
            except NotAPoint as e:
                if not is_dir:
                    raise InputError(f, None, f"holds no benchmark point of its own: {e.reason}") from None
                result.skipped.append(f"{f}: {e.reason}")
                continue
            if not raws:  # e.g. vllm bench sweep's warmup.json: not a measured run
                result.skipped.append(
                    f"{f}: holds no measured run (a warm-up run, or a failed run that records no load level)"
                )
                continue
            raws_by_file.append((f, raws))
        if not raws_by_file:
            why = result.skipped[skipped_before:]
            detail = f" Files looked at: {'; '.join(why[:3])}{' ...' if len(why) > 3 else ''}." if why else ""
            raise InputError(
                root, None, f"no result file of a supported benchmark tool found (see README, Formats).{detail}"
            )
        runs += _name(raws_by_file, root)
        result.warnings += [f"{f}: {clean(r.note)}" for f, raws in raws_by_file for r in raws[:1] if r.note]
    result.points = _combine_repeats(_drop_repeated_summaries(runs, result), result)
    check_unique_loads(result.points)
    check_points(result.points, ", ".join(map(str, paths)))
    result.points.sort(key=lambda p: (p.config, p.load, p.workload, p.rps))
    return result


@dataclass(frozen=True)
class _Run:
    """One run as read, before repeats are combined: the point, whether it comes from a summary of other files,
    and its repeat mark ('' when nothing marks it as one repeat of several)."""

    point: BenchmarkPoint
    aggregate: bool
    repeat: str


def _key(p: BenchmarkPoint) -> tuple[str, str, float | None, float | None]:
    return (p.config, p.workload, p.concurrency, p.request_rate)


def _drop_repeated_summaries(runs: list[_Run], result: IngestResult) -> list[_Run]:
    """A sweep summary (AIPerf's sweep file, vllm bench sweep's summary.json) repeats runs whose own files were
    read: those are used and the summary is not counted again."""
    per_run: dict[tuple[str, float | None, float | None], set[str]] = {}
    for r in runs:
        if not r.aggregate:
            per_run.setdefault((r.point.config, r.point.concurrency, r.point.request_rate), set()).add(r.point.workload)
    kept = []
    for r in runs:
        seen = per_run.get((r.point.config, r.point.concurrency, r.point.request_rate), set())
        # an unknown workload ('', as a summary that does not record it) matches any
        if r.aggregate and seen and (not r.point.workload or r.point.workload in seen or "" in seen):
            note = f"{r.point.source}: the sweep summary repeats results read from their own files; those were used"
            if note not in result.skipped:
                result.skipped.append(note)
            continue
        kept.append(r)
    return kept


def _combine_repeats(runs: list[_Run], result: IngestResult) -> list[BenchmarkPoint]:
    """Runs of one config, workload and load level that are all marked as distinct repeats become one point (their
    mean, with the spread); anything else is left for check_unique_loads to report. Failed runs are warned about."""
    groups: dict[tuple[str, str, float | None, float | None], list[_Run]] = {}
    for r in runs:
        groups.setdefault(_key(r.point), []).append(r)
    points: list[BenchmarkPoint] = []
    for group in groups.values():
        marks = [r.repeat for r in group]
        if len(group) > 1 and all(marks) and len(set(marks)) == len(marks):
            point = combine([r.point for r in group])
            failed = sum(r.point.failed for r in group)
            if failed and not point.failed:
                result.warnings.append(
                    f"{point.config} at {point.load_label}: {failed} of {len(group)} repeated runs failed and were "
                    f"left out of the mean ({point.source})"
                )
            points.append(point)
        else:
            points.extend(r.point for r in group)
    for p in points:
        if p.failed:
            result.warnings.append(
                f"{p.config} at {p.load_label}: the run failed ({p.failure}); it is shown as a failed point, never "
                f"feasible ({p.where})"
            )
    return points


def check_unique_loads(points: Iterable[BenchmarkPoint]) -> None:
    """One point per config, workload and load level; a second one (a run copied twice, two sweeps in one config
    folder, a duplicated workbook row) is an InputError naming both places, never a silent pick. Runs marked as
    repeats of one run (run=0.json, run=1.json) were combined before this check."""
    seen: dict[tuple[str, str, float | None, float | None], str] = {}
    for point in points:
        key = _key(point)
        if key in seen:
            raise InputError(
                point.where or None,
                "concurrency",
                f"config '{point.config}' has the load level {point.load_label} twice (also in {seen[key]}); "
                "expected one result per config and load level — remove one, put the runs in separate config "
                "folders, or mark them as repeats of one run (run=0, run=1 ... in the file or folder names)",
            )
        seen[key] = point.where or "an earlier row"


def check_points(points: Sequence[BenchmarkPoint], where: str | os.PathLike[str] | None = None) -> None:
    """Every figure of every point within names.POINT_BOUNDS (a derived rps of 1e308 from a duration of 5e-324 is no
    measurement, and would overflow the sizing), and no more points or configs than a run can hold."""
    if len(points) > MAX_POINTS:
        raise InputError(where, None, f"holds {len(points):,} benchmark points; expected at most {MAX_POINTS:,}")
    configs = {p.config for p in points}
    if len(configs) > MAX_CONFIGS:
        raise InputError(where, None, f"holds {len(configs):,} configs; expected at most {MAX_CONFIGS:,}")
    lat = POINT_BOUNDS["latency_ms"]
    # Latencies are most of the figures (30 a point): checked first as one range test each, which with finite,
    # inclusive ends holds exactly for a finite value the bounds accept; only a point that fails it gets labels.
    quick = lat.min_inclusive and lat.max_inclusive and not lat.whole and math.isfinite(lat.maximum - lat.minimum)
    lo, hi = lat.minimum, lat.maximum
    for p in points:
        figures: list[tuple[str, str, float | None]] = [
            ("rps", "rps (requests/s)", p.rps),
            ("isl", "isl (mean input tokens)", p.isl),
            ("osl", "osl (mean output tokens)", p.osl),
            ("concurrency", "concurrency", p.concurrency),
            ("output_tps", "output tps (tokens/s)", p.output_tps),
            ("gpus_per_instance", "gpus_per_instance", p.gpus_per_instance),
        ]
        if p.request_rate is not None and not math.isinf(p.request_rate):
            figures.append(("request_rate", "request rate (req/s)", p.request_rate))
        if not (quick and all(v is None or lo <= v <= hi for s in p.latency_ms.values() for v in s.values())):
            figures += [
                ("latency_ms", f"{metric}_{stat} latency (ms)", v)
                for metric, stats in p.latency_ms.items()
                for stat, v in stats.items()
            ]
        if p.failed:  # a failed run measured nothing: only its load level and GPUs are figures to check
            figures = [f for f in figures if f[0] in ("concurrency", "request_rate", "gpus_per_instance")]
        for key, label, v in figures:
            if v is None:
                continue
            b = POINT_BOUNDS[key]
            if not (math.isfinite(v) and b.accepts(v)):
                raise InputError(
                    p.where or where,
                    label,
                    f"config '{p.config}' at {p.load_label}: expected {b.describe()}, got {v!r} (as read or derived "
                    "from the file's figures); no real benchmark measures that",
                )


def _check_root(root: Path) -> None:
    """A PATH that exists and is a folder or a regular file; a symlink that leads nowhere (a loop, a missing
    target) is named as such; a FIFO, device or socket is refused before anything opens it."""
    try:
        st = root.stat()
        if not (stat.S_ISDIR(st.st_mode) or stat.S_ISREG(st.st_mode)):
            raise InputError(
                root, None, f"is {kind(st.st_mode)}, not a regular file; expected a benchmark result file or a folder"
            )
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


def _walk(root: Path, result: IngestResult) -> Iterable[str]:
    """Candidate files below root, in a stable order (each folder's files by name, then its subfolders by name, as
    a sorted os.walk gives them), as path strings: a Path is made only for the files that are read. Symlinked
    folders are not followed (no loops). FIFOs, devices and sockets are skipped with a note, never opened (a FIFO
    would block the run). The folder listing says which entries are regular files, so only symbolic links (and
    entries of a file system that does not say) cost a stat of their own."""
    stack = [os.fspath(root)]
    while stack:
        top = stack.pop()
        try:
            with os.scandir(top) as it:
                entries = list(it)
        except OSError:  # an unreadable folder is passed over, as os.walk does
            continue
        dirs: list[str] = []
        files: list[os.DirEntry[str]] = []
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if not is_dir:
                files.append(entry)
            elif not _is_symlink(entry):
                dirs.append(entry.name)
        files.sort(key=lambda e: e.name)
        for entry in files:
            name = entry.name
            if name.startswith(".") or not name.lower().endswith(SUFFIXES):
                continue
            try:
                regular = not entry.is_symlink() and entry.is_file(follow_symlinks=False)
                mode = stat.S_IFREG if regular else os.stat(entry.path).st_mode
            except OSError:
                yield entry.path  # _parse says why it cannot be read
                continue
            if not stat.S_ISREG(mode):
                result.skipped.append(f"{Path(entry.path)}: {kind(mode)}, not a regular file (not opened)")
                continue
            yield entry.path
        stack.extend(os.path.join(top, d) for d in sorted(dirs, reverse=True))


def _is_symlink(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_symlink()
    except OSError:  # as os.walk: a folder that cannot be checked is walked into
        return False


def _drop_csv_twins(files: list[_P]) -> list[_P]:
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
        if not (ext == ".csv" and (d, stem) in stems and (_lower_name(f).endswith(_TWIN_CSV_NAMES) or _metric_csv(f)))
        and not (ext in (".yaml", ".yml") and (d, stem) in stems)  # GuideLLM's YAML twin of its JSON
        and not (ext == ".csv" and ((d, stem) in stems or (d, stem) in yamls) and _guidellm_csv(f))
    ]


def _dir_stem_ext(f: str | Path) -> tuple[str, str, str]:
    """(folder, name without its suffix, suffix in lower case), as Path.parent, .stem and .suffix give them. The
    folder is a key that files of one folder share, not a path to use: for the walk's strings on POSIX it is the
    text before the last '/', without os.path's calls (12,800 of them for a large sweep)."""
    if _POSIX and type(f) is str:
        folder, _, name = f.rpartition("/")
        i = name.rfind(".")
        if i > 0 and name[:i].lstrip("."):  # as os.path.splitext: leading dots start no suffix
            return folder, name[:i], name[i:].lower()
        return folder, name, ""
    folder, name = os.path.split(os.fspath(f))
    stem, ext = os.path.splitext(name)
    return folder, stem, ext.lower()


_POSIX = os.sep == "/" and os.altsep is None


_TWIN_CSV_NAMES = ("_genai_perf.csv", "_aiperf.csv")


def _lower_name(f: str | Path) -> str:
    return os.path.basename(os.fspath(f)).lower()


_GUIDELLM_YAML = re.compile(r"(?m)^benchmarks:")


def _guidellm_csv(f: str | Path) -> bool:
    """GuideLLM's CSV (0.8: three header rows, the first starting 'Run Info,'), the twin of its JSON/YAML report."""
    return _csv_starts_with(f, b"Run Info,")


def _metric_csv(f: str | Path) -> bool:
    return _csv_starts_with(f, b"Metric,")


def _csv_starts_with(f: str | Path, head: bytes) -> bool:
    """Whether a regular file's first bytes (after a UTF-8 BOM) are ``head``; anything else (a FIFO, which would
    block, a file that cannot be opened) is not, and is left to the reader to explain."""
    if not is_regular(f):
        return False
    try:
        with open(f, "rb") as fh:
            start = fh.read(16)
    except OSError:
        return False
    return start.removeprefix(b"\xef\xbb\xbf").startswith(head)


_AGGREGATES = ("_genai_perf.json", "_genai_perf.csv", "_aiperf.json", "_aiperf.csv")
_PAYLOADS = ("inputs.json", "llm_inputs.json", "run_config.json", "phase_manifest.json")  # AIPerf 0.13 run files


def _drop_companions(files: list[_P]) -> tuple[list[_P], int]:
    """Leave out what a GenAI-Perf/AIPerf run folder holds beside its aggregate ``X_genai_perf.json``: the raw
    per-request export ``X.json``/``X.jsonl`` (often many MB) and the request payloads ``inputs.json``. Parsing them
    only to reject them made a real sweep 100x slower to read than its aggregates alone."""
    split = [(f, *os.path.split(os.fspath(f))) for f in files]
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
        raw = read_regular(f, MAX_RESULT_BYTES, "a benchmark result file", listed_regular=not explicit)
    except InputError as e:  # dangling link, symlink loop, permission
        if explicit:
            raise
        result.skipped.append(f"{f}: {e.problem.removeprefix('is ')}")
        return None
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
        whole = _loads(text, f)
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
            records.append(_loads(line, f, n))
        except json.JSONDecodeError as e:
            raise InputError(f, f"line {n}", f"is not valid JSON ({e.msg}, column {e.colno})") from None
    return records, True, False


def _loads(text: str, f: Path | None = None, line: int = 1) -> object:
    """json.loads, refusing a key given twice in one object (json keeps the last silently); a nesting deep enough
    to exhaust the stack is reported as a decode error."""
    try:
        if text.startswith("\ufeff"):  # as json.loads does
            raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
        return _DECODER.decode(text)  # json.loads(text, object_pairs_hook=...) without a new decoder per file
    except _DuplicateKey as e:
        raise InputError(f, e.key[:60], duplicate_key_message(text, e.key, line)) from None
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply to be a benchmark result file", text, 0) from None
    except json.JSONDecodeError:
        raise
    except ValueError as e:  # e.g. an integer literal longer than Python's int conversion limit
        raise json.JSONDecodeError(f"unreadable value ({str(e).split(';')[0]})", text, 0) from None


def _name(raws_by_file: list[tuple[Path, list[RawPoint]]], root: Path) -> list[_Run]:
    """Config names: a file's own config column, else the first-level folder under root, else the model.

    Names say more than the config (naming.py): a load level (``...-concurrency16``, ``c32``, ``BENCH--
    max_concurrency=2``) is taken out, so the runs of one sweep stay one curve, and checked against the load level
    the file records; ``vllm bench sweep``'s ``SERVE--`` settings are added, so two server settings are two
    configs; a dated folder (the same sweep run again) is passed over; ``run=1``-style parts mark repeats; a
    workload in a name (``in512_out128``) is used where the file records none. When one config would hold points
    with different run labels (a vLLM file with two frameworks, SGLang tags) or different models, the label and/or
    the model is appended so that each gets its own curve.
    """
    named: list[tuple[Path, RawPoint, str, str, str, str]] = []
    root_date = root.name if root.is_dir() and naming.is_date(root.name) else ""  # PATH is one dated sweep
    for f, raws in raws_by_file:
        # The parts below root, as f.relative_to(root).parts (f was found under root), without its checks.
        rel = f.parts[len(root.parts) :] if f != root else (f.name,)
        path = _PathNames(root_date, rel, f, single=len(raws) == 1)
        for r in raws:
            # Text from files and folder names enters here, cleaned once for every output (tco_report.text).
            r.config, r.model, r.label = clean(r.config), clean(r.model), clean(r.label)
            r.tool, r.tool_version, r.name = clean(r.tool), clean(r.tool_version), clean(r.name)
            tag = _parse_name(r.name, f) if r.name and len(r.name) <= _MAX_NAME else None
            if tag is not None:
                _check_load(tag, r, f"{f} ({'line ' + str(r.record) if r.record else 'run'} tag '{r.name}')")
            path.check(r)
            base = r.config or path.config or clean_model(r.model) or (tag.rest if tag else "") or path.stem or f.stem
            label = "-".join(x for x in (r.label, tag.rest if tag and tag.rest != base else "") if x)
            workload = r.workload or (tag.workload if tag else "") or path.workload
            mark = (
                r.repeat or r.repeat_label or path.repeat
            )  # a dated folder counts only beside a repeat mark ("if the files say so")
            repeat = "/".join(x for x in (path.dates, mark) if x) if mark else ""
            named.append((f, r, base, label, workload, repeat))
    labels: dict[str, set[str]] = {}
    models: dict[str, set[str]] = {}
    for _, r, base, label, _, _ in named:
        if not r.config:
            labels.setdefault(base, set()).add(label)
            models.setdefault(base, set()).update({_short_model(r.model)} - {""})  # an unknown model splits nothing
    points = []
    for f, r, base, label, workload, repeat in named:
        parts = [base]
        if not r.config:
            if len(labels[base]) > 1 and label:
                parts.append(label)
            if len(models[base]) > 1 and _short_model(r.model) != base:
                parts.append(_short_model(r.model))
        point = BenchmarkPoint(
            config=clean("-".join(parts)),  # folder names are text from outside too
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
            source=clean(str(f)),
            record=r.record,
            failed=bool(r.failure),
            failure=r.failure,
            workload=workload,
        )
        points.append(_Run(point, r.aggregate, repeat))
    return points


class _PathNames:
    """What the folder names between root and a file, and the file's own name, say about its runs."""

    def __init__(self, root_date: str, parts: tuple[str, ...], f: Path, *, single: bool) -> None:
        self.file, self.single = f, single
        self.infos: list[tuple[str, naming.NameInfo]] = []
        dates = [root_date] if root_date else []
        for part in parts[:-1]:
            if naming.is_date(part):
                dates.append(part)
            elif part not in naming.LAYOUT_FOLDERS:
                self.infos.append((part, _parse_name(part, f)))
        stem = _parse_name(os.path.splitext(parts[-1])[0], f)
        self.stem_info = stem
        # The names that carry a load level: the only ones check() compares with the file.
        self.loads = [(part, info) for part, info in self.infos if _has_load(info)]
        self.stem = stem.rest
        self.dates = "/".join(dates)
        base = self.infos[0][1].rest if self.infos else ""
        servers = [info.server for _, info in self.infos if info.server]
        self.config = "-".join(x for x in (base, *servers) if x)
        every = [info for _, info in self.infos] + [stem]
        self.workload = next((i.workload for i in every if i.workload), "")
        self.repeat = "/".join(i.repeat for i in every if i.repeat)

    def check(self, r: RawPoint) -> None:
        """A load level in a name must agree with the one the file records (for a file of one run)."""
        if not self.single:
            return
        for part, info in self.loads:
            _check_load(info, r, f"{self.file} (folder '{part}')")
        if _has_load(self.stem_info):
            _check_load(self.stem_info, r, f"{self.file} (its name)")


def _has_load(info: naming.NameInfo) -> bool:
    return info.concurrency is not None or info.request_rate is not None


_MAX_NAME = 255  # a run name longer than any file name is not read as one


def _parse_name(name: str, f: Path) -> naming.NameInfo:
    """naming.parse_name, its error naming the file."""
    try:
        return naming.parse_name(name)
    except InputError as e:
        raise InputError(f, f"name part '{name[:80]}'", e.problem) from None


def _check_load(info: naming.NameInfo, r: RawPoint, where: str) -> None:
    for axis, named, recorded in (
        ("concurrency", info.concurrency, r.concurrency),
        ("request rate", info.request_rate, r.request_rate),
    ):
        if named is not None and recorded is not None and named != recorded:
            raise InputError(
                where,
                axis,
                f"the name says {axis} {named:g} but the file records {recorded:g}; expected the two to agree "
                "(rename the folder or file, or check that the right result file is in it)",
            )


def _short_model(model: str) -> str:
    return clean_model(model).split("/")[-1]


class _DuplicateKey(Exception):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for k, _ in pairs:
            if k in seen:
                raise _DuplicateKey(k)
            seen.add(k)
    return out


_DECODER = json.JSONDecoder(object_pairs_hook=_unique_keys)


def duplicate_key_message(text: str, key: str, first_line: int = 1) -> str:
    """Where a key given twice in one JSON object stands: both lines (and columns), found by walking the text."""
    places = _duplicate_places(text)
    where = ""
    if places is not None:
        (l1, c1), (l2, c2) = places
        where = f" (line {l1 + first_line - 1}, column {c1} and line {l2 + first_line - 1}, column {c2})"
    return f"the key appears twice in one object{where}; expected each key once (which value is meant?)"


def _duplicate_places(text: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The (line, column) of the first key repeated in one object, and of its earlier occurrence."""
    stack: list[dict[str, tuple[int, int]] | None] = []  # per open object: key -> place; None for a list
    expect_key = False
    line, col0 = 1, 0
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            line, col0 = line + 1, i + 1
        elif c == "{":
            stack.append({})
            expect_key = True
        elif c == "[":
            stack.append(None)
        elif c in "}]":
            if stack:
                stack.pop()
            expect_key = False
        elif c == ",":
            expect_key = bool(stack) and stack[-1] is not None
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            if expect_key and stack and stack[-1] is not None:
                try:
                    key = json.loads(text[i : j + 1])
                except ValueError:
                    key = text[i + 1 : j]
                place = (line, i - col0 + 1)
                keys = stack[-1]
                if key in keys:
                    return keys[key], place
                keys[key] = place
                expect_key = False
            i = j
        i += 1
    return None
