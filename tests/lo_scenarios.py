"""Benchmark points and assumptions for the workbook tests: a hand-built example and a seeded generator."""

from __future__ import annotations

import random
from dataclasses import replace

from tco_report import calculator
from tco_report.model import Assumptions, BenchmarkPoint, ConfigRule, HardwareProfile, Report, SlaConstraint
from tco_report.names import SECONDS_PER_MINUTE


def _point(config: str, c: float, rps: float, ttft: float, itl: float, **kw: object) -> BenchmarkPoint:
    lat = {"ttft": {"avg": ttft, "p99": ttft * 1.8}, "itl": {"avg": itl, "p99": itl * 1.5}}
    return BenchmarkPoint(
        config=config,
        rps=rps,
        isl=kw.pop("isl", 200.0),
        osl=kw.pop("osl", 1000.0),
        latency_ms=lat,
        concurrency=c,
        output_tps=rps * 1000.0,
        model="llama-3-8b",
        tool="hand",
        source=f"/bench/{config}/c{c:g}.json",
        **kw,
    )


def example_points() -> list[BenchmarkPoint]:
    """Three configs swept over concurrency, shaped like the post's latency-throughput curves."""
    pts = []
    for config, scale, base in (("h100-fp8-tp1", 1.0, 40.0), ("h100-fp8-tp2", 2.4, 30.0), ("h100-bf16-tp4", 3.2, 25.0)):
        for k, c in enumerate((1, 2, 4, 8, 16, 32, 64, 128)):
            rps = scale * c / (1 + c / 24.0) * 0.9
            ttft = base * (1 + (c / 16.0) ** 1.6)
            itl = 8.0 + c * 0.12 / scale
            pts.append(_point(config, c, rps, ttft, itl, isl=200.0 + k, osl=1000.0 - 3 * k))
    return pts


def example_assumptions() -> Assumptions:
    return Assumptions(
        peak_requests_per_second=200.0,
        sla=(SlaConstraint("ttft", "avg", 250.0),),
        configs=(
            ConfigRule("*tp1", 1),
            ConfigRule("*tp2", 2),
            ConfigRule("*tp4", 4),
        ),
        source="hand-built example",
    )


def example_report() -> Report:
    return calculator.calculate(example_points(), example_assumptions())


def generated(seed: int) -> tuple[list[BenchmarkPoint], Assumptions]:
    """A random but valid scenario: 1-5 configs, 2-9 points each, 1-2 constraints, 1-2 hardware profiles."""
    rng = random.Random(seed)
    n_configs = rng.randint(1, 5)
    stats = rng.choice([("avg",), ("avg", "p99"), ("avg", "p50", "p90", "p99")])
    metrics = rng.choice([("ttft",), ("ttft", "itl"), ("ttft", "itl", "e2e")])
    hardware = [
        HardwareProfile(
            name="default",
            initial_server_cost=rng.uniform(50_000, 500_000),
            gpus_per_server=rng.choice([4, 8, 8, 16]),
            depreciation_period=rng.choice([3.0, 4.0, 5.0, 3.5]),
            yearly_hosting_cost=rng.uniform(0, 20_000),
            yearly_software_cost=rng.uniform(0, 10_000),
            software_licence_per=rng.choice(["server", "gpu"]),
        )
    ]
    if rng.random() < 0.5:  # the cost model's extensions: energy, network and storage, operations, renting
        hardware[0] = replace(
            hardware[0],
            server_power_kw=rng.uniform(2, 12),
            pue=rng.uniform(1.1, 1.6),
            electricity_price_per_kwh=rng.uniform(0.05, 0.3),
            load_factor=rng.uniform(0.3, 1.0),
            yearly_network_storage_cost=rng.uniform(0, 5000),
            yearly_operations_cost=rng.uniform(0, 8000),
            cloud_price_per_gpu_hour=rng.choice([0.0, rng.uniform(1, 5)]),
        )
    if rng.random() < 0.3:
        hardware.append(
            replace(
                hardware[0],
                name="other",
                initial_server_cost=rng.uniform(50_000, 500_000),
                gpus_per_server=rng.choice([4, 8]),
            )
        )
    points, rules = [], []
    for k in range(n_configs):
        name = f"cfg-{k}-{rng.choice(['h100', 'a100', 'b200', 'l40s'])}"
        gpi = rng.choice([1, 2, 4, 8])
        if gpi > min(h.gpus_per_server for h in hardware):
            gpi = 1
        rules.append(ConfigRule(name, gpi, rng.choice(hardware).name))
        scale = rng.uniform(0.3, 5.0)
        base = rng.uniform(10, 200)
        loads = sorted(rng.sample([1, 2, 4, 8, 16, 32, 64, 128, 256], rng.randint(2, 9)))
        for c in loads:
            lat = {}
            for m in metrics:
                mean = base * (1 + (c / rng.uniform(5, 50)) ** rng.uniform(1.0, 2.0)) * (0.1 if m == "itl" else 1)
                lat[m] = {s: mean * (1 + 0.3 * i) for i, s in enumerate(stats)}
            rps = scale * c / (1 + c / rng.uniform(5, 60))
            if rng.random() < 0.1 and points:
                rps = points[-1].rps  # an exact tie in throughput
            points.append(
                BenchmarkPoint(
                    config=name,
                    rps=rps,
                    isl=rng.uniform(50, 4000),
                    osl=rng.uniform(50, 2000),
                    latency_ms=lat,
                    concurrency=float(c),
                    output_tps=rps * 500,
                    model="m",
                    source=f"/runs/{name}/c{c}.json",
                )
            )
    sla_metric = rng.choice(metrics)
    sla = [SlaConstraint(sla_metric, rng.choice(stats), rng.uniform(20, 2000) * (0.1 if sla_metric == "itl" else 1))]
    if rng.random() < 0.3 and len(metrics) > 1:
        m2 = [m for m in metrics if m != sla_metric][0]
        sla.append(SlaConstraint(m2, stats[0], rng.uniform(20, 4000) * (0.1 if m2 == "itl" else 1)))
    a = Assumptions(
        peak_requests_per_second=rng.uniform(1, 2000),
        uptime=rng.choice([1.0, 0.99, 0.9]),
        sla=tuple(sla),
        hardware=tuple(hardware),
        ref_input_price_per_1m=rng.uniform(0.1, 5),
        ref_output_price_per_1m=rng.uniform(0.5, 15),
        configs=tuple(rules),
        rounding=rng.choice(["whole", "whole", "fractional"]),
        isl=rng.uniform(100, 1000) if rng.random() < 0.15 else None,
        osl=rng.uniform(100, 1000) if rng.random() < 0.15 else None,
        source=f"generated seed {seed}",
    )
    if rng.random() < 0.5:
        a = replace(
            a,
            target_utilisation=rng.choice([1.0, 0.8, 0.65]),
            spare_servers=rng.choice([0, 1, 2]),
            cost_of_capital=rng.choice([0.0, 0.05, 0.12]),
            average_requests_per_second=rng.choice([None, a.peak_requests_per_second * 0.4]),
            api_input_price_per_1m=rng.choice([0.0, 0.5]),
            api_output_price_per_1m=rng.choice([0.0, 1.5]),
            plan_years=rng.choice([None, 3]),
            demand_growth_per_year=rng.choice([0.0, 0.25]),
        )
    return points, _decision_inputs(rng, a)


