"""The PDF writer: Typst lays out the view model with ``templates/report.typ``.

The template gets the view as JSON (``sys.inputs.data``) and each chart as an SVG document (``sys.inputs`` under the
chart's key): nothing is written beside the PDF, and no string of the data is ever read as Typst markup. The fonts
are matplotlib's DejaVu files, found in its own data folder wherever it is installed; system fonts are not looked at,
so the PDF is the same on every machine, with its fonts embedded. The creation date is the report's (from
SOURCE_DATE_EPOCH when set), so two runs give byte-identical files.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..resources import templates_dir

if TYPE_CHECKING:
    import typst

    from .view import ReportView

TEMPLATE = "report.typ"


def fonts_dir() -> Path:
    """matplotlib's bundled TrueType fonts (DejaVu Sans and Sans Mono among them)."""
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


@functools.cache
def _fonts() -> typst.Fonts:
    import typst

    return typst.Fonts(include_system_fonts=False, include_embedded_fonts=False, font_paths=[str(fonts_dir())])


def compile_pdf(view: ReportView, svgs: Mapping[str, str]) -> tuple[bytes, list[str]]:
    """The PDF's bytes and Typst's warnings (none expected: the tests check)."""
    import typst

    root = templates_dir()
    inputs = {"data": json.dumps(view.document(), ensure_ascii=False, allow_nan=False), **svgs}
    when = datetime.fromisoformat(view.timestamp.replace("Z", "+00:00"))
    compiler = typst.Compiler(root=str(root), font_paths=_fonts(), ignore_system_fonts=True)
    try:
        pdf, warnings = compiler.compile_with_warnings(
            input=str(root / TEMPLATE), format="pdf", sys_inputs=inputs, timestamp=int(when.timestamp())
        )
    except typst.TypstError as e:  # a bug in the template or the view, never the user's input
        raise RuntimeError(f"Typst could not lay out the report: {e.message} {e.diagnostic}".strip()) from None
    assert isinstance(pdf, bytes)
    return pdf, [f"{w.message} {w.diagnostic}".strip() for w in warnings]


def write_pdf(view: ReportView, svgs: Mapping[str, str], path: str | os.PathLike[str]) -> None:
    """Write the PDF report."""
    Path(path).write_bytes(compile_pdf(view, svgs)[0])
