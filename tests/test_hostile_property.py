"""Property: random extreme numbers (0, denormals, 1e308, negatives, NaN, inf, huge integers) in any numeric input
of an assumptions file, a result file or a workbook give exit 0 with finite numbers in summary.json, or exit 2 with
a one-line message; never exit 1, never a traceback, never a hang (each run has an alarm)."""

from __future__ import annotations

import json
import math
import signal
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tco_report.names import INPUT_BOUNDS

from . import hostile_workbooks as hw
from .test_hostile import GP_JSON, GP_SWEEP, RULES, fast, good_workbook, run  # noqa: F401 (fixtures)

EXTREMES = [0, -0.0, 5e-324, 2.2250738585072014e-308, 1e-300, 1e-12, 1, 1e12, 1e300, 1e308, -1, -1e308]
EXTREMES += [math.nan, math.inf, -math.inf, 10**18, 2**63, 10**400, -(10**400)]
numbers = st.one_of(
    st.sampled_from(EXTREMES),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**30), max_value=10**30),
)

# Every numeric input of the assumptions file, as (section, key) — hardware keys go into the first profile.
YAML_KEYS = [
    ("demand", k)
    for k in (
        "peak_requests_per_second",
        "uptime",
        "active_users_at_peak",
        "requests_per_user_per_minute",
        "average_requests_per_second",
    )
]
YAML_KEYS += [
    ("hardware", k)
    for k in (
        "initial_server_cost",
        "gpus_per_server",
        "depreciation_period",
        "yearly_hosting_cost",
        "yearly_software_cost",
        "server_power_kw",
        "pue",
        "electricity_price_per_kwh",
        "load_factor",
        "yearly_network_storage_cost",
        "yearly_operations_cost",
        "cloud_price_per_gpu_hour",
        "cloud_reserved_price_per_gpu_hour",
    )
]
YAML_KEYS += [("reference_prices", "input_per_1m_tokens"), ("reference_prices", "output_per_1m_tokens")]
YAML_KEYS += [("sizing", "target_utilisation"), ("sizing", "spare_servers"), ("finance", "cost_of_capital")]
YAML_KEYS += [("workload", "isl"), ("workload", "osl"), ("hosted_api", "input_per_1m_tokens")]
YAML_KEYS += [("hosted_api", "output_per_1m_tokens"), ("plan", "years"), ("plan", "demand_growth_per_year")]
YAML_KEYS += [("sensitivity", "step"), ("sla", "max_ms"), ("configs", "gpus_per_instance")]

CSV_COLUMNS = ("concurrency", "rps", "isl", "osl", "ttft_avg_ms", "e2e_p99_ms", "output_tps", "gpus_per_instance")
GP_FIELDS = (
    "request_throughput",
    "input_sequence_length",
    "output_sequence_length",
    "time_to_first_token",
    "inter_token_latency",
    "request_latency",
    "output_token_throughput",
)
WORKBOOK_NAMES = [
    "peakRequestsPerSecondInput",
    "uptime",
    "refInputPricePer1M",
    "refOutputPricePer1M",
    "hwInitialServerCost",
    "hwGPUsPerServer",
    "hwDepreciationPeriod",
    "hwPUE",
    "hwLoadFactor",
    "hwServerPowerKW",
    "hwElectricityPricePerKWh",
    "hwCloudPricePerGPUHour",
    "targetUtilisation",
    "spareServers",
    "costOfCapital",
    "planYears",
    "demandGrowthPerYear",
    "sensitivityStep",
    "latencyLimitMs",
    "cfgGPUsPerInstance",
    "bmRps",
    "bmIsl",
    "bmOsl",
    "bmConcurrency",
]

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


class Hang(BaseException):
    """A run that took far too long: raised by the alarm, past everything the CLI catches."""


def _alarm(signum: int, frame: object) -> None:
    raise Hang


