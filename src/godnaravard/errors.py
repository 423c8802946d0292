"""Errors for bad input: each names the file, the row as the user sees it, and the column."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Problem", "InputError"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input: where (file, row, column, or key path in a TOML file) and what."""

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    key: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column '{self.column}'"
        if self.key is not None:
            where += f", key '{self.key}'"
        return f"{where}: {self.message}"


class InputError(ValueError):
    """One or more problems with an input file, scenario or parameter, all reported at once."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
