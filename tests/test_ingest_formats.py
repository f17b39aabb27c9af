"""Readers of issue 5's formats, each on real files where they exist (numbers checked against the raw file), else
on files shaped exactly as the tool's source writes them (the source file is named in each test)."""

from __future__ import annotations

import copy
import json
import math
import shutil
from pathlib import Path

import pytest

from tco_report.errors import InputError
from tco_report.ingest import READERS, read_paths
from tco_report.ingest.common import Parsed

from .conftest import FIXTURES
from .test_bad_input import summary_only  # noqa: F401  (a fixture)

REAL = FIXTURES / "real"
AIPERF = REAL / "aiperf/inferencemax-rocm-team-glm5.1-mi355x"
AIPERF_RUNS = sorted(AIPERF.rglob("profile_export_aiperf.json"))
SGL = REAL / "sglang/datacrunch-h200-benchmarks/sglang/outputs"
GUIDELLM = next((REAL / "guidellm").rglob("*_benchmarks.json"))
LLMPERF = REAL / "llmperf/llmperf-leaderboard/raw_data/summary"
INFMAX = REAL / "inferencemax/inferencex-kimik2.5-mi355x"


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _reader_of(path: Path) -> str:
    from tco_report.ingest import IngestResult, _parse

    parsed = _parse(path, explicit=True, result=IngestResult(points=[]))
    assert isinstance(parsed, Parsed)
    return next(r.__name__.rsplit(".", 1)[1] for r in READERS if r.detect(parsed))


# ---------------------------------------------------------------- AIPerf


def test_aiperf_json_every_statistic():
    res = read_paths([AIPERF])
    assert [p.concurrency for p in res.points] == [4, 8]
    assert {p.config for p in res.points} == {"results"}
    for p in res.points:
        raw = json.loads(Path(p.source).read_text())
        assert p.concurrency == raw["input_config"]["loadgen"]["concurrency"]
        assert p.rps == raw["request_throughput"]["avg"] and p.output_tps == raw["output_token_throughput"]["avg"]
        assert p.isl == raw["input_sequence_length"]["avg"] and p.osl == raw["output_sequence_length"]["avg"]
        assert p.model == "amd/GLM-5.1-MXFP4" and p.tool == "aiperf" and p.tool_version == "0.8.0"
        for key, metric in (
            ("time_to_first_token", "ttft"),
            ("inter_token_latency", "itl"),
            ("request_latency", "e2e"),
        ):
            expected = {s: v for s, v in raw[key].items() if s not in ("unit", "std", "count", "sum")}
            assert dict(p.latency_ms[metric]) == expected


def test_aiperf_detected_before_genai_perf():
    """AIPerf mimics GenAI-Perf's JSON (request_throughput.avg + input_config): its markers must win."""
    assert _reader_of(AIPERF_RUNS[0]) == "aiperf"
    assert _reader_of(AIPERF_RUNS[0].with_suffix(".csv")) == "aiperf"


def test_aiperf_csv_alone_matches_json(tmp_path):
    """The CSV (``Metric,avg,min,max,sum,p1,...``, CRLF) has no load level: it comes from the run folder name."""
    for run in AIPERF_RUNS:
        dest = tmp_path / "cfg" / run.parent.parent.name / run.parent.name
        dest.mkdir(parents=True)
        shutil.copy(run.with_suffix(".csv"), dest)
    csv_points = read_paths([tmp_path]).points
    json_points = read_paths([AIPERF]).points
    assert [p.concurrency for p in csv_points] == [4, 8]
    for c, j in zip(csv_points, json_points, strict=True):
        assert c.rps == pytest.approx(j.rps, abs=0.005 + 1e-9)  # 0.16 vs 0.1615...: the CSV's 2 decimals
        assert c.isl == pytest.approx(j.isl, abs=0.005 + 1e-9) and c.osl == pytest.approx(j.osl, abs=0.005 + 1e-9)
        for metric, stats in j.latency_ms.items():
            assert set(c.latency_ms[metric]) == set(stats)
            for stat, v in stats.items():
                assert c.latency_ms[metric][stat] == pytest.approx(v, abs=0.005 + 1e-9)


