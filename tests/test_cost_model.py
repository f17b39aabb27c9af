"""The cost model's extensions, each against a value computed by hand; neutral defaults keep the post's numbers."""

from __future__ import annotations

import pytest

from tco_report.assumptions import from_mapping
from tco_report.calculator import calculate, capital_recovery_factor, cost_components, yearly_server_cost
from tco_report.errors import InputError
from tco_report.model import Assumptions, BenchmarkPoint, ConfigRule, HardwareProfile

RULES = (ConfigRule("*tp2*", 2), ConfigRule("*", 1))


def pt(config: str = "h100-tp2", rps: float = 12.5, e2e: float | None = None, conc: float = 16) -> BenchmarkPoint:
    lat = {"ttft": {"avg": 200.0}} | ({"e2e": {"avg": e2e}} if e2e else {})
    return BenchmarkPoint(config, rps, 200, 50, lat, concurrency=conc)


def test_neutral_defaults_are_the_posts_three_terms():
    c = cost_components(HardwareProfile())
    assert c == {
        "capex": 80_000,
        "software": 4_500,
        "hosting": 3_000,
        "energy": 0,
        "network_storage": 0,
        "operations": 0,
    }
    assert yearly_server_cost(HardwareProfile()) == 87_500


def test_energy_cost_by_hand():
    hw = HardwareProfile(server_power_kw=10.2, load_factor=0.6, pue=1.3, electricity_price_per_kwh=0.12)
    # 10.2 kW x 0.6 x 1.3 x 8,760 h x $0.12 = $8,363.3472 a server a year
    assert cost_components(hw)["energy"] == pytest.approx(8_363.3472, abs=1e-6)
    assert yearly_server_cost(hw) == pytest.approx(87_500 + 8_363.3472, abs=1e-6)


def test_network_and_operations_add_per_server():
    hw = HardwareProfile(yearly_network_storage_cost=1_200, yearly_operations_cost=6_000)
    a = Assumptions(hardware=(hw,), configs=RULES)
    r = calculate([pt()], a).recommended
    assert r.yearly_server_cost == 87_500 + 1_200 + 6_000
    assert r.cost_components() == {
        "capex": 160_000,
        "software": 9_000,
        "hosting": 6_000,
        "energy": 0,
        "network_storage": 2_400,
        "operations": 12_000,
    }


def test_cost_of_capital_uses_the_capital_recovery_factor():
    # 1.08^4 = 1.36048896; 1 - 1/1.36048896 = 0.264970148; 0.08 / 0.264970148 = 0.3019208
    assert capital_recovery_factor(0.08, 4) == pytest.approx(0.30192080, abs=1e-8)
    assert capital_recovery_factor(0.0, 4) == 0.25
    a = Assumptions(cost_of_capital=0.08, configs=RULES)
    r = calculate([pt()], a).recommended
    assert r.yearly_capex_cost == pytest.approx(96_614.66, abs=0.01)
    assert r.total_yearly_cost == pytest.approx(2 * (96_614.66 + 7_500), abs=0.02)


def test_headroom_and_spare_servers():
    # 100 req/s at 80% of 12.5 req/s -> 10 instances -> 20 GPUs -> 3 servers, plus 1 spare = 4
    a = Assumptions(target_utilisation=0.8, spare_servers=1, configs=RULES)
    r = calculate([pt()], a).recommended
    assert (r.model_instances, r.total_gpus, r.servers_for_demand, r.servers) == (10, 20, 3, 4)
    assert r.total_yearly_cost == 4 * 87_500
    # The cost per request is the full-load figure of one server: headroom does not change it.
    assert r.cost_per_1k_requests == pytest.approx(87_500 / (12.5 * 4 * 31_536_000) * 1000, rel=1e-12)


def test_renting_break_even_and_the_gpu_hour_shortcut():
    hw = HardwareProfile(cloud_price_per_gpu_hour=2.5, cloud_reserved_price_per_gpu_hour=1.6)
    r = calculate([pt()], Assumptions(hardware=(hw,), configs=RULES)).recommended
    # 16 GPUs x $2.50 x 8,760 h = $350,400 a year on demand; x $1.60 = $224,256 reserved
    assert r.yearly_cloud_cost == pytest.approx(350_400)
    assert r.yearly_cloud_reserved_cost == pytest.approx(224_256)
    # Owning: $640,000 up front, then 2 x $7,500 / 12 = $1,250 a month; renting $29,200 a month.
    # Break-even after 640,000 / (29,200 - 1,250) = 22.8980 months.
    assert r.break_even_months == pytest.approx(640_000 / 27_950, rel=1e-12)
    # Shortcut: 12.5 req/s x 250 tokens / 2 GPUs = 1,562.5 tokens per GPU-second;
    # $2.50 / (1,562.5 x 3,600) x 1,000,000 = $0.44444 per 1M tokens renting on demand.
    assert r.cloud_cost_per_1m_tokens == pytest.approx(0.444444444, rel=1e-8)
    assert r.cloud_reserved_cost_per_1m_tokens == pytest.approx(1.6 / (1_562.5 * 3_600) * 1e6, rel=1e-12)
    # Owning per GPU-hour: 87,500 / 8 / 8,760 = $1.2486; through the shortcut it equals the post's blended figure.
    assert r.owning_cost_per_gpu_hour == pytest.approx(1.248573, abs=1e-6)
    assert r.gpu_hour_cost_per_1m_tokens == pytest.approx(r.cost_per_1m_tokens, rel=1e-12)


