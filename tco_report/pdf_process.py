"""Print the PDF in a second process, so that its cost overlaps the rest of the run instead of following it.

WeasyPrint is the slowest step of a run: about a second to import (pango, cairo, fontTools) and then seconds of
pure-Python layout. The command line starts this child as its first step; it imports WeasyPrint while the parent
reads the benchmark files and draws the charts, then prints the HTML the parent hands it while the parent writes
the workbook and summary.json. On the two-core machines the tool is benchmarked on, that takes the PDF off the
critical path; on one core it costs one interpreter start (~0.1 s) more than printing in-process.

The child reads one job from stdin (a JSON line: the HTML file to read, the PDF file to write) and exits. Stdin
closed without a job means the run ended early (bad input, say): the child exits without doing anything. The
child runs the same ``render.html_to_pdf`` as the in-process path, with the same URL fetcher that refuses every
request, so the PDF is byte-identical either way.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import TracebackType

REFUSED = 3  # exit status of the child when the HTML asked for a URL: the parent raises ValueError, as in-process


class PdfPrinter:
    """A child process, started now, that prints one HTML file to PDF when asked; a context manager that never
    leaves the child behind."""

    def __init__(self) -> None:
        package_parent = str(Path(__file__).resolve().parent.parent)
        env = dict(os.environ)  # SOURCE_DATE_EPOCH and the like reach the child unchanged
        # The child imports the very tco_report the parent runs, installed or from a checkout.
        env["PYTHONPATH"] = package_parent + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        self._proc: subprocess.Popen[bytes] | None = subprocess.Popen(
            [sys.executable, "-m", "tco_report.pdf_process"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
        )
        self._submitted = False

    def submit(self, html_path: str | os.PathLike[str], pdf_path: str | os.PathLike[str]) -> None:
        """Hand the child its job; returns at once."""
        proc = self._require()
        assert proc.stdin is not None
        job = {"html": str(Path(html_path).resolve()), "pdf": str(Path(pdf_path).resolve())}
        try:
            proc.stdin.write(json.dumps(job).encode("utf-8") + b"\n")
            proc.stdin.close()
        except BrokenPipeError:  # the child died before reading; wait() reports why
            pass
        self._submitted = True

    def wait(self) -> None:
        """Block until the PDF is written; raise ValueError for a refused URL, RuntimeError for any other failure."""
        proc = self._require()
        if not self._submitted:
            raise RuntimeError("PdfPrinter.wait() before submit()")
        assert proc.stderr is not None
        err = proc.stderr.read()  # not communicate(): stdin is already closed, and communicate would flush it
        proc.stderr.close()
        proc.wait()
        self._proc = None
        message = err.decode("utf-8", "replace").strip()
        if proc.returncode == 0:
            if message:  # WeasyPrint's own warnings, shown as they would be when printing in-process
                print(message, file=sys.stderr)
            return
        if proc.returncode == REFUSED:
            raise ValueError(message)
        raise RuntimeError(f"the PDF printer process failed (exit status {proc.returncode}):\n{message}")

    def close(self) -> None:
        """Stop the child if it is still there (the run failed or never needed the PDF)."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.kill()
        for pipe in (proc.stdin, proc.stderr):
            if pipe is not None and not pipe.closed:
                pipe.close()
        proc.wait()

    def _require(self) -> subprocess.Popen[bytes]:
        if self._proc is None:
            raise RuntimeError("the PDF printer process has already finished")
        return self._proc

    def __enter__(self) -> PdfPrinter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _child() -> int:
    import weasyprint  # noqa: F401  -- the point of starting early: import while the parent works

    from .render import html_to_pdf

    line = sys.stdin.buffer.readline()
    if not line.strip():
        return 0  # no job: the parent stopped early
    job = json.loads(line)
    html = Path(job["html"]).read_text(encoding="utf-8")
    try:
        pdf = html_to_pdf(html)
    except ValueError as e:
        print(str(e), file=sys.stderr)
        return REFUSED
    Path(job["pdf"]).write_bytes(pdf)
    return 0


if __name__ == "__main__":
    raise SystemExit(_child())
