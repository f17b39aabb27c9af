"""The small-multiples appendix (issue 8): every config that the latency chart leaves in its grey path gets a panel
of its own, thirty to a page, each page one SVG with the configs' full names listed under it as text."""

from __future__ import annotations

import hashlib
import io
import os
import re
import subprocess
import sys
import warnings
from html import unescape

import pypdf
import pytest
from markupsafe import escape
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from tco_report import api
from tco_report.calculator import calculate
from tco_report.report import charts, html, pdf, view
from tco_report.report import small_multiples as sm_module

from .conftest import ROOT
from .report_sample import assumptions, sample_report, sweep

VERSION = "9.9.9-test"
HEADING = "Every config's latency-throughput curve"
SCRIPT = "<script>alert(1)</script>"
FORMULA = "=1+1"
LONG = "a-very-long-deployment-config-name-read-from-a-folder-" + "x" * 24 + "-tp8-run7"


def many_configs() -> dict[str, tuple[int, float, float, float]]:
    """40 ordinary configs (some never meet the 250 ms SLA) and three with awkward names that use 8 GPUs for little
    throughput, so that they are never recommended nor on the frontier: the appendix must draw them."""
    configs = {f"cfg-{i:02d}": (1 + i % 4, 0.5 + 0.07 * i, 40.0 + 9 * i, 1.4 + 0.01 * (i % 5)) for i in range(40)}
    for name in (SCRIPT, FORMULA, LONG):
        configs[name] = (8, 0.3, 60.0, 1.5)
    return configs


@pytest.fixture(scope="module")
def big():
    report = calculate(sweep(many_configs()), assumptions())
    v = view.build(report, tool_version=VERSION)
    return report, v


@pytest.fixture(scope="module")
def big_rendered(big):
    _, v = big
    svgs = charts.draw_all(v)
    page = html.render_html(v, svgs)
    data, typst_warnings = pdf.compile_pdf(v, svgs)
    assert typst_warnings == []
    pages = [flat(p.extract_text()) for p in pypdf.PdfReader(io.BytesIO(data)).pages]
    return page, pages, svgs


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def pre_blocks(v: view.ReportView) -> list[str]:
    return [b.text for s in v.sections for b in s.blocks if isinstance(b, view.Pre)]


# --- when there is an appendix ----------------------------------------------------------------------------------
def test_no_appendix_when_the_latency_chart_colours_every_config():
    example = api.run()  # the embedded example: 3 configs
    v = view.build(example, tool_version=VERSION)
    assert v.plots.appendix == () and not [k for k in v.charts if k.startswith("chart-sm-")]
    page = html.render_html(v, {k: "<svg></svg>" for k in v.charts})
    assert HEADING not in page and "sm-grid" not in page
    assert "panel of its own in the appendix" not in page
    assert view.build(sample_report(), tool_version=VERSION).plots.appendix == ()


def test_one_panel_per_config_the_latency_chart_leaves_grey(big):
    report, v = big
    assert len(report.configs) == 43
    focus = view.focus_configs(report)
    assert len(focus) == view.FOCUS_LIMIT and report.recommended.config in focus
    expected = [c for c in report.configs if c not in focus]  # by name, as the sizing table
    assert len(expected) == 35
    assert {SCRIPT, FORMULA, LONG} <= set(expected)
    assert list(v.plots.appendix) == expected
    g = sm_module.grid(v.plots)
    assert [p.config for p in g.panels] == expected and [p.number for p in g.panels] == list(range(1, 36))
    feasible = {r.config: r.feasible for r in report.results}
    assert [p.feasible for p in g.panels] == [feasible[c] for c in expected]
    assert sum(not p.feasible for p in g.panels) > 0
    assert [k for k in v.charts if k.startswith("chart-sm-")] == ["chart-sm-1", "chart-sm-2"]
    # x is the first SLA constraint's latency, as in the main chart; its limit is the dashed line in every panel
    assert v.plots.xlabel == "Time to first token, avg (ms)"
    assert v.plots.ylabel == "Requests/s per instance (req/s)"
    assert g.sla == (250.0,)


def test_each_page_is_one_deterministic_vector_svg(big, big_rendered):
    _, v = big
    _, _, svgs = big_rendered
    for key in ("chart-sm-1", "chart-sm-2"):
        doc = svgs[key]
        assert doc.startswith("<svg ") and "<image" not in doc  # vector, no embedded raster
        assert all(i.startswith(key + "-") for i in re.findall(r'\bid="([^"]+)"', doc))
    assert charts.draw("chart-sm-1", v.plots) == svgs["chart-sm-1"]


DIGEST = """
import hashlib
from html import unescape
from tco_report.calculator import calculate
from tco_report.report import charts, view
from tests.report_sample import assumptions, sweep
from tests.test_report_small_multiples import many_configs
v = view.build(calculate(sweep(many_configs()), assumptions()), tool_version="x", when=view.report_time())
print(hashlib.sha256("".join(charts.draw(k, v.plots) for k in ("chart-sm-1", "chart-sm-2")).encode()).hexdigest())
"""


