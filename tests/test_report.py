"""The HTML and PDF report (tco_report/report/): content, self-containment, reproducibility, escaping, and how it
looks. The sample is rendered once per module. Page images and a Chromium screenshot go to ci-artifacts/report/,
which CI keeps.
"""

from __future__ import annotations

import ast
import io
import json
import os
import re
import subprocess
import sys
from dataclasses import replace
from html import unescape
from pathlib import Path

import openpyxl
import pypdf
import pytest

from tco_report import api, formatting
from tco_report.calculator import calculate
from tco_report.errors import InputError
from tco_report.model import HardwareProfile
from tco_report.report import charts, html, pdf, view

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
HOSTILE = '#panic("typst") *bold* $x^2$ <script>alert(1)</script> =1+1 @ref [link](x) \\u{41} // c'


def render_both(report, out: Path, page_size: str = "A4") -> tuple[str, bytes]:
    """The HTML and the PDF of ``report`` in ``out``, as the command line writes them."""
    v = view.build(report, page_size=page_size, tool_version=VERSION)
    svgs = charts.draw_all(v)
    text = html.write_html(v, svgs, out / "tco_report.html")
    pdf.write_pdf(v, svgs, out / "tco_report.pdf")
    return text, (out / "tco_report.pdf").read_bytes()


