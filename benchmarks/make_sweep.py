"""Generate a synthetic GenAI-Perf sweep for the benchmark, in the real on-disk layout (docs/formats.md, GenAI-Perf).

    <root>/<config>/artifacts/<model>-openai-chat-concurrency<N>/profile_export_genai_perf.json (+ .csv twin)

and ``<root>/assumptions.yaml`` (readers look only at .json/.jsonl/.csv) with one hardware profile per GPU type and
one config rule per (GPU type, tensor parallelism), so every config has a known GPUs per instance. Config names read
``<engine>-<gpu>-<precision>-tp<N>-mb<M>`` (e.g. ``trtllm-h100-fp8-tp2-mb256``).

The values follow a closed-loop serving model, so they look like real sweeps: ITL grows with the batch (concurrency),
TTFT grows slowly until the batch is full and then with queueing, E2E = TTFT + OSL x ITL, and RPS = concurrency /
E2E (Little's law) rises and flattens. Faster GPUs, FP8 and more tensor parallelism give lower latency and higher
throughput per instance (but not per GPU). The same seed gives byte-identical files.

    python benchmarks/make_sweep.py /tmp/sweep --configs 200 --levels 32 --seed 1
"""

from __future__ import annotations

import argparse
import copy
import itertools
import json
import random
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MODEL = "meta/llama3-70b-instruct"
MODEL_DIR = MODEL.replace("/", "_")
ISL, OSL = 512, 256  # requested lengths; the measured ones vary a little around them

ENGINES = {"trtllm": 1.10, "vllm": 1.00, "sglang": 1.03, "nim": 1.08}
# GPU type -> (relative speed, server price USD, yearly hosting USD): a rough ladder, not vendor figures.
GPUS = {
    "a100": (1.0, 150_000, 3_000),
    "l40s": (0.7, 90_000, 2_500),
    "h100": (2.0, 320_000, 3_000),
    "h200": (2.5, 380_000, 3_000),
    "b200": (4.0, 500_000, 4_000),
}
PRECISIONS = {"bf16": 1.0, "fp8": 1.6}
TPS = (1, 2, 4, 8)
MAX_BATCH = (64, 128, 256, 512)

# The statistics GenAI-Perf's 2024 builds write (legacy key order: avg, p99 ... p25, max, min, std), as ratios
# of the average: right-skewed, monotone in the percentile.
_SPREAD = {"p99": 1.45, "p95": 1.3, "p90": 1.18, "p75": 1.06, "p50": 0.98, "p25": 0.9, "max": 1.6, "min": 0.55}


@dataclass(frozen=True)
class Config:
    """One deployment config and the parameters of its serving model."""

    name: str
    gpu: str
    tp: int
    itl0_ms: float  # inter-token latency of a lone request
    itl_growth: float  # concurrency at which ITL has doubled
    prefill_ms: float  # TTFT of a lone request
    saturation: float  # concurrency beyond which requests queue (TTFT grows fast)


def concurrency_levels(n: int, top: int = 512) -> list[int]:
    """n distinct integers from 1 to about ``top``, spaced geometrically as sweeps usually are."""
    levels: list[int] = []
    for i in range(n):
        v = round(top ** (i / max(1, n - 1)))
        levels.append(max(v, levels[-1] + 1) if levels else 1)
    return levels


def make_configs(n: int, rng: random.Random) -> list[Config]:
    """n distinct configs drawn from engine x GPU x precision x TP x max batch, in a seeded order."""
    combos = list(itertools.product(ENGINES, GPUS, PRECISIONS, TPS, MAX_BATCH))
    if n > len(combos):
        raise SystemExit(f"at most {len(combos)} distinct configs, asked for {n}")
    rng.shuffle(combos)
    configs = []
    for engine, gpu, prec, tp, mb in combos[:n]:
        speed = ENGINES[engine] * GPUS[gpu][0] * PRECISIONS[prec] * tp**0.75 * rng.uniform(0.92, 1.08)
        configs.append(
            Config(
                name=f"{engine}-{gpu}-{prec}-tp{tp}-mb{mb}",
                gpu=gpu,
                tp=tp,
                itl0_ms=55.0 / speed,
                itl_growth=40.0 * min(mb, 256) / 128 * rng.uniform(0.8, 1.2),
                prefill_ms=900.0 / speed,
                saturation=mb * rng.uniform(0.8, 1.1),
            )
        )
    return sorted(configs, key=lambda c: c.name)


def _stats(avg: float, rng: random.Random, unit: str = "ms") -> dict[str, Any]:
    jitter = rng.uniform(0.97, 1.03)
    block: dict[str, Any] = {"unit": unit, "avg": avg}
    for k, r in _SPREAD.items():
        block[k] = avg * (1 + (r - 1) * jitter)
    block["std"] = avg * 0.15 * jitter
    return block


