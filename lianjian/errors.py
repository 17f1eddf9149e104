"""The library's own exceptions; the CLI turns them into one-line messages and exit codes."""

from __future__ import annotations

from dataclasses import dataclass


class LianjianError(Exception):
    """Base class of every error lianjian reports to a user."""

    exit_code = 1


class DataError(LianjianError):
    """Bad input data (case files, sources, graphs): exit status 1."""

    exit_code = 1


class UsageError(LianjianError):
    """Bad usage (options, names, parameters): exit status 2."""

    exit_code = 2


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem in an input file."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


class CaseErrors(DataError):
    """Every problem found in a set of case files, reported together."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))
