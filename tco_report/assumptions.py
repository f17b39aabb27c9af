"""Load and validate the cost-assumptions file (YAML, DESIGN.md section 3).

Every mistake stops with the file, the key and what was expected: an unknown key, a wrong type, a negative
price, zero GPUs per server. Keys left out take the post's example values (recorded as "default").
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import InputError
from .model import Assumptions, ConfigRule, HardwareProfile, SlaConstraint

METRICS = ("ttft", "itl", "e2e")
_STAT_WORDS = ("avg", "min", "max")
MAX_FILE_BYTES = 1_000_000

_HW_DEFAULT = HardwareProfile()
_DEFAULT = Assumptions()


class _Reader:
    """Checks one mapping of the file, remembering the dotted path for messages."""

    def __init__(self, file: str, path: str, data: Any):
        self.file, self.path = file, path
        if not isinstance(data, Mapping):
            raise InputError(file, path or "(top level)", f"expected a mapping of keys, got {_kind(data)}")
        self.data = data

    def allow(self, *keys: str) -> None:
        for k in self.data:
            if k not in keys:
                raise InputError(self.file, self._key(str(k)[:60]), f"unknown key; expected one of: {', '.join(keys)}")

    def _key(self, k: str) -> str:
        return f"{self.path}.{k}" if self.path else k

    def number(
        self, key: str, default: float, *, minimum: float = 0.0, strict: bool = False, maximum: float | None = None
    ) -> float:
        if key not in self.data:
            return default
        v = self.data[key]
        if isinstance(v, bool) or not isinstance(v, int | float) or not _finite(v):
            raise InputError(self.file, self._key(key), f"expected a finite number, got {_kind(v)}")
        if v < minimum or (strict and v == minimum):
            bound = f"greater than {minimum:g}" if strict else f"at least {minimum:g}"
            raise InputError(self.file, self._key(key), f"expected a number {bound}, got {v!r}")
        if maximum is not None and v > maximum:
            raise InputError(self.file, self._key(key), f"expected a number at most {maximum:g}, got {v!r}")
        return float(v)

    def whole(self, key: str, default: int | None, *, minimum: int = 1) -> int | None:
        if key not in self.data:
            return default
        v = self.data[key]
        if isinstance(v, bool) or not isinstance(v, int | float) or not _finite(v) or not float(v).is_integer():
            raise InputError(self.file, self._key(key), f"expected a whole number, got {_kind(v)}")
        if v < minimum:
            raise InputError(self.file, self._key(key), f"expected a whole number of at least {minimum}, got {v!r}")
        return int(v)

    def choice(self, key: str, default: str, options: tuple[str, ...]) -> str:
        if key not in self.data:
            return default
        v = self.data[key]
        if v not in options:
            raise InputError(self.file, self._key(key), f"expected one of {', '.join(options)}, got {_short(v)}")
        return v

    def text(self, key: str, default: str | None) -> str | None:
        if key not in self.data:
            return default
        v = self.data[key]
        if not isinstance(v, str) or not v.strip():
            raise InputError(self.file, self._key(key), f"expected a non-empty text, got {_kind(v)}")
        return v

    def seq(self, key: str) -> list[Any] | None:
        if key not in self.data:
            return None
        v = self.data[key]
        if not isinstance(v, list):
            raise InputError(self.file, self._key(key), f"expected a list, got {_kind(v)}")
        return v


def _finite(v: float) -> bool:
    """A finite number that fits a float (a YAML integer of 400 digits does not)."""
    try:
        return math.isfinite(v)
    except OverflowError:
        return False


def _short(v: Any) -> str:
    """A value for a message: texts quoted and cut to 40 characters, other values described."""
    return repr(v[:40]) if isinstance(v, str) else _kind(v)


def _kind(v: Any) -> str:
    if v is None:
        return "nothing (null)"
    if isinstance(v, bool):
        return f"a boolean ({v})"
    if isinstance(v, str):
        return f"a text ({v[:40]!r})"
    if isinstance(v, list):
        return "a list"
    if isinstance(v, Mapping):
        return "a mapping"
    if isinstance(v, int) and not _finite(v):
        return "an integer too large to use"
    return f"{type(v).__name__} {str(v)[:40]}"


def is_statistic(s: Any) -> bool:
    if not isinstance(s, str):
        return False
    if s in _STAT_WORDS:
        return True
    if s.startswith("p"):
        try:
            q = float(s[1:])
        except ValueError:
            return False
        return 0 < q < 100
    return False


def from_mapping(data: Any, file: str = "(assumptions)") -> Assumptions:
    """Validate a parsed assumptions mapping (the YAML file's content)."""
    if data is None:
        data = {}
    top = _Reader(file, "", data)
    top.allow("demand", "sla", "hardware", "reference_prices", "configs", "sizing", "workload")
    provenance: dict[str, str] = {}

    def mark(section: Mapping[str, Any], *names: tuple[str, str]) -> None:
        for key, snake in names:
            provenance[snake] = "file" if key in section else "default"

    demand = _Reader(file, "demand", data.get("demand", {}))
    demand.allow("peak_requests_per_second", "uptime")
    peak = demand.number("peak_requests_per_second", _DEFAULT.peak_requests_per_second, strict=True)
    uptime = demand.number("uptime", _DEFAULT.uptime, strict=True, maximum=1.0)
    mark(demand.data, ("peak_requests_per_second", "peak_requests_per_second"), ("uptime", "uptime"))

    sla = _DEFAULT.sla
    raw_sla = top.seq("sla")
    if raw_sla is not None:
        items = []
        for i, item in enumerate(raw_sla):
            r = _Reader(file, f"sla[{i}]", item)
            r.allow("metric", "statistic", "max_ms")
            for k in ("metric", "max_ms"):
                if k not in r.data:
                    raise InputError(file, f"sla[{i}].{k}", "required key is missing")
            metric = r.choice("metric", "ttft", METRICS)
            stat = r.data.get("statistic", "avg")
            if not is_statistic(stat):
                raise InputError(
                    file,
                    f"sla[{i}].statistic",
                    f"expected avg, min, max or a percentile such as p50, p90, p99; got {_short(stat)}",
                )
            items.append(SlaConstraint(metric, stat, r.number("max_ms", 0.0, strict=True)))
        sla = tuple(items)
    provenance["sla"] = "file" if raw_sla is not None else "default"
    provenance["latency_limit_ms"] = provenance["sla"]

    hardware = _DEFAULT.hardware
    raw_hw = top.seq("hardware")
    if raw_hw is not None:
        if not raw_hw:
            raise InputError(file, "hardware", "expected at least one hardware profile")
        profiles = []
        for i, item in enumerate(raw_hw):
            r = _Reader(file, f"hardware[{i}]", item)
            r.allow(
                "name",
                "initial_server_cost",
                "gpus_per_server",
                "depreciation_period",
                "depreciation_years",
                "yearly_hosting_cost",
                "yearly_software_cost",
                "software_licence_per",
            )
            if "depreciation_period" in r.data and "depreciation_years" in r.data:
                raise InputError(
                    file, f"hardware[{i}].depreciation_years", "give depreciation_period or its alias, not both"
                )
            dep_key = "depreciation_years" if "depreciation_years" in r.data else "depreciation_period"
            profiles.append(
                HardwareProfile(
                    name=r.text("name", "default" if i == 0 else f"profile{i + 1}") or "default",
                    initial_server_cost=r.number("initial_server_cost", _HW_DEFAULT.initial_server_cost),
                    gpus_per_server=r.whole("gpus_per_server", _HW_DEFAULT.gpus_per_server) or 1,
                    depreciation_period=r.number(dep_key, _HW_DEFAULT.depreciation_period, strict=True),
                    yearly_hosting_cost=r.number("yearly_hosting_cost", _HW_DEFAULT.yearly_hosting_cost),
                    yearly_software_cost=r.number("yearly_software_cost", _HW_DEFAULT.yearly_software_cost),
                    software_licence_per=r.choice(
                        "software_licence_per", _HW_DEFAULT.software_licence_per, ("server", "gpu")
                    ),
                )
            )
            if i == 0:
                mark(
                    r.data,
                    ("initial_server_cost", "initial_server_cost"),
                    ("gpus_per_server", "gpus_per_server"),
                    (dep_key, "depreciation_period"),
                    ("yearly_hosting_cost", "yearly_hosting_cost"),
                    ("yearly_software_cost", "yearly_software_cost"),
                    ("software_licence_per", "software_licence_per"),
                )
        names = [p.name for p in profiles]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise InputError(file, "hardware", f"profile names must be unique; repeated: {', '.join(sorted(dup))}")
        hardware = tuple(profiles)
    else:
        mark(
            {},
            *[
                (k, k)
                for k in (
                    "initial_server_cost",
                    "gpus_per_server",
                    "depreciation_period",
                    "yearly_hosting_cost",
                    "yearly_software_cost",
                    "software_licence_per",
                )
            ],
        )

    prices = _Reader(file, "reference_prices", data.get("reference_prices", {}))
    prices.allow("input_per_1m_tokens", "output_per_1m_tokens")
    ref_in = prices.number("input_per_1m_tokens", _DEFAULT.ref_input_price_per_1m, strict=True)
    ref_out = prices.number("output_per_1m_tokens", _DEFAULT.ref_output_price_per_1m, strict=True)
    mark(
        prices.data,
        ("input_per_1m_tokens", "ref_input_price_per_1m"),
        ("output_per_1m_tokens", "ref_output_price_per_1m"),
    )

    rules = []
    for i, item in enumerate(top.seq("configs") or []):
        r = _Reader(file, f"configs[{i}]", item)
        r.allow("match", "gpus_per_instance", "hardware")
        if "match" not in r.data:
            raise InputError(file, f"configs[{i}].match", "required key is missing (a glob on config names)")
        hw_name = r.text("hardware", None)
        if hw_name is not None and hw_name not in {h.name for h in hardware}:
            raise InputError(
                file,
                f"configs[{i}].hardware",
                f"expected the name of a hardware profile ({', '.join(h.name for h in hardware)}), got {hw_name!r}",
            )
        rules.append(
            ConfigRule(
                match=r.text("match", "*") or "*",
                gpus_per_instance=r.whole("gpus_per_instance", None),
                hardware=hw_name,
            )
        )

    sizing = _Reader(file, "sizing", data.get("sizing", {}))
    sizing.allow("rounding")
    rounding = sizing.choice("rounding", "whole", ("whole", "fractional"))
    mark(sizing.data, ("rounding", "rounding"))

    workload = _Reader(file, "workload", data.get("workload", {}))
    workload.allow("isl", "osl")
    isl = workload.number("isl", 0.0, strict=True) if "isl" in workload.data else None
    osl = workload.number("osl", 0.0, strict=True) if "osl" in workload.data else None
    mark(workload.data, ("isl", "isl"), ("osl", "osl"))

    return Assumptions(
        peak_requests_per_second=peak,
        uptime=uptime,
        sla=sla,
        hardware=hardware,
        ref_input_price_per_1m=ref_in,
        ref_output_price_per_1m=ref_out,
        configs=tuple(rules),
        rounding=rounding,
        isl=isl,
        osl=osl,
        source=file,
        provenance=provenance,
    )


def load(path: str | os.PathLike[str]) -> Assumptions:
    """Read and validate an assumptions YAML file."""
    import yaml

    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(p, None, f"the assumptions file is {size:,} bytes; expected at most {MAX_FILE_BYTES:,}")
        raw = p.read_bytes()
    except FileNotFoundError:
        raise InputError(p, None, "file not found (expected a YAML assumptions file)") from None
    except IsADirectoryError:
        raise InputError(p, None, "is a folder; expected a YAML assumptions file") from None
    except OSError as e:
        raise InputError(p, None, f"cannot be read: {e.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(p, None, f"is not UTF-8 text (byte {e.start}); expected a YAML file") from None
    if not text.strip():
        raise InputError(
            p, None, "is empty; expected YAML with one or more of demand, sla, hardware, reference_prices, configs"
        )
    try:
        data = yaml.safe_load(text)
    except RecursionError:
        raise InputError(p, None, "is nested too deeply to be an assumptions file") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise InputError(p, None, f"is not valid YAML{where}: {problem}") from None
    return from_mapping(data, str(p))
