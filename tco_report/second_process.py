"""A second process for the report's slow steps, so that a run uses two cores instead of one.

A run's time goes mostly to two libraries: matplotlib drawing the charts and WeasyPrint printing the PDF (about a
second to import, then seconds of pure-Python layout). The command line starts this process as its first step.
While the main process reads the benchmark files and computes, it imports matplotlib and WeasyPrint and warms
WeasyPrint's fonts; then it draws part of the charts while the main process draws the rest; then it prints the
PDF while the main process writes the workbook and summary.json.

It runs the same functions as the main process would (the chart functions, ``render.html_to_pdf`` with its URL
fetcher that refuses every request), so every output is byte-identical either way; the tests compare. Errors come
back as the exceptions they are (a refused URL is still a ValueError). A run that fails early stops the process.
One process, started with ``spawn``: the same on Linux, macOS and Windows, and nothing of the parent's state
(threads, open files) is inherited.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from multiprocessing.pool import AsyncResult
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Report

ChartFunction = Callable[["Report"], str]

# A page with what the report uses: DejaVu in regular, bold, italic and monospace, a table, an SVG with text.
_WARM_UP = (
    "<html><head><style>body{font-family:'DejaVu Sans'}code{font-family:'DejaVu Sans Mono'}</style></head><body>"
    "<h1>Warm-up</h1><p>text <b>bold</b> <i>italic</i> <code>code</code> 1,234.56 \u00d7 \u2264</p>"
    "<table><tr><th>a</th><td>1</td></tr></table>"
    '<svg width="40" height="20"><path d="M0 0L10 10"/><text x="1" y="15">svg text</text></svg>'
    "</body></html>"
)


def _prepare() -> None:
    """Runs once when the process starts: the imports and WeasyPrint's font set-up, off the critical path."""
    import weasyprint

    from . import charts, render  # noqa: F401  -- matplotlib, jinja2, the chart functions

    weasyprint.HTML(string=_WARM_UP).write_pdf()


def _draw(functions: Sequence[ChartFunction], report: Report) -> list[str]:
    return [f(report) for f in functions]


def _print(html_path: str, pdf_path: str) -> None:
    from .render import html_to_pdf

    Path(pdf_path).write_bytes(html_to_pdf(Path(html_path).read_text(encoding="utf-8")))


class SecondProcess:
    """The second process: started on construction, stopped by ``close`` (or leaving the ``with`` block)."""

    def __init__(self) -> None:
        self._pool = multiprocessing.get_context("spawn").Pool(1, initializer=_prepare)
        self._pdf: AsyncResult[None] | None = None

    def draw(self, functions: Sequence[ChartFunction], report: Report) -> Callable[[], list[str]]:
        """Start drawing these charts there; the returned function waits for their SVGs."""
        pending = self._pool.apply_async(_draw, (list(functions), report))
        return pending.get

    def print_pdf(self, html_path: str | os.PathLike[str], pdf_path: str | os.PathLike[str]) -> None:
        """Start printing the HTML file to a PDF file there; returns at once (``wait_pdf`` waits)."""
        self._pdf = self._pool.apply_async(_print, (str(html_path), str(pdf_path)))

    def wait_pdf(self) -> None:
        """Block until the PDF is written; its error, if any, is raised here."""
        if self._pdf is None:
            raise RuntimeError("wait_pdf() before print_pdf()")
        pending, self._pdf = self._pdf, None
        pending.get()

    def close(self) -> None:
        """Stop the process now: whatever it was doing is no longer needed."""
        self._pool.terminate()
        self._pool.join()

    def __enter__(self) -> SecondProcess:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def split_draw(
    functions: Sequence[ChartFunction], report: Report, second: SecondProcess | None, *, there: Sequence[bool]
) -> list[str]:
    """Each chart's SVG, in order. With a second process, the charts flagged in ``there`` are drawn there while
    this process draws the others."""
    if second is None:
        return [f(report) for f in functions]
    away = [f for f, t in zip(functions, there, strict=True) if t]
    elsewhere = second.draw(away, report) if away else list
    here = {i: f(report) for i, (f, t) in enumerate(zip(functions, there, strict=True)) if not t}
    drawn = iter(elsewhere())
    return [here[i] if i in here else next(drawn) for i in range(len(functions))]
