"""The Excel workbook: a live-formula twin of the calculator (writer), and its reader for --from-workbook.

The names below are loaded on first use: writing a workbook needs XlsxWriter only, while the reader and the
comparison pull in openpyxl (~0.3 s of import that a normal run does not need)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .compare import Discrepancy, compare_cached, regenerate
    from .reader import CachedCell, WorkbookInput, read_workbook
    from .writer import write_workbook

_WHERE = {
    "CachedCell": "reader",
    "Discrepancy": "compare",
    "WorkbookInput": "reader",
    "compare_cached": "compare",
    "read_workbook": "reader",
    "regenerate": "compare",
    "write_workbook": "writer",
}
__all__ = [
    "CachedCell",
    "Discrepancy",
    "WorkbookInput",
    "compare_cached",
    "read_workbook",
    "regenerate",
    "write_workbook",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
