"""The Python API for notebooks and scripts; the command line is a thin layer over it.

from tco_report import api
report = api.run(["sweep/"], "assumptions.yaml")
api.results_frame(report)        # one row per config, vocabulary names as columns
report.recommended.servers
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .analysis import choose_workload
from .assumptions import load as load_assumptions
from .calculator import calculate
from .ingest import IngestResult, read_paths
from .model import Assumptions, BenchmarkPoint, Report
from .resources import inputs_dir
from .summary import config_dict, summary_dict

if TYPE_CHECKING:
    import pandas as pd

PathLike = str | os.PathLike[str]


def example_paths() -> tuple[Path, Path]:
    """The embedded example: its benchmark sweep folder and its assumptions file."""
    root = inputs_dir()
    return root / "sweep", root / "assumptions.yaml"


def load(
    paths: Sequence[PathLike],
    assumptions: PathLike | Sequence[PathLike] | None = None,
    workload: str | None = None,
) -> tuple[IngestResult, Assumptions]:
    """Read benchmark results and cost assumptions (the post's example values when no file is given). Several
    assumption files: the first is the base, each further one a scenario named after its file. When the results
    hold several workloads, ``workload`` names the one to size (only its points are kept); without it such results
    stop with an InputError listing them."""
    ingest = read_paths(paths)
    a = load_all(assumptions)
    ingest.points, _ = choose_workload(ingest.points, workload)
    return ingest, a


def load_all(assumptions: PathLike | Sequence[PathLike] | None) -> Assumptions:
    if assumptions is None:
        return Assumptions()
    files = [assumptions] if isinstance(assumptions, str | os.PathLike) else list(assumptions)
    if not files:
        return Assumptions()
    base = load_assumptions(files[0])
    extra = tuple((Path(f).stem, load_assumptions(f)) for f in files[1:])
    return replace(base, scenarios=base.scenarios + extra) if extra else base


def run(
    paths: Sequence[PathLike] | None = None, assumptions: PathLike | None = None, workload: str | None = None
) -> Report:
    """Load and calculate. With no paths, the embedded example (and its assumptions unless others are given).
    ``workload``: the one to size when the results hold several (see :func:`load`)."""
    if not paths:
        sweep, example_assumptions = example_paths()
        paths = [sweep]
        assumptions = assumptions if assumptions is not None else example_assumptions
    ingest, a = load(paths, assumptions, workload)
    return calculate(ingest.points, a)


def summary(report: Report) -> dict[str, Any]:
    """The content of summary.json."""
    return summary_dict(report, __version__)


def results_frame(report: Report) -> pd.DataFrame:
    """One row per config: feasibility, the chosen point and every sizing and cost figure."""
    import pandas as pd

    rows = [config_dict(r) | {"recommended": r is report.recommended} for r in report.results]
    return pd.DataFrame(rows).set_index("config")


def points_frame(points: Sequence[BenchmarkPoint] | Report) -> pd.DataFrame:
    """One row per benchmark point, latency statistics as ``<metric>_<statistic>_ms`` columns."""
    import pandas as pd

    report = points if isinstance(points, Report) else None
    pts = report.points if report else points
    rows = []
    for i, p in enumerate(pts):
        row: dict[str, Any] = {
            "config": p.config,
            "concurrency": p.concurrency,
            "request_rate": p.request_rate,
            "rps": p.rps,
            "output_tps": p.output_tps,
            "isl": p.isl,
            "osl": p.osl,
            "tool": p.tool,
            "tool_version": p.tool_version,
            "workload": p.workload,
            "repeats": p.repeats,
            "failed": p.failed,
            "source": p.source,
        }
        for metric, stats in p.latency_ms.items():
            for stat, value in stats.items():
                row[f"{metric}_{stat}_ms"] = value
        if report is not None:
            row["meets_sla"] = report.feasible[i]
            row["on_frontier"] = any(p is q for q in report.frontier)
        rows.append(row)
    return pd.DataFrame(rows)
