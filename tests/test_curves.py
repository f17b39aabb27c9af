"""Issue 12: repeats combined with a spread, load levels out of names, server settings and workloads kept apart,
failed runs as failed points, provenance on every point. Fixtures in tests/fixtures/shaped/ (see its README)."""

from __future__ import annotations

import json
import math
import shutil
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tco_report import api
from tco_report.analysis import choose_workload
from tco_report.calculator import calculate
from tco_report.errors import InputError
from tco_report.ingest import read_paths
from tco_report.ingest.naming import parse_name
from tco_report.ingest.repeats import combine
from tco_report.model import Assumptions, BenchmarkPoint, ConfigRule, SlaConstraint
from tco_report.summary import summary_dict
from tco_report.workbook import read_workbook, write_workbook

from .conftest import FIXTURES, require_program
from .lo_recalc import recalc
from .test_bad_input import summary_only  # noqa: F401  (a fixture)

SHAPED = FIXTURES / "shaped"
SWEEP = SHAPED / "vllm-sweep"
TAGS = SHAPED / "sglang-tags"
FAILED = SHAPED / "failed-run"
ONE_GPU = Assumptions(configs=(ConfigRule(match="*", gpus_per_instance=1),))


def _assumptions(tmp_path: Path, gpus: int = 1) -> Path:
    a = tmp_path / f"a{gpus}.yaml"
    a.write_text(f'configs: [{{match: "*", gpus_per_instance: {gpus}}}]\n')
    return a


# ---------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("name", "rest", "conc", "rate", "repeat", "workload", "server"),
    [
        ("c32", "", 32, None, "", "", ""),
        ("conc32", "", 32, None, "", "", ""),
        ("concurrency32", "", 32, None, "", "", ""),
        ("h100-tp4-concurrency_16", "h100-tp4", 16, None, "", "", ""),
        ("max_concurrency=32", "", 32, None, "", "", ""),
        ("rate4", "", None, 4, "", "", ""),
        ("qps4", "", None, 4, "", "", ""),
        ("r1.0", "", None, 1.0, "", "", ""),
        ("vllm-infqps-concurrency8-Llama-3.1-8B", "vllm-Llama-3.1-8B", 8, math.inf, "", "", ""),
        (
            "meta_llama3-8b-instruct-openai-chat-concurrency16",
            "meta_llama3-8b-instruct-openai-chat",
            16,
            None,
            "",
            "",
            "",
        ),
        ("agg_n100_in512_out128_c32", "agg", 32, None, "", "isl512-osl128", ""),
        ("pd_1p2d_in128_out64_c8", "pd_1p2d", 8, None, "", "isl128-osl64", ""),
        ("SERVE--max_num_seqs=4-BENCH--max_concurrency=2-num_prompts=8", "", 2, None, "", "", "max_num_seqs=4"),
        ("BENCH--request_rate=2.5-random_input_len=512-random_output_len=128", "", None, 2.5, "", "isl512-osl128", ""),
        ("run=0", "", None, None, "run=0", "", ""),
        ("run_0001", "", None, None, "run=1", "", ""),
        ("h100-tp4-c16-run2", "h100-tp4", 16, None, "run=2", "", ""),
        # not load levels: a c<N> inside a name, a model's r1, version numbers, tp/ep parts
        ("llama3-8b", "llama3-8b", None, None, "", "", ""),
        ("h100-c2-tp4", "h100-c2-tp4", None, None, "", "", ""),
        ("deepseek-r1", "deepseek-r1", None, None, "", "", ""),
        ("qwen2.5-72b-tp8-ep1", "qwen2.5-72b-tp8-ep1", None, None, "", "", ""),
        ("concurrencyx", "concurrencyx", None, None, "", "", ""),
        ("preconc8", "preconc8", None, None, "", "", ""),
        ("n100-model", "n100-model", None, None, "", "", ""),  # n<N> leaves only with a tag's workload
    ],
)
def test_names_lose_their_load_level(name, rest, conc, rate, repeat, workload, server):
    info = parse_name(name)
    assert (info.rest, info.concurrency, info.request_rate) == (rest, conc, rate)
    assert (info.repeat, info.workload, info.server) == (repeat, workload, server)


