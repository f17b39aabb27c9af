"""Refuse a workbook that is too big to unpack safely (a zip bomb, or simply a huge file) before openpyxl opens it."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from ..errors import InputError
from ..files import read_regular

MAX_FILE_BYTES = 100 * 1024 * 1024  # a 6,400-row workbook is a few MB
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
MAX_RATIO = 200  # XML compresses about 10-30x; far beyond that is a bomb
RATIO_FLOOR = 1024 * 1024  # small members may compress arbitrarily well


def check_archive(path: Path) -> bytes:
    """The workbook's bytes, unless ``path`` is not a regular file, or not an xlsx (zip) archive of sane packed and
    unpacked size (then an InputError). Read once, without blocking on a FIFO and with the size limit enforced."""
    data = read_regular(path, MAX_FILE_BYTES, "an .xlsx workbook written by tco_report")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
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
    return data
