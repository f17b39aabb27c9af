"""The HTML and PDF report: content, self-containment, reproducibility, escaping, and how it looks.

The PDF is rendered once per module (it is the slow part). Page images and a Chromium screenshot go to
ci-artifacts/report/, which CI keeps.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pypdf
import pytest

from tco_report import charts, formatting, render
from tco_report.calculator import calculate
from tco_report.model import HardwareProfile

from .conftest import ROOT, require_program
from .report_sample import assumptions, sample_report, sweep

EPOCH = "1790000000"  # 2026-09-21 UTC
EPOCH_DATE = "2026-09-21"
VERSION = "9.9.9-test"
ARTIFACTS = ROOT / "ci-artifacts" / "report"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def render_both(report, out: Path, page_size: str = "A4") -> tuple[str, bytes]:
    html = render.write_html(report, out / "tco_report.html", page_size=page_size, tool_version=VERSION)
    render.write_pdf(report, out / "tco_report.pdf", page_size=page_size, tool_version=VERSION, html=html)
    return html, (out / "tco_report.pdf").read_bytes()


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """The sample report as HTML and PDF, with SOURCE_DATE_EPOCH set."""
    out = tmp_path_factory.mktemp("report")
    report = sample_report()
    warnings: list[str] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: warnings.append(record.getMessage())
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
            html, pdf = render_both(report, out)
    finally:
        logger.removeHandler(handler)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    pages = [p.extract_text() for p in reader.pages]
    return {
        "report": report,
        "html": html,
        "pdf": pdf,
        "reader": reader,
        "pages": pages,
        "dir": out,
        "warnings": warnings,
    }


@pytest.fixture
def stub_charts(monkeypatch):
    """For tests of the template's text only: cheap stand-in charts (the charts have their own tests)."""
    stubs = [
        charts.Chart(f"chart-{i}", f"Chart {i}", "", f'<svg class="chart" id="chart-{i}"></svg>') for i in range(4)
    ]
    monkeypatch.setattr(render.charts, "all_charts", lambda report: stubs)

    def decision_stubs(report, parts):
        return {p: charts.Chart(f"chart-{p}", p, "", f'<svg class="chart" id="chart-{p}"></svg>') for p in parts}

    monkeypatch.setattr(render.charts, "decision_charts", decision_stubs)


def headline(rec) -> list[str]:
    """Every headline figure, as formatting.py writes it."""
    return [
        rec.config,
        f"{formatting.count(rec.servers)} server",
        f"{formatting.count(rec.total_gpus)} GPUs",
        formatting.money(rec.total_yearly_cost),
        formatting.unit_cost(rec.cost_per_1k_requests),
        formatting.unit_cost(rec.cost_per_1m_input_tokens),
        formatting.unit_cost(rec.cost_per_1m_output_tokens),
    ]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


# --- content ----------------------------------------------------------------------------------------------------
def test_page_one_holds_the_answer(rendered):
    rec = rendered["report"].recommended
    assert rec.config == "h100-fp8-tp2"  # the cheapest feasible config of the sample
    page1 = flat(rendered["pages"][0])
    for figure in headline(rec):
        assert figure in page1, f"{figure!r} is not on page 1"
    assert "meta-llama/Llama-3.1-8B-Instruct" in page1.replace("- ", "-")  # the title may wrap at a hyphen
    assert "concurrency 1, 2, 4, 8, 16, 32, 64, 128" in page1
    assert EPOCH_DATE in page1
    assert "(next: h100-bf16-tp1 at $262,500 a year)" in page1  # what the choice saves


def test_sections_in_order(rendered):
    text = flat(" ".join(rendered["pages"]))
    order = [
        "Summary",
        "Assumptions",
        "Charts",
        "Sizing and cost per config",
        "Unit costs: the post's method and the GPU-hour shortcut",  # no cloud price: nothing about renting
        "Sensitivity",
        "Method",
        "Appendix: source files",
    ]
    positions = [text.find(h) for h in order]
    assert -1 not in positions and positions == sorted(positions), positions


