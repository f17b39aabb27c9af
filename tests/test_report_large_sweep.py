"""A sweep of many configs (issue 8): the PDF's tables list the configs the cost charts show, say what they leave
out and where it is, and the summary names only a few of the configs that miss the SLA."""

from __future__ import annotations

import re
from html import unescape

import pytest

from tco_report.calculator import calculate
from tco_report.report import view

from .report_sample import CONFIGS, assumptions, sweep
from .test_report import html_of


@pytest.fixture(scope="module")
def report():
    # 3 configs x 12 copies = 36 configs, 12 of which (the a100-tp8 copies) never meet the SLA.
    configs = {f"{name}-{k:02d}": spec for k in range(12) for name, spec in CONFIGS.items()}
    return calculate(sweep(configs), assumptions())


@pytest.fixture(scope="module")
def html(report):
    return html_of(report)


def _rows(html: str, table: str) -> list[str]:
    body = re.split(f'<table class="{table}(?: small)?"[^>]*>', html, maxsplit=1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<td class="name"[^>]*>([^<]+)', body)


def test_tables_list_the_cheapest_configs_the_cost_charts_show(report, html):
    limit = view.BAR_LIMIT
    feasible = [r for r in report.results if r.feasible]
    assert len(report.results) == 36 and len(feasible) == 24 and limit < 36
    shown = view.results_in_tables(report)
    assert len(shown) == limit
    # Every feasible config fits (24 < 25), then the first infeasible one tops the list up to the limit.
    assert [r.config for r in shown if r.feasible] == [r.config for r in feasible]
    assert [r.config for r in shown if not r.feasible] == ["a100-bf16-tp8-00"]
    assert _rows(html, "sizing") == [r.config for r in shown]
    assert _rows(html, "unit-costs") == [r.config for r in feasible]


def test_with_more_feasible_configs_than_the_limit_the_cheapest_are_listed(report):
    shown = view.results_in_tables(report, limit=5)
    cheapest = sorted((r for r in report.results if r.feasible), key=lambda r: (r.total_yearly_cost, r.config))[:5]
    assert {r.config for r in shown} == {r.config for r in cheapest}
    assert [r.config for r in shown] == [r.config for r in report.results if r in shown]  # in the results' order
    assert report.recommended is not None and report.recommended.config in {r.config for r in shown}


def test_the_note_counts_what_is_left_out_and_says_where_it_is(html):
    note = re.sub(r"\s+", " ", unescape(html.split('<p class="note omitted">', 1)[1].split("</p>", 1)[0]))
    assert note.startswith("This table and the cost tables below list 25 of the 36 configs: the 24 with the lowest")
    assert "then the first that do not" in note
    assert "11 further configs do not meet it" in note
    assert "the workbook's Configs sheet and summary.json list every config" in note


def test_the_summary_names_three_configs_that_miss_the_sla_and_counts_the_rest(report, html):
    summary = re.sub(r"\s+", " ", unescape(html.split('id="summary"', 1)[1].split("</section>", 1)[0]))
    infeasible = [r.config for r in report.results if not r.feasible]
    named = [c for c in infeasible if c in summary]
    assert named == infeasible[: view.NAMED_IN_TEXT] == infeasible[:3]
    assert "12 do not" in summary
    assert "and 9 more (summary.json gives each one's reason)" in summary


def test_small_reports_list_every_config_without_a_note():
    from .report_sample import sample_report

    small = sample_report()
    html = html_of(small)
    assert view.results_in_tables(small) == list(small.results)
    assert 'class="note omitted"' not in html
    assert _rows(html, "sizing") == [r.config for r in small.results]
