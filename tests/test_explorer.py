"""The HTML page's explorer: its data from the Report, and the page driven for real in headless Chromium.

The browser tests move the mouse over drawn points, click legend entries and table headings and type into the
search box through Chromium's DevTools protocol (tests/cdp.py), and check what the page shows against figures
taken from the Report itself. Screenshots go to ci-artifacts/report/explorer-chromium*.png.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tco_report import formatting
from tco_report.model import BenchmarkPoint, Report
from tco_report.report import charts, explorer, html, view
from tco_report.report.explorer import explorer_payload

from .cdp import Browser
from .conftest import ROOT, require_program
from .explorer_sample import large_points, large_report
from .report_sample import sample_report


def render_page(report: Report) -> str:
    """The HTML page as the CLI writes it: the view built once, its charts drawn, the writer laying both out."""
    v = view.build(report, tool_version=VERSION)
    return html.render_html(v, charts.draw_all(v))


VERSION = "9.9.9-test"
ARTIFACTS = ROOT / "ci-artifacts" / "report"
HOSTILE = ("<script>alert(1)</script>", "{{7*7}}", "=1+1", "\"'><img src=x onerror=alert(1)>")


def _curves(report: Report) -> dict[str, list[BenchmarkPoint]]:
    """Each config's points by concurrency, straight from the Report (not through the explorer's code)."""
    out: dict[str, list[BenchmarkPoint]] = {}
    for p in report.points:
        out.setdefault(p.config, []).append(p)
    return {c: sorted(out[c], key=lambda p: p.concurrency) for c in report.configs}


def hostile_report() -> Report:
    names = sorted({p.config for p in large_points(12, 8)})
    return large_report(12, 8, rename={names[2 * i + 1]: h for i, h in enumerate(HOSTILE)})


# --- the data ------------------------------------------------------------------------------------------------------
def test_payload_holds_every_point_with_the_reports_figures():
    report = sample_report()
    data = explorer_payload(report)
    json.dumps(data, allow_nan=False)  # plain JSON: no NaN, no objects
    cols = data["points"]
    assert set(cols) == set(explorer.POINT_FIELDS)
    assert {len(v) for v in cols.values()} == {len(report.points)} and data["left_out"] == 0
    assert [c["name"] for c in data["configs"]] == list(report.configs)
    gpus = {r.config: r.gpus_per_instance for r in report.results}
    expected = [p for c, curve in _curves(report).items() for p in curve]
    index = {id(p): i for i, p in enumerate(report.points)}
    frontier = {id(p) for p in report.frontier}
    for i, p in enumerate(expected):
        assert data["configs"][cols["config"][i]]["name"] == p.config
        assert cols["load"][i] == f"concurrency {int(p.concurrency)}"
        assert cols["latency_ms"][i] == p.latency_ms["ttft"]["avg"]
        assert cols["rps_per_instance"][i] == p.rps
        assert cols["rps_per_gpu"][i] == p.rps / gpus[p.config]
        assert cols["feasible"][i] == (p.latency_ms["ttft"]["avg"] <= 250.0) == report.feasible[index[id(p)]]
        assert cols["frontier"][i] == (id(p) in frontier)
    assert sum(cols["recommended"]) == 1
    rec = cols["recommended"].index(True)
    assert cols["latency_ms"][rec] == report.recommended.point.latency("ttft", "avg")
    assert sum(cols["chosen"]) == sum(r.feasible for r in report.results) == 2
    assert data["sla"] == [{"value": 250.0, "label": "SLA limit: avg TTFT <= 250 ms"}]
    assert data["axes"]["x"]["log"] and data["axes"]["x"]["title"] == "Time to first token, avg (ms)"


def test_points_without_the_latency_are_left_out_and_counted():
    report = sample_report()
    p0 = report.points[0]
    bare = BenchmarkPoint(config=p0.config, rps=1.0, isl=1.0, osl=1.0, latency_ms={"e2e": {"avg": 5.0}}, concurrency=3)
    data = explorer_payload(Report(**{**report.__dict__, "points": (*report.points, bare)}))
    assert data["left_out"] == 1 and len(data["points"]["config"]) == len(report.points)


def test_rate_driven_points_say_their_request_rate():
    report = sample_report()
    rated = [
        BenchmarkPoint(**{**p.__dict__, "concurrency": None, "request_rate": math.inf if k % 8 == 7 else k % 8 + 0.5})
        for k, p in enumerate(report.points)
    ]
    data = explorer_payload(Report(**{**report.__dict__, "points": tuple(rated)}))
    assert data["points"]["load"][:8] == [f"request rate {k + 0.5:g} req/s" for k in range(7)] + ["request rate inf"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(min_value=1e-3, max_value=1e6), min_size=1, max_size=40), st.booleans())
def test_axes_cover_their_values_with_labelled_ticks_inside(values, log):
    axis = explorer._axis("t", values, log)
    assert axis["min"] <= min(values) and axis["max"] >= max(values) and axis["min"] < axis["max"]
    ticks = [t for t, _ in axis["ticks"]]
    assert ticks == sorted(ticks) and all(axis["min"] <= t <= axis["max"] for t in ticks)
    assert [s for _, s in axis["ticks"]] == [formatting.plain(t) for t in ticks]
    assert len(ticks) <= 2 * explorer.MAX_TICKS
    if log:
        assert axis["min"] > 0


def test_page_carries_script_and_style_verbatim_and_the_data_as_json(tmp_path):
    report = sample_report()
    html = render_page(report)
    templates = ROOT / "templates"
    js, css = (templates / "explorer.js").read_text(), (templates / "explorer.css").read_text()
    assert js in html and css in html
    for text, end in ((js, "</script"), (css, "</style")):
        assert end not in text.lower() and "http" not in text and "{{" not in text and "{%" not in text
    raw = re.search(r'<script type="application/json" id="explorer-data">(.*?)</script>', html, re.S).group(1)
    assert json.loads(raw) == json.loads(json.dumps(explorer_payload(report)))


def test_hostile_names_are_json_text_in_the_page_and_absent_from_the_pdf(tmp_path):
    report = hostile_report()
    html = render_page(report)
    raw = re.search(r'<script type="application/json" id="explorer-data">(.*?)</script>', html, re.S).group(1)
    assert "<" not in raw and ">" not in raw and "'" not in raw  # nothing in the data can end the element
    assert set(HOSTILE) <= {c["name"] for c in json.loads(raw)["configs"]}
    for name in (HOSTILE[0], HOSTILE[3]):  # the two that are markup, raw (the others are plain text anyway)
        assert name not in html
    # The PDF is laid out from the view's document, which leaves the explorer out.
    document = json.dumps(view.build(report, tool_version=VERSION).document())
    assert "explorer" not in document and "ex-chart" not in document


# --- in the browser ------------------------------------------------------------------------------------------------
HELPERS = """
window.__t = {
  group: function (k) { return document.querySelector('#ex-chart g.ex-curve[data-config="' + k + '"]'); },
  vertices: function (k) {  // client coordinates of the drawn vertices of config k's line, in drawing order
    var path = __t.group(k).querySelector("path.ex-line"), m = path.getScreenCTM();
    var n = (path.getAttribute("d").match(/-?[0-9.]+/g) || []).map(Number), out = [];
    for (var i = 0; i < n.length; i += 2) {
      var p = new DOMPoint(n[i], n[i + 1]).matrixTransform(m); out.push([p.x, p.y]);
    }
    return out;
  },
  tooltip: function () {
    var t = document.getElementById("ex-tooltip");
    return t.hidden ? null : Array.prototype.map.call(t.children, function (c) { return c.textContent; });
  },
  centre: function (node) { var r = node.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; },
  entry: function (k) { return document.querySelectorAll("#ex-legend li")[k]; },
  legend: function () {
    return Array.prototype.filter.call(document.querySelectorAll("#ex-legend li"), function (li) { return !li.hidden; })
      .map(function (li) { return li.querySelector(".ex-name").textContent; });
  },
  focused: function () {
    return Array.prototype.map.call(document.querySelectorAll("#ex-chart g.ex-focus"),
      function (g) { return Number(g.getAttribute("data-config")); }).sort(function (a, b) { return a - b; });
  },
  opacity: function (k) { return Number(getComputedStyle(__t.group(k)).opacity); },
  rows: function (sel) {
    return Array.prototype.map.call(document.querySelectorAll(sel + " tbody tr"), function (tr) {
      return Array.prototype.map.call(tr.cells, function (td) { return [td.textContent, td.colSpan]; });
    });
  },
  heads: function (sel) {
    return Array.prototype.map.call(document.querySelectorAll(sel + " thead th"), function (th) {
      return th.textContent;
    });
  }
};
true
"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    exe = require_program("chromium", "chromium-browser", "google-chrome")
    with Browser(exe, tmp_path_factory.mktemp("chromium") / "profile", width=1280, height=1000) as b:
        yield b


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """The report's HTML at 3 configs (the sample), at 200 x 32 and with hostile names, and their Reports."""
    out = tmp_path_factory.mktemp("explorer")
    made = {}
    for key, report in (("sample", sample_report()), ("large", large_report()), ("hostile", hostile_report())):
        path = out / f"{key}.html"
        path.write_text(render_page(report), encoding="utf-8")
        made[key] = (path, report)
    return made


