"""Readers of the core formats (issue 2) on real files, every number checked against the raw file.

GenAI-Perf: the NVIDIA DLI course sweep (concurrency 1..250); vLLM: nerdalert's ``--append-result`` file (two
frameworks, JSON lines in a ``.json``) and InferenceX's multi-node results; the plain CSV of ingest/plain_csv.py.
"""

from __future__ import annotations

import csv
import json
import math
import shutil
from pathlib import Path

import pytest

from tco_report.errors import InputError
from tco_report.ingest import read_paths

from .conftest import FIXTURES

REAL = FIXTURES / "real"
GP = REAL / "genai-perf/fernandodorado-sizing-nim-llama3-8b"
GP_RUNS = sorted((GP / "artifacts").iterdir(), key=lambda d: int(d.name.rsplit("concurrency", 1)[1]))
NERDALERT = REAL / "vllm/nerdalert-vllm-benchmark-graphs/commit-f747824-h100-llama3.1-8b/results.json"
MULTINODE = REAL / "vllm/inferencex-multinode-gpt-oss-120b"

GP_METRICS = {"time_to_first_token": "ttft", "inter_token_latency": "itl", "request_latency": "e2e"}
GP_STATS = {"avg": "avg", "min": "min", "max": "max", "p25": "p25", "p50": "p50", "p75": "p75", "p90": "p90"}
GP_STATS |= {"p95": "p95", "p99": "p99"}
HALF_CENT = 0.005 + 1e-9  # the CSV rounds to 2 decimals (58.125 is written 58.12)


# ---------------------------------------------------------------- GenAI-Perf


def test_genai_perf_json_sweep_every_statistic():
    res = read_paths([GP])
    assert [p.concurrency for p in res.points] == [1, 2, 5, 10, 50, 100, 250]
    assert [round(p.rps, 2) for p in res.points] == [1.49, 2.91, 6.60, 11.38, 26.10, 30.94, 34.48]
    assert {p.config for p in res.points} == {"artifacts"}  # the first-level folder under PATH
    runs = read_paths([GP / "artifacts"]).points  # PATH = artifacts: run folders, minus the load suffix
    assert {p.config for p in runs} == {"meta_llama3-8b-instruct-openai-chat"}
    for p, run in zip(res.points, GP_RUNS, strict=True):
        raw = json.loads((run / "profile_export_genai_perf.json").read_text())
        assert p.source.endswith(".json") and p.tool == "genai-perf"
        assert p.concurrency == raw["input_config"]["concurrency"]
        assert p.rps == raw["request_throughput"]["avg"]
        assert p.output_tps == raw["output_token_throughput"]["avg"]
        assert p.isl == raw["input_sequence_length"]["avg"] and p.osl == raw["output_sequence_length"]["avg"]
        assert p.model == "meta/llama3-8b-instruct"
        for key, metric in GP_METRICS.items():
            expected = {GP_STATS[s]: v for s, v in raw[key].items() if s in GP_STATS}
            assert dict(p.latency_ms[metric]) == expected, (run.name, key)
        assert set(p.latency_ms) == {"ttft", "itl", "e2e"}


def test_genai_perf_twin_counts_once_and_csv_alone_matches(tmp_path):
    """The JSON and its CSV twin are one run; the CSV alone gives the JSON's numbers to 2 decimals."""
    both = read_paths([GP / "artifacts"])
    assert len(both.points) == 7 and all(p.source.endswith(".json") for p in both.points)
    csv_only = tmp_path / "artifacts"
    for run in GP_RUNS:
        (csv_only / run.name).mkdir(parents=True)
        shutil.copy(run / "profile_export_genai_perf.csv", csv_only / run.name)
    alone = read_paths([csv_only])
    assert [p.concurrency for p in alone.points] == [1, 2, 5, 10, 50, 100, 250]  # from the folder names
    for j, c in zip(both.points, alone.points, strict=True):
        assert c.source.endswith(".csv")
        assert c.rps == pytest.approx(j.rps, abs=HALF_CENT)
        assert c.isl == pytest.approx(j.isl, abs=HALF_CENT) and c.osl == pytest.approx(j.osl, abs=HALF_CENT)
        assert c.output_tps == pytest.approx(j.output_tps, abs=HALF_CENT)
        for metric in ("ttft", "itl", "e2e"):
            assert set(c.latency_ms[metric]) == set(j.latency_ms[metric])
            for stat, v in j.latency_ms[metric].items():
                assert c.latency_ms[metric][stat] == pytest.approx(v, abs=HALF_CENT), (metric, stat)


