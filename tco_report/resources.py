"""Where the templates and the embedded example live: inside the installed package, or at the checkout's top."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"tco_report's '{name}' folder is missing from the installation ({_PACKAGE})")


def templates_dir() -> Path:
    """The jinja2 templates (``templates/`` in a checkout, ``tco_report/templates`` in a wheel)."""
    return _find("templates")


def inputs_dir() -> Path:
    """The embedded example: benchmark sweep and cost assumptions."""
    return _find("inputs")