# Shaped as src/aiperf/exporters/aggregate/aggregate_sweep_json_exporter.py writes it (ai-dynamo/aiperf, 2025-10,
# "schema byte-compatible with PR #699"; docs/formats.md, AIPerf): metric tag -> {mean, avg, std, min, max, cv,
# ci_*, pNN}.
def _sweep_2025() -> dict:
    def metric(v: float, unit: str, **pct: float) -> dict:
        return (
            {"mean": v, "avg": v, "std": 0.0, "min": v, "max": v, "cv": 0.0, "ci_low": v, "ci_high": v}
            | pct
            | {"unit": unit}
        )

    entries = []
    for c, rps, ttft in ((16, 6.81, 28.7), (32, 11.9, 41.0), (64, 17.2, 90.5)):
        entries.append(
            {
                "parameters": {"concurrency": c},
                "metrics": {
                    "request_throughput": metric(rps, "requests/sec"),
                    "time_to_first_token": metric(ttft, "ms", p50=ttft * 0.9, p99=ttft * 2.3),
                    "inter_token_latency": metric(9.5, "ms", p50=9.4, p99=12.0),
                    "request_latency": metric(2400.0, "ms", p50=2380.0, p99=2900.0),
                    "input_sequence_length": metric(1000.0, "tokens"),
                    "output_sequence_length": metric(250.0, "tokens"),
                    "output_token_throughput": metric(rps * 250, "tokens/sec"),
                },
            }
        )
    return {
        "aggregation_type": "sweep",
        "num_profile_runs": 3,
        "num_successful_runs": 3,
        "failed_runs": [],
        "metadata": {"sweep_parameters": [{"name": "concurrency", "values": [16, 32, 64]}], "num_combinations": 3},
        "per_combination_metrics": entries,
        "best_configurations": {},
        "pareto_optimal": [],
    }


def test_aiperf_sweep_aggregate_is_n_points(tmp_path):
    f = tmp_path / "sweep_aggregate" / "profile_export_aiperf_sweep.json"
    f.parent.mkdir()
    data = _sweep_2025()
    f.write_text(json.dumps(data, indent=2))
    points = read_paths([f]).points
    assert [p.concurrency for p in points] == [16, 32, 64]
    for p, e in zip(points, data["per_combination_metrics"], strict=True):
        m = e["metrics"]
        assert p.rps == m["request_throughput"]["avg"] and p.isl == 1000 and p.osl == 250
        assert p.latency_ms["ttft"] == {
            "avg": m["time_to_first_token"]["avg"],
            "min": m["time_to_first_token"]["min"],
            "max": m["time_to_first_token"]["max"],
            "p50": m["time_to_first_token"]["p50"],
            "p99": m["time_to_first_token"]["p99"],
        }


def test_aiperf_sweep_flattened_2026_shape(tmp_path):
    """src/aiperf/orchestrator/aggregation/sweep.py (2026): metrics keyed '<tag>_<stat>' -> {mean over trials}."""
    entries = []
    for c, rps in ((10, 5.0), (20, 9.0)):
        m = {
            "request_throughput_avg": {"mean": rps, "std": 0.1, "unit": "requests/sec"},
            "time_to_first_token_avg": {"mean": 30.0 + c, "std": 1.0, "unit": "ms"},
            "time_to_first_token_p99": {"mean": 80.0 + c, "std": 2.0, "unit": "ms"},
            "time_to_first_output_token_avg": {"mean": 999.0, "unit": "ms"},
            "input_sequence_length_avg": {"mean": 512.0},
            "output_sequence_length_avg": {"mean": 128.0},
        }
        entries.append({"parameters": {"concurrency": c}, "metrics": m})
    f = tmp_path / "profile_export_aiperf_sweep.json"
    f.write_text(json.dumps({"aggregation_type": "sweep", "per_combination_metrics": entries}))
    points = read_paths([f]).points
    assert [(p.concurrency, p.rps) for p in points] == [(10, 5.0), (20, 9.0)]
    assert points[0].latency_ms == {"ttft": {"avg": 40.0, "p99": 90.0}}


# ---------------------------------------------------------------- SGLang


def test_sglang_legacy_online_derives_rps_and_keeps_only_present_statistics():
    f = SGL / "llama_3_3_70b_online_output.jsonl"
    raws = _jsonl(f)
    assert all("request_throughput" not in r and "mean_ttft_ms" not in r for r in raws)
    points = read_paths([f]).points
    assert len(points) == len(raws) == 7
    # two workloads in one file: one config, each point with the workload it asked for (never ranked together)
    assert {p.config for p in points} == {"llama_3_3_70b_online_output"}
    assert {p.workload for p in points} == {"isl1024-osl1024-ratio0", "sharegpt"}
    for p, raw in zip(sorted(points, key=lambda p: p.record), raws, strict=True):
        assert p.workload == ("sharegpt" if raw["dataset_name"] == "sharegpt" else "isl1024-osl1024-ratio0")
    by_line = {p.record: p for p in points}
    for n, raw in enumerate(raws, start=1):
        p = by_line[n]
        assert p.rps == raw["completed"] / raw["duration"]
        assert p.request_rate == raw["request_rate"] and p.concurrency is None
        assert p.isl == raw["total_input_tokens"] / raw["completed"]
        assert p.osl == raw["total_output_tokens"] / raw["completed"]
        assert p.output_tps == raw["output_throughput"]
        assert p.latency_ms == {
            "e2e": {"avg": raw["mean_e2e_latency_ms"], "p50": raw["median_e2e_latency_ms"]},
            "ttft": {"p50": raw["median_ttft_ms"]},
            "itl": {"p50": raw["median_itl_ms"]},
        }
    # random_range_ratio 0.0: about half the requested 1024 tokens (docs/formats.md, SGLang)
    assert 480 < by_line[1].isl < 540


