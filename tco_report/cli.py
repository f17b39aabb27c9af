"""The command line (README, Usage): a thin shell over the API.

Exit 0 on success, 2 on bad input (one paragraph naming the file, the field and what was expected, no
traceback), 1 on an internal error. Heavy libraries are imported only when a run needs them, so --help is quick.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import traceback
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Report
    from .second_process import SecondProcess

from . import __version__

DEFAULT_OUT = "tco_report_out"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="tco-report",
        description=(
            "Size an LLM serving deployment and compute its TCO from benchmark results: servers needed for the "
            "planned peak, yearly cost, cost per 1K requests and per 1M tokens. With no PATH, runs the embedded "
            "example."
        ),
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="benchmark result file, or folder searched recursively")
    p.add_argument(
        "--assumptions",
        "-a",
        metavar="FILE",
        action="append",
        help="cost assumptions (YAML); default: the post's values. Give it again to compare scenarios: the first "
        "file is the base, each further file a scenario named after the file",
    )
    p.add_argument("--out", "-o", metavar="DIR", default=DEFAULT_OUT, help=f"output folder (default: {DEFAULT_OUT})")
    p.add_argument(
        "--from-workbook",
        metavar="FILE.xlsx",
        help="recompute from a workbook this tool wrote (and someone edited); the workbook is never written",
    )
    p.add_argument(
        "--workload",
        metavar="NAME",
        help="when the results hold several workloads (ISL/OSL, dataset), the one to size; the run lists them",
    )
    p.add_argument("--page-size", choices=("A4", "Letter"), default="A4", help="PDF page size (default: A4)")
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")
    p.add_argument("--version", action="version", version=f"tco-report {__version__}")
    return p


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the run is, so that it unwinds as on Ctrl-C: temporary files removed, children
    stopped, one line on stderr."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from . import progress
    from .errors import InputError

    progress.configure(quiet=args.quiet)  # progress lines only on an interactive stderr, never with --quiet

    previous = None
    with contextlib.suppress(ValueError):  # not the main thread (an embedding application): it handles its own
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return _run(args)
    except InputError as e:
        from .terminal import safe

        print(f"tco-report: error: {safe(e.message)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as e:
        why = "terminated" if isinstance(e, Terminated) else "interrupted"
        print(f"tco-report: {why}; nothing was written", file=sys.stderr)
        return 130
    except Exception:  # an internal error: say so, show where, nothing was written
        print(
            "tco-report: internal error (please report it with the trace below); nothing was written", file=sys.stderr
        )
        traceback.print_exc()
        return 1
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _run(args: argparse.Namespace) -> int:
    from .clock import report_time
    from .second_process import SecondProcess

    report_time()  # a malformed SOURCE_DATE_EPOCH is bad input: stop before anything starts or is read

    # Started first, so that its imports overlap the reading; it draws charts and prints the PDF (second_process).
    # Where no second Python can be started (an embedded interpreter), everything is done here, in turn.
    try:
        second = SecondProcess()
    except OSError:
        return _run_with(args, None)
    with second:
        return _run_with(args, second)


def _run_with(args: argparse.Namespace, second: SecondProcess | None) -> int:
    """The run, with every warning a library raises (XlsxWriter, matplotlib, openpyxl) caught and shown as the
    tool's own note instead of reaching the terminal raw."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result, notes, written = _run_caught(args, second)
    if not args.quiet:
        from .terminal import safe, table

        report, out = result
        print(table(report))
        seen = set()
        for w in caught:
            text = f"a library warned: {w.category.__name__}: {w.message}"
            if text not in seen:
                seen.add(text)
                notes.append(text)
        for n in notes + list(report.warnings):
            print(f"note: {safe(n)}")
        print(f"wrote {', '.join(str(out / name) for name in written)}")
    return 0


def _run_caught(
    args: argparse.Namespace, second: SecondProcess | None
) -> tuple[tuple[Report, Path], list[str], list[str]]:
    from . import api
    from .errors import InputError
    from .outputs import Staging, check_out

    out = Path(args.out)
    source = Path(os.path.realpath(args.from_workbook)) if args.from_workbook else None  # never raises (loops)
    names = [n for n in OUTPUTS if not (source and n == WORKBOOK)]  # the edited workbook is never replaced
    check_out(out, names)  # before the work: a bad --out or a folder where an output belongs stops the run now
    notes: list[str] = []
    if args.from_workbook:
        if args.paths or args.assumptions or args.workload:
            raise InputError(
                None, "--from-workbook", "takes no PATH, --assumptions or --workload: the workbook holds them"
            )
        report = _from_workbook(Path(args.from_workbook))
    else:
        if args.paths:
            ingest, assumptions = api.load(args.paths, args.assumptions, args.workload)
        else:
            sweep, example = api.example_paths()
            ingest, assumptions = api.load([sweep], args.assumptions or example, args.workload)
        from .calculator import calculate

        report = calculate(ingest.points, assumptions)
        notes += [f"skipped {s}" for s in ingest.skipped]
        notes += list(ingest.warnings)

    if source is not None and any((out / n).resolve() == source for n in names):
        raise InputError(source, None, "is where an output would be written; give another --out folder")
    written = _write_outputs(report, out, names, args.page_size, Staging, second=second)
    return (report, out), notes, written


WORKBOOK = "tco_report.xlsx"
OUTPUTS = (WORKBOOK, "tco_report.html", "tco_report.pdf", "summary.json")


def _write_outputs(
    report: Report,
    out: Path,
    names: Sequence[str],
    page_size: str,
    staging_cls: type,
    *,
    second: SecondProcess | None = None,
) -> list[str]:
    """Every output to a temporary file in ``out``; all renamed into place only when all succeeded.

    The HTML comes first because the PDF is printed from it: with a ``second`` process, that process draws part of
    the charts and then prints the PDF while this one writes the workbook and summary.json; without one, all is
    done here, in turn."""
    from .progress import stage as step
    from .render import write_html, write_pdf
    from .summary import write_summary

    with staging_cls(out, names) as stage:
        with step("Drawing charts and the HTML report"):
            html_path = stage.path("tco_report.html")
            html = write_html(report, html_path, page_size=page_size, tool_version=__version__, second=second)
        pdf_path = stage.path("tco_report.pdf")
        if second is not None:
            second.print_pdf(html_path, pdf_path)
        if WORKBOOK in names:
            from .workbook.writer import write_workbook

            with step("Writing the workbook"):
                write_workbook(report, stage.path(WORKBOOK), tool_version=__version__, page_size=page_size)
        write_summary(report, stage.path("summary.json"), __version__)
        with step("Printing the PDF"):
            if second is not None:
                second.wait_pdf()
            else:
                write_pdf(report, pdf_path, page_size=page_size, tool_version=__version__, html=html)
    return list(names)


def _from_workbook(path: Path) -> Report:
    """Recompute from an edited workbook. The cells where its own computed values disagree become warnings of the
    report, so they reach summary.json and the report as well as the terminal."""
    from dataclasses import replace

    from .workbook import regenerate

    report, discrepancies = regenerate(path)
    # The rows and inputs the workbook ignores are already in report.warnings (the Python run ignored them too, so
    # they explain no difference). What still differs comes from the workbook's formulas or its cached values.
    notes = [
        f"the workbook's computed value disagrees with the Python calculation: {d.describe()}; no input explains "
        "it, so a formula on that sheet was changed, or the file was saved by a program that did not recalculate "
        "it (open it in Excel or LibreOffice and save it again)"
        for d in discrepancies
    ]
    return replace(report, warnings=(*report.warnings, *notes))


if __name__ == "__main__":
    raise SystemExit(main())