def test_page_count_and_running_header_footer(rendered):
    pages = rendered["pages"]
    n = len(pages)
    assert 4 <= n <= 8, f"{n} pages: the report grew or lost a section"
    for i, text in enumerate(pages, start=1):
        assert f"Page {i} of {n}" in text
    title = "GPU sizing and TCO: meta-llama/Llama-3.1-8B-Instruct"
    assert all(title in flat(t) for t in pages[1:])  # the running header, from page 2 on


def test_page_size_a4_and_letter(rendered, stub_charts):
    box = rendered["reader"].pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    letter = render.render_html(rendered["report"], page_size="Letter", tool_version=VERSION)
    assert "size: Letter;" in letter
    box = pypdf.PdfReader(io.BytesIO(render.html_to_pdf(letter))).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)  # US Letter in points
    with pytest.raises(ValueError, match="page_size"):
        render.render_html(rendered["report"], page_size="A3", tool_version=VERSION)


def test_every_chart_is_present(rendered):
    html = rendered["html"]
    assert html.count('<svg class="chart"') == 6  # the post's four, interactivity, sensitivity
    text = flat(" ".join(rendered["pages"]))
    for words in (
        "Latency vs throughput, per config",
        "Interactivity: throughput per GPU vs tokens per second per user",
        "Sensitivity: what moves the cost",
        "Interactivity (1000 / ITL) (tokens/s/user)",
        "Output tokens per second per GPU (tokens/s/GPU)",
        "Pareto frontier: throughput per GPU vs latency",
        "Yearly cost per config, by component",
        "Cost per 1M input and output tokens, per config",
        # axis and legend text drawn inside the SVGs, so the charts themselves made it into the PDF
        "Requests/s per instance (req/s)",
        "Requests/s per GPU (req/s)",
        "Total yearly cost (USD/year)",
        "USD per 1M tokens",
        "Software licence",
    ):
        assert words in text, words


def test_assumptions_table_has_units_and_provenance(rendered):
    html = rendered["html"]
    rows = dict(re.findall(r"<tr><td>([^<]+)</td><td class=\"num\">[^<]*</td><td>[^<]*</td><td>(\w+)</td></tr>", html))
    assert rows["Planned peak demand"] == "file"
    assert rows["Server price"] == "default"
    assert rows["Latency limit (first SLA constraint): avg TTFT"] == "file"
    assert '<td class="num">$320,000</td><td>USD</td>' in html
    text = flat(" ".join(rendered["pages"]))
    assert "Software licence basis: charged per server" in text
    assert "Rounding: whole" in text


def test_further_inputs_are_listed_only_when_set(rendered, stub_charts):
    """The example's reader sees the post's inputs; energy, spares and the like appear once the assumptions set them."""
    assert "Electricity price" not in rendered["html"] and "Spare servers" not in rendered["html"]
    hw = replace(HardwareProfile(), server_power_kw=10.0, electricity_price_per_kwh=0.12)
    a = assumptions(hardware=(hw,), spare_servers=1, provenance={"electricity_price_per_kwh": "file"})
    html = render.render_html(calculate(sweep(), a), tool_version=VERSION)
    assert '<td>Electricity price</td><td class="num">$0.12</td><td>USD/kWh</td><td>file</td>' in html
    assert '<td>Spare servers (N+k)</td><td class="num">1</td>' in html
    assert "plus 1 spare server" in html  # the method says so too
    assert "+ energy" in html


def test_sizing_table_lists_every_config_and_the_reason(rendered):
    report = rendered["report"]
    text = flat(" ".join(rendered["pages"]))
    for r in report.results:
        assert r.config in text
        if r.feasible:
            assert formatting.money(r.total_yearly_cost) in text
            assert formatting.unit_cost(r.cost_per_1k_requests) in text
        else:
            assert r.reason in text
    assert "avg TTFT <= 250 ms not met: best 420.0 ms" in text


def test_method_and_appendix(rendered):
    text = flat(" ".join(rendered["pages"]))
    assert "31,536,000 seconds in a year" in text
    assert "rounded up" in text
    assert f"tco_report {VERSION}" in text
    assert "genai-perf 0.0.9" in text
    assert "h100-fp8-tp2/concurrency32/profile_export_genai_perf.json" in text


