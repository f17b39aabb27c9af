"""A plain CSV with documented columns, for users of any other benchmark tool (README "Plain CSV").

One row per point. Required: ``config``, ``rps``, ``isl``, ``osl``, a load column (``concurrency`` and/or
``request_rate``) and at least one latency column ``<metric>_<statistic>_ms`` (metric ttft|itl|tpot|e2e,
statistic avg|p50|p90|p95|p99|...). Optional: ``output_tps``, ``gpus_per_instance``, ``model``, ``workload`` (what
was asked of the server, e.g. ``isl1000-osl200``: rows of different workloads are never ranked together).
"""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path

from ..errors import InputError
from .common import Parsed, RawPoint, check_latency, normalise_statistic, number

TOOL = "csv"
REQUIRED = ("config", "rps", "isl", "osl")
OPTIONAL = ("concurrency", "request_rate", "output_tps", "gpus_per_instance", "model", "workload")
_LATENCY = re.compile(r"^(ttft|itl|tpot|e2e)_([a-z0-9.]+)_ms$")


def _header(text: str) -> list[str]:
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    return [h.strip().lower() for h in next(csv.reader([first]), [])]


def detect(p: Parsed) -> bool:
    if p.is_json:
        return False
    h = _header(p.text)
    return "config" in h and "rps" in h


def _cell(raw: str, file: Path | str, fld: str, *, positive: bool = False, allow_inf: bool = False) -> float | None:
    raw = raw.strip()
    if raw == "":
        return None
    try:
        value = float(raw.replace(",", "")) if raw.lower() not in ("inf", "infinity") else math.inf
    except ValueError:
        raise InputError(file, fld, f"expected a number, got {raw[:40]!r}") from None
    return number(value, file, fld, positive=positive, allow_inf=allow_inf)


def _required(row: dict[str, str], where: str, col: str) -> float:
    v = _cell(row.get(col) or "", where, col, positive=True)
    if v is None:
        raise InputError(where, col, "expected a number greater than 0, got an empty cell")
    return v


def read(p: Parsed) -> list[RawPoint]:
    file = p.path
    reader = csv.DictReader(io.StringIO(p.text.lstrip("\ufeff")))
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    reader.fieldnames = fields
    first: dict[str, int] = {}
    for i, f in enumerate(fields, start=1):
        if f in first:
            raise InputError(
                file,
                f,
                f"the column appears twice in the header (columns {first[f]} and {i}); expected each column once "
                "(which one is meant?)",
            )
        first[f] = i
    for col in REQUIRED:
        if col not in fields:
            raise InputError(file, col, "required column is missing (see README, 'Plain CSV')")
    if "concurrency" not in fields and "request_rate" not in fields:
        raise InputError(file, "concurrency", "expected a 'concurrency' or a 'request_rate' column")
    latency_cols = {}
    for f in fields:
        m = _LATENCY.match(f)
        if m:
            stat = normalise_statistic(m.group(2))
            if stat is None:
                raise InputError(file, f, "unknown statistic; expected avg, min, max, p50, p90, p95, p99 ...")
            latency_cols[f] = (m.group(1), stat)
        elif f not in REQUIRED + OPTIONAL:
            raise InputError(
                file,
                f,
                "unknown column; expected config, rps, isl, osl, concurrency, request_rate, output_tps, "
                "gpus_per_instance, model, workload, or a latency column such as ttft_avg_ms",
            )
    if not latency_cols:
        raise InputError(file, "ttft_avg_ms", "expected at least one latency column such as ttft_avg_ms")
    points = []
    for n, row in enumerate(reader, start=2):
        where = f"{file} (line {n})"
        if None in row:
            raise InputError(where, None, f"row has more cells than the header's {len(fields)} columns")
        config = (row.get("config") or "").strip()
        if not config:
            raise InputError(where, "config", "expected a config name")
        latency: dict[str, dict[str, float]] = {}
        for col, (metric, stat) in latency_cols.items():
            v = _cell(row.get(col) or "", where, col)
            if v is not None:
                latency.setdefault(metric, {})[stat] = v
        conc = _cell(row.get("concurrency") or "", where, "concurrency", positive=True)
        rate = _cell(row.get("request_rate") or "", where, "request_rate", positive=True, allow_inf=True)
        if conc is None and rate is None:
            raise InputError(where, "concurrency", "expected a concurrency or a request_rate value")
        gpus = _cell(row.get("gpus_per_instance") or "", where, "gpus_per_instance", positive=True)
        if gpus is not None and not gpus.is_integer():
            raise InputError(where, "gpus_per_instance", f"expected a whole number, got {gpus:g}")

        osl = _required(row, where, "osl")
        check_latency(latency, where, osl)
        points.append(
            RawPoint(
                rps=_required(row, where, "rps"),
                isl=_required(row, where, "isl"),
                osl=osl,
                latency_ms=latency,
                concurrency=conc,
                request_rate=rate,
                output_tps=_cell(row.get("output_tps") or "", where, "output_tps"),
                gpus_per_instance=int(gpus) if gpus is not None else None,
                model=(row.get("model") or "").strip(),
                workload=(row.get("workload") or "").strip(),
                config=config,
                tool=TOOL,
                record=n,
            )
        )
    if not points:
        raise InputError(file, None, "the CSV has a header but no data rows")
    return points
