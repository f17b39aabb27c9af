"""The wheel carries templates/, inputs/ and docs/: installed in a fresh venv and run from another folder, it works."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

from .conftest import ROOT


def test_installed_wheel_runs_the_example_from_elsewhere(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (wheel,) = dist.glob("tco_report-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "tco_report/templates/" in {n[: len("tco_report/templates/")] for n in names}
    assert "tco_report/inputs/assumptions.yaml" in names
    assert {f"tco_report/docs/{doc}" for doc in ("method.md", "formats.md")} <= set(names)  # what docstrings cite
    assert {"tco_report/templates/report.typ", "tco_report/templates/report.html.j2"} <= set(names)
    assert any(n.startswith("tco_report/inputs/sweep/llama3-8b-fp8-tp1/") for n in names)

    # The test's own environment already has the dependencies: the new venv borrows them through a .pth file
    # and installs only the wheel (no network, and the same on a fresh CI machine as here).
    venv = tmp_path / "v"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    (site_dir,) = venv.glob("lib/python*/site-packages")
    (site_dir / "borrowed.pth").write_text("\n".join(p for p in sys.path if p.endswith("-packages")) + "\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    subprocess.run([str(venv / "bin/pip"), "install", "--no-deps", "-q", str(wheel)], check=True, env=env, timeout=300)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    r = subprocess.run(
        [str(venv / "bin/tco-report"), "--out", "X", "-q"], cwd=elsewhere, env=env, capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
    summary = json.loads((elsewhere / "X/summary.json").read_text())
    assert summary["recommended"]["config"] == "llama3-8b-fp8-tp1"
    assert str(venv) in summary["sources"][0]  # read from the installed package, not from the checkout