def run_point(c: Config, conc: int, rng: random.Random, off_littles_law: bool = False) -> dict[str, float]:
    """Measured means of one run: the closed-loop model plus a few percent of noise. ``off_littles_law``: the
    request latency recorded 1.5 times what the load implies, as a run with mixed-up units would (every point then
    draws a data warning)."""
    noise = lambda: rng.uniform(0.97, 1.03)  # noqa: E731
    batch = min(conc, c.saturation)  # requests in flight on the GPUs; the rest wait in the queue
    itl = c.itl0_ms * (1 + batch / c.itl_growth) * noise()
    osl = OSL * rng.uniform(0.96, 1.0)
    isl = ISL * rng.uniform(0.995, 1.005)
    served_e2e = c.prefill_ms * (1 + 0.02 * batch) * noise() + osl * itl
    rps = batch / (served_e2e / 1000.0)  # Little's law; flat once the batch is full
    e2e = conc / rps * 1000.0
    ttft = e2e - osl * itl
    if off_littles_law:
        e2e *= 1.5  # queueing shows up in the time to the first token
    return {"ttft": ttft, "itl": itl, "e2e": e2e, "rps": rps, "osl": osl, "isl": isl}


def genai_perf_json(template: dict[str, Any], c: Config, conc: int, v: dict[str, float], rng: random.Random) -> str:
    """The aggregate JSON GenAI-Perf writes, on the template of a real file (legacy flat input_config)."""
    d = copy.deepcopy(template)
    run_dir = f"artifacts/{MODEL_DIR}-openai-chat-concurrency{conc}"
    d["request_throughput"] = {"unit": "requests/sec", "avg": v["rps"]}
    d["request_latency"] = _stats(v["e2e"], rng)
    d["time_to_first_token"] = _stats(v["ttft"], rng)
    d["inter_token_latency"] = _stats(v["itl"], rng)
    d["output_token_throughput"] = {"unit": "tokens/sec", "avg": v["rps"] * v["osl"]}
    d["output_token_throughput_per_request"] = _stats(1000.0 / v["itl"], rng, "tokens/sec")
    d["output_sequence_length"] = _stats(v["osl"], rng, "tokens")
    d["input_sequence_length"] = _stats(v["isl"], rng, "tokens")
    cfg = d["input_config"]
    cfg.update(
        model=[MODEL],
        formatted_model_name=MODEL,
        concurrency=conc,
        request_rate=None,
        synthetic_input_tokens_mean=ISL,
        output_tokens_mean=OSL,
        artifact_dir=run_dir,
        profile_export_file=f"{run_dir}/profile_export.json",
        num_prompts=max(100, 4 * conc),
        extra_inputs={"max_tokens": OSL, "min_tokens": OSL, "ignore_eos": True},
    )
    return json.dumps(d, indent=2)


def _cell(x: float) -> str:
    s = f"{x:,.2f}"
    return f'"{s}"' if "," in s else s


def genai_perf_csv(d: dict[str, Any]) -> str:
    """The CSV twin, as GenAI-Perf's csv_exporter writes it (CRLF, 2024 labels)."""
    rows = ["Metric,avg,min,max,p99,p95,p90,p75,p50,p25"]
    for key, label in (
        ("time_to_first_token", "Time To First Token (ms)"),
        ("inter_token_latency", "Inter Token Latency (ms)"),
        ("request_latency", "Request Latency (ms)"),
        ("output_sequence_length", "Output Sequence Length"),
        ("input_sequence_length", "Input Sequence Length"),
    ):
        b = d[key]
        rows.append(
            ",".join([label] + [_cell(b[s]) for s in ("avg", "min", "max", "p99", "p95", "p90", "p75", "p50", "p25")])
        )
    rows += [
        "",
        "Metric,Value",
        f"Output Token Throughput (per sec),{d['output_token_throughput']['avg']:.2f}",
        f"Request Throughput (per sec),{d['request_throughput']['avg']:.2f}",
    ]
    return "\r\n".join(rows) + "\r\n"


