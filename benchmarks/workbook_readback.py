"""Reading a workbook back must be at most as slow as writing it: time both on a large sweep.

Builds the points of a synthetic sweep in memory (the closed-loop model of make_sweep.py; make_sweep's 640
distinct configs are repeated with a suffix to reach the count asked for), sizes them, writes the workbook and then
reads it back as ``--from-workbook`` does (read_workbook, then regenerate: read, recompute and compare).

    python benchmarks/workbook_readback.py --configs 5000 --levels 32 [--profile read.prof]
"""

from __future__ import annotations

import argparse
import cProfile
import random
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import make_sweep  # noqa: E402

from tco_report.assumptions import from_mapping  # noqa: E402
from tco_report.calculator import calculate  # noqa: E402
from tco_report.model import BenchmarkPoint  # noqa: E402


def points(n_configs: int, n_levels: int, seed: int = 1) -> tuple[list[BenchmarkPoint], str]:
    """The sweep's points and its assumptions YAML text."""
    rng = random.Random(seed)
    base = make_sweep.make_configs(min(n_configs, 640), rng)
    configs = [replace(c, name=f"{c.name}-s{k}") for k in range(-(-n_configs // len(base))) for c in base]
    configs = configs[:n_configs]
    out = []
    for c in configs:
        for conc in make_sweep.concurrency_levels(n_levels):
            v = make_sweep.run_point(c, conc, rng)
            lat = {m: {"avg": v[m], "p95": v[m] * 1.2, "p99": v[m] * 1.4} for m in ("ttft", "itl", "e2e")}
            out.append(
                BenchmarkPoint(
                    c.name, v["rps"], v["isl"], v["osl"], lat, concurrency=conc, source=f"{c.name}/c{conc}.json"
                )
            )
    return out, make_sweep.assumptions_yaml(base)


class Clock:
    """Wall and CPU time since the last lap (CPU time is steadier on a shared machine)."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def lap(self) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        out = (wall - self.wall, cpu - self.cpu)
        self.wall, self.cpu = wall, cpu
        return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--configs", type=int, default=5000)
    p.add_argument("--levels", type=int, default=32)
    p.add_argument("--profile", metavar="FILE", help="write a cProfile of the read-back to FILE")
    args = p.parse_args(argv)
    import yaml

    from tco_report.workbook import read_workbook, regenerate, write_workbook

    pts, text = points(args.configs, args.levels)
    a = from_mapping(yaml.safe_load(text), "sweep-assumptions.yaml")
    clock = Clock()
    report = calculate(pts, a)
    t_calc = clock.lap()
    with tempfile.TemporaryDirectory(prefix="tco-readback-") as tmp:
        path = Path(tmp) / "tco_report.xlsx"
        clock.lap()
        write_workbook(report, path, tool_version="bench")
        t_write = clock.lap()
        profiler = cProfile.Profile() if args.profile else None
        if profiler:
            profiler.enable()
        read_workbook(path)
        t_read = clock.lap()
        regenerate(path)
        t_regen = clock.lap()
        if profiler:
            profiler.disable()
            profiler.dump_stats(args.profile)
        size = path.stat().st_size
    print(f"{args.configs:,} configs x {args.levels} levels = {len(pts):,} points; workbook {size / 1e6:.1f} MB")
    print("                    wall s     CPU s")
    for label, (wall, cpu) in (
        ("calculate", t_calc),
        ("write workbook", t_write),
        ("read_workbook", t_read),
        ("regenerate", t_regen),
    ):
        print(f"{label:16} {wall:9.1f} {cpu:9.1f}")
    print("(regenerate = read + recompute + compare: what --from-workbook does)")
    print(f"regenerate/write  {t_regen[0] / t_write[0]:8.2f} {t_regen[1] / t_write[1]:9.2f}  (target: at most 1)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
