"""The project explains itself: docs/ exists and is linked, names the code it describes correctly, and nothing in
the project points to a document outside it."""

from __future__ import annotations

import importlib
import re
import subprocess

import pytest

from .conftest import ROOT

DOCS = ("method.md", "formats.md")
MD_REFERENCE = re.compile(r"[A-Za-z0-9_./-]*[A-Za-z0-9_-]\.md\b")


def tracked_text_files() -> list[str]:
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [f for f in out.splitlines() if f.endswith((".py", ".md", ".toml", ".yaml", ".j2", ".txt", ".cfg", "run"))]


def test_every_document_the_project_names_is_in_the_project():
    """A document named anywhere (a docstring, a comment, the README) is a file of the repository: nothing sends a
    reader to notes that only exist elsewhere."""
    files = tracked_text_files()
    assert "tco_report/calculator.py" in files and "docs/method.md" in files  # the listing is real
    missing = []
    for f in files:
        here = (ROOT / f).parent
        for n, line in enumerate((ROOT / f).read_text(encoding="utf-8").splitlines(), start=1):
            for ref in MD_REFERENCE.findall(line):
                if not any((base / ref).is_file() for base in (ROOT, here, ROOT / "docs", ROOT / "benchmarks")):
                    missing.append(f"{f}:{n}: {ref}")
    assert missing == []


def test_readme_and_code_point_to_the_docs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for doc in DOCS:
        assert f"](docs/{doc})" in readme, doc
    for module in ("sizing", "ingest/genai_perf", "ingest/vllm", "ingest/guidellm"):
        assert "docs/" in (ROOT / "tco_report" / f"{module}.py").read_text(encoding="utf-8"), module


@pytest.mark.parametrize("doc", DOCS)
def test_links_between_docs_resolve(doc):
    text = (ROOT / "docs" / doc).read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        assert (ROOT / "docs" / target).exists(), (doc, target)
    anchors = {
        re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in re.findall(r"^#+ (.+)$", text, re.M)
    }
    for anchor in re.findall(r"\]\(#([^)]+)\)", text):
        assert anchor in anchors, (doc, anchor)


@pytest.mark.parametrize("doc", DOCS)
def test_code_the_docs_name_exists(doc):
    """Every `module.name` the docs cite (sizing.ceil_whole, ingest.common.check_latency ...) is real, so a renamed
    function cannot leave the docs describing code that is gone."""
    text = (ROOT / "docs" / doc).read_text(encoding="utf-8")
    modules = {p.stem for p in (ROOT / "tco_report").glob("*.py")} | {"ingest", "workbook"}
    cited = 0
    for ref in re.findall(r"`([a-z_]+(?:\.[A-Za-z_]+)+)`", text):
        parts = ref.split(".")
        if parts[0] not in modules:
            continue  # a file field such as input_config.loadgen, or an assumptions key such as plan.years
        *mod, name = parts
        module = importlib.import_module(".".join(["tco_report", *mod]))
        assert hasattr(module, name), ref
        cited += 1
    assert cited >= (10 if doc == "method.md" else 1)