def test_a_name_with_two_load_levels_is_refused(tmp_path):
    with pytest.raises(InputError, match="two load levels"):
        parse_name("conc8-x-conc16")
    src = FAILED / "h100-tp1" / "vllm-infqps-concurrency1-Llama-3.1-8B-Instruct-20250601-120001.json"
    (tmp_path / "conc8-x-conc16").mkdir()
    shutil.copy(src, tmp_path / "conc8-x-conc16" / "r.json")
    with pytest.raises(InputError) as e:
        read_paths([tmp_path])
    assert e.value.file.endswith("r.json") and "conc8-x-conc16" in e.value.field


def test_name_and_file_must_agree_on_the_load_level(tmp_path):
    src = FAILED / "h100-tp1" / "vllm-infqps-concurrency1-Llama-3.1-8B-Instruct-20250601-120001.json"
    (tmp_path / "cfg" / "c8").mkdir(parents=True)
    shutil.copy(src, tmp_path / "cfg" / "c8" / "result.json")
    with pytest.raises(InputError) as e:
        read_paths([tmp_path])
    assert "folder 'c8'" in str(e.value.file) and e.value.field == "concurrency"
    assert "says concurrency 8 but the file records 1" in e.value.problem


# ---------------------------------------------------------------- repeats


def _runs(folder: Path) -> list[dict]:
    return [json.loads((folder / f"run={n}.json").read_text()) for n in (0, 1)]


def test_vllm_sweep_two_runs_per_point_is_one_curve_per_server_setting_with_a_spread():
    res = read_paths([SWEEP])
    assert [(p.config, p.concurrency, p.repeats) for p in res.points] == [
        ("max_num_seqs=4", 2, 2),
        ("max_num_seqs=4", 4, 2),
        ("max_num_seqs=8", 2, 2),
        ("max_num_seqs=8", 4, 2),
    ]
    p = res.points[0]
    # by hand: run=0 1.8 req/s, TTFT 40 ms, TPOT 10 ms; run=1 2.2 req/s, 44 ms, 12 ms
    assert p.rps == pytest.approx(2.0) and p.spread["rps"] == (1.8, 2.2)
    assert p.latency_ms["ttft"]["avg"] == pytest.approx(42.0) and p.spread["ttft_avg"] == (40.0, 44.0)
    assert p.latency_ms["ttft"]["p99"] == pytest.approx(63.0) and p.spread["ttft_p99"] == (60.0, 66.0)
    assert p.latency_ms["tpot"]["avg"] == pytest.approx(11.0) and p.spread["tpot_avg"] == (10.0, 12.0)
    assert p.latency_ms["e2e"]["avg"] == pytest.approx((2 / 1.8 + 2 / 2.2) / 2 * 1000)
    assert p.isl == 512 and p.osl == 128 and p.spread["isl"] == (512, 512)
    assert p.output_tps == pytest.approx(2.0 * 128)
    # independently, from the raw files
    folder = Path(p.source).parent
    raw = _runs(folder)
    assert "max_num_seqs=4" in folder.name and "max_concurrency=2" in folder.name
    assert p.rps == pytest.approx(sum(r["request_throughput"] for r in raw) / 2)
    assert p.spread["e2e_p99"] == tuple(sorted(r["p99_e2el_ms"] for r in raw))
    # summary.json (the runs again) and warmup.json (run_number -1) are not counted
    assert sum("sweep summary repeats" in s for s in res.skipped) == 4
    assert sum("warm-up" in s for s in res.skipped) == 4


def test_vllm_sweep_summary_alone_gives_the_same_points(tmp_path):
    for f in SWEEP.rglob("summary.json"):
        dest = tmp_path / f.relative_to(SWEEP)
        dest.parent.mkdir(parents=True)
        shutil.copy(f, dest)
    alone, runs = read_paths([tmp_path]).points, read_paths([SWEEP]).points
    assert [(p.config, p.load_label, p.repeats) for p in alone] == [(p.config, p.load_label, 2) for p in runs]
    for a, b in zip(alone, runs, strict=True):
        assert a.rps == b.rps and a.latency_ms == b.latency_ms and a.spread == b.spread


