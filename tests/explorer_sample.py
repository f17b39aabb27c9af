"""Large sweeps for the explorer tests (no tests here): benchmarks/make_sweep.py's serving model, in memory.

200 configs x 32 concurrency levels without writing 6,400 files: the same configs and values the benchmark's files
hold, as BenchmarkPoints, costed by the real calculator.
"""

from __future__ import annotations

import random

from benchmarks.make_sweep import GPUS, concurrency_levels, make_configs, run_point
from tco_report.calculator import calculate
from tco_report.model import Assumptions, BenchmarkPoint, ConfigRule, HardwareProfile, Report, SlaConstraint


def large_points(n_configs: int = 200, n_levels: int = 32, seed: int = 1) -> list[BenchmarkPoint]:
    rng = random.Random(seed)
    configs = make_configs(n_configs, rng)
    points = []
    for c in configs:
        for conc in concurrency_levels(n_levels):
            v = run_point(c, conc, rng)
            points.append(
                BenchmarkPoint(
                    config=c.name,
                    rps=v["rps"],
                    isl=v["isl"],
                    osl=v["osl"],
                    latency_ms={"ttft": {"avg": v["ttft"]}, "itl": {"avg": v["itl"]}, "e2e": {"avg": v["e2e"]}},
                    concurrency=float(conc),
                    output_tps=v["rps"] * v["osl"],
                    gpus_per_instance=c.tp,
                    model="meta/llama3-70b-instruct",
                    tool="genai-perf",
                    tool_version="0.0.9",
                    source=f"sweep/{c.name}/concurrency{conc}/profile_export_genai_perf.json",
                )
            )
    return points


def large_assumptions() -> Assumptions:
    """make_sweep's assumptions: a hardware profile per GPU type, a rule per GPU type (GPUs per instance from TP)."""
    return Assumptions(
        peak_requests_per_second=100.0,
        sla=(SlaConstraint("ttft", "avg", 1000.0),),
        hardware=tuple(
            HardwareProfile(name=g, initial_server_cost=float(price), yearly_hosting_cost=float(hosting))
            for g, (_speed, price, hosting) in GPUS.items()
        ),
        configs=tuple(ConfigRule(match=f"*-{g}-*", hardware=g) for g in GPUS),
    )


def large_report(n_configs: int = 200, n_levels: int = 32, rename: dict[str, str] | None = None) -> Report:
    """The sweep costed; ``rename`` gives some configs other names (hostile ones, say)."""
    points = large_points(n_configs, n_levels)
    if rename:
        points = [p if p.config not in rename else _renamed(p, rename[p.config]) for p in points]
    return calculate(points, large_assumptions())


def _renamed(p: BenchmarkPoint, name: str) -> BenchmarkPoint:
    from dataclasses import replace

    return replace(p, config=name)
