"""The HTML writer: one self-contained page (CSS inline, charts as inline SVG, no script, no URL) laid out by
``templates/report.html.j2`` from the view model, with autoescaping, so that no text read from a file becomes markup.

Beside the latency chart sits the explorer (``templates/explorer.html.j2``): the view's explorer data as JSON inside a
script element, never markup, and a script that shows config names with textContent only. Sortable tables carry
``data-sortable``.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Mapping
from pathlib import Path

import jinja2
from markupsafe import Markup

from ..resources import templates_dir
from .view import ReportView

TEMPLATE = "report.html.j2"
EXPLORER = "explorer.html.j2"


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        autoescape=True,  # config names and benchmark text are data, never markup
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def inline_svg(svg: str, key: str) -> Markup:
    """A standalone chart SVG made fit to sit in the page: HTML puts <svg> in the SVG namespace by itself, so the
    xmlns URLs (the page's only "http") go; the title labels it."""
    svg = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", svg, count=2)
    svg = svg.replace("<svg ", f'<svg class="chart" role="img" aria-labelledby="{key}-title" ', 1)
    return Markup(svg)  # noqa: S704 - drawn by charts.py; matplotlib escapes every text it writes


def render_html(view: ReportView, svgs: Mapping[str, str]) -> str:
    """The report as one HTML document."""
    env = _environment()
    inline = {key: inline_svg(svg, key) for key, svg in svgs.items()}
    explorer_html = env.get_template(EXPLORER).render(explorer=view.explorer) if view.explorer else ""
    return env.get_template(TEMPLATE).render(v=view, svgs=inline, explorer_html=Markup(explorer_html))


def write_html(view: ReportView, svgs: Mapping[str, str], path: str | os.PathLike[str]) -> str:
    """Write the HTML report (UTF-8) and return its text."""
    html = render_html(view, svgs)
    Path(path).write_text(html, encoding="utf-8", newline="\n")
    return html
