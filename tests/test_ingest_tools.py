"""Today's tool outputs, read from files the real tools wrote (tests/fixtures/tools/, made by tests/realtools.py;
see the README there) and from inference-perf's published demo results: every value is checked against the raw
file read with plain json/csv and the keys written here."""

from __future__ import annotations

import copy
import csv
import json
import shutil
from pathlib import Path

import pytest

from tco_report.errors import InputError
from tco_report.ingest import IngestResult, _parse, aiperf, read_paths

from .conftest import FIXTURES

TOOLS = FIXTURES / "tools"
AIPERF = TOOLS / "aiperf-0.13.0"
SWEEP = AIPERF / "concurrency-sweep"
RATE = AIPERF / "rate-two-runs"
TRIALS = AIPERF / "sweep-two-trials"
INFPERF = FIXTURES / "real" / "inference-perf" / "kubecon-na-2025-vllm-awq" / "results"
LATENCY_KEYS = {"time_to_first_token": "ttft", "inter_token_latency": "itl", "request_latency": "e2e"}


def _raw_points(f: Path):
    return aiperf.read(_parse(f, explicit=True, result=IngestResult(points=[])))


def _expected_stats(block: dict) -> dict:
    """AIPerf's statistics as the project names them (avg, min, max, p1 ... p99; std/sum/count/unit are not kept)."""
    return {k: v for k, v in block.items() if k not in ("unit", "std", "sum", "count")}


# ---------------------------------------------------------------- AIPerf 0.13 (schema 1.4)


def test_aiperf_013_json_load_level_from_phases():
    res = read_paths([SWEEP])
    assert sorted(p.concurrency for p in res.points) == [1, 2, 4]
    for p in res.points:
        raw = json.loads(Path(p.source).read_text())
        (phase,) = [ph for ph in raw["input_config"]["phases"] if ph["kind"] == "profiling"]
        assert phase["type"] == "concurrency" and p.concurrency == phase["concurrency"] and p.request_rate is None
        assert Path(p.source).parent.name == f"concurrency_{phase['concurrency']}"
        assert p.rps == raw["request_throughput"]["avg"] and p.output_tps == raw["output_token_throughput"]["avg"]
        assert p.isl == raw["input_sequence_length"]["avg"] and p.osl == raw["output_sequence_length"]["avg"]
        for key, metric in LATENCY_KEYS.items():
            assert dict(p.latency_ms[metric]) == _expected_stats(raw[key])
        assert (p.tool, p.tool_version, raw["aiperf_version"], raw["schema_version"]) == (
            "aiperf",
            "0.13.0",
            "0.13.0",
            "1.4",
        )
        assert p.model == raw["input_config"]["models"]["items"][0]["name"] == "tiny"


def test_aiperf_013_sweep_copies_and_aggregates_count_once():
    """A sweep folder holds each run once at its own level, per-phase copies (phases/warmup, phases/profiling), a
    per-level aggregate and the sweep summary: only the runs are points, each copy or aggregate is named as skipped."""
    res = read_paths([SWEEP])
    assert len(res.points) == 3 and all(Path(p.source).name == "profile_export_aiperf.json" for p in res.points)
    assert all("phases" not in Path(p.source).parts for p in res.points)
    skipped = "\n".join(res.skipped)
    assert skipped.count("copy of the warmup phase") == 3 and skipped.count("copy of the profiling phase") == 3
    assert "average over repeated runs" in skipped
    assert "sweep summary over the 3 run file(s)" in skipped


def test_aiperf_013_sweep_summary_alone_matches_the_runs(tmp_path):
    """Without its runs, the sweep summary is read: one point per level, equal to the one run at each level."""
    dest = tmp_path / "only" / "sweep_aggregate"
    dest.mkdir(parents=True)
    shutil.copy(SWEEP / "sweep_aggregate" / "profile_export_aiperf_sweep.json", dest)
    alone = {p.concurrency: p for p in read_paths([dest.parent]).points}
    for run in read_paths([SWEEP]).points:
        got = alone[run.concurrency]
        assert got.rps == pytest.approx(run.rps) and got.osl == pytest.approx(run.osl)
        assert got.latency("ttft", "p99") == pytest.approx(run.latency("ttft", "p99"))


