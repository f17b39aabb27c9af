"""Refuse a workbook that is too big to unpack safely (a zip bomb, or simply a huge file) before openpyxl opens it."""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..errors import InputError

MAX_FILE_BYTES = 100 * 1024 * 1024  # a 6,400-row workbook is a few MB
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
MAX_RATIO = 200  # XML compresses about 10-30x; far beyond that is a bomb
RATIO_FLOOR = 1024 * 1024  # small members may compress arbitrarily well


def check_archive(path: Path) -> None:
    """Raise InputError unless ``path`` is an xlsx (zip) archive of sane packed and unpacked size."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(path, None, "file not found (expected an .xlsx workbook written by tco_report)") from None
    except OSError as e:  # a symlink loop, a permission problem
        raise InputError(path, None, f"cannot be read: {e.strerror or e}") from None
    if not path.is_file():
        raise InputError(path, None, "is not a file (expected an .xlsx workbook)")
    if size > MAX_FILE_BYTES:
        raise InputError(path, None, f"the workbook is {size:,} bytes; expected at most {MAX_FILE_BYTES:,}")
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError) as e:
        raise InputError(path, None, f"is not an .xlsx workbook (not a zip archive: {e})") from None
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise InputError(
                path,
                info.filename,
                f"unpacks {info.compress_size:,} bytes to {info.file_size:,} (more than {MAX_RATIO}x); "
                "refusing a possible zip bomb",
            )
    if total > MAX_UNPACKED_BYTES:
        raise InputError(
            path, None, f"the workbook unpacks to {total:,} bytes; expected at most {MAX_UNPACKED_BYTES:,}"
        )
