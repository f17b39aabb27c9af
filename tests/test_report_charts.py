"""The charts (tco_report/report/charts.py): drawn from the view model's plots as deterministic SVG documents with
the parts the issue asks for."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

import pytest

from tco_report.calculator import calculate
from tco_report.model import HardwareProfile
from tco_report.report import charts, svg, view

from .report_sample import CONFIGS, assumptions, sample_report, sweep


@pytest.fixture(scope="module")
def report():
    return sample_report()


@dataclass(frozen=True)
class Drawn:
    key: str
    svg: str


def draw_all(report) -> list[Drawn]:
    v = view.build(report, tool_version="test")
    return [Drawn(k, s) for k, s in charts.draw_all(v).items()]


def plots(report) -> view.Plots:
    return view.build(report, tool_version="test").plots


@pytest.fixture(scope="module")
def all_charts(report):
    return draw_all(report)


@pytest.fixture(scope="module")
def by_key(all_charts):
    return {c.key: c for c in all_charts}


def test_charts_in_reading_order(all_charts):
    """The post's four, with the interactivity view next to the latency chart (the sample reports an ITL)."""
    assert [c.key for c in all_charts] == [
        "chart-latency",
        "chart-interactivity",
        "chart-pareto",
        "chart-yearly",
        "chart-tokens",
        "chart-tornado",
    ]
    for c in all_charts:
        assert c.svg.startswith("<svg ") and c.svg.rstrip().endswith("</svg>")


def test_svg_is_self_contained_with_ids_per_chart(all_charts):
    """No prolog, no metadata, no URL but the SVG namespaces; every id prefixed with its chart so that the SVGs can
    share one page."""
    ids = []
    for c in all_charts:
        assert "<?xml" not in c.svg and "<!DOCTYPE" not in c.svg and "<metadata" not in c.svg
        assert (
            c.svg.replace("http://www.w3.org/2000/svg", "").replace("http://www.w3.org/1999/xlink", "").count("http")
            == 0
        )
        chart_ids = re.findall(r'\bid="([^"]+)"', c.svg)
        assert chart_ids and all(i.startswith(c.key + "-") for i in chart_ids)
        for ref in re.findall(r'href="#([^"]+)"', c.svg) + re.findall(r"url\(#([^)]+)\)", c.svg):
            assert ref in chart_ids, f"{c.key} refers to #{ref}, which it does not define"
        ids += chart_ids
    assert len(ids) == len(set(ids))


def test_charts_are_deterministic(report, all_charts):
    again = draw_all(report)
    assert [c.svg for c in again] == [c.svg for c in all_charts]


def test_latency_chart_has_labels_sla_line_grey_points_and_marks(report, by_key):
    chart = by_key["chart-latency"].svg
    for config in report.configs:
        assert f">{config}<" in chart
    assert "SLA limit: avg TTFT &lt;= 250 ms" in chart
    # every concurrency level labels its point
    for level in ("1", "2", "4", "8", "16", "32", "64", "128"):
        assert f">{level}<" in chart
    assert svg.GREY.lower() in chart.lower()  # infeasible points greyed
    assert f"recommended: {report.recommended.config}" in chart


def test_pareto_chart_draws_the_frontier(by_key):
    drawn = by_key["chart-pareto"].svg
    assert "Pareto frontier" in drawn and "Requests/s per GPU" in drawn


def test_cost_charts_show_formatted_values(report, by_key):
    from tco_report import formatting

    yearly, tokens = by_key["chart-yearly"].svg, by_key["chart-tokens"].svg
    for r in report.results:
        if r.feasible:
            assert formatting.money(r.total_yearly_cost) in yearly
            assert formatting.unit_cost(r.cost_per_1m_input_tokens) in tokens
            assert formatting.unit_cost(r.cost_per_1m_output_tokens) in tokens
    assert yearly.count("not feasible") == 1
    assert tokens.count("not feasible") == 1


def test_cost_chart_stacks_the_calculators_components(report, by_key):
    """The post's three components always; a further one (energy) appears as soon as the assumptions give it."""
    drawn = by_key["chart-yearly"].svg
    for name in ("Depreciation / capital", "Software licences", "Hosting"):
        assert name in drawn
    assert "Energy" not in drawn
    assert view.stacked_components(report.results) == ["capex", "software", "hosting"]
    hw = replace(HardwareProfile(), server_power_kw=10.0, electricity_price_per_kwh=0.1)
    powered = calculate(sweep(), assumptions(hardware=(hw,)))
    assert view.stacked_components(powered.results) == ["capex", "software", "hosting", "energy"]
    assert "Energy" in charts.draw("chart-yearly", plots(powered))


