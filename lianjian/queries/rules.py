"""Validation rules as data: SPARQL files in `lianjian/ontology/rules/`, run on a built graph.

Each rule file starts with a header comment (``# name:``, ``# severity:``,
``# message:``, ``# description:``) and SELECTs the entity that breaks the rule
as ``?focus``, optionally the case-file key at fault as ``?key`` and the list
item under that key as ``?value``. The message may name any projected variable
in braces (``{participant}``); ids are written as the curators wrote them.
A finding is located in the case file that defines the focus entity: at the
key's item, else the key's value, else the entry itself.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import Literal, URIRef

from lianjian.namespace import prefixed
from lianjian.ontology import ONTOLOGY_DIR
from lianjian.queries import parse_query_file

__all__ = ["Rule", "Finding", "rules", "check_rules", "RULES_DIR", "SEVERITIES"]

RULES_DIR = ONTOLOGY_DIR / "rules"
#: A `warning` fails only `validate --strict`; an `error` always fails `validate`.
SEVERITIES = ("warning", "error")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class Rule:
    """One validation rule: its name, severity, message template, description and SPARQL text."""

    name: str
    severity: str
    message: str
    description: str
    text: str
    path: Path


@dataclass(frozen=True, order=True)
class Finding:
    """One place that breaks a rule: `file:line:col: message [rule]`."""

    file: str
    line: int
    column: int
    message: str
    rule: str
    severity: str = "warning"
    focus: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}: " if self.file else f"{self.focus}: "
        return f"{where}{self.message} [{self.rule}]"

    def as_dict(self) -> dict:
        """The finding as plain data."""
        return {"file": self.file, "line": self.line, "column": self.column, "rule": self.rule,
                "severity": self.severity, "message": self.message, "focus": self.focus}


@functools.lru_cache(maxsize=1)
def _rules() -> tuple[Rule, ...]:
    out = []
    for path in sorted(RULES_DIR.glob("*.rq")):
        q = parse_query_file(path, "sparql")
        severity = q.fields.get("severity", "warning")
        if severity not in SEVERITIES or not q.fields.get("message"):
            raise ValueError(f"{path}: a rule needs `# message:` and `# severity:` ({' or '.join(SEVERITIES)})")
        out.append(Rule(q.name, severity, q.fields["message"], q.description, q.text, path))
    return tuple(out)


def rules() -> list[Rule]:
    """The bundled validation rules, in file-name order."""
    return list(_rules())


def _short(term) -> str:
    """An IRI as the case files write it (an id, or a prefixed name), a literal as its text."""
    if isinstance(term, URIRef):
        prefix, _, local = prefixed(term).partition(":")
        return local if prefix in ("id", "mechanism") else prefixed(term)
    return str(term) if isinstance(term, Literal) else ""


def _locate(corpus, focus: str, key: str | None, value: str | None) -> tuple[str, int, int]:
    """(file, line, column) of the focus entity's entry, its key's value or that value's list item."""
    entry = corpus.entries.get(focus) if corpus is not None else None
    if entry is None:
        return "", 0, 0
    if key:
        items = entry.data.get(key)
        if value is not None and isinstance(items, list):
            for i, item in enumerate(items):
                if item == value or (isinstance(item, dict) and value in item.values()):
                    if (key, i) in entry.marks:
                        return entry.file, *entry.marks[(key, i)]
        if (key,) in entry.marks:
            return entry.file, *entry.marks[(key,)]
    return entry.file, entry.line, entry.column


def check_rules(kg, names: list[str] | None = None) -> list[Finding]:
    """Run the validation rules (all, or those named) on the graph; findings sorted by file and place."""
    findings = set()
    for rule in _rules():
        if names is not None and rule.name not in names:
            continue
        variables, rows = kg.select_rows(rule.text)
        for row in rows:
            values = {v: _short(t) for v, t in zip(variables, row) if t is not None}
            focus = values.get("focus", "")
            message = _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), rule.message)
            file, line, column = _locate(kg.corpus, focus, values.get("key"), values.get("value"))
            findings.add(Finding(file, line, column, message, rule.name, rule.severity, focus))
    return sorted(findings)
