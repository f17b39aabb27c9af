"""The command line (README, Usage): a thin shell over the API.

Exit 0 on success, 2 on bad input (one paragraph naming the file, the field and what was expected, no
traceback), 1 on an internal error. Heavy libraries are imported only when a run needs them, so --help is quick.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import signal
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from .model import Report

from . import __version__
from .outputs import OUTPUTS, WORKBOOK

DEFAULT_OUT = "tco_report_out"
# The cyclic garbage collector's thresholds during a run. A run builds hundreds of thousands of objects that form
# no cycles (a large sweep's parsed files, points, cells); at the default (700, 10, 10) the collector ran 1,700
# times and walked the whole heap 10 times, 0.8 s of a 12 s run; at these it runs ~10 times (0.15 s) and the peak
# memory grows by ~6 MB. The previous thresholds are restored when main() returns.
RUN_GC_THRESHOLDS = (100_000, 50, 1000)


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
    thresholds = gc.get_threshold()
    gc.set_threshold(*RUN_GC_THRESHOLDS)
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
        import traceback

        print(
            "tco-report: internal error (please report it with the trace below); nothing was written", file=sys.stderr
        )
        traceback.print_exc()
        return 1
    finally:
        # The run's objects are moved to the oldest generation first (freeze, then unfreeze), where the default
        # thresholds would have put them: restored directly, the defaults find the young generations far over
        # their limits and collect the whole heap (0.13 s after a large sweep) just before the process exits.
        gc.freeze()
        gc.set_threshold(*thresholds)
        gc.unfreeze()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def entry() -> NoReturn:
    """The console script (``tco-report``, ``python -m tco_report``): main(), then leave at once.

    When main() returns, every output has been renamed into place (or none was) and its messages printed: what is
    left is freeing the run's objects one by one (points, report, chart and workbook data: ~0.3 s CPU after a large
    sweep) and the libraries' exit hooks, none of which writes a file (PIL's cache, matplotlib's figures; logging's,
    which flushes handlers, is run here). So it flushes stdout and stderr and ends the process with os._exit, as
    mypy does. Only this entry point leaves so: main() returns, for tests and applications that call it."""
    leave(main())


def leave(code: int) -> NoReturn:
    """End the process with ``code`` without tearing down the interpreter, once stdout and stderr are flushed. A
    flush that fails (a closed pipe), or a thread still running, leaves the normal way, so that the interpreter
    reports it as it would without this."""
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        raise SystemExit(code)
    try:
        logging = sys.modules.get("logging")
        if logging is not None:
            logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:
        raise SystemExit(code) from None
    os._exit(code)


def _run(args: argparse.Namespace) -> int:
    """The run, with every warning a library raises (XlsxWriter, matplotlib, openpyxl) caught and shown as the
    tool's own note instead of reaching the terminal raw."""
    from .clock import report_time

    report_time()  # a malformed SOURCE_DATE_EPOCH is bad input: stop before anything is read
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report, out, written = _run_caught(args)
    if not args.quiet:
        from .terminal import notes, safe, table

        print(table(report))
        seen = set()
        for w in caught:
            text = f"note: a library warned: {w.category.__name__}: {safe(str(w.message))}"
            if text not in seen:
                seen.add(text)
                print(text)
        for line in notes(report):  # the report's warnings, counted by kind and config, the first few in full
            print(line)
        print(f"wrote {', '.join(str(out / name) for name in written)}")
    return 0


def _run_caught(args: argparse.Namespace) -> tuple[Report, Path, list[str]]:
    from . import api
    from .errors import InputError
    from .outputs import Staging, check_out

    out = Path(args.out)
    source = Path(os.path.realpath(args.from_workbook)) if args.from_workbook else None  # never raises (loops)
    names = [n for n in OUTPUTS if not (source and n == WORKBOOK)]  # the edited workbook is never replaced
    check_out(out, names)  # before the work: a bad --out or a folder where an output belongs stops the run now
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
        report = api.report_of(ingest, assumptions)

    if source is not None and any((out / n).resolve() == source for n in names):
        raise InputError(source, None, "is where an output would be written; give another --out folder")
    written = _write_outputs(report, out, names, args.page_size, Staging)
    return report, out, written


def _write_outputs(report: Report, out: Path, names: Sequence[str], page_size: str, staging_cls: type) -> list[str]:
    """Every output, all-or-nothing, through the API (one place that writes them; tests replace this hook)."""
    from . import api

    return api.write_outputs(report, out, names, page_size=page_size, tool_version=__version__, staging=staging_cls)


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
    entry()