def test_aiperf_013_csv_alone(tmp_path):
    """The CSV records no load level: AIPerf's sweep folder name (concurrency_4) gives it; values to 2 decimals."""
    for run in SWEEP.glob("concurrency_*"):
        (tmp_path / run.name).mkdir()
        shutil.copy(run / "profile_export_aiperf.csv", tmp_path / run.name)
    by_c = {p.concurrency: p for p in read_paths([SWEEP]).points}
    got = read_paths([tmp_path]).points
    assert sorted(p.concurrency for p in got) == [1, 2, 4]
    for p in got:
        j = by_c[p.concurrency]
        assert p.rps == pytest.approx(j.rps, abs=0.006) and p.isl == pytest.approx(j.isl, abs=0.006)
        assert p.latency("ttft", "p99") == pytest.approx(j.latency("ttft", "p99"), abs=0.006)
        assert p.tool == "aiperf" and p.tool_version == ""  # the CSV does not record the version


def test_aiperf_013_request_rate_phase_warmup_ignored():
    """A request-rate run records a phase of type 'poisson' with its rate; the warmup phase before it is ignored."""
    (p,) = read_paths([RATE / "profile_runs" / "run_0001"]).points
    raw = json.loads(Path(p.source).read_text())
    kinds = [(ph["kind"], ph["type"], ph.get("rate")) for ph in raw["input_config"]["phases"]]
    assert kinds == [("warmup", "poisson", 20.0), ("profiling", "poisson", 20.0)]
    assert (p.concurrency, p.request_rate) == (None, 20.0)
    assert p.rps == raw["request_throughput"]["avg"]


def test_aiperf_013_repeats_are_marked_for_grouping():
    """--num-profile-runs: each run is its own point, marked as a repeat of one point (same group, own label)."""
    runs = [_raw_points(f)[0] for f in sorted(RATE.glob("profile_runs/run_*/profile_export_aiperf.json"))]
    assert [r.repeat_label for r in runs] == ["run_0001", "run_0002"]
    assert runs[0].repeat_group == runs[1].repeat_group != ""
    raw = json.loads((RATE / "profile_runs" / "run_0002" / "profile_export_aiperf.json").read_text())
    assert runs[1].repeat_group == f"aiperf:{raw['run_info']['sweep_id']}:{raw['run_info']['variation_label']}"
    # A sweep with two trials: one group per load level, two labels in each
    groups: dict[str, set[str]] = {}
    for f in TRIALS.glob("profile_runs/trial_*/concurrency_*/profile_export_aiperf.json"):
        (r,) = _raw_points(f)
        groups.setdefault(r.repeat_group, set()).add(f"{r.repeat_label}@c{r.concurrency:g}")
    assert sorted(sorted(v) for v in groups.values()) == [
        ["run_0001@c1", "run_0002@c1"],
        ["run_0001@c2", "run_0002@c2"],
        ["run_0001@c4", "run_0002@c4"],
    ]
    # A CSV (no run_info) is marked by its trial folder: both trials of one level share the group
    c1 = [_raw_points(f)[0] for f in sorted(TRIALS.glob("profile_runs/trial_*/concurrency_1/*.csv"))]
    assert c1[0].repeat_group == c1[1].repeat_group and [r.repeat_label for r in c1] == ["trial_0001", "trial_0002"]
    # A sweep of one trial: each level's run is alone in its group
    one = [_raw_points(f)[0].repeat_group for f in SWEEP.glob("concurrency_*/profile_export_aiperf.json")]
    assert len(set(one)) == 3


def _rewrite_csv(src: Path, dest: Path, row: str, column: str, value: str) -> None:
    rows = list(csv.reader(src.read_text().splitlines()))
    header = next(r for r in rows if r and r[0] == "Metric")
    for r in rows:
        if r and r[0] == row:
            r[header.index(column)] = value
            break
    else:
        raise AssertionError(f"no row {row}")
    dest.parent.mkdir(parents=True, exist_ok=True)
    with open(dest, "w", newline="") as fh:
        csv.writer(fh).writerows(rows)


