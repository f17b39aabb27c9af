"""The PDF printed in a second process (pdf_process) is the in-process PDF, and its failures reach the parent."""

from __future__ import annotations

import time

import pytest

from tco_report import render
from tco_report.pdf_process import PdfPrinter

HTML = "<html><head><title>t</title></head><body><h1>Printed elsewhere</h1><p>42 servers</p></body></html>"


def test_child_prints_the_same_bytes_as_in_process(tmp_path):
    html_path, pdf_path = tmp_path / "r.html", tmp_path / "r.pdf"
    html_path.write_text(HTML, encoding="utf-8")
    with PdfPrinter() as printer:
        printer.submit(html_path, pdf_path)
        printer.wait()
    assert pdf_path.read_bytes() == render.html_to_pdf(HTML)


def test_refused_url_is_a_value_error_as_in_process(tmp_path):
    """The child uses the same URL fetcher: a file:// image is refused, and the parent sees the same ValueError."""
    html_path, pdf_path = tmp_path / "r.html", tmp_path / "r.pdf"
    html_path.write_text('<html><body><img src="file:///etc/hostname"></body></html>', encoding="utf-8")
    with PdfPrinter() as printer:
        printer.submit(html_path, pdf_path)
        with pytest.raises(ValueError, match="file:///etc/hostname"):
            printer.wait()
    assert not pdf_path.exists()


def test_a_missing_html_file_is_an_error_with_the_childs_reason(tmp_path):
    with PdfPrinter() as printer:
        printer.submit(tmp_path / "missing.html", tmp_path / "r.pdf")
        with pytest.raises(RuntimeError, match="missing.html"):
            printer.wait()


def test_leaving_without_a_job_stops_the_child_at_once():
    """A run that fails on bad input never waits for WeasyPrint's import: the child is killed on the way out."""
    printer = PdfPrinter()
    proc = printer._proc
    t = time.perf_counter()
    with printer:
        pass
    assert time.perf_counter() - t < 5
    assert proc is not None and proc.returncode is not None
    with pytest.raises(RuntimeError, match="already finished"):
        printer.submit("a.html", "a.pdf")
