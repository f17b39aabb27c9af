"""The small-multiples appendix (issue 8): every config that the latency chart leaves in its grey path gets a panel
of its own, thirty to a page, each page one PNG with the configs' full names listed under it as text."""

from __future__ import annotations

import base64
import hashlib
import io
import math
import os
import re
import subprocess
import sys
import warnings

import pypdf
import pytest
from markupsafe import escape
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from tco_report import api, chart_appendix, charts, render
from tco_report.calculator import calculate

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
    return report, chart_appendix.small_multiples(report)


@pytest.fixture(scope="module")
def big_rendered(big, tmp_path_factory):
    report, _ = big
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1790000000")
        html = render.render_html(report, tool_version=VERSION)
    pdf = render.html_to_pdf(html)
    pages = [flat(p.extract_text()) for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]
    return html, pages


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def png_of(page: chart_appendix.GridPage) -> bytes:
    prefix = "data:image/png;base64,"
    assert page.png.startswith(prefix)
    return base64.b64decode(page.png[len(prefix) :])


# --- when there is an appendix ----------------------------------------------------------------------------------
def test_no_appendix_when_the_latency_chart_colours_every_config():
    example = api.run()  # the embedded example: 3 configs
    assert len(example.configs) == 3
    assert chart_appendix.appendix_configs(example) == []
    assert chart_appendix.small_multiples(example) is None
    html = render.render_html(example, tool_version=VERSION)
    assert HEADING not in html and '<div class="sm-page"' not in html and "data:image/png" not in html
    assert "panel of its own in the appendix" not in html
    assert chart_appendix.small_multiples(sample_report()) is None


def test_one_panel_per_config_the_latency_chart_leaves_grey(big):
    report, sm = big
    assert len(report.configs) == 43
    focus = charts.focus_configs(report)
    assert len(focus) == charts.FOCUS_LIMIT and report.recommended.config in focus
    expected = [c for c in report.configs if c not in focus]  # by name, as the sizing table
    assert len(expected) == 35
    assert {SCRIPT, FORMULA, LONG} <= set(expected)
    assert sm.focus == tuple(sorted(focus))
    assert [p.config for page in sm.pages for p in page.panels] == expected
    assert [p.number for page in sm.pages for p in page.panels] == list(range(1, 36))
    assert sm.panels == 35
    assert [(page.number, page.first, page.last) for page in sm.pages] == [(1, 1, 30), (2, 31, 35)]
    feasible = {r.config: r.feasible for r in report.results}
    assert [p.feasible for page in sm.pages for p in page.panels] == [feasible[c] for c in expected]
    assert sm.infeasible == sum(not feasible[c] for c in expected) > 0
    # x is the first SLA constraint's latency, as in the main chart; its limit is the dashed line in every panel
    assert sm.xlabel == charts._latency_axis(report)[2] == "Time to first token, avg (ms)"
    assert sm.ylabel == "Requests/s per instance (req/s)"
    assert sm.sla == (250.0,)


def test_each_page_is_one_deterministic_rgb_png_without_metadata(big):
    report, sm = big
    for page in sm.pages:
        data = png_of(page)
        image = Image.open(io.BytesIO(data))
        rows = math.ceil(len(page.panels) / chart_appendix.COLS)
        assert image.mode == "RGB"  # no alpha channel: WeasyPrint would embed it as a second image
        assert image.size == (  # Agg makes whole pixels by truncating
            int(chart_appendix.WIDTH / 72 * chart_appendix.DPI),
            int(chart_appendix._height(rows) / 72 * chart_appendix.DPI),
        )
        assert b"tEXt" not in data and b"iTXt" not in data and b"tIME" not in data
    assert len({len(page.panels) for page in sm.pages}) == 2  # the last page is shorter, not padded
    assert chart_appendix.small_multiples(report) == sm


DIGEST = """
import hashlib
from tco_report import chart_appendix
from tco_report.calculator import calculate
from tests.report_sample import assumptions, sweep
from tests.test_report_small_multiples import many_configs
sm = chart_appendix.small_multiples(calculate(sweep(many_configs()), assumptions()))
print(hashlib.sha256("".join(p.png + p.index for p in sm.pages).encode()).hexdigest())
"""