def test_sglang_infinity_rate_and_real_duplicate_run():
    """The offline file writes bare ``Infinity`` and holds the 4096/1024 run twice: a duplicate load level."""
    f = SGL / "llama_3_3_70b_offline_output.jsonl"
    assert b'"request_rate": Infinity' in f.read_bytes()
    with pytest.raises(InputError) as e:
        read_paths([f])
    assert "line 5" in str(e.value.file) and e.value.field == "concurrency"
    assert "rate=inf twice" in e.value.problem
    one = read_paths([SGL / "deepseek_dp_mla_output.jsonl"]).points
    assert len(one) == 1 and one[0].request_rate == math.inf and one[0].rps == 10000 / 412.49091206211597


def test_sglang_2025_line_with_request_throughput(tmp_path):
    """Keys as python/sglang/bench_serving.py (sgl-project/sglang @ 0033168f, 2025) builds ``result``."""
    line = {
        "backend": "sglang",
        "dataset_name": "random",
        "request_rate": float("inf"),
        "max_concurrency": 64,
        "sharegpt_output_len": None,
        "random_input_len": 1024,
        "random_output_len": 512,
        "random_range_ratio": 1.0,
        "duration": 100.0,
        "completed": 640,
        "total_input_tokens": 655360,
        "total_output_tokens": 327680,
        "total_output_tokens_retokenized": 327001,
        "request_throughput": 6.4,
        "input_throughput": 6553.6,
        "output_throughput": 3276.8,
        "mean_e2e_latency_ms": 9800.0,
        "median_e2e_latency_ms": 9700.0,
        "std_e2e_latency_ms": 300.0,
        "p99_e2e_latency_ms": 10500.0,
        "mean_ttft_ms": 210.0,
        "median_ttft_ms": 190.0,
        "std_ttft_ms": 40.0,
        "p99_ttft_ms": 400.0,
        "mean_tpot_ms": 18.8,
        "median_tpot_ms": 18.7,
        "std_tpot_ms": 0.5,
        "p99_tpot_ms": 20.0,
        "mean_itl_ms": 18.8,
        "median_itl_ms": 18.1,
        "std_itl_ms": 5.0,
        "p95_itl_ms": 25.0,
        "p99_itl_ms": 40.0,
        "concurrency": 62.7,
        "accept_length": None,
    }
    f = tmp_path / "sglang_1130_640_1024_512.jsonl"
    f.write_text(
        json.dumps(line) + "\n" + json.dumps(line | {"max_concurrency": 128, "request_throughput": 9.0}) + "\n"
    )
    assert "Infinity" in f.read_text()
    points = read_paths([f]).points
    assert [(p.concurrency, p.rps) for p in points] == [(64, 6.4), (128, 9.0)]
    p = points[0]
    assert p.isl == 1024 and p.osl == 512 and p.request_rate == math.inf
    assert p.latency_ms["ttft"] == {"avg": 210.0, "p50": 190.0, "p99": 400.0}
    assert p.latency_ms["itl"] == {"avg": 18.8, "p50": 18.1, "p95": 25.0, "p99": 40.0}
    assert p.latency_ms["e2e"] == {"avg": 9800.0, "p50": 9700.0, "p99": 10500.0}


# ---------------------------------------------------------------- GuideLLM


def test_guidellm_real_file_request_latency_in_seconds():
    raw = json.loads(GUIDELLM.read_text())
    (p,) = read_paths([GUIDELLM]).points
    m = raw["benchmarks"][0]["metrics"]
    assert p.concurrency == 1 and p.request_rate is None  # synchronous
    assert p.rps == m["requests_per_second"]["successful"]["mean"]
    assert p.isl == m["prompt_token_count"]["successful"]["mean"]
    assert p.osl == m["output_token_count"]["successful"]["mean"]
    assert p.output_tps == m["output_tokens_per_second"]["successful"]["mean"]
    e2e = m["request_latency"]["successful"]
    assert p.latency_ms["e2e"]["avg"] == e2e["mean"] * 1000 and p.latency_ms["e2e"]["p50"] == e2e["median"] * 1000
    assert p.latency_ms["e2e"]["p99.9"] == e2e["percentiles"]["p999"] * 1000
    ttft = m["time_to_first_token_ms"]["successful"]
    assert p.latency_ms["ttft"]["avg"] == ttft["mean"] and p.latency_ms["ttft"]["p0.1"] == ttft["percentiles"]["p001"]
    assert (
        p.latency_ms["ttft"]["p1"] == ttft["percentiles"]["p01"]
        and p.latency_ms["ttft"]["p5"] == ttft["percentiles"]["p05"]
    )
    assert p.latency_ms["itl"]["p90"] == m["inter_token_latency_ms"]["successful"]["percentiles"]["p90"]
    assert p.latency_ms["tpot"]["avg"] == m["time_per_output_token_ms"]["successful"]["mean"]
    assert p.model == "Qwen/Qwen3-30B-A3B" and p.tool_version == "0.5.0.dev0"


