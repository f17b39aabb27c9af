"""The command line (DESIGN.md section 3): a thin shell over the API.

Exit 0 on success, 2 on bad input (one paragraph naming the file, the field and what was expected, no
traceback), 1 on an internal error. Heavy libraries are imported only when a run needs them, so --help is quick.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

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
    p.add_argument("--page-size", choices=("A4", "Letter"), default="A4", help="PDF page size (default: A4)")
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")
    p.add_argument("--version", action="version", version=f"tco-report {__version__}")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from .errors import InputError

    try:
        return _run(args)
    except InputError as e:
        from .terminal import safe

        print(f"tco-report: error: {safe(e.message)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("tco-report: interrupted; nothing was written", file=sys.stderr)
        return 130
    except Exception:  # an internal error: say so, show where, nothing was written
        print(
            "tco-report: internal error (please report it with the trace below); nothing was written", file=sys.stderr
        )
        traceback.print_exc()
        return 1


def _run(args: argparse.Namespace) -> int:
    from . import api
    from .errors import InputError
    from .outputs import Staging
    from .terminal import safe, table

    notes: list[str] = []
    if args.from_workbook:
        if args.paths or args.assumptions:
            raise InputError(None, "--from-workbook", "takes no PATH or --assumptions: the workbook holds both")
        report, notes = _from_workbook(Path(args.from_workbook))
    else:
        if args.paths:
            ingest, assumptions = api.load(args.paths, args.assumptions)
        else:
            sweep, example = api.example_paths()
            ingest, assumptions = api.load([sweep], args.assumptions or example)
        from .calculator import calculate

        report = calculate(ingest.points, assumptions)
        notes += [f"skipped {s}" for s in ingest.skipped]

    out = Path(args.out)
    if args.from_workbook and out.resolve() == Path(args.from_workbook).resolve().parent:
        pass  # writing beside the workbook is fine: its own name is never an output name
    written = _write_outputs(report, out, args.page_size, Staging)
    if not args.quiet:
        print(table(report))
        for n in notes + list(report.warnings):
            print(f"note: {safe(n)}")
        print(f"wrote {', '.join(str(out / name) for name in written)}")
    return 0


def _write_outputs(report, out: Path, page_size: str, staging_cls) -> list[str]:  # noqa: ANN001
    from .summary import write_summary

    names = []
    with staging_cls(out) as stage:
        write_summary(report, stage.path("summary.json"), __version__)
        names.append("summary.json")
    return names


def _from_workbook(path: Path):  # noqa: ANN202
    from .errors import InputError

    raise InputError(path, None, "--from-workbook is not available in this build yet")


if __name__ == "__main__":
    raise SystemExit(main())