def test_data_warnings_are_counted_on_page_one_and_listed_in_the_appendix(rendered, stub_charts):
    assert rendered["report"].warnings == ()  # the sample is consistent (Little's law holds)
    assert 'href="#warnings"' not in rendered["html"]
    warned = replace(rendered["report"], warnings=("odd <run> at c=4", "another"))
    html = render.render_html(warned, tool_version=VERSION)
    summary, appendix = html.split('<section class="assumptions"')[0], html.split('id="appendix"')[1]
    assert "2 data warnings" in summary and "odd" not in summary
    assert "<li>odd &lt;run&gt; at c=4</li>" in appendix


def test_no_feasible_config_says_so_with_reasons(stub_charts):
    report = calculate(sweep(), assumptions(sla=(replace(assumptions().sla[0], max_ms=10.0),)))
    html = render.render_html(report, tool_version=VERSION)
    assert "No config meets the SLA (avg TTFT &lt;= 10 ms)" in html
    for r in report.results:
        assert f"<li><strong>{r.config}</strong>: {r.reason.replace('<', '&lt;')}</li>" in html


# --- self-contained, reproducible, escaped -------------------------------------------------------------------------
def test_html_is_self_contained(rendered):
    html = rendered["html"]
    assert "http" not in html.lower()
    assert "src=" not in html.lower()
    assert "@import" not in html
    assert "<link" not in html.lower()
    # The only scripts are the explorer's: its data (JSON) and its own code, both inline.
    assert re.findall(r"<script\b[^>]*>", html) == [
        '<script type="application/json" id="explorer-data">',
        '<script id="explorer-script">',
    ]
    assert re.findall(r"url\((?!#)", html) == []  # only references to ids inside the document
    assert re.findall(r'href="(?!#)', html) == []  # links only to anchors inside the document
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "duplicate ids: four inline SVGs must not share one"


def test_weasyprint_has_nothing_to_warn_about(rendered):
    """Our CSS and layout give WeasyPrint no warning (the SVG style-attribute noise is filtered out in render)."""
    assert rendered["warnings"] == []


def test_pdf_fetches_nothing():
    with pytest.raises(ValueError, match="self-contained"):
        render.html_to_pdf('<html><body><img src="file:///etc/hostname"></body></html>')


RENDER_AGAIN = """
import sys
from pathlib import Path
from tests.test_report import render_both
from tests.report_sample import sample_report
render_both(sample_report(), Path(sys.argv[1]))
"""


def test_two_runs_are_byte_identical(rendered, tmp_path):
    """A second run, in a fresh process with another hash seed, writes the same bytes."""
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, PYTHONHASHSEED="12345", PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, "-c", RENDER_AGAIN, str(tmp_path)], check=True, cwd=ROOT, env=env, timeout=300)
    assert (tmp_path / "tco_report.html").read_text(encoding="utf-8") == rendered["html"]
    assert (tmp_path / "tco_report.pdf").read_bytes() == rendered["pdf"]


def test_date_and_pdf_metadata_follow_source_date_epoch(rendered):
    assert f'content="{EPOCH_DATE}T' in rendered["html"]
    meta = rendered["reader"].metadata
    assert meta.creation_date.strftime("%Y-%m-%d") == EPOCH_DATE
    assert meta.modification_date.strftime("%Y-%m-%d") == EPOCH_DATE


