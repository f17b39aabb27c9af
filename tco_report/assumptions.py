"""Load and validate the cost-assumptions file (YAML; keys in the README, bounds in docs/method.md section 14).

Every mistake stops with the file, the key and what was expected: an unknown key, a wrong type, a negative
price, zero GPUs per server. Keys left out take the post's example values (recorded as "default").
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import InputError
from .files import read_regular
from .model import Assumptions, ConfigRule, HardwareProfile, SlaConstraint
from .names import (
    HARDWARE_EXTRAS,
    HARDWARE_POST_INPUTS,
    INPUT_BOUNDS,
    MAX_CONFIG_RULES,
    MAX_HARDWARE_PROFILES,
    MAX_SCENARIOS,
    MAX_SLA_CONSTRAINTS,
    SECONDS_PER_MINUTE,
)
from .text import clean

METRICS = ("ttft", "itl", "tpot", "e2e")
SECTIONS = (
    "demand",
    "sla",
    "hardware",
    "reference_prices",
    "configs",
    "sizing",
    "workload",
    "finance",
    "hosted_api",
    "plan",
    "sensitivity",
)
_STAT_WORDS = ("avg", "min", "max")
MAX_FILE_BYTES = 1_000_000

_HW_DEFAULT = HardwareProfile()
_HW_KEYS = HARDWARE_POST_INPUTS
_HW_EXTRAS = HARDWARE_EXTRAS
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

    def number(self, key: str, default: Any, snake: str | None = None) -> Any:
        """The number at ``key`` within the input's bounds (names.INPUT_BOUNDS[snake], snake defaulting to the
        key); a whole number for a whole input; ``default`` when the key is absent."""
        if key not in self.data:
            return default
        b = INPUT_BOUNDS[snake or key]
        v = self.data[key]
        if isinstance(v, bool) or not isinstance(v, int | float) or not _finite(v):
            raise InputError(self.file, self._key(key), f"expected a finite number ({b.describe()}), got {_kind(v)}")
        if not b.accepts(v):
            raise InputError(self.file, self._key(key), f"expected {b.describe()}, got {v!r}")
        return int(v) if b.whole else float(v)

    def count(self, key: str, items: list[Any], maximum: int) -> None:
        """At most ``maximum`` items in a list that drives work (each one is computed and written)."""
        if len(items) > maximum:
            raise InputError(self.file, self._key(key), f"has {len(items):,} entries; expected at most {maximum:,}")

    def choice(self, key: str, default: str, options: tuple[str, ...]) -> str:
        if key not in self.data:
            return default
        v = self.data[key]
        if v not in options:
            raise InputError(self.file, self._key(key), f"expected one of {', '.join(options)}, got {_short(v)}")
        return str(v)

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
    top.allow(*SECTIONS, "scenarios")
    provenance: dict[str, str] = {}

    def mark(section: Mapping[str, Any], *names: tuple[str, str]) -> None:
        for key, snake in names:
            provenance[snake] = "file" if key in section else "default"

    demand = _Reader(file, "demand", data.get("demand", {}))
    demand.allow(
        "peak_requests_per_second",
        "uptime",
        "active_users_at_peak",
        "requests_per_user_per_minute",
        "average_requests_per_second",
    )
    peak = demand.number("peak_requests_per_second", _DEFAULT.peak_requests_per_second)
    uptime = demand.number("uptime", _DEFAULT.uptime)
    users = demand.number("active_users_at_peak", None) if "active_users_at_peak" in demand.data else None
    per_user = (
        demand.number("requests_per_user_per_minute", None) if "requests_per_user_per_minute" in demand.data else None
    )
    average = (
        demand.number("average_requests_per_second", None) if "average_requests_per_second" in demand.data else None
    )
    if (users is None) != (per_user is None):
        missing = "requests_per_user_per_minute" if per_user is None else "active_users_at_peak"
        raise InputError(
            file, f"demand.{missing}", "expected both active_users_at_peak and requests_per_user_per_minute"
        )
    if users is not None and per_user is not None:
        if "peak_requests_per_second" in demand.data:
            raise InputError(
                file,
                "demand.peak_requests_per_second",
                "give the peak either as peak_requests_per_second or as active_users_at_peak x "
                "requests_per_user_per_minute, not both",
            )
        peak = users * per_user / SECONDS_PER_MINUTE
        if not INPUT_BOUNDS["peak_requests_per_second"].accepts(peak):
            raise InputError(
                file,
                "demand.active_users_at_peak",
                f"active_users_at_peak x requests_per_user_per_minute / 60 gives a peak of {peak:g} req/s; expected "
                f"{INPUT_BOUNDS['peak_requests_per_second'].describe()} req/s",
            )
    mark(
        demand.data,
        ("peak_requests_per_second", "peak_requests_per_second"),
        ("uptime", "uptime"),
        ("active_users_at_peak", "active_users_at_peak"),
        ("requests_per_user_per_minute", "requests_per_user_per_minute"),
        ("average_requests_per_second", "average_requests_per_second"),
    )
    if users is not None:
        provenance["peak_requests_per_second"] = "file"

    sla = _DEFAULT.sla
    raw_sla = top.seq("sla")
    if raw_sla is not None:
        top.count("sla", raw_sla, MAX_SLA_CONSTRAINTS)
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
            items.append(SlaConstraint(metric, stat, r.number("max_ms", 0.0, "latency_limit_ms")))
        sla = tuple(items)
    provenance["sla"] = "file" if raw_sla is not None else "default"
    provenance["latency_limit_ms"] = provenance["sla"]

    hardware = _DEFAULT.hardware
    raw_hw = top.seq("hardware")
    if raw_hw is not None:
        if not raw_hw:
            raise InputError(file, "hardware", "expected at least one hardware profile")
        top.count("hardware", raw_hw, MAX_HARDWARE_PROFILES)
        profiles = []
        for i, item in enumerate(raw_hw):
            r = _Reader(file, f"hardware[{i}]", item)
            r.allow(
                "name",
                "depreciation_years",  # depreciation_period's alias
                *_HW_KEYS,
                *_HW_EXTRAS,
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
                    gpus_per_server=r.number("gpus_per_server", _HW_DEFAULT.gpus_per_server),
                    depreciation_period=r.number(dep_key, _HW_DEFAULT.depreciation_period, "depreciation_period"),
                    yearly_hosting_cost=r.number("yearly_hosting_cost", _HW_DEFAULT.yearly_hosting_cost),
                    yearly_software_cost=r.number("yearly_software_cost", _HW_DEFAULT.yearly_software_cost),
                    software_licence_per=r.choice(
                        "software_licence_per", _HW_DEFAULT.software_licence_per, ("server", "gpu")
                    ),
                    server_power_kw=r.number("server_power_kw", _HW_DEFAULT.server_power_kw),
                    pue=r.number("pue", _HW_DEFAULT.pue),
                    electricity_price_per_kwh=r.number("electricity_price_per_kwh", 0.0),
                    load_factor=r.number("load_factor", _HW_DEFAULT.load_factor),
                    yearly_network_storage_cost=r.number("yearly_network_storage_cost", 0.0),
                    yearly_operations_cost=r.number("yearly_operations_cost", 0.0),
                    cloud_price_per_gpu_hour=r.number("cloud_price_per_gpu_hour", 0.0),
                    cloud_reserved_price_per_gpu_hour=r.number("cloud_reserved_price_per_gpu_hour", 0.0),
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
                    *[(k, k) for k in _HW_EXTRAS],
                )
        names = [p.name for p in profiles]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise InputError(file, "hardware", f"profile names must be unique; repeated: {', '.join(sorted(dup))}")
        hardware = tuple(profiles)
    else:
        mark({}, *[(k, k) for k in (*_HW_KEYS, *_HW_EXTRAS)])

    prices = _Reader(file, "reference_prices", data.get("reference_prices", {}))
    prices.allow("input_per_1m_tokens", "output_per_1m_tokens")
    ref_in = prices.number("input_per_1m_tokens", _DEFAULT.ref_input_price_per_1m, "ref_input_price_per_1m")
    ref_out = prices.number("output_per_1m_tokens", _DEFAULT.ref_output_price_per_1m, "ref_output_price_per_1m")
    mark(
        prices.data,
        ("input_per_1m_tokens", "ref_input_price_per_1m"),
        ("output_per_1m_tokens", "ref_output_price_per_1m"),
    )

    rules = []
    top.count("configs", top.seq("configs") or [], MAX_CONFIG_RULES)
    top.count("scenarios", top.seq("scenarios") or [], MAX_SCENARIOS)
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
                gpus_per_instance=r.number("gpus_per_instance", None),
                hardware=hw_name,
            )
        )

    sizing = _Reader(file, "sizing", data.get("sizing", {}))
    sizing.allow("rounding", "target_utilisation", "spare_servers")
    rounding = sizing.choice("rounding", "whole", ("whole", "fractional"))
    utilisation = sizing.number("target_utilisation", 1.0)
    spare = sizing.number("spare_servers", 0)
    mark(
        sizing.data,
        ("rounding", "rounding"),
        ("target_utilisation", "target_utilisation"),
        ("spare_servers", "spare_servers"),
    )

    finance = _Reader(file, "finance", data.get("finance", {}))
    finance.allow("cost_of_capital")
    cost_of_capital = finance.number("cost_of_capital", 0.0)
    mark(finance.data, ("cost_of_capital", "cost_of_capital"))

    workload = _Reader(file, "workload", data.get("workload", {}))
    workload.allow("isl", "osl")
    isl = workload.number("isl", None) if "isl" in workload.data else None
    osl = workload.number("osl", None) if "osl" in workload.data else None
    mark(workload.data, ("isl", "isl"), ("osl", "osl"))

    api = _Reader(file, "hosted_api", data.get("hosted_api", {}))
    api.allow("input_per_1m_tokens", "output_per_1m_tokens")
    api_in = api.number("input_per_1m_tokens", 0.0, "api_input_price_per_1m")
    api_out = api.number("output_per_1m_tokens", 0.0, "api_output_price_per_1m")
    mark(
        api.data, ("input_per_1m_tokens", "api_input_price_per_1m"), ("output_per_1m_tokens", "api_output_price_per_1m")
    )

    plan = _Reader(file, "plan", data.get("plan", {}))
    plan.allow("years", "demand_growth_per_year")
    plan_years = plan.number("years", None, "plan_years")
    growth = plan.number("demand_growth_per_year", 0.0)
    mark(plan.data, ("years", "plan_years"), ("demand_growth_per_year", "demand_growth_per_year"))

    sens = _Reader(file, "sensitivity", data.get("sensitivity", {}))
    sens.allow("step")
    step = sens.number("step", 0.2, "sensitivity_step")
    mark(sens.data, ("step", "sensitivity_step"))

    scenarios: list[tuple[str, Assumptions]] = []
    for i, item in enumerate(top.seq("scenarios") or []):
        r = _Reader(file, f"scenarios[{i}]", item)
        r.allow("name", *SECTIONS)
        name = r.text("name", None)
        if name is None:
            raise InputError(file, f"scenarios[{i}].name", "required key is missing (a name for the scenario)")
        if name in {n for n, _ in scenarios} or name == "base":
            raise InputError(file, f"scenarios[{i}].name", f"expected a unique name other than 'base', got {name!r}")
        merged = merge(
            {k: v for k, v in data.items() if k != "scenarios"}, {k: v for k, v in item.items() if k != "name"}
        )
        scenarios.append((name, from_mapping(merged, f"{file} (scenario '{name}')")))

    return Assumptions(
        api_input_price_per_1m=api_in,
        api_output_price_per_1m=api_out,
        plan_years=plan_years,
        demand_growth_per_year=growth,
        sensitivity_step=step,
        scenarios=tuple(scenarios),
        peak_requests_per_second=peak,
        uptime=uptime,
        sla=sla,
        hardware=hardware,
        ref_input_price_per_1m=ref_in,
        ref_output_price_per_1m=ref_out,
        configs=tuple(rules),
        rounding=rounding,
        target_utilisation=utilisation,
        spare_servers=spare,
        cost_of_capital=cost_of_capital,
        active_users_at_peak=users,
        requests_per_user_per_minute=per_user,
        average_requests_per_second=average,
        isl=isl,
        osl=osl,
        source=file,
        provenance=provenance,
    )


def merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """A scenario's assumptions: the base with the scenario's keys laid over it. Mappings merge key by key; the
    hardware list merges profile by profile (by name), so a scenario changes one price without repeating the rest;
    other lists (sla, configs) are replaced whole."""
    out = dict(base)
    for key, value in override.items():
        old = out.get(key)
        if isinstance(value, Mapping) and isinstance(old, Mapping):
            out[key] = merge(old, value)
        elif key == "hardware" and isinstance(value, list) and isinstance(old, list):
            by_name = {h.get("name", "default") if isinstance(h, Mapping) else None: h for h in old}
            merged = []
            for h in value:
                name = h.get("name", "default") if isinstance(h, Mapping) else None
                base_h = by_name.get(name)
                merged.append(merge(base_h, h) if isinstance(base_h, Mapping) and isinstance(h, Mapping) else h)
            names = {h.get("name", "default") for h in value if isinstance(h, Mapping)}
            merged += [h for h in old if isinstance(h, Mapping) and h.get("name", "default") not in names]
            out[key] = merged
        else:
            out[key] = value
    return out


def load(path: str | os.PathLike[str]) -> Assumptions:
    """Read and validate an assumptions YAML file (a regular file of at most MAX_FILE_BYTES)."""
    import yaml

    p = Path(path)
    raw = read_regular(p, MAX_FILE_BYTES, "a YAML assumptions file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(p, None, f"is not UTF-8 text (byte {e.start}); expected a YAML file") from None
    if not text.strip():
        raise InputError(
            p, None, "is empty; expected YAML with one or more of demand, sla, hardware, reference_prices, configs"
        )
    try:
        data = yaml.load(text, Loader=unique_key_loader())  # noqa: S506 - a SafeLoader subclass: no tag runs code
    except RecursionError:
        raise InputError(p, None, "is nested too deeply to be an assumptions file") from None
    except DuplicateKey as e:
        raise InputError(
            p,
            str(e.key)[:60],
            f"the key appears twice in one mapping (lines {e.first} and {e.second}); "
            "expected each key once (which value is meant?)",
        ) from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise InputError(p, None, f"is not valid YAML{where}: {problem}") from None
    return from_mapping(data, str(p))


class DuplicateKey(Exception):
    """A key given twice in one YAML mapping, with the lines of both."""

    def __init__(self, key: Any, first: int, second: int):
        super().__init__(key)
        self.key, self.first, self.second = key, first, second


@functools.cache
def unique_key_loader() -> type:
    """PyYAML's SafeLoader (no tag constructs an object), refusing a key given twice in one mapping (PyYAML keeps
    the last silently) and cleaning every text (tco_report.text.clean) as it enters the tool."""
    import yaml

    class Loader(yaml.SafeLoader):
        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            if isinstance(node, yaml.MappingNode):
                seen: dict[Any, int] = {}
                for key_node, _ in node.value:
                    if key_node.tag == "tag:yaml.org,2002:merge":
                        continue  # '<<' merges: its keys are meant to be overridden
                    key = self.construct_object(key_node, deep=True)
                    line = key_node.start_mark.line + 1
                    try:
                        if key in seen:
                            raise DuplicateKey(key, seen[key], line)
                        seen[key] = line
                    except TypeError:  # an unhashable key: SafeLoader reports it
                        continue
            return super().construct_mapping(node, deep=deep)

        def construct_clean_str(self, node: Any) -> str:
            return clean(self.construct_scalar(node))

    Loader.add_constructor("tag:yaml.org,2002:str", Loader.construct_clean_str)
    return Loader
