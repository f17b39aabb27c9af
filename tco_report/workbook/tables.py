"""The Excel tables of a workbook (name, sheet, cell range, column headers), read from the file's XML parts.

openpyxl's read-only mode, which the reader needs for speed, does not load tables, and its defined names cannot
resolve a structured reference (bmRps = BenchmarkPoints[rps (req/s)]); this module gives both. The archive has
already passed safety.check_archive.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from openpyxl.utils.cell import range_boundaries

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DOC_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
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


def _rels(z: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Relationship id -> target part (absolute inside the archive) of a part."""
    folder, name = posixpath.split(part)
    rels_part = posixpath.join(folder, "_rels", name + ".rels")
    if rels_part not in z.namelist():
        return {}
    out = {}
    for rel in ElementTree.fromstring(z.read(rels_part)).iter(f"{_REL}Relationship"):
        target = rel.get("Target", "")
        out[rel.get("Id", "")] = (
            target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        )
    return out


def read_tables(path: Path) -> dict[str, Table]:
    """Every table of the workbook by name (empty for a file without tables or with unreadable parts)."""
    out: dict[str, Table] = {}
    try:
        with zipfile.ZipFile(path) as z:
            book = ElementTree.fromstring(z.read("xl/workbook.xml"))
            book_rels = _rels(z, "xl/workbook.xml")
            for sheet in book.iter(f"{_MAIN}sheet"):
                part = book_rels.get(sheet.get(f"{_DOC_REL}id", ""))
                if not part or part not in z.namelist():
                    continue
                for target in _rels(z, part).values():
                    if "/tables/" not in target or target not in z.namelist():
                        continue
                    t = ElementTree.fromstring(z.read(target))
                    min_col, min_row, _, max_row = range_boundaries(t.get("ref", "A1:A1"))
                    headers = tuple(c.get("name", "") for c in t.iter(f"{_MAIN}tableColumn"))
                    name = t.get("displayName") or t.get("name") or ""
                    totals = int(t.get("totalsRowCount", "0") or 0)
                    out[name] = Table(name, sheet.get("name", ""), min_row, max_row - totals, min_col, headers)
    except (KeyError, ValueError, zipfile.BadZipFile, ElementTree.ParseError):
        return {}
    return out