def raw_artifacts(conc: int, v: dict[str, float], rng: random.Random, requests: int) -> tuple[str, str]:
    """``profile_export.json`` (perf_analyzer's per-request timestamps and streamed chunks) and ``inputs.json``
    (the request payloads), as a real run folder holds them beside the aggregate: the readers must not pay for them.
    """
    prompt = " ".join(["lorem"] * (ISL // 2))
    payloads = [
        {"payload": [{"messages": [{"role": "user", "content": prompt}], "model": MODEL, "stream": True}]}
        for _ in range(requests)
    ]
    t = 1_700_000_000_000_000_000
    reqs = []
    for _ in range(requests):
        start = t + int(rng.uniform(0, 1e9))
        first = start + int(v["ttft"] * 1e6)
        stamps = [first + int(i * v["itl"] * 1e6) for i in range(OSL)]
        chunk = 'data: {"id":"cmpl-1","object":"chat.completion.chunk","choices":[{"delta":{"content":" tok"}}]}\n\n'
        reqs.append(
            {
                "timestamp": start,
                "request_inputs": {"payload": json.dumps(payloads[0]["payload"][0])},
                "response_timestamps": stamps,
                "response_outputs": [{"response": chunk} for _ in stamps],
            }
        )
    export = {
        "experiments": [
            {"experiment": {"mode": "concurrency", "value": conc}, "requests": reqs, "window_boundaries": []}
        ],
        "version": "2.41.0",
        "service_kind": "openai",
        "endpoint": "v1/chat/completions",
    }
    return json.dumps(export, indent=2), json.dumps({"data": payloads}, indent=2)


def assumptions_yaml(configs: list[Config]) -> str:
    """Cost assumptions for the sweep: a hardware profile per GPU type, a rule per (GPU type, TP)."""
    lines = [
        "# Generated by benchmarks/make_sweep.py: one hardware profile per GPU type, one rule per GPU type and TP.",
        "demand: {peak_requests_per_second: 100, uptime: 1.0}",
        "sla:",
        "  - {metric: ttft, statistic: avg, max_ms: 1000}",
        "  - {metric: itl, statistic: p95, max_ms: 60}",
        "hardware:",
    ]
    for gpu, (_speed, price, hosting) in GPUS.items():
        lines.append(
            f"  - {{name: {gpu}, initial_server_cost: {price}, gpus_per_server: 8, depreciation_period: 4, "
            f"yearly_hosting_cost: {hosting}, yearly_software_cost: 4500, software_licence_per: server}}"
        )
    lines += ["reference_prices: {input_per_1m_tokens: 1.0, output_per_1m_tokens: 3.0}", "configs:"]
    used = sorted({(c.gpu, c.tp) for c in configs})
    for gpu, tp in used:
        lines.append(f'  - {{match: "*-{gpu}-*-tp{tp}-*", gpus_per_instance: {tp}, hardware: {gpu}}}')
    lines += ["sizing: {rounding: whole}", ""]
    return "\n".join(lines)


def make_sweep(
    root: Path,
    n_configs: int,
    n_levels: int,
    seed: int = 1,
    csv: bool = True,
    raw_requests: int = 0,
    off_littles_law: bool = False,
) -> Path:
    """Write the sweep under ``root`` (replacing it) and return the assumptions file's path.

    ``raw_requests`` > 0 also writes each run's ``profile_export.json`` with that many requests and its
    ``inputs.json`` (about 35 KB per request), as GenAI-Perf leaves them."""
    template_path = (
        Path(__file__).resolve().parent.parent
        / "inputs/sweep/llama3-8b-bf16-tp1/artifacts/meta_llama3-8b-instruct-openai-chat-concurrency10"
        / "profile_export_genai_perf.json"
    )
    template = json.loads(template_path.read_text())
    rng = random.Random(seed)
    configs = make_configs(n_configs, rng)
    levels = concurrency_levels(n_levels)
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    for c in configs:
        for conc in levels:
            v = run_point(c, conc, rng, off_littles_law)
            run = root / c.name / "artifacts" / f"{MODEL_DIR}-openai-chat-concurrency{conc}"
            run.mkdir(parents=True)
            text = genai_perf_json(template, c, conc, v, rng)
            (run / "profile_export_genai_perf.json").write_text(text)
            if csv:
                (run / "profile_export_genai_perf.csv").write_bytes(genai_perf_csv(json.loads(text)).encode())
            if raw_requests:
                export, inputs = raw_artifacts(conc, v, rng, raw_requests)
                (run / "profile_export.json").write_text(export)
                (run / "inputs.json").write_text(inputs)
    assumptions = root / "assumptions.yaml"
    assumptions.write_text(assumptions_yaml(configs))
    return assumptions


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("root", type=Path, help="folder to create (replaced if it exists); keep it out of git, e.g. /tmp")
    p.add_argument("--configs", type=int, default=200)
    p.add_argument("--levels", type=int, default=32, help="concurrency levels per config")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--no-csv", action="store_true", help="write only the JSON, not its CSV twin")
    p.add_argument(
        "--raw-requests",
        type=int,
        default=0,
        metavar="N",
        help="also write profile_export.json (N requests' timestamps) and inputs.json per run, as GenAI-Perf does",
    )
    p.add_argument("--off-littles-law", action="store_true", help="every run's latency 1.5x what Little's law implies")
    args = p.parse_args(argv)
    a = make_sweep(
        args.root,
        args.configs,
        args.levels,
        args.seed,
        csv=not args.no_csv,
        raw_requests=args.raw_requests,
        off_littles_law=args.off_littles_law,
    )
    print(f"wrote {args.configs * args.levels} runs under {args.root}; assumptions: {a}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
