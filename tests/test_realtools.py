"""Conformance against the real tools: AIPerf and GuideLLM (pinned in .ci/tool-versions, installed by .ci/run into
their own venvs) run for a few seconds each against GuideLLM's mock server on 127.0.0.1, at three concurrency levels
and one request rate; tco-report reads what they wrote, through the API and the command line, and every point is
checked against the tool's own output read here by another path (plain json with the keys written below; pandas
over GuideLLM's CSV). Nothing is downloaded (tests/realtools.py). Without the tools' venvs the test is skipped on a
developer's machine and fails under CI=true."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tco_report.ingest import read_paths

from . import realtools
from .conftest import ROOT

pytestmark = pytest.mark.realtools


def _require_tools() -> None:
    missing = [
        f"{name} {version} ({realtools.tool_bin(name)})"
        for name, version in realtools.versions().items()
        if not (realtools.tool_bin(name) / name).exists()
    ]
    if missing:
        msg = f"needs the benchmark tools' venvs, installed by .ci/run: missing {', '.join(missing)}"
        if os.environ.get("CI"):
            pytest.fail(msg + " — CI did not install them (see ci-artifacts/tools-install-*.log)")
        pytest.skip(msg)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    _require_tools()
    return realtools.run_all(tmp_path_factory.mktemp("realtools"))


@pytest.fixture(scope="module")
def benchmarks_sheet(runs: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """The Benchmarks sheet of a tco-report CLI run over the AIPerf sweep and both GuideLLM folders, laid out as a
    user lays out a sweep: one folder per config under one PATH (all three measured the same mock server, so given
    as three PATHs they would be one config, named after the model, with each load level twice)."""
    import shutil

    work = tmp_path_factory.mktemp("cli")
    (work / "a.yaml").write_text('configs: [{match: "*", gpus_per_instance: 1}]\n')
    for k in CLI_RUNS:
        shutil.copytree(runs[k], work / "sweep" / k)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    cmd = [sys.executable, "-m", "tco_report", str(work / "sweep"), "-a", str(work / "a.yaml")]
    cmd += ["--out", str(work / "out")]
    p = subprocess.run(cmd + ["--quiet"], capture_output=True, text=True, env=env, timeout=300)
    assert p.returncode == 0, p.stderr
    return pd.read_excel(work / "out" / "tco_report.xlsx", sheet_name="Benchmarks")


def _aiperf_expected(f: Path) -> dict:
    """What one AIPerf run file says, read with plain json and AIPerf's own key names."""
    raw = json.loads(f.read_text())
    (phase,) = [ph for ph in raw["input_config"]["phases"] if ph["kind"] == "profiling"]
    return {
        "concurrency": phase.get("concurrency") if phase["type"] == "concurrency" else None,
        "rate": phase.get("rate") if phase["type"] != "concurrency" else None,
        "rps": raw["request_throughput"]["avg"],
        "isl": raw["input_sequence_length"]["avg"],
        "osl": raw["output_sequence_length"]["avg"],
        "ttft_avg": raw["time_to_first_token"]["avg"],
        "ttft_p99": raw["time_to_first_token"]["p99"],
        "itl_avg": raw["inter_token_latency"]["avg"],
        "e2e_p90": raw["request_latency"]["p90"],
        "version": raw["aiperf_version"],
    }


def _check(point, want: dict) -> None:
    assert point.concurrency == want["concurrency"] and point.request_rate == want["rate"]
    assert (point.rps, point.isl, point.osl) == (want["rps"], want["isl"], want["osl"])
    for key in ("ttft_avg", "ttft_p99", "itl_avg", "e2e_p90"):
        metric, stat = key.split("_")
        assert point.latency(metric, stat) == pytest.approx(want[key], rel=1e-12), key


def test_aiperf_concurrency_sweep(runs):
    files = sorted(runs["aiperf-concurrency"].glob("concurrency_*/profile_export_aiperf.json"))
    assert [f.parent.name for f in files] == ["concurrency_1", "concurrency_2", "concurrency_4"]
    res = read_paths([runs["aiperf-concurrency"]])
    assert sorted(p.concurrency for p in res.points) == [1, 2, 4]  # the sweep summary beside them is not read
    by_source = {Path(p.source): p for p in res.points}
    for f in files:
        want = _aiperf_expected(f)
        p = by_source[f]
        _check(p, want)
        assert (p.tool, p.tool_version) == ("aiperf", want["version"]) and want["version"] == realtools.versions()[
            "aiperf"
        ]


