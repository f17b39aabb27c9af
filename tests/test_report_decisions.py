"""The richer examples as HTML and PDF: the cost model (inputs/assumptions_rich.yaml) and the decisions
(inputs/scenarios.yaml). Each is rendered once for the module; figures are checked in the PDF's text exactly as
formatting.py writes them, and by hand where the report's sentences claim something.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys

import pypdf
import pytest

from tco_report import api, formatting
from tco_report.names import HOURS_PER_YEAR, SECONDS_PER_YEAR
from tco_report.report import view
from tco_report.resources import inputs_dir

from .conftest import ROOT, require_program
from .test_report import ARTIFACTS, EPOCH, VERSION, chromium, flat, render_both

f = formatting


def _render(tmp_path_factory, name: str) -> dict:
    out = tmp_path_factory.mktemp(name)
    report = api.run(None, inputs_dir() / f"{name}.yaml")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        html, pdf = render_both(report, out)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    pages = [flat(p.extract_text()) for p in reader.pages]
    return {"report": report, "html": html, "pdf": pdf, "pages": pages, "text": " ".join(pages), "dir": out}


@pytest.fixture(scope="module")
def rich(tmp_path_factory):
    return _render(tmp_path_factory, "assumptions_rich")


@pytest.fixture(scope="module")
def scen(tmp_path_factory):
    return _render(tmp_path_factory, "scenarios")


def formatting_label(snake: str) -> str:
    from tco_report.names import label

    return label(snake).split(" (")[0]


def crf(rate: float, years: float) -> float:
    return rate / (1 - (1 + rate) ** -years)


# --- the cost model (issue 6), on the rich example ------------------------------------------------------------------
def test_rich_page_one_answers_and_compares_renting(rich):
    rec = rich["report"].recommended
    assert rec.config == "llama3-8b-fp8-tp1" and rec.hardware == "h200-8x"
    page1 = rich["pages"][0]
    for text in (f.money(rec.total_yearly_cost), f.unit_cost(rec.cost_per_1k_requests), "2 servers"):
        assert text in page1
    # 8 GPUs of the H200 profile for a year on demand, by hand: 8 x $3.79 x 8,760 h
    assert f.money(8 * 3.79 * 8760) == "$265,603"
    assert "Renting the same 8 GPUs would cost $265,603 a year on demand ($167,491 reserved)" in page1
    assert f"owning breaks even with renting on demand after {f.months(rec.break_even_months)} months" in page1


def test_rich_assumptions_list_every_input_set_with_units_and_sources(rich):
    html = rich["html"]

    def row(label: str, value: str, unit: str, source: str) -> str:
        return f'<tr><td class="name">{label}</td><td class="num">{value}</td><td>{unit}</td><td>{source}</td></tr>'

    derived = "Planned peak demand = 24,000 active users × 0.25 requests per user per minute ÷ 60 s"
    assert row(derived, "100", "req/s", "derived") in html
    for profile, cloud in (("h100-8x", "$2.99"), ("h200-8x", "$3.79")):
        assert row(f"[{profile}] Electricity price", "$0.12", "USD/kWh", "file") in html
        assert row(f"[{profile}] Power usage effectiveness (PUE)", "1.3", "ratio", "file") in html
        assert row(f"[{profile}] Average load factor (share of full-load power)", "0.6", "fraction", "file") in html
        assert row(f"[{profile}] Server power draw at full load", "10.2", "kW", "file") in html
        assert row(f"[{profile}] Yearly network and storage cost per server", "$2,000", "USD/year", "file") in html
        assert row(f"[{profile}] Yearly operations (staff) cost per server", "$6,000", "USD/year", "file") in html
        assert row(f"[{profile}] Cloud price per GPU-hour (on demand)", cloud, "USD/GPU-hour", "file") in html
    # the second profile comes from the file too (it used to say "default")
    assert row("[h200-8x] Server price", "$400,000", "USD", "file") in html
    assert row("Cost of capital", "0.07", "per year", "file") in html
    assert row("Target utilisation at peak", "0.8", "fraction", "file") in html
    assert row("Spare servers (N+k)", "1", "servers", "file") in html
    assert row("Average demand over the year (35% of the peak)", "35", "req/s", "file") in html
    # a profile's inputs stay together: the H100's cloud price comes before the H200's server price
    assert html.index("[h100-8x] Cloud price per GPU-hour (reserved)") < html.index("[h200-8x] Server price")


def test_rich_breakdown_table_has_every_component_per_server_and_fleet(rich):
    report, text = rich["report"], rich["text"]
    html = rich["html"]
    table = html[
        html.index('<table class="breakdown small"') : html.index(
            "</table>", html.index('<table class="breakdown small"')
        )
    ]
    for name in (
        "Depreciation / capital",
        "Software licences",
        "Hosting",
        "Energy",
        "Network and storage",
        "Operations",
    ):
        assert f'<th class="num">{name}</th>' in table
    # by hand: energy = 10.2 kW x 0.6 x 1.3 x 8,760 h x $0.12; capital = price x r / (1 - (1 + r)^-n)
    energy = 10.2 * 0.6 * 1.3 * HOURS_PER_YEAR * 0.12
    assert f.money(energy) == "$8,363"
    assert f.money(2 * energy) == "$16,727"  # the recommended config's two servers
    assert f.money(400_000 * crf(0.07, 4)) == "$118,091"
    assert f.money(320_000 * crf(0.07, 4)) == "$94,473"
    for r in report.results:
        assert r.feasible
        for per_server in r.cost_components_per_server.values():
            assert f'<td class="num">{f.money(per_server)}</td>' in table
            assert f.money(per_server * r.servers) in text
        assert f.money(r.yearly_server_cost) in table and f.money(r.total_yearly_cost) in table
    assert "$8,363" in text and "$16,727" in text and "$118,091" in text
    # the stacked chart shows every component too
    yearly = html[html.index('id="chart-yearly"') :]
    for name in ("Energy", "Network and storage", "Operations"):
        assert f">{name}<" in yearly[: yearly.index("</svg>")]


def test_rich_owning_vs_renting_and_break_even(rich):
    report, text = rich["report"], rich["text"]
    assert "Owning vs renting the same GPUs" in text
    for r in report.results:
        for value in (r.yearly_cloud_cost, r.yearly_cloud_reserved_cost):
            assert f.money(value) in text
        assert f.months(r.break_even_months) in text
    rec = report.recommended
    # by hand: 2 H200 servers bought for $800,000, repaid by the monthly difference between renting 8 GPUs on demand
    # and the owned servers' running costs (everything but capital)
    running = 2 * (36_000 + 3_000 + 10.2 * 0.6 * 1.3 * 8760 * 0.12 + 2_000 + 6_000) / 12
    months = 800_000 / (8 * 3.79 * 8760 / 12 - running)
    assert f.months(months) == f.months(rec.break_even_months) == "62.0"


def test_rich_unit_costs_two_ways_reconcile(rich):
    report, text = rich["report"], rich["text"]
    assert "Cost per request and per token, two ways" in text
    assert "equal at 100% uptime" in text and "here the shortcut is 1% lower" in text
    for r in report.results:
        # the claim the sentence makes: shortcut = the post's figure x uptime (0.99 here)
        assert r.gpu_hour_cost_per_1m_tokens == pytest.approx(r.cost_per_1m_tokens * 0.99)
        for value in (r.gpu_hour_cost_per_1m_tokens, r.cost_per_1m_tokens, r.cloud_cost_per_1m_tokens):
            assert f.unit_cost(value) in text
    rec = report.recommended
    # at the average demand, by hand: TCO / (35 req/s x a year x uptime) x 1,000
    at_average = rec.total_yearly_cost / (35 * SECONDS_PER_YEAR * 0.99) * 1000
    assert f.unit_cost(at_average) == f.unit_cost(rec.cost_per_1k_requests_at_average_load) == "$0.32"
    assert "$0.32" in text and "at the average demand" in text


def test_rich_method_explains_the_added_formulas(rich):
    text = rich["text"]
    for words in (
        "active users at peak × requests per user per minute ÷ 60 seconds",
        "24,000 × 0.25 ÷ 60 = 100 req/s",
        "r ÷ (1 − (1 + r)",
        "× 8,760 hours × electricity price",
        "The GPU-hour shortcut.",
        "Renting the same GPUs.",
        "Cost per 1K requests at the average demand.",
    ):
        assert words in text, words


def test_rich_shows_only_the_decisions_its_inputs_ask_for(rich):
    html = rich["html"]
    assert 'id="sensitivity"' in html and 'id="chart-tornado"' in html
    for absent in ('id="scenarios"', 'id="api"', 'id="plan"'):
        assert absent not in html
    # the sensitivity note names where the recommended config changes
    assert "The recommended config changes when planned peak demand is 120 (llama3-8b-bf16-tp1)" in rich["text"]
    assert "target utilisation at peak is 0.64 (llama3-8b-bf16-tp1)" in rich["text"]


# --- the decisions (issue 7), on the scenario example ---------------------------------------------------------------
def test_scenario_table_and_chart(scen):
    report, text, html = scen["report"], scen["text"], scen["html"]
    rows = report.decisions.scenarios
    assert [s.name for s in rows] == ["base", "real load (30% average)", "peak 400 req/s", "cheaper servers"]
    for words in (
        "Average demand over the year 30 req/s",
        "Planned peak demand 400 req/s",
        "Server price $250,000",
    ):
        assert words in text
    for s in rows:
        r = s.recommended
        assert s.name in text
        for value in (
            f.money(r.total_yearly_cost),
            f.unit_cost(r.cost_per_1k_requests),
            f.unit_cost(r.cost_per_1m_tokens),
            f.money(r.yearly_cloud_cost),
            f.money(s.api_yearly_cost),
        ):
            assert value in text, (s.name, value)
    # by hand: 4 servers at 400 req/s (400 / 15.93 -> 26 instances of 1 GPU -> 4 servers of 8) x $87,500;
    # the cheaper server: $250,000 / 4 + $4,500 + $3,000
    assert "$350,000" in text and f.money(250_000 / 4 + 4_500 + 3_000) == "$70,000"
    chart = html[html.index('id="chart-scenarios"') :]
    chart = chart[: chart.index("</svg>")]
    for name in ("Owning (TCO)", "Renting, on demand", "Renting, reserved", "Hosted API", "peak 400 req/s"):
        assert name in chart
    assert "Yearly cost per scenario: owning, renting, hosted API" in text


def test_api_break_even_chart_and_figures(scen):
    report, text, html = scen["report"], scen["text"], scen["html"]
    b, rec = report.decisions.api, report.recommended
    # by hand: a request of ISL input and OSL output tokens at $0.10 / $0.30 per 1M; one server ($87,500 a year)
    # pays for itself once the API would cost more: 87,500 / (per request x seconds in a year) req/s
    per_request = (rec.isl * 0.10 + rec.osl * 0.30) / 1e6
    api_per_rps = per_request * SECONDS_PER_YEAR
    assert f.rate(87_500 / api_per_rps) == f.rate(b.break_even_rps) == "73.8"
    assert f.rate(175_000 / api_per_rps) == f.rate(b.always_cheaper_rps) == "148"  # two servers
    assert f.money(100 * api_per_rps) == f.money(b.yearly_api_cost) == "$118,588"
    tokens_per_day = 87_500 / api_per_rps * 86_400 * (rec.isl + rec.osl)
    assert f.large(tokens_per_day) == f.large(b.break_even_tokens_per_day)
    assert f"from a peak demand of {f.rate(b.break_even_rps)} req/s" in text
    assert f"{f.large(b.break_even_tokens_per_day)} tokens a day" in text
    assert "until 148 req/s" in text
    chart = html[html.index('id="chart-api"') :]
    chart = chart[: chart.index("</svg>")]
    assert "Break-even: 73.8 req/s" in chart and "Self-hosting always cheaper: 148 req/s" in chart
    assert "Planned peak: 100 req/s" in chart
    assert "Self-hosting vs the hosted API, by peak demand" in text
    assert "Serving the same demand through the hosted API would cost $118,588 a year" in scen["pages"][0]


def test_plan_table_and_chart(scen):
    report, text, html = scen["report"], scen["text"], scen["html"]
    plan = report.decisions.plan
    assert len(plan) == 4  # the depreciation period
    for y in plan:
        for value in (f.money(y.capex), f.money(y.opex), f.money(y.cumulative_cost), f.unit_cost(y.cost_per_1m_tokens)):
            assert value in text
    table = html[html.index('<table class="plan small"') :]
    table = table[: table.index("</table>")].replace("\n", "")
    # by hand, 50% growth: 100, 150, 225, 337.5 req/s at 15.93 req/s an instance, 8 per server -> 1, 2, 2, 3 servers;
    # a server costs $320,000 when bought and $7,500 a year to run
    expected = [
        ("1", "100", "1", "1", "1", "$320,000", "$7,500", "$327,500"),
        ("2", "150", "2", "1", "2", "$320,000", "$15,000", "$662,500"),
        ("3", "225", "2", "0", "2", "$0", "$15,000", "$677,500"),
        ("4", "338", "3", "1", "3", "$320,000", "$22,500", "$1,020,000"),
    ]
    for year in expected:
        cells = '</td><td class="num">'.join(year[1:])
        assert f'<tr><td class="name">{year[0]}</td><td class="num">{cells}</td>' in table, year
    assert "Multi-year plan: cost per year and cumulative" in text
    chart = html[html.index('id="chart-plan"') :]
    assert "Cumulative cost" in chart[: chart.index("</svg>")]


def test_sensitivity_and_interactivity(scen):
    report, text, html = scen["report"], scen["text"], scen["html"]
    rows = view.sensitivity_order(report)
    # biggest effect on the cost per 1M output tokens first
    base = report.decisions.sensitivity_base[0]
    impact = [max(abs(v - base) for v in r.cost_per_1m_output_tokens if v is not None) for r in rows]
    assert impact == sorted(impact, reverse=True)
    chart = html[html.index('id="chart-tornado"') :]
    chart = chart[: chart.index("</svg>")]
    tornado = view.build(report, tool_version=VERSION).plots.tornado
    assert [t.name.split("\n")[0] for t in tornado] == [formatting_label(r.input) for r in rows]
    for t in tornado:
        for d, fmt in ((d, f.unit_cost) for d in t.cost):
            if d:
                assert ("+" if d > 0 else "") + fmt(d) in chart, (t.name, d)
        for d in t.tco:
            if d:
                assert ("+" if d > 0 else "") + f.money(d) in chart, (t.name, d)
    assert "+$20,000" in chart  # depreciation over 3.2 instead of 4 years: $320,000 / 3.2 - $320,000 / 4
    assert "The recommended config changes when planned peak demand is 80 (llama3-8b-bf16-tp1)" in text
    assert "Interactivity: throughput per GPU vs tokens per second per user" in text


def test_scenario_unit_costs_agree_at_full_uptime(scen):
    text = scen["text"]
    assert "equal at 100% uptime" in text and "shortcut is" not in text.split("equal at 100% uptime")[1][:40]
    for r in scen["report"].results:
        assert f.unit_cost(r.gpu_hour_cost_per_1m_tokens) == f.unit_cost(r.cost_per_1m_tokens)


def test_every_section_in_order_and_ids_unique(scen):
    text = scen["text"]
    order = [
        "Summary",
        "Assumptions",
        "Charts",
        "Sizing and cost per config",
        "Owning, renting and unit costs",
        "Scenarios side by side",
        "Self-hosting vs a hosted API",
        "Multi-year plan",
        "Sensitivity",
        "Method",
        "Appendix: source files",
    ]
    positions = [text.find(h) for h in order]
    assert -1 not in positions and positions == sorted(positions), positions
    html = scen["html"]
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    assert html.count("<svg ") == 9
    assert "http" not in html.lower() and "src=" not in html.lower()
    assert re.findall(r'href="(?!#)', html) == [] and re.findall(r"url\((?!#)", html) == []
    assert len(html) < 400_000 and len(scen["pdf"]) < 400_000


RENDER_AGAIN = """
import sys
from pathlib import Path
from tco_report import api
from tco_report.resources import inputs_dir
from tests.test_report import render_both
render_both(api.run(None, inputs_dir() / "scenarios.yaml"), Path(sys.argv[1]))
"""


def test_scenario_report_is_byte_identical_on_a_rerun(scen, tmp_path):
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, PYTHONHASHSEED="4321", PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, "-c", RENDER_AGAIN, str(tmp_path)], check=True, cwd=ROOT, env=env, timeout=300)
    assert (tmp_path / "tco_report.html").read_text(encoding="utf-8") == scen["html"]
    assert (tmp_path / "tco_report.pdf").read_bytes() == scen["pdf"]


# --- how it looks ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["rich", "scen"])
def test_pages_render_to_png(name, request):
    rendered = request.getfixturevalue(name)
    pdftoppm = require_program("pdftoppm")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    prefix = {"rich": "rich-page", "scen": "scenarios-page"}[name]
    for old in ARTIFACTS.glob(f"{prefix}-*.png"):
        old.unlink()
    pdf = rendered["dir"] / "tco_report.pdf"
    subprocess.run([pdftoppm, "-r", "60", "-png", str(pdf), str(ARTIFACTS / prefix)], check=True, timeout=120)
    pngs = sorted(ARTIFACTS.glob(f"{prefix}-*.png"))
    assert len(pngs) == len(rendered["pages"])
    from PIL import Image

    for png in pngs:
        with Image.open(png) as im:
            lo, hi = im.convert("L").getextrema()
            assert lo < 100 and hi > 200, f"{png.name} looks blank"


def test_scenario_html_opens_in_chromium(scen, tmp_path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "scenarios-chromium.png"
    shot.unlink(missing_ok=True)
    run = chromium(
        "--enable-logging=stderr",
        "--v=0",
        f"--screenshot={shot}",
        "--window-size=1280,2000",
        (scen["dir"] / "tco_report.html").as_uri(),
        profile=tmp_path / "profile",
    )
    assert shot.exists() and shot.stat().st_size > 10_000, run.stderr[-2000:]
    assert [line for line in run.stderr.splitlines() if ":CONSOLE" in line] == []
    assert VERSION in scen["html"]
