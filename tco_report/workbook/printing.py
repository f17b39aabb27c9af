"""Page setup for printing: every sheet of the workbook prints readably for a budget file.

The writer calls :func:`apply_all` once every sheet is written, so a sheet added later gets a page setup too
(:data:`DEFAULT`, unless it is listed in :data:`SETUPS`): fit to one page wide, the header row repeated on every
page, a print area over what the sheet holds, and a header and footer with the title, the sheet, the date and
"page N of M". Summary, TCO and Scenarios fit on one page each.
"""

from __future__ import annotations

from dataclasses import dataclass

from xlsxwriter.worksheet import Worksheet

from .context import Book

TITLE = "LLM serving: GPU servers and TCO"
# What every page's header says; tests find a page's sheet by it (&A is the sheet's name).
HEADER = '&L&"-,Bold"{title}&Rtco_report workbook | &A, &D'
FOOTER = "&Cpage &P of &N"
PAPER = {"A4": 9, "Letter": 1}  # Excel's paper codes
# Pixels of columns one landscape / portrait page holds at the smallest scale still easy to read (~55%).
READABLE_WIDTH = {True: 1900, False: 1300}
DEFAULT_COLUMN_PX = 64


@dataclass(frozen=True)
class PageSetup:
    landscape: bool = False
    one_page: bool = False  # fit to one page tall as well as wide
    repeat_rows: tuple[int, int] | None = (0, 0)  # header rows printed on every page (0-based, inclusive)
    # A table too wide to read on one page (below about half size) prints over up to this many pages side by side,
    # its first columns (up to repeat_cols, inclusive) repeated on each so no figure is apart from its row's name.
    max_pages_wide: int = 1
    repeat_cols: int | None = None
    tight: bool = False  # narrower top and bottom margins: a page of prose that would spill a few lines


DEFAULT = PageSetup()
SETUPS = {
    "Summary": PageSetup(one_page=True, repeat_rows=None),
    "Inputs": PageSetup(),
    "Benchmarks": PageSetup(landscape=True, max_pages_wide=2, repeat_cols=1),
    "Configs": PageSetup(landscape=True, max_pages_wide=2, repeat_cols=0),
    "TCO": PageSetup(landscape=True, one_page=True),
    "Plan": PageSetup(landscape=True, repeat_rows=(6, 6)),
    # The scenario columns and, below them, the inputs they were computed from (the snapshot block, about 50
    # rows): portrait, on one page, as a landscape page would spill a dozen rows onto a second.
    "Scenarios": PageSetup(one_page=True, repeat_rows=(3, 3)),
    "Sensitivity": PageSetup(landscape=True, repeat_rows=(6, 6)),
    "Checks": PageSetup(landscape=True),
    "About": PageSetup(repeat_rows=None, tight=True),
}


def apply(ws: Worksheet, setup: PageSetup, *, paper: str, extent: tuple[int, int] | None = None) -> None:
    """One sheet's page setup; the print area covers the cells written and ``extent`` (last row, last column:
    what charts cover beyond the cells)."""
    if setup.landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_paper(PAPER[paper])
    top, bottom, edge = (0.45, 0.4, 0.2) if setup.tight else (0.6, 0.5, 0.3)
    ws.set_margins(left=0.4, right=0.4, top=top, bottom=bottom)
    ws.set_header(HEADER.format(title=TITLE.replace("&", "&&")), {"margin": edge})
    ws.set_footer(FOOTER, {"margin": edge})
    last_row = ws.dim_rowmax if ws.dim_rowmax is not None else 0
    last_col = ws.dim_colmax if ws.dim_colmax is not None else 0
    if extent is not None:
        last_row, last_col = max(last_row, extent[0]), max(last_col, extent[1])
    ws.print_area(0, 0, last_row, last_col)
    wide = 1
    if setup.max_pages_wide > 1:
        px = sum(_width(ws, c) for c in range(last_col + 1))
        wide = min(setup.max_pages_wide, -(-px // READABLE_WIDTH[setup.landscape]))
    ws.fit_to_pages(wide, 1 if setup.one_page else 0)
    if wide > 1 and setup.repeat_cols is not None:
        ws.repeat_columns(0, setup.repeat_cols)
    if setup.repeat_rows is not None and last_row > setup.repeat_rows[1]:
        ws.repeat_rows(*setup.repeat_rows)


def _width(ws: Worksheet, col: int) -> int:
    info = ws.col_info.get(col)
    return DEFAULT_COLUMN_PX if info is None else int(info.width if hasattr(info, "width") else info[0])


def apply_all(book: Book, paper: str = "A4") -> None:
    """A page setup on every sheet of the workbook, listed or not."""
    if paper not in PAPER:
        raise ValueError(f"paper must be one of {', '.join(PAPER)}, got {paper!r}")
    for ws in book.wb.worksheets():
        apply(ws, SETUPS.get(ws.get_name(), DEFAULT), paper=paper, extent=book.print_extent.get(ws.get_name()))