def _open(b: Browser, path: Path) -> int:
    """Load the page and the test helpers; returns the index of the first event of this page."""
    since = len(b.events)
    b.open(path.as_uri())
    assert b.js(HELPERS) is True
    b.js('document.getElementById("explorer").scrollIntoView()')
    b.mouse(1, 1)  # away from the chart
    b.frame()
    return since


def _clean(b: Browser, since: int, path: Path) -> None:
    """Nothing asked of the network but the page itself (the static charts' inline data: images carry their bytes),
    no console message, no dialog, no error."""
    requests = [
        e["params"]["request"]["url"] for e in b.events[since:] if e.get("method") == "Network.requestWillBeSent"
    ]
    assert [u for u in requests if not u.startswith("data:image/")] == [path.as_uri()]
    assert [e for e in b.console() if b.events.index(e) >= since] == []
    assert b.js('performance.getEntriesByType("resource").length') == 0


def _hover(b: Browser, x: float, y: float) -> list[str] | None:
    b.mouse(x, y)
    b.frame()
    return b.js("__t.tooltip()")


def _number(text: str) -> float:
    return float(re.search(r"-?[0-9][0-9,]*(?:\.[0-9]+)?", text).group(0).replace(",", ""))


def _expected_tooltip(report: Report, p: BenchmarkPoint) -> list[str]:
    gpus = {r.config: r.gpus_per_instance for r in report.results}[p.config]
    index = next(i for i, q in enumerate(report.points) if q is p)
    flags = ["meets the SLA" if report.feasible[index] else "breaks the SLA"]
    chosen = {id(r.point) for r in report.results if r.feasible}
    if report.recommended is not None and p is report.recommended.point:
        flags.append("the recommended point")
    elif id(p) in chosen:
        flags.append("the point this config is sized at")
    if any(p is q for q in report.frontier):
        flags.append("on the Pareto frontier")
    return [
        p.config,
        f"concurrency {int(p.concurrency)}",
        f"avg TTFT {formatting.latency(p.latency('ttft', 'avg'))} ms",
        f"{formatting.rate(p.rps)} req/s per instance",
        f"{formatting.rate(p.rps / gpus)} req/s per GPU",
        "; ".join(flags),
    ]