def test_source_date_epoch_must_be_whole_seconds(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(ValueError, match="SOURCE_DATE_EPOCH"):
        render.report_time()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert formatting.date(render.report_time()) == "1970-01-01"


def test_config_names_are_escaped():
    evil = "<script>alert(1)</script>"
    pts = [replace(p, config=evil) if p.config == "h100-fp8-tp2" else p for p in sweep()]
    html = render.render_html(calculate(pts, assumptions()), tool_version=VERSION)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_css_strings_cannot_break_out():
    assert render.css_string('a"b</style>') == '"a\\22 b\\3c /style\\3e "'


# --- how it looks -------------------------------------------------------------------------------------------------
def test_pdf_pages_render_to_png(rendered):
    """poppler draws every page; the images are kept for people to look at."""
    pdftoppm = require_program("pdftoppm")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("sample-page-*.png"):
        old.unlink()
    pdf = rendered["dir"] / "tco_report.pdf"
    subprocess.run([pdftoppm, "-r", "60", "-png", str(pdf), str(ARTIFACTS / "sample-page")], check=True, timeout=120)
    pngs = sorted(ARTIFACTS.glob("sample-page-*.png"))
    assert len(pngs) == len(rendered["pages"])
    from PIL import Image

    for png in pngs:
        with Image.open(png) as im:
            lo, hi = im.convert("L").getextrema()
            assert lo < 100 and hi > 200, f"{png.name} looks blank"


PROBE = """<script>
window.addEventListener("load", function () {
  var imgs = Array.from(document.images), svgs = Array.from(document.querySelectorAll("svg"));
  var out = {
    broken_images: imgs.filter(function (i) { return !i.complete || i.naturalWidth === 0; }).length,
    visible_svgs: svgs.filter(function (s) {
      var r = s.getBoundingClientRect(); return r.width > 200 && r.height > 100;
    }).length,
    resources: performance.getEntriesByType("resource").map(function (e) { return e.name; }),
    overflow: document.documentElement.scrollWidth > window.innerWidth
  };
  var pre = document.createElement("pre"); pre.id = "probe"; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>"""


def chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    exe = require_program("chromium", "chromium-browser", "google-chrome")
    return subprocess.run(
        [exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_html_opens_in_chromium_without_errors(rendered, tmp_path):
    """A screenshot for the artifacts, no console message, every chart drawn, nothing loaded from anywhere."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    html_path = rendered["dir"] / "tco_report.html"
    shot = ARTIFACTS / "sample-chromium.png"
    shot.unlink(missing_ok=True)
    run = chromium(
        "--enable-logging=stderr",
        "--v=0",
        f"--screenshot={shot}",
        "--window-size=1280,2000",
        html_path.as_uri(),
        profile=tmp_path / "profile1",
    )
    assert shot.exists() and shot.stat().st_size > 10_000, run.stderr[-2000:]
    console = [line for line in run.stderr.splitlines() if ":CONSOLE" in line]
    assert console == []
    # The same document plus a test-only probe script (the report's own script is the explorer's).
    probe_path = tmp_path / "probe.html"
    probe_path.write_text(rendered["html"].replace("</body>", PROBE + "</body>"), encoding="utf-8")
    dom = chromium(
        "--virtual-time-budget=5000",
        "--window-size=1280,2000",
        "--dump-dom",
        probe_path.as_uri(),
        profile=tmp_path / "profile2",
    ).stdout
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom)
    assert found, dom[-2000:]
    probe = json.loads(found.group(1).replace("&quot;", '"'))
    svgs = rendered["html"].count("<svg ")
    assert probe == {"broken_images": 0, "visible_svgs": svgs, "resources": [], "overflow": False}


def test_decision_sections_follow_their_inputs_and_survive_an_infeasible_scenario(stub_charts):
    """Sections appear only when asked for; a scenario where nothing meets the SLA says so; a base where nothing
    does still renders its scenarios."""
    tight = assumptions(sla=(replace(assumptions().sla[0], max_ms=10.0),))
    a = assumptions(
        api_input_price_per_1m=0.1,
        api_output_price_per_1m=0.3,
        demand_growth_per_year=0.5,
        scenarios=(("tight SLA", tight), ("double peak", assumptions(peak_requests_per_second=200.0))),
    )
    report = calculate(sweep(), a)
    html = render.render_html(report, tool_version=VERSION)
    assert render.decision_parts(report) == ["scenarios", "api", "plan", "sensitivity"]
    for section in ('id="scenarios"', 'id="api"', 'id="plan"', 'id="sensitivity"'):
        assert section in html
    row = html[html.index('<td class="name">tight SLA</td>') :]
    assert "no config meets the SLA" in row[: row.index("</tr>")]
    assert "SLA avg TTFT &lt;= 10 ms" in row[: row.index("</tr>")]  # what the scenario changes
    assert "Planned peak demand 200 req/s" in html
    # nothing feasible in the base: no cost sections, no API or plan, but the scenarios still compare
    none = calculate(sweep(), replace(a, sla=tight.sla))
    html = render.render_html(none, tool_version=VERSION)
    assert render.decision_parts(none) == ["scenarios"]
    assert 'id="costs"' not in html and 'id="api"' not in html and "double peak" in html
    # the sample alone: sensitivity only (no prices, scenarios or growth given)
    assert render.decision_parts(calculate(sweep(), assumptions())) == ["sensitivity"]


def test_pdf_takes_inline_png_data_and_nothing_else():
    import base64

    from PIL import Image

    png = io.BytesIO()
    Image.new("RGB", (2, 2), "red").save(png, "PNG")
    uri = "data:image/png;base64," + base64.b64encode(png.getvalue()).decode()
    assert render.html_to_pdf(f'<html><body><img src="{uri}"></body></html>').startswith(b"%PDF")
    for url in ("data:text/html,<b>x</b>", "file:///etc/hostname", "http://example.invalid/x.png"):
        with pytest.raises(ValueError, match="self-contained"):
            render.html_to_pdf(f'<html><body><img src="{url}"></body></html>')


def test_pdf_takes_inline_svg_data_but_not_what_the_svg_refers_to(tmp_path, caplog):
    """The PDF's charts are SVG data URLs (render.charts_as_images); whatever such an SVG would load comes back
    through the same fetcher and is refused: a real PNG file on disk stays out of the PDF."""
    import base64

    from PIL import Image

    def svg_uri(inner: str) -> str:
        svg = (
            '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="20" '
            f'height="20">{inner}</svg>'
        )
        return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()

    def images(pdf: bytes) -> int:
        return sum(len(page.images) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)

    ok = svg_uri('<rect width="10" height="10" fill="red"/><text x="1" y="15">chart text</text>')
    pdf = render.html_to_pdf(f'<html><body><img src="{ok}"></body></html>')
    assert "chart text" in pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    png = tmp_path / "secret.png"
    Image.new("RGB", (8, 8), "blue").save(png)
    inline_png = svg_uri(f'<image xlink:href="{_png_uri(png)}" width="10" height="10"/>')
    assert images(render.html_to_pdf(f'<html><body><img src="{inline_png}"></body></html>')) == 1  # can embed
    for url in (png.as_uri(), "http://example.invalid/x.png"):
        bad = svg_uri(f'<image xlink:href="{url}" width="10" height="10"/>')
        try:
            pdf = render.html_to_pdf(f'<html><body><img src="{bad}"></body></html>')
        except ValueError as e:  # refused outright ...
            assert "self-contained" in str(e)
        else:  # ... or refused inside the SVG, which WeasyPrint then draws without it
            assert images(pdf) == 0


def _png_uri(path: Path) -> str:
    import base64

    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode()


def test_pdf_charts_are_the_html_charts_as_svg_images():
    """charts_as_images turns each inline chart into an <img> holding the very same SVG, and touches nothing else."""
    import base64

    html = render.render_html(sample_report(), tool_version=VERSION)
    printed = render.charts_as_images(html)
    inline = re.findall(r'<svg class="chart"[^>]*>.*?</svg>', html, re.S)
    images = re.findall(r'<img class="chart" alt="" src="data:image/svg\+xml;base64,([^"]+)">', printed)
    assert len(inline) == len(images) >= 4 and '<svg class="chart"' not in printed
    for svg, data in zip(inline, images, strict=True):
        decoded = base64.b64decode(data).decode()
        ns = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
        assert decoded == svg.replace('<svg class="chart"', f"<svg {ns}", 1)
    assert re.sub(r'<svg class="chart".*?</svg>', "", html, flags=re.S) == re.sub(
        r'<img class="chart"[^>]*>', "", printed
    )
