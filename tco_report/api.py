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
from .outputs import HTML, OUTPUTS, PDF, SUMMARY, WORKBOOK, Staging
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
    return report_of(ingest, a)


def report_of(ingest: IngestResult, a: Assumptions) -> Report:
    """Calculate, keeping what the readers noted (skipped files, caveats) as the report's first warnings."""
    report = calculate(ingest.points, a)
    notes = (*(f"skipped {s}" for s in ingest.skipped), *ingest.warnings)
    return replace(report, warnings=(*notes, *report.warnings)) if notes else report


def write_outputs(
    report: Report,
    out_dir: PathLike,
    names: Sequence[str] = OUTPUTS,
    *,
    page_size: str = "A4",
    tool_version: str = __version__,
    staging: type[Staging] = Staging,
) -> list[str]:
    """Write the outputs the command line writes (``names``: any of OUTPUTS) into ``out_dir``: each to a temporary
    file, all renamed into place only when every one succeeded. Returns the names written.

    The view model is built once; the charts are drawn once and go into both the HTML and the PDF."""
    from .progress import stage as step
    from .report import charts, html, pdf, view
    from .summary import write_summary

    unknown = [n for n in names if n not in OUTPUTS]
    if unknown:
        raise ValueError(f"unknown output {unknown[0]!r}; expected some of {', '.join(OUTPUTS)}")
    with staging(out_dir, names) as stage:
        if HTML in names or PDF in names:
            v = view.build(report, page_size=page_size, tool_version=tool_version)
            with step("Drawing charts"):
                svgs = charts.draw_all(v)
            if HTML in names:
                with step("Writing the HTML report"):
                    html.write_html(v, svgs, stage.path(HTML))
            if PDF in names:
                with step("Printing the PDF"):
                    pdf.write_pdf(v, svgs, stage.path(PDF))
        if WORKBOOK in names:
            from .workbook.writer import write_workbook

            with step("Writing the workbook"):
                write_workbook(report, stage.path(WORKBOOK), tool_version=tool_version, page_size=page_size)
        if SUMMARY in names:
            write_summary(report, stage.path(SUMMARY), tool_version)
    return [n for n in OUTPUTS if n in names]


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
    pts = points.points if isinstance(points, Report) else points
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
