"""The writers pause the cyclic garbage collector only while they write, and leave it as they found it."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from tco_report import api
from tco_report.gcpause import paused_gc
from tco_report.summary import write_summary
from tco_report.workbook import write_workbook


@pytest.fixture
def collector_on() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_off_inside_back_on_after(collector_on: None) -> None:
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_back_on_after_an_error(collector_on: None) -> None:
    with pytest.raises(KeyError), paused_gc():
        raise KeyError("x")
    assert gc.isenabled()


def test_left_off_when_the_caller_had_it_off(collector_on: None) -> None:
    gc.disable()
    with paused_gc():
        pass
    assert not gc.isenabled()


def test_writers_leave_it_on(collector_on: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []
    real = gc.disable
    monkeypatch.setattr(gc, "disable", lambda: (seen.append(True), real())[1])
    report = api.run()
    write_workbook(report, tmp_path / "t.xlsx", tool_version="t")
    write_summary(report, tmp_path / "s.json", "t")
    assert seen == [True, True]  # each writer paused it
    assert gc.isenabled()
