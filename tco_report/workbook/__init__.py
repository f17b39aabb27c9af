"""The Excel workbook: a live-formula twin of the calculator (writer), and its reader for --from-workbook."""

from __future__ import annotations

from .writer import write_workbook

__all__ = ["write_workbook"]
