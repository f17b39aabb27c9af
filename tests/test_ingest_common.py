"""The shared pieces of the readers: strict numbers, statistic names, the seconds-in-ms check, model names."""

from __future__ import annotations

import math

import pytest

from tco_report.errors import InputError
from tco_report.ingest.common import check_latency, clean_model, normalise_statistic, number


@pytest.mark.parametrize(
    ("value", "fragment"),
    [("12", "text '12'"), (None, "null"), (True, "boolean"), ([1], "a list"), ({}, "an object")]
    + [(math.nan, "finite"), (math.inf, "finite"), (-1, ">= 0"), (10**400, "too large")],
)
def test_number_refuses_with_the_field(value, fragment):
    with pytest.raises(InputError) as e:
        number(value, "f.json", "x.avg")
    assert e.value.file == "f.json" and e.value.field == "x.avg" and fragment in e.value.problem


def test_number_accepts():
    assert number(3, "f", "x") == 3.0 and number(0, "f", "x") == 0.0
    assert number(math.inf, "f", "x", allow_inf=True) == math.inf
    with pytest.raises(InputError, match="greater than 0"):
        number(0, "f", "x", positive=True)


@pytest.mark.parametrize(
    ("raw", "name"),
    [("avg", "avg"), ("mean", "avg"), ("median", "p50"), ("p50", "p50"), ("P99", "p99"), ("p99.9", "p99.9")]
    + [("p90.0", "p90"), ("min", "min"), ("std", None), ("p100", None), ("p0", None), ("stddev", None)],
)
def test_statistic_names(raw, name):
    assert normalise_statistic(raw) == name


@pytest.mark.parametrize(
    ("stats", "osl", "flagged"),
    [
        ({"ttft": {"avg": 0.3}}, 100, "ttft"),  # 0.3 s written as ms
        ({"ttft": {"avg": 0.6}}, 100, None),
        ({"ttft": {"p50": 0.2}}, 100, "ttft"),  # no avg: the median is checked
        ({"e2e": {"avg": 4.0}}, 100, "e2e"),  # 4 s for 100 tokens: 0.04 ms a token
        ({"e2e": {"avg": 6.0}}, 100, None),
        ({"itl": {"avg": 0.008}}, 100, "itl"),
        ({"itl": {"avg": 0.0}}, 100, None),  # all-zero ITL (non-streaming) is not a unit error
        ({"tpot": {"avg": 0.01}}, 100, "tpot"),
        ({"ttft": {"avg": 45.0}, "itl": {"avg": 0.6}, "e2e": {"avg": 900.0}}, 128, None),
    ],
)
def test_seconds_in_a_millisecond_field(stats, osl, flagged):
    if flagged is None:
        check_latency(stats, "f", osl)
        return
    with pytest.raises(InputError) as e:
        check_latency(stats, "f", osl)
    assert e.value.field == f"{flagged} latency" and "seconds" in e.value.problem


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("/models/models--openai--gpt-oss-120b/snapshots/b5c9/", "openai/gpt-oss-120b"),
        ("/data/llama-3-8b", "llama-3-8b"),
        ("meta/llama3-8b-instruct", "meta/llama3-8b-instruct"),
        ("  x  ", "x"),
    ],
)
def test_clean_model(raw, clean):
    assert clean_model(raw) == clean
