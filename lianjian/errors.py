"""The library's own exceptions; the CLI turns them into one-line messages and exit codes."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

#: Longest line a message shows; a longer one keeps its start and end with the middle elided.
MAX_LINE = 400


def printable(text: str, limit: int = MAX_LINE) -> str:
    r"""`text` made safe for a terminal, each line at most about `limit` characters.

    Control, format (zero-width, bidi) and separator characters are shown as
    escapes (``\x1b``, ``\u200b``), never raw; newlines are kept between lines.

    >>> print(printable("a\x1b[31mb\u200bc"))
    a\x1b[31mb\u200bc
    >>> len(printable("x" * 5000)) < 500
    True
    """
    return "\n".join(_elide("".join(_escape(c) for c in line), limit) for line in str(text).split("\n"))


def _escape(c: str) -> str:
    if c == "\t" or c == " ":
        return c
    if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") or (c.isspace() and c != " "):
        code = ord(c)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
    return c


def _elide(line: str, limit: int) -> str:
    if len(line) <= limit:
        return line
    keep = max(limit // 2 - 20, 10)
    return f"{line[:keep]} …({len(line) - 2 * keep} characters left out)… {line[-keep:]}"


class LianjianError(Exception):
    """Base class of every error lianjian reports to a user."""

    exit_code = 1

    def __str__(self) -> str:
        return printable(super().__str__())


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
        return printable(f"{self.path}:{self.line}:{self.column}: {self.message}".replace("\n", "\\n"))


class CaseErrors(DataError):
    """Every problem found in a set of case files, reported together."""

    def __init__(self, problems: list[Problem]):
        self.problems = _distinct(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def _distinct(problems: list[Problem]) -> list[Problem]:
    """The problems in order of place, each said once (the same message at the same line is one problem)."""
    seen: set[tuple] = set()
    out = []
    for p in sorted(set(problems)):
        key = (p.path, p.line, p.message)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def did_you_mean(word: str, known) -> str:
    """A message's ending that names the known word closest to `word` (or nothing)."""
    import difflib

    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def first_line(exc: BaseException) -> str:
    """The first non-blank line of an exception's message (its class name if it has none)."""
    lines = [ln.strip() for ln in str(exc).strip().splitlines() if ln.strip()]
    return lines[0] if lines else type(exc).__name__