def test_hovering_each_point_shows_its_figures(browser, pages):
    """Every drawn point of the sample, hovered: its config, load level, latency and throughputs as the Report has
    them (numbers checked against the raw values too), and whether it meets the SLA, is chosen or recommended."""
    path, report = pages["sample"]
    since = _open(browser, path)
    gpus = {r.config: r.gpus_per_instance for r in report.results}
    for k, (config, curve) in enumerate(_curves(report).items()):
        vertices = browser.js(f"__t.vertices({k})")
        assert len(vertices) == len(curve)
        for (x, y), p in zip(vertices, curve, strict=True):
            shown = _hover(browser, x, y)
            assert shown == _expected_tooltip(report, p)
            lat, per_instance, per_gpu = (_number(s) for s in shown[2:5])
            assert abs(lat - p.latency("ttft", "avg")) <= 0.5
            assert math.isclose(per_instance, p.rps, rel_tol=5e-3)
            assert math.isclose(per_gpu, p.rps / gpus[config], rel_tol=5e-3)
            assert browser.js("__t.focused()") == [k]  # the hovered point's curve stands out
    assert _hover(browser, 1, 1) is None  # off the chart: no tooltip
    # The star is the recommended point: hovering its centre names the recommended config.
    star = browser.js('__t.centre(document.querySelector("#ex-chart path.ex-chosen[d*=Z]"))')
    rec = _hover(browser, *star)
    assert rec == _expected_tooltip(report, report.recommended.point)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    _shot(browser, ARTIFACTS / "explorer-chromium.png")
    _clean(browser, since, path)