def test_aiperf_request_rate_two_runs(runs):
    files = sorted(runs["aiperf-rate"].glob("profile_runs/run_*/profile_export_aiperf.json"))
    assert len(files) == 2
    points = [read_paths([f]).points[0] for f in files]
    for f, p in zip(files, points, strict=True):
        want = _aiperf_expected(f)
        assert want["rate"] == 20.0
        _check(p, want)
    from tco_report.ingest import IngestResult, _parse, aiperf

    raws = [aiperf.read(_parse(f, explicit=True, result=IngestResult(points=[])))[0] for f in files]
    assert raws[0].repeat_group == raws[1].repeat_group != "" and raws[0].repeat_label != raws[1].repeat_label


def _guidellm_expected(folder: Path) -> list[dict]:
    """GuideLLM's benchmarks as its JSON says (plain json) and as its CSV says (pandas, three header rows)."""
    raw = json.loads((folder / "benchmarks.json").read_text())
    table = pd.read_csv(folder / "benchmarks.csv", header=[0, 1, 2])
    table.columns = [tuple("" if c.startswith("Unnamed") else c for c in col) for col in table.columns]
    out = []
    for b, (_, row) in zip(raw["benchmarks"], table.iterrows(), strict=True):
        s, m = b["config"]["strategy"], b["metrics"]
        assert (
            row[("Server Throughput", "Successful Requests/Sec", "Mean")]
            == m["requests_per_second"]["successful"]["mean"]
        )
        out.append(
            {
                "concurrency": s.get("streams") if s["type_"] == "concurrent" else None,
                "rate": s.get("rate") if s["type_"] in ("constant", "poisson") else None,
                "rps": row[("Server Throughput", "Successful Requests/Sec", "Mean")],
                "isl": row[("Token Metrics", "Successful Input Tokens", "Mean")],
                "osl": row[("Token Metrics", "Successful Output Tokens", "Mean")],
                "ttft_avg": row[("Time to First Token", "Successful ms", "Mean")],
                "ttft_p99": m["time_to_first_token_ms"]["successful"]["percentiles"]["p99"],
                "itl_avg": row[("Inter Token Latency", "Successful ms", "Mean")],
                "e2e_p90": m["request_latency"]["successful"]["percentiles"]["p90"] * 1000,  # seconds in the file
                "version": raw["metadata"]["guidellm_version"],
            }
        )
    return out


@pytest.mark.parametrize("run, loads", [("guidellm-concurrency", [1, 2, 4]), ("guidellm-rate", [20.0])])
def test_guidellm_json_csv_yaml(runs, run, loads):
    folder = runs[run]
    want = _guidellm_expected(folder)
    assert [w["concurrency"] or w["rate"] for w in want] == loads
    for ext in ("json", "csv", "yaml"):
        points = read_paths([folder / f"benchmarks.{ext}"]).points
        assert len(points) == len(want)
        for p, w in zip(points, want, strict=True):
            _check(p, w)
            assert (
                (p.tool, p.tool_version) == ("guidellm", w["version"]) == ("guidellm", realtools.versions()["guidellm"])
            )
    assert len(read_paths([folder]).points) == len(want)  # the three files of one run count once


CLI_RUNS = ("aiperf-concurrency", "guidellm-concurrency", "guidellm-rate")


def test_cli_reads_every_point(runs, benchmarks_sheet):
    """The command line over the fresh outputs: the workbook's Benchmarks sheet holds each point once, with the
    tool's own values."""
    sheet = benchmarks_sheet
    expected: dict[tuple[str, float], dict] = {}
    # The workbook names each file relative to the folder that holds them all ("sweep/<config>/..."): no path of the
    # machine that wrote it.
    for f in runs["aiperf-concurrency"].glob("concurrency_*/profile_export_aiperf.json"):
        w = _aiperf_expected(f)
        expected[
            (f"sweep/aiperf-concurrency/{f.relative_to(runs['aiperf-concurrency']).as_posix()}", w["concurrency"])
        ] = w
    for run in ("guidellm-concurrency", "guidellm-rate"):
        for w in _guidellm_expected(runs[run]):
            expected[(f"sweep/{run}/benchmarks.json", w["concurrency"] or w["rate"])] = w
    assert len(sheet) == len(expected) == 7
    assert set(sheet["config"]) == set(CLI_RUNS)  # one config per folder: the load levels left the names
    for _, row in sheet.iterrows():
        load = row["concurrency"] if pd.notna(row["concurrency"]) else row["request rate (req/s)"]
        w = expected[(row["source"], load)]
        assert row["rps (req/s)"] == pytest.approx(w["rps"], rel=1e-12)
        assert row["isl (tokens)"] == pytest.approx(w["isl"], rel=1e-12)
        assert row["osl (tokens)"] == pytest.approx(w["osl"], rel=1e-12)
        assert row["ttft_avg (ms)"] == pytest.approx(w["ttft_avg"], rel=1e-12)
        assert row["e2e_p90 (ms)"] == pytest.approx(w["e2e_p90"], rel=1e-12)