def test_aiperf_unused_signed_metric_never_refuses_the_file(tmp_path):
    """'OSL Mismatch Diff % (%)' is signed by design and unused: a negative value reads; a used row is checked."""
    src = SWEEP / "concurrency_2" / "profile_export_aiperf.csv"
    f = tmp_path / "concurrency_2" / "profile_export_aiperf.csv"
    _rewrite_csv(src, f, "OSL Mismatch Diff % (%)", "avg", "-0.50")
    (p,) = read_paths([f]).points
    assert p.concurrency == 2 and p.rps == pytest.approx(
        json.loads(src.with_suffix(".json").read_text())["request_throughput"]["avg"], abs=0.006
    )
    _rewrite_csv(src, f, "Time to First Token (ms)", "avg", "-0.50")
    with pytest.raises(InputError) as e:
        read_paths([f])
    assert "field 'Time to First Token (ms) avg'" in str(e.value) and "expected a number >= 0" in str(e.value)
    # The same in the JSON: the unused key is not read, the used one is checked
    raw = json.loads(src.with_suffix(".json").read_text())
    raw["osl_mismatch_diff_pct"]["avg"] = -0.5
    j = tmp_path / "j" / "profile_export_aiperf.json"
    j.parent.mkdir()
    j.write_text(json.dumps(raw))
    assert read_paths([j]).points[0].concurrency == 2
    raw["time_to_first_token"]["p99"] = -1
    j.write_text(json.dumps(raw))
    with pytest.raises(InputError, match=r"field 'time_to_first_token.p99': expected a number >= 0"):
        read_paths([j])


def test_aiperf_phases_without_a_profiling_phase_or_with_two(tmp_path):
    raw = json.loads((SWEEP / "concurrency_4" / "profile_export_aiperf.json").read_text())
    phases = raw["input_config"]["phases"]
    f = tmp_path / "run" / "profile_export_aiperf.json"
    f.parent.mkdir()
    raw["input_config"]["phases"] = [ph for ph in phases if ph["kind"] == "warmup"]
    f.write_text(json.dumps(raw))
    with pytest.raises(InputError, match="no profiling phase is recorded"):
        read_paths([f])
    prof = next(ph for ph in phases if ph["kind"] == "profiling")
    raw["input_config"]["phases"] = [prof, {**prof, "name": "profiling2", "concurrency": 8}]
    f.write_text(json.dumps(raw))
    with pytest.raises(InputError, match="2 profiling phases at different load levels"):
        read_paths([f])
    raw["input_config"]["phases"] = [{**prof, "type": "constant", "rate": 2.5, "concurrency": 16}]
    f.write_text(json.dumps(raw))
    (p,) = read_paths([f]).points  # a rate phase: its concurrency is only a cap
    assert (p.concurrency, p.request_rate) == (None, 2.5)


def test_aiperf_trials_aggregate_alone_is_named(tmp_path):
    f = RATE / "aggregate" / "profile_export_aiperf_aggregate.json"
    with pytest.raises(InputError, match="holds no benchmark point of its own: AIPerf's average over repeated runs"):
        read_paths([f])


# ---------------------------------------------------------------- inference-perf


def test_inference_perf_stages_and_summary():
    """Each stage is one load level (its requested rate); latencies are seconds; the summary pools every stage and
    is skipped, so no request counts twice."""
    res = read_paths([INFPERF.parent])
    stages = sorted(INFPERF.glob("stage_*_lifecycle_metrics.json"))
    assert len(res.points) == len(stages) == 3
    by_rate = {p.request_rate: p for p in res.points}
    for f in stages:
        raw = json.loads(f.read_text())
        p = by_rate[raw["load_summary"]["requested_rate"]]
        ok = raw["successes"]
        assert p.concurrency is None and p.source == str(f)
        assert (
            p.rps == ok["throughput"]["requests_per_sec"] and p.output_tps == ok["throughput"]["output_tokens_per_sec"]
        )
        assert p.isl == ok["prompt_len"]["mean"] and p.osl == ok["output_len"]["mean"]
        for key, metric in (("time_to_first_token", "ttft"), ("inter_token_latency", "itl"),
                            ("time_per_output_token", "tpot"), ("request_latency", "e2e")):  # fmt: skip
            dist = ok["latency"][key]
            assert p.latency(metric, "avg") == pytest.approx(dist["mean"] * 1000)
            assert p.latency(metric, "p50") == pytest.approx(dist["median"] * 1000)
            assert p.latency(metric, "p99") == pytest.approx(dist["p99"] * 1000)
            assert p.latency(metric, "p99.9") == pytest.approx(dist["p99.9"] * 1000)
        assert (p.tool, p.tool_version) == ("inference-perf", "")  # the files record no version
    assert sorted(by_rate) == [1.0, 27.63, 54.25]
    assert any("summary_lifecycle_metrics.json: inference-perf's summary over all stages" in s for s in res.skipped)
    with pytest.raises(InputError, match="holds no benchmark point of its own: inference-perf's summary"):
        read_paths([INFPERF / "summary_lifecycle_metrics.json"])


