"""Data warnings counted by kind and by config, so that a sweep with a warning on every point stays readable.

The report's PDF and HTML and the terminal show the counts and the first few warnings; summary.json and the
workbook's Warnings sheet hold every one. A warning is a sentence; its kind and config are recognised here, once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

SHOWN = 5  # warnings quoted in full on the terminal and in the report; the rest are counted

# kind -> (how it reads in a count, a phrase that identifies it); the first that matches wins, "other" otherwise.
KINDS: dict[str, tuple[str, str]] = {
    "littles_law": ("Little's law check failed", "(Little's law;"),
    "workbook_disagrees": ("Workbook value disagrees with the calculation", "the workbook's computed value disagrees"),
    "skipped": ("File skipped", "skipped "),
    "other": ("Other", ""),
}


@dataclass(frozen=True)
class Warning:
    """One warning: its kind (a KINDS key), the config it is about ("" when none) and its full text."""

    kind: str
    config: str
    text: str


@dataclass(frozen=True)
class WarningSummary:
    """Every warning, and the counts: by kind (in KINDS order) and by config (most first, then by name)."""

    items: tuple[Warning, ...]
    by_kind: tuple[tuple[str, str, int], ...]  # (kind, label, count)
    by_config: tuple[tuple[str, int], ...]

    @property
    def total(self) -> int:
        return len(self.items)

    def first(self, n: int = SHOWN) -> tuple[Warning, ...]:
        return self.items[:n]


def classify(text: str, configs: Sequence[str] | frozenset[str]) -> Warning:
    """The kind of a warning by the phrase it holds; its config: the longest config name it opens with (a warning
    about a point reads "<config> at <load>: ...", one about a config "<config>: ...")."""
    kind = "other"
    for k, (_, phrase) in KINDS.items():
        if phrase and (text.startswith(phrase) if k == "skipped" else phrase in text):
            kind = k
            break
    known = configs if isinstance(configs, frozenset) else frozenset(configs)
    config = ""
    for sep in (" at ", ": "):  # each place the name could end, longest first
        i = text.rfind(sep)
        while i > 0:
            if i > len(config) and text[:i] in known:
                config = text[:i]
                break
            i = text.rfind(sep, 0, i)
    return Warning(kind, config, text)


def summarise(warnings: Iterable[str], configs: Sequence[str]) -> WarningSummary:
    known = frozenset(configs)
    items = tuple(classify(w, known) for w in warnings)
    kinds: dict[str, int] = {}
    per_config: dict[str, int] = {}
    for w in items:
        kinds[w.kind] = kinds.get(w.kind, 0) + 1
        if w.config:
            per_config[w.config] = per_config.get(w.config, 0) + 1
    by_kind = tuple((k, KINDS[k][0], kinds[k]) for k in KINDS if k in kinds)
    by_config = tuple(sorted(per_config.items(), key=lambda kv: (-kv[1], kv[0])))
    return WarningSummary(items, by_kind, by_config)


def count_line(s: WarningSummary, configs_shown: int = 3) -> str:
    """The counts in one sentence: "5,296 data warnings (Little's law check failed: 5,296) about 200 configs:
    cfg-001 (32), ..."."""
    if not s.total:
        return "no data warnings"
    kinds = "; ".join(f"{label}: {n:,}" for _, label, n in s.by_kind)
    line = f"{s.total:,} data warning{'s' if s.total != 1 else ''} ({kinds})"
    if s.by_config:
        top = ", ".join(f"{c} ({n:,})" for c, n in s.by_config[:configs_shown])
        more = len(s.by_config) - configs_shown
        line += f" about {len(s.by_config):,} config{'s' if len(s.by_config) != 1 else ''}: {top}"
        if more > 0:
            line += f" and {more:,} more"
    return line
