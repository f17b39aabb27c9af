"""Build the embedded example sweep in inputs/sweep from the real GenAI-Perf files of NVIDIA's DLI course.

Config llama3-8b-bf16-tp1 is the measured data, copied byte for byte. The two other configs are derived from it
with the fixed factors below (an FP8 engine on one GPU; BF16 with tensor parallelism 2), so that the example
shows a realistic three-way choice; inputs/README.md says so. Run: python scripts/make_example.py SRC
where SRC is tests/fixtures/real/genai-perf/fernandodorado-sizing-nim-llama3-8b/artifacts (the same files).
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "inputs" / "sweep"
MEASURED = "llama3-8b-bf16-tp1"
# name -> factor per block: latencies scale by the factor, throughputs by theirs.
DERIVED = {
    "llama3-8b-fp8-tp1": {
        "time_to_first_token": 0.65,
        "inter_token_latency": 0.70,
        "request_latency": 0.70,
        "request_throughput": 1.40,
        "output_token_throughput": 1.40,
        "output_token_throughput_per_request": 1 / 0.70,
    },
    "llama3-8b-bf16-tp2": {
        "time_to_first_token": 0.55,
        "inter_token_latency": 0.62,
        "request_latency": 0.62,
        "request_throughput": 1.65,
        "output_token_throughput": 1.65,
        "output_token_throughput_per_request": 1 / 0.62,
    },
}


def main(src: Path) -> None:
    shutil.rmtree(OUT, ignore_errors=True)
    for run in sorted(src.iterdir()):
        target = OUT / MEASURED / "artifacts" / run.name
        target.mkdir(parents=True)
        for f in ("profile_export_genai_perf.json", "profile_export_genai_perf.csv"):
            shutil.copyfile(run / f, target / f)
        data = json.loads((run / "profile_export_genai_perf.json").read_text())
        for name, factors in DERIVED.items():
            derived = json.loads(json.dumps(data))
            for block, factor in factors.items():
                for stat, value in derived[block].items():
                    if stat != "unit":
                        derived[block][stat] = round(value * factor, 6)
            out = OUT / name / "artifacts" / run.name
            out.mkdir(parents=True)
            (out / "profile_export_genai_perf.json").write_text(json.dumps(derived, indent=2) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
