"""A small, strict reader of the xlsx parts that read_workbook needs: the sheets' cells (each with its formula, if
any, and its cached value, read in one pass), the shared strings and the defined names.

Why not openpyxl: read back through openpyxl a 5,000-config workbook took four times as long as writing it (every
sheet parsed twice, once for the formulas and once for the cached values, each cell built as an object), and any
damage (text in a number cell, a shared-string index out of range, truncated XML, a used range reaching XFD1048576)
ended in an exception from deep inside it, naming no cell. Here every damage is an InputError naming the sheet
and the cell, a sheet's size is checked before its cells are kept, and the XML is parsed with defusedxml (no DTD,
no entity expansion).
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple
from xml.etree.ElementTree import Element  # only the type defusedxml parses into; parsing goes through SafeET
from xml.parsers import expat

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from ..errors import InputError
from .tables import Table, column_reference

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"

# A sheet of this tool's workbook: at most MAX_POINTS benchmark rows (names.MAX_POINTS) and a few dozen columns.
MAX_ROWS = 1_048_576
MAX_COLUMNS = 2_000
MAX_CELLS = 60_000_000

_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,7})$")
_AREA = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))!(\$?[A-Z]{1,3}\$?\d{1,7})(?::(\$?[A-Z]{1,3}\$?\d{1,7}))?$")


def column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def column_letters(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def parse_ref(ref: str) -> tuple[int, int] | None:
    """(row, column) of 'B7' or '$B$7'; None when it is not a cell reference."""
    m = _REF.match(ref)
    return (int(m.group(2)), column_index(m.group(1))) if m else None


class RawCell(NamedTuple):
    """One cell as stored (a named tuple: millions are made, and a tuple is the cheapest object to build)."""

    formula: str | None  # the formula text (without '='), None for a typed value
    value: Any  # the typed value, or the formula's cached value (None when the file holds none)
    kind: str  # "n" number, "s" text, "b" boolean, "e" error value, "f" formula


class Sheet:
    """The cells of one sheet, sparse: {row: {column: RawCell}}."""

    def __init__(self, title: str, rows: dict[int, dict[int, RawCell]]):
        self.title, self.rows = title, rows

    def get(self, row: int, column: int) -> RawCell | None:
        r = self.rows.get(row)
        return r.get(column) if r else None


class Package:
    """An xlsx package read from bytes: sheet names, defined names, shared strings, and sheets on demand."""

    def __init__(self, path: Path, data: bytes):
        self.path = path
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, OSError, ValueError) as e:
            raise InputError(path, None, f"is not an .xlsx workbook (not a zip archive: {e})") from None
        self.names_in_zip = set(self.zip.namelist())
        book = self._xml("xl/workbook.xml", "the workbook part")
        rels = self._rels("xl/workbook.xml")
        self.sheet_paths: dict[str, str] = {}
        self.sheet_order: list[str] = []
        sheets = book.find(f"{NS}sheets")
        for s in sheets if sheets is not None else ():
            name, rid = s.get("name"), s.get(f"{REL_NS}id")
            if name is None or rid not in rels:
                raise InputError(path, "xl/workbook.xml", f"sheet {name!r} has no part in the package")
            self.sheet_paths[name] = rels[rid]
            self.sheet_order.append(name)
        self.defined_names: dict[str, str] = {}
        names = book.find(f"{NS}definedNames")
        for d in names if names is not None else ():
            name = d.get("name")
            if name and d.get("localSheetId") is None:
                self.defined_names[name] = (d.text or "").strip()
        self._strings: list[str] | None = None
        self._sheets: dict[str, Sheet] = {}
        self._tables: dict[str, Table] | None = None

    # ------------------------------------------------------------------------------------------------ parts
    def _read(self, member: str, what: str) -> bytes:
        if member not in self.names_in_zip:
            raise InputError(self.path, member, f"{what} is missing from the package; expected an .xlsx workbook")
        try:
            return self.zip.read(member)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError) as e:  # CRC error, encrypted member
            raise InputError(self.path, member, f"{what} cannot be unpacked ({e})") from None

    def _xml(self, member: str, what: str) -> Element:
        data = self._read(member, what)
        try:
            return SafeET.fromstring(data)
        except DefusedXmlException as e:
            raise InputError(self.path, member, f"cannot be read: {what} holds a DTD or entities ({e})") from None
        except SafeET.ParseError as e:
            raise InputError(self.path, member, f"{what} is damaged XML ({e}); the workbook cannot be read") from None

    def _rels(self, part: str) -> dict[str, str]:
        folder, name = posixpath.split(part)
        rels_part = posixpath.join(folder, "_rels", name + ".rels")
        root = self._xml(rels_part, "the relationships part")
        out = {}
        for r in root.iter(f"{PKG_REL_NS}Relationship"):
            target = r.get("Target") or ""
            full = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            out[r.get("Id") or ""] = full
        return out

    @property
    def strings(self) -> list[str]:
        """The shared strings, in order (rich text runs joined)."""
        if self._strings is None:
            self._strings = []
            if "xl/sharedStrings.xml" in self.names_in_zip:
                root = self._xml("xl/sharedStrings.xml", "the shared strings part")
                for si in root.iter(f"{NS}si"):
                    self._strings.append("".join(t.text or "" for t in si.iter(f"{NS}t")))
        return self._strings

    # ------------------------------------------------------------------------------------------------ tables
    @property
    def tables(self) -> dict[str, Table]:
        """Every Excel table of the workbook by name (its sheet, cell range and column headers), from each sheet's
        table parts, parsed as strictly as the sheets are."""
        if self._tables is None:
            self._tables = {}
            for title, member in self.sheet_paths.items():
                folder, base = posixpath.split(member)
                if posixpath.join(folder, "_rels", base + ".rels") not in self.names_in_zip:
                    continue
                for target in self._rels(member).values():
                    if "/tables/" not in target or target not in self.names_in_zip:
                        continue
                    t = self._xml(target, f"the table part {target}")
                    self._tables.update([self._table(title, target, t)])
        return self._tables

    def _table(self, title: str, member: str, t: Element) -> tuple[str, Table]:
        ref = t.get("ref") or ""
        parts = ref.split(":")
        first = parse_ref(parts[0])
        last = parse_ref(parts[-1]) if len(parts) == 2 else None
        if first is None or last is None:
            raise InputError(
                self.path, member, f"the table's range {ref[:30]!r} is not a cell range; the file is damaged"
            )
        (r1, c1), (r2, _) = first, last
        headers = tuple(c.get("name") or "" for c in t.iter(f"{NS}tableColumn"))
        name = t.get("displayName") or t.get("name") or ""
        totals = int(t.get("totalsRowCount") or 0) if (t.get("totalsRowCount") or "0").isdigit() else 0
        return name, Table(name, title, r1, r2 - totals, c1, headers)

    # ------------------------------------------------------------------------------------------------ names
    def areas(self, name: str) -> list[tuple[str, int, int, int, int]]:
        """The (sheet, first row, first column, last row, last column) areas a defined name refers to; a table
        column (BenchmarkPoints[rps (req/s)]) is its data cells (none when the table has no data row)."""
        text = self.defined_names[name]
        if "#REF!" in text:
            raise InputError(
                self.path,
                name,
                f"the defined name refers to #REF! ({text[:60]}): the cells it named were deleted; undo the deletion "
                "or write the workbook again",
            )
        column = column_reference(text)
        if column is not None:
            table = self.tables.get(column[0])
            col = None if table is None else table.column(column[1])
            if table is None or col is None:
                raise InputError(
                    self.path, name, f"refers to {text[:80]}, which is not a column of a table in the workbook"
                )
            if table.last_row <= table.first_row:
                return []
            return [(table.sheet, table.first_row + 1, col, table.last_row, col)]
        out = []
        for part in _split_areas(text):
            m = _AREA.match(part)
            if not m:
                raise InputError(
                    self.path, name, f"the defined name refers to {part[:60]!r}; expected a sheet and cells (A1:B2)"
                )
            sheet = (m.group(1) or "").replace("''", "'") or m.group(2)
            first = parse_ref(m.group(3))
            last = parse_ref(m.group(4)) if m.group(4) else first
            assert first is not None and last is not None
            r1, r2 = sorted((first[0], last[0]))
            c1, c2 = sorted((first[1], last[1]))
            if (r2 - r1 + 1) * (c2 - c1 + 1) > MAX_CELLS:
                raise InputError(
                    self.path, name, f"refers to {part}, far more cells than a workbook of tco_report holds"
                )
            out.append((sheet, r1, c1, r2, c2))
        return out

    # ------------------------------------------------------------------------------------------------ sheets
    def sheet(self, title: str) -> Sheet:
        if title not in self._sheets:
            if title not in self.sheet_paths:
                raise InputError(self.path, title, "the sheet is missing from the workbook")
            self._sheets[title] = self._parse_sheet(title, self.sheet_paths[title])
        return self._sheets[title]

    def _parse_sheet(self, title: str, member: str) -> Sheet:
        """The sheet's cells. The XML is first checked whole by expat at C speed (well-formed, no DTD, so no
        entity); a sheet in the usual layout (default namespace, every cell with its reference) is then scanned
        with regular expressions, several times faster than building elements; any other layout is parsed as
        elements."""
        data = self._read(member, f"sheet {title}")
        head = _DIMENSION.search(data[:8192])
        if head:
            self._check_dimension(title, head.group(1).decode("ascii", "replace"))
        self._well_formed(title, data)
        fast = self._scan_sheet(title, data)
        return fast if fast is not None else self._parse_sheet_tree(title, data)

    def _well_formed(self, title: str, data: bytes) -> None:
        parser = expat.ParserCreate()

        def refuse(*_: object) -> None:
            raise InputError(self.path, title, "cannot be read: the sheet holds a DTD or entities")

        parser.StartDoctypeDeclHandler = refuse
        parser.EntityDeclHandler = refuse
        try:
            parser.Parse(data, True)
        except expat.ExpatError as e:
            lines = data.split(b"\n")
            pos = sum(len(x) + 1 for x in lines[: max(0, e.lineno - 1)]) + e.offset
            last = _LAST_REF.findall(data[max(0, pos - 4096) : pos])
            after = f"after {title}!{last[-1].decode()}" if last else f"at line {e.lineno}, column {e.offset}"
            raise InputError(
                self.path,
                title,
                f"the sheet's XML is damaged or cut short {after} ({expat.ErrorString(e.code)}); the workbook cannot "
                "be read",
            ) from None

    def _scan_sheet(self, title: str, data: bytes) -> Sheet | None:
        """The cells by regular expressions, or None when the sheet is not in the layout they expect."""
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        if not _DEFAULT_NS_ROOT.search(text[:2000]):
            return None
        rows: dict[int, dict[int, RawCell]] = {}
        strings: list[str] | None = None
        columns: dict[str, int] = {}
        n = 0
        last_row, cur = -1, {}
        for m in _CELL.finditer(text):
            letters, row_text, attrs, body = m.groups()
            n += 1
            col = columns.get(letters)
            if col is None:
                col = columns[letters] = column_index(letters)
                if col > MAX_COLUMNS:
                    raise InputError(
                        self.path,
                        f"{title}!{letters}{row_text}",
                        f"holds a value in column {col:,}; a workbook of tco_report uses fewer than {MAX_COLUMNS:,} "
                        "columns (clear the cells beyond the tables)",
                    )
            row = int(row_text)
            if row != last_row:
                if row > MAX_ROWS:
                    raise InputError(self.path, f"{title}!{letters}{row_text}", "a row beyond Excel's last row")
                if n > MAX_CELLS:
                    raise InputError(self.path, title, f"holds more than {MAX_CELLS:,} cells; expected far fewer")
                last_row, cur = row, rows.setdefault(row, {})
            t = "n"
            if attrs and 't="' in attrs:
                t_match = _TYPE.search(attrs)
                t = t_match.group(1) if t_match else "n"
            if not body:
                cur[col] = RawCell(None, "" if t == "inlineStr" else None, "s" if t == "inlineStr" else "n")
                continue
            if t == "n" and body.startswith("<v>") and body.endswith("</v>") and "<" not in body[3:-4]:
                raw = body[3:-4]  # the common case, a typed or cached number: no further search
                try:
                    value: Any = float(raw)
                except ValueError:
                    value, _ = self._value(f"{title}!{letters}{row_text}", t, _unescape(raw), None, strings)
                else:
                    if value.is_integer() and raw.lstrip("-").isdigit():
                        value = int(raw)
                cur[col] = RawCell(None, value if raw else None, "n")
                continue
            formula: str | None = None
            raw = None
            inline: str | None = None
            if "<f" in body:
                f = _FORMULA.search(body)
                if f is not None:
                    formula = _unescape(f.group(1) or "")
            v = _VALUE.search(body)
            if v is not None:
                raw = _unescape(v.group(1))
            if t == "inlineStr":
                inline = "".join(_unescape(x) for x in _TEXT.findall(body))
            if strings is None and t == "s":
                strings = self.strings
            value, kind = self._value(f"{title}!{letters}{row_text}", t, raw, inline, strings)
            cur[col] = RawCell(formula, value, "f" if formula is not None else kind)
        if n != text.count("<c ") + text.count("<c>"):
            return None  # a cell without its reference (or another layout): parse as elements
        return Sheet(title, rows)

    def _value(
        self, ref: str, t: str, raw: str | None, inline: str | None, strings: list[str] | None
    ) -> tuple[Any, str]:
        """A cell's value from its type and the text of its <v> (or inline string), checked."""
        if t == "inlineStr":
            return inline or "", "s"
        if raw is None or (raw == "" and t not in ("str", "s")):  # <v></v>: a formula whose cached value is ""
            return (None, "n") if raw is None or t in ("n", "") else ("", "s")
        if t == "s":
            assert strings is not None
            try:
                return strings[int(raw)], "s"
            except (ValueError, IndexError):
                raise InputError(
                    self.path,
                    ref,
                    f"refers to shared string {raw[:20]!r}, and the workbook holds {len(strings):,}; the file is "
                    "damaged",
                ) from None
        if t in ("str", "e"):
            return raw, "s" if t == "str" else "e"
        if t == "b":
            if raw not in ("0", "1"):
                raise InputError(self.path, ref, f"a boolean cell holds {raw[:20]!r}; the file is damaged")
            return raw == "1", "b"
        try:
            value = float(raw)
        except ValueError:
            raise InputError(
                self.path, ref, f"a number cell holds the text {raw[:20]!r}; the file is damaged"
            ) from None
        if value.is_integer() and raw.lstrip("-").isdigit():
            return int(raw), "n"
        return value, "n"

    def _parse_sheet_tree(self, title: str, data: bytes) -> Sheet:
        strings: list[str] | None = None
        rows: dict[int, dict[int, RawCell]] = {}
        cells = 0
        row_no, col_no = 0, 0
        ref = f"{title}!A1"

        def where(row: int, column: int) -> str:
            return f"{title}!{column_letters(column)}{row}"

        try:
            for event, el in _events(data):
                tag = el.tag
                if event == "start":
                    if tag == f"{NS}row":
                        r = el.get("r")
                        row_no = int(r) if r and r.isdigit() else row_no + 1
                        col_no = 0
                        if row_no > MAX_ROWS:
                            raise InputError(self.path, f"{title}!row {row_no}", "a row beyond Excel's last row")
                    elif tag == f"{NS}dimension":
                        self._check_dimension(title, el.get("ref") or "")
                    continue
                if tag != f"{NS}c":
                    if tag == f"{NS}row":
                        el.clear()
                    continue
                r = el.get("r")
                if r:
                    pos = parse_ref(r)
                    if pos is None:
                        raise InputError(self.path, f"{title}!{r[:12]}", "is not a cell reference")
                    row_no, col_no = pos
                else:
                    col_no += 1
                ref = where(row_no, col_no)
                if col_no > MAX_COLUMNS:
                    raise InputError(
                        self.path,
                        ref,
                        f"holds a value in column {col_no:,}; a workbook of tco_report uses fewer than {MAX_COLUMNS:,} "
                        "columns (clear the cells beyond the tables)",
                    )
                cells += 1
                if cells > MAX_CELLS:
                    raise InputError(self.path, title, f"holds more than {MAX_CELLS:,} cells; expected far fewer")
                t = el.get("t", "n")
                f_el = el.find(f"{NS}f")
                v_el = el.find(f"{NS}v")
                raw = v_el.text if v_el is not None else None
                formula = None
                if f_el is not None:
                    formula = f_el.text or ""  # a shared formula's other cells hold no text: still a formula
                inline = None
                if t == "inlineStr":
                    is_el = el.find(f"{NS}is")
                    inline = "".join(x.text or "" for x in is_el.iter(f"{NS}t")) if is_el is not None else ""
                elif t == "s" and raw is not None and strings is None:
                    strings = self.strings
                value, kind = self._value(ref, t, raw, inline, strings)
                rows.setdefault(row_no, {})[col_no] = RawCell(formula, value, "f" if formula is not None else kind)
                el.clear()
        except InputError:
            raise
        except DefusedXmlException as e:
            raise InputError(self.path, title, f"cannot be read: the sheet holds a DTD or entities ({e})") from None
        except SafeET.ParseError as e:
            raise InputError(
                self.path,
                title,
                f"the sheet's XML is damaged or cut short after {ref} ({e}); the workbook cannot be read",
            ) from None
        return Sheet(title, rows)

    def _check_dimension(self, title: str, ref: str) -> None:
        """The used range a sheet declares, checked before any of its cells is kept."""
        last = ref.split(":")[-1]
        pos = parse_ref(last)
        if pos is None:
            return
        rows, cols = pos
        if cols > MAX_COLUMNS or rows * cols > MAX_CELLS:
            raise InputError(
                self.path,
                f"{title}!{ref[:30]}",
                f"the sheet's used range reaches {last} ({rows:,} rows x {cols:,} columns); a workbook of tco_report "
                "is far smaller: clear the cells beyond its tables (select them, Delete rows/columns) and save again",
            )