def test_config_names_are_text_in_the_svg():
    """A config name with markup or a '$' is escaped text (no mathtext, no element)."""
    evil = "<script>alert(1)</script> $x$"
    pts = [replace(p, config=evil) if p.config == "h100-fp8-tp2" else p for p in sweep()]
    drawn = "".join(c.svg for c in draw_all(calculate(pts, assumptions())))
    assert "<script>" not in drawn
    assert "&lt;script&gt;alert(1)&lt;/script&gt; $x$" in drawn


def test_no_feasible_config_still_draws(report):
    r = calculate(sweep(), assumptions(sla=(replace(report.assumptions.sla[0], max_ms=1.0),)))
    assert r.recommended is None
    out = {c.key: c for c in draw_all(r)}
    assert len(out) == 5  # no sensitivity without a recommended config
    assert out["chart-yearly"].svg.count("not feasible") == 3


def test_control_characters_in_names_never_reach_a_chart():
    """A config name with an escape sequence: no 'Glyph 27 missing' warning, no control character in the SVG, and
    the same replacement as the terminal summary."""
    import warnings

    from tco_report.terminal import safe

    odd = "h100\x1b[31m-fp8\u202e-tp2"
    pts = [replace(p, config=odd) if p.config == "h100-fp8-tp2" else p for p in sweep()]
    report = calculate(pts, assumptions())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        drawn = "".join(c.svg for c in draw_all(report))
    assert not [w for w in caught if "Glyph" in str(w.message)]
    assert "\x1b" not in drawn and "\u202e" not in drawn
    assert safe(odd) == "h100?[31m-fp8?-tp2" and safe(odd) in drawn


def test_interactivity_is_1000_over_itl_against_output_tokens_per_gpu(report, by_key):
    curve = next(c for c in plots(report).curves if c.config == "h100-fp8-tp2")
    # the sample's h100-fp8-tp2 at concurrency 1: ITL 12 ms -> 83.3 tokens/s per user; 2.1 x 1/(1 + 1/24) req/s
    # x 250 output tokens over 2 GPUs
    p = curve.points[0]
    assert p.load == 1
    assert p.tokens_per_user == pytest.approx(1000 / 12)
    assert p.tps_per_gpu == pytest.approx(round(round(2.1 / (1 + 1 / 24), 4) * 250, 2) / 2)
    assert "Pareto frontier" in by_key["chart-interactivity"].svg
    assert report.decisions.interactivity_frontier  # drawn from the decisions, not recomputed


def test_no_itl_no_interactivity_chart():
    pts = [replace(p, latency_ms={k: v for k, v in p.latency_ms.items() if k != "itl"}) for p in sweep()]
    keys = [c.key for c in draw_all(calculate(pts, assumptions()))]
    assert "chart-interactivity" not in keys and len(keys) == 5


def test_tornado_sorted_by_impact_and_marks_a_changed_recommendation(report):
    rows = view.sensitivity_order(report)
    base = report.decisions.sensitivity_base[0]
    impact = [max(abs(v - base) for v in r.cost_per_1m_output_tokens if v is not None) for r in rows]
    assert impact == sorted(impact, reverse=True)
    drawn = charts.draw("chart-tornado", plots(report))
    switched = [r for r in rows if any(c not in (report.recommended.config, None) for c in r.recommended)]
    assert (" *" in drawn) == bool(switched)
    assert "Planned peak demand" in drawn and "input -20%" in drawn and "input +20%" in drawn


@pytest.fixture(scope="module")
def scenario_report():
    from tco_report import api
    from tco_report.resources import inputs_dir

    return api.run(None, inputs_dir() / "scenarios.yaml")


def test_decision_charts_have_unique_ids_and_are_deterministic(scenario_report):
    first = draw_all(scenario_report)
    assert [c.key for c in first][-4:] == ["chart-scenarios", "chart-api", "chart-plan", "chart-tornado"]
    assert [c.svg for c in draw_all(scenario_report)] == [c.svg for c in first]
    ids = []
    for c in first:
        chart_ids = re.findall(r'\bid="([^"]+)"', c.svg)
        assert all(i.startswith(c.key + "-") for i in chart_ids)
        ids += chart_ids
    assert len(ids) == len(set(ids))


