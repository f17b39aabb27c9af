"""The command line draws progress only on a terminal: captured (piped) stderr stays free of it (issue 8)."""

from __future__ import annotations

import pytest

from tco_report import progress
from tco_report.cli import main


def test_no_progress_lines_when_stderr_is_not_a_terminal(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--out", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert "\r" not in err and "Reading" not in err


def test_quiet_is_passed_to_the_progress_reporter(tmp_path) -> None:
    try:
        assert main(["--out", str(tmp_path / "out"), "--quiet"]) == 0
        assert progress._quiet is True
    finally:
        progress.configure(quiet=False)
