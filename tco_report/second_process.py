"""A second process for the report's slow steps, so that a run uses two cores instead of one.

A run's time goes mostly to two libraries: matplotlib drawing the charts and WeasyPrint printing the PDF (about a
second to import, then seconds of pure-Python layout). The command line starts this process as its first step.
While the main process reads the benchmark files and computes, it imports matplotlib and WeasyPrint and warms
WeasyPrint's fonts; then it draws part of the charts while the main process draws the rest; then it prints the
PDF while the main process writes the workbook and summary.json.

It runs the same functions as the main process would (the chart functions, ``render.html_to_pdf`` with its URL
fetcher that refuses every request), so every output is byte-identical either way; the tests compare. Errors come
back as the exceptions they are (a refused URL is still a ValueError). A run that fails early stops the process.

The process is ``python -m tco_report.second_process``, talking pickles over its stdin and stdout, rather than a
``multiprocessing`` pool: a spawned pool re-imports the caller's main script, which breaks any script or notebook
helper that calls ``cli.main`` without an ``if __name__ == "__main__"`` guard; this imports only tco_report.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, NoReturn, TypeVar

if TYPE_CHECKING:
    from .model import Report

ChartFunction = Callable[["Report"], str]
T = TypeVar("T")
_READY = "ready"  # its first message: imports done, fonts warm

# A page with what the report uses: DejaVu in regular, bold, italic and monospace, a table, an SVG with text.
_WARM_UP = (
    "<html><head><style>body{font-family:'DejaVu Sans'}code{font-family:'DejaVu Sans Mono'}</style></head><body>"
    "<h1>Warm-up</h1><p>text <b>bold</b> <i>italic</i> <code>code</code> 1,234.56 \u00d7 \u2264</p>"
    "<table><tr><th>a</th><td>1</td></tr></table>"
    '<svg width="40" height="20"><path d="M0 0L10 10"/><text x="1" y="15">svg text</text></svg>'
    "</body></html>"
)


class SecondProcess:
    """The second process: started on construction, stopped by ``close`` (or leaving the ``with`` block).

    Requests are answered in the order they were sent, and each ``draw`` or ``print_pdf`` is collected once, in
    any order."""

    def __init__(self) -> None:
        env = dict(os.environ)  # SOURCE_DATE_EPOCH and the like reach it unchanged
        # It imports the very tco_report this process runs, installed or from a checkout.
        here = str(Path(__file__).resolve().parent.parent)
        env["PYTHONPATH"] = here + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        self._proc: subprocess.Popen[bytes] | None = subprocess.Popen(
            [sys.executable, "-m", "tco_report.second_process"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env
        )
        self._sent = 0
        self._received = 0
        self._pdf: int | None = None
        self._early: dict[int, tuple[bool, Any]] = {}
        self._kept: Report | None = None  # the report the process holds
        # A thread reads the answers as they come, so that ``ready`` can be asked without blocking.
        self._ready = threading.Event()
        self._answers: queue.SimpleQueue[tuple[bool, Any] | None] = queue.SimpleQueue()
        threading.Thread(target=self._read_answers, args=(self._proc.stdout,), daemon=True).start()

    def _read_answers(self, stream: IO[bytes]) -> None:
        try:
            while True:
                answer = pickle.load(stream)
                if answer == _READY:
                    self._ready.set()
                else:
                    self._answers.put(answer)
        except (EOFError, OSError, ValueError, pickle.UnpicklingError):  # ended, or closed by close()
            self._answers.put(None)

    def ready(self) -> bool:
        """Whether it has finished its imports and can start work at once (else this process may do the work)."""
        return self._ready.is_set()

    def _send(self, request: tuple[str, tuple[Any, ...]], *, answered: bool = True) -> int:
        proc = self._require()
        assert proc.stdin is not None
        try:
            pickle.dump(request, proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            proc.stdin.flush()
        except BrokenPipeError:
            self._ended(proc)
        if answered:
            self._sent += 1
        return self._sent

    def _collect(self, ticket: int) -> Any:
        """The answer to request ``ticket``. Answers come in the order requests were sent; one collected out of
        order waits here for the earlier ones, which are kept until collected."""
        proc = self._require()
        while ticket not in self._early:
            answer = self._answers.get()
            if answer is None:
                self._ended(proc)
            self._received += 1
            self._early[self._received] = answer
        ok, value = self._early.pop(ticket)
        if not ok:
            raise value
        return value

    def _ended(self, proc: subprocess.Popen[bytes]) -> NoReturn:
        self.close()
        raise RuntimeError(f"the second process ended unexpectedly (exit status {proc.returncode})")

    def draw(self, functions: Sequence[Callable[[Report], T]], report: Report) -> Callable[[], list[T]]:
        """Start drawing these charts (functions of the report) there; the returned function waits for them."""
        if report is not self._kept:  # sent once (4 MB of pickle at 6,400 points), then drawn from as often as asked
            self._send(("keep", (report,)), answered=False)
            self._kept = report
        ticket = self._send(("draw", (list(functions),)))
        return lambda: self._collect(ticket)

    def print_pdf(self, html_path: str | os.PathLike[str], pdf_path: str | os.PathLike[str]) -> None:
        """Start printing the HTML file to a PDF file there; returns at once (``wait_pdf`` waits)."""
        self._pdf = self._send(("print", (str(Path(html_path).resolve()), str(Path(pdf_path).resolve()))))

    def wait_pdf(self) -> None:
        """Block until the PDF is written; its error, if any, is raised here."""
        if self._pdf is None:
            raise RuntimeError("wait_pdf() before print_pdf()")
        ticket, self._pdf = self._pdf, None
        self._collect(ticket)

    def close(self) -> None:
        """Stop the process now: whatever it was doing is no longer needed."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.kill()
        for pipe in (proc.stdin, proc.stdout):
            if pipe is not None:
                with contextlib.suppress(BrokenPipeError):  # unflushed bytes for a process that is gone
                    pipe.close()
        proc.wait()

    def _require(self) -> subprocess.Popen[bytes]:
        if self._proc is None:
            raise RuntimeError("the second process has already been stopped")
        return self._proc

    def __enter__(self) -> SecondProcess:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def split_draw(
    functions: Sequence[ChartFunction], report: Report, second: SecondProcess | None, *, there: Sequence[bool]
) -> list[str]:
    """Each chart's SVG, in order. With a second process that is ready, the charts flagged in ``there`` are drawn
    there while this process draws the others; when it is still importing, all are drawn here (sooner)."""
    if second is None or not second.ready():
        return [f(report) for f in functions]
    away = [f for f, t in zip(functions, there, strict=True) if t]
    elsewhere = second.draw(away, report) if away else list
    here = {i: f(report) for i, (f, t) in enumerate(zip(functions, there, strict=True)) if not t}
    drawn = iter(elsewhere())
    return [here[i] if i in here else next(drawn) for i in range(len(functions))]