def test_scenario_chart_leaves_out_series_nobody_has(report, scenario_report):
    assert plots(report).scenario_series == ()  # no scenarios in the sample
    names = [n for n, _ in plots(scenario_report).scenario_series]
    assert names == ["Owning (TCO)", "Renting, on demand", "Renting, reserved", "Hosted API"]


def test_id_only_groups_are_flattened_and_the_rest_kept(all_charts):
    """matplotlib's per-artist <g id=...> wrappers go (half of an SVG's elements); groups that clip, transform or
    style stay, balanced."""
    doc = '<svg>\n <g id="a">\n  <g clip-path="url(#c)">\n   <path d="M 0 0"/>\n  </g>\n  <g id="b"/>\n </g>\n</svg>'
    assert svg._flatten_groups(doc) == '<svg>\n  <g clip-path="url(#c)">\n   <path d="M 0 0"/>\n  </g>\n</svg>'
    for c in all_charts:
        assert c.svg.count("<g") == c.svg.count("</g>")
        assert not re.search(r'<g id="[^"]*">', c.svg)
        assert c.svg.count("<g") < 10


def test_dense_sweeps_label_only_the_chosen_points():
    """Past LABEL_ALL_POINTS_UP_TO points, the load-level labels (each a text and a box) go except the chosen ones:
    readable, and far fewer SVG elements to draw."""
    configs = {f"{name}-{k}": spec for k in range(4) for name, spec in CONFIGS.items()}
    report = calculate(sweep(configs), assumptions())
    assert len(report.points) > view.LABEL_ALL_POINTS_UP_TO
    drawn = charts.draw("chart-latency", plots(report))
    assert ">128<" not in drawn  # never a chosen point
    focus = set(view.focus_configs(report))  # above FOCUS_LIMIT configs only these are drawn in colour
    chosen = {view.f.level(r.concurrency) for r in report.results if r.feasible and r.config in focus}
    for level in chosen:
        assert f">{level}<" in drawn
    assert ">128<" in charts.draw("chart-latency", plots(report_small := calculate(sweep(), assumptions())))
    assert len(report_small.points) <= view.LABEL_ALL_POINTS_UP_TO


def test_dense_sweeps_draw_their_markers_as_one_inline_image():
    """Past RASTERIZE_POINTS_OVER points the scatter markers are one PNG inside the SVG (a data: URL, nothing to
    fetch); lines, axes and text stay vector and searchable. Ordinary sweeps have no image at all."""
    # the sample's three configs, each run at 17 x 8 load levels (a few configs, many points: quick to draw)
    pts = [
        replace(p, concurrency=p.concurrency * (1 + k / 17), rps=p.rps * (1 + k / 170))
        for k in range(17)
        for p in sweep()
    ]
    report = calculate(pts, assumptions())
    assert len(report.points) > view.RASTERIZE_POINTS_OVER
    p = plots(report)
    svgs = {key: charts.draw(key, p) for key in ("chart-latency", "chart-pareto", "chart-interactivity")}
    for key in svgs:
        images = re.findall(r'<image\b[^>]*href="([^"]{0,40})', svgs[key])
        assert images and all(h.startswith("data:image/png;base64,") for h in images), key
        assert "<use" not in svgs[key].split("<image")[0][-200:]  # markers are not also drawn as vectors
        assert "Requests/s per" in svgs[key] or "Output tokens" in svgs[key]  # axis text stays text
    small = plots(sample_report())
    assert "<image" not in "".join(
        charts.draw(k, small) for k in ("chart-latency", "chart-pareto", "chart-interactivity")
    )


def test_many_configs_draw_the_relevant_ones_in_colour_and_the_rest_as_one_grey_path():
    """Above FOCUS_LIMIT configs (issue 8: 200), the recommended and frontier configs get colours and legend
    entries; every other config is one grey path, and the cost bars show the BAR_LIMIT cheapest."""
    configs = {f"{name}-{k}": spec for k in range(4) for name, spec in CONFIGS.items()}
    report = calculate(sweep(configs), assumptions())
    assert len(report.configs) > view.FOCUS_LIMIT
    focus = view.focus_configs(report)
    assert len(focus) <= view.FOCUS_LIMIT
    assert report.recommended is None or focus[0] == report.recommended.config
    assert {p.config for p in report.frontier} - set(focus) == set() or len(focus) == view.FOCUS_LIMIT
    drawn = charts.draw("chart-latency", plots(report))
    assert f"{len(report.configs) - len(focus)} other configs" in drawn
    for config in set(report.configs) - set(focus):
        assert config not in drawn
    assert len(view.bar_results(report, limit=3)) == 3