def test_the_same_sweep_run_twice_into_dated_folders_is_four_repeats(tmp_path):
    shutil.copytree(SWEEP / "20250601_120000", tmp_path / "20250601_120000")
    second = tmp_path / "20250602_093000"
    shutil.copytree(SWEEP / "20250601_120000", second)
    for f in second.rglob("run=1.json"):  # the second sweep measured 10% more on its second run
        d = json.loads(f.read_text())
        f.write_text(json.dumps(d | {"request_throughput": d["request_throughput"] * 1.1}))
    p = read_paths([tmp_path]).points[0]
    assert p.config == "max_num_seqs=4" and p.repeats == 4
    assert p.rps == pytest.approx((1.8 + 2.2 + 1.8 + 2.2 * 1.1) / 4)
    assert p.spread["rps"] == pytest.approx((1.8, 2.2 * 1.1))


def test_two_unmarked_results_for_one_point_still_stop(tmp_path, capsys, summary_only):  # noqa: F811
    from tco_report.cli import main

    cfg = tmp_path / "in" / "h100-tp1"
    shutil.copytree(FAILED / "h100-tp1", cfg)
    src = next(cfg.glob("*concurrency1-*"))
    shutil.copy(src, cfg / "copy-of-the-c1-run.json")
    with pytest.raises(InputError, match="has the load level c=1 twice"):
        read_paths([tmp_path / "in"])
    assert main([str(tmp_path / "in"), "-a", str(_assumptions(tmp_path)), "--out", str(tmp_path / "o")]) == 2
    assert "twice" in capsys.readouterr().err and not (tmp_path / "o").exists()


def _point(**kw: object) -> BenchmarkPoint:
    base = dict(config="a", rps=2.0, isl=100.0, osl=50.0, latency_ms={"ttft": {"avg": 30.0}}, concurrency=4.0)
    return BenchmarkPoint(**(base | kw))


def test_a_failed_repeat_is_left_out_of_the_mean():
    ok = _point(source="r0")
    bad = _point(source="r1", rps=0.0, isl=0.0, osl=0.0, latency_ms={}, failed=True, failure="all 8 requests failed")
    p = combine([ok, bad])
    assert not p.failed and p.rps == 2.0 and p.repeats == 2 and p.spread["rps"] == (2.0, 2.0)
    both = combine([bad, replace(bad, source="r2", failure="timeout")])
    assert both.failed and both.repeats == 2 and both.failure == "all 8 requests failed; timeout"


finite = st.floats(min_value=0.01, max_value=1e6, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(finite, finite, finite), min_size=1, max_size=6), st.randoms())
def test_combining_is_order_independent_and_n_copies_give_the_point(values, rnd):
    runs = [
        _point(rps=r, latency_ms={"ttft": {"avg": t}}, output_tps=o, source=f"run={i}.json")
        for i, (r, t, o) in enumerate(values)
    ]
    shuffled = list(runs)
    rnd.shuffle(shuffled)
    assert combine(runs) == combine(shuffled)
    c = combine(runs)
    assert min(v[0] for v in values) <= c.rps <= max(v[0] for v in values)
    assert c.spread.get("rps", (c.rps, c.rps)) == (min(v[0] for v in values), max(v[0] for v in values))
    one = runs[0]
    same = combine([replace(one, source=f"run={i}.json") for i in range(len(values))])
    assert same.rps == one.rps and same.latency_ms == one.latency_ms and same.output_tps == one.output_tps
    assert same.repeats == len(values)
    if len(values) > 1:
        assert same.spread["rps"] == (one.rps, one.rps) and same.spread["ttft_avg"] == (one.latency("ttft", "avg"),) * 2


# ---------------------------------------------------------------- workloads


def test_sglang_tagged_runs_are_curves_per_workload():
    points = read_paths([TAGS]).points
    curves = {}
    for p in points:
        curves.setdefault((p.config, p.workload), []).append(p.concurrency)
    assert curves == {
        ("agg", "isl128-osl64"): [8],
        ("agg", "isl512-osl128"): [8, 32],
        ("pd_1p2d", "isl128-osl64"): [8],
        ("pd_1p2d", "isl512-osl128"): [8, 32],
    }
    for p in points:
        raw = json.loads(Path(p.source).read_text())
        assert p.concurrency == raw["max_concurrency"] and p.rps == raw["request_throughput"]
        assert p.workload == f"isl{raw['random_input_len']}-osl{raw['random_output_len']}"


