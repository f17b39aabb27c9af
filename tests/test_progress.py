"""The progress reporter: drawn on a terminal (a pty here), never on a pipe, under CI or with --quiet."""

from __future__ import annotations

import io
import os
import pty
import select
from collections.abc import Iterator

import pytest

from tco_report import progress as pg


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts as on a developer's terminal: not quiet, no CI variable, a real TERM."""
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    pg.configure(quiet=False)
    yield
    pg.configure(quiet=False)


@pytest.fixture
def tty() -> Iterator[tuple[io.TextIOWrapper, int]]:
    """A text stream on a pseudo-terminal's follower side, and the leader's fd to read what was drawn."""
    leader, follower = pty.openpty()
    stream = os.fdopen(follower, "w", encoding="utf-8")
    yield stream, leader
    stream.close()
    os.close(leader)


def drawn(leader: int) -> str:
    """Everything written to the terminal so far."""
    out = b""
    while select.select([leader], [], [], 0.2)[0]:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    return out.decode("utf-8", "replace")


def pipe_stream() -> tuple[io.TextIOWrapper, int]:
    r, w = os.pipe()
    return os.fdopen(w, "w", encoding="utf-8"), r


def test_items_pass_through_unchanged(tty: tuple[io.TextIOWrapper, int]) -> None:
    stream, _ = tty
    assert list(pg.progress(range(5), label="x", stream=stream, delay=0, interval=0)) == [0, 1, 2, 3, 4]
    assert list(pg.progress(iter("abc"), label="x", stream=stream, delay=0)) == ["a", "b", "c"]


def test_terminal_shows_label_count_and_erases(tty: tuple[io.TextIOWrapper, int]) -> None:
    stream, leader = tty
    list(pg.progress(["a", "b", "c"], label="Reading results", stream=stream, delay=0, interval=0))
    text = drawn(leader)
    assert "Reading results" in text
    assert "3/3" in text
    assert "[" in text and "#" in text
    assert text.endswith("\r")  # the line was erased, the cursor is back at the start


def test_total_is_taken_from_len(tty: tuple[io.TextIOWrapper, int]) -> None:
    stream, leader = tty
    list(pg.progress([1, 2], label="n", stream=stream, delay=0, interval=0))
    assert "2/2" in drawn(leader)


def test_pipe_shows_nothing() -> None:
    stream, r = pipe_stream()
    try:
        assert list(pg.progress(range(3), label="Reading", stream=stream, delay=0, interval=0)) == [0, 1, 2]
        with pg.stage("Writing PDF", stream=stream, delay=0, interval=0.01):
            pass
        stream.close()
        assert os.read(r, 1000) == b""
    finally:
        os.close(r)


def test_quiet_shows_nothing_on_a_terminal(tty: tuple[io.TextIOWrapper, int]) -> None:
    stream, leader = tty
    pg.configure(quiet=True)
    assert not pg.is_enabled(stream)
    list(pg.progress(range(3), label="Reading", stream=stream, delay=0, interval=0))
    assert drawn(leader) == ""


@pytest.mark.parametrize(("var", "value"), [("CI", "true"), ("CI", "1"), ("TERM", "dumb")])
def test_ci_and_dumb_terminals_show_nothing(
    tty: tuple[io.TextIOWrapper, int], monkeypatch: pytest.MonkeyPatch, var: str, value: str
) -> None:
    stream, leader = tty
    monkeypatch.setenv(var, value)
    assert not pg.is_enabled(stream)
    list(pg.progress(range(3), label="Reading", stream=stream, delay=0, interval=0))
    assert drawn(leader) == ""


def test_ci_false_still_shows(tty: tuple[io.TextIOWrapper, int], monkeypatch: pytest.MonkeyPatch) -> None:
    stream, _ = tty
    monkeypatch.setenv("CI", "false")
    assert pg.is_enabled(stream)


def test_nothing_before_the_delay(tty: tuple[io.TextIOWrapper, int]) -> None:
    stream, leader = tty
    list(pg.progress(range(3), label="Reading", stream=stream, delay=3600))
    assert drawn(leader) == ""


def test_explicit_enabled_overrides_detection() -> None:
    buf = io.StringIO()  # not a terminal
    list(pg.progress(range(2), label="forced", enabled=True, stream=buf, delay=0, interval=0))
    assert "forced" in buf.getvalue()
    buf = io.StringIO()
    list(pg.progress(range(2), label="off", enabled=False, stream=buf, delay=0, interval=0))
    assert buf.getvalue() == ""


def test_early_exit_and_errors_erase_the_line(tty: tuple[io.TextIOWrapper, int]) -> None:
    stream, leader = tty
    for i in pg.progress(range(10), label="Reading", stream=stream, delay=0, interval=0):
        if i == 2:
            break
    assert drawn(leader).endswith("\r")
    with pytest.raises(RuntimeError):
        for i in pg.progress(range(10), label="Reading", stream=stream, delay=0, interval=0):
            if i == 2:
                raise RuntimeError("boom")
    assert drawn(leader).endswith("\r")


def test_stage_shows_label_on_a_terminal_and_erases(tty: tuple[io.TextIOWrapper, int]) -> None:
    stream, leader = tty
    with pg.stage("Writing PDF", stream=stream, delay=0, interval=0.01):
        select.select([leader], [], [], 1.0)  # the ticker draws at once (delay=0); wait until it has
    text = drawn(leader)
    assert "Writing PDF" in text
    assert text.endswith("\r")


def test_stage_propagates_errors(tty: tuple[io.TextIOWrapper, int]) -> None:
    stream, _ = tty
    with pytest.raises(ValueError), pg.stage("Writing PDF", stream=stream, delay=0, interval=0.01):
        raise ValueError("bad")


def test_control_characters_in_labels_are_not_sent_to_the_terminal(tty: tuple[io.TextIOWrapper, int]) -> None:
    stream, leader = tty
    list(pg.progress(range(2), label="Reading \x1b]0;pwned\x07dir", stream=stream, delay=0, interval=0))
    text = drawn(leader)
    assert "\x1b" not in text and "\x07" not in text
    assert "Reading ?]0;pwned?dir" in text
