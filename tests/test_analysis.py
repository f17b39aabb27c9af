"""Pareto frontier, best point and curves on small examples checked by hand."""

from __future__ import annotations

from tco_report import analysis
from tco_report.model import BenchmarkPoint, SlaConstraint


def p(config: str, conc: float, rps: float, ttft: float) -> BenchmarkPoint:
    return BenchmarkPoint(config, rps, 200, 50, {"ttft": {"avg": ttft}}, concurrency=conc)


def test_frontier_by_hand():
    pts = [
        p("a", 1, 2.0, 50),  # 0: lowest latency -> on
        p("a", 4, 6.0, 120),  # 1: 6 req/s/GPU -> on
        p("a", 8, 5.0, 200),  # 2: dominated by 1 (lower latency, higher throughput)
        p("b", 4, 16.0, 150),  # 3: 2 GPUs -> 8 req/s/GPU -> on
        p("b", 8, 16.0, 150),  # 4: exact tie with 3 -> on too (nothing strictly better)
        p("b", 16, 18.0, 400),  # 5: 9 req/s/GPU -> on
        p("a", 16, 8.0, 500),  # 6: 8 < 9 at lower latency -> off
    ]
    gpus = [1, 1, 1, 2, 2, 2, 1]
    assert analysis.pareto_frontier(pts, gpus, "ttft", "avg") == [0, 1, 3, 4, 5]


def test_frontier_equal_throughput_at_higher_latency_stays():
    """Off the frontier only when another point has <= latency AND strictly higher throughput per GPU (method.md 8)."""
    pts = [p("a", 1, 4.0, 100), p("a", 2, 4.0, 200)]
    assert analysis.pareto_frontier(pts, [1, 1], "ttft", "avg") == [0, 1]


def test_frontier_skips_points_without_the_statistic():
    pts = [p("a", 1, 4.0, 100), BenchmarkPoint("a", 9.0, 1, 1, {"itl": {"avg": 5}}, concurrency=2)]
    assert analysis.pareto_frontier(pts, [1, 1], "ttft", "avg") == [0]


def test_best_point_highest_throughput_meeting_sla():
    curve = [p("a", 1, 2.0, 50), p("a", 4, 6.0, 120), p("a", 8, 7.0, 260)]
    sla = [SlaConstraint("ttft", "avg", 250)]
    assert analysis.best_point(curve, sla).concurrency == 4
    assert analysis.best_point(curve, [SlaConstraint("ttft", "avg", 40)]) is None


def test_curves_grouped_and_sorted():
    pts = [p("b", 8, 1, 1), p("a", 4, 1, 1), p("b", 2, 1, 1)]
    c = analysis.curves(pts)
    assert list(c) == ["a", "b"] and [x.concurrency for x in c["b"]] == [2, 8]