def test_several_workloads_ask_which_one_to_size(tmp_path, capsys, summary_only):  # noqa: F811
    from tco_report.cli import main

    a, out = str(_assumptions(tmp_path, gpus=4)), tmp_path / "o"
    assert main([str(TAGS), "-a", a, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "2 workloads" in err and "--workload NAME" in err and "workload=NAME" in err
    assert "'isl128-osl64' (2 config(s): agg, pd_1p2d; 2 point(s))" in err
    assert "'isl512-osl128' (2 config(s): agg, pd_1p2d; 4 point(s))" in err
    assert not out.exists()
    with pytest.raises(InputError, match="2 workloads"):
        api.run([TAGS], _assumptions(tmp_path))

    assert main([str(TAGS), "-a", a, "--workload", "isl512-osl128", "--out", str(out)]) == 0
    assert "SLA: avg TTFT <= 250 ms, workload isl512-osl128" in capsys.readouterr().out
    s = json.loads((out / "summary.json").read_text())
    assert s["workload"] == "isl512-osl128"
    assert sorted((p["config"], p["load"]) for p in s["points"]) == [
        ("agg", "c=32"),
        ("agg", "c=8"),
        ("pd_1p2d", "c=32"),
        ("pd_1p2d", "c=8"),
    ]
    # pd_1p2d: 1.25 x the throughput at 0.8 x the TTFT of agg; at c=32 TTFT 128 ms meets the 250 ms SLA;
    # 100 req/s: agg 12 instances x 4 GPUs = 6 servers, pd_1p2d 9 x 4 = 5 servers
    assert s["recommended"]["config"] == "pd_1p2d" and s["recommended"]["rps_per_instance"] == pytest.approx(11.25)
    report = api.run([TAGS], _assumptions(tmp_path), workload="isl128-osl64")
    assert report.workload == "isl128-osl64" and len(report.points) == 2
    assert main([str(TAGS), "-a", a, "--workload", "isl9-osl9", "--out", str(tmp_path / "o2")]) == 2
    assert "no benchmark point has the workload 'isl9-osl9'" in capsys.readouterr().err


# ---------------------------------------------------------------- failed runs


def test_a_failed_run_is_a_failed_point_and_the_report_goes_on(tmp_path, capsys, summary_only):  # noqa: F811
    from tco_report.cli import main

    out = tmp_path / "o"
    assert main([str(FAILED), "-a", str(_assumptions(tmp_path)), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "h100-tp1 at c=4: the run failed (all 8 requests failed: Server disconnected" in printed
    s = json.loads((out / "summary.json").read_text())
    by_load = {p["load"]: p for p in s["points"]}
    dead = by_load["c=4"]
    assert dead["failed"] is True and dead["meets_sla"] is False and dead["on_frontier"] is False
    assert dead["failure"].startswith("all 8 requests failed") and dead["rps"] == 0 and dead["isl"] is None
    assert by_load["c=2"]["failed"] is False and by_load["c=2"]["failure"] is None
    assert s["recommended"]["config"] == "h100-tp1" and s["recommended"]["rps_per_instance"] == 2.3
    assert all(p["tool"] == "vllm" and p["repeats"] == 1 for p in s["points"])
    assert all("c=4" not in (f["load"]) for f in s["frontier"]["points"])


def test_no_usable_point_exits_2(tmp_path, capsys, summary_only):  # noqa: F811
    from tco_report.cli import main

    (tmp_path / "in" / "h100-tp1").mkdir(parents=True)
    shutil.copy(next((FAILED / "h100-tp1").glob("*concurrency4-*")), tmp_path / "in" / "h100-tp1")
    assert main([str(tmp_path / "in"), "-a", str(_assumptions(tmp_path)), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "no usable benchmark point: every run failed" in err and "h100-tp1 at c=4" in err


def test_sglang_all_failed_line_is_a_failed_point(tmp_path):
    line = json.loads(next(TAGS.glob("agg_n100_in512_out128_c8.jsonl")).read_text())
    line |= {"completed": 0, "request_throughput": 0.0, "total_input_tokens": 0, "total_output_tokens": 0}
    f = tmp_path / "agg_n100_in512_out128_c8.jsonl"
    f.write_text(json.dumps(line) + "\n")
    (p,) = read_paths([f]).points
    assert p.failed and p.failure == "no request completed" and p.config == "agg" and p.concurrency == 8


# ---------------------------------------------------------------- the workbook


def _report_with_failed_winner() -> object:
    """A config whose failed row, if counted, would be its best point (fast and within the SLA)."""
    good = [
        _point(config="cfg", concurrency=c, rps=r, latency_ms={"ttft": {"avg": t}})
        for c, r, t in ((1, 1.0, 50.0), (2, 1.8, 90.0))
    ]
    bad = _point(config="cfg", concurrency=4, rps=50.0, latency_ms={"ttft": {"avg": 10.0}}, failed=True, failure="x")
    sla = (SlaConstraint("ttft", "avg", 250.0),)
    return calculate([*good, bad], replace(ONE_GPU, sla=sla))


def test_failed_point_is_never_chosen_in_python():
    report = _report_with_failed_winner()
    rec = report.recommended
    assert rec is not None and rec.point.concurrency == 2 and rec.rps_per_instance == 1.8
    failed = next(i for i, p in enumerate(report.points) if p.failed)
    assert report.feasible[failed] is False and all(not p.failed for p in report.frontier)


def test_benchmarks_sheet_provenance_columns_read_back(tmp_path):
    report = calculate(read_paths([SWEEP]).points + read_paths([FAILED]).points, ONE_GPU)
    path = tmp_path / "wb.xlsx"
    write_workbook(report, path, tool_version="test")
    ws = openpyxl.load_workbook(path)["Benchmarks"]
    head = [c.value for c in ws[1]]
    rows = [dict(zip(head, (c.value for c in row), strict=True)) for row in ws.iter_rows(min_row=2)]
    seqs4 = next(r for r in rows if r["config"] == "max_num_seqs=4" and r["concurrency"] == 2)
    assert seqs4["tool"] == "vllm" and seqs4["repeats"] == 2 and seqs4["failed"] is False
    assert "rps: 1.8..2.2" in seqs4["spread (min..max of the repeats)"]
    dead = next(r for r in rows if r["failed"] is True)
    assert dead["failure"].startswith("all 8 requests failed") and dead["isl (tokens)"] is None
    back = read_workbook(path).points
    by = {(p.config, p.concurrency): p for p in back}
    orig = {(p.config, p.concurrency): p for p in report.points}
    assert by.keys() == orig.keys()
    for k, p in orig.items():
        q = by[k]
        assert (q.repeats, q.spread, q.failed, q.failure, q.tool, q.workload) == (
            p.repeats,
            p.spread,
            p.failed,
            p.failure,
            p.tool,
            p.workload,
        )
    assert calculate(back, ONE_GPU).recommended.config == report.recommended.config


def test_the_workload_sized_is_on_the_about_sheet(tmp_path):
    report = api.run([TAGS], _assumptions(tmp_path), workload="isl128-osl64")
    write_workbook(report, tmp_path / "wb.xlsx", tool_version="test")
    about = [c.value for c in openpyxl.load_workbook(tmp_path / "wb.xlsx")["About"]["A"]]
    assert "Workload sized: isl128-osl64" in about


def test_summary_points_carry_provenance():
    report = calculate(read_paths([SWEEP]).points, ONE_GPU)
    s = summary_dict(report, "test")
    p = next(p for p in s["points"] if p["config"] == "max_num_seqs=8" and p["load"] == "c=4")
    assert p["repeats"] == 2 and p["spread"]["rps"] == [3.6, 4.0] and p["rps"] == pytest.approx(3.8)
    assert p["tool"] == "vllm" and p["failed"] is False and s["workload"] is None
    json.dumps(s, allow_nan=False)


@pytest.mark.libreoffice
def test_failed_row_never_becomes_best_after_libreoffice_recalculates(tmp_path):
    soffice = require_program("soffice", "libreoffice")
    report = _report_with_failed_winner()
    path = tmp_path / "in" / "failed.xlsx"
    path.parent.mkdir()
    write_workbook(report, path, tool_version="test")
    (out,) = recalc(soffice, [path], tmp_path / "out")
    wb = openpyxl.load_workbook(out, data_only=True)
    ws = wb["Benchmarks"]
    head = [c.value for c in ws[1]]
    rows = [dict(zip(head, (c.value for c in row), strict=True)) for row in ws.iter_rows(min_row=2)]
    dead = next(r for r in rows if r["failed"] is True)
    assert dead["meets SLA"] is False and dead["on Pareto frontier"] is False and dead["best of config"] is False
    best = [r for r in rows if r["best of config"] is True]
    assert [r["concurrency"] for r in best] == [2]
    cfg = wb["Configs"]
    chead = [c.value for c in cfg[1]]
    crow = dict(zip(chead, (c.value for c in cfg[2]), strict=True))
    assert crow["best feasible RPS per instance (req/s)"] == pytest.approx(1.8)
    assert crow["feasible"] is True and crow["recommended"] is True
    # LibreOffice saves the typed-in TRUE as =TRUE(): read back as the flag it is
    back = read_workbook(out).points
    assert [p.concurrency for p in back if p.failed] == [4]


# ---------------------------------------------------------------- provenance


REAL = FIXTURES / "real"


@pytest.mark.parametrize(
    ("path", "tool", "version"),
    [
        ("genai-perf/fernandodorado-sizing-nim-llama3-8b", "genai-perf", ""),  # the file records no version
        ("aiperf/inferencemax-rocm-team-glm5.1-mi355x", "aiperf", "0.8.0"),  # aiperf_version
        ("vllm/inferencex-multinode-gpt-oss-120b", "vllm", ""),
        ("sglang/datacrunch-h200-benchmarks/sglang/outputs/deepseek_dp_mla_output.jsonl", "sglang-bench-serving", ""),
        ("guidellm/danielkorat-guidellm-bench", "guidellm", "0.5.0.dev0"),  # metadata.guidellm_version
        ("llmperf/llmperf-leaderboard/raw_data/summary/groq_70b.json", "llmperf", "2023-08-31"),  # version
        ("inferencemax/inferencex-kimik2.5-mi355x", "inferencemax-agg", ""),
    ],
)
def test_every_reader_records_its_tool_and_the_version_the_file_records(path, tool, version):
    points = read_paths([REAL / path]).points
    assert points and {(p.tool, p.tool_version) for p in points} == {(tool, version)}


def test_genai_bench_version_from_experiment_metadata(tmp_path):
    from .test_ingest_formats import _genai_bench_run

    exp = tmp_path / "exp"
    exp.mkdir()
    (exp / "experiment_metadata.json").write_text(json.dumps({"api_model_name": "m", "benchmark_version": "0.0.2"}))
    (exp / "D_100_100_text-to-text_num_concurrency_4_time_60s.json").write_text(json.dumps(_genai_bench_run(4)))
    (p,) = read_paths([exp]).points
    assert (p.tool, p.tool_version, p.model, p.workload) == ("genai-bench", "0.0.2", "m", "D(100,100)")


def test_plain_csv_workload_column(tmp_path):
    f = tmp_path / "points.csv"
    f.write_text(
        "config,concurrency,rps,isl,osl,ttft_avg_ms,workload\n"
        "a,8,4.0,1000,200,100,isl1000-osl200\n"
        "a,8,6.0,200,50,80,isl200-osl50\n"
    )
    points = read_paths([f]).points
    assert sorted(p.workload for p in points) == ["isl1000-osl200", "isl200-osl50"]
    with pytest.raises(InputError, match="2 workloads"):
        calculate(points, ONE_GPU)
    report = calculate(choose_workload(points, "isl200-osl50")[0], ONE_GPU)
    assert report.workload == "isl200-osl50" and report.recommended.rps_per_instance == 6.0


def test_vllm_sweep_failure_files_are_failed_runs(tmp_path):
    """``--continue-on-error`` writes ``run=N.failure.json`` (vllm/benchmarks/sweep/serve.py run_comb) for a run
    that raised: a failed repeat beside a good one is left out of the mean; alone it is a failed point."""
    src = SWEEP / "20250601_120000" / "SERVE--max_num_seqs=4-BENCH--max_concurrency=2-num_prompts=8"
    both = tmp_path / "a" / src.name
    both.mkdir(parents=True)
    shutil.copy(src / "run=1.json", both)
    failure = {
        "run_number": 0,
        "error_type": "TimeoutError",
        "error": "server did not answer",
        "serve_overrides": {"max_num_seqs": 4},
        "bench_overrides": {"max_concurrency": 2, "num_prompts": 8},
    }
    (both / "run=0.failure.json").write_text(json.dumps(failure, indent=2))
    res = read_paths([tmp_path / "a"])
    (p,) = res.points
    assert p.repeats == 2 and not p.failed and p.rps == 2.2 and p.spread["rps"] == (2.2, 2.2)
    assert any("1 of 2 repeated runs failed" in w for w in res.warnings)
    alone = tmp_path / "b" / "SERVE--max_num_seqs=4-BENCH--max_concurrency=8"
    alone.mkdir(parents=True)
    (alone / "run=0.failure.json").write_text(json.dumps(failure | {"bench_overrides": {}}))
    (q,) = read_paths([tmp_path / "b"]).points
    assert q.failed and q.concurrency == 8 and q.failure == "the run raised TimeoutError server did not answer"
    assert q.config == "max_num_seqs=4"


def test_full_report_with_a_failed_point(tmp_path, capsys):
    """Every output written (workbook, HTML, PDF, summary.json) with the failed point in them."""
    from tco_report.cli import main

    out = tmp_path / "o"
    assert main([str(FAILED), "-a", str(_assumptions(tmp_path)), "--out", str(out)]) == 0
    capsys.readouterr()
    assert {f.name for f in out.iterdir()} == {"tco_report.xlsx", "tco_report.html", "tco_report.pdf", "summary.json"}
    about = [c.value for c in openpyxl.load_workbook(out / "tco_report.xlsx")["About"]["A"]]
    assert not any(str(v).startswith("Workload sized") for v in about)  # the files record no workload
    back = read_workbook(out / "tco_report.xlsx").points
    assert [(p.concurrency, p.failed) for p in back] == [(1, False), (2, False), (4, True)]


def test_aiperf_error_only_export_is_a_failed_point(tmp_path):
    """When every request fails, AIPerf's JSON keeps its run info, ``error_request_count`` and ``error_summary``
    (aiperf/common/models/export_models.py JsonExportData) and no throughput; built from the real export."""
    real = json.loads(next((REAL / "aiperf").rglob("profile_export_aiperf.json")).read_text())
    keep = ("aiperf_version", "schema_version", "benchmark_id", "input_config", "was_cancelled", "start_time")
    dead = {k: real[k] for k in keep if k in real}
    dead["error_request_count"] = {"unit": "requests", "avg": 40.0}
    dead["error_summary"] = [
        {"error_details": {"code": 503, "type": "Service Unavailable", "message": "no healthy upstream"}, "count": 40}
    ]
    conc = real["input_config"]["loadgen"]["concurrency"]
    f = tmp_path / "cfg" / "artifacts" / f"glm-openai-chat-concurrency{conc}" / "profile_export_aiperf.json"
    f.parent.mkdir(parents=True)
    f.write_text(json.dumps(dead))
    (p,) = read_paths([tmp_path]).points
    assert p.failed and p.failure == "all 40 requests failed: 503 Service Unavailable no healthy upstream"
    assert (p.tool, p.tool_version, p.concurrency) == (
        "aiperf",
        "0.8.0",
        real["input_config"]["loadgen"]["concurrency"],
    )


def test_aiperf_multi_run_folders_are_repeats(tmp_path):
    """``aiperf profile --num-profile-runs 2`` (src/aiperf/orchestrator/strategies.py FixedTrialsStrategy) writes
    ``<artifact dir>/profile_runs/run_0001/`` and ``run_0002/`` and an ``aggregate/`` folder; built from a real
    export, the second run 10% faster."""
    real = next((REAL / "aiperf").rglob("profile_export_aiperf.json"))
    conc = json.loads(real.read_text())["input_config"]["loadgen"]["concurrency"]
    base = tmp_path / f"amd_GLM-5.1-MXFP4-openai-chat-concurrency_{conc}"
    for n, factor in ((1, 1.0), (2, 1.1)):
        d = json.loads(real.read_text())
        d["request_throughput"]["avg"] *= factor
        (base / "profile_runs" / f"run_000{n}").mkdir(parents=True)
        (base / "profile_runs" / f"run_000{n}" / "profile_export_aiperf.json").write_text(json.dumps(d))
    rps = json.loads(real.read_text())["request_throughput"]["avg"]
    for root, config in ((tmp_path, "amd_GLM-5.1-MXFP4-openai-chat"), (base, "amd/GLM-5.1-MXFP4")):
        (p,) = read_paths([root]).points
        assert (p.config, p.concurrency, p.repeats) == (config, conc, 2)
        assert p.rps == pytest.approx(rps * 1.05) and p.spread["rps"] == (rps, rps * 1.1)
