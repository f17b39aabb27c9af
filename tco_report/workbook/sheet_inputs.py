"""The Inputs sheet: every assumption in one place, styled as input cells, validated, named and commented."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from .. import names
from ..model import Assumptions, HardwareProfile
from ..names import SECONDS_PER_MINUTE
from . import cells, layout
from .context import Book

SHEET = "Inputs"
LABEL, UNIT, NAME, VALUE = 0, 1, 2, 3


def _validation(kind: dict[str, Any], message: str) -> dict[str, Any]:
    return {**kind, "error_title": "Invalid input", "error_message": message[:255]}


def _bounded(snake: str, blank: str = "") -> dict[str, Any]:
    """The data validation of an input, from its one definition in names.INPUT_BOUNDS (as the YAML loader and the
    workbook reader check it)."""
    b = names.bounds(snake)
    return _validation(b.validation(), f"{names.label(snake)}: expected {b.describe()} ({names.unit(snake)}){blank}.")


def write(book: Book) -> None:
    ws = book.wb.add_worksheet(SHEET)
    st, a = book.st, book.report.assumptions
    ws.set_column(LABEL, LABEL, 66)
    ws.set_column(UNIT, UNIT, 13)
    ws.set_column(NAME, NAME, 31)
    book.hw_capacity = max(layout.HW_PROFILE_COLUMNS, len(a.hardware))
    book.config_capacity = len(book.results) + layout.SPARE_CONFIG_ROWS
    ws.set_column(VALUE, VALUE + max(3, book.hw_capacity - 1), 18)
    for col, head in enumerate(("Input", "Unit", "Defined name", "Value")):
        ws.write_string(0, col, head, st.header)
    ws.freeze_panes(1, 0)
    row = 1

    def scalar(
        name: str, label: str, unit: str, value: Any, validation: dict[str, Any], role: str = "input", shown: str = ""
    ) -> int:
        """One named input; ``shown`` is the quantity (or unit) whose number format it takes, else ``name``'s."""
        nonlocal row
        ws.write_string(row, LABEL, label)
        ws.write_string(row, UNIT, unit)
        ws.write_string(row, NAME, name)
        key = shown or (name if name in names.BY_CAMEL else unit)
        fmt = st.input(key) if role == "input" else st.constant(key)
        if isinstance(value, str):
            ws.write_string(row, VALUE, value, fmt)
        else:
            cells.number(ws, row, VALUE, value, fmt)
        if role == "input":
            book.input_values[name] = value
            ws.data_validation(row, VALUE, row, VALUE, validation)
            ws.write_comment(row, VALUE, f"Unit: {unit}. Defined name: {name}.")
        book.define(name, cells.cell_name(SHEET, row, VALUE))
        row += 1
        return row - 1

    def section(title: str) -> None:
        nonlocal row
        row += 1
        ws.write_string(row, LABEL, title, st.section)
        row += 1

    section("Demand (peakRequestsPerSecond on TCO: users x requests per user / 60 when both are given, else the peak)")
    from_users = peak_from_users(a)
    scalar(
        layout.PEAK_INPUT,
        names.label("peak_requests_per_second") + " (blank when given as users below)",
        "req/s",
        None if from_users else a.peak_requests_per_second,
        _bounded("peak_requests_per_second", ", or blank when given as users"),
    )
    shown = a if from_users else replace(a, active_users_at_peak=None, requests_per_user_per_minute=None)
    for snake in layout.DEMAND_EXTRAS:
        _vocab_scalar(scalar, shown, snake)
    scalar(
        "uptime",
        names.label("uptime"),
        "fraction",
        a.uptime,
        _bounded("uptime"),
    )
    section("Reference token prices (split the cost of a request over input and output tokens)")
    for snake in ("ref_input_price_per_1m", "ref_output_price_per_1m"):
        scalar(
            names.camel(snake),
            names.label(snake),
            "USD",
            getattr(a, snake),
            _bounded(snake),
        )
    section("Sizing")
    scalar(
        "rounding",
        names.label("rounding") + ": whole (buy whole servers) or fractional",
        "whole|fractional",
        a.rounding,
        _validation({"validate": "list", "source": ["whole", "fractional"]}, "Choose whole or fractional."),
    )
    for snake in layout.MODEL_EXTRAS:
        _vocab_scalar(scalar, a, snake)
    for name, (snake, label, unit) in layout.OVERRIDES.items():
        scalar(
            name,
            label,
            unit,
            getattr(a, snake),
            _bounded(snake, ", or left blank"),
        )

    section("Decision questions (hosted API, multi-year plan, sensitivity)")
    for snake in layout.DECISION_INPUTS:
        _vocab_scalar(scalar, a, snake)
    row = _hardware(book, ws, row + 1)
    row = _sla(book, ws, row + 1)
    row = _configs(book, ws, row + 1)

    row += 1
    ws.write_string(row, LABEL, "Named constants (FAST: no number is typed inside a formula)", st.section)
    row += 1
    for snake, value in names.CONSTANTS.items():
        scalar(names.camel(snake), names.label(snake), names.unit(snake), value, {}, role="constant")
    scalar(
        layout.CHECK_TOLERANCE,
        "Relative tolerance of the Checks sheet",
        "fraction",
        layout.CHECK_TOLERANCE_VALUE,
        {},
        role="constant",
        shown="tolerance",
    )
    ws.protect("", {"format_columns": True, "format_rows": True})


