"""Feasible and infeasible config results: what each carries, how the writers read them by name, and that the types
make a reader narrow before it reads a figure (mypy rejects reading one without)."""

from __future__ import annotations

from dataclasses import fields

import pytest

from tco_report.calculator import calculate
from tco_report.model import (
    Assumptions,
    BenchmarkPoint,
    ConfigRule,
    FeasibleResult,
    HardwareProfile,
    InfeasibleResult,
    result_value,
)
from tco_report.summary import config_dict

from .conftest import ROOT
from .test_types import mypy

RULES = (ConfigRule("*", 1),)
OPTIONAL = (
    "yearly_cloud_cost",
    "yearly_cloud_reserved_cost",
    "cloud_cost_per_1m_tokens",
    "cloud_reserved_cost_per_1m_tokens",
    "break_even_months",
    "cost_per_1k_requests_at_average_load",
)


def point(config: str, rps: float, ttft: float) -> BenchmarkPoint:
    return BenchmarkPoint(config, rps, 200, 50, {"ttft": {"avg": ttft}}, concurrency=1)


# ok-tp1 meets the default SLA (avg TTFT <= 250 ms) at 1 req/s; slow-tp1 never does.
POINTS = (point("slow-tp1", 2.0, 300.0), point("slow-tp1", 3.0, 450.0), point("ok-tp1", 1.0, 90.0))


def test_a_feasible_result_has_every_figure_and_the_optional_ones_only_when_asked():
    r = calculate(POINTS, Assumptions(configs=RULES)).recommended
    assert isinstance(r, FeasibleResult) and r.feasible is True and r.point is POINTS[2]
    # 100 req/s / 1 req/s = 100 instances of 1 GPU on ceil(100 / 8) = 13 servers of $87,500 a year
    assert (r.model_instances, r.total_gpus, r.servers, r.total_yearly_cost) == (100, 100, 13, 1_137_500)
    assert {f.name for f in fields(FeasibleResult) if "None" in str(f.type)} == set(OPTIONAL)
    assert [k for k in OPTIONAL if getattr(r, k) is not None] == []
    assert [f.name for f in fields(r) if getattr(r, f.name) is None] == list(OPTIONAL)

    hw = HardwareProfile(cloud_price_per_gpu_hour=2.0, cloud_reserved_price_per_gpu_hour=1.0)
    asked = calculate(POINTS, Assumptions(configs=RULES, hardware=(hw,), average_requests_per_second=25)).recommended
    assert asked is not None and asked.rented_gpus == 13 * 8
    assert asked.yearly_cloud_cost == 104 * 2.0 * 8_760 == 1_822_080
    assert asked.yearly_cloud_reserved_cost == 104 * 1.0 * 8_760 == 911_040
    # Monthly rent 151,840 against running costs of 13 x (87,500 - 80,000) / 12 = 8,125: the 13 servers' $4,160,000
    # are paid back after 4,160,000 / 143,715 months.
    assert asked.break_even_months == pytest.approx(28.946178199909543, rel=1e-12)
    # 13 x 87,500 / (25 req/s x 31,536,000 s) x 1,000
    assert asked.cost_per_1k_requests_at_average_load == pytest.approx(1.4427955352612887, rel=1e-12)

    # Renting at $0.01 a GPU-hour (759.20 a month) never costs more than running the owned servers (8,125 a month).
    cheap = HardwareProfile(cloud_price_per_gpu_hour=0.01)
    never = calculate(POINTS, Assumptions(configs=RULES, hardware=(cheap,))).recommended
    assert never is not None and never.yearly_cloud_cost == pytest.approx(104 * 0.01 * 8_760)
    assert never.break_even_months is None


