"""A problem found in the knowledge folder, named by file, line, entry and field."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One thing an admin must fix, printed as ``file:line entry 'id': field: message``."""

    path: str
    line: int
    message: str
    entry: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}"
        if self.entry:
            where += f" entry '{self.entry}'"
        what = f"{self.field}: {self.message}" if self.field else self.message
        return f"{where}: {what}"


class KnowledgeError(Exception):
    """Loading failed; ``problems`` lists every problem found, in file order."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__(f"{len(self.problems)} problem(s) in the knowledge folder")