def check(argv: list[str], out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(60)
    try:
        rc, stdout, err = run([*argv, "--out", str(out)], capsys)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert rc in (0, 2), err
    assert "Traceback" not in err + stdout
    if rc == 2:
        assert err.startswith("tco-report: error: ") and err.count("\n") == 1, err
        assert not out.exists() or not any(p.name.endswith(".tmp") for p in out.iterdir())
    else:
        summary = json.loads((out / "summary.json").read_text(), parse_constant=_refuse)
        _all_finite(summary)
        r = summary["recommended"]
        if r is not None and summary["assumptions"]["rounding"] == "whole":
            assert r["servers"] >= 1


def _refuse(name: str) -> None:
    raise AssertionError(f"summary.json holds {name}")


def _all_finite(node: object) -> None:
    if isinstance(node, float):
        assert math.isfinite(node)
    elif isinstance(node, dict):
        for v in node.values():
            _all_finite(v)
    elif isinstance(node, list):
        for v in node:
            _all_finite(v)


@SETTINGS
@given(key=st.sampled_from(YAML_KEYS), value=numbers)
def test_extreme_numbers_in_the_assumptions_file(key, value, fast, capsys):  # noqa: F811
    section, name = key
    data: dict = yaml.safe_load(RULES)
    if section == "hardware":
        data["hardware"] = [{name: value}]
    elif section == "sla":
        data["sla"] = [{"metric": "ttft", "statistic": "avg", "max_ms": value}]
    elif section == "configs":
        data["configs"] = [{"match": "*", "gpus_per_instance": value}]
    else:
        data[section] = {name: value}
    if section == "demand" and name in ("active_users_at_peak", "requests_per_user_per_minute"):
        data["demand"] = {"active_users_at_peak": value, "requests_per_user_per_minute": 10}
    with tempfile.TemporaryDirectory(prefix="tco-prop-") as tmp:
        a = Path(tmp) / "a.yaml"
        a.write_text(yaml.safe_dump(data))
        check([str(GP_SWEEP), "-a", str(a)], Path(tmp) / "out", capsys)


@SETTINGS
@given(column=st.sampled_from(CSV_COLUMNS), value=numbers, field=st.sampled_from(GP_FIELDS), value2=numbers)
def test_extreme_numbers_in_result_files(column, value, field, value2, fast, capsys):  # noqa: F811
    with tempfile.TemporaryDirectory(prefix="tco-prop-") as tmp:
        row = {"config": "a", "concurrency": 4, "rps": 5, "isl": 100, "osl": 50, "ttft_avg_ms": 40}
        row |= {"e2e_p99_ms": 900, "output_tps": 250, "gpus_per_instance": 1, column: value}
        csv = Path(tmp) / "in" / "points.csv"
        csv.parent.mkdir()
        csv.write_text(",".join(row) + "\n" + ",".join(repr(v) for v in row.values()).replace("'", "") + "\n")
        check([str(csv), "-a", str(_rules(tmp))], Path(tmp) / "out1", capsys)
        d = json.loads(GP_JSON.read_text())
        d[field]["avg"] = value2
        gp = Path(tmp) / "gp" / "cfg-concurrency10" / GP_JSON.name
        gp.parent.mkdir(parents=True)
        gp.write_text(json.dumps(d, allow_nan=True))
        check([str(gp), "-a", str(_rules(tmp))], Path(tmp) / "out2", capsys)


def _rules(tmp: str) -> Path:
    a = Path(tmp) / "a.yaml"
    a.write_text(RULES)
    return a


def _cell_of(good: Path, name: str) -> tuple[str, str]:
    from tco_report.workbook.xlsx import Package, column_letters

    pkg = Package(good, good.read_bytes())
    sheet, r1, c1, _, _ = pkg.areas(name)[0]
    member = pkg.sheet_paths[sheet]
    return member, f"{column_letters(c1)}{r1}"


def _xml_number(v: float | int) -> str:
    if isinstance(v, float) and not math.isfinite(v):
        return {math.inf: "INF", -math.inf: "-INF"}.get(v, "NaN")
    return repr(v)


@SETTINGS
@given(name=st.sampled_from(WORKBOOK_NAMES), value=numbers)
def test_extreme_numbers_in_a_workbook(name, value, good_workbook, fast, capsys):  # noqa: F811
    member, ref = _cell_of(good_workbook, name)
    with tempfile.TemporaryDirectory(prefix="tco-prop-") as tmp:
        wb = hw.rewrite(good_workbook, Path(tmp) / "w.xlsx", hw.cell_value(member, ref, _xml_number(value)))
        check(["--from-workbook", str(wb)], Path(tmp) / "out", capsys)


def test_the_bounds_cover_every_input_the_property_moves():
    """Each YAML key the property moves has its one definition in names.INPUT_BOUNDS (directly or by alias)."""
    alias = {
        "input_per_1m_tokens": "ref_input_price_per_1m",
        "output_per_1m_tokens": "ref_output_price_per_1m",
        "years": "plan_years",
        "step": "sensitivity_step",
        "max_ms": "latency_limit_ms",
    }
    assert all(alias.get(k, k) in INPUT_BOUNDS for _, k in YAML_KEYS)