def test_an_infeasible_result_has_only_the_config_and_why():
    slow = calculate(POINTS, Assumptions(configs=RULES)).results[1]
    assert isinstance(slow, InfeasibleResult) and slow.feasible is False
    assert [f.name for f in fields(slow)] == ["config", "hardware", "gpus_per_instance", "reason"]
    assert (slow.config, slow.hardware, slow.gpus_per_instance) == ("slow-tp1", "default", 1)
    assert slow.reason == "avg TTFT <= 250 ms not met: best 300.0 ms"
    assert not hasattr(slow, "servers") and not hasattr(slow, "point")


def test_result_value_reads_none_for_the_figures_an_infeasible_config_lacks():
    ok, slow = calculate(POINTS, Assumptions(configs=RULES)).results  # in config order
    assert result_value(ok, "servers") == 13 and result_value(ok, "feasible") is True
    assert result_value(ok, "break_even_months") is None  # optional, and not asked
    assert result_value(slow, "servers") is None and result_value(slow, "point") is None
    assert result_value(slow, "feasible") is False and result_value(slow, "gpus_per_instance") == 1
    assert result_value(slow, "reason") == slow.reason
    for r in (ok, slow):
        with pytest.raises(AttributeError):
            result_value(r, "serverz")  # a name no result has is a mistake, not a missing figure
    with pytest.raises(AttributeError):
        result_value(ok, "reason")


def test_summary_gives_an_infeasible_config_the_same_keys_its_figures_null():
    """summary.json is a contract: an infeasible config has a feasible one's keys, less the chosen point's load."""
    ok, slow = (config_dict(r) for r in calculate(POINTS, Assumptions(configs=RULES)).results)
    assert list(slow) == [k for k in ok if k not in ("request_rate", "load")]
    own = {
        "config": "slow-tp1",
        "feasible": False,
        "gpus_per_instance": 1,
        "hardware": "default",
        "reason": "avg TTFT <= 250 ms not met: best 300.0 ms",
        "yearly_cost_components": {},
    }
    assert {k: v for k, v in slow.items() if v is not None} == own
    figures = [k for k in slow if k not in own and k not in OPTIONAL]  # 14 sizing, 1 reference, 8 cost-model
    assert len(figures) == 14 + 1 + 8 and all(isinstance(ok[k], int | float) for k in figures), figures
    assert (ok["reason"], ok["servers"], ok["load"]) == (None, 13, "c=1")


def test_mypy_makes_a_reader_narrow_a_result_before_it_reads_a_figure(tmp_path):
    """Reading a figure of an unnarrowed result, or an optional figure as a number, is a type error; after
    ``r.feasible``, isinstance or a check of ``recommended`` against None, the figures are plain numbers."""
    src = tmp_path / "reader.py"
    src.write_text(
        "from tco_report.model import ConfigResult, FeasibleResult, Report\n"
        "\n"
        "def unguarded(r: ConfigResult) -> float:\n"
        "    return r.servers\n"  # line 4: an error
        "\n"
        "def optional(r: FeasibleResult) -> float:\n"
        "    return r.break_even_months\n"  # line 7: an error
        "\n"
        "def by_tag(r: ConfigResult) -> float:\n"
        "    return r.servers + r.total_yearly_cost if r.feasible else float(len(r.reason))\n"
        "\n"
        "def by_isinstance(r: ConfigResult) -> str:\n"
        "    return r.point.load_label if isinstance(r, FeasibleResult) else r.reason\n"
        "\n"
        "def recommended(report: Report) -> float:\n"
        "    rec = report.recommended\n"
        "    return rec.servers * rec.yearly_server_cost if rec is not None else 0.0\n"
    )
    r = mypy(str(src), cwd=ROOT)
    errors = [line.split(": error: ")[0].rsplit(":", 1)[1] for line in r.stdout.splitlines() if ": error: " in line]
    assert errors == ["4", "7"], r.stdout
    assert 'Item "InfeasibleResult" of "FeasibleResult | InfeasibleResult" has no attribute "servers"' in r.stdout
    assert 'Incompatible return value type (got "float | None", expected "float")' in r.stdout