def peak_from_users(a: Assumptions) -> bool:
    """Whether the workbook derives the peak from the users. Assumptions built in Python may carry users that do not
    give their peak (a what-if that moved only the peak): the workbook then leaves the users blank, so that its peak,
    like the calculator's, is peak_requests_per_second."""
    users, per_user = a.active_users_at_peak, a.requests_per_user_per_minute
    if users is None or per_user is None:
        return False
    return users * per_user / SECONDS_PER_MINUTE == a.peak_requests_per_second


def _vocab_scalar(scalar: Callable[..., int], a: Assumptions, snake: str) -> None:
    """An assumption from the vocabulary: whole numbers and optional (blank) values validated as such."""
    q = names.BY_SNAKE[snake]
    blank = " (blank: not given)" if snake in layout.OPTIONAL else ""
    scalar(q.camel, q.label + blank, q.unit, getattr(a, snake), _bounded(snake, blank))


# What an empty profile column holds before a quote is typed in: the extensions' neutral values (no energy, network,
# operations or cloud price; PUE and load factor 1), so that a quote needs only the post's own figures.
_NEUTRAL = HardwareProfile(name="")
_BLANK_IN_EMPTY_COLUMN = {snake for range_name, snake, _ in layout.HW_ROWS if range_name in layout.HW_ROWS_REQUIRED}


def _hardware(book: Book, ws: Any, row: int) -> int:
    """One column per hardware profile (a vendor's quote), then empty columns to add quotes in, up to
    HW_PROFILE_COLUMNS. A column whose name is empty is not a profile; every named one is in each config's
    hardware dropdown. The plain names (initialServerCost, ...) are the recommended config's profile, on TCO."""
    st, profiles = book.st, book.report.assumptions.hardware
    ws.write_string(
        row,
        LABEL,
        "Hardware profiles: one column per quote; type a new vendor's quote into an empty column",
        st.section,
    )
    row += 1
    first = row
    last_col = VALUE + book.hw_capacity - 1
    for range_name, snake, _ in layout.HW_ROWS:
        label = "Profile name" if snake is None else names.label(snake)
        unit = "text" if snake is None else names.unit(snake)
        ws.write_string(row, LABEL, label)
        ws.write_string(row, UNIT, unit)
        ws.write_string(row, NAME, range_name)
        fmt = st.input(snake or "text")
        for k in range(book.hw_capacity):
            col = VALUE + k
            if k < len(profiles):
                hw = profiles[k]
                value = hw.name if snake is None else getattr(hw, snake)
                ws.write_comment(row, col, f"Unit: {unit}. Profile '{hw.name}'.")
            else:
                value = None if snake is None or snake in _BLANK_IN_EMPTY_COLUMN else getattr(_NEUTRAL, snake)
            if isinstance(value, str):
                ws.write_string(row, col, value, fmt)
            elif value is None:
                ws.write_blank(row, col, None, fmt)
            else:
                ws.write_number(row, col, value, fmt)
        book.define(range_name, cells.row_range(SHEET, row, VALUE, last_col))
        if snake is None:
            validation = None
        elif snake == "software_licence_per":
            validation = _validation({"validate": "list", "source": ["server", "gpu"]}, "Choose server or gpu.")
        else:
            validation = _bounded(snake)
        if validation:
            ws.data_validation(row, VALUE, row, last_col, validation)
        row += 1
    assert row == first + len(layout.HW_ROWS)
    if len(profiles) < book.hw_capacity:
        ws.write_comment(
            first,
            VALUE + len(profiles),
            "Add a vendor's quote: type its name here and its figures below; it then appears in every config's "
            "hardware dropdown (Deployment configs, below).",
        )
    return row