def pdf_pages(data: bytes) -> list[str]:
    return [flat(p.extract_text()) for p in pypdf.PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """The sample report as HTML and PDF, with SOURCE_DATE_EPOCH set; Typst's warnings kept."""
    out = tmp_path_factory.mktemp("report")
    report = sample_report()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        v = view.build(report, tool_version=VERSION)
        svgs = charts.draw_all(v)
        page = html.write_html(v, svgs, out / "tco_report.html")
        data, typst_warnings = pdf.compile_pdf(v, svgs)
    (out / "tco_report.pdf").write_bytes(data)
    reader = pypdf.PdfReader(io.BytesIO(data))
    pages = [p.extract_text() for p in reader.pages]
    return {
        "report": report,
        "view": v,
        "html": page,
        "pdf": data,
        "reader": reader,
        "pages": pages,
        "dir": out,
        "warnings": typst_warnings,
    }


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


def html_of(report) -> str:
    """The HTML alone, charts left out (their own tests draw them): for tests of the text."""
    v = view.build(report, tool_version=VERSION)
    return html.render_html(v, {k: f'<svg id="{k}"></svg>' for k in v.charts})


def pdf_of(report, page_size: str = "A4") -> bytes:
    v = view.build(report, page_size=page_size, tool_version=VERSION)
    return pdf.compile_pdf(v, charts.draw_all(v))[0]


# --- content ----------------------------------------------------------------------------------------------------
def test_page_one_holds_the_answer(rendered):
    rec = rendered["report"].recommended
    assert rec.config == "h100-fp8-tp2"  # the cheapest feasible config of the sample
    page1 = flat(rendered["pages"][0])
    for figure in headline(rec):
        assert figure in page1, f"{figure!r} is not on page 1"
    assert "meta-llama/Llama-3.1-8B-Instruct" in page1.replace("- ", "-")
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
    assert [s.title for s in rendered["view"].sections] == order


def test_page_count_and_running_header_footer(rendered):
    pages = rendered["pages"]
    n = len(pages)
    assert 4 <= n <= 8, f"{n} pages: the report grew or lost a section"
    for i, text in enumerate(pages, start=1):
        assert f"Page {i} of {n}" in text
        assert f"tco_report {VERSION}" in text
    title = "GPU sizing and TCO: meta-llama/Llama-3.1-8B-Instruct"
    assert all(title in flat(t) and EPOCH_DATE in t for t in pages[1:])  # the running header, from page 2 on


def test_page_size_a4_and_letter(rendered):
    box = rendered["reader"].pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    letter = pypdf.PdfReader(io.BytesIO(pdf_of(rendered["report"], "Letter")))
    assert {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in letter.pages} == {(612, 792)}
    with pytest.raises(ValueError, match="page_size"):
        view.build(rendered["report"], page_size="A3", tool_version=VERSION)


def test_every_chart_is_present_as_vector_graphics(rendered):
    assert rendered["html"].count('<svg class="chart"') == 6  # the post's four, interactivity, sensitivity
    assert rendered["view"].charts == (
        "chart-latency",
        "chart-interactivity",
        "chart-pareto",
        "chart-yearly",
        "chart-tokens",
        "chart-tornado",
    )
    # the charts are drawn as vectors in the PDF: no raster image in the sample's PDF at all
    assert sum(len(p.images) for p in rendered["reader"].pages) == 0
    text = flat(" ".join(rendered["pages"]))
    for words in (
        "Latency vs throughput, per config",
        "Interactivity: throughput per GPU vs tokens per second per user",
        "Sensitivity: what moves the cost",
        "Pareto frontier: throughput per GPU vs latency",
        "Yearly cost per config, by component",
        "Cost per 1M input and output tokens, per config",
        # axis and legend text drawn inside the SVGs: the charts' text is searchable in the PDF
        "Requests/s per instance (req/s)",
        "Requests/s per GPU (req/s)",
        "Total yearly cost (USD/year)",
        "USD per 1M tokens",
        "Software licence",
    ):
        assert words in text, words


def test_fonts_are_embedded_and_dejavu(rendered):
    fonts = {}
    for page in rendered["reader"].pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            fonts[str(font["/BaseFont"])] = "/FontFile2" in descendant["/FontDescriptor"]
    assert fonts and all(fonts.values()), fonts
    assert {name.split("+")[1] for name in fonts} <= {
        "DejaVuSans",
        "DejaVuSans-Bold",
        "DejaVuSans-Oblique",
        "DejaVuSans-BoldOblique",
        "DejaVuSansMono",
    }


def test_typst_has_nothing_to_warn_about_and_fetches_nothing(rendered):
    assert rendered["warnings"] == []
    template = (ROOT / "templates" / "report.typ").read_text()
    assert "#import" not in template and "@preview" not in template and "#include" not in template
    assert "eval(" not in template  # data is never evaluated as markup


def test_assumptions_table_has_units_and_provenance(rendered):
    rows = {r.label: r for r in view.assumption_rows(rendered["report"].assumptions)}
    assert rows["Planned peak demand"].source == "file"
    assert rows["Server price"].source == "default" and rows["Server price"].value == "$320,000"
    assert rows["Latency limit (first SLA constraint): avg TTFT"].source == "file"
    page = rendered["html"]
    assert '<td class="name">Server price</td><td class="num">$320,000</td><td>USD</td><td>default</td>' in page
    text = flat(" ".join(rendered["pages"]))
    assert "Server price $320,000 USD default" in text
    assert "Software licence basis: charged per server" in text
    assert "Rounding: whole" in text


def test_further_inputs_are_listed_only_when_set(rendered):
    """The example's reader sees the post's inputs; energy, spares and the like appear once the assumptions set them."""
    assert "Electricity price" not in rendered["html"] and "Spare servers" not in rendered["html"]
    hw = replace(HardwareProfile(), server_power_kw=10.0, electricity_price_per_kwh=0.12)
    a = assumptions(hardware=(hw,), spare_servers=1, provenance={"electricity_price_per_kwh": "file"})
    page = html_of(calculate(sweep(), a))
    assert '<td class="name">Electricity price</td><td class="num">$0.12</td><td>USD/kWh</td><td>file</td>' in page
    assert '<td class="name">Spare servers (N+k)</td><td class="num">1</td>' in page
    assert "plus 1 spare server" in page  # the method says so too
    assert "+ energy" in page


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


def test_no_feasible_config_says_so_with_reasons():
    report = calculate(sweep(), assumptions(sla=(replace(assumptions().sla[0], max_ms=10.0),)))
    page = html_of(report)
    assert "No config meets the SLA (avg TTFT &lt;= 10 ms)" in page
    for r in report.results:
        assert f"<li><strong>{r.config}</strong>: {r.reason.replace('<', '&lt;')}</li>" in page
    text = flat(" ".join(pdf_pages(pdf_of(report))))
    assert "No config meets the SLA (avg TTFT <= 10 ms)" in text


# --- warnings ----------------------------------------------------------------------------------------------------
def test_warnings_are_counted_by_kind_and_config_and_only_the_first_few_quoted():
    report = sample_report()
    assert report.warnings == ()  # the sample is consistent (Little's law holds)
    assert 'id="warnings"' not in html_of(report)
    many = tuple(
        f"h100-fp8-tp2 at c={c}: requests/s x mean latency = 1 x 2 s = 2 requests in flight, 50% off the concurrency"
        f" of {c} (Little's law; check the run and its units: f{c}.json)"
        for c in range(12)
    ) + ("a100-bf16-tp8 at c=1: odd <run> (Little's law; x)", "skipped big.json: 9 bytes")
    warned = replace(report, warnings=many)
    v = view.build(warned, tool_version=VERSION)
    assert v.warnings.total == 14
    assert v.warnings.by_kind == (("littles_law", "Little's law check failed", 13), ("skipped", "File skipped", 1))
    assert v.warnings.by_config == (("h100-fp8-tp2", 12), ("a100-bf16-tp8", 1))
    page = html.render_html(v, {k: "<svg></svg>" for k in v.charts})
    summary, appendix = page.split('<section class="assumptions"')[0], page.split('id="appendix"')[1]
    count = "14 data warnings (Little's law check failed: 13; File skipped: 1) about 2 configs: h100-fp8-tp2 (12),"
    summary, appendix = unescape(summary), unescape(appendix)
    assert count in summary and "odd" not in summary
    quoted = re.findall(r"<li>(h100-fp8-tp2 at c=\d+:[^<]*)</li>", appendix)
    assert len(quoted) == 5  # the first five, in full
    assert "The other 9 are listed in summary.json" in appendix
    text = flat(" ".join(pdf_pages(pdf.compile_pdf(v, charts.draw_all(v))[0])))
    assert count in text and "The other 9 are listed in summary.json" in text
    assert "h100-fp8-tp2 at c=4:" in text and "h100-fp8-tp2 at c=5:" not in text


def test_failed_points_repeats_and_tools_are_shown():
    """From BenchmarkPoint's own fields: a failed run is marked and counted, a point of repeated runs gives its
    spread, and each source file its tool and version."""
    pts = sweep()
    pts = [
        replace(p, failed=True, failure="all 100 requests failed: HTTP 500", rps=0.0)
        if p.config == "h100-bf16-tp1" and p.concurrency == 128
        else replace(p, repeats=3, spread={"rps": (p.rps * 0.97, p.rps * 1.02)}, tool="aiperf", tool_version="0.10.1")
        if p.config == "h100-fp8-tp2"
        else p
        for p in pts
    ]
    report = calculate(pts, assumptions())
    rec = report.recommended
    assert rec.config == "h100-fp8-tp2" and rec.point.repeats == 3
    v = view.build(report, tool_version=VERSION)
    assert v.failed_runs == 1
    text = flat(" ".join(pdf_pages(pdf.compile_pdf(v, charts.draw_all(v))[0])))
    assert "1 benchmark run failed and was left out of the sizing" in text
    assert "h100-bf16-tp1 at c=128: all 100 requests failed: HTTP 500" in text
    assert "128 (failed)" in text  # its level in the sources appendix
    lo, hi = rec.point.spread["rps"]
    assert f"3 runs: {formatting.rate(lo)} to {formatting.rate(hi)} req/s" in text  # under the best point
    assert "32 (×3)" in text
    assert "aiperf 0.10.1" in text and "genai-perf 0.0.9" in text
    latency = charts.draw("chart-latency", v.plots)
    assert "1 failed run (not drawn)" in latency


# --- self-contained, reproducible, escaped -------------------------------------------------------------------------
def test_html_is_self_contained(rendered):
    page = rendered["html"]
    assert "http" not in page.lower()
    assert "src=" not in page.lower()
    assert "@import" not in page
    assert "<link" not in page.lower()
    # The only scripts are the explorer's: its data (JSON) and its own code, both inline.
    assert re.findall(r"<script\b[^>]*>", page) == [
        '<script type="application/json" id="explorer-data">',
        '<script id="explorer-script">',
    ]
    assert re.findall(r"url\((?!#)", page) == []
    assert re.findall(r'href="(?!#)', page) == []
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "duplicate ids: the inline SVGs must not share one"


def test_pdf_refers_to_nothing_outside(rendered):
    data = rendered["pdf"]
    for marker in (b"/URI", b"/Launch", b"/GoToR", b"/JavaScript", b"/EmbeddedFile"):
        assert marker not in data
    assert b"http" not in data.replace(b"http://ns.adobe.com", b"").replace(b"http://www.w3.org", b"").replace(
        b"http://purl.org", b""
    ).replace(b"http://www.aiim.org", b"")


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
    assert meta.title == "GPU sizing and TCO: meta-llama/Llama-3.1-8B-Instruct"


def test_source_date_epoch_must_be_whole_seconds(monkeypatch, tmp_path):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(InputError, match="SOURCE_DATE_EPOCH"):
        view.report_time()
    env = dict(os.environ, SOURCE_DATE_EPOCH="yesterday", PYTHONPATH=str(ROOT))
    r = subprocess.run(
        [sys.executable, "-m", "tco_report", "--out", str(tmp_path / "o")], capture_output=True, text=True, env=env
    )
    assert r.returncode == 2 and "SOURCE_DATE_EPOCH" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert formatting.date(view.report_time()) == "1970-01-01"


def test_hostile_config_name_is_text_in_the_pdf_the_html_and_the_workbook(tmp_path):
    """A config name with Typst, HTML and formula syntax comes out as the same characters everywhere."""
    pts = [replace(p, config=HOSTILE) if p.config == "h100-fp8-tp2" else p for p in sweep()]
    report = calculate(pts, assumptions())
    assert report.recommended.config == HOSTILE
    names = api.write_outputs(report, tmp_path, tool_version=VERSION)
    assert names == list(api.OUTPUTS)
    text = flat(" ".join(pdf_pages((tmp_path / "tco_report.pdf").read_bytes())))
    assert text.count(HOSTILE) >= 3  # the summary, the sizing table, the method's example line
    page = (tmp_path / "tco_report.html").read_text(encoding="utf-8")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "#panic(&#34;typst&#34;) *bold* $x^2$" in page
    wb = openpyxl.load_workbook(tmp_path / "tco_report.xlsx")
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if c.value == HOSTILE]
    assert cells and all(c.data_type == "s" for c in cells)
    assert json.loads((tmp_path / "summary.json").read_text())["recommended"]["config"] == HOSTILE


