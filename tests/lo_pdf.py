"""Print workbooks to PDF with LibreOffice headless and read each page's text (poppler's pdftotext)."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .lo_recalc import REGISTRY

# Every page's header names its sheet (printing.HEADER): "tco_report workbook | <sheet>".
SHEET_IN_HEADER = re.compile(r"tco_report workbook \| (\w+)")


def to_pdf(soffice: str, files: Sequence[Path], out_dir: Path, *, timeout: float = 600) -> list[Path]:
    """Every file printed to PDF (all sheets, their page setup), recalculated on load; the PDFs, in order."""
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-"))
    try:
        (profile / "user").mkdir()
        (profile / "user" / "registrymodifications.xcu").write_text(REGISTRY, encoding="utf-8")
        cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--convert-to",
               "pdf:calc_pdf_Export", "--outdir", str(out_dir), *map(str, files)]  # fmt: skip
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        outs = [out_dir / (f.stem + ".pdf") for f in files]
        missing = [p for p in outs if not p.exists()]
        if proc.returncode != 0 or missing:
            raise RuntimeError(f"LibreOffice failed (exit {proc.returncode}); missing {missing}\n{proc.stderr}")
        return outs
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def page_texts(pdftotext: str, pdf: Path) -> list[str]:
    """The text of every page, in order (pdftotext separates pages with a form feed)."""
    out = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = out.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def sheet_of(page: str) -> str | None:
    m = SHEET_IN_HEADER.search(page)
    return m.group(1) if m else None