def test_inference_perf_concurrent_stage_and_newer_token_keys(tmp_path):
    """The concurrent load type records the stage's concurrency beside a derived rate (inference_perf/reportgen/
    base.py summarize_requests): the concurrency is the load level. Later builds name the token counts
    prompt_tokens / output_tokens (with total, cached, mean ...)."""
    raw = json.loads((INFPERF / "stage_1_lifecycle_metrics.json").read_text())
    raw["load_summary"]["concurrency"] = 16
    ok = raw["successes"]
    ok["prompt_tokens"] = {"total": 1000.0, "cached": 0.0, "uncached": 1000.0, "mean": 140.5}
    ok["output_tokens"] = {"total": 900.0, "mean": 120.25}
    del ok["prompt_len"], ok["output_len"]
    f = tmp_path / "stage_0_lifecycle_metrics.json"
    f.write_text(json.dumps(raw))
    (p,) = read_paths([f]).points
    assert (p.concurrency, p.request_rate, p.isl, p.osl) == (16, None, 140.5, 120.25)
    ok["latency"]["time_to_first_token"]["mean"] = "fast"
    f.write_text(json.dumps(raw))
    with pytest.raises(InputError, match=r"field 'successes.latency.time_to_first_token.mean': expected a number"):
        read_paths([f])


# ---------------------------------------------------------------- GuideLLM 0.8 JSON, CSV and YAML

GUIDELLM = TOOLS / "guidellm-0.8.1"


@pytest.mark.parametrize("run", ["concurrent", "constant"])
def test_guidellm_json_csv_yaml_give_the_same_points(run):
    """The three outputs of one `guidellm run` hold the same benchmarks: the same load levels, throughput, token
    counts and latency statistics (the CSV lists no p99.9, the rest is equal to the last bit)."""
    pts = {ext: read_paths([GUIDELLM / run / f"benchmarks.{ext}"]).points for ext in ("json", "csv", "yaml")}
    raw = json.loads((GUIDELLM / run / "benchmarks.json").read_text())
    assert len(pts["json"]) == len(pts["csv"]) == len(pts["yaml"]) == len(raw["benchmarks"])
    for j, c, y, b in zip(pts["json"], pts["csv"], pts["yaml"], raw["benchmarks"], strict=True):
        m = b["metrics"]
        assert j.rps == m["requests_per_second"]["successful"]["mean"]
        assert j.latency("e2e", "p99") == m["request_latency"]["successful"]["percentiles"]["p99"] * 1000
        for p in (c, y):
            assert (p.concurrency, p.request_rate, p.rps, p.isl, p.osl, p.output_tps) == (
                j.concurrency, j.request_rate, j.rps, j.isl, j.osl, j.output_tps,
            )  # fmt: skip
            assert (p.model, p.tool, p.tool_version) == ("tiny", "guidellm", raw["metadata"]["guidellm_version"])
        assert {k: dict(v) for k, v in y.latency_ms.items()} == {k: dict(v) for k, v in j.latency_ms.items()}
        for metric, stats in j.latency_ms.items():
            assert dict(c.latency_ms[metric]) == {s: v for s, v in stats.items() if s != "p99.9"}
    strategies = [b["config"]["strategy"] for b in raw["benchmarks"]]
    if run == "concurrent":
        assert [p.concurrency for p in pts["csv"]] == [s["streams"] for s in strategies] == [1, 2, 4]
    else:
        assert [p.request_rate for p in pts["csv"]] == [s["rate"] for s in strategies] == [20.0]


def test_guidellm_folder_with_json_csv_yaml_counts_each_benchmark_once(tmp_path):
    res = read_paths([GUIDELLM])
    assert sorted((Path(p.source).parent.name, p.load) for p in res.points) == [
        ("concurrent", 1), ("concurrent", 2), ("concurrent", 4), ("constant", 20.0)
    ]  # fmt: skip
    assert all(p.source.endswith("benchmarks.json") for p in res.points)
    # Without the JSON the YAML is read, and the CSV beside it still gives way
    shutil.copy(GUIDELLM / "constant" / "benchmarks.yaml", tmp_path)
    shutil.copy(GUIDELLM / "constant" / "benchmarks.csv", tmp_path)
    (p,) = read_paths([tmp_path]).points
    assert p.source.endswith("benchmarks.yaml") and p.request_rate == 20.0


