"""Scenarios, hosted-API break-even, multi-year plan, sensitivity and interactivity, against hand-computed values."""

from __future__ import annotations

import pytest

from tco_report.assumptions import from_mapping, merge
from tco_report.calculator import calculate
from tco_report.decisions import interactivity_frontier, tokens_per_second_per_user
from tco_report.model import Assumptions, BenchmarkPoint, ConfigRule, HardwareProfile

RULES = (ConfigRule("*tp2*", 2), ConfigRule("*", 1))


def pt(config="a-tp1", rps=10.0, ttft=100.0, conc=8.0, itl=20.0, isl=200.0, osl=50.0, tps=None) -> BenchmarkPoint:
    return BenchmarkPoint(
        config, rps, isl, osl, {"ttft": {"avg": ttft}, "itl": {"avg": itl}}, concurrency=conc, output_tps=tps
    )


def test_scenarios_override_the_base_and_merge_hardware_by_name():
    base = {
        "demand": {"peak_requests_per_second": 100},
        "hardware": [{"name": "h100", "initial_server_cost": 320000}, {"name": "h200", "initial_server_cost": 400000}],
        "configs": [{"match": "*", "gpus_per_instance": 1, "hardware": "h100"}],
        "scenarios": [
            {"name": "big", "demand": {"peak_requests_per_second": 400}},
            {"name": "cheap", "hardware": [{"name": "h100", "initial_server_cost": 250000}]},
        ],
    }
    a = from_mapping(base, "s.yaml")
    (n1, big), (n2, cheap) = a.scenarios
    assert (n1, big.peak_requests_per_second, big.hardware[0].initial_server_cost) == ("big", 400, 320000)
    assert (n2, cheap.peak_requests_per_second) == ("cheap", 100)
    assert [(h.name, h.initial_server_cost) for h in cheap.hardware] == [("h100", 250000), ("h200", 400000)]
    report = calculate([pt(rps=12.5)], a)
    rows = report.decisions.scenarios
    assert [r.name for r in rows] == ["base", "big", "cheap"]
    # base: 100/12.5 = 8 instances = 1 server at 87,500; big: 32 instances = 4 servers; cheap: 62,500 + 7,500
    assert [r.recommended.total_yearly_cost for r in rows] == [87_500, 350_000, 70_000]


def test_merge_replaces_other_lists_whole():
    merged = merge({"sla": [{"metric": "ttft", "max_ms": 250}], "demand": {"uptime": 1}}, {"sla": []})
    assert merged == {"sla": [], "demand": {"uptime": 1}}


def api_assumptions(**kw) -> Assumptions:
    return Assumptions(configs=RULES, api_input_price_per_1m=0.1, api_output_price_per_1m=0.3, **kw)


def test_api_break_even_by_hand():
    # 12.5 req/s per instance, 1 GPU each: 8 instances (100 req/s) fill one 8-GPU server at $87,500 a year.
    # API: (200 x $0.10 + 50 x $0.30) / 1e6 = $0.000035 a request; x 31,536,000 s = $1,103.76 a year per req/s.
    report = calculate([pt(rps=12.5)], api_assumptions(peak_requests_per_second=100))
    api = report.decisions.api
    assert api.api_cost_per_request == pytest.approx(35e-6)
    assert api.yearly_api_cost == pytest.approx(110_376)
    # One server costs as much as the API at 87,500 / 1,103.76 = 79.27 req/s: self-hosting is cheaper from there.
    assert api.break_even_rps == pytest.approx(87_500 / 1_103.76)
    # Each new server starts a tooth where the API is cheaper again: n servers cost n x 87,500, the API at the
    # bottom of their step (n - 1) x 110,376. From n >= 110,376 / 22,876 = 4.8, i.e. 5 servers, the teeth end;
    # the last one is 4 servers above 300 req/s, dearer than the API until 350,000 / 1,103.76 = 317.1 req/s.
    assert api.always_cheaper_rps == pytest.approx(4 * 87_500 / 1_103.76)
    assert api.break_even_tokens_per_day == pytest.approx(87_500 / 1_103.76 * 86_400 * 250)
    d, own, via_api = api.curve[-1]
    assert via_api == pytest.approx(d * 1_103.76)