_DIMENSION = re.compile(rb'<dimension ref="([^"]*)"')
_LAST_REF = re.compile(rb'<c r="([A-Z]{1,3}\d{1,7})"')
_DEFAULT_NS_ROOT = re.compile(r'<worksheet\b[^>]*\sxmlns="http://schemas\.openxmlformats\.org/spreadsheetml/2006/main"')
_CELL = re.compile(r'<c r="([A-Z]{1,3})(\d{1,7})"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_TYPE = re.compile(r'\bt="([^"]*)"')
_FORMULA = re.compile(r"<f\b[^>]*?(?:/>|>(.*?)</f>)", re.S)
_VALUE = re.compile(r"<v(?:\s[^>]*)?>(.*?)</v>", re.S)
_TEXT = re.compile(r"<t(?:\s[^>]*)?>(.*?)</t>", re.S)


_ENTITY = re.compile(r"&(?:#x([0-9A-Fa-f]{1,6})|#([0-9]{1,7})|(lt|gt|amp|quot|apos));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


def _unescape(text: str) -> str:
    """XML's character references and its five entities, exactly: html.unescape would map &#155; to U+203A (the
    HTML5 rule for Windows-1252 code points), so a C1 control in a name would come back as another character."""
    if "\r" in text:  # line ends normalised as an XML parser does
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "&" not in text:
        return text

    def char(m: re.Match[str]) -> str:
        if m.group(3):
            return _NAMED[m.group(3)]
        code = int(m.group(1), 16) if m.group(1) else int(m.group(2))
        return chr(code) if code <= 0x10FFFF else "\ufffd"

    return _ENTITY.sub(char, text)


def _events(data: bytes) -> Iterator[tuple[str, Element]]:
    return SafeET.iterparse(io.BytesIO(data), events=("start", "end"))


def _split_areas(text: str) -> list[str]:
    """'A!$A$1,A!$B$2' -> its areas; commas inside quoted sheet names kept."""
    parts, cur, quoted = [], "", False
    for ch in text:
        if ch == "'":
            quoted = not quoted
        if ch == "," and not quoted:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur.strip())
    return parts
