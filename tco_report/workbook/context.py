"""What the sheet writers share: the report, the formats, and the Python values every formula caches."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from xlsxwriter.workbook import Workbook

from .. import sources
from ..model import BenchmarkPoint, ConfigResult, Decisions, Report
from . import layout
from .styles import Styles


@dataclass
class Book:
    wb: Workbook
    st: Styles
    report: Report
    tool_version: str
    rows: list[BenchmarkPoint] = field(default_factory=list)  # Benchmarks rows, in table order
    row_index: list[int] = field(default_factory=list)  # report.points index of each Benchmarks row
    point_rows: dict[int, int] = field(default_factory=dict)  # id(point) -> 1-based Benchmarks row
    latency_columns: list[tuple[str, str]] = field(default_factory=list)
    config_rows: dict[str, int] = field(default_factory=dict)  # config -> 1-based config index
    config_span: dict[str, tuple[int, int]] = field(default_factory=dict)  # config -> first, last sheet row
    bm_columns: dict[str, int] = field(default_factory=dict)  # range name -> column on Benchmarks
    bm_last_data_col: int = 0
    cf_columns: dict[str, int] = field(default_factory=dict)  # key -> column on Configs
    sla_rows: list[int] = field(default_factory=list)  # Inputs rows of the SLA table
    config_capacity: int = 0  # rows of the Inputs config table (configs written + empty ones) = rows of Configs
    input_values: dict[str, Any] = field(default_factory=dict)  # Inputs scalar name -> the value written
    hw_capacity: int = 0  # hardware profile columns on Inputs (profiles written + empty ones)
    names: dict[str, str] = field(default_factory=dict)  # defined name -> reference
    # sheet -> (last row, last column) its print area must reach beyond the cells written (charts)
    print_extent: dict[str, tuple[int, int]] = field(default_factory=dict)
    _decisions: Decisions | None = None
    _source_root: str | None = None
    _labels: dict[str, str] = field(default_factory=dict)  # source -> source_label(source), worked out once each

    def source_label(self, source: str) -> str:
        """A benchmark file as the workbook shows it: relative to the folder that holds all of them (named with that
        folder's name, e.g. sweep/cfg/run.json), so no path of the machine that wrote the workbook is shown (the
        report names them the same way: tco_report/sources.py)."""
        label = self._labels.get(source)
        if label is None:
            label = self._labels[source] = sources.shown_path(source, self._parent())
        return label

    def without_machine_paths(self, text: str) -> str:
        """A message with the benchmark files' common folder taken out of every path in it (see source_label)."""
        return sources.without_machine_paths(text, self._parent())

    def _parent(self) -> str:
        if self._source_root is None:
            self._source_root = sources.shared_parent(p.source for p in self.report.points)
        return self._source_root

    def define(self, name: str, reference: str) -> None:
        self.names[name] = reference
        self.wb.define_name(name, reference)

    @property
    def decisions(self) -> Decisions:
        """The decision questions' answers (computed here for a report that came without them)."""
        if self.report.decisions is not None:
            return self.report.decisions
        if self._decisions is None:
            from ..decisions import decide

            self._decisions = decide(self.report)
        return self._decisions

    @property
    def results(self) -> tuple[ConfigResult, ...]:
        return self.report.results

    def sla_header_positions(self) -> list[int | None]:
        """1-based position of each SLA constraint's latency column in a Benchmarks row, None when absent."""
        out: list[int | None] = []
        for c in self.report.assumptions.sla:
            key = (c.metric, c.statistic)
            out.append(self.bm_columns.get(layout.latency_header(*key), -1) + 1 or None)
        return out