def test_genai_perf_csv_thousands_separators_and_crlf():
    run = GP_RUNS[-1]  # concurrency 250: TTFT avg "2,156.03"
    raw = (run / "profile_export_genai_perf.csv").read_bytes()
    assert b"\r\n" in raw and b'"2,156.03"' in raw
    p = read_paths([run / "profile_export_genai_perf.csv"]).points[0]
    assert p.latency_ms["ttft"]["avg"] == 2156.03 and p.latency_ms["e2e"]["p99"] == 7427.05
    assert p.rps == 34.48 and p.output_tps == 2019.22 and p.concurrency == 250


def test_genai_perf_file_alone_named_after_model():
    p = read_paths([GP_RUNS[0] / "profile_export_genai_perf.json"]).points[0]
    assert p.config == "meta/llama3-8b-instruct"


# ---------------------------------------------------------------- vLLM


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_vllm_append_result_two_frameworks():
    raws = _lines(NERDALERT)
    with pytest.raises(json.JSONDecodeError):
        json.loads(NERDALERT.read_text())  # "Extra data": the file is JSON lines in a .json
    res = read_paths([NERDALERT])
    assert len(res.points) == len(raws) == 12
    assert {p.config for p in res.points} == {
        "meta-llama/Llama-3.1-8B-Instruct-vllm",
        "meta-llama/Llama-3.1-8B-Instruct-sgl",
    }
    by_line = {p.record: p for p in res.points}
    for n, raw in enumerate(raws, start=1):
        p = by_line[n]
        assert p.config.endswith(raw["framework"])
        assert p.rps == raw["request_throughput"] and p.output_tps == raw["output_throughput"]
        assert p.isl == raw["total_input_tokens"] / raw["completed"] == 1000
        assert p.osl == raw["total_output_tokens"] / raw["completed"] == 100
        assert p.concurrency is None
        rate = raw["request_rate"]
        assert p.request_rate == (math.inf if rate == "inf" else rate)
        for metric in ("ttft", "tpot", "itl"):
            assert p.latency_ms[metric] == {
                "avg": raw[f"mean_{metric}_ms"],
                "p50": raw[f"median_{metric}_ms"],
                "p99": raw[f"p99_{metric}_ms"],
            }
        assert "e2e" not in p.latency_ms  # not requested in that run
    rates = sorted(p.request_rate for p in res.points if p.config.endswith("vllm"))
    assert rates == [1, 10, 20, 30, 35, math.inf]


def test_vllm_inferencex_multinode_sweep():
    res = read_paths([MULTINODE])
    assert [p.concurrency for p in res.points] == [4, 8, 16, 32, 64, 128, 256, 512]
    assert {p.config for p in res.points} == {"openai/gpt-oss-120b"}  # files directly in PATH: the model
    assert res.points[0].rps == pytest.approx(0.448, abs=1e-3) and res.points[-1].rps == pytest.approx(22.0, abs=0.1)
    for p in res.points:
        raw = json.loads(Path(p.source).read_text())
        assert p.concurrency == raw["max_concurrency"] and p.request_rate == math.inf
        assert p.rps == raw["request_throughput"]
        assert p.isl == raw["total_input_tokens"] / raw["completed"] == 1024
        for metric, key in (("ttft", "ttft"), ("tpot", "tpot"), ("itl", "itl"), ("e2e", "e2el")):
            assert p.latency_ms[metric] == {
                "avg": raw[f"mean_{key}_ms"],
                "p50": raw[f"median_{key}_ms"],
                "p90": raw[f"p90_{key}_ms"],
                "p99": raw[f"p99_{key}_ms"],
                "p99.9": raw[f"p99.9_{key}_ms"],
            }


def test_vllm_sweep_summary_list_is_n_points(tmp_path):
    """``vllm bench sweep serve`` writes summary.json: a JSON list of the run dicts (docs/formats.md, vLLM)."""
    runs = [json.loads(f.read_text()) for f in sorted(MULTINODE.iterdir())[:3]]
    (tmp_path / "summary.json").write_text(json.dumps([r | {"run_number": 0} for r in runs]))
    res = read_paths([tmp_path / "summary.json"])
    assert sorted(p.concurrency for p in res.points) == sorted(r["max_concurrency"] for r in runs)