def _decision_inputs(rng: random.Random, a: Assumptions) -> Assumptions:
    """The newer cost model's and the decision questions' inputs, drawn after the rest so that the earlier draws (and
    the scenarios they make) stay as they were: demand from users, reserved cloud prices, depreciation periods that
    round half to even, hosted-API prices, plan horizons beyond the Plan sheet's ten rows, the sensitivity step."""
    if rng.random() < 0.35:
        users, per_user = float(rng.randint(100, 200_000)), rng.choice([0.1, 0.25, 1.0, 3.0])
        peak = users * per_user / SECONDS_PER_MINUTE
        average = None if a.average_requests_per_second is None else peak * 0.4
        a = replace(
            a,
            active_users_at_peak=users,
            requests_per_user_per_minute=per_user,
            peak_requests_per_second=peak,
            average_requests_per_second=average,
        )
    if rng.random() < 0.5:
        depreciation = rng.choice([2.5, 3.0, 4.5, 5.0])
        hardware = tuple(
            replace(
                h,
                depreciation_period=depreciation,
                cloud_price_per_gpu_hour=rng.choice([0.0, rng.uniform(0.5, 6)]),
                cloud_reserved_price_per_gpu_hour=rng.choice([0.0, rng.uniform(0.3, 4)]),
            )
            for h in a.hardware
        )
        a = replace(a, hardware=hardware)
    if rng.random() < 0.5:
        a = replace(
            a,
            api_input_price_per_1m=rng.choice([0.0, rng.uniform(0.05, 3)]),
            api_output_price_per_1m=rng.uniform(0.1, 15),
            plan_years=rng.choice([None, 1, 5, 12]),
            demand_growth_per_year=rng.choice([0.0, 0.5, -0.2]),
            sensitivity_step=rng.choice([0.2, 0.1, 0.35]),
            spare_servers=rng.choice([0, 1]),
        )
    return a


def winner(points: list[BenchmarkPoint], a: Assumptions) -> str | None:
    r = calculator.calculate(points, a).recommended
    return None if r is None else r.config


def flip(points: list[BenchmarkPoint], a: Assumptions, kind: str) -> Assumptions | None:
    """A changed input (SLA limit, peak demand or a server price) that makes a different config win, if any."""
    before = winner(points, a)
    for factor in (0.3, 0.5, 0.7, 1.5, 2.0, 3.0, 5.0, 10.0, 0.1, 20.0):
        if kind == "sla":
            c = a.sla[0]
            b = replace(a, sla=(replace(c, max_ms=c.max_ms * factor), *a.sla[1:]))
        elif kind == "peak":
            b = replace(a, peak_requests_per_second=a.peak_requests_per_second * factor)
        elif len(a.hardware) > 1:
            h = a.hardware[1]
            b = replace(a, hardware=(a.hardware[0], replace(h, initial_server_cost=h.initial_server_cost * factor)))
        else:
            continue
        if winner(points, b) != before:
            return b
    return None


def scenarios(count: int = 24) -> list[tuple[str, list[BenchmarkPoint], Assumptions]]:
    """``count`` generated scenarios plus, for each kind of change, scenarios where that change flips the winner."""
    out = []
    for seed in range(count):
        pts, a = generated(seed)
        out.append((f"seed{seed}", pts, a))
    found = dict.fromkeys(("sla", "peak", "price"), 0)
    seed = 1000
    while min(found.values()) < 2 and seed < 3000:
        pts, a = generated(seed)
        for kind in found:
            if found[kind] < 2 and (b := flip(pts, a, kind)) is not None:
                out.append((f"flip-{kind}-{seed}-before", pts, a))
                out.append((f"flip-{kind}-{seed}-after", pts, b))
                found[kind] += 1
        seed += 1
    return out
