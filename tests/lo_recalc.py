"""Recalculate workbooks with LibreOffice headless, many files per soffice call.

LibreOffice keeps an xlsx file's cached values on load unless told otherwise, so each call gets a fresh profile
whose registrymodifications.xcu sets Calc's OOXMLRecalcMode to 0 (always recalculate).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""


def recalc(soffice: str, files: Sequence[Path], out_dir: Path, *, timeout: float = 900) -> list[Path]:
    """Open every file in LibreOffice, recalculate it, save it as xlsx into ``out_dir``; the new paths, in order."""
    out_dir.mkdir(parents=True, exist_ok=True)
    if len({f.name for f in files}) != len(files):
        raise ValueError("files to recalculate need distinct names")
    if any(f.resolve().parent == out_dir.resolve() for f in files):
        raise ValueError("the output folder must differ from the input folders")
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-"))
    try:
        (profile / "user").mkdir()
        (profile / "user" / "registrymodifications.xcu").write_text(REGISTRY, encoding="utf-8")
        cmd = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(out_dir),
            *map(str, files),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        outs = [out_dir / f.name for f in files]
        missing = [p for p in outs if not p.exists()]
        if proc.returncode != 0 or missing:
            raise RuntimeError(
                f"LibreOffice failed (exit {proc.returncode}); missing {missing}\n{proc.stdout}\n{proc.stderr}"
            )
        return outs
    finally:
        shutil.rmtree(profile, ignore_errors=True)
