"""The cyclic garbage collector paused while a writer builds many small objects at once.

Writing the workbook of a 6,400-point sweep creates ~350,000 cell tuples, summary.json ~40,000 dicts; none of them
is garbage before the writer is done, yet each allocation burst makes the collector walk the whole heap again (by
then the report, its views and charts): 0.3 s of CPU for the workbook, 0.13 s for summary.json in a full run.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """The collector off for the block, back on afterwards unless the caller had it off (reference counting still
    frees everything that is not in a cycle as usual)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