def test_guidellm_several_benchmarks_per_file(tmp_path):
    """A concurrent sweep (``--rate 1,2,4``) and a sweep profile's throughput/constant benchmarks, built from the
    real file's benchmark with the strategies of src/guidellm/scheduler/strategies.py (docs/formats.md, GuideLLM)."""
    raw = json.loads(GUIDELLM.read_text())
    base = raw["benchmarks"][0]
    strategies = [
        {"type_": "concurrent", "worker_count": 2, "streams": 2},
        {"type_": "concurrent", "worker_count": 4, "streams": 4},
        {"type_": "throughput", "worker_count": 8, "max_concurrency": None},
        {"type_": "constant", "worker_count": 8, "rate": 0.5},
    ]
    raw["benchmarks"] = []
    for i, s in enumerate(strategies):
        b = copy.deepcopy(base)
        b["config"]["strategy"] = s
        b["metrics"]["requests_per_second"]["successful"]["mean"] = 0.1 * (i + 1)
        raw["benchmarks"].append(b)
    f = tmp_path / "benchmarks.json"
    f.write_text(json.dumps(raw))
    points = read_paths([f]).points
    assert sorted((p.load_label, round(p.rps, 2)) for p in points) == [
        ("c=2", 0.1),
        ("c=4", 0.2),
        ("rate=0.5", 0.4),
        ("rate=inf", 0.3),
    ]


def test_guidellm_v02_args_strategy_and_median(tmp_path):
    """v0.2.x: ``args.strategy``, no p50 in percentiles (use ``median``), no top-level metadata."""
    raw = json.loads(GUIDELLM.read_text())
    b = copy.deepcopy(raw["benchmarks"][0])
    b["args"] = {"strategy": b.pop("config")["strategy"] | {"type_": "concurrent", "streams": 8}}
    for metric in b["metrics"].values():
        if isinstance(metric, dict) and isinstance(metric.get("successful"), dict):
            metric["successful"].get("percentiles", {}).pop("p50", None)
    f = tmp_path / "benchmarks.json"
    f.write_text(json.dumps({"benchmarks": [b]}))
    (p,) = read_paths([f]).points
    assert p.concurrency == 8
    assert p.latency_ms["ttft"]["p50"] == b["metrics"]["time_to_first_token_ms"]["successful"]["median"]


# ---------------------------------------------------------------- LLMPerf


def test_llmperf_seconds_and_rps_per_minute():
    points = read_paths([LLMPERF]).points
    assert len(points) == 3
    # files directly in PATH: each named after the model it records
    assert {p.config for p in points} == {
        "llama2-70b-4096",
        "meta-llama/Llama-2-70b-chat-hf",
        "meta.llama2-13b-chat-v1",
    }
    for p in points:
        raw = json.loads(Path(p.source).read_text())
        assert p.concurrency == raw["num_concurrent_requests"] == 5
        assert p.rps == raw["results_num_completed_requests_per_min"] / 60
        assert p.isl == raw["results_number_input_tokens_mean"] and p.osl == raw["results_number_output_tokens_mean"]
        assert p.output_tps == raw["results_mean_output_throughput_token_per_s"]
        for metric, name in (("ttft", "ttft_s"), ("itl", "inter_token_latency_s"), ("e2e", "end_to_end_latency_s")):
            stats = p.latency_ms[metric]
            assert stats["avg"] == raw[f"results_{name}_mean"] * 1000
            assert stats["min"] == raw[f"results_{name}_min"] * 1000
            for q in (25, 50, 75, 90, 95, 99):
                assert stats[f"p{q}"] == raw[f"results_{name}_quantiles_p{q}"] * 1000
    groq = next(p for p in points if "groq" in p.source)
    assert groq.latency_ms["ttft"]["avg"] == pytest.approx(227.86, abs=0.01)


# ---------------------------------------------------------------- genai-bench