def _shot(b: Browser, path: Path) -> None:
    x, y, w, h = b.js(
        '(function () { var r = document.getElementById("explorer").getBoundingClientRect();'
        " return [r.x + scrollX, r.y + scrollY, r.width, r.height]; })()"
    )
    path.unlink(missing_ok=True)
    b.screenshot(path, clip={"x": x - 8, "y": y - 8, "width": w + 16, "height": h + 16})
    assert path.stat().st_size > 20_000


def test_legend_highlights_on_hover_and_hides_on_click_and_by_keyboard(browser, pages):
    path, report = pages["sample"]
    since = _open(browser, path)
    curves = _curves(report)
    k = 1
    x, y = browser.js(f"__t.centre(__t.entry({k}).querySelector('button'))")
    browser.mouse(x, y)
    assert browser.js("__t.focused()") == [k]
    assert browser.js(f"__t.opacity({k})") == 1 and browser.js(f"__t.opacity({1 - k})") < 0.5
    vertex = browser.js(f"__t.vertices({k})")[3]
    browser.click(x, y)
    assert browser.js(f"getComputedStyle(__t.group({k})).display") == "none"
    assert browser.js(f"__t.entry({k}).querySelector('button').getAttribute('aria-pressed')") == "false"
    assert "2 of 3 configs shown" in browser.js('document.getElementById("ex-status").textContent')
    shown = _hover(browser, *vertex)  # its point no longer answers
    assert shown is None or shown[0] != list(curves)[k]
    browser.click(x, y)
    assert browser.js(f"getComputedStyle(__t.group({k})).display") != "none"
    assert _hover(browser, *vertex) == _expected_tooltip(report, curves[list(curves)[k]][3])
    # Keyboard: the entries are buttons; focus highlights, Enter hides, Enter again shows.
    browser.mouse(1, 1)
    browser.js("__t.entry(2).querySelector('button').focus()")
    assert browser.js("__t.focused()") == [2]
    browser.key("Enter", "Enter", 13, "\r")
    assert browser.js("getComputedStyle(__t.group(2)).display") == "none"
    browser.key("Enter", "Enter", 13, "\r")
    assert browser.js("getComputedStyle(__t.group(2)).display") != "none"
    browser.key("ArrowUp", "ArrowUp", 38)  # the arrows walk the legend
    assert browser.js("__t.focused()") == [1]
    assert browser.js("document.activeElement === __t.entry(1).querySelector('button')")
    # With a search, Hide all and Show all act on the configs it finds only.
    browser.js('var s = document.getElementById("ex-search"); s.focus(); s.value = "";')
    browser.type("H100")  # case does not matter
    found = [k for k, c in enumerate(curves) if "h100" in c]
    assert found == [1, 2] and browser.js("__t.legend()") == [list(curves)[k] for k in found]
    browser.js('document.getElementById("ex-hide-all").click()')
    hidden = [browser.js(f"getComputedStyle(__t.group({k})).display") == "none" for k in range(3)]
    assert hidden == [False, True, True]
    browser.js('document.getElementById("ex-show-all").click()')
    assert browser.js("document.querySelectorAll('#ex-chart g.ex-off').length") == 0
    _clean(browser, since, path)


