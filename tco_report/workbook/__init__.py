"""The Excel workbook: a live-formula twin of the calculator (writer), and its reader for --from-workbook."""

from __future__ import annotations

from .compare import Discrepancy, compare_cached, regenerate
from .reader import CachedCell, WorkbookInput, read_workbook
from .writer import write_workbook

__all__ = [
    "CachedCell",
    "Discrepancy",
    "WorkbookInput",
    "compare_cached",
    "read_workbook",
    "regenerate",
    "write_workbook",
]
