"""Canned SPARQL and Cypher queries: files with a header comment, loaded as package data.

A query file starts with ``#`` (SPARQL) or ``//`` (Cypher) header lines::

    # name: around-organization
    # title_zh: 组织的联建网络
    # title_en: What an organisation is linked to
    # description: Everything linked to an organisation within k steps.
    # param: org (entity) = changning-district-committee | the organisation to start from

A parameter's type says how a value given on the command line becomes an RDF
term: ``entity`` (an id → ``id:`` IRI), ``mechanism``, ``sector``,
``relation``, ``source`` (ids in those namespaces), ``iri``, ``string``,
``name`` (text to match names with: NFKC-folded, Traditional converted to
Simplified, so 凝博館 finds 凝博馆), ``integer``. Values are bound as terms
(initial bindings), never pasted into the query text.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from rdflib import XSD, Literal, URIRef

from lianjian.errors import UsageError
from lianjian.namespace import ID, MECHANISM, RELATION, SECTOR, SOURCE

__all__ = ["Parameter", "CannedQuery", "sparql_catalogue", "cypher_catalogue", "internal_query", "get_query", "parse_query_file", "PARAM_TYPES", "simplified_name"]

QUERY_DIR = Path(str(resources.files("lianjian") / "queries"))
_HEADER = re.compile(r"^\s*(?:#|//)\s*([a-z_]+)\s*:\s*(.*?)\s*$")
_PARAM = re.compile(r"^([a-z_][a-z0-9_]*)\s*(?:\((\w+)\))?\s*(?:=\s*([^|]*?))?\s*(?:\|\s*(.*))?$")


def simplified_name(text: str) -> str:
    """A name as search compares it: NFKC-folded (full-width to half-width) and Traditional converted to Simplified.

    >>> simplified_name("凝博館 ＡＢ")
    '凝博馆 AB'
    """
    import unicodedata

    from lianjian.loaders.text import to_simplified

    return to_simplified(unicodedata.normalize("NFKC", text))


_NODE_ID = re.compile(r"[a-z0-9]+(?:--?[a-z0-9]+)*")  # curators' ids and minted ids

PARAM_TYPES = {
    "entity": lambda v: ID[v],
    "mechanism": lambda v: MECHANISM[v],
    "sector": lambda v: SECTOR[v],
    "relation": lambda v: RELATION[v],
    "source": lambda v: SOURCE[v],
    "iri": URIRef,
    "string": Literal,
    "name": lambda v: Literal(simplified_name(v)),
    "integer": lambda v: Literal(int(v), datatype=XSD.integer),
}


@dataclass
class Parameter:
    """A query parameter: its name, type, default value and description."""

    name: str
    type: str = "string"
    default: str | None = None
    description: str = ""

    def term(self, value: str):
        """The RDF term for a value given as text."""
        if self.type in ("entity", "mechanism", "sector", "relation", "source") and not _NODE_ID.fullmatch(value.strip()):
            raise UsageError(f"--param {self.name}: {value!r} is not an id")
        if self.type == "integer" and not re.fullmatch(r"-?\d+", value.strip()):
            raise UsageError(f"--param {self.name}: {value!r} is not a whole number")
        if self.type == "integer" and not -(2 ** 63) <= int(value.strip()[:25]) < 2 ** 63:
            # Beyond 64 bits Oxigraph and rdflib disagree (overflow vs big integer): refuse on both.
            raise UsageError(f"--param {self.name}: {value.strip()[:30]} is out of range (a 64-bit whole number)")
        if self.type == "iri" and not re.fullmatch(r"[a-z][a-z0-9+.-]*:[^\s<>\"{}|\\^`]*", value):
            raise UsageError(f"--param {self.name}: {value!r} is not an IRI")
        return PARAM_TYPES[self.type](value.strip() if self.type != "string" else value)


@dataclass
class CannedQuery:
    """A query file: its header fields and its text."""

    name: str
    language: str
    text: str
    path: Path
    title_zh: str = ""
    title_en: str = ""
    description: str = ""
    parameters: list[Parameter] = field(default_factory=list)
    twin: str | None = None
    #: Every header field as written (``message``, ``severity`` … of validation rules).
    fields: dict[str, str] = field(default_factory=dict)

    def bindings(self, values: dict[str, str]) -> dict:
        """RDF terms for the given parameter values, defaults filling the rest."""
        known = {p.name: p for p in self.parameters}
        for key in values:
            if key not in known:
                names = ", ".join(known) or "none"
                raise UsageError(f"--param {key}: query '{self.name}' has no parameter '{key}' (its parameters: {names})")
        out = {}
        for p in self.parameters:
            value = values.get(p.name, p.default)
            if value is None or value == "":
                raise UsageError(f"--param {p.name}: query '{self.name}' needs a value for '{p.name}'")
            out[p.name] = p.term(value)
        return out

    def describe(self) -> dict:
        """The catalogue entry: name, titles, description and parameters."""
        return {
            "name": self.name,
            "title": f"{self.title_zh} / {self.title_en}".strip(" /"),
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "description": self.description,
            "language": self.language,
            "parameters": [{"name": p.name, "type": p.type, "default": p.default, "description": p.description} for p in self.parameters],
        }


def parse_query_file(path: Path, language: str) -> CannedQuery:
    """Read a query file and its header comment."""
    text = path.read_text(encoding="utf-8")
    q = CannedQuery(path.stem, language, text, path)
    for line in text.splitlines():
        m = _HEADER.match(line)
        if not m:
            if line.strip() and not line.lstrip().startswith(("#", "//")):
                break
            continue
        key, value = m.groups()
        q.fields.setdefault(key, value)
        if key == "name":
            q.name = value
        elif key in ("title_zh", "title_en", "description", "twin"):
            setattr(q, key, value)
        elif key == "param":
            pm = _PARAM.match(value)
            if pm:
                name, ptype, default, desc = pm.groups()
                q.parameters.append(Parameter(name, ptype or "string", default.strip() if default else None, (desc or "").strip()))
    return q


@functools.lru_cache(maxsize=None)
def _catalogue(folder: str, suffix: str, language: str) -> dict[str, CannedQuery]:
    out = {}
    for path in sorted((QUERY_DIR / folder).glob(f"*{suffix}")):
        q = parse_query_file(path, language)
        out[q.name] = q
    return out


def sparql_catalogue() -> dict[str, CannedQuery]:
    """The canned SPARQL queries by name."""
    return dict(_catalogue("sparql", ".rq", "sparql"))


def cypher_catalogue() -> dict[str, CannedQuery]:
    """The canned Cypher queries (twins of SPARQL ones) by name."""
    return dict(_catalogue("cypher", ".cypher", "cypher"))


def internal_query(name: str) -> CannedQuery:
    """A query the library itself runs (statistics)."""
    return _catalogue("internal", ".rq", "sparql")[name]


def get_query(name: str, language: str = "sparql") -> CannedQuery:
    """A canned query by name; an unknown name is a usage error naming the known ones."""
    cat = sparql_catalogue() if language == "sparql" else cypher_catalogue()
    if name not in cat:
        import difflib

        close = difflib.get_close_matches(name, list(cat), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else " (see `lianjian query --list`)"
        raise UsageError(f"unknown query '{name}'{hint}")
    return cat[name]
