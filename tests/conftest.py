"""Shared test helpers.

External programs (LibreOffice, Chromium, pdftoppm) are installed by .ci/run. On a developer's machine a test
that needs a missing program is skipped; under CI (CI=true) it fails instead, so a missing install step can never
hide behind a skip.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures"
ROOT = TESTS.parent


def require_program(*names: str) -> str:
    """The path of the first program found; skip locally, fail under CI, when none is installed."""
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    msg = f"needs one of {', '.join(names)} (installed by .ci/run)"
    if os.environ.get("CI"):
        pytest.fail(msg + " but CI did not install it")
    pytest.skip(msg)