# ----------------------------------------------------------------------------------------------- in the process


_kept: list[Report] = []  # the report the draw requests are about


def _keep(report: Report) -> object:
    _kept[:] = [report]
    return _NO_ANSWER


def _draw(functions: Sequence[Callable[[Report], Any]]) -> list[Any]:
    return [f(_kept[0]) for f in functions]


def _print(html_path: str, pdf_path: str) -> None:
    from .render import html_to_pdf

    Path(pdf_path).write_bytes(html_to_pdf(Path(html_path).read_text(encoding="utf-8")))


_HANDLERS: dict[str, Callable[..., Any]] = {"keep": _keep, "draw": _draw, "print": _print}
_NO_ANSWER = object()


def _serve(requests: IO[bytes], answers: IO[bytes]) -> int:
    """Import and warm up (off the critical path), then answer requests until the other end closes. It says it is
    ready only once it can draw at once: traced on the example, charts sent to it while it was still importing
    matplotlib kept the main process waiting; until then the main process draws them itself."""
    import weasyprint

    from . import render  # noqa: F401  -- matplotlib, jinja2, the chart functions

    weasyprint.HTML(string=_WARM_UP).write_pdf()
    answers.write(pickle.dumps(_READY))
    answers.flush()
    while True:
        try:
            kind, args = pickle.load(requests)
        except EOFError:
            return 0
        try:
            result = _HANDLERS[kind](*args)
            if result is _NO_ANSWER:
                continue
            answer: tuple[bool, Any] = (True, result)
        except Exception as e:  # sent back, raised there as it is
            answer = (False, e)
        try:
            data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as e:  # an answer that does not pickle (an odd exception): its text does
            data = pickle.dumps((False, RuntimeError(f"{type(answer[1]).__name__}: {answer[1]} ({e})")))
        answers.write(data)
        answers.flush()


if __name__ == "__main__":
    # Ctrl-C reaches the whole process group: the main process says "interrupted" and stops this one; a
    # KeyboardInterrupt here would only add a traceback to the terminal.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The answers get a private copy of stdout; stdout itself goes to stderr, so that a library that prints cannot
    # corrupt the pickles.
    _answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    raise SystemExit(_serve(sys.stdin.buffer, _answers))
