"""How the files a report was made from are named in what people share (the workbook, the HTML and PDF report).

Both are attached to budget files and mailed around, so they show no path of the machine that made them: a
benchmark file is named relative to the folder that holds all of them, that folder by its own name (``sweep/cfg/
run.json``), and the assumptions file by its name. summary.json and the terminal, which stay with the engineer,
keep the full paths. Pure string work, one definition for every writer.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterable
from pathlib import PurePath


def _normal(path: str) -> bool:
    """True when a POSIX path has no empty, "." or ".." part: then PurePath and normpath leave it as it is."""
    return not ("//" in path or "/./" in path or "/../" in path or path.endswith(("/", "/.", "/..")))


def _absolute_posix(source: str) -> str | None:
    """PurePath(source).as_posix() when the path is absolute, else None; a normal POSIX path without PurePath (a
    sweep names thousands of files)."""
    if os.name == "posix" and source.startswith("/") and _normal(source):
        return source
    path = PurePath(source)
    return path.as_posix() if path.is_absolute() else None


def shared_parent(sources: Iterable[str]) -> str:
    """The parent of the folder that holds every absolute benchmark file ('' when none is absolute).

    Paths are shown relative to it, so they start with the common folder's own name."""
    folders = {posixpath.dirname(a) for a in map(_absolute_posix, sources) if a is not None}
    if not folders:
        return ""
    try:
        common = posixpath.commonpath(sorted(folders))
    except ValueError:  # a mix of drives on Windows
        return ""
    return posixpath.dirname(common)


def shown_path(source: str, parent: str) -> str:
    """``source`` as the shared outputs name it, given ``shared_parent`` of all the files."""
    posix = _absolute_posix(source) if source and parent else None
    if posix is None:
        return source
    if parent != "/" and posix.startswith(parent + "/") and _normal(posix):
        return posix[len(parent) + 1 :]  # what relpath gives for a normal path inside parent, without its work
    return posixpath.relpath(posix, parent)


def without_machine_paths(text: str, parent: str) -> str:
    """A message with ``parent`` taken out of every benchmark path in it (see shown_path)."""
    if not parent or parent == "/":
        return text
    return text.replace(parent.rstrip("/") + "/", "")


def assumptions_name(source: str) -> str:
    """The assumptions file (or edited workbook) by its name; 'defaults' when none was given."""
    return PurePath(source).name if source and source != "defaults" else source