def test_api_never_cheaper_to_self_host_when_servers_cost_more_than_the_api_at_full_load():
    report = calculate([pt(rps=1.0)], api_assumptions())  # 8 req/s a server: $8,830 of API a year < $87,500
    assert report.decisions.api.break_even_rps is None and report.decisions.api.always_cheaper_rps is None


def test_api_break_even_at_average_load():
    # With a 30 req/s average at a 100 req/s peak the API costs 30% as much: $331.13 a year per req/s of peak, so
    # a full server (100 req/s) costs the API $33,113 < $87,500: self-hosting never wins at these prices.
    report = calculate([pt(rps=12.5)], api_assumptions(average_requests_per_second=30))
    assert report.decisions.api.break_even_rps is None and report.decisions.api.always_cheaper_rps is None
    # At ten times the API's prices it does, from 87,500 / 3,311.28 = 26.4 req/s of peak.
    a = Assumptions(
        configs=RULES, api_input_price_per_1m=1.0, api_output_price_per_1m=3.0, average_requests_per_second=30
    )
    assert calculate([pt(rps=12.5)], a).decisions.api.break_even_rps == pytest.approx(87_500 / 3_311.28)
    assert report.decisions.scenarios == ()


def test_multi_year_plan_by_hand():
    a = Assumptions(
        configs=RULES, demand_growth_per_year=0.5, plan_years=5, hardware=(HardwareProfile(depreciation_period=3),)
    )
    plan = calculate([pt(rps=12.5)], a).decisions.plan
    # demand 100, 150, 225, 337.5, 506.25 req/s; 100 req/s per server -> 1, 2, 3, 4, 6 servers
    assert [y.servers_needed for y in plan] == [1, 2, 3, 4, 6]
    # servers live 3 years: the year-1 server retires after year 3 and is replaced in year 4
    assert [y.servers_bought for y in plan] == [1, 1, 1, 2, 3]
    assert [y.servers_in_service for y in plan] == [1, 2, 3, 4, 6]
    assert [y.capex for y in plan] == [320_000, 320_000, 320_000, 640_000, 960_000]
    assert [y.opex for y in plan] == [7_500, 15_000, 22_500, 30_000, 45_000]
    assert plan[-1].cumulative_cost == 2_560_000 + 120_000
    # year 1: 1 server x (320,000/3 + 7,500) / (100 req/s x 31,536,000 s x 250 tokens) x 1e6
    assert plan[0].cost_per_1m_tokens == pytest.approx((320_000 / 3 + 7_500) / (100 * 31_536_000 * 250) * 1e6)


def test_sensitivity_moves_one_input_and_holds_the_rest():
    report = calculate([pt(rps=12.5)], Assumptions(configs=RULES))
    rows = {r.input: r for r in report.decisions.sensitivity}
    price = rows["initial_server_cost"]
    # 320,000 -/+ 20%: capex 64,000 / 96,000 a year -> 71,500 / 103,500 for the one server
    assert (price.low_value, price.high_value) == pytest.approx((256_000, 384_000))
    assert price.total_yearly_cost == pytest.approx((71_500, 103_500))
    assert price.cost_per_1m_output_tokens[1] / price.cost_per_1m_output_tokens[0] == pytest.approx(103_500 / 71_500)
    peak = rows["peak_requests_per_second"]
    assert peak.total_yearly_cost == pytest.approx((87_500, 175_000))  # 120 req/s needs a second server
    assert "electricity_price_per_kwh" not in rows  # zero inputs have nothing to move
    assert rows["uptime"].high_value == 1.0  # clamped to its bound
    assert report.decisions.sensitivity_base == (report.recommended.cost_per_1m_output_tokens, 87_500)


def test_interactivity_is_1000_over_itl_and_its_frontier():
    assert tokens_per_second_per_user(pt(itl=20.0)) == 50.0
    pts = [
        pt("a-tp1", conc=1, itl=10.0, rps=1.0, tps=100.0),  # 100 tok/s/user, 100 tok/s/GPU -> on
        pt("a-tp1", conc=8, itl=20.0, rps=5.0, tps=600.0),  # 50, 600 -> on
        pt("a-tp1", conc=16, itl=25.0, rps=5.0, tps=550.0),  # 40, 550 -> dominated by the 50/600 point
        pt("b-tp2", conc=32, itl=40.0, rps=8.0, tps=1600.0),  # 25, 800 per GPU -> on
    ]
    report = calculate(pts, Assumptions(configs=RULES))
    assert interactivity_frontier(report) == [0, 1, 3]
