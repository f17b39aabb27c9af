"""Warnings summarised everywhere: counted by kind and config; the terminal shows the counts and the first few,
summary.json and the workbook's Warnings sheet every one."""

from __future__ import annotations

import json
from dataclasses import replace

import openpyxl
from hypothesis import given
from hypothesis import strategies as st

from tco_report import api, terminal
from tco_report.summary import summary_dict
from tco_report.warning_summary import SHOWN, classify, summarise
from tco_report.workbook.writer import write_workbook

from .report_sample import sample_report

CONFIGS = ("cfg", "cfg-2", "h100-fp8-tp2")


def little(config: str, c: int) -> str:
    return (
        f"{config} at c={c}: requests/s x mean latency = 1 x 2 s = 2 requests in flight, 50% off the concurrency of"
        f" {c} (Little's law; check the run and its units: f.json)"
    )


def test_kind_and_config_are_recognised():
    assert classify(little("cfg-2", 4), CONFIGS) == classify(little("cfg-2", 4), CONFIGS)
    w = classify(little("cfg-2", 4), CONFIGS)
    assert (w.kind, w.config) == ("littles_law", "cfg-2")  # the longest name it opens with, not "cfg"
    assert classify("skipped a/b.json: 9 bytes", CONFIGS).kind == "skipped"
    w = classify("the workbook's computed value disagrees with the Python calculation: x", CONFIGS)
    assert (w.kind, w.config) == ("workbook_disagrees", "")
    assert classify("cfg: something odd", CONFIGS) == classify("cfg: something odd", CONFIGS)
    assert classify("cfg: something odd", CONFIGS).config == "cfg"
    assert classify("nothing known", CONFIGS).kind == "other"


@given(st.lists(st.tuples(st.sampled_from(CONFIGS), st.integers(1, 64)), max_size=40))
def test_counts_add_up_and_keep_every_warning_in_order(pairs):
    texts = [little(c, n) for c, n in pairs]
    s = summarise(texts, CONFIGS)
    assert [w.text for w in s.items] == texts
    assert s.total == len(texts) == sum(n for _, _, n in s.by_kind) == sum(n for _, n in s.by_config)
    for config, n in s.by_config:
        assert n == sum(c == config for c, _ in pairs)
    assert [n for _, n in s.by_config] == sorted((n for _, n in s.by_config), reverse=True)


def test_terminal_shows_counts_and_the_first_few_and_summary_json_and_workbook_every_one(tmp_path):
    texts = tuple(little("h100-fp8-tp2", c) for c in range(40)) + ("skipped x.json: too big",)
    report = replace(sample_report(), warnings=texts)
    lines = terminal.notes(report)
    assert len(lines) == SHOWN + 2
    assert lines[0].startswith("note: 41 data warnings (Little's law check failed: 40; File skipped: 1) about 1 config")
    assert lines[1:-1] == [f"note: {t}" for t in texts[:SHOWN]]
    assert lines[-1] == "note: ... and 36 more in summary.json and on the workbook's Warnings sheet"
    few = replace(report, warnings=texts[:3])
    assert terminal.notes(few) == [f"note: {t}" for t in texts[:3]]
    s = json.loads(json.dumps(summary_dict(report, "t")))
    assert s["warnings"] == list(texts)
    assert s["warning_counts"] == {
        "total": 41,
        "by_kind": {"littles_law": 40, "skipped": 1},
        "by_config": {"h100-fp8-tp2": 40},
    }
    path = tmp_path / "w.xlsx"
    write_workbook(report, path, tool_version="t")
    ws = openpyxl.load_workbook(path)["Warnings"]
    rows = [tuple(c.value for c in row) for row in ws.iter_rows(min_row=5)]
    assert rows == [("littles_law", "h100-fp8-tp2", t) for t in texts[:40]] + [("skipped", "", texts[40])]
    # no warning, no sheet: the workbook's sheets stay as they were
    write_workbook(sample_report(), path, tool_version="t")
    assert "Warnings" not in openpyxl.load_workbook(path).sheetnames


def test_readers_notes_become_the_reports_first_warnings(tmp_path):
    """What the readers noted is a warning like any other: counted, in summary.json, on the workbook."""
    sweep, assumptions = api.example_paths()
    ingest, a = api.load([sweep], assumptions)
    ingest.skipped.append("odd.bin: not a result file")
    report = api.report_of(ingest, a)
    assert report.warnings[0] == "skipped odd.bin: not a result file"
    assert api.summary(report)["warning_counts"]["by_kind"] == {"skipped": 1}
