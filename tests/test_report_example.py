"""The embedded example (inputs/) as HTML and PDF: the figures of summary.json, as people read them, on page 1."""

from __future__ import annotations

import io
import re
import subprocess

import pypdf
import pytest

from tco_report import api, formatting
from tco_report.report import view

from .conftest import require_program
from .test_report import ARTIFACTS, EPOCH, VERSION, render_both


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    out = tmp_path_factory.mktemp("example")
    report = api.run()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        html, pdf = render_both(report, out)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return {"report": report, "html": html, "reader": reader, "dir": out}


def test_page_one_shows_summary_json_figures(example):
    rec = api.summary(example["report"])["recommended"]
    page1 = re.sub(r"\s+", " ", example["reader"].pages[0].extract_text())
    figures = {
        "config": rec["config"],
        "servers": formatting.count(rec["servers"]),
        "total_gpus": formatting.count(rec["total_gpus"]),
        "total_yearly_cost": formatting.money(rec["total_yearly_cost"]),
        "cost_per_1k_requests": formatting.unit_cost(rec["cost_per_1k_requests"]),
        "cost_per_1m_input_tokens": formatting.unit_cost(rec["cost_per_1m_input_tokens"]),
        "cost_per_1m_output_tokens": formatting.unit_cost(rec["cost_per_1m_output_tokens"]),
    }
    # The example's answer (the FP8 config on one server), so that a change to it is noticed here too.
    assert figures["config"] == "llama3-8b-fp8-tp1"
    assert figures["servers"] == "1" and figures["total_yearly_cost"] == "$87,500"
    for name, text in figures.items():
        assert text in page1, f"{name} {text!r} is not on page 1"


def test_every_config_and_source_file_is_listed(example):
    report = example["report"]
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in example["reader"].pages))
    for r in report.results:
        assert r.config in text
    root = view.source_root(report.points)
    assert root and root.endswith("sweep")
    assert len(view.sources(report.points)) == len(report.points)
    assert example["html"].count('<svg class="chart"') == 6  # the post's four, interactivity, sensitivity
    assert len(example["html"]) < 300_000, "the HTML grew: look for a chart that draws too much (hatches, points)"
    assert "http" not in example["html"].lower()


def test_example_pages_render_to_png(example):
    pdftoppm = require_program("pdftoppm")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("example-page-*.png"):
        old.unlink()
    pdf = example["dir"] / "tco_report.pdf"
    subprocess.run([pdftoppm, "-r", "80", "-png", str(pdf), str(ARTIFACTS / "example-page")], check=True, timeout=120)
    assert len(list(ARTIFACTS.glob("example-page-*.png"))) == len(example["reader"].pages)
    assert f"tco_report {VERSION}" in example["html"]
