"""A large sweep's appendix lists one row per config folder, not one per file (issue 8: a 6,400-row table was
200 of the PDF's pages)."""

from __future__ import annotations

from tco_report.model import BenchmarkPoint
from tco_report.report import view as render


def _points(configs: int, levels: int) -> list[BenchmarkPoint]:
    return [
        BenchmarkPoint(
            config=f"cfg{c}",
            rps=1.0 + n,
            isl=100,
            osl=50,
            latency_ms={"ttft": {"avg": 10.0 + n}},
            concurrency=float(2**n),
            tool="genai-perf",
            source=f"/data/sweep/cfg{c}/artifacts/run-concurrency{2**n}/profile_export_genai_perf.json",
        )
        for c in range(configs)
        for n in range(levels)
    ]


def test_small_sweeps_list_every_file() -> None:
    rows = render.sources(_points(2, 5))
    assert len(rows) == 10
    assert rows[0].path == "cfg0/artifacts/run-concurrency1/profile_export_genai_perf.json"


def test_large_sweeps_list_one_row_per_config_folder() -> None:
    points = _points(4, render.MAX_SOURCE_ROWS // 4 + 1)
    rows = render.sources(points)
    assert [r.config for r in rows] == ["cfg0", "cfg1", "cfg2", "cfg3"]
    n = render.MAX_SOURCE_ROWS // 4 + 1
    assert rows[0].path == f"cfg0/artifacts/ ({n} files)"
    assert rows[0].levels.endswith(f"({n} levels)")


def test_hundreds_of_config_folders_list_those_in_the_tables_then_count_the_rest() -> None:
    """200 configs: the folders of the configs the report's tables show, then one row counting the others."""
    configs = render.MAX_FOLDER_ROWS + 10
    points = _points(configs, 3)  # 3 files each, more than MAX_SOURCE_ROWS in all
    assert len(points) > render.MAX_SOURCE_ROWS
    rows = render.sources(points, shown=["cfg7", "cfg3"])
    assert [r.config for r in rows[:2]] == ["cfg3", "cfg7"]
    assert rows[0].path == "cfg3/artifacts/ (3 files)"
    assert len(rows) == 3
    assert rows[2].path == f"\u2026 and {configs - 2} more config folders ({(configs - 2) * 3} files)"
    assert rows[2].files == (configs - 2) * 3
    # Up to MAX_FOLDER_ROWS folders are all listed.
    assert len(render.sources(_points(render.MAX_FOLDER_ROWS, 3), shown=["cfg1"])) == render.MAX_FOLDER_ROWS
