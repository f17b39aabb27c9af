"""Cell formats: inputs look like inputs (pale yellow, blue text, unlocked), calculations are locked."""

from __future__ import annotations

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook

NUMBER_FORMATS = {
    "USD": '"$"#,##0.0000',
    "USD/year": '"$"#,##0',
    "USD_big": '"$"#,##0',
    "req/s": "#,##0.000",
    "ms": "#,##0.00",
    "tokens": "#,##0.0",
    "tokens/s": "#,##0.0",
    "GPUs": "#,##0.###",
    "servers": "#,##0.###",
    "instances": "#,##0.###",
    "requests": "#,##0.###",
    "requests/year": "#,##0",
    "years": "0.##",
    "fraction": "0.000",
    "s": "#,##0",
    "#": "0",
    "configs": "0",
    "USD/GPU-hour": '"$"#,##0.0000',
    "months": "#,##0.0",
    "users": "#,##0",
    "req/min": "#,##0.###",
    "per year": "0.0000",
    "tokens/day": "#,##0",
}


class Styles:
    """The formats of one workbook, created once and looked up by role and unit."""

    def __init__(self, wb: Workbook):
        self.wb = wb
        self._cache: dict[tuple[str, str], Format] = {}
        self.title = wb.add_format({"bold": True, "font_size": 14})
        self.header = wb.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True})
        self.section = wb.add_format({"bold": True, "font_size": 12, "bottom": 1})
        self.label = wb.add_format({})
        self.note = wb.add_format({"italic": True, "font_color": "#595959", "text_wrap": True})
        self.wrap = wb.add_format({"text_wrap": True, "valign": "top"})

    def _get(self, role: str, unit: str) -> Format:
        key = (role, unit)
        if key not in self._cache:
            props: dict[str, object] = {}
            if unit in NUMBER_FORMATS:
                props["num_format"] = NUMBER_FORMATS[unit]
            if role == "input":
                props.update({"bg_color": "#FFF2CC", "font_color": "#0000FF", "border": 1, "locked": False})
            elif role == "constant":
                props.update({"bg_color": "#EDEDED", "font_color": "#7F7F7F", "border": 1})
            elif role == "output":
                props.update({"bold": True})
            self._cache[key] = self.wb.add_format(props)
        return self._cache[key]

    def input(self, unit: str = "") -> Format:
        return self._get("input", unit)

    def constant(self, unit: str = "") -> Format:
        return self._get("constant", unit)

    def calc(self, unit: str = "") -> Format:
        return self._get("calc", unit)

    def output(self, unit: str = "") -> Format:
        return self._get("output", unit)
