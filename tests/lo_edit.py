"""Edit workbooks the way a user does, inside LibreOffice itself, then recalculate and save them as xlsx.

Run by Debian's /usr/bin/python3 (the python3-uno package; the venv's Python has no uno module) as
``/usr/bin/python3 tests/lo_edit.py JOBS.json``. JOBS.json: {"soffice": path, "jobs": [{"in": path, "out": path,
"ops": [...]}, ...]}. One headless soffice serves every job (its start-up dominates the cost). Operations, with
0-based row indices and A1 cell names:

- {"op": "insert_rows", "sheet": S, "row": r, "count": n}: Sheet > Insert Rows above row r
- {"op": "delete_rows", "sheet": S, "row": r, "count": n}: Sheet > Delete Rows
- {"op": "copy_row", "sheet": S, "from": r, "to": t, "columns": n}: copy a row's first n cells (values and
  formulas) and paste them at row t, as Ctrl+C / Ctrl+V do
- {"op": "set", "sheet": S, "cell": "B12", "value": v}: type a number or a text into a cell
- {"op": "sort", "sheet": S, "range": "A2:Z25", "column": c, "descending": true}: Data > Sort on one column
- {"op": "unprotect", "sheet": S}: Tools > Protect Sheet, off (no password), before deleting rows

Only the standard library and uno: this file is not imported by the test suite, which runs under the venv.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.table import TableSortField  # type: ignore[import-not-found]

REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""


def _prop(name: str, value: object) -> PropertyValue:
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def _connect(soffice: str, profile: Path) -> tuple[subprocess.Popen[bytes], object]:
    port = 20000 + os.getpid() % 20000
    proc = subprocess.Popen(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--norestore",
            f"--accept=socket,host=127.0.0.1,port={port};urp;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + 120
    while True:
        try:
            ctx = resolver.resolve(f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext")
            break
        except Exception:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise
            time.sleep(0.3)
    return proc, ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)


def _apply(doc: object, op: dict) -> None:
    sheet = doc.Sheets.getByName(op["sheet"])
    kind = op["op"]
    if kind == "insert_rows":
        sheet.Rows.insertByIndex(op["row"], op.get("count", 1))
    elif kind == "delete_rows":
        sheet.Rows.removeByIndex(op["row"], op.get("count", 1))
    elif kind == "copy_row":
        last = op["columns"] - 1
        source = sheet.getCellRangeByPosition(0, op["from"], last, op["from"]).RangeAddress
        sheet.copyRange(sheet.getCellByPosition(0, op["to"]).CellAddress, source)
    elif kind == "set":
        cell = sheet.getCellRangeByName(op["cell"])
        value = op["value"]
        if value is None:
            cell.setString("")
        elif isinstance(value, str):
            cell.setString(value)
        else:
            cell.setValue(float(value))
    elif kind == "unprotect":  # Tools > Protect Sheet, off (the sheets have no password)
        sheet.unprotect("")
    elif kind == "sort":
        field = TableSortField()
        field.Field = op["column"]
        field.IsAscending = not op.get("descending", False)
        descriptor = (_prop("SortFields", uno.Any("[]com.sun.star.table.TableSortField", (field,))),
                      _prop("ContainsHeader", False))  # fmt: skip
        sheet.getCellRangeByName(op["range"]).sort(descriptor)
    else:
        raise ValueError(f"unknown operation {kind!r}")


def main(jobs_file: str) -> int:
    spec = json.loads(Path(jobs_file).read_text(encoding="utf-8"))
    profile = Path(tempfile.mkdtemp(prefix="lo-edit-"))
    (profile / "user").mkdir()
    (profile / "user" / "registrymodifications.xcu").write_text(REGISTRY, encoding="utf-8")
    proc, desktop = _connect(spec["soffice"], profile)
    try:
        for job in spec["jobs"]:
            doc = desktop.loadComponentFromURL(Path(job["in"]).resolve().as_uri(), "_blank", 0,
                                               (_prop("Hidden", True),))  # fmt: skip
            try:
                for op in job["ops"]:
                    _apply(doc, op)
                doc.calculateAll()
                doc.storeToURL(Path(job["out"]).resolve().as_uri(), (_prop("FilterName", "Calc MS Excel 2007 XML"),))
            finally:
                doc.close(True)
    finally:
        with contextlib.suppress(Exception):  # soffice may already be gone
            desktop.terminate()
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(profile, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
