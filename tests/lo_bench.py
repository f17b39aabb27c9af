"""Time the workbook at scale: python -m tests.lo_bench [ROWS] writes a synthetic report with ROWS benchmark rows,
recalculates it with LibreOffice and reads it back, printing each step's wall time."""

from __future__ import annotations

import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from tco_report import calculator
from tco_report.model import Assumptions, BenchmarkPoint, ConfigRule, SlaConstraint
from tco_report.workbook import regenerate, write_workbook

from .lo_recalc import recalc


def synthetic(rows: int, configs: int = 50) -> tuple[list[BenchmarkPoint], Assumptions]:
    rng = random.Random(7)
    pts = []
    for i in range(rows):
        k = i % configs
        c = float(i // configs + 1)
        lat = {s: rng.uniform(10, 900) * (1 + c / 50) for s in ("avg", "p50", "p90", "p99")}
        pts.append(
            BenchmarkPoint(
                config=f"cfg-{k:03d}", rps=rng.uniform(0.5, 60) * (1 + c / 80), isl=rng.uniform(100, 2000),
                osl=rng.uniform(100, 1000), latency_ms={"ttft": lat, "itl": {"avg": lat["avg"] / 50},
                "e2e": {"avg": lat["avg"] * 20, "p90": lat["p90"] * 20}}, concurrency=c, output_tps=1.0,
                model="m", source=f"/runs/cfg-{k:03d}/c{int(c)}.json",
            )
        )  # fmt: skip
    a = Assumptions(sla=(SlaConstraint("ttft", "avg", 300.0),), configs=(ConfigRule("*", 2),), source="bench")
    return pts, a


def main(rows: int) -> None:
    soffice = shutil.which("soffice") or sys.exit("needs soffice")
    tmp = Path(tempfile.mkdtemp(prefix="wb-bench-"))
    try:
        pts, a = synthetic(rows)
        t = time.monotonic()
        report = calculator.calculate(pts, a)
        print(f"calculate: {time.monotonic() - t:.2f} s")
        (tmp / "in").mkdir()
        path = tmp / "in" / "big.xlsx"
        t = time.monotonic()
        write_workbook(report, path, tool_version="bench")
        print(f"write_workbook ({rows} rows): {time.monotonic() - t:.2f} s, {path.stat().st_size / 1e6:.1f} MB")
        t = time.monotonic()
        (out,) = recalc(soffice, [path], tmp / "out")
        print(f"LibreOffice load + recalculate + save: {time.monotonic() - t:.1f} s")
        t = time.monotonic()
        _, found = regenerate(out)
        print(f"regenerate (read back, recompute, compare): {time.monotonic() - t:.1f} s, {len(found)} discrepancies")
        for d in found[:5]:
            print("  ", d.describe())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 6400)