def _genai_bench_run(concurrency: int, unit: str = "s", scenario: str = "D(100,100)") -> dict:
    """As genai_bench/metrics/aggregated_metrics_collector.py save() writes it (sgl-project/genai-bench, 2025):
    AggregatedMetrics.model_dump() with stats from MetricStats.to_dict(), latencies converted by
    genai_bench/time_units.py only when ``_time_unit`` is ms."""
    k = 1000.0 if unit == "ms" else 1.0

    def stat(mean: float, scale: float = 1.0) -> dict:
        names = ("min", "max", "mean", "stddev", "sum", "p25", "p50", "p75", "p90", "p95", "p99")
        factors = (0.5, 2.0, 1.0, 0.1, 100.0, 0.8, 0.95, 1.1, 1.3, 1.4, 1.6)
        return {n: mean * f * scale for n, f in zip(names, factors, strict=True)}

    stats = {
        "ttft": stat(0.05 * concurrency, k),
        "tpot": stat(0.012, k),
        "e2e_latency": stat(1.3 + 0.05 * concurrency, k),
        "output_latency": stat(1.2, k),
        "output_inference_speed": stat(80.0),
        "num_input_tokens": stat(100.0),
        "num_output_tokens": stat(100.0),
        "total_tokens": stat(200.0),
        "input_throughput": stat(2000.0),
        "output_throughput": stat(80.0),
    }
    return {
        "aggregated_metrics": {
            "scenario": scenario,
            "num_concurrency": concurrency,
            "batch_size": 1,
            "iteration_type": "num_concurrency",
            "run_duration": 60.0,
            "mean_output_throughput_tokens_per_s": 70.0 * concurrency,
            "mean_input_throughput_tokens_per_s": 70.0 * concurrency,
            "mean_total_tokens_throughput_tokens_per_s": 140.0 * concurrency,
            "mean_total_chars_per_hour": 1.0,
            "requests_per_second": 0.7 * concurrency,
            "error_codes_frequency": {},
            "error_rate": 0.0,
            "num_error_requests": 0,
            "num_completed_requests": 42 * concurrency,
            "num_requests": 42 * concurrency,
            "total_arrivals": None,
            "arrival_requests_per_second": None,
            "stats": stats,
        },
        "individual_request_metrics": [{"ttft": 0.05 * k, "tpot": 0.012 * k, "error_code": None}],
        "_time_unit": unit,
    }


def test_genai_bench_experiment_folder(tmp_path):
    exp = tmp_path / "exp" / "openai_text-to-text_llama_20251130"
    exp.mkdir(parents=True)
    (exp / "experiment_metadata.json").write_text(
        json.dumps(
            {"api_model_name": "meta-llama/Llama-3.1-8B-Instruct", "num_concurrency": [1, 4], "task": "text-to-text"}
        )
    )
    for c in (1, 4):
        for scenario, tag in (("D(100,100)", "D_100_100"), ("D(2000,200)", "D_2000_200")):
            run = _genai_bench_run(c, scenario=scenario)
            (exp / f"{tag}_text-to-text_num_concurrency_{c}_time_60s.json").write_text(json.dumps(run, indent=4))
    points = read_paths([tmp_path / "exp"]).points
    # one deployment, two workloads (the scenarios): never ranked against each other
    assert {p.config for p in points} == {"openai_text-to-text_llama_20251130"}
    assert sorted({p.workload for p in points}) == ["D(100,100)", "D(2000,200)"]
    p = next(p for p in points if p.concurrency == 4 and p.workload == "D(100,100)")
    agg = _genai_bench_run(4)["aggregated_metrics"]
    assert p.rps == agg["requests_per_second"] and p.model == "meta-llama/Llama-3.1-8B-Instruct"
    assert p.isl == agg["stats"]["num_input_tokens"]["mean"] and p.osl == agg["stats"]["num_output_tokens"]["mean"]
    for metric, key in (("ttft", "ttft"), ("tpot", "tpot"), ("e2e", "e2e_latency")):
        s = agg["stats"][key]
        assert p.latency_ms[metric]["avg"] == pytest.approx(s["mean"] * 1000)
        assert p.latency_ms[metric]["p99"] == pytest.approx(s["p99"] * 1000)
        assert "stddev" not in p.latency_ms[metric] and "sum" not in p.latency_ms[metric]


def test_genai_bench_time_unit_ms(tmp_path):
    for unit in ("s", "ms"):
        (tmp_path / unit).mkdir()
        (tmp_path / unit / "run.json").write_text(json.dumps(_genai_bench_run(2, unit=unit)))
    a = read_paths([tmp_path / "s" / "run.json"]).points[0]
    b = read_paths([tmp_path / "ms" / "run.json"]).points[0]
    assert a.latency_ms["ttft"] == pytest.approx(b.latency_ms["ttft"]) and a.latency_ms["ttft"]["avg"] == pytest.approx(
        100.0
    )


# ---------------------------------------------------------------- InferenceMAX agg


