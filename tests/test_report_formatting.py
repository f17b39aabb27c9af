"""Numbers for people: the exact strings the report (HTML and PDF) shows."""

from __future__ import annotations

import math
from datetime import datetime, timezone

import pytest

from tco_report import formatting as f
from tco_report.names import RESULT_KEYS


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (320_000, "$320,000"),
        (87_500.0, "$87,500"),
        (1_234_567.89, "$1,234,568"),
        (4_500, "$4,500"),
        (12.5, "$12.50"),
        (3, "$3"),
        (-2_500, "-$2,500"),
    ],
)
def test_money(value, text):
    assert f.money(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.024085, "$0.024"),
        (0.0999, "$0.10"),  # rounding carries into a new digit: still two significant digits
        (0.0012345, "$0.0012"),
        (0.17, "$0.17"),
        (1.2345, "$1.23"),
        (1234.5, "$1,234.50"),
        (0, "$0.00"),
    ],
)
def test_unit_cost_keeps_two_significant_digits_below_a_dollar(value, text):
    assert f.unit_cost(value) == text


@pytest.mark.parametrize(
    ("fn", "value", "text"),
    [
        (f.count, 7.0, "7"),
        (f.count, 1200, "1,200"),
        (f.count, 0.6612, "0.661"),  # fractional sizing, as NVIDIA's workbook
        (f.rate, 15.929442, "15.9"),
        (f.rate, 4.567, "4.57"),
        (f.rate, 1234.5, "1,234"),
        (f.rate, 100, "100"),
        (f.latency, 94.62, "94.6"),
        (f.latency, 1234.4, "1,234"),
        (f.tokens, 1000.3, "1,000"),
        (f.level, 16.0, "16"),
        (f.level, 0.5, "0.5"),
        (f.level, math.inf, "inf"),
        (f.plain, 0.995, "0.995"),
        (f.plain, 4.0, "4"),
        (f.large, 4_018_807_063.4, "4,018,807,063"),
    ],
)
def test_kinds(fn, value, text):
    assert fn(value) == text


@pytest.mark.parametrize("fn", [f.money, f.unit_cost, f.count, f.rate, f.latency, f.tokens, f.level, f.plain, f.large])
def test_missing_values_show_a_dash_not_nan(fn):
    assert fn(None) == f.MISSING
    assert fn(math.nan) == f.MISSING


def test_date_is_iso():
    assert f.date(datetime(2026, 3, 4, 23, 59, tzinfo=timezone.utc)) == "2026-03-04"


def test_every_result_quantity_has_a_kind():
    """Tables format by name: a new result in names.py must get a kind here, not fall back silently."""
    assert set(RESULT_KEYS) <= set(f.KIND_OF)
    assert f.quantity("total_yearly_cost", 87_500) == "$87,500"
    assert f.quantity("servers", 1.0) == "1"


def test_months_and_percent():
    assert f.months(61.98486) == "62.0"
    assert f.months(94.405) == "94.4"
    assert f.percent(0.35) == "35%"
    assert f.percent(0.125) == "12.5%"
    assert f.percent(1.0) == "100%"
    assert f.months(None) == f.MISSING and f.percent(math.nan) == f.MISSING


def test_every_extended_result_has_a_kind():
    from tco_report.names import EXTENDED_RESULT_KEYS

    assert set(EXTENDED_RESULT_KEYS) <= set(f.KIND_OF)
    assert f.quantity("break_even_months", 61.98) == "62.0"
    assert f.quantity("yearly_cloud_cost", 265_603.2) == "$265,603"
