"""The assumptions loader meets bad files: each stops the CLI with exit 2, a message naming the file and the key,
no traceback and nothing written; YAML tags cannot run code."""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tco_report.assumptions import from_mapping, load
from tco_report.cli import main
from tco_report.errors import InputError

from .conftest import FIXTURES, ROOT

GP_JSON = next((FIXTURES / "real/genai-perf").rglob("*concurrency10/profile_export_genai_perf.json"))


def yaml_text(content: str | bytes) -> Callable[[Path], Path]:
    def build(tmp: Path) -> Path:
        f = tmp / "assumptions.yaml"
        f.write_bytes(content if isinstance(content, bytes) else content.encode())
        return f

    return build


def loop(tmp: Path) -> Path:
    os.symlink(tmp / "b.yaml", tmp / "a.yaml")
    os.symlink(tmp / "a.yaml", tmp / "b.yaml")
    return tmp / "a.yaml"


def folder(tmp: Path) -> Path:
    (tmp / "assumptions.yaml").mkdir()
    return tmp / "assumptions.yaml"


def missing(tmp: Path) -> Path:
    return tmp / "nowhere.yaml"


CASES = [
    ("empty", yaml_text(""), [None, "is empty"]),
    ("truncated", yaml_text("sla: [{metric: ttft, statistic: avg"), [None, "not valid YAML"]),
    ("top-level list", yaml_text("- demand\n- sla\n"), ["(top level)", "expected a mapping"]),
    (
        "price as text",
        yaml_text("hardware: [{initial_server_cost: 320k}]"),
        ["hardware[0].initial_server_cost", "finite number"],
    ),
    (
        "price NaN",
        yaml_text("hardware: [{initial_server_cost: .nan}]"),
        ["hardware[0].initial_server_cost", "finite number"],
    ),
    (
        "price infinity",
        yaml_text("hardware: [{yearly_hosting_cost: .inf}]"),
        ["hardware[0].yearly_hosting_cost", "finite number"],
    ),
    (
        "price negative",
        yaml_text("hardware: [{yearly_hosting_cost: -3000}]"),
        ["hardware[0].yearly_hosting_cost", "at least 0"],
    ),
    (
        "price huge integer",
        yaml_text("hardware: [{initial_server_cost: " + "9" * 400 + "}]"),
        ["hardware[0].initial_server_cost", "too large"],
    ),
    (
        "zero gpus per server",
        yaml_text("hardware: [{gpus_per_server: 0}]"),
        ["hardware[0].gpus_per_server", "at least 1"],
    ),
    (
        "zero depreciation",
        yaml_text("hardware: [{depreciation_years: 0}]"),
        ["hardware[0].depreciation_years", "at least 0.1"],
    ),
    ("non-utf8", yaml_text(b"demand: {peak_requests_per_second: 1\xff0}\n"), [None, "not UTF-8"]),
    ("2 MB file", yaml_text("# " + "x" * 2_000_000 + "\n"), [None, "2,000,003 bytes", "under 1,000,000"]),
    ("symlink loop", loop, [None, "cannot be read"]),
    ("folder", folder, [None, "is a folder"]),
    ("missing", missing, [None, "file not found"]),
    ("python tag", yaml_text('demand: !!python/object/apply:os.system ["touch pwned"]\n'), [None, "not valid YAML"]),
    ("deep nesting", yaml_text("sla: " + "[" * 1_000), [None, "nested too deeply"]),
    ("unknown key", yaml_text("demand: {peak_rps: 100}"), ["demand.peak_rps", "unknown key"]),
    ("unknown metric", yaml_text("sla: [{metric: ttfb, max_ms: 200}]"), ["sla[0].metric", "ttft"]),
    ("limit as text", yaml_text("sla: [{metric: ttft, max_ms: 250ms}]"), ["sla[0].max_ms", "finite number"]),
    ("uptime over 1", yaml_text("demand: {uptime: 1.5}"), ["demand.uptime", "at most 1"]),
    (
        "zero peak",
        yaml_text("demand: {peak_requests_per_second: 0}"),
        ["demand.peak_requests_per_second", "greater than 0"],
    ),
    (
        "fractional gpus per instance",
        yaml_text('configs: [{match: "*", gpus_per_instance: 2.5}]'),
        ["configs[0].gpus_per_instance", "whole number"],
    ),
    ("sla not a list", yaml_text("sla: {metric: ttft}"), ["field 'sla'", "expected a list"]),
    (
        "statistic unknown",
        yaml_text("sla: [{metric: ttft, statistic: p100, max_ms: 5}]"),
        ["sla[0].statistic", "percentile"],
    ),
]


@pytest.mark.parametrize(("name", "build", "fragments"), CASES, ids=[c[0] for c in CASES])
def test_bad_assumptions_exit_2(name, build, fragments, tmp_path, capsys):
    a = build(tmp_path)
    out = tmp_path / "out"
    rc = main([str(GP_JSON), "--assumptions", str(a), "--out", str(out)])
    err = capsys.readouterr().err
    assert rc == 2, err
    assert err.startswith(f"tco-report: error: {a}") and err.count("\n") == 1 and "Traceback" not in err, err
    field, *rest = fragments
    if field is not None:
        assert f"field '{field}'" in err or field in err, err
    for fragment in rest:
        assert fragment in err, (fragment, err)
    assert not out.exists()
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()


def test_the_api_raises_input_error_with_file_and_key(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("hardware: [{name: h, gpus_per_server: 8}, {name: h}]")
    with pytest.raises(InputError) as e:
        load(f)
    assert e.value.file == str(f) and e.value.field == "hardware" and "repeated: h" in e.value.problem


def test_good_file_still_loads(tmp_path):
    """Hardening keeps the public behaviour: a valid file loads with its values, others default."""
    f = tmp_path / "a.yaml"
    f.write_text("demand: {peak_requests_per_second: 40}\nsla: [{metric: e2e, statistic: p99, max_ms: 5000}]\n")
    a = load(f)
    assert a.peak_requests_per_second == 40 and a.sla[0].column == "e2e_p99" and a.hardware[0].gpus_per_server == 8
    assert a.provenance["peak_requests_per_second"] == "file" and a.provenance["uptime"] == "default"


# ---------------------------------------------------------------- property: mutated example files


EXAMPLES = [ROOT / "inputs/assumptions.yaml", ROOT / "inputs/assumptions_rich.yaml"]
ODD = [None, "", "abc", "12", [], {}, [{}], -1, 0, 0.5, 10**400, float("nan"), float("inf"), True, "*"]


def _paths(node, prefix=()):
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for k, v in items:
        yield (*prefix, k)
        yield from _paths(v, (*prefix, k))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_example_assumptions_load_or_input_error(data):
    src = data.draw(st.sampled_from([p for p in EXAMPLES if p.exists()]))
    doc = yaml.safe_load(src.read_text())
    path = data.draw(st.sampled_from(list(_paths(doc))))
    doc = copy.deepcopy(doc)
    parent = doc
    for k in path[:-1]:
        parent = parent[k]
    if data.draw(st.booleans()):
        del parent[path[-1]]
    else:
        parent[path[-1]] = data.draw(st.sampled_from(ODD))
    try:
        from_mapping(doc, "mutated.yaml")
    except InputError as e:
        assert e.file == "mutated.yaml" and e.problem