def test_pages_are_the_same_bytes_in_another_process(big):
    _, sm = big
    here = hashlib.sha256("".join(p.png + p.index for p in sm.pages).encode()).hexdigest()
    env = dict(os.environ, PYTHONHASHSEED="4242", PYTHONPATH=str(ROOT))
    out = subprocess.run(
        [sys.executable, "-c", DIGEST], cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == here


# --- the names --------------------------------------------------------------------------------------------------
def test_the_list_under_each_grid_gives_every_name_in_full_in_columns(big):
    _, sm = big
    first = sm.pages[0].index.splitlines()
    # 29 names in three columns of 10, 10 and 9, numbered down each column; the long name follows on its own
    assert len(first) == 11
    assert first[0] == " 1. <script>alert(1)</script>   12. cfg-10" + " " * 22 + "22. cfg-23"
    assert first[9] == "11. cfg-09" + " " * 22 + "21. cfg-22"
    assert first[10] == " 3. " + LONG
    assert sm.pages[1].index.splitlines() == ["31. cfg-34   33. cfg-37   35. cfg-39", "32. cfg-35   34. cfg-38"]
    for page in sm.pages:
        listed = re.findall(r"(\d+)\. ", page.index)
        assert sorted(int(n) for n in listed) == [p.number for p in page.panels]  # each panel once
    all_text = "\n".join(p.index for p in sm.pages)
    for name in (SCRIPT, FORMULA, LONG):
        assert name in all_text


def test_a_character_the_font_lacks_is_drawn_as_a_question_mark_without_a_warning():
    regular, _ = chart_appendix._fonts()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        verts, codes, advance = regular._glyph("\u914d")  # a CJK ideograph: DejaVu Sans has none
    assert (verts == regular._glyph("?")[0]).all() and codes == regular._glyph("?")[1] and advance > 0
    assert regular.width("\u914d\u7f6e", 10.0) == regular.width("??", 10.0)


def test_a_long_name_is_shortened_around_an_ellipsis_to_fit_its_panel():
    regular, _ = chart_appendix._fonts()

    def measure(text: str) -> float:
        return regular.width(text, chart_appendix.TITLE_SIZE)

    width = chart_appendix.PANEL_W + chart_appendix.COL_GAP - 2
    title = f"3. {LONG}"
    short = chart_appendix._fit(title, width, measure)
    assert measure(title) > width >= measure(short)
    head, tail = short.split("\u2026")
    assert title.startswith(head) and title.endswith(tail) and tail.endswith("-run7") and head.startswith("3. a-very")
    assert measure(head + "\u2026" + title[-len(tail) - 1 :]) > width  # as many characters as fit are kept
    assert chart_appendix._fit("7. cfg-07", width, measure) == "7. cfg-07"


def test_html_lists_every_grey_config_as_escaped_text(big, big_rendered):
    report, sm = big
    html, _ = big_rendered
    assert html.count(HEADING) == 1
    assert html.count('<div class="sm-page"') == len(sm.pages) == html.count('src="data:image/png;base64,')
    listed = "\n".join(re.findall(r'<pre class="sm-index">(.*?)</pre>', html, flags=re.S))
    for config in chart_appendix.appendix_configs(report):
        assert str(escape(config)) in listed, config
    assert SCRIPT not in html  # the explorer's data holds it JSON-escaped, never as markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in listed
    assert re.search(r"\d+\. =1\+1\b", listed)  # a formula-like name is plain text
    for config in sm.focus:  # the coloured configs are named once, in the introduction
        assert str(escape(config)) in html
    caption = re.search(r'<figure class="chart" id="chart-latency">.*?<figcaption>(.*?)</figcaption>', html, re.S)
    assert caption.group(1).endswith("Each grey config has a panel of its own in the appendix.")


def test_pdf_starts_each_grid_on_a_new_page_and_keeps_it_whole(big, big_rendered):
    _, sm = big
    _, pages = big_rendered
    heading = [i for i, text in enumerate(pages) if HEADING in text]
    assert len(heading) == 1
    where = []
    for grid in sm.pages:
        found = [i for i, text in enumerate(pages) if f"Configs {grid.first} to {grid.last} of 35" in text]
        assert len(found) == 1
        where.append(found[0])
        # the grid's list is on the grid's page: the first and the last ASCII name it lists
        names = [p.config for p in grid.panels if p.config.isascii() and p.config not in (LONG,)]
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
    charts._log_if_wide(ax, "x", values)
    assert chart_appendix._scale(values).log == (ax.get_xscale() == "log")


def test_shared_scale_holds_every_value_and_the_sla_line(big):
    report, sm = big
    metric, statistic, _ = charts._latency_axis(report)
    xs = [p.latency(metric, statistic) for p in report.points if p.config in chart_appendix.appendix_configs(report)]
    sx = chart_appendix._scale([*xs, 250.0])
    assert sx.log == sm.log_x is True
    assert all(0 < sx.frac(x) < 1 for x in [*xs, 250.0])
    ticks = sx.ticks()
    assert 2 <= len(ticks) <= 4 and all(0 <= sx.frac(t) <= 1 for t in ticks)
    linear = chart_appendix._scale([1.0, 2.0, 3.0])
    assert not linear.log and linear.lo < 1.0 and linear.hi > 3.0 and linear.ticks() == [1.0, 2.0, 3.0]
