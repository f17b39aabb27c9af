"""Shared pieces of the readers: the parsed file handed to detectors, and strict number extraction."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError

# Latency statistic names, normalised: avg, min, max, p50, p90, p99, p99.9 ...
_PCT = re.compile(r"^p(\d+(?:\.\d+)?)$")


@dataclass
class Parsed:
    """A candidate result file, parsed once and shared by every detector."""

    path: Path
    text: str
    records: list[Any] = field(default_factory=list)  # JSON: one object, or one per line (JSONL / appended)
    is_json: bool = False
    jsonl: bool = False
    top_list: bool = False  # the file's top level is a JSON list (its items are the records)

    @property
    def obj(self) -> Any:
        """The file's single top-level object; None for a list, JSONL or CSV."""
        return self.records[0] if len(self.records) == 1 and not self.top_list and not self.jsonl else None


@dataclass
class RawPoint:
    """What a reader extracts from one run, before the config name is settled."""

    rps: float
    isl: float
    osl: float
    latency_ms: dict[str, dict[str, float]]
    concurrency: float | None = None
    request_rate: float | None = None
    output_tps: float | None = None
    gpus_per_instance: int | None = None
    model: str = ""
    label: str = ""  # a run label recorded in the file (distinguishes several configs in one file)
    config: str = ""  # an explicit config name (plain CSV's column); wins over the folder name
    tool: str = ""
    tool_version: str = ""
    record: int | None = None  # line number of the record in a JSONL file
    note: str = ""  # something the user should know about this point (e.g. an approximate, derived figure)
    aggregate: bool = False  # from a summary of other result files (AIPerf's sweep file): those files win
    repeat: str = ""  # the file marks this run as one repeat of several (vLLM sweep's run_number): "run=1"
    workload: str = ""  # what was asked of the server (naming.workload_name), "" when the file does not say
    failure: str = ""  # why the run measured nothing (every request failed); such a point is kept, never feasible
    name: str = ""  # a run name recorded in the file (SGLang --tag), read like a folder name
    # One of several runs of one point (AIPerf --num-profile-runs, trial folders): runs with the same non-empty
    # repeat_group repeat one config at one load level; repeat_label tells them apart ("run_0002", "trial_0001").
    repeat_group: str = ""
    repeat_label: str = ""


def failed_run(failure: str, concurrency: float | None, request_rate: float | None, **fields: Any) -> RawPoint:
    """A run that measured nothing (every request failed): no figure, only its load level, why, and what the file
    says of it (``fields``: tool, model, workload, ...). Such a point is shown and counted, never feasible."""
    return RawPoint(0.0, 0.0, 0.0, {}, concurrency, request_rate, failure=failure, **fields)


