"""Text from input files made fit for every output: one function, applied once where text enters the tool.

XML (the workbook, the SVG charts), fonts (the PDF), JSON and terminals cannot all carry every code point: C0
control characters, lone surrogates and Unicode noncharacters (U+FFFE, U+FFFF, U+FDD0-U+FDEF, ...) make a workbook
Excel refuses, crash a chart library or a JSON encoder. Each such character is replaced by U+FFFD, visibly and the
same way everywhere, so a name reads the same in the workbook, the report, summary.json and the terminal.
"""

from __future__ import annotations

import re

REPLACEMENT = "\ufffd"

_NONCHARACTERS = "".join(f"\\U{plane:04X}FFFE\\U{plane:04X}FFFF" for plane in range(1, 17))
# Tab, newline and carriage return are allowed only in multi-line text (a note); names are one line.
_BAD_NAME = re.compile("[\x00-\x1f\x7f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff" + _NONCHARACTERS + "]")
_BAD_MULTILINE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff" + _NONCHARACTERS + "]"
)


def clean(text: str, *, multiline: bool = False) -> str:
    """``text`` with every character that XML, a font or a terminal cannot hold replaced by U+FFFD."""
    if text.isascii() and text.isprintable():  # the common case, without a regex: printable ASCII is all clean
        return text
    pattern = _BAD_MULTILINE if multiline else _BAD_NAME
    return pattern.sub(REPLACEMENT, text) if pattern.search(text) else text


def is_clean(text: str, *, multiline: bool = False) -> bool:
    if text.isascii() and text.isprintable():
        return True
    return (_BAD_MULTILINE if multiline else _BAD_NAME).search(text) is None