def test_inferencemax_agg_seconds_gpus_and_approximate_rps():
    res = read_paths([INFMAX])
    assert len(res.points) == 3
    assert {p.config for p in res.points} == {"moonshotai/Kimi-K2.5"}
    assert sorted(p.workload for p in res.points) == ["isl1024-osl1024", "isl8192-osl1024", "isl8192-osl1024"]
    for p in res.points:
        raw = json.loads(Path(p.source).read_text())
        gpus = raw["tp"] * raw.get("pp", 1)
        assert p.gpus_per_instance == gpus == 8 and p.concurrency == raw["conc"]
        assert p.output_tps == raw["output_tput_per_gpu"] * gpus
        assert p.rps == raw["output_tput_per_gpu"] * gpus / raw["osl"]
        assert (p.isl, p.osl) == (raw["isl"], raw["osl"])
        for metric, key in (("ttft", "ttft"), ("tpot", "tpot"), ("itl", "itl"), ("e2e", "e2el")):
            assert p.latency_ms[metric] == pytest.approx(
                {
                    "avg": raw[f"mean_{key}"] * 1000,
                    "p50": raw[f"median_{key}"] * 1000,
                    "p90": raw[f"p90_{key}"] * 1000,
                    "p99": raw[f"p99_{key}"] * 1000,
                    "p99.9": raw[f"p99.9_{key}"] * 1000,
                }
            )
        assert p.tool == "inferencemax-agg"
    assert len(res.warnings) == 3 and all("approximate" in w for w in res.warnings)


def test_inferencemax_agg_list_and_multinode(tmp_path):
    """collect_results.py concatenates agg objects into a JSON list; multi-node runs divide output tokens/s by the
    decode GPUs (utils/process_result.py)."""
    runs = [json.loads(f.read_text()) for f in sorted(INFMAX.iterdir())]
    multi = {k: v for k, v in runs[0].items() if k not in ("tp", "ep", "dp_attention")}
    multi |= {"is_multinode": True, "num_prefill_gpu": 8, "num_decode_gpu": 8, "conc": 256}
    f = tmp_path / "agg_kimik2.5.json"
    f.write_text(json.dumps([*runs, multi]))
    points = read_paths([f]).points
    assert len(points) == 4
    m = next(p for p in points if p.concurrency == 256)
    assert m.gpus_per_instance == 16 and m.rps == multi["output_tput_per_gpu"] * 8 / multi["osl"]


# ---------------------------------------------------------------- mixed folders, SLA statistics, CLI


def test_mixed_folder_several_formats_and_configs(tmp_path):
    """One PATH: GenAI-Perf (JSON + CSV twins), AIPerf (JSON + CSV twins), vLLM, LLMPerf, InferenceMAX, SGLang."""
    root = tmp_path / "sweep"
    shutil.copytree(REAL / "genai-perf/fernandodorado-sizing-nim-llama3-8b/artifacts", root / "h100-llama8b-tp1")
    shutil.copytree(AIPERF / "results", root / "mi355x-glm-tp2")
    shutil.copytree(REAL / "vllm/inferencex-multinode-gpt-oss-120b", root / "mi-gptoss-disagg16")
    shutil.copy(LLMPERF / "groq_70b.json", root / "groq.json")  # directly in PATH: named after its model
    shutil.copytree(INFMAX, root / "mi355x-kimi-tp8")
    (root / "h200-sglang").mkdir()
    shutil.copy(SGL / "deepseek_dp_mla_output.jsonl", root / "h200-sglang")
    (root / "notes.json").write_text('{"comment": "not a result file"}')
    res = read_paths([root])
    counts: dict[str, int] = {}
    for p in res.points:
        counts[p.config] = counts.get(p.config, 0) + 1
    assert counts == {
        "h100-llama8b-tp1": 7,  # 14 files, the CSV twins count once
        "mi355x-glm-tp2": 2,
        "mi-gptoss-disagg16": 8,
        "llama2-70b-4096": 1,
        "mi355x-kimi-tp8": 3,  # two workloads (1k/1k, 8k/1k), told apart by p.workload
        "h200-sglang": 1,
    }
    tools = {p.config: p.tool for p in res.points}
    assert tools["h100-llama8b-tp1"] == "genai-perf" and tools["mi355x-glm-tp2"] == "aiperf"
    assert tools["mi-gptoss-disagg16"] == "vllm" and tools["llama2-70b-4096"] == "llmperf"
    assert all(p.source.endswith(".json") or p.source.endswith(".jsonl") for p in res.points)
    assert any("notes.json" in s for s in res.skipped)


