"""Types are checked, not only written: mypy passes on the package, strict for the core, with the flags
pyproject.toml gives it (normal mode for the other modules).

A test rather than a separate CI step, so that the README's one test command checks types on every machine, with
the mypy the test extras pin (a missing mypy fails here, it is never skipped).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

CORE = ("model", "names", "assumptions", "analysis", "sizing", "calculator", "decisions")
CONFIG = ROOT / "pyproject.toml"
# Every module of the package, found on disk so that a new one is checked without touching this list.
PACKAGE = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "tco_report").rglob("*.py"))


def mypy(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(CONFIG), "--cache-dir", str(cwd / ".mypy_cache"), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=600,
    )


def test_core_passes_mypy_strict():
    r = mypy(*(f"tco_report/{m}.py" for m in CORE))
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"no issues found in {len(CORE)} source files" in r.stdout


def test_package_passes_mypy():
    """The whole package, the core strict and the rest in normal mode (the workbook's sheets too), in one run."""
    assert len(PACKAGE) > len(CORE) and all(f"tco_report/{m}.py" in PACKAGE for m in CORE)
    assert "tco_report/workbook/reader.py" in PACKAGE and "tco_report/workbook/sheet_checks.py" in PACKAGE
    r = mypy(*PACKAGE)
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"no issues found in {len(PACKAGE)} source files" in r.stdout


def test_configuration_is_strict_for_the_core_only(tmp_path):
    """The same untyped function is an error in a core module and accepted elsewhere (normal mode)."""
    pkg = tmp_path / "tco_report"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    for name in (*CORE, "cli"):
        (pkg / f"{name}.py").write_text("def f(x):\n    return x\n")
    r = mypy(*(f"tco_report/{m}.py" for m in (*CORE, "cli")), cwd=tmp_path)
    flagged = {line.split(".py:")[0].removeprefix("tco_report/") for line in r.stdout.splitlines() if ".py:" in line}
    assert flagged == set(CORE), r.stdout
    assert "no-untyped-def" in r.stdout
