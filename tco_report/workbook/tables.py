"""The Excel tables of a workbook (name, sheet, cell range, column headers) and the structured references that
name one of their columns (bmRps = BenchmarkPoints[rps (req/s)]).

The workbook's defined names for table columns are structured references, so they grow with the table; the
reader (xlsx.Package, which parses the table parts as strictly as the sheets) resolves them through this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A defined name that is one table column: Table[column] or Table[[column]].
_COLUMN_REF = re.compile(r"^([A-Za-z_\\][\w.]*)\[\[?((?:[^\[\]']|'.)*)\]?\]$")


@dataclass(frozen=True)
class Table:
    name: str
    sheet: str
    first_row: int  # 1-based, the header row
    last_row: int  # 1-based, the last data row
    first_col: int  # 1-based
    headers: tuple[str, ...]

    def column(self, header: str) -> int | None:
        """1-based sheet column of a header, None when the table has no such column."""
        try:
            return self.first_col + self.headers.index(header)
        except ValueError:
            return None


def unescape(specifier: str) -> str:
    """A column specifier's header: ' escapes the next character."""
    return re.sub(r"'(.)", r"\1", specifier)


def column_reference(text: str) -> tuple[str, str] | None:
    """(table, header) when a defined name's text is one table column, else None."""
    m = _COLUMN_REF.match(text.strip().lstrip("="))
    return (m.group(1), unescape(m.group(2))) if m else None
