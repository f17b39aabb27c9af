"""Bad input never crashes, corrupts or injects: a corpus of broken files, each run through the real command line.

Every case must exit 2 with one paragraph on stderr that names the file and (where there is one) the field, no
traceback, and nothing written: the output folder stays absent, and an existing summary.json is untouched.
Each case builds its file from a real fixture (or the tool's documented shape) and breaks one thing.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tco_report.cli import main

from .conftest import FIXTURES, ROOT

REAL = FIXTURES / "real"
GP_RUN = (
    REAL / "genai-perf/fernandodorado-sizing-nim-llama3-8b/artifacts/meta_llama3-8b-instruct-openai-chat-concurrency10"
)
GP_JSON = GP_RUN / "profile_export_genai_perf.json"
GP_CSV = GP_RUN / "profile_export_genai_perf.csv"
VLLM = REAL / "vllm/nerdalert-vllm-benchmark-graphs/commit-f747824-h100-llama3.1-8b/results.json"
VLLM_ONE = REAL / "vllm/inferencex-multinode-gpt-oss-120b/concurrency_4_req_rate_inf_gpus_16_ctx_8_gen_8.json"
AIPERF_JSON = next((REAL / "aiperf").rglob("profile_export_aiperf.json"))
SGL = REAL / "sglang/datacrunch-h200-benchmarks/sglang/outputs/llama_3_3_70b_online_output.jsonl"
GUIDELLM = next((REAL / "guidellm").rglob("*_benchmarks.json"))
LLMPERF = REAL / "llmperf/llmperf-leaderboard/raw_data/summary/groq_70b.json"
INFMAX = next((REAL / "inferencemax").rglob("agg_*conc4*.json"))

Builder = Callable[[Path], Path]


# ---------------------------------------------------------------- builders


def text(name: str, content: str | bytes) -> Builder:
    def build(tmp: Path) -> Path:
        f = tmp / "in" / name
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(content if isinstance(content, bytes) else content.encode())
        return f

    return build


def mutated(src: Path, change: Callable[[dict], object], name: str | None = None, folder: str = "run") -> Builder:
    """The real JSON file with one change (change() edits the dict in place, or returns a replacement)."""

    def build(tmp: Path) -> Path:
        data = json.loads(src.read_text())
        data = change(data) or data
        f = tmp / "in" / folder / (name or src.name)
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(json.dumps(data, allow_nan=True))
        return f

    return build


def lines(src: Path, change: Callable[[list[dict]], object], name: str | None = None) -> Builder:
    def build(tmp: Path) -> Path:
        recs = [json.loads(x) for x in src.read_text().splitlines() if x.strip()]
        change(recs)
        f = tmp / "in" / (name or src.name)
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text("\n".join(json.dumps(r, allow_nan=True) for r in recs) + "\n")
        return f

    return build


def csv_edit(src: Path, old: str, new: str, name: str | None = None, folder: str = "run-concurrency10") -> Builder:
    def build(tmp: Path) -> Path:
        raw = src.read_bytes().decode()
        assert old in raw, old
        f = tmp / "in" / folder / (name or src.name)
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(raw.replace(old, new, 1).encode())
        return f

    return build


def setitem(path: str, value: object) -> Callable[[dict], None]:
    def change(d: dict) -> None:
        *parents, last = path.split(".")
        for p in parents:
            d = d[int(p)] if isinstance(d, list) else d[p]
        d[last] = value

    return change


def delitem(path: str) -> Callable[[dict], None]:
    def change(d: dict) -> None:
        *parents, last = path.split(".")
        for p in parents:
            d = d[int(p)] if isinstance(d, list) else d[p]
        del d[last]

    return change


def scale_block(key: str, factor: float) -> Callable[[dict], None]:
    def change(d: dict) -> None:
        d[key] = {k: (v * factor if isinstance(v, float | int) else v) for k, v in d[key].items()}

    return change


def plain(rows: str) -> Builder:
    return text("points.csv", "config,concurrency,rps,isl,osl,ttft_avg_ms\n" + rows)


def duplicate_runs(tmp: Path) -> Path:
    for run in ("a-concurrency10", "b-concurrency10"):
        (tmp / "in" / "cfg" / run).mkdir(parents=True)
        (tmp / "in" / "cfg" / run / GP_JSON.name).write_bytes(GP_JSON.read_bytes())
    return tmp / "in"


def no_result_folder(tmp: Path) -> Path:
    (tmp / "in" / "cfg").mkdir(parents=True)
    (tmp / "in" / "cfg" / "README.txt").write_text("results went elsewhere")
    (tmp / "in" / "cfg" / "plot.png").write_bytes(b"\x89PNG\r\n")
    return tmp / "in"


def only_unrelated_json(tmp: Path) -> Path:
    (tmp / "in" / "cfg").mkdir(parents=True)
    (tmp / "in" / "cfg" / "inputs.json").write_text('{"data": [{"payload": [{"messages": []}]}]}')
    return tmp / "in"


def symlink_loop(tmp: Path) -> Path:
    (tmp / "in").mkdir()
    os.symlink(tmp / "in" / "b.json", tmp / "in" / "a.json")
    os.symlink(tmp / "in" / "a.json", tmp / "in" / "b.json")
    return tmp / "in" / "a.json"


def folder_symlink_loop(tmp: Path) -> Path:
    """A folder that links to itself, and nothing else: the walk must not loop, and must say nothing was found."""
    (tmp / "in" / "cfg").mkdir(parents=True)
    os.symlink(tmp / "in" / "cfg", tmp / "in" / "cfg" / "again")
    os.symlink(tmp / "in" / "cfg" / "x.json", tmp / "in" / "cfg" / "x.json.lnk.json")
    return tmp / "in"


def huge_file(tmp: Path) -> Path:
    """200 MB, sparse (instant to create): over MAX_RESULT_BYTES, refused before anything is read."""
    f = tmp / "in" / "profile_export_genai_perf.json"
    f.parent.mkdir(parents=True)
    with open(f, "wb") as fh:
        fh.write(b'{"request_throughput": {"avg": 1}, ')
        fh.truncate(200 * 1024 * 1024)
    return f


def huge_file_in_folder(tmp: Path) -> Path:
    huge_file(tmp)
    return tmp / "in"


def truncated(src: Path, keep: float = 0.5) -> Builder:
    def build(tmp: Path) -> Path:
        raw = src.read_bytes()
        f = tmp / "in" / src.name
        f.parent.mkdir(parents=True)
        f.write_bytes(raw[: int(len(raw) * keep)])
        return f

    return build


def aiperf_sweep(change: Callable[[dict], object]) -> Builder:
    base = {
        "aggregation_type": "sweep",
        "per_combination_metrics": [
            {
                "parameters": {"concurrency": c},
                "metrics": {
                    "request_throughput": {"avg": 2.0 * c, "unit": "requests/sec"},
                    "time_to_first_token": {"avg": 30.0, "p99": 60.0, "unit": "ms"},
                    "input_sequence_length": {"avg": 500.0},
                    "output_sequence_length": {"avg": 100.0},
                },
            }
            for c in (1, 2)
        ],
    }

    def build(tmp: Path) -> Path:
        data = json.loads(json.dumps(base))
        data = change(data) or data
        f = tmp / "in" / "profile_export_aiperf_sweep.json"
        f.parent.mkdir(parents=True)
        f.write_text(json.dumps(data))
        return f

    return build


def genai_bench(change: Callable[[dict], object]) -> Builder:
    stat = {"min": 0.1, "max": 0.4, "mean": 0.2, "stddev": 0.01, "sum": 20.0, "p25": 0.15, "p50": 0.2, "p75": 0.25}
    stat |= {"p90": 0.3, "p95": 0.35, "p99": 0.39}
    tokens = {k: 100.0 for k in stat}
    base = {
        "aggregated_metrics": {
            "scenario": "D(100,100)",
            "num_concurrency": 4,
            "iteration_type": "num_concurrency",
            "requests_per_second": 3.0,
            "mean_output_throughput_tokens_per_s": 300.0,
            "stats": {"ttft": stat, "e2e_latency": {k: v * 10 for k, v in stat.items()}, "num_input_tokens": tokens}
            | {"num_output_tokens": tokens},
        },
        "individual_request_metrics": [],
        "_time_unit": "s",
    }

    def build(tmp: Path) -> Path:
        data = json.loads(json.dumps(base))
        data = change(data) or data
        f = tmp / "in" / "D_100_100_text-to-text_num_concurrency_4_time_60s.json"
        f.parent.mkdir(parents=True)
        f.write_text(json.dumps(data))
        return f

    return build


def nothing(d: object) -> None:
    return None


# ---------------------------------------------------------------- the corpus: builder -> expected fragments

CASES: list[tuple[str, Builder, list[str]]] = [
    # any file
    ("empty json", text("profile_export_genai_perf.json", ""), ["is empty"]),
    ("blank csv", text("profile_export_genai_perf.csv", "\r\n  \r\n"), ["is empty"]),
    ("truncated genai-perf json", truncated(GP_JSON), ["is not valid JSON", "line"]),
    ("truncated aiperf json", truncated(AIPERF_JSON, 0.9), ["is not valid JSON"]),
    ("array where an object belongs", mutated(GP_JSON, lambda d: [d]), ["JSON list", "object"]),
    ("json list of numbers", text("r.json", "[42]"), ["not a result file", "JSON list"]),
    ("non-utf8 bytes", text("profile_export_genai_perf.csv", b"Metric,avg\r\nTTFT,\xff\xfe12\r\n"), ["not UTF-8"]),
    ("utf-16 csv", text("points.csv", "config,rps\n".encode("utf-16")), ["UTF-16", "UTF-8"]),
    (
        "semicolon csv",
        text("points.csv", "config;concurrency;rps;isl;osl;ttft_avg_ms\na;1;2,5;100;50;40\n"),
        ["semicolons"],
    ),
    ("nul bytes in csv", text("r.csv", "config,rps\x00\x00\n"), ["NUL"]),
    ("no result file in folder", no_result_folder, ["no benchmark result file"]),
    ("only unrelated json", only_unrelated_json, ["no result file of a supported", "inputs.json"]),
    ("symlink loop", symlink_loop, ["symbolic link", "loop"]),
    ("folder symlink loop", folder_symlink_loop, ["no result file of a supported", "cannot be read"]),
    ("200 MB file", huge_file, ["209,715,200 bytes", "expected to be under"]),
    ("200 MB file alone in folder", huge_file_in_folder, ["no result file", "209,715,200 bytes"]),
    ("deeply nested json", text("r.json", "[" * 50_000 + "]" * 50_000), ["nested too deeply"]),
    ("integer past the conversion limit", text("r.json", '{"a": ' + "9" * 5000 + "}"), ["not valid JSON", "digits"]),
    # GenAI-Perf JSON
    ("gp rps as text", mutated(GP_JSON, setitem("request_throughput.avg", "11.4")), ["request_throughput.avg", "text"]),
    ("gp rps NaN", mutated(GP_JSON, setitem("request_throughput.avg", math.nan)), ["request_throughput.avg", "finite"]),
    (
        "gp rps infinity",
        mutated(GP_JSON, setitem("request_throughput.avg", math.inf)),
        ["request_throughput.avg", "finite"],
    ),
    (
        "gp rps zero",
        mutated(GP_JSON, setitem("request_throughput.avg", 0)),
        ["request_throughput.avg", "greater than 0"],
    ),
    (
        "gp rps negative",
        mutated(GP_JSON, setitem("request_throughput.avg", -3.5)),
        ["request_throughput.avg", "greater than 0"],
    ),
    (
        "gp rps huge int",
        mutated(GP_JSON, setitem("request_throughput.avg", 10**400)),
        ["request_throughput.avg", "too large"],
    ),
    (
        "gp ttft in seconds",
        mutated(GP_JSON, scale_block("time_to_first_token", 0.001)),
        ["ttft latency", "seconds", "milliseconds"],
    ),
    ("gp e2e in seconds", mutated(GP_JSON, scale_block("request_latency", 0.001)), ["e2e latency", "seconds"]),
    ("gp itl in seconds", mutated(GP_JSON, scale_block("inter_token_latency", 0.001)), ["itl latency", "seconds"]),
    (
        "gp stats block is a list",
        mutated(GP_JSON, setitem("time_to_first_token", [1, 2])),
        ["time_to_first_token", "statistics"],
    ),
    ("gp no isl", mutated(GP_JSON, delitem("input_sequence_length")), ["input_sequence_length.avg", "missing"]),
    (
        "gp no load level",
        mutated(GP_JSON, setitem("input_config.concurrency", None), folder="run"),
        ["input_config.concurrency", "neither"],
    ),
    (
        "gp concurrency as text",
        mutated(GP_JSON, setitem("input_config.concurrency", "ten")),
        ["input_config.concurrency", "text"],
    ),
    ("duplicate concurrency", duplicate_runs, ["field 'concurrency'", "c=10 twice"]),
    # GenAI-Perf CSV (alone: a copy without its JSON twin)
    ("gp csv text cell", csv_edit(GP_CSV, "12.75", "fast"), ["Inter Token Latency (ms) avg", "expected a number"]),
    (
        "gp csv zero rps",
        csv_edit(GP_CSV, "Request Throughput (per sec),11.38", "Request Throughput (per sec),0.00"),
        ["Request Throughput", "greater than 0"],
    ),
    (
        "gp csv no rps row",
        csv_edit(GP_CSV, "Request Throughput (per sec)", "Request Goodput (per sec)"),
        ["Request Throughput", "missing"],
    ),
    ("gp csv nan cell", csv_edit(GP_CSV, "12.75", "nan"), ["Inter Token Latency (ms) avg", "finite"]),
    ("gp csv no load level", csv_edit(GP_CSV, "12.75", "12.75", folder="run"), ["field 'concurrency'", "concurrencyN"]),
    # vLLM
    ("vllm truncated line", lambda t: _truncate_last_line(t), ["field 'line 12'", "not valid JSON"]),
    (
        "vllm rps negative",
        lines(VLLM, lambda r: r[2].update(request_throughput=-1.0)),
        ["line 3", "request_throughput", "greater than 0"],
    ),
    ("vllm ttft as text", lines(VLLM, lambda r: r[0].update(mean_ttft_ms="45.0")), ["line 1", "mean_ttft_ms", "text"]),
    # completed 0 is a failed point, not bad input (tests/test_curves.py)
    (
        "vllm e2e in seconds",
        mutated(VLLM_ONE, lambda d: d.update({k: v / 1000 for k, v in d.items() if k.endswith("e2el_ms")})),
        ["e2e latency", "seconds"],
    ),
    (
        "vllm no load level",
        mutated(VLLM_ONE, lambda d: d.update(max_concurrency=None, request_rate=None)),
        ["max_concurrency", "neither"],
    ),
    ("vllm ttft NaN", mutated(VLLM_ONE, setitem("p99_ttft_ms", math.nan)), ["p99_ttft_ms", "finite"]),
    # AIPerf
    (
        "aiperf loadgen list",
        mutated(AIPERF_JSON, setitem("input_config.loadgen", [4])),
        ["input_config.loadgen", "expected an object"],
    ),
    (
        "aiperf rps null",
        mutated(AIPERF_JSON, setitem("request_throughput.avg", None)),
        ["request_throughput.avg", "null"],
    ),
    (
        "aiperf osl zero",
        mutated(AIPERF_JSON, setitem("output_sequence_length.avg", 0)),
        ["output_sequence_length.avg", "greater than 0"],
    ),
    (
        "aiperf sweep entries object",
        aiperf_sweep(setitem("per_combination_metrics", {})),
        ["per_combination_metrics", "non-empty list"],
    ),
    (
        "aiperf sweep no rps",
        aiperf_sweep(delitem("per_combination_metrics.1.metrics.request_throughput")),
        ["per_combination_metrics[1].metrics.request_throughput", "missing"],
    ),
    # SGLang
    (
        "sglang NaN ttft",
        lines(SGL, lambda r: r[3].update(median_ttft_ms=math.nan)),
        ["line 4", "median_ttft_ms", "finite"],
    ),
    ("sglang zero duration", lines(SGL, lambda r: r[0].update(duration=0)), ["line 1", "duration", "greater than 0"]),
    (
        "sglang e2e in seconds",
        lines(SGL, lambda r: r[0].update(mean_e2e_latency_ms=7.8, median_e2e_latency_ms=7.7)),
        ["e2e latency", "seconds"],
    ),
    # GuideLLM
    (
        "guidellm unknown strategy",
        mutated(GUIDELLM, setitem("benchmarks.0.config.strategy.type_", "warp")),
        ["benchmarks[0].config.strategy.type_", "synchronous"],
    ),
    (
        "guidellm latency branch list",
        mutated(GUIDELLM, setitem("benchmarks.0.metrics.request_latency.successful", [])),
        ["benchmarks[0].metrics.request_latency.successful", "object"],
    ),
    (
        "guidellm rps zero",
        mutated(GUIDELLM, setitem("benchmarks.0.metrics.requests_per_second.successful.mean", 0)),
        ["requests_per_second.successful.mean", "greater than 0"],
    ),
    (
        "guidellm ttft as text",
        mutated(GUIDELLM, setitem("benchmarks.0.metrics.time_to_first_token_ms.successful.mean", "60")),
        ["time_to_first_token_ms.successful.mean", "text"],
    ),
    # LLMPerf
    (
        "llmperf rps text",
        mutated(LLMPERF, setitem("results_num_completed_requests_per_min", "fast")),
        ["results_num_completed_requests_per_min", "text"],
    ),
    ("llmperf ttft text", mutated(LLMPERF, setitem("results_ttft_s_mean", "n/a")), ["results_ttft_s_mean", "text"]),
    (
        "llmperf no osl",
        mutated(LLMPERF, delitem("results_number_output_tokens_mean")),
        ["results_number_output_tokens_mean", "missing"],
    ),
    (
        "llmperf ms in seconds field read as ms",
        mutated(
            LLMPERF,
            lambda d: d.update(
                {k: v / 1e6 for k, v in d.items() if k.startswith("results_ttft_s_") and isinstance(v, float)}
            ),
        ),
        ["ttft latency", "implausibly small"],
    ),
    # genai-bench
    ("genai-bench unit", genai_bench(setitem("_time_unit", "minutes")), ["_time_unit", "'s' or 'ms'"]),
    (
        "genai-bench negative ttft",
        genai_bench(setitem("aggregated_metrics.stats.ttft.mean", -0.2)),
        ["aggregated_metrics.stats.ttft.mean", ">= 0"],
    ),
    (
        "genai-bench rps zero",
        genai_bench(setitem("aggregated_metrics.requests_per_second", 0)),
        ["aggregated_metrics.requests_per_second", "greater than 0"],
    ),
    # InferenceMAX agg
    (
        "infmax list item damaged",
        mutated(INFMAX, lambda d: [d, {"conc": 8}], name="agg_all.json"),
        ["field 'item 1'", "InferenceMAX", "an object"],
    ),
    ("infmax tp zero", mutated(INFMAX, setitem("tp", 0)), ["field 'tp'", "greater than 0"]),
    (
        "infmax negative tput",
        mutated(INFMAX, setitem("output_tput_per_gpu", -1)),
        ["output_tput_per_gpu", "greater than 0"],
    ),
    ("infmax multinode without gpus", mutated(INFMAX, setitem("is_multinode", True)), ["num_prefill_gpu", "missing"]),
    ("infmax ttft as text", mutated(INFMAX, setitem("mean_ttft", "0.3")), ["mean_ttft", "text"]),
    # plain CSV
    (
        "csv unknown column",
        text("p.csv", "config,concurrency,rps,isl,osl,ttft_avg_ms,colour\na,1,2,3,4,50,red\n"),
        ["field 'colour'", "unknown column"],
    ),
    ("csv rps text", plain("a,1,fast,100,50,40\n"), ["line 2", "field 'rps'", "expected a number"]),
    (
        "csv missing osl column",
        text("p.csv", "config,concurrency,rps,isl,ttft_avg_ms\na,1,2,3,40\n"),
        ["field 'osl'", "required column"],
    ),
    (
        "csv fractional gpus",
        text("p.csv", "config,concurrency,rps,isl,osl,ttft_avg_ms,gpus_per_instance\na,1,2,3,4,40,1.5\n"),
        ["gpus_per_instance", "whole number"],
    ),
    ("csv ttft in seconds", plain("a,1,2,100,50,0.045\n"), ["ttft latency", "seconds"]),
    ("csv duplicate concurrency", plain("a,4,2,100,50,40\na,4,3,100,50,45\n"), ["line 3", "c=4 twice"]),
    ("csv extra cells", plain("a,4,2,100,50,40,99\n"), ["line 2", "more cells"]),
    ("csv infinity rps", plain("a,4,inf,100,50,40\n"), ["field 'rps'", "finite"]),
    ("csv no rows", plain(""), ["header but no data rows"]),
    ("csv huge cell", plain("a,4," + "9" * 200_000 + ",100,50,40\n"), ["readable CSV"]),
]


def _truncate_last_line(tmp: Path) -> Path:
    raw = VLLM.read_text().rstrip("\n")
    f = tmp / "in" / "results.json"
    f.parent.mkdir(parents=True)
    f.write_text(raw[: len(raw) - 40])
    return f


def test_corpus_is_large_enough():
    assert len(CASES) >= 30 and len({name for name, _, _ in CASES}) == len(CASES)


@pytest.mark.parametrize(("name", "build", "fragments"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_exit_2_message_nothing_written(name, build, fragments, tmp_path, capsys):
    target = build(tmp_path)
    out = tmp_path / "out"
    rc = main([str(target), "--out", str(out)])
    captured = capsys.readouterr()
    err = captured.err
    assert rc == 2, (name, err)
    assert err.startswith("tco-report: error: ") and err.count("\n") == 1, err  # one paragraph
    assert "Traceback" not in err and captured.out == ""
    assert str(target) in err or str(tmp_path / "in") in err, err  # names the file (or the folder given)
    for fragment in fragments:
        assert fragment in err, (fragment, err)
    assert not out.exists()


def test_existing_output_untouched_on_bad_input(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "summary.json").write_text('{"previous": "run"}')
    bad = mutated(GP_JSON, setitem("request_throughput.avg", "x"))(tmp_path)
    assert main([str(bad), "--out", str(out)]) == 2
    assert (out / "summary.json").read_text() == '{"previous": "run"}'
    assert sorted(p.name for p in out.iterdir()) == ["summary.json"]  # no temporary file left behind
    capsys.readouterr()


def test_real_command_line_subprocess(tmp_path):
    """The installed entry point's path: ``python -m tco_report``, exit 2, no traceback, nothing written."""
    bad = mutated(VLLM_ONE, setitem("request_throughput", "NaN"))(tmp_path)
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run(
        [sys.executable, "-m", "tco_report", str(bad), "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert f"{bad}, field 'request_throughput': expected a number, got text 'NaN'" in r.stderr
    assert not out.exists()


@pytest.fixture
def summary_only(monkeypatch):
    """Tests of ingest and of what the terminal shows need not render the workbook, HTML and PDF (their own tests
    do): the CLI writes only summary.json, through the same all-or-nothing staging."""
    import tco_report.cli
    from tco_report.outputs import Staging
    from tco_report.summary import write_summary

    def write(report, out, names, page_size, staging_cls, **_):  # noqa: ANN001, ANN003, ANN202
        with Staging(out) as stage:
            write_summary(report, stage.path("summary.json"), "test")
        return ["summary.json"]

    monkeypatch.setattr(tco_report.cli, "_write_outputs", write)


def test_big_file_beside_results_is_skipped_with_a_note(tmp_path, capsys, summary_only):
    """In a folder walk an oversized file (e.g. a per-request dump) is skipped and said so; the results are read."""
    root = tmp_path / "sweep"
    (root / "cfg").mkdir(parents=True)
    (root / "cfg" / GP_JSON.name).write_bytes(GP_JSON.read_bytes())
    # Not named like the aggregate's own raw export (profile_export.json), which is left out unread by its name.
    with open(root / "cfg" / "per_request_dump.json", "wb") as fh:
        fh.truncate(200 * 1024 * 1024)
    a = tmp_path / "a.yaml"
    a.write_text('configs: [{match: "*", gpus_per_instance: 1}]\nsla: [{metric: ttft, statistic: avg, max_ms: 1000}]\n')
    assert main([str(root), "-a", str(a), "--out", str(tmp_path / "out")]) == 0
    assert "per_request_dump.json: 209,715,200 bytes" in capsys.readouterr().out


def test_control_characters_in_config_names_are_stripped(tmp_path, capsys, summary_only):
    """Text from files (folder and model names) reaches the terminal without escape sequences or bidi overrides:
    control characters become U+FFFD where the name is read (as in every output), bidi overrides '?' on screen."""
    evil = "cfg\x1b[31mRED\x1b]0;pwned\x07\u202e"
    root = tmp_path / "sweep"
    (root / evil).mkdir(parents=True)
    (root / evil / GP_JSON.name).write_bytes(GP_JSON.read_bytes())
    a = tmp_path / "a.yaml"
    a.write_text('configs: [{match: "*", gpus_per_instance: 1}]\nsla: [{metric: ttft, statistic: avg, max_ms: 1000}]\n')
    assert main([str(root), "-a", str(a), "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "cfg\ufffd[31mRED\ufffd]0;pwned\ufffd?" in out  # controls cleaned on input, bidi by the terminal
    assert not any(c in out for c in "\x1b\x07\u202e")


def test_control_characters_in_error_messages_are_stripped(tmp_path, capsys):
    f = tmp_path / "p.csv"
    f.write_text("config,concurrency,rps,isl,osl,ttft_avg_ms\n\x1b[2Jevil,1,x\x1b[0m,100,50,40\n")
    assert main([str(f), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "field 'rps'" in err and "\x1b" not in err
    assert "\\x1b[0m" in err or "?[0m" in err  # shown escaped, never emitted


def test_from_workbook_bad_files_exit_2_and_never_write(tmp_path, capsys):
    """The workbook is untrusted: whatever the file holds, exit 2, a message naming it, nothing written."""
    cases = {
        "empty.xlsx": b"",
        "not-a-zip.xlsx": b"this is not a workbook",
        "truncated.xlsx": b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
        "json.xlsx": GP_JSON.read_bytes(),
    }
    for name, content in cases.items():
        wb = tmp_path / name
        wb.write_bytes(content)
        out = tmp_path / f"out-{name}"
        assert main(["--from-workbook", str(wb), "--out", str(out)]) == 2, name
        err = capsys.readouterr().err
        assert str(wb) in err and "Traceback" not in err, err
        assert wb.read_bytes() == content and not out.exists()