def _sla(book: Book, ws: Any, row: int) -> int:
    """The SLA constraints: metric, statistic, limit. The first limit is latencyLimitMs, then latencyLimitMs2..."""
    st, sla = book.st, book.report.assumptions.sla
    ws.write_string(row, LABEL, "SLA constraints (a point meets a constraint when its value <= the limit)", st.section)
    row += 1
    for col, head in enumerate(("Constraint", "Unit", "Defined name", "Limit", "Metric", "Statistic")):
        ws.write_string(row, col, head, st.header)
    row += 1
    stats = sorted(
        {s for p in book.report.points for m in p.latency_ms.values() for s in m} | {c.statistic for c in sla}
    )
    first = row
    for j, c in enumerate(sla):
        name = layout.latency_limit_name(j)
        ws.write_string(row, LABEL, f"SLA constraint {j + 1}: {c.statistic} {c.metric.upper()} at most")
        ws.write_string(row, UNIT, "ms")
        ws.write_string(row, NAME, name)
        ws.write_number(row, VALUE, c.max_ms, st.input("ms"))
        ws.write_string(row, VALUE + 1, c.metric, st.input("text"))
        ws.write_string(row, VALUE + 2, c.statistic, st.input("text"))
        ws.data_validation(row, VALUE, row, VALUE, _bounded("latency_limit_ms"))
        ws.data_validation(
            row,
            VALUE + 1,
            row,
            VALUE + 1,
            _validation({"validate": "list", "source": ["ttft", "itl", "e2e"]}, "ttft, itl or e2e"),
        )
        if len(",".join(stats)) < 250:
            ws.data_validation(
                row,
                VALUE + 2,
                row,
                VALUE + 2,
                _validation({"validate": "list", "source": stats}, "A statistic in Benchmarks"),
            )
        ws.write_comment(row, VALUE, "Unit: ms. A point meets the constraint when its value is <= this limit.")
        book.define(name, cells.cell_name(SHEET, row, VALUE))
        book.input_values[name] = c.max_ms
        book.sla_rows.append(row)
        row += 1
    if sla:
        book.define(layout.SLA_LIMIT, cells.col_range(SHEET, VALUE, first, row - 1))
        book.define(layout.SLA_METRIC, cells.col_range(SHEET, VALUE + 1, first, row - 1))
        book.define(layout.SLA_STATISTIC, cells.col_range(SHEET, VALUE + 2, first, row - 1))
    else:
        ws.write_string(row, LABEL, "(no SLA constraint: every point is feasible)", st.note)
        row += 1
    return row


def _configs(book: Book, ws: Any, row: int) -> int:
    """Per-config inputs: GPUs per instance and hardware profile, one row per config in Configs order, then empty
    rows: a config typed into one (name, GPUs per instance, hardware) gets Configs' row of the same position, and
    the Benchmarks rows with that config name are sized and costed there."""
    st = book.st
    ws.write_string(
        row,
        LABEL,
        "Deployment configs: name, GPUs per instance, hardware profile (add a config in an empty row, with its rows "
        "on Benchmarks)",
        st.section,
    )
    row += 1
    for col, head in enumerate(("Config", "Unit", "Note", "GPUs per instance", "Hardware profile")):
        ws.write_string(row, col, head, st.header)
    row += 1
    first = row
    hw_range = book.names["hwName"]
    for r in book.results:
        ws.write_string(row, LABEL, r.config, st.input("text"))
        ws.write_string(row, UNIT, "GPUs")
        ws.write_number(row, VALUE, r.gpus_per_instance, st.input("GPUs"))
        ws.write_string(row, VALUE + 1, r.hardware, st.input("text"))
        row += 1
    for _ in range(layout.SPARE_CONFIG_ROWS):
        ws.write_blank(row, LABEL, None, st.input("text"))
        ws.write_string(row, UNIT, "GPUs")
        ws.write_blank(row, VALUE, None, st.input("GPUs"))
        ws.write_blank(row, VALUE + 1, None, st.input("text"))
        row += 1
    last = row - 1
    ws.data_validation(first, VALUE, last, VALUE, _bounded("gpus_per_instance"))
    ws.data_validation(
        first, VALUE + 1, last, VALUE + 1, _validation({"validate": "list", "source": hw_range}, "A profile name.")
    )
    ws.write_comment(first, VALUE, "Unit: GPUs per model instance (tensor x pipeline parallelism).")
    book.define(layout.CFG_NAME, cells.col_range(SHEET, LABEL, first, last))
    book.define(layout.CFG_GPUS, cells.col_range(SHEET, VALUE, first, last))
    book.define(layout.CFG_HARDWARE, cells.col_range(SHEET, VALUE + 1, first, last))
    return row
