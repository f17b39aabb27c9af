"""Damaged workbooks made from a good one, the way Excel, a crash or a hostile editor leaves them: each edits one
part of the xlsx package (XML text), so the damage is exactly what the reader meets."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

Edit = Callable[[dict[str, bytes]], None]

INPUTS, BENCHMARKS = "xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml"


def rewrite(good: Path, out: Path, edit: Edit) -> Path:
    """``good`` with ``edit`` applied to its members (name -> bytes), written to ``out``."""
    with zipfile.ZipFile(good) as z:
        members = {i.filename: z.read(i.filename) for i in z.infolist()}
    edit(members)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out


def sub(member: str, pattern: str, replacement: str, count: int = 1) -> Edit:
    def edit(m: dict[str, bytes]) -> None:
        text, n = re.subn(pattern, replacement, m[member].decode(), count=count)
        assert n, (member, pattern)
        m[member] = text.encode()

    return edit


def name_to(name: str, target: str) -> Edit:
    return sub("xl/workbook.xml", f'(<definedName name="{name}">)[^<]*(</definedName>)', rf"\g<1>{target}\g<2>")


def delete_name(name: str) -> Edit:
    return sub("xl/workbook.xml", f'<definedName name="{name}">[^<]*</definedName>', "")


def cell_value(member: str, ref: str, raw: str) -> Edit:
    """The <v> of cell ``ref`` replaced by ``raw`` (the cell's type attribute kept); an empty cell gets one."""

    def edit(m: dict[str, bytes]) -> None:
        text = m[member].decode()
        text, n = re.subn(f'(<c r="{ref}"[^>/]*>)<v>[^<]*</v>', rf"\g<1><v>{raw}</v>", text, count=1)
        if not n:
            text, n = re.subn(f'<c r="{ref}"([^>/]*)/>', rf'<c r="{ref}"\g<1>><v>{raw}</v></c>', text, count=1)
        assert n, (member, ref)
        m[member] = text.encode()

    return edit


def truncate(member: str, keep: float = 0.5) -> Edit:
    def edit(m: dict[str, bytes]) -> None:
        m[member] = m[member][: int(len(m[member]) * keep)]

    return edit


def huge_used_range(member: str) -> Edit:
    """The used range stretched to XFD1048576 (a value typed in the last cell of the sheet)."""

    def edit(m: dict[str, bytes]) -> None:
        text = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', m[member].decode(), count=1)
        text = text.replace("</sheetData>", '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>', 1)
        m[member] = text.encode()

    return edit


def no_dimension_huge_row(member: str) -> Edit:
    """No <dimension> at all, and one cell far out: the reader must not trust a missing dimension either."""

    def edit(m: dict[str, bytes]) -> None:
        text = re.sub(r'<dimension ref="[^"]*"/>', "", m[member].decode(), count=1)
        text = text.replace("</sheetData>", '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>', 1)
        m[member] = text.encode()

    return edit
