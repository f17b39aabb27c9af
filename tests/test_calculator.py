"""The calculator against a worked example computed by hand, and its invariants under hypothesis."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tco_report.calculator import calculate, calculate_core, ceil_whole, yearly_server_cost
from tco_report.errors import InputError
from tco_report.model import (
    Assumptions,
    BenchmarkPoint,
    ConfigRule,
    HardwareProfile,
    InfeasibleResult,
    SlaConstraint,
)


def point(config: str, conc: float, rps: float, ttft: float, isl: float = 200, osl: float = 50) -> BenchmarkPoint:
    return BenchmarkPoint(
        config=config, rps=rps, isl=isl, osl=osl, latency_ms={"ttft": {"avg": ttft}}, concurrency=conc
    )


RULES = (ConfigRule("*tp2*", 2), ConfigRule("*", 1))


def test_worked_example_to_the_cent():
    """One config, written out step by step as a finance reader would check it."""
    pts = [
        point("h100-tp2", 4, 5.0, 80.0),
        point("h100-tp2", 16, 12.5, 240.0),  # the best point under 250 ms
        point("h100-tp2", 32, 18.0, 410.0),  # breaks the SLA
    ]
    a = Assumptions(peak_requests_per_second=100, configs=RULES)
    r = calculate(pts, a).recommended
    assert r is not None and r.config == "h100-tp2" and r.concurrency == 16
    # 1. instances = ceil(100 req/s / 12.5 req/s) = 8
    assert r.model_instances == 8
    # 2. GPUs = 8 instances x 2 GPUs = 16; servers = ceil(16 / 8) = 2
    assert r.total_gpus == 16 and r.servers == 2
    # 3. yearly cost of a server = 320,000 / 4 + 4,500 + 3,000 = 87,500; of the fleet 175,000
    assert r.yearly_server_cost == 87_500 and r.total_yearly_cost == 175_000
    # 4. requests per server per year = 12.5 x (8 / 2) x 31,536,000 x 1.0 = 1,576,800,000
    assert r.requests_per_server_per_year == 1_576_800_000
    # 5. cost per 1K requests = 87,500 / 1,576,800,000 x 1,000 = $0.055492...
    assert r.cost_per_1k_requests == pytest.approx(87_500 / 1_576_800, rel=1e-12)
    assert round(r.cost_per_1k_requests, 4) == 0.0555
    # 6. blended cost per 1M tokens = 0.0554921 / 1000 / (200 + 50) x 1,000,000 = $0.2219685
    assert r.cost_per_1m_tokens == pytest.approx(0.05549213597158802 * 4, rel=1e-12)
    # 7. reference cost of 1K requests = 1000 x (200 x $1 + 50 x $3) / 1,000,000 = $0.35
    assert r.ref_cost_per_1k_requests == pytest.approx(0.35, rel=1e-12)
    # 8. per 1M input tokens = 0.0554921 / 0.35 x $1 = $0.1585489; output = x $3 = $0.4756469
    assert r.cost_per_1m_input_tokens == pytest.approx(0.15854895991882293, rel=1e-12)
    assert r.cost_per_1m_output_tokens == pytest.approx(0.4756468797564688, rel=1e-12)
    # By construction ISL x in + OSL x out (per token) is the cost of one request.
    per_request = (200 * r.cost_per_1m_input_tokens + 50 * r.cost_per_1m_output_tokens) / 1e6
    assert per_request == pytest.approx(r.cost_per_1k_requests / 1000, rel=1e-12)


def test_software_per_gpu_and_uptime():
    hw = HardwareProfile(software_licence_per="gpu")
    # 320,000 / 4 + 4,500 x 8 GPUs + 3,000
    assert yearly_server_cost(hw) == 80_000 + 36_000 + 3_000
    a = Assumptions(hardware=(hw,), uptime=0.5, configs=RULES)
    r = calculate([point("x", 1, 10.0, 100.0)], a).recommended
    assert r.requests_per_server_per_year == 10.0 * 8 * 31_536_000 * 0.5
    assert r.cost_per_1k_requests == pytest.approx(119_000 / (10.0 * 8 * 31_536_000 * 0.5) * 1000, rel=1e-12)


def test_fractional_rounding_like_nvidias_workbook():
    a = Assumptions(peak_requests_per_second=10, configs=RULES, rounding="fractional")
    r = calculate([point("a-tp2", 1, 3.0, 100.0)], a).recommended
    assert r.model_instances == pytest.approx(10 / 3)
    assert r.total_gpus == pytest.approx(20 / 3)
    assert r.servers == pytest.approx(20 / 3 / 8)
    assert r.total_yearly_cost == pytest.approx(20 / 24 * 87_500)


def test_cheapest_config_wins_and_ties_go_to_first_name():
    pts = [point("b-tp1", 1, 20.0, 100.0), point("a-tp1", 1, 20.0, 100.0), point("c-tp2", 1, 30.0, 100.0)]
    report = calculate(pts, Assumptions(peak_requests_per_second=100, configs=RULES))
    assert [r.config for r in report.results] == ["a-tp1", "b-tp1", "c-tp2"]
    # a and b: 5 instances, 5 GPUs, 1 server; c: 4 instances, 8 GPUs, 1 server: a three-way tie at 87,500
    assert {r.total_yearly_cost for r in report.results} == {87_500}
    assert report.recommended.config == "a-tp1"


def test_infeasible_config_says_which_constraint_and_best_value():
    pts = [point("slow-tp1", 1, 2.0, 300.0), point("slow-tp1", 2, 3.0, 450.0), point("ok-tp1", 1, 1.0, 90.0)]
    report = calculate(pts, Assumptions(configs=RULES))
    slow = next(r for r in report.results if r.config == "slow-tp1")
    assert isinstance(slow, InfeasibleResult) and not slow.feasible and not hasattr(slow, "servers")
    assert "avg TTFT <= 250 ms not met: best 300.0 ms" in slow.reason
    assert report.recommended.config == "ok-tp1"


def test_no_feasible_config_gives_no_recommendation():
    report = calculate([point("x-tp1", 1, 2.0, 300.0)], Assumptions(configs=RULES))
    assert report.recommended is None


def test_several_constraints_at_once():
    p1 = BenchmarkPoint("x", 10.0, 200, 50, {"ttft": {"avg": 100, "p99": 400}, "itl": {"avg": 20}}, concurrency=8)
    p2 = BenchmarkPoint("x", 6.0, 200, 50, {"ttft": {"avg": 80, "p99": 200}, "itl": {"avg": 15}}, concurrency=4)
    sla = (SlaConstraint("ttft", "avg", 250), SlaConstraint("ttft", "p99", 300), SlaConstraint("itl", "avg", 30))
    r = calculate([p1, p2], Assumptions(sla=sla, configs=RULES)).recommended
    assert r.rps_per_instance == 6.0  # p1 breaks the p99 limit


def test_limit_is_inclusive():
    r = calculate([point("x", 1, 5.0, 250.0)], Assumptions(configs=RULES)).recommended
    assert r is not None


def test_missing_gpus_per_instance_is_an_error_not_one():
    with pytest.raises(InputError, match="no known GPUs per instance"):
        calculate([point("x", 1, 5.0, 100.0)], Assumptions())


def test_gpus_from_file_when_no_rule():
    p = BenchmarkPoint("x", 5.0, 200, 50, {"ttft": {"avg": 100}}, concurrency=1, gpus_per_instance=4)
    assert calculate([p], Assumptions()).recommended.total_gpus == 20 * 4


def test_sla_statistic_missing_names_configs_and_what_they_have():
    p = BenchmarkPoint("vllm-run", 5.0, 200, 50, {"ttft": {"avg": 100, "p99": 120}}, concurrency=1)
    a = Assumptions(sla=(SlaConstraint("ttft", "p95", 200),), configs=RULES)
    with pytest.raises(InputError) as e:
        calculate([p], a)
    assert "'vllm-run' has no p95 TTFT" in e.value.message and "avg TTFT, p99 TTFT" in e.value.message


@pytest.mark.parametrize(
    ("x", "expected"), [(5.0, 5), (100 / 20, 5), (0.1 * 3 / 0.1, 3), (3.0000001, 4), (8.79, 9), (0.2, 1)]
)
def test_ceil_whole_ignores_float_noise_like_a_spreadsheet(x, expected):
    assert ceil_whole(x) == expected


# ---------------------------------------------------------------------------------------------- invariants
configs = st.sampled_from(["a-tp1", "b-tp2", "c-tp1", "d-tp2"])
points = st.lists(
    st.builds(
        point,
        configs,
        st.integers(1, 256).map(float),
        st.floats(0.05, 500, allow_nan=False),
        st.floats(5, 3000, allow_nan=False),
        st.floats(10, 8000),
        st.floats(10, 2000),
    ),
    min_size=1,
    max_size=24,
    unique_by=lambda p: (p.config, p.concurrency),
)


def _cost(report) -> float:
    return report.recommended.total_yearly_cost if report.recommended else math.inf


@settings(max_examples=150, deadline=None)
@given(points, st.floats(0.1, 5000), st.floats(1.0, 10.0), st.sampled_from(["whole", "fractional"]))
def test_more_demand_never_needs_fewer_servers(pts, peak, factor, rounding):
    low = calculate_core(pts, Assumptions(peak_requests_per_second=peak, configs=RULES, rounding=rounding))
    high = calculate_core(pts, Assumptions(peak_requests_per_second=peak * factor, configs=RULES, rounding=rounding))
    for lo, hi in zip(low.results, high.results, strict=True):
        if lo.feasible:
            assert hi.servers >= lo.servers and hi.total_yearly_cost >= lo.total_yearly_cost
    assert _cost(high) >= _cost(low)


@settings(max_examples=150, deadline=None)
@given(points, st.floats(10, 3000), st.floats(0.05, 1.0), st.floats(1, 1000))
def test_stricter_sla_never_lowers_cost(pts, limit, tighten, peak):
    loose = Assumptions(sla=(SlaConstraint("ttft", "avg", limit),), configs=RULES, peak_requests_per_second=peak)
    strict = Assumptions(
        sla=(SlaConstraint("ttft", "avg", limit * tighten),), configs=RULES, peak_requests_per_second=peak
    )
    assert _cost(calculate_core(pts, strict)) >= _cost(calculate_core(pts, loose))


@settings(max_examples=150, deadline=None)
@given(points, st.floats(0.01, 100))
def test_scaling_every_price_scales_every_cost(pts, k):
    hw = HardwareProfile()
    base = Assumptions(configs=RULES)
    scaled = Assumptions(
        configs=RULES,
        hardware=(
            HardwareProfile(
                initial_server_cost=hw.initial_server_cost * k,
                yearly_hosting_cost=hw.yearly_hosting_cost * k,
                yearly_software_cost=hw.yearly_software_cost * k,
            ),
        ),
        ref_input_price_per_1m=base.ref_input_price_per_1m * k,
        ref_output_price_per_1m=base.ref_output_price_per_1m * k,
    )
    r0, r1 = calculate_core(pts, base), calculate_core(pts, scaled)
    money = (
        "yearly_server_cost",
        "total_yearly_cost",
        "cost_per_1k_requests",
        "cost_per_1m_tokens",
        "cost_per_1m_input_tokens",
        "cost_per_1m_output_tokens",
    )
    for a, b in zip(r0.results, r1.results, strict=True):
        assert a.feasible == b.feasible
        if a.feasible:
            assert b.servers == a.servers
            for key in money:
                assert getattr(b, key) == pytest.approx(getattr(a, key) * k, rel=1e-9)
    assert (r0.recommended is None) == (r1.recommended is None)


# --- first_non_finite against an independent walk: the first NaN or infinity and its path ----------------------
@dataclass(frozen=True)
class _Box:
    a: object
    concurrency: object = 0.0  # a load level: never checked (a request rate may be inf)


_leaf = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(), st.text(max_size=3), st.none())


def _tree(children: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    keys = st.sampled_from(["x", "y", "concurrency", 1])
    return st.one_of(
        st.lists(children, max_size=3),
        st.lists(children, max_size=3).map(tuple),
        st.dictionaries(keys, children, max_size=3),
        st.builds(_Box, children, children),
        st.builds(lambda v: point("c", 1, 1.0, 1.0) if v else point("c", 1, math.inf, 1.0), st.booleans()),
    )


def _reference(obj: object, path: str) -> list[tuple[str, float]]:
    """Every non-finite float in obj, with its path, in walk order (an independent walk)."""
    if isinstance(obj, float):
        return [] if math.isfinite(obj) else [(path, obj)]
    if isinstance(obj, BenchmarkPoint):
        return []
    if isinstance(obj, _Box):
        return _reference(obj.a, f"{path}.a")
    if isinstance(obj, dict):
        return [x for k, v in obj.items() if str(k) != "concurrency" for x in _reference(v, f"{path}.{k}")]
    if isinstance(obj, list | tuple):
        return [x for i, v in enumerate(obj) for x in _reference(v, f"{path}.{i}")]
    return []


@settings(max_examples=300, deadline=None)
@given(st.recursive(_leaf, _tree, max_leaves=12))
def test_first_non_finite_finds_the_first_nan_or_infinity_with_its_path(obj):
    from tco_report.sizing import first_non_finite

    expected = _reference(obj, "r")
    found = first_non_finite(obj, "r")
    if not expected:
        assert found is None
    else:
        assert found is not None and found[0] == expected[0][0]
        assert found[1] is expected[0][1] or (math.isnan(found[1]) and math.isnan(expected[0][1]))
