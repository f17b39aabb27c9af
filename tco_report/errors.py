"""The one error a user can fix: bad input, reported with the file, the field and what was expected."""

from __future__ import annotations

import os


class InputError(Exception):
    """Bad input. The command line prints it as one paragraph and exits with 2."""

    def __init__(self, file: str | os.PathLike[str] | None, field: str | None, problem: str):
        self.file = str(file) if file is not None else None
        self.field = field
        self.problem = problem
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.field:
            where.append(f"field '{self.field}'")
        prefix = ": ".join([", ".join(where)]) if where else ""
        return f"{prefix}: {self.problem}" if prefix else self.problem