def test_guidellm_csv_bad_cells_name_the_column(tmp_path):
    rows = list(csv.reader((GUIDELLM / "constant" / "benchmarks.csv").read_text().splitlines()))
    col = next(i for i in range(len(rows[0])) if rows[0][i] == "Benchmark" and rows[1][i] == "Strategy")
    rows[3][col] = "sweep@3"
    f = tmp_path / "b.csv"
    with open(f, "w", newline="") as fh:
        csv.writer(fh).writerows(rows)
    with pytest.raises(InputError, match=r"row 4\), field 'Benchmark / Strategy': expected synchronous"):
        read_paths([f])
    rows[3][col] = "poisson@2.50"
    rps = next(i for i in range(len(rows[0])) if rows[1][i] == "Successful Requests/Sec" and rows[2][i] == "Mean")
    rows[3][rps] = "-3"
    with open(f, "w", newline="") as fh:
        csv.writer(fh).writerows(rows)
    with pytest.raises(
        InputError, match=r"Server Throughput / Successful Requests/Sec / Mean': expected a number greater"
    ):
        read_paths([f])


def test_guidellm_yaml_is_read_safely(tmp_path):
    """YAML goes through the safe loader: a tag that would build a Python object is refused, not run."""
    f = tmp_path / "benchmarks.yaml"
    f.write_text("benchmarks:\n- !!python/object/apply:os.system ['echo hi']\n")
    with pytest.raises(InputError, match="is not valid YAML"):
        read_paths([f])
    cfg = tmp_path / "cfg" / "config.yaml"
    cfg.parent.mkdir()
    cfg.write_text("load:\n  type: constant\n")
    shutil.copy(GUIDELLM / "constant" / "benchmarks.yaml", cfg.parent)
    res = read_paths([cfg.parent])
    assert len(res.points) == 1 and any(
        "config.yaml: a YAML file that is not a GuideLLM report" in s for s in res.skipped
    )


def test_guidellm_yaml_with_a_key_given_twice_is_refused(tmp_path):
    """A key given twice in one mapping is an error naming the key and both lines, as in JSON result files and the
    assumptions (PyYAML alone would keep the last value silently)."""
    text = (GUIDELLM / "constant" / "benchmarks.yaml").read_text()
    f = tmp_path / "benchmarks.yaml"
    f.write_text(text.rstrip("\n") + "\nbenchmarks: []\n")
    last = len(f.read_text().splitlines())
    first = next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith("benchmarks:"))
    with pytest.raises(InputError) as e:
        read_paths([f])
    assert e.value.field == "benchmarks"
    assert f"the key appears twice in one mapping (lines {first} and {last})" in e.value.message


# ---------------------------------------------------------------- invariants

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tco_report.ingest.guidellm import _csv_strategy  # noqa: E402


@given(n=st.integers(1, 100_000), rate=st.floats(0.01, 1e5, allow_nan=False))
def test_guidellm_csv_strategy_reads_what_guidellm_writes(n, rate):
    """scheduler/strategies.py __str__: f"concurrent@{streams}", f"throughput@{max_concurrency}",
    f"constant@{rate:.2f}", f"poisson@{rate:.2f}"."""
    assert _csv_strategy(f"concurrent@{n}", "f") == (n, None)
    assert _csv_strategy(f"throughput@{n}", "f") == (n, None)
    for kind in ("constant", "poisson"):
        assert _csv_strategy(f"{kind}@{rate:.2f}", "f") == (None, float(f"{rate:.2f}"))


_PROFILING = json.loads((SWEEP / "concurrency_2" / "profile_export_aiperf.json").read_text())


@settings(max_examples=40, deadline=None)
@given(
    warmups=st.lists(
        st.fixed_dictionaries(
            {"type": st.sampled_from(["concurrency", "poisson", "constant"]), "concurrency": st.integers(1, 512)}
        ),
        max_size=3,
    ),
    at=st.integers(0, 3),
)
def test_aiperf_warmup_phases_never_change_the_load(tmp_path_factory, warmups, at):
    """However many warmup phases, of whatever type and level, stand before or after the profiling phase, the load
    level is the profiling phase's."""
    raw = copy.deepcopy(_PROFILING)
    prof = [ph for ph in raw["input_config"]["phases"] if ph["kind"] == "profiling"]
    phases = [{"name": f"warmup{i}", "kind": "warmup", "rate": 3.0, **w} for i, w in enumerate(warmups)]
    phases.insert(min(at, len(phases)), prof[0])
    raw["input_config"]["phases"] = phases
    f = tmp_path_factory.mktemp("w") / "profile_export_aiperf.json"
    f.write_text(json.dumps(raw))
    (p,) = read_paths([f]).points
    assert (p.concurrency, p.request_rate) == (2, None)