# ---------------------------------------------------------------- plain CSV


PLAIN = (
    "config,concurrency,request_rate,rps,isl,osl,ttft_avg_ms,ttft_p90_ms,itl_avg_ms,e2e_p99_ms,output_tps,"
    "gpus_per_instance,model\r\n"
    "h100-fp8-tp1,1,,1.25,512,128,45.5,52,8.1,1200,160,1,llama\r\n"
    'h100-fp8-tp1,8,,"8,500.5",512,128,80,95,9.5,1500,1088,1,llama\r\n'
    "h100-bf16-tp2,8,,7.5,512,128,70,,10.1,1400,,2,llama\r\n"
    "b200-fp4,,inf,30,512,128,60,70,5,800,3840,1,\r\n"
)


def test_plain_csv_documented_columns(tmp_path):
    f = tmp_path / "points.csv"
    f.write_bytes(PLAIN.encode())
    res = read_paths([f])
    by = {(p.config, p.load_label): p for p in res.points}
    assert set(by) == {
        ("h100-fp8-tp1", "c=1"),
        ("h100-fp8-tp1", "c=8"),
        ("h100-bf16-tp2", "c=8"),
        ("b200-fp4", "rate=inf"),
    }
    rows = list(csv.DictReader(PLAIN.splitlines()))
    p = by[("h100-fp8-tp1", "c=8")]
    assert p.rps == 8500.5 and p.isl == 512 and p.osl == 128 and p.output_tps == 1088
    assert p.latency_ms == {"ttft": {"avg": 80, "p90": 95}, "itl": {"avg": 9.5}, "e2e": {"p99": 1500}}
    assert p.gpus_per_instance == 1 and p.model == "llama" and p.record == 3 and p.tool == "csv"
    q = by[("h100-bf16-tp2", "c=8")]
    assert q.latency_ms["ttft"] == {"avg": 70} and q.output_tps is None and q.gpus_per_instance == 2
    assert float(rows[2]["itl_avg_ms"]) == q.latency_ms["itl"]["avg"]
    assert by[("b200-fp4", "rate=inf")].request_rate == math.inf


def test_plain_csv_config_column_wins_over_folder(tmp_path):
    (tmp_path / "folder").mkdir()
    f = tmp_path / "folder" / "p.csv"
    f.write_text("config,concurrency,rps,isl,osl,ttft_avg_ms\nmine,4,2,100,50,40\n")
    assert read_paths([tmp_path]).points[0].config == "mine"


def test_duplicate_load_level_across_files_is_refused(tmp_path):
    for name in ("a", "b"):
        (tmp_path / "cfg" / name).mkdir(parents=True)
        shutil.copy(GP_RUNS[0] / "profile_export_genai_perf.json", tmp_path / "cfg" / name)
    with pytest.raises(InputError) as e:
        read_paths([tmp_path])
    assert e.value.field == "concurrency" and "c=1 twice" in e.value.problem and "'cfg'" in e.value.problem


def test_only_tool_csvs_are_twins(tmp_path):
    """A plain CSV that shares a vLLM JSON's name is another result, not a rounded copy: both are read."""
    root = tmp_path / "sweep"
    (root / "cfg").mkdir(parents=True)
    (root / "cfg" / "results.json").write_bytes(NERDALERT.read_bytes())
    (root / "cfg" / "results.csv").write_text("config,concurrency,rps,isl,osl,ttft_avg_ms\nextra,3,2.5,100,50,40\n")
    res = read_paths([root])
    assert len(res.points) == 13 and any(p.config == "extra" for p in res.points)


def test_tool_named_csv_twin_is_left_unopened(tmp_path):
    """X_genai_perf.csv beside X_genai_perf.json is the tool's own twin by name: it is not even opened (a large
    sweep would open 6,400 extra files), so even an unreadable one does not stop the run."""
    root = tmp_path / "sweep"
    run = root / "cfg" / "run-concurrency1"
    run.mkdir(parents=True)
    src = GP_RUNS[0] / "profile_export_genai_perf.json"
    (run / src.name).write_bytes(src.read_bytes())
    (run / "profile_export_genai_perf.csv").write_bytes(b"\xff\xfe not a CSV anyone could read")
    res = read_paths([root])
    assert [p.source for p in res.points] == [str(run / src.name)]
    assert res.points[0].rps == pytest.approx(read_paths([src]).points[0].rps)