class NotAPoint(Exception):
    """Raised by a reader for a file it recognises that holds no point of its own (a warmup phase, a copy or an
    average of runs read from their own files, a summary over several load levels); the reason is listed among
    the files not read."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def number(
    value: Any,
    file: Path | str,
    fld: str,
    *,
    positive: bool = False,
    allow_inf: bool = False,
) -> float:
    """A finite (or, when allowed, infinite) number, else an InputError naming the field."""
    if type(value) is float and (value > 0 or (value == 0 and not positive)) and value != math.inf:
        return value  # the common case, checked first: readers call this for every statistic of every file
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(file, fld, f"expected a number, got {describe(value)}")
    try:
        v = float(value)
    except OverflowError:  # an integer too large for a float
        raise InputError(file, fld, "expected a finite number, got an integer too large to use") from None
    if math.isnan(v) or (math.isinf(v) and not allow_inf):
        raise InputError(file, fld, f"expected a finite number, got {value!r}")
    if v < 0 or (positive and v == 0):
        raise InputError(file, fld, f"expected a number {'greater than 0' if positive else '>= 0'}, got {value!r}")
    return v


def optional_number(value: Any, file: Path | str, fld: str, **kw: Any) -> float | None:
    return None if value is None or value == "" else number(value, file, fld, **kw)


def mapping_at(o: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """``o[key]`` when it is an object, else an empty one: optional nested blocks read without a None check."""
    v = o.get(key)
    return v if isinstance(v, Mapping) else {}


def text_at(o: Mapping[str, Any], key: str, default: str = "") -> str:
    """``o[key]`` when it is a string, else ``default``: optional text fields typed as text."""
    v = o.get(key)
    return v if isinstance(v, str) else default


def describe(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, str):
        return f"text {v[:40]!r}"
    if isinstance(v, bool):
        return f"boolean {v}"
    if isinstance(v, list):
        return "a list"
    if isinstance(v, int) and abs(v) > 10**30:
        return "a huge integer"
    if isinstance(v, Mapping):
        return "an object"
    return repr(v)


def get(obj: Mapping[str, Any], dotted: str, file: Path | str, *, required: bool = True) -> Any:
    """obj['a']['b'] for 'a.b'; an InputError naming the dotted field when it is missing or not an object."""
    cur: Any = obj
    for part in dotted.split("."):
        if type(cur) is not dict and not isinstance(cur, Mapping):  # a dict, as parsed JSON is, checked first
            raise InputError(file, dotted, f"expected an object at '{part}', got {describe(cur)}")
        if part not in cur:
            if required:
                raise InputError(file, dotted, "required field is missing")
            return None
        cur = cur[part]
    return cur


@functools.lru_cache(maxsize=1024)  # a handful of distinct names, asked for once per statistic per file
def normalise_statistic(name: str) -> str | None:
    """'avg'/'mean' -> 'avg', 'median'/'p50' -> 'p50', 'p99' -> 'p99', 'p99.9' -> 'p99.9'; others None."""
    n = name.lower()
    if n in ("avg", "mean"):
        return "avg"
    if n == "median":
        return "p50"
    if n in ("min", "max"):
        return n
    m = _PCT.match(n)
    if m:
        q = float(m.group(1))
        return f"p{q:g}" if 0 < q < 100 else None
    return None


def check_latency(stats: Mapping[str, Mapping[str, float]], file: Path | str, osl: float) -> None:
    """Flag latencies that look like seconds written into a millisecond field.

    No real request has a TTFT under 0.5 ms, an end-to-end latency under 0.05 ms per output token (20,000
    tokens/s for one request) or a gap between tokens under 0.05 ms; a value in seconds read as ms lands there.
    """

    def central(metric: str) -> tuple[str, float] | None:
        block = stats.get(metric, {})
        for s in ("avg", "p50"):
            if block.get(s) is not None:
                return s, block[s]
        return None

    floors = {"ttft": 0.5, "e2e": max(0.5, 0.05 * osl), "itl": 0.05, "tpot": 0.05}
    for metric, floor in floors.items():
        found = central(metric)
        if found is None:
            continue
        stat, value = found
        if value < floor and not (metric in ("itl", "tpot") and value == 0):
            raise InputError(
                file,
                f"{metric} latency",
                f"{stat} {value:g} ms is implausibly small (under {floor:g} ms"
                + (f" for requests of {osl:g} output tokens" if metric == "e2e" else "")
                + "); the value looks like seconds written into a millisecond field (expected milliseconds)",
            )


def model_text(value: Any) -> str:
    """A model name from a field that may hold a text or a list of texts; '' otherwise."""
    if isinstance(value, list) and value and isinstance(value[0], str):
        return value[0]
    return value if isinstance(value, str) else ""


_HF_CACHE = re.compile(r"models--([^/]+?)--([^/]+)")


@functools.lru_cache(maxsize=4096)  # a sweep names a few models thousands of times
def clean_model(name: str) -> str:
    """A readable model name: 'org/name' from a Hugging Face cache path, the last part of another local path."""
    name = name.strip()
    m = _HF_CACHE.search(name)
    if m:
        return f"{m.group(1)}/{m.group(2)}"
    if name.startswith(("/", "./", "~")):
        parts = [p for p in name.split("/") if p and p not in (".", "~")]
        return parts[-1] if parts else name
    return name


def error_only_failure(o: Mapping[str, Any]) -> str:
    """Why an AIPerf export that holds errors and no throughput measured nothing ('' when it is not one): every
    request failed, and the tool kept only ``error_request_count`` and ``error_summary``."""
    errors = o.get("error_summary")
    if "request_throughput" in o or not isinstance(errors, list) or not errors:
        return ""
    first = errors[0] if isinstance(errors[0], Mapping) else {}
    details = first.get("error_details")
    details = details if isinstance(details, Mapping) else first
    words = [str(details.get(k)) for k in ("code", "type", "message") if details.get(k) not in (None, "")]
    count = o.get("error_request_count")
    n = count.get("avg") if isinstance(count, Mapping) else count
    head = (
        f"all {n:g} requests failed"
        if isinstance(n, int | float) and not isinstance(n, bool)
        else "every request failed"
    )
    return head + (f": {' '.join(words)[:200]}" if words else "")


def load_yaml(text: str, file: Path | str) -> Any:
    """A YAML document through the assumptions' loader: PyYAML's safe loader (no tag constructs an object) that
    refuses a key given twice in one mapping, as JSON result files do; a syntax error is an InputError with its
    line."""
    import yaml

    from ..assumptions import DuplicateKey, unique_key_loader

    try:
        return yaml.load(text, Loader=unique_key_loader())  # noqa: S506 - a SafeLoader subclass
    except DuplicateKey as e:
        raise InputError(
            file,
            str(e.key)[:60],
            f"the key appears twice in one mapping (lines {e.first} and {e.second}); "
            "expected each key once (which value is meant?)",
        ) from None
    except RecursionError:
        raise InputError(file, None, "is nested too deeply to be a benchmark result file") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise InputError(file, None, f"is not valid YAML{where}: {problem}") from None
