"""A scenario as the inputs it changes in the base, so that --from-workbook reads the scenarios back.

A scenario of the assumptions file is the base with some keys laid over it. The Scenarios sheet stores, for each,
the inputs that differ from the base (``peak_requests_per_second``, ``hardware[default].initial_server_cost``,
``sla[0].max_ms``, ...); reading them back lays them over the workbook's base again, so an edited base carries into
every scenario as it does in the file. Pure: no workbook access here.
"""

from __future__ import annotations

import math
import re
from dataclasses import fields, replace
from typing import Any

from ..model import Assumptions, HardwareProfile, SlaConstraint
from ..names import INPUT_BOUNDS

_NOT_SCALAR = {"sla", "hardware", "configs", "scenarios", "source", "provenance"}
SCALARS = tuple(f.name for f in fields(Assumptions) if f.name not in _NOT_SCALAR)
_HW_FIELDS = tuple(f.name for f in fields(HardwareProfile) if f.name != "name")
_SLA_FIELDS = ("metric", "statistic", "max_ms")
_HW = re.compile(r"^hardware\[(.+)\]\.(\w+)$")
_SLA = re.compile(r"^sla\[(\d+)\]\.(\w+)$")


def overrides(base: Assumptions, scenario: Assumptions) -> list[tuple[str, Any]]:
    """(input, value) for each input the scenario changes; the SLA, when changed, in full."""
    out: list[tuple[str, Any]] = [
        (n, getattr(scenario, n)) for n in SCALARS if getattr(scenario, n) != getattr(base, n)
    ]
    if scenario.sla != base.sla:
        out.append(("sla.count", len(scenario.sla)))
        out += [(f"sla[{j}].{k}", getattr(c, k)) for j, c in enumerate(scenario.sla) for k in _SLA_FIELDS]
    by_name = {h.name: h for h in base.hardware}
    for h in scenario.hardware:
        old = by_name.get(h.name)
        out += [
            (f"hardware[{h.name}].{k}", getattr(h, k))
            for k in _HW_FIELDS
            if old is None or getattr(h, k) != getattr(old, k)
        ]
    return out


def _typed(template: Any, value: Any, what: str, optional: bool, bounds: str | None = None) -> Any:
    """The value in the kind of the field it replaces, within the input's bounds (names.INPUT_BOUNDS[bounds], as
    the YAML loader and the Inputs sheet check it); ValueError saying what was expected."""
    if value is None or value == "":
        if optional:
            return None
        raise ValueError(f"expected a value for {what}, the cell is empty")
    if isinstance(template, str):
        if not isinstance(value, str):
            raise ValueError(f"expected a text for {what}, got {value!r}")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"expected a number for {what}, got {value!r}")
    b = INPUT_BOUNDS.get(bounds or "")
    if b is not None and not b.accepts(value):
        raise ValueError(f"expected {b.describe()} for {what}, got {value!r}")
    if isinstance(template, int) and not isinstance(template, bool):
        if not float(value).is_integer():
            raise ValueError(f"expected a whole number for {what}, got {value!r}")
        return int(value)
    return float(value)


_OPTIONAL = {f.name for f in fields(Assumptions) if "None" in str(f.type)}
_INT_SCALARS = {"spare_servers", "plan_years"}


def apply(base: Assumptions, rows: list[tuple[str, Any]], source: str) -> Assumptions:
    """The base with a scenario's stored inputs laid over it (hardware profiles merged by name)."""
    scalars: dict[str, Any] = {}
    hardware = {h.name: h for h in base.hardware}
    order = [h.name for h in base.hardware]
    sla: dict[int, dict[str, Any]] = {}
    count: int | None = None
    for key, value in rows:
        if key in SCALARS:
            template = getattr(base, key)
            if key in _INT_SCALARS:
                template = 0
            elif template is None:
                template = 0.0 if not isinstance(value, str) else ""
            scalars[key] = _typed(template, value, key, key in _OPTIONAL, key)
        elif key == "sla.count":
            count = _typed(0, value, key, False)
        elif m := _SLA.match(key):
            j, k = int(m.group(1)), m.group(2)
            if k not in _SLA_FIELDS:
                raise ValueError(f"unknown input {key!r}")
            sla.setdefault(j, {})[k] = _typed("" if k != "max_ms" else 0.0, value, key, False, "latency_limit_ms")
        elif m := _HW.match(key):
            name, k = m.group(1), m.group(2)
            if k not in _HW_FIELDS:
                raise ValueError(f"unknown input {key!r}")
            if name not in hardware:
                hardware[name], order = HardwareProfile(name=name), [*order, name]
            hardware[name] = replace(hardware[name], **{k: _typed(getattr(hardware[name], k), value, key, False, k)})
        else:
            raise ValueError(f"unknown input {key!r}")
    out = replace(base, **scalars, hardware=tuple(hardware[n] for n in order), scenarios=(), source=source)
    if count is not None:
        if sorted(sla) != list(range(count)) or any(set(v) != set(_SLA_FIELDS) for v in sla.values()):
            raise ValueError(f"expected {count} SLA constraints, each with metric, statistic and max_ms")
        out = replace(out, sla=tuple(SlaConstraint(**sla[j]) for j in range(count)))
    return out
