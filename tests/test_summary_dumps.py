"""summary.json's encoder (summary.dumps_indented) writes exactly what json.dumps(indent=2, allow_nan=False) writes,
for any JSON-like value, and fails as it does on what JSON cannot hold."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tco_report import api
from tco_report.summary import dumps_indented, summary_dict, write_summary

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from([0.0, -0.0, 1e16, 1e-7, 123456789012345680.0, 5e-324])
    | st.text(max_size=8)
    | st.sampled_from(["", "é", "\u2028", '"\\/', "\x00\x1f", "\U0001f600"])
)
keys = st.text(max_size=6) | st.integers(-5, 5) | st.floats(allow_nan=False, allow_infinity=False) | st.booleans()
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(keys | st.none(), inner, max_size=5)
    ),
    max_leaves=40,
)


@settings(max_examples=400, deadline=None)
@given(values)
def test_same_text_as_json_dumps(value: object) -> None:
    assert dumps_indented(value) == json.dumps(value, indent=2, allow_nan=False)


@pytest.mark.parametrize(
    "value", [math.nan, {"a": [1, math.inf]}, [{"x": -math.inf}], {"a": Decimal(1)}, [object()], {(1, 2): 3}]
)
def test_fails_as_json_dumps(value: object) -> None:
    with pytest.raises((ValueError, TypeError)) as expected:
        json.dumps(value, indent=2, allow_nan=False)
    with pytest.raises(expected.type, match=str(expected.value).split(":")[0]):
        dumps_indented(value)


def test_summary_file_is_json_dumps_of_the_summary(tmp_path: Path) -> None:
    """The example's summary.json: json.dumps(indent=2) of summary_dict and a line end, byte for byte."""
    report = api.run()
    write_summary(report, tmp_path / "summary.json", "t")
    want = json.dumps(summary_dict(report, "t"), indent=2, allow_nan=False) + "\n"
    assert (tmp_path / "summary.json").read_bytes() == want.encode("utf-8")
