"""A small benchmark sweep for the report tests (no tests here): three configs, one of which never meets the SLA.

The Report comes from the real calculator, so the report is tested on the figures users will see.
"""

from __future__ import annotations

from tco_report.calculator import calculate
from tco_report.model import Assumptions, BenchmarkPoint, Report, SlaConstraint

CONCURRENCY = (1, 2, 4, 8, 16, 32, 64, 128)

# config -> (GPUs per instance, requests/s at concurrency 1, TTFT at concurrency 1 in ms, TTFT growth per doubling)
CONFIGS = {
    "h100-bf16-tp1": (1, 0.9, 45.0, 1.55),
    "h100-fp8-tp2": (2, 2.1, 30.0, 1.45),
    "a100-bf16-tp8": (8, 1.2, 420.0, 1.30),  # never under 250 ms: infeasible
}


def sweep(configs: dict[str, tuple[int, float, float, float]] = CONFIGS) -> list[BenchmarkPoint]:
    """Points whose throughput saturates and whose latency grows with concurrency, like a real sweep."""
    points = []
    for config, (gpus, rps1, ttft1, growth) in configs.items():
        for k, c in enumerate(CONCURRENCY):
            rps = rps1 * c / (1 + c / 24)
            ttft = ttft1 * growth**k
            points.append(
                BenchmarkPoint(
                    config=config,
                    rps=round(rps, 4),
                    isl=1000.0 + k,
                    osl=250.0 - k,
                    latency_ms={
                        "ttft": {"avg": round(ttft, 2), "p99": round(ttft * 1.8, 2)},
                        "itl": {"avg": 12.0 + k},
                        # Little's law: requests in flight = requests/s x mean latency
                        "e2e": {"avg": round(c / rps * 1000, 2)},
                    },
                    concurrency=float(c),
                    output_tps=round(rps * 250, 2),
                    gpus_per_instance=gpus,
                    model="meta-llama/Llama-3.1-8B-Instruct",
                    tool="genai-perf",
                    tool_version="0.0.9",
                    source=f"sweep/{config}/concurrency{c}/profile_export_genai_perf.json",
                )
            )
    return points


def assumptions(**changes: object) -> Assumptions:
    base = Assumptions(
        peak_requests_per_second=100.0,
        sla=(SlaConstraint("ttft", "avg", 250.0),),
        source="tests/assumptions.yaml",
        provenance={"peak_requests_per_second": "file", "sla": "file", "latency_limit_ms": "file"},
    )
    return Assumptions(**{**base.__dict__, **changes})


def sample_report(**changes: object) -> Report:
    return calculate(sweep(), assumptions(**changes))