def test_renting_prices_the_owned_fleet_spares_included():
    """Renting and owning on the same basis: 100 req/s at 80% of 12.5 req/s -> 10 instances -> 20 GPUs -> 3 servers,
    plus 1 spare = 4 servers; the cloud rents their 4 x 8 = 32 GPUs, not the 20 the instances use."""
    hw = HardwareProfile(cloud_price_per_gpu_hour=2.5)
    a = Assumptions(hardware=(hw,), target_utilisation=0.8, spare_servers=1, configs=RULES)
    r = calculate([pt()], a).recommended
    assert (r.total_gpus, r.servers, r.rented_gpus) == (20, 4, 32)
    # 32 x $2.50 x 8,760 h = $700,800 a year; owning 4 servers costs 4 x $87,500 = $350,000 a year.
    assert r.yearly_cloud_cost == pytest.approx(700_800, rel=1e-12)
    # Owning: 4 x $320,000 up front, then 4 x $7,500 / 12 = $2,500 a month; renting $58,400 a month.
    assert r.break_even_months == pytest.approx(1_280_000 / (58_400 - 2_500), rel=1e-12)


def test_renting_the_rich_example_by_hand():
    """inputs/assumptions_rich.yaml: llama3-8b-fp8-tp1 on h200-8x, 8 instances of 1 GPU -> 1 server, plus the spare:
    2 servers, 16 GPUs owned and rented."""
    from tco_report import api
    from tco_report.resources import inputs_dir
    from tco_report.summary import summary_dict

    report = api.run(None, inputs_dir() / "assumptions_rich.yaml")
    r = report.recommended
    assert (r.config, r.hardware, r.total_gpus, r.servers) == ("llama3-8b-fp8-tp1", "h200-8x", 8, 2)
    assert r.rented_gpus == 16
    # 16 x $3.79 x 8,760 h = $531,206.40 on demand; 16 x $2.39 x 8,760 h = $334,982.40 reserved
    assert r.yearly_cloud_cost == pytest.approx(531_206.40, rel=1e-12)
    assert r.yearly_cloud_reserved_cost == pytest.approx(334_982.40, rel=1e-12)
    # A server's running costs: licence 8 x $4,500 + hosting $3,000 + energy 10.2 kW x 0.6 x 1.3 x 8,760 h x $0.12
    # ($8,363.3472) + network $2,000 + operations $6,000 = $55,363.3472 a year. Owning pays 2 x $400,000 up front,
    # then 2 x 55,363.3472 / 12 = $9,227.2245 a month; renting costs 531,206.40 / 12 = $44,267.20 a month.
    assert r.break_even_months == pytest.approx(800_000 / (44_267.2 - 2 * 55_363.3472 / 12), rel=1e-12)
    assert r.break_even_months == pytest.approx(22.8311, abs=1e-4)
    s = summary_dict(report, "t")
    assert s["recommended"]["rented_gpus"] == 16 and s["recommended"]["yearly_cloud_cost"] == r.yearly_cloud_cost
    assert "spare servers included" in s["renting_basis"]


def test_renting_never_pays_back_when_cheaper_than_running_costs():
    hw = HardwareProfile(cloud_price_per_gpu_hour=0.01)
    r = calculate([pt()], Assumptions(hardware=(hw,), configs=RULES)).recommended
    assert r.break_even_months is None


def test_no_cloud_price_means_no_renting_figures():
    r = calculate([pt()], Assumptions(configs=RULES)).recommended
    assert r.yearly_cloud_cost is None and r.cloud_cost_per_1m_tokens is None and r.break_even_months is None


def test_demand_from_users_and_average_load():
    a = from_mapping(
        {
            "demand": {
                "active_users_at_peak": 20_000,
                "requests_per_user_per_minute": 0.3,
                "average_requests_per_second": 40,
            },
            "configs": [{"match": "*tp2*", "gpus_per_instance": 2}],
        },
        "costs.yaml",
    )
    # 20,000 users x 0.3 requests a minute / 60 = 100 req/s
    assert a.peak_requests_per_second == pytest.approx(100)
    r = calculate([pt()], a).recommended
    assert r.servers == 2
    # At the year's average of 40 req/s the fleet's $175,000 buys 40 x 31,536,000 requests: $0.13873 per 1K.
    assert r.cost_per_1k_requests_at_average_load == pytest.approx(175_000 / (40 * 31_536_000) * 1000, rel=1e-12)


def test_users_and_peak_together_is_an_error():
    with pytest.raises(InputError, match="not both"):
        from_mapping(
            {"demand": {"peak_requests_per_second": 5, "active_users_at_peak": 10, "requests_per_user_per_minute": 1}}
        )
    with pytest.raises(InputError, match="demand.requests_per_user_per_minute"):
        from_mapping({"demand": {"active_users_at_peak": 10}})


def test_littles_law_warning_flags_a_point_with_mixed_units():
    good = pt(rps=11.38, e2e=878.5, conc=10)  # 11.38 x 0.8785 s = 10.0 in flight
    bad = pt(config="x-tp1", rps=11.38, e2e=87.85, conc=10)  # latency off by 10x: 1.0 in flight
    report = calculate([good, bad], Assumptions(configs=RULES))
    assert len(report.warnings) == 1
    assert "x-tp1 at c=10" in report.warnings[0] and "90% off" in report.warnings[0]


def test_extension_inputs_are_validated():
    with pytest.raises(InputError, match=r"hardware\[0\].pue"):
        from_mapping({"hardware": [{"pue": 0.8}]})
    with pytest.raises(InputError, match="sizing.target_utilisation"):
        from_mapping({"sizing": {"target_utilisation": 1.5}})
    with pytest.raises(InputError, match="sizing.spare_servers"):
        from_mapping({"sizing": {"spare_servers": 0.5}})
    with pytest.raises(InputError, match="finance.cost_of_capital"):
        from_mapping({"finance": {"cost_of_capital": -0.1}})
