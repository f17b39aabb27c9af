"""Raw per-request exports and request payloads beside GenAI-Perf aggregates are not read (issue 8)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tco_report.ingest import read_paths

EXAMPLE = (
    Path(__file__).resolve().parent.parent
    / "inputs/sweep/llama3-8b-bf16-tp1/artifacts/meta_llama3-8b-instruct-openai-chat-concurrency10"
)


def _run_folder(root: Path) -> Path:
    run = root / "cfg-tp1" / "artifacts" / "m-openai-chat-concurrency10"
    run.mkdir(parents=True)
    shutil.copy(EXAMPLE / "profile_export_genai_perf.json", run / "profile_export_genai_perf.json")
    return run


def test_raw_export_and_inputs_beside_an_aggregate_are_not_read(tmp_path: Path) -> None:
    run = _run_folder(tmp_path)
    (run / "profile_export.json").write_text("{not even json")  # would be an error if it were parsed
    (run / "inputs.json").write_text("{not even json")
    result = read_paths([tmp_path])
    assert len(result.points) == 1
    assert len(result.skipped) == 1 and "2 file(s) beside GenAI-Perf/AIPerf results not read" in result.skipped[0]


def test_a_custom_export_name_is_recognised(tmp_path: Path) -> None:
    run = _run_folder(tmp_path)
    (run / "profile_export_genai_perf.json").rename(run / "my_run_genai_perf.json")
    (run / "my_run.json").write_text("{not even json")
    assert len(read_paths([tmp_path]).points) == 1


def test_other_json_files_are_still_looked_at(tmp_path: Path) -> None:
    run = _run_folder(tmp_path)
    (run / "notes.json").write_text('{"a": 1}')
    result = read_paths([tmp_path])
    assert len(result.points) == 1
    assert any("notes.json: not a benchmark result file" in s for s in result.skipped)
