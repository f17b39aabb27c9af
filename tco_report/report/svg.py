"""What every chart shares: the palette, matplotlib's settings, and the SVG writer (standalone documents, ids
prefixed per chart so that several can share one HTML page, no metadata, no id-only groups)."""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

from matplotlib.figure import Figure

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

# Okabe & Ito (2008), ordered so that neighbours differ in lightness too; yellow is left out (unreadable on white).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
LINESTYLES = ("-", "--", ":", "-.")
HATCHES = ("", "///", "xxx", "\\\\\\", "---", "+++")
GREY = "#BBBBBB"
INK = "#222222"
FAILED = "#A33A00"

RC: dict[RcKeyType, str | float | bool] = {
    "svg.hashsalt": "tco_report",
    "svg.fonttype": "none",  # text stays text: searchable in the PDF, small files
    "font.family": "DejaVu Sans",
    "font.size": 8.5,
    "axes.titlesize": 9,
    "axes.labelsize": 8.5,
    "legend.fontsize": 7.5,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.6,
    "hatch.linewidth": 0.6,
    "text.parse_math": False,  # a '$' in a config name is text, not mathtext
}
RASTER_DPI = 150


def svg_of(fig: Figure, key: str) -> str:
    """A standalone SVG document: no prolog comment or metadata, every id prefixed with ``key``."""
    buf = io.StringIO()
    fig.savefig(
        buf, format="svg", dpi=RASTER_DPI, metadata={"Date": None, "Creator": None, "Format": None, "Type": None}
    )
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    # Found as literals, not by patterns tried at every character of a 700 kB page.
    start = svg.find("<metadata>")
    if start >= 0:
        svg = svg[:start].rstrip() + svg[svg.index("</metadata>", start) + len("</metadata>") :]
    svg = _ID.sub(rf' id="{key}-\1"', svg)
    svg = _HREF.sub(rf'href="#{key}-\1"', svg)
    svg = _URL.sub(rf"url(#{key}-\1)", svg)
    return _flatten_groups(svg).strip() + "\n"


_ID = re.compile(r' id="([^"]+)"')
_HREF = re.compile(r'href="#([^"]+)"')
_URL = re.compile(r"url\(#([^)]+)\)")
_G_TAG = re.compile(r"<(?:g\b([^>]*?)(/?)>|/g>)\n?")
_ONLY_ID = re.compile(r'^(\s+id="[^"]*")?\s*$')


def _flatten_groups(svg: str) -> str:
    """Drop the <g> wrappers that carry nothing but an id (matplotlib nests one per artist, tick and label): more
    than half of an SVG's elements, referred to by nothing."""
    out: list[str] = []
    keep: list[bool] = []
    pos = 0
    for m in _G_TAG.finditer(svg):
        before = svg[pos : m.start()]
        pos = m.end()
        tag = m.group(0)
        if tag.startswith("</g>"):
            kept = keep.pop()
        else:
            kept = _ONLY_ID.match(m.group(1)) is None
            if not m.group(2):
                keep.append(kept)
        # A dropped tag goes with the indentation before it and the line end after it.
        out.append(before + tag if kept else before.rstrip(" \t"))
    out.append(svg[pos:])
    return "".join(out)
