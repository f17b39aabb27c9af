"""The Warnings sheet: every data warning of the run, with its kind and config (the report shows only the counts and
the first few). Written only when there is a warning; every cell is a string, so no text from a file becomes a
formula. Paths are
shown without the folders of the machine that wrote the workbook, as everywhere in it."""

from __future__ import annotations

from ..warning_summary import count_line, summarise
from .context import Book

SHEET = "Warnings"


def write(book: Book) -> None:
    s = summarise(book.report.warnings, book.report.configs)
    if not s.total:
        return
    ws = book.wb.add_worksheet(SHEET)
    st = book.st
    ws.write_string(0, 0, "Data warnings", st.title)
    ws.write_string(1, 0, count_line(s, configs_shown=10) + ".", st.note)
    ws.write_string(3, 0, "Kind", st.header)
    ws.write_string(3, 1, "Config", st.header)
    ws.write_string(3, 2, "Warning", st.header)
    for i, w in enumerate(s.items, start=4):
        ws.write_string(i, 0, w.kind)
        ws.write_string(i, 1, w.config)
        ws.write_string(i, 2, book.without_machine_paths(w.text))
    ws.set_column(0, 0, 20)
    ws.set_column(1, 1, 28)
    ws.set_column(2, 2, 120)
    ws.freeze_panes(4, 0)
    ws.autofilter(3, 0, 3 + s.total, 2)