def test_pages_are_the_same_bytes_in_another_process(big_rendered):
    _, _, svgs = big_rendered
    here = hashlib.sha256((svgs["chart-sm-1"] + svgs["chart-sm-2"]).encode()).hexdigest()
    env = dict(os.environ, PYTHONHASHSEED="4242", PYTHONPATH=str(ROOT))
    out = subprocess.run(
        [sys.executable, "-c", DIGEST], cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == here


# --- the names --------------------------------------------------------------------------------------------------
def test_the_list_under_each_grid_gives_every_name_in_full_in_columns(big):
    _, v = big
    first, second = pre_blocks(v)
    lines = first.splitlines()
    # 29 names in three columns of 10, 10 and 9, numbered down each column; the long name follows on its own
    assert len(lines) == 11
    assert lines[0] == " 1. <script>alert(1)</script>   12. cfg-10" + " " * 22 + "22. cfg-23"
    assert lines[9] == "11. cfg-09" + " " * 22 + "21. cfg-22"
    assert lines[10] == " 3. " + LONG
    assert second.splitlines() == ["31. cfg-34   33. cfg-37   35. cfg-39", "32. cfg-35   34. cfg-38"]
    listed = re.findall(r"(\d+)\. ", first + "\n" + second)
    assert sorted(int(n) for n in listed) == list(range(1, 36))  # each panel once
    for name in (SCRIPT, FORMULA, LONG):
        assert name in first


def test_a_character_the_font_lacks_is_drawn_as_a_question_mark_without_a_warning():
    regular, _ = sm_module._fonts()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        verts, codes, advance = regular._glyph("\u914d")  # a CJK ideograph: DejaVu Sans has none
    assert (verts == regular._glyph("?")[0]).all() and codes == regular._glyph("?")[1] and advance > 0
    assert regular.width("\u914d\u7f6e", 10.0) == regular.width("??", 10.0)


def test_a_long_name_is_shortened_around_an_ellipsis_to_fit_its_panel():
    regular, _ = sm_module._fonts()

    def measure(text: str) -> float:
        return regular.width(text, sm_module.TITLE_SIZE)

    width = sm_module.PANEL_W + sm_module.COL_GAP - 2
    title = f"3. {LONG}"
    short = sm_module._fit(title, width, measure)
    assert measure(title) > width >= measure(short)
    head, tail = short.split("\u2026")
    assert title.startswith(head) and title.endswith(tail) and tail.endswith("-run7") and head.startswith("3. a-very")
    assert measure(head + "\u2026" + title[-len(tail) - 1 :]) > width  # as many characters as fit are kept
    assert sm_module._fit("7. cfg-07", width, measure) == "7. cfg-07"


def test_html_lists_every_grey_config_as_escaped_text(big, big_rendered):
    report, v = big
    page, _, _ = big_rendered
    assert unescape(page).count(HEADING) == 1
    assert page.count('class="chart sm-grid"') == 2
    listed = "\n".join(re.findall(r'<pre class="sm-index">(.*?)</pre>', page, flags=re.S))
    for config in v.plots.appendix:
        assert str(escape(config)) in listed, config
    assert SCRIPT not in page  # the explorer's data holds it JSON-escaped, never as markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in listed
    assert re.search(r"\d+\. =1\+1\b", listed)  # a formula-like name is plain text
    for config in v.plots.focus:  # the coloured configs are named in the introduction
        assert str(escape(config)) in page
    caption = re.search(r'<figure class="chart" id="chart-latency">.*?<figcaption>(.*?)</figcaption>', page, re.S)
    assert caption.group(1).endswith("Each grey config has a panel of its own in the appendix.")


def test_pdf_starts_each_grid_on_a_new_page_and_keeps_it_whole(big, big_rendered):
    _, v = big
    _, pages, _ = big_rendered
    heading = [i for i, text in enumerate(pages) if HEADING in text]
    assert len(heading) == 1
    g = sm_module.grid(v.plots)
    where = []
    for first, last in ((1, 30), (31, 35)):
        found = [i for i, text in enumerate(pages) if f"Configs {first} to {last} of 35" in text]
        assert len(found) == 1
        where.append(found[0])
        names = [p.config for p in g.panels[first - 1 : last] if p.config.isascii() and p.config != LONG]
        assert names[0] in pages[found[0]] and names[-1] in pages[found[0]]
    assert where == [heading[0], heading[0] + 1]
    assert where[-1] == len(pages) - 1  # the appendix ends the report
    assert "Every config's" not in pages[heading[0] - 1]  # the heading does not sit apart from its grid
    assert "alert(1)" in pages[where[0]] and "=1+1" in pages[where[0]]


# --- scales -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "values",
    [[10.0, 20.0, 250.0], [10.0, 20.0, 300.1], [40.0, 1500.0], [0.0, 5.0, 400.0], [-3.0, 2.0], [7.0], []],
)
def test_log_scale_exactly_when_the_main_chart_uses_one(values):
    fig = Figure()
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    charts.log_if_wide(ax, "x", values)
    assert sm_module._scale(values).log == (ax.get_xscale() == "log")


def test_shared_scale_holds_every_value_and_the_sla_line(big):
    _, v = big
    xs = [p.latency for c in v.plots.curves if c.config in v.plots.appendix for p in c.points]
    sx = sm_module._scale([*xs, 250.0])
    assert sx.log is True and sm_module.grid(v.plots).sx == sx
    assert all(0 < sx.frac(x) < 1 for x in [*xs, 250.0])
    ticks = sx.ticks()
    assert 2 <= len(ticks) <= 4 and all(0 <= sx.frac(t) <= 1 for t in ticks)
    linear = sm_module._scale([1.0, 2.0, 3.0])
    assert not linear.log and linear.lo < 1.0 and linear.hi > 3.0 and linear.ticks() == [1.0, 2.0, 3.0]
