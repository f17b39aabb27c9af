"""What a folder or file name says about a run: its load level, whether it is one repeat of several, its workload
and the server settings of a ``vllm bench sweep`` folder; the rest is the config name.

Conservative on purpose, because a token taken wrongly out of a name merges two configs or stops the run on a
disagreement with the file: a load token must be a whole ``-``/``_``-delimited part of the name or a ``key=value``
part. ``concurrency16``, ``conc16``, ``concurrency_16``, ``max_concurrency=16``, ``rate4``, ``qps4``, ``4qps``,
``request_rate=4`` count anywhere in the name; the short ``c32`` and ``r1.0`` only as the name's last part (so
``h100-c2-tp4`` keeps its ``c2``, and ``deepseek-r1`` its ``r1``: a rate needs a decimal point). ``run=1``, ``run_1``,
``run-1``, ``run1`` and ``trial_1`` mark a repeat. SGLang ``--tag`` names (``agg_n100_in512_out128_c32``) give the
workload (``in512_out128``) and the prompt count (``n100``, dropped with it).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import InputError
from ..names import POINT_BOUNDS

_NUM = r"\d+(?:\.\d+)?"
_B, _E = r"(?<![^-_])", r"(?![^-_])"  # a whole part: the name's edge or a - / _ on each side
_KV_LOAD = re.compile(_B + rf"(max_concurrency|concurrency|request_rate|rate|qps)=({_NUM}|inf)" + _E, re.I)
_KV_PROMPTS = re.compile(_B + r"num_prompts=\d+" + _E, re.I)
_KV_ISL = re.compile(_B + r"(?:random_input_len|input_len|isl)=(\d+)" + _E, re.I)
_KV_OSL = re.compile(_B + r"(?:random_output_len|output_len|osl)=(\d+)" + _E, re.I)
_REPEAT = re.compile(_B + r"(?:run|trial)(?:=|[-_])?(\d+)" + _E, re.I)
_CONC = re.compile(_B + r"(?:concurrency|conc)[-_]?(\d+)" + _E, re.I)
_RATE = re.compile(_B + rf"(?:(?:request_rate|rate|qps)[-_]?({_NUM}|inf)|({_NUM}|inf)qps)" + _E, re.I)
_INOUT = re.compile(_B + r"(?:in|isl)(\d+)[-_](?:out|osl)(\d+)" + _E, re.I)
_PROMPTS = re.compile(_B + r"n\d+" + _E)
_LAST_CONC = re.compile(r"(?:^|[-_])c(\d+)$")
_LAST_RATE = re.compile(r"(?:^|[-_])r(\d+\.\d+)$")
_DATE = re.compile(r"^(?:\d{8}[-_T]?\d{4,6}|\d{4}-\d{2}-\d{2}(?:[T_ -]\d{2}[-:]?\d{2}(?:[-:]?\d{2})?)?)$")
_SECTION = re.compile(r"(SERVE|BENCH)--")
_PAIR_SPLIT = re.compile(r"-(?=[A-Za-z_][\w.]*=)")


@dataclass(frozen=True)
class NameInfo:
    """What one name says. ``rest`` is the name with every recognised token taken out."""

    rest: str
    concurrency: float | None = None
    request_rate: float | None = None
    repeat: str = ""  # "run=1" when the name marks one repeat of several runs
    workload: str = ""
    server: str = ""  # vllm bench sweep's SERVE-- settings, e.g. "max_num_seqs=4"


# Folders a tool makes inside one run's folder, which name no config: AIPerf's multi-run
# (``<run>/profile_runs/run_0001/``, ``<run>/aggregate/``) and sweep (``sweep_aggregate/``) layouts.
LAYOUT_FOLDERS = frozenset({"profile_runs", "aggregate", "sweep_aggregate"})


@functools.lru_cache(maxsize=4096)
def is_date(name: str) -> bool:
    """A folder named by a timestamp (``20250101_120000``, ``2025-01-01``): the same sweep run again, not a config."""
    return bool(_DATE.match(name))


def requested_length(value: Any, *, whole: bool = True) -> float | None:
    """A token length a file's header says was asked for, as a workload name's ingredient: a whole number (any
    finite number when not ``whole``, as a mean is) within a point's ISL/OSL bounds, else None (left out of the
    name). It is a label, not a figure of the calculation, and an integer too large for a float (10**400) would fail
    to format instead of being ignored."""
    kinds = int if whole else (int, float)
    if not isinstance(value, kinds) or isinstance(value, bool) or not POINT_BOUNDS["isl"].accepts(value):
        return None
    return float(value)


def workload_name(isl: float | None = None, osl: float | None = None, dataset: str = "", extra: str = "") -> str:
    """The one spelling of a workload: ``isl512-osl128``, ``sharegpt``, ``sharegpt-osl256``, plus any extra settings.

    A synthetic ``random`` dataset is named by its lengths alone, so a name's ``in512_out128`` and a file's
    ``random_input_len: 512`` give the same workload."""
    parts = []
    if dataset and not (dataset.lower().startswith("random") and isl is not None and osl is not None):
        parts.append(dataset)
    if isl is not None:
        parts.append(f"isl{isl:g}")
    if osl is not None:
        parts.append(f"osl{osl:g}")
    if extra:
        parts.append(extra)
    return "-".join(parts)


def _number(text: str) -> float:
    return float("inf") if text.lower() == "inf" else float(text)


class _Found:
    def __init__(self, name: str) -> None:
        self.name = name
        self.conc: float | None = None
        self.rate: float | None = None

    def set(self, axis: str, value: float) -> None:
        old = getattr(self, axis)
        if old is not None and old != value:
            raise InputError(
                None,
                self.name[:80],
                f"the name carries two load levels ({old:g} and {value:g}); expected one per run folder or file",
            )
        setattr(self, axis, value)


@functools.lru_cache(maxsize=4096)  # the files of one folder share its name: parsed once
def parse_name(name: str) -> NameInfo:
    """Take the load level, repeat mark, workload and server settings out of one folder or file name."""
    found = _Found(name)
    server, bench = "", ""
    m = _SECTION.search(name)
    if m:
        prefix = name[: m.start()].rstrip("-_")
        sections: dict[str, str] = {}
        marks = list(_SECTION.finditer(name))
        for i, mk in enumerate(marks):
            end = marks[i + 1].start() if i + 1 < len(marks) else len(name)
            sections[mk.group(1)] = name[mk.end() : end].strip("-")
        server, bench = sections.get("SERVE", ""), sections.get("BENCH", "")
        name = prefix
    isl: float | None = None
    osl: float | None = None
    extras: list[str] = []
    if bench:
        for pair in _PAIR_SPLIT.split(bench):
            key, _, value = pair.partition("=")
            k = key.lower().replace("-", "_")
            if k in ("max_concurrency", "concurrency") and value:
                found.set("conc", _number(value))
            elif k in ("request_rate", "rate", "qps") and value:
                found.set("rate", _number(value))
            elif k == "num_prompts":
                continue
            elif k in ("random_input_len", "input_len") and value.isdigit():
                isl = float(value)
            elif k in ("random_output_len", "output_len") and value.isdigit():
                osl = float(value)
            else:
                extras.append(pair)
    rest, repeat = name, ""

    def cut(pattern: re.Pattern[str], text: str, on_match: Callable[[re.Match[str]], None]) -> str:
        def drop(mt: re.Match[str]) -> str:
            on_match(mt)
            return ""

        return pattern.sub(drop, text)

    def load_kv(mt: re.Match[str]) -> None:
        found.set("conc" if "concurrency" in mt.group(1).lower() else "rate", _number(mt.group(2)))

    def rep(mt: re.Match[str]) -> None:
        nonlocal repeat
        repeat = f"run={int(mt.group(1))}"

    def kv_isl(mt: re.Match[str]) -> None:
        nonlocal isl
        isl = float(mt.group(1))

    def kv_osl(mt: re.Match[str]) -> None:
        nonlocal osl
        osl = float(mt.group(1))

    def inout(mt: re.Match[str]) -> None:
        nonlocal isl, osl
        isl, osl = float(mt.group(1)), float(mt.group(2))

    rest = cut(_KV_LOAD, rest, load_kv)
    rest = cut(_KV_PROMPTS, rest, lambda mt: None)
    rest = cut(_KV_ISL, rest, kv_isl)
    rest = cut(_KV_OSL, rest, kv_osl)
    rest = cut(_REPEAT, rest, rep)
    rest = cut(_CONC, rest, lambda mt: found.set("conc", float(mt.group(1))))
    rest = cut(_RATE, rest, lambda mt: found.set("rate", _number(mt.group(1) or mt.group(2))))
    had_inout = bool(_INOUT.search(rest))
    rest = cut(_INOUT, rest, inout)
    rest = _tidy(rest)
    for pattern, axis in ((_LAST_CONC, "conc"), (_LAST_RATE, "rate")):
        mt = pattern.search(rest)
        if mt:
            found.set(axis, float(mt.group(1)))
            rest = _tidy(rest[: mt.start()])
    if had_inout:  # a tag's prompt count goes with its workload: agg_n100_in512_out128_c32
        rest = _tidy(_PROMPTS.sub("", rest))
    workload = workload_name(isl, osl, extra="-".join(extras)) if (isl or osl or extras) else ""
    if bench and "=" not in bench:  # a named bench combination (_benchmark_name)
        workload = bench
    return NameInfo(rest, found.conc, found.rate, repeat, workload, server)


def _tidy(text: str) -> str:
    """Runs of delimiters left by a cut collapse to one; none at either end."""
    return re.sub(r"([-_])[-_]+", r"\1", text).strip("-_")