# --- layout: what the constrained layout engine used to guarantee, checked on the SVG ---------------------------
_TEXT = re.compile(
    r'<text style="([^"]*)" x="([-\d.e]+)" y="([-\d.e]+)" transform="rotate\((-?[\d.]+)[^"]*"[^>]*>([^<]*)</text>'
)


def _text_boxes(doc: str) -> list[tuple[str, float, float, float, float, float]]:
    """Every text of an SVG as (text, x0, y0, x1, y1, y baseline), its width measured from the font's outlines
    (matplotlib's TextToPath, not the layout's own advances), its height as DejaVu Sans's ascent and descent."""
    from html import unescape

    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    measure = TextToPath()
    boxes = []
    for style, x, y, rotation, text in _TEXT.findall(doc):
        size = float(re.search(r"font-size: ([\d.]+)px", style).group(1))
        anchor = m.group(1) if (m := re.search(r"text-anchor: (\w+)", style)) else "start"
        s = unescape(text)
        w = measure.get_text_width_height_descent(s, FontProperties(family="DejaVu Sans", size=size), False)[0]
        a = {"start": 0.0, "middle": w / 2, "end": w}[anchor]
        x0, y0 = float(x), float(y)
        if float(rotation) == 0:
            boxes.append((s, x0 - a, y0 - 0.76 * size, x0 - a + w, y0 + 0.24 * size, y0))
        else:  # turned a quarter to read upwards: the width runs up the page
            boxes.append((s, x0 - 0.76 * size, y0 - w + a, x0 + 0.24 * size, y0 + a, math.nan))
    return boxes


def _long_names_report():
    long = {
        f"vllm-0.6.3-meta-llama-3.1-70b-instruct-{k}-maxbatch256-chunked-prefill-run-2026-11-30": v
        for k, v in CONFIGS.items()
    }
    return calculate(sweep(long), assumptions())


@pytest.mark.parametrize("which", ["sample", "scenarios", "long names"])
def test_every_text_stays_inside_its_chart_and_no_two_labels_of_a_row_overlap(which, report, scenario_report):
    """No tick label, axis label, legend entry or value cut at the figure's edge, and no two labels on one line
    (a row of tick labels, of legend entries) overlapping: names of 90 characters push the axes right, so the
    legend above the bars moves left, the values at the bars' ends get a wider margin and crowded tick labels
    thin out."""
    r = {"sample": report, "scenarios": scenario_report, "long names": _long_names_report()}[which]
    for c in draw_all(r):
        if c.key.startswith("chart-sm-"):
            continue  # the appendix's text is outlines, laid out by small_multiples
        width, height = map(float, re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', c.svg).groups())
        boxes = _text_boxes(c.svg)
        assert boxes, c.key
        for s, x0, y0, x1, y1, _ in boxes:
            assert x0 >= -0.5 and x1 <= width + 0.5 and y0 >= -0.5 and y1 <= height + 0.5, (c.key, s)
        rows: dict[float, list[tuple[float, float, str]]] = {}
        for s, x0, _, x1, _, base in boxes:
            if not math.isnan(base):
                rows.setdefault(round(base, 3), []).append((x0, x1, s))
        for row in rows.values():
            row.sort()
            for (_, a1, a), (b0, _, b) in zip(row, row[1:], strict=False):
                assert a1 <= b0 + 0.5, (c.key, a, b)


def test_crowded_log_tick_labels_keep_the_powers_of_ten():
    """A log axis over many decades labels what fits: every power of ten, the 2s and 5s only where they have room;
    the ticks themselves all stay."""
    from matplotlib.figure import Figure

    from tco_report.report import layout

    fig = Figure(figsize=(3, 2))
    ax = fig.add_subplot()
    ax.set_xscale("log")
    ax.set_xlim(20, 500_000)
    charts.log_if_wide(ax, "x", [20, 500_000])
    frame = layout.Frame(ax)
    ticks = layout.ticks_of(ax.xaxis)
    assert ticks.labels[:4] == ("20", "50", "100", "200")  # 1-2-5 per decade
    thinned = layout._thin(frame, ticks, width=150.0)
    assert thinned.major == ticks.major
    shown = [s for s in thinned.labels if s]
    assert {"100", "1,000", "10,000", "100,000"} <= set(shown) and len(shown) < len(ticks.labels)
    assert layout._thin(frame, ticks, width=5000.0) == ticks  # room for every label: all of them