def test_every_one_of_200_curves_can_be_found_by_name(browser, pages):
    """At 200 configs x 32 levels: typing each name highlights exactly the configs whose name holds it (the one
    typed among them), dims the others and lists only them in the legend; hiding all but one leaves its points."""
    path, report = pages["large"]
    since = _open(browser, path)
    names = list(report.configs)
    assert len(names) == 200 and len(report.points) == 6400
    assert browser.js("document.querySelectorAll('#ex-chart path').length") <= 4 * 200 + 10
    for k, name in enumerate(names):
        browser.js('var s = document.getElementById("ex-search"); s.focus(); s.value = "";')
        browser.type(name)  # real text input, as typing gives
        want = [j for j, other in enumerate(names) if name.lower() in other.lower()]
        assert k in want
        assert browser.js("__t.focused()") == want, name
        assert browser.js("__t.legend()") == [names[j] for j in want]
        assert browser.js(f"__t.opacity({k})") == 1
        assert browser.js(f"__t.opacity({(k + 1) % 200})") < 0.5 or (k + 1) % 200 in want
    # Escape clears the search: every config back in the legend, nothing dimmed.
    browser.key("Escape", "Escape", 27)
    assert browser.js("__t.legend().length") == 200 and browser.js("__t.focused()") == []
    # One config alone: hide all, show it from the legend, hover each of its points.
    k = 137
    browser.js('document.getElementById("ex-hide-all").click()')
    browser.js(f"__t.entry({k}).scrollIntoView({{block: 'nearest'}})")  # the legend scrolls to it
    browser.click(*browser.js(f"__t.centre(__t.entry({k}).querySelector('button'))"))
    assert browser.js("__t.legend().length") == 200 and "1 of 200 configs shown" in browser.js(
        'document.getElementById("ex-status").textContent'
    )
    curve = _curves(report)[names[k]]
    vertices = browser.js(f"__t.vertices({k})")
    assert len(vertices) == len(curve) == 32
    for (x, y), p in list(zip(vertices, curve, strict=True))[::5]:
        assert _hover(browser, x, y) == _expected_tooltip(report, p)
    browser.js('document.getElementById("ex-show-all").click()')
    browser.js('var s = document.getElementById("ex-search"); s.focus(); s.value = "";')
    browser.type(names[k])
    x, y = vertices[len(vertices) // 2]
    _hover(browser, x, y)
    _shot(browser, ARTIFACTS / "explorer-chromium-200.png")
    _clean(browser, since, path)


def _column(rows: list[list[tuple[str, int]]], k: int) -> list[str | None]:
    """Column ``k``'s text in each row; None where a cell spans several columns (an infeasible config's note)."""
    out = []
    for cells in rows:
        col, value = 0, None
        for text, span in cells:
            if k < col + span:
                value = text if span == 1 else None
                break
            col += span
        out.append(value)
    return out


def _amount(text: str | None) -> float | None:
    if text is None or text.strip() in ("", formatting.MISSING):
        return None
    m = re.match(r"\s*(-)?\$?(inf|[0-9][0-9,]*(?:\.[0-9]+)?(?:e[-+]?[0-9]+)?)", text)
    return None if m is None else (-1 if m.group(1) else 1) * float(m.group(2).replace(",", ""))


def test_sizing_table_sorts_numerically_by_any_column(browser, pages):
    path, report = pages["large"]
    since = _open(browser, path)
    heads = browser.js("__t.heads('table.sizing')")
    before = browser.js("__t.rows('table.sizing')")
    assert len(before) == 25
    for title in ("Total yearly cost", "Servers", "Requests/s per instance", "Cost per 1K requests"):
        k = next(i for i, h in enumerate(heads) if h.startswith(title))
        texts = _column(before, k)
        numbers = [_amount(t) for t in texts]
        if title == "Requests/s per instance":  # as text, "101" would sort before "12.9": the test can tell
            given_ = [t for t in texts if t]
            assert sorted(given_) != sorted(given_, key=_amount)
        for direction in ("ascending", "descending"):
            browser.js(f"document.querySelectorAll('table.sizing thead th')[{k}].scrollIntoView()")
            browser.click(*browser.js(f"__t.centre(document.querySelectorAll('table.sizing thead th')[{k}])"))
            assert browser.js(f"document.querySelectorAll('table.sizing thead th')[{k}].getAttribute('aria-sort')") == (
                direction
            )
            after = browser.js("__t.rows('table.sizing')")
            got = [_amount(t) for t in _column(after, k)]
            values = [v for v in got if v is not None]
            assert values == sorted(values, reverse=direction == "descending")
            assert got[len(values) :] == [None] * (len(got) - len(values))  # blanks last, either way
            assert sorted(values) == sorted(v for v in numbers if v is not None)
            # Ties keep the table's first order (by config name).
            first = [_column(before, 0).index(c) for c in _column(after, 0)]
            for a, b, va, vb in zip(first, first[1:], got, got[1:], strict=False):
                if va == vb:
                    assert a < b
    # Text columns sort as text, in natural order.
    browser.click(*browser.js("__t.centre(document.querySelectorAll('table.sizing thead th')[0])"))
    names = [re.sub("recommended$", "", t) for t in _column(browser.js("__t.rows('table.sizing')"), 0)]
    assert names == sorted(names, key=str.lower)
    _clean(browser, since, path)


def test_hostile_names_are_text_in_tooltip_legend_and_table(browser, pages):
    path, report = pages["hostile"]
    since = _open(browser, path)
    names = list(report.configs)
    assert browser.js("__t.legend()") == names
    # The only images are the appendix's own panels; no element came from a name.
    query = "img:not([src^='data:image/png;base64,']), iframe, object, embed, [onerror]"
    assert browser.js(f'document.querySelectorAll("{query}").length') == 0
    assert browser.js("document.querySelectorAll('script').length") == 2
    table = [re.sub("recommended$", "", t) for t in _column(browser.js("__t.rows('table.sizing')"), 0)]
    for name in HOSTILE:
        k = names.index(name)
        browser.js('document.getElementById("ex-hide-all").click()')
        browser.js(f"__t.entry({k}).querySelector('button').click()")
        x, y = browser.js(f"__t.vertices({k})")[0]
        assert _hover(browser, x, y)[0] == name
        assert name in table
    assert "49" not in names and "{{7*7}}" in browser.js('document.getElementById("ex-legend").textContent')
    _clean(browser, since, path)  # no alert dialog, no request for "x"


def test_without_javascript_the_static_report_shows(browser, pages):
    path, _report = pages["sample"]
    browser.send("Emulation.setScriptExecutionDisabled", value=True)
    try:
        browser.open(path.as_uri())
        state = browser.send(
            "Runtime.evaluate",
            expression="0",
            returnByValue=True,
        )
        assert state["result"]["value"] == 0  # evaluate still runs for the test, not the page's scripts
        hidden = browser.js('getComputedStyle(document.getElementById("explorer")).display')
        charts = browser.js("document.querySelectorAll('svg.chart').length")
        rows = browser.js("document.querySelectorAll('table.sizing tbody tr').length")
        sort_buttons = browser.js("document.querySelectorAll('button.ex-sort').length")
    finally:
        browser.send("Emulation.setScriptExecutionDisabled", value=False)
    assert hidden == "none" and charts >= 4 and rows == 3 and sort_buttons == 0


KINDS = ("money", "unit_cost", "count", "rate", "latency", "tokens", "level", "plain", "large", "percent")


@settings(max_examples=12, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), st.floats(min_value=-2e6, max_value=2e6, allow_nan=False), st.just(math.inf)),
        min_size=2,
        max_size=30,
    )
)
def test_any_column_the_report_formats_sorts_by_its_value(browser, tmp_path_factory, values):
    """A table of each kind of figure, formatted as the report formats it (negative amounts, thousands separators,
    percentages, 'inf', the em dash for a missing value), sorts by the value, not by the text."""
    tables = []
    for kind in KINDS:
        fmt = formatting.FILTERS[kind]
        cells = [fmt(v) if v is None or kind in ("level", "plain") or math.isfinite(v) else fmt(None) for v in values]
        rows = "".join(f'<tr data-i="{i}"><td>{c}</td></tr>' for i, c in enumerate(cells))
        tables.append(
            f'<table data-sortable id="{kind}"><thead><tr><th>v</th></tr></thead><tbody>{rows}</tbody></table>'
        )
    js = (ROOT / "templates" / "explorer.js").read_text()
    page = tmp_path_factory.mktemp("sort") / "sort.html"
    page.write_text(f"<!DOCTYPE html><html><body>{''.join(tables)}<script>{js}</script></body></html>")
    browser.open(page.as_uri())
    for kind in KINDS:
        fmt = formatting.FILTERS[kind]
        for direction in ("ascending", "descending"):
            order = browser.js(
                f'(function () {{ var t = document.getElementById("{kind}"); t.tHead.rows[0].cells[0].click();'
                " return Array.prototype.map.call(t.tBodies[0].rows, function (r) { return Number(r.dataset.i); });"
                " })()"
            )
            shown = [
                values[i] if values[i] is None or kind in ("level", "plain") or math.isfinite(values[i]) else None
                for i in order
            ]
            text = [fmt(v) for v in shown]
            present = [v for v, t in zip(shown, text, strict=True) if t != formatting.MISSING]
            assert text[len(present) :] == [formatting.MISSING] * (len(text) - len(present)), (kind, text)
            for (a, ta, ia), (b, tb, ib) in zip(
                zip(shown, text, order, strict=True), list(zip(shown, text, order, strict=True))[1:], strict=False
            ):
                if tb == formatting.MISSING:
                    break
                if _amount(ta) == _amount(tb):  # the same figure shown ("$0" and "$0.00" too)
                    assert ia < ib, (kind, text)  # a tie keeps the table's order
                else:
                    assert (a < b) if direction == "ascending" else (a > b), (kind, direction, text)
