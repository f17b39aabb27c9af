"""How the files a report was made from are named in what people share (the workbook, the HTML and PDF report).

Both are attached to budget files and mailed around, so they show no path of the machine that made them: a
benchmark file is named relative to the folder that holds all of them, that folder by its own name (``sweep/cfg/
run.json``), and the assumptions file by its name. summary.json and the terminal, which stay with the engineer,
keep the full paths. Pure string work, one definition for every writer.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from pathlib import PurePath


def shared_parent(sources: Iterable[str]) -> str:
    """The parent of the folder that holds every absolute benchmark file ('' when none is absolute).

    Paths are shown relative to it, so they start with the common folder's own name."""
    folders = {posixpath.dirname(PurePath(s).as_posix()) for s in sources if s and PurePath(s).is_absolute()}
    if not folders:
        return ""
    try:
        common = posixpath.commonpath(sorted(folders))
    except ValueError:  # a mix of drives on Windows
        return ""
    return posixpath.dirname(common)


def shown_path(source: str, parent: str) -> str:
    """``source`` as the shared outputs name it, given ``shared_parent`` of all the files."""
    if not source or not PurePath(source).is_absolute() or not parent:
        return source
    return posixpath.relpath(PurePath(source).as_posix(), parent)


def without_machine_paths(text: str, parent: str) -> str:
    """A message with ``parent`` taken out of every benchmark path in it (see shown_path)."""
    if not parent or parent == "/":
        return text
    return text.replace(parent.rstrip("/") + "/", "")


def assumptions_name(source: str) -> str:
    """The assumptions file (or edited workbook) by its name; 'defaults' when none was given."""
    return PurePath(source).name if source and source != "defaults" else source
