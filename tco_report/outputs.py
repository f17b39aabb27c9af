"""Write outputs all-or-nothing: each file goes to a temporary name in the target folder and is renamed into
place only when every output of the run succeeded, so a failed run never leaves a half-written or mixed set."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from types import TracebackType


class Staging:
    """Context manager handing out temporary paths; commits them all on success, removes them on failure."""

    def __init__(self, out_dir: str | os.PathLike[str]):
        self.out_dir = Path(out_dir)
        self._staged: list[tuple[Path, Path]] = []

    def __enter__(self) -> Staging:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        return self

    def path(self, name: str) -> Path:
        """A temporary path in the output folder for the file that will become ``name``."""
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=self.out_dir)
        os.close(fd)
        self._staged.append((Path(tmp), self.out_dir / name))
        return Path(tmp)

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None:
            for tmp, final in self._staged:
                os.chmod(tmp, 0o644)
                os.replace(tmp, final)
        else:
            for tmp, _ in self._staged:
                tmp.unlink(missing_ok=True)
        self._staged.clear()
