"""Read input files safely: regular files only, never blocking on a FIFO, with a size limit checked before reading
and again while reading (a file that grows, or a link to /dev/zero, is stopped at the limit, not read until memory
runs out)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import InputError

_CHUNK = 1 << 20


class NotRegularFile(InputError):
    """A path that is a FIFO, a device, a socket or a folder where a file was expected."""


class FileTooLarge(InputError):
    """A file over the size limit of what it is expected to be."""


def kind(mode: int) -> str:
    """What a file mode says the path is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_regular(path: str | os.PathLike[str], limit: int, what: str) -> os.stat_result:
    """The stat of ``path`` (links followed) when it is a regular file of at most ``limit`` bytes; otherwise an
    InputError naming the path and what was expected (``what``, e.g. "a YAML assumptions file")."""
    p = path if isinstance(path, Path) else Path(path)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        if p.is_symlink():
            raise InputError(
                p, None, f"cannot be read: a symbolic link whose target is missing (expected {what})"
            ) from None
        raise InputError(p, None, f"file not found (expected {what})") from None
    except OSError as e:  # a symlink loop, a permission problem, a name too long
        raise InputError(p, None, f"cannot be read: {e.strerror or e} (expected {what})") from None
    if not stat.S_ISREG(st.st_mode):
        if stat.S_ISDIR(st.st_mode):
            raise NotRegularFile(p, None, f"is a folder; expected {what}")
        raise NotRegularFile(p, None, f"is {kind(st.st_mode)}, not a regular file; expected {what}")
    _check_size(p, st, limit, what)
    return st


def _check_size(p: Path, st: os.stat_result, limit: int, what: str) -> None:
    if st.st_size > limit:
        raise FileTooLarge(p, None, f"is {st.st_size:,} bytes; {what} is expected to be under {limit:,}")


_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)


def read_regular(path: str | os.PathLike[str], limit: int, what: str, *, listed_regular: bool = False) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes. Opened without blocking (a FIFO swapped in after the
    check cannot hang the run) and checked again on the open descriptor; reading stops past the limit.

    ``listed_regular``: the caller has just seen the path listed as a regular file (a folder walk), so the stat
    before the open is skipped: the checks on the open descriptor (type, size) make the same refusals, with the
    same messages; a path that cannot be opened is stat'ed then, for check_regular's message."""
    p = path if isinstance(path, Path) else Path(path)
    if not listed_regular:
        check_regular(p, limit, what)
    try:
        fd = os.open(p, _FLAGS)
    except OSError as e:
        if listed_regular:
            check_regular(p, limit, what)  # gone, a dangling link, a loop ...: the message a stat first gives
        raise InputError(p, None, f"cannot be read: {e.strerror or e}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # replaced between the check and the open
            if listed_regular and stat.S_ISDIR(st.st_mode):
                raise NotRegularFile(p, None, f"is a folder; expected {what}")
            raise NotRegularFile(p, None, f"is {kind(st.st_mode)}, not a regular file; expected {what}")
        if listed_regular:
            _check_size(p, st, limit, what)
        chunks: list[bytes] = []
        total = 0
        size = min(st.st_size, limit) + 1  # the whole file in one read, and the end seen by the next one
        while True:
            try:
                chunk = os.read(fd, size)
            except OSError as e:
                raise InputError(p, None, f"cannot be read: {e.strerror or e}") from None
            if not chunk:
                break
            total += len(chunk)
            if total > limit:
                raise FileTooLarge(p, None, f"grew past {limit:,} bytes while being read; {what} is smaller")
            chunks.append(chunk)
            size = _CHUNK
        return b"".join(chunks)
    finally:
        os.close(fd)


def is_regular(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` (links followed) is a regular file; never opens it."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False
