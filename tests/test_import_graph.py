"""Data flows one way through tco_report: no module imports one that imports it back, however indirectly.

The graph is built statically: every ``import`` and ``from ... import`` statement of every module, at module level,
inside functions and under ``if TYPE_CHECKING:`` alike, relative imports resolved against the module's package.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

from .conftest import ROOT

PACKAGE = "tco_report"


# Being replaced by the new report/ package (issue 14), which has no circle of its own; drop this exclusion once
# they are gone.
def module_names(root: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package (a package is its ``__init__``)."""
    out = {}
    for f in sorted((root / PACKAGE).rglob("*.py")):
        parts = list(f.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = f
    return out


def imports_of(name: str, file: Path, modules: Mapping[str, Path]) -> set[str]:
    """The package's modules that ``name`` imports, wherever the import statement stands."""
    is_package = file.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"), str(file))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join([*base_parts, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            # `from pkg import sub` imports the submodule; `from pkg import name` imports pkg itself.
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
        else:
            continue
        for target in targets:
            # `import a.b.c` runs a.b.c; count the deepest part that is one of the package's modules.
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    modules = module_names(root)
    return {name: imports_of(name, f, modules) for name, f in modules.items()}


def find_cycle(graph: Mapping[str, Iterable[str]], leave_out: set[str] = frozenset()) -> list[str] | None:
    """One import circle as a path that ends where it starts, or None. Depth-first, in name order (stable)."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt in leave_out:
                continue
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in leave_out and start not in state and (cycle := visit(start)):
            return cycle
    return None


def test_no_import_circle_in_the_package():
    graph = import_graph()
    cycle = find_cycle(graph)
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])


def test_the_graph_sees_every_kind_of_import():
    """The graph is real: module-level, function-level, TYPE_CHECKING and relative imports are all in it."""
    graph = import_graph()
    assert "tco_report.sizing" in graph["tco_report.decisions"]  # module level, relative
    assert "tco_report.decisions" in graph["tco_report.calculator"]
    assert "tco_report.api" in graph["tco_report.cli"]  # inside a function: `from . import api`
    assert "tco_report.workbook.writer" in graph["tco_report.api"]  # inside a function, `from .workbook.writer`
    assert "tco_report.model" in graph["tco_report.cli"]  # under `if TYPE_CHECKING:`
    assert "tco_report.calculator" in graph["tco_report.workbook.compare"]  # `from .. import calculator`
    assert "tco_report.errors" in graph["tco_report.ingest.common"]  # `from ..errors import`
    assert "tco_report.ingest.common" in graph["tco_report.ingest"]  # a package's own submodule
    # The core (pure: plain data in and out) imports only itself and the error type, never a reader or writer.
    core = {
        f"tco_report.{m}" for m in ("model", "names", "assumptions", "analysis", "sizing", "calculator", "decisions")
    }
    allowed = core | {"tco_report.errors", "tco_report.text"}  # text.py cleans strings: pure too
    for name in core:
        # The assumptions loader is the core's one reader: it opens its YAML file through files.py's size-checked read.
        extra = {"tco_report.files"} if name == "tco_report.assumptions" else set()
        assert graph[name] <= allowed | extra, (name, graph[name] - allowed)


def test_find_cycle_finds_a_circle_and_only_a_circle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None
    assert find_cycle({"a": {"b"}, "b": {"a"}}, leave_out={"b"}) is None
    assert find_cycle({"x": {"x"}}) == ["x", "x"]


def test_the_old_circle_would_be_caught(tmp_path):
    """calculator importing decisions inside a function while decisions imports calculator is a circle."""
    pkg = tmp_path / PACKAGE
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "calculator.py").write_text("def calculate():\n    from .decisions import decide\n    return decide()\n")
    (pkg / "decisions.py").write_text("from .calculator import calculate\n")
    assert find_cycle(import_graph(tmp_path)) == [
        "tco_report.calculator",
        "tco_report.decisions",
        "tco_report.calculator",
    ]
