"""When a report is made: ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else now; always UTC.

The variable is input like any other: a value that is not what reproducible-builds tools write (the whole seconds
since 1970-01-01 UTC, as ``date +%s`` prints them) is bad input, exit 2, never an internal error.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from datetime import datetime, timezone

from .errors import InputError

VARIABLE = "SOURCE_DATE_EPOCH"
MAX_EPOCH = 253_402_300_799  # 9999-12-31 23:59:59 UTC, the last second a datetime can hold
_DIGITS = re.compile(r"[0-9]{1,12}")  # ASCII digits only: str.isdigit() would take other scripts' digits too


def report_time(environ: Mapping[str, str] | None = None) -> datetime:
    """The report's date and time. An empty or unset ``SOURCE_DATE_EPOCH`` means now (to the second)."""
    env = os.environ if environ is None else environ
    text = env.get(VARIABLE, "").strip()
    if not text:
        return datetime.now(tz=timezone.utc).replace(microsecond=0)
    if not _DIGITS.fullmatch(text) or int(text) > MAX_EPOCH:
        raise InputError(
            None,
            None,
            f"the environment variable {VARIABLE} is {text[:40]!r}; expected a whole number of seconds since "
            f"1970-01-01 00:00 UTC (as `date +%s` prints it), from 0 to {MAX_EPOCH}, or the variable unset",
        )
    return datetime.fromtimestamp(int(text), tz=timezone.utc)
