"""Property: whatever happens to a real result file (keys dropped, types changed, bytes cut or garbled), reading it
either gives sane points or stops with an InputError naming the file — never any other exception."""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tco_report.errors import InputError
from tco_report.ingest import read_paths

from .conftest import FIXTURES

REAL = FIXTURES / "real"
JSON_FILES = [
    next((REAL / "genai-perf").rglob("*concurrency10/*.json")),
    next((REAL / "aiperf").rglob("profile_export_aiperf.json")),
    next((REAL / "llmperf").rglob("groq_70b.json")),
    next((REAL / "inferencemax").rglob("agg_*conc4*.json")),
    next((REAL / "vllm").rglob("concurrency_8_*.json")),
    next((REAL / "guidellm").rglob("*_benchmarks.json")),
]
LINE_FILES = [
    next((REAL / "vllm").rglob("results.json")),
    next((REAL / "sglang").rglob("llama_3_3_70b_online_output.jsonl")),
]
TEXT_FILES = [
    next((REAL / "genai-perf").rglob("*concurrency250/*.csv")),
    next((REAL / "aiperf").rglob("profile_export_aiperf.csv")),
    FIXTURES / "plain" / "points.csv",
    *JSON_FILES[:5],
    LINE_FILES[1],
]
ODD_VALUES = [None, "", "12.5", "abc", [], {}, [1, 2], {"avg": "x"}, -1, 0, 1e-9, 10**400, math.nan, math.inf, True]


def _paths(node: Any, prefix: tuple = (), limit: int = 3000) -> list[tuple]:
    """Key paths into a JSON document (breadth-first, capped: GuideLLM's per-request samples are huge)."""
    out: list[tuple] = []
    queue = [(prefix, node)]
    while queue and len(out) < limit:
        path, cur = queue.pop(0)
        items = cur.items() if isinstance(cur, dict) else enumerate(cur) if isinstance(cur, list) else ()
        for k, v in items:
            out.append((*path, k))
            queue.append(((*path, k), v))
    return out


DOCS = {f: json.loads(f.read_text()) for f in JSON_FILES}
PATHS = {f: _paths(d) for f, d in DOCS.items()}


def _mutate(doc: Any, path: tuple, action: str, value: Any) -> Any:
    doc = json.loads(json.dumps(doc))
    parent = doc
    for k in path[:-1]:
        parent = parent[k]
    if action == "drop":
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return doc


def _check(f: Path) -> None:
    try:
        res = read_paths([f])
    except InputError as e:
        assert e.file is not None and str(f) in e.message or str(f.parent) in e.message, e.message
        return
    for p in res.points:  # a parse must give sane numbers
        assert p.rps > 0 and math.isfinite(p.rps)
        assert p.isl > 0 and p.osl > 0 and math.isfinite(p.isl) and math.isfinite(p.osl)
        assert p.concurrency is not None or p.request_rate is not None
        assert all(math.isfinite(v) and v >= 0 for stats in p.latency_ms.values() for v in stats.values())


def _read_written(name: str, data: bytes) -> None:
    """Write the damaged file into a fresh run folder (which gives a load level to a CSV) and check the outcome."""
    with tempfile.TemporaryDirectory(prefix="tco-prop-") as tmp:
        f = Path(tmp) / "run-concurrency4" / name
        f.parent.mkdir()
        f.write_bytes(data)
        _check(f)


SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(data=st.data())
def test_json_fixture_mutations(data):
    f = data.draw(st.sampled_from(JSON_FILES))
    path = data.draw(st.sampled_from(PATHS[f]))
    action = data.draw(st.sampled_from(["drop", "set"]))
    value = data.draw(st.sampled_from(ODD_VALUES))
    doc = _mutate(DOCS[f], path, action, value)
    _read_written(f.name, json.dumps(doc, allow_nan=True).encode())


@SETTINGS
@given(data=st.data())
def test_line_fixture_mutations(data):
    f = data.draw(st.sampled_from(LINE_FILES))
    records = [json.loads(x) for x in f.read_text().splitlines() if x.strip()]
    i = data.draw(st.integers(0, len(records) - 1))
    key = data.draw(st.sampled_from(sorted(records[i])))
    if data.draw(st.booleans()):
        del records[i][key]
    else:
        records[i][key] = data.draw(st.sampled_from(ODD_VALUES))
    _read_written(f.name, "\n".join(json.dumps(r, allow_nan=True) for r in records).encode())


@SETTINGS
@given(data=st.data())
def test_byte_level_damage(data):
    """Truncation, garbage spliced in, lines dropped: on JSON, JSONL and CSV files."""
    f = data.draw(st.sampled_from(TEXT_FILES))
    raw = f.read_bytes()
    kind = data.draw(st.sampled_from(["truncate", "splice", "drop_line"]))
    if kind == "truncate":
        raw = raw[: data.draw(st.integers(0, len(raw)))]
    elif kind == "splice":
        at = data.draw(st.integers(0, len(raw)))
        raw = raw[:at] + data.draw(st.binary(min_size=1, max_size=12)) + raw[at:]
    else:
        lines = raw.splitlines(keepends=True)
        del lines[data.draw(st.integers(0, len(lines) - 1))]
        raw = b"".join(lines)
    _read_written(f.name, raw)


@pytest.mark.parametrize(
    ("f", "settings_", "expected"),
    [
        (LINE_FILES[1], {"dataset_name": "sharegpt", "sharegpt_output_len": 10**400}, "sharegpt"),
        (LINE_FILES[1], {"dataset_name": "random", "random_input_len": 10**400, "random_output_len": 128}, "random"),
        (
            LINE_FILES[1],
            {
                "dataset_name": "random",
                "random_input_len": 512,
                "random_output_len": 128,
                "random_range_ratio": 10**400,
            },
            "isl512-osl128",
        ),
        (
            LINE_FILES[0],
            {"dataset_name": "random", "random_input_len": 10**400, "random_output_len": 128},
            "random-osl128",
        ),
    ],
)
def test_a_requested_length_no_float_holds_is_left_out_of_the_workload(f, settings_, expected):
    """The lengths a header says were asked for only name the workload: one too large for a float (as the property
    test above found) is left out of the name, and the points read as before."""
    records = [json.loads(x) for x in f.read_text().splitlines() if x.strip()][:1]
    records[0].update(settings_)
    with tempfile.TemporaryDirectory(prefix="tco-prop-") as tmp:
        g = Path(tmp) / f.name
        g.write_text("\n".join(json.dumps(r) for r in records))
        points = read_paths([g]).points
    assert [p.workload for p in points] == [expected]


def test_a_requested_mean_length_no_float_holds_is_left_out_of_a_genai_perf_workload(tmp_path):
    """GenAI-Perf's input_config means name the workload too: 10**400 as the input mean leaves only the output's."""
    f = JSON_FILES[0]
    doc = json.loads(f.read_text())
    doc["input_config"]["synthetic_input_tokens_mean"] = 10**400
    g = tmp_path / "run-concurrency10" / f.name
    g.parent.mkdir()
    g.write_text(json.dumps(doc))
    assert [p.workload for p in read_paths([g]).points] == ["osl50"]
