"""Progress on long runs (reading thousands of result files, rendering): on an interactive terminal only.

Shown only when stderr is a terminal, never when it is piped or redirected, never under CI (``CI`` set), on a
``TERM=dumb`` terminal or with ``--quiet``; so logs and captured output never fill with carriage returns. A line
appears only once a step has taken longer than ``delay`` seconds (the embedded example never shows one), is redrawn at
most every ``interval`` seconds (cheap in a loop over 6,400 files), and is erased when the step ends, leaving the
terminal as it was.

    from .progress import progress, stage
    for f in progress(files, total=len(files), label="Reading results"):
        ...
    with stage("Writing PDF"):
        ...

No dependency: tqdm does this well, but the tool needs one line and a tty check, not a new install.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import time
from collections.abc import Iterable, Iterator
from typing import IO, TypeVar

from .terminal import safe

T = TypeVar("T")

DELAY = 0.5  # seconds before anything is shown
INTERVAL = 0.1  # seconds between redraws

_quiet = False


def configure(*, quiet: bool) -> None:
    """Set once by the command line from --quiet; progress() and stage() then need no flag of their own."""
    global _quiet
    _quiet = quiet


def is_enabled(stream: IO[str] | None = None) -> bool:
    """True when progress may be drawn on ``stream`` (default stderr): a terminal, not quiet, not CI, not dumb."""
    if _quiet:
        return False
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        return False
    if os.environ.get("TERM") == "dumb":
        return False
    stream = stream if stream is not None else sys.stderr
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError, OSError):  # closed, or not a real file
        return False


class _Line:
    """One status line on a terminal, redrawn in place and erased at the end."""

    def __init__(self, stream: IO[str]):
        self.stream = stream
        self.shown = False

    def draw(self, text: str) -> None:
        width = max(20, shutil.get_terminal_size((80, 24)).columns - 1)
        self.stream.write("\r" + safe(text)[:width].ljust(width))  # labels may hold file names: no escapes
        self.stream.flush()
        self.shown = True

    def erase(self) -> None:
        if self.shown:
            width = max(20, shutil.get_terminal_size((80, 24)).columns - 1)
            self.stream.write("\r" + " " * width + "\r")
            self.stream.flush()
            self.shown = False


def _bar(done: int, total: int, width: int = 24) -> str:
    filled = int(width * done / total) if total else 0
    return "[" + "#" * filled + "-" * (width - filled) + "]"


def progress(
    iterable: Iterable[T],
    total: int | None = None,
    label: str = "",
    enabled: bool | None = None,
    *,
    stream: IO[str] | None = None,
    delay: float = DELAY,
    interval: float = INTERVAL,
) -> Iterator[T]:
    """Yield the items of ``iterable`` unchanged, drawing ``label [####----] n/total`` while it runs.

    ``enabled=None`` decides by :func:`is_enabled`; ``total`` defaults to ``len(iterable)`` when it has one.
    """
    stream = stream if stream is not None else sys.stderr
    if not (is_enabled(stream) if enabled is None else enabled):
        yield from iterable
        return
    if total is None and hasattr(iterable, "__len__"):
        total = len(iterable)  # type: ignore[arg-type]
    line = _Line(stream)
    start = time.monotonic()
    next_draw = start + delay
    done = 0
    try:
        for item in iterable:
            yield item
            done += 1
            now = time.monotonic()
            if now >= next_draw:
                next_draw = now + interval
                elapsed = now - start
                if total:
                    line.draw(f"{label} {_bar(done, total)} {done:,}/{total:,} {elapsed:.0f} s")
                else:
                    line.draw(f"{label} {done:,} {elapsed:.0f} s")
    finally:
        line.erase()


@contextlib.contextmanager
def stage(
    label: str,
    enabled: bool | None = None,
    *,
    stream: IO[str] | None = None,
    delay: float = DELAY,
    interval: float = 0.5,
) -> Iterator[None]:
    """Show ``label ... N s`` while the block runs (a step with no count, such as printing the PDF)."""
    stream = stream if stream is not None else sys.stderr
    if not (is_enabled(stream) if enabled is None else enabled):
        yield
        return
    import threading  # only when a line may be drawn

    line = _Line(stream)
    stop = threading.Event()
    start = time.monotonic()

    def tick() -> None:
        if stop.wait(delay):
            return
        while True:
            line.draw(f"{label} ... {time.monotonic() - start:.0f} s")
            if stop.wait(interval):
                return

    ticker = threading.Thread(target=tick, name="tco-report-progress", daemon=True)
    ticker.start()
    try:
        yield
    finally:
        stop.set()
        ticker.join()
        line.erase()