def test_cli_sla_statistic_missing_names_configs_and_what_they_have(tmp_path, capsys):
    """vLLM's default percentiles are p99 only: an SLA on p95 TTFT cannot be evaluated and must say so."""
    from tco_report.cli import main

    root = tmp_path / "sweep"
    shutil.copytree(REAL / "vllm/nerdalert-vllm-benchmark-graphs", root / "h100")
    shutil.copytree(REAL / "vllm/inferencex-multinode-gpt-oss-120b", root / "mi-disagg")
    a = tmp_path / "a.yaml"
    a.write_text('sla: [{metric: ttft, statistic: p95, max_ms: 500}]\nconfigs: [{match: "*", gpus_per_instance: 8}]\n')
    out = tmp_path / "out"
    assert main([str(root), "--assumptions", str(a), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "field 'sla'" in err and str(a) in err and "Traceback" not in err
    assert "'h100-sgl' has no p95 TTFT" in err and "'h100-vllm' has no p95 TTFT" in err
    assert "'mi-disagg' has no p95 TTFT" in err
    assert "p99 TTFT" in err and "p90 TTFT" in err  # what they do have
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.usefixtures("summary_only")
def test_cli_mixed_folder_end_to_end(tmp_path, capsys):
    from tco_report.cli import main

    root = tmp_path / "sweep"
    shutil.copytree(REAL / "genai-perf/fernandodorado-sizing-nim-llama3-8b/artifacts", root / "h100-tp1")
    shutil.copytree(REAL / "vllm/inferencex-multinode-gpt-oss-120b", root / "mi-disagg16")
    a = tmp_path / "a.yaml"
    a.write_text(
        "sla: [{metric: ttft, statistic: p99, max_ms: 1000}]\n"
        'configs: [{match: "h100-*", gpus_per_instance: 1}, {match: "mi-*", gpus_per_instance: 16}]\n'
    )
    out = tmp_path / "out"
    assert main([str(root), "-a", str(a), "--out", str(out), "--quiet"]) == 0
    s = json.loads((out / "summary.json").read_text())
    by = {c["config"]: c for c in s["configs"]}
    assert set(by) == {"h100-tp1", "mi-disagg16"} and by["mi-disagg16"]["gpus_per_instance"] == 16
    capsys.readouterr()


def test_every_real_fixture_is_detected():
    """Each real file goes to the reader of its tool (never by file name: the detectors see only content)."""
    expected = {
        "genai-perf": "genai_perf",
        "vllm": "vllm",
        "inferencemax": "inferencemax",
        "sglang": "sglang",
        "llmperf": "llmperf",
        "aiperf": "aiperf",
        "guidellm": "guidellm",
        "inference-perf": "inference_perf",
    }
    for f in REAL.rglob("*"):
        if f.is_file() and f.suffix in (".json", ".jsonl", ".csv"):
            assert _reader_of(f) == expected[f.relative_to(REAL).parts[0]], f


def test_unknown_top_level_list_is_not_taken_for_a_result(tmp_path):
    gp = json.loads(next((REAL / "genai-perf").rglob("*.json")).read_text())
    f = tmp_path / "wrapped.json"
    f.write_text(json.dumps([gp]))
    with pytest.raises(InputError) as e:
        read_paths([f])
    assert "JSON list" in e.value.problem


def test_llmperf_leaderboard_folder_splits_by_provider(tmp_path):
    """One folder of several providers' runs at the same concurrency: the ``framework`` metadata splits them."""
    shutil.copytree(LLMPERF, tmp_path / "leaderboard")
    configs = sorted(p.config for p in read_paths([tmp_path]).points)
    assert configs == [
        "leaderboard-anyscale-Llama-2-70b-chat-hf",
        "leaderboard-bedrock-meta.llama2-13b-chat-v1",
        "leaderboard-groq-llama2-70b-4096",
    ]


def test_detection_ignores_file_names(tmp_path):
    """Every real file, renamed to a neutral or misleading name, goes to the same reader with the same points."""
    for i, f in enumerate(sorted(p for p in REAL.rglob("*") if p.suffix in (".json", ".jsonl"))):
        if "offline" in f.name:
            continue  # holds a duplicate run on purpose (test_sglang_infinity_rate_and_real_duplicate_run)
        if f.name.startswith("summary_lifecycle"):
            continue  # holds no point of its own (test_inference_perf_stages_and_summary)
        for j, name in enumerate(("data.json", "profile_export_aiperf.json", "benchmarks.json")):
            dest = tmp_path / f"{i}-{j}" / name
            dest.parent.mkdir()
            dest.write_bytes(f.read_bytes())
            assert _reader_of(dest) == _reader_of(f), (f, name)
            got = [(p.rps, p.concurrency, p.request_rate) for p in read_paths([dest]).points]
            assert got == [(p.rps, p.concurrency, p.request_rate) for p in read_paths([f]).points]


def test_genai_perf_nested_config_and_non_streaming(tmp_path):
    """GenAI-Perf after PR #308 (2025): nested input_config (perf_analyzer.stimulus, model_names, endpoint) with
    "" for unset values (config/input/base_config.py to_json_dict, docs/formats.md, GenAI-Perf); non-streaming runs
    report a TTFT equal to the request latency, which is not a TTFT and is dropped."""
    src = next((REAL / "genai-perf").rglob("*concurrency5/profile_export_genai_perf.json"))
    raw = json.loads(src.read_text())
    raw["input_config"] = {
        "model_names": ["meta/llama3-8b-instruct"],
        "subcommand": "profile",
        "endpoint": {"type": "chat", "streaming": True, "service_kind": "openai", "url": "nim:8000"},
        "perf_analyzer": {"stimulus": {"concurrency": 5}, "measurement": {"mode": "interval", "num": 10000}},
        "input": {"synthetic_tokens": {"mean": 200, "stddev": 0}, "output_tokens": {"mean": "", "stddev": 0}},
        "analyze": {"sweep_parameters": {"concurrency": {"min": 1, "max": 1024}}},
    }
    f = tmp_path / "run" / "my_genai_perf.json"
    f.parent.mkdir()
    f.write_text(json.dumps(raw, indent=2))
    (p,) = read_paths([f]).points
    assert p.concurrency == 5 and p.model == "meta/llama3-8b-instruct" and set(p.latency_ms) == {"ttft", "itl", "e2e"}
    raw["input_config"]["endpoint"]["streaming"] = False
    raw["input_config"]["perf_analyzer"]["stimulus"] = {"request_rate": 2.5}
    f.write_text(json.dumps(raw, indent=2))
    (p,) = read_paths([f]).points
    assert p.request_rate == 2.5 and p.concurrency is None and "ttft" not in p.latency_ms


@pytest.mark.usefixtures("summary_only")
def test_cli_sglang_legacy_lacks_avg_ttft(tmp_path, capsys):
    """Late-2024 SGLang lines record only the median TTFT: the default SLA (avg TTFT) stops with what they have."""
    from tco_report.cli import main

    a = tmp_path / "a.yaml"
    a.write_text('configs: [{match: "*", gpus_per_instance: 4}]\n')
    f, pick = str(SGL / "llama_3_3_70b_online_output.jsonl"), ["--workload", "isl1024-osl1024-ratio0"]
    assert main([f, *pick, "-a", str(a), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "'llama_3_3_70b_online_output' has no avg TTFT" in err
    assert "(it has: avg E2E, p50 E2E, p50 ITL, p50 TTFT)" in err
    a.write_text('configs: [{match: "*", gpus_per_instance: 4}]\nsla: [{metric: ttft, statistic: p50, max_ms: 200}]\n')
    assert main([f, *pick, "-a", str(a), "--out", str(tmp_path / "o")]) == 0
    assert json.loads((tmp_path / "o" / "summary.json").read_text())["recommended"]["config"].startswith("llama_3_3")
    capsys.readouterr()


def test_aiperf_runs_and_their_sweep_summary_count_once(tmp_path):
    """A multi-value AIPerf run writes per-run folders and sweep_aggregate/: the sweep repeats the runs."""
    cfg = tmp_path / "sweep" / "mi355x-glm"
    for run in AIPERF_RUNS:
        dest = (
            cfg
            / "artifacts"
            / f"glm-openai-chat-concurrency{json.loads(run.read_text())['input_config']['loadgen']['concurrency']}"
        )
        dest.mkdir(parents=True)
        shutil.copy(run, dest)
        shutil.copy(run.with_suffix(".csv"), dest)
    data = _sweep_2025()
    for entry, c in zip(data["per_combination_metrics"], (4, 8, 16), strict=True):
        entry["parameters"]["concurrency"] = c
    (cfg / "artifacts" / "sweep_aggregate").mkdir()
    (cfg / "artifacts" / "sweep_aggregate" / "profile_export_aiperf_sweep.json").write_text(json.dumps(data))
    res = read_paths([tmp_path / "sweep"])
    # Beside run files the sweep summary is not read at all (its means over repeats would count runs twice), even
    # for a level (16) whose run folder is missing: the runs' own files are the source.
    assert [(p.config, p.concurrency, p.tool_version) for p in res.points] == [
        ("mi355x-glm", 4, "0.8.0"),
        ("mi355x-glm", 8, "0.8.0"),
    ]
    assert any("sweep summary over the 2 run file(s)" in s for s in res.skipped)
    # Alone, the summary gives one point per load level
    only = tmp_path / "only" / "sweep_aggregate"
    only.mkdir(parents=True)
    shutil.copy(cfg / "artifacts" / "sweep_aggregate" / "profile_export_aiperf_sweep.json", only)
    alone = read_paths([only.parent]).points
    assert [p.concurrency for p in alone] == [4, 8, 16]


def test_genai_bench_older_requests_per_minute(tmp_path):
    """Older/internal genai-bench builds store ``requests_per_minute`` instead of ``requests_per_second``."""
    run = _genai_bench_run(8)
    run["aggregated_metrics"]["requests_per_minute"] = run["aggregated_metrics"].pop("requests_per_second") * 60
    (tmp_path / "run.json").write_text(json.dumps(run))
    (p,) = read_paths([tmp_path / "run.json"]).points
    assert p.rps == pytest.approx(0.7 * 8) and p.concurrency == 8
