"""The four charts: inline-safe, deterministic SVG with the parts the issue asks for."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from tco_report import charts
from tco_report.calculator import calculate
from tco_report.model import HardwareProfile

from .test_report_sample import assumptions, sample_report, sweep


@pytest.fixture(scope="module")
def report():
    return sample_report()


@pytest.fixture(scope="module")
def all_charts(report):
    return charts.all_charts(report)


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
    ]
    for c in all_charts:
        assert c.svg.startswith("<svg ") and c.svg.rstrip().endswith("</svg>")
        assert c.title and c.caption


def test_svg_is_inline_safe(all_charts):
    """No prolog, no metadata, no URL; every id prefixed with its chart so four SVGs can share one page."""
    ids = []
    for c in all_charts:
        assert "<?xml" not in c.svg and "<!DOCTYPE" not in c.svg and "<metadata" not in c.svg
        assert "http" not in c.svg
        chart_ids = re.findall(r'\bid="([^"]+)"', c.svg)
        assert chart_ids and all(i.startswith(c.key + "-") for i in chart_ids)
        for ref in re.findall(r'href="#([^"]+)"', c.svg) + re.findall(r"url\(#([^)]+)\)", c.svg):
            assert ref in chart_ids, f"{c.key} refers to #{ref}, which it does not define"
        ids += chart_ids
    assert len(ids) == len(set(ids))


def test_charts_are_deterministic(report, all_charts):
    again = charts.all_charts(report)
    assert [c.svg for c in again] == [c.svg for c in all_charts]


def test_latency_chart_has_labels_sla_line_grey_points_and_marks(report, by_key):
    svg = by_key["chart-latency"].svg
    for config in report.configs:
        assert f">{config}<" in svg
    assert "SLA limit: avg TTFT &lt;= 250 ms" in svg
    # every concurrency level labels its point
    for level in ("1", "2", "4", "8", "16", "32", "64", "128"):
        assert f">{level}<" in svg
    assert charts.GREY.lower() in svg.lower()  # infeasible points greyed
    assert f"recommended: {report.recommended.config}" in svg


def test_pareto_chart_draws_the_frontier(by_key):
    svg = by_key["chart-pareto"].svg
    assert "Pareto frontier" in svg and "Requests/s per GPU" in svg


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
    svg = by_key["chart-yearly"].svg
    for name in ("Depreciation / capital", "Software licences", "Hosting"):
        assert name in svg
    assert "Energy" not in svg
    assert charts.stacked_components(report.results) == ["capex", "software", "hosting"]
    hw = replace(HardwareProfile(), server_power_kw=10.0, electricity_price_per_kwh=0.1)
    powered = calculate(sweep(), assumptions(hardware=(hw,)))
    assert charts.stacked_components(powered.results) == ["capex", "software", "hosting", "energy"]
    assert "Energy" in charts.yearly_cost(powered)


def test_config_names_are_text_in_the_svg():
    """A config name with markup or a '$' is escaped text (no mathtext, no element)."""
    evil = "<script>alert(1)</script> $x$"
    pts = [replace(p, config=evil) if p.config == "h100-fp8-tp2" else p for p in sweep()]
    svg = "".join(c.svg for c in charts.all_charts(calculate(pts, assumptions())))
    assert "<script>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt; $x$" in svg


def test_no_feasible_config_still_draws(report):
    r = calculate(sweep(), assumptions(sla=(replace(report.assumptions.sla[0], max_ms=1.0),)))
    assert r.recommended is None
    out = {c.key: c for c in charts.all_charts(r)}
    assert len(out) == 5
    assert out["chart-yearly"].svg.count("not feasible") == 3