def test_write_outputs_writes_what_the_cli_writes(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    from tco_report import __version__
    from tco_report.cli import main

    assert main(["--out", str(tmp_path / "cli"), "-q"]) == 0
    assert api.write_outputs(api.run(), tmp_path / "api") == list(api.OUTPUTS)
    for name in api.OUTPUTS:
        if name == api.WORKBOOK:  # XlsxWriter stamps the time of writing into the zip; compare the summary only
            continue
        assert (tmp_path / "cli" / name).read_bytes() == (tmp_path / "api" / name).read_bytes(), name
    assert __version__ in (tmp_path / "api" / "tco_report.html").read_text()
    assert api.write_outputs(api.run(), tmp_path / "some", [api.SUMMARY]) == [api.SUMMARY]
    assert sorted(p.name for p in (tmp_path / "some").iterdir()) == [api.SUMMARY]
    with pytest.raises(ValueError, match="unknown output"):
        api.write_outputs(api.run(), tmp_path / "x", ["report.docx"])


def test_the_report_package_has_no_import_circle():
    """report/: view <- charts <- small_multiples, html, pdf; nothing imports back up, nothing outside imports in."""
    package = ROOT / "tco_report" / "report"
    graph: dict[str, set[str]] = {}
    for path in package.glob("*.py"):
        tree = ast.parse(path.read_text())
        graph[path.stem] = {
            n.module.lstrip(".")
            for n in ast.walk(tree)
            if isinstance(n, ast.ImportFrom) and n.level == 1 and n.module and not n.module.startswith(".")
        }
    assert graph == {
        "__init__": set(),
        "svg": set(),
        "explorer": set(),
        "view": {"explorer"},
        "small_multiples": {"svg", "view"},
        "layout": set(),
        "charts": {"layout", "small_multiples", "svg", "view"},
        "html": {"view"},
        "pdf": {"view"},
    }
    # outside the package, only the API (the writers' one caller) imports it: it never imports back up
    for path in (ROOT / "tco_report").rglob("*.py"):
        if package in path.parents or path.name == "api.py":
            continue
        for n in ast.walk(ast.parse(path.read_text())):
            if isinstance(n, ast.ImportFrom):
                assert not (n.module or "").endswith("report") and "report" not in {a.name for a in n.names}, path
            elif isinstance(n, ast.Import):
                assert not any(a.name.startswith("tco_report.report") for a in n.names), path


# --- how it looks -------------------------------------------------------------------------------------------------
def test_pdf_pages_render_to_png(rendered):
    """poppler draws every page; the images are kept for people to look at."""
    pdftoppm = require_program("pdftoppm")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("sample-page-*.png"):
        old.unlink()
    out = rendered["dir"] / "tco_report.pdf"
    subprocess.run([pdftoppm, "-r", "60", "-png", str(out), str(ARTIFACTS / "sample-page")], check=True, timeout=120)
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
        [exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args], capture_output=True, text=True, timeout=120
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
    assert [line for line in run.stderr.splitlines() if ":CONSOLE" in line] == []
    probe_path = tmp_path / "probe.html"
    probe_path.write_text(rendered["html"].replace("</body>", PROBE + "</body>"), encoding="utf-8")
    dom = chromium(
        "--virtual-time-budget=5000",
        "--window-size=1280,2000",
        "--dump-dom",
        probe_path.as_uri(),
        profile=tmp_path / "p2",
    ).stdout
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom)
    assert found, dom[-2000:]
    probe = json.loads(found.group(1).replace("&quot;", '"'))
    svgs = rendered["html"].count("<svg ")
    assert probe == {"broken_images": 0, "visible_svgs": svgs, "resources": [], "overflow": False}


