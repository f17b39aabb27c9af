"""The second process (second_process) gives the same charts and PDF as this process, and its errors reach us."""

from __future__ import annotations

import time

import pytest

from tco_report import api, charts, render
from tco_report.second_process import SecondProcess

HTML = "<html><head><title>t</title></head><body><h1>Printed elsewhere</h1><p>42 servers</p></body></html>"


@pytest.fixture(scope="module")
def second():
    with SecondProcess() as s:
        yield s


def _wait_ready(second: SecondProcess) -> None:
    deadline = time.perf_counter() + 60
    while not second.ready():
        assert time.perf_counter() < deadline, "the second process never got ready"
        time.sleep(0.05)


def test_charts_drawn_there_are_the_charts_drawn_here(second, monkeypatch):
    """Same SVG bytes whichever process draws them, and in the same order."""
    _wait_ready(second)
    sent = []
    monkeypatch.setattr(second, "draw", lambda fs, r, draw=second.draw: sent.append(fs) or draw(fs, r))
    report = api.run()
    here = charts.all_charts(report)
    split = charts.all_charts(report, second)
    assert [c.key for c in split] == [c.key for c in here]
    assert [c.svg for c in split] == [c.svg for c in here]
    assert {c.key for c in here} > set(charts._DRAWN_THERE)  # both processes drew some
    assert [f.__name__ for f in sent[0]] == ["latency_throughput"]


def test_charts_are_all_drawn_here_while_it_is_not_ready(monkeypatch):
    with SecondProcess() as second:
        monkeypatch.setattr(second, "ready", lambda: False)
        monkeypatch.setattr(second, "draw", lambda *a: pytest.fail("sent work to a process that is not ready"))
        assert [c.key for c in charts.all_charts(api.run(), second)][0] == "chart-latency"


def test_pdf_printed_there_is_the_pdf_printed_here(tmp_path, second):
    html_path, pdf_path = tmp_path / "r.html", tmp_path / "r.pdf"
    html_path.write_text(HTML, encoding="utf-8")
    second.print_pdf(html_path, pdf_path)
    second.wait_pdf()
    assert pdf_path.read_bytes() == render.html_to_pdf(HTML)


def test_refused_url_is_a_value_error_as_here(tmp_path, second):
    """The same URL fetcher runs there: a file:// image is refused, and we see the same ValueError."""
    html_path, pdf_path = tmp_path / "r.html", tmp_path / "r.pdf"
    html_path.write_text('<html><body><img src="file:///etc/hostname"></body></html>', encoding="utf-8")
    second.print_pdf(html_path, pdf_path)
    with pytest.raises(ValueError, match="file:///etc/hostname"):
        second.wait_pdf()
    assert not pdf_path.exists()


def test_a_missing_html_file_is_the_error_it_is(tmp_path, second):
    second.print_pdf(tmp_path / "missing.html", tmp_path / "r.pdf")
    with pytest.raises(FileNotFoundError, match="missing.html"):
        second.wait_pdf()


def test_wait_without_a_job_is_a_programming_error(second):
    with pytest.raises(RuntimeError, match="before print_pdf"):
        second.wait_pdf()


def test_leaving_early_stops_the_process_at_once():
    """A run that fails on bad input does not wait for the imports there: the process is stopped on the way out."""
    t = time.perf_counter()
    with SecondProcess() as s:
        proc = s._proc  # to check that it is gone
    assert time.perf_counter() - t < 5
    assert proc is not None and proc.returncode is not None
    with pytest.raises(RuntimeError, match="already been stopped"):
        s.print_pdf("a.html", "a.pdf")


def test_a_crash_there_is_an_error_here_not_a_hang(tmp_path):
    with SecondProcess() as s:
        assert s._proc is not None
        s._proc.kill()
        s._proc.wait()
        with pytest.raises(RuntimeError, match="ended unexpectedly"):
            s.print_pdf(tmp_path / "r.html", tmp_path / "r.pdf")  # the broken pipe, or else ...
            s.wait_pdf()  # ... the end of its answers


def test_answers_can_be_collected_in_any_order_and_the_report_is_sent_once(second, monkeypatch):
    _wait_ready(second)
    report = api.run()
    sent = []
    send = second._send
    monkeypatch.setattr(second, "_send", lambda req, **kw: sent.append(req[0]) or send(req, **kw))
    first = second.draw([charts.yearly_cost], report)
    then = second.draw([charts.token_cost, charts.yearly_cost], report)
    assert then() == [charts.token_cost(report), charts.yearly_cost(report)]
    assert first() == [charts.yearly_cost(report)]
    assert sent.count("keep") <= 1 and sent.count("draw") == 2


def test_an_error_there_is_raised_here_as_it_is(second):
    _wait_ready(second)
    report = api.run()
    broken = second.draw([charts.yearly_cost, _raises], report)
    with pytest.raises(ZeroDivisionError):
        broken()
    assert second.draw([charts.yearly_cost], report)() == [charts.yearly_cost(report)]  # and it carries on


def _raises(report):
    return 1 / 0


def test_decision_charts_drawn_there_are_the_ones_drawn_here(second):
    """The scenario example has every decision chart: scenarios, API break-even, plan and sensitivity."""
    from tco_report import render
    from tco_report.resources import inputs_dir

    _wait_ready(second)
    report = api.run(None, inputs_dir() / "scenarios.yaml")
    parts = render.decision_parts(report)
    here = charts.decision_charts(report, parts)
    there = charts.decision_charts_there(report, parts, second)()
    assert len(here) >= 3
    assert list(there) == list(here)
    assert [c.svg for c in there.values()] == [c.svg for c in here.values()]


def test_without_a_second_python_the_run_does_everything_itself(tmp_path, monkeypatch):
    """An interpreter that cannot start another (sys.executable empty or gone): the same outputs, in one process."""
    from tco_report import cli, second_process

    def cannot(*args, **kwargs):
        raise FileNotFoundError("no python here")

    monkeypatch.setattr(second_process.subprocess, "Popen", cannot)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert cli.main(["--out", str(tmp_path / "one"), "-q"]) == 0
    monkeypatch.undo()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert cli.main(["--out", str(tmp_path / "two"), "-q"]) == 0
    for name in ("tco_report.html", "tco_report.pdf", "summary.json"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name


def test_ctrl_c_in_the_terminal_leaves_no_traceback_from_the_second_process(tmp_path):
    """Ctrl-C goes to the whole process group: the run says it was interrupted, and nothing else is printed."""
    import os
    import signal
    import subprocess
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-m", "tco_report", "--out", str(tmp_path / "out"), "-q"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal would give it
    )
    time.sleep(1.0)  # both processes are importing (the example takes 4-6 s in all)
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert err.strip() == "tco-report: interrupted; nothing was written"
    assert not (tmp_path / "out" / "tco_report.pdf").exists()