def test_decision_sections_follow_their_inputs_and_survive_an_infeasible_scenario():
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
    page = html_of(report)
    assert view.decision_parts(report) == ["scenarios", "api", "plan", "sensitivity"]
    for section in ('id="scenarios"', 'id="api"', 'id="plan"', 'id="sensitivity"'):
        assert section in page
    row = page[page.index('<td class="name">tight SLA</td>') :]
    assert "no config meets the SLA" in row[: row.index("</tr>")]
    assert "SLA avg TTFT &lt;= 10 ms" in row[: row.index("</tr>")]
    assert "Planned peak demand 200 req/s" in page
    none = calculate(sweep(), replace(a, sla=tight.sla))
    page = html_of(none)
    assert view.decision_parts(none) == ["scenarios"]
    assert 'id="costs"' not in page and 'id="api"' not in page and "double peak" in page
    assert view.decision_parts(calculate(sweep(), assumptions())) == ["sensitivity"]


def test_the_explorer_has_its_place_beside_the_latency_chart():
    """The HTML writer puts the interactive explorer right after the latency chart; a view without explorer data
    has nothing there."""
    from dataclasses import replace

    v = view.build(sample_report(), tool_version=VERSION)
    svgs = {k: f'<svg id="{k}"></svg>' for k in v.charts}
    page = html.render_html(v, svgs)
    after = page.split('<figure class="chart" id="chart-latency">', 1)[1]
    assert after.split("</figure>", 1)[1].lstrip().startswith("<!-- explorer -->")
    assert page.count('id="explorer-data"') == 1
    plain = html.render_html(replace(v, explorer={}), svgs)
    assert "<!-- explorer -->" not in plain and "<script" not in plain
