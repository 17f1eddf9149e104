"""Running canned and ad-hoc SPARQL against a `KnowledgeGraph`."""

from __future__ import annotations

from lianjian.queries import get_query
from lianjian.results import QueryResult

__all__ = ["run_sparql", "run_sparql_text"]


def run_sparql(kg, name: str, params: dict[str, str] | None = None) -> QueryResult:
    """Run a canned SPARQL query by name; parameters are bound as RDF terms."""
    q = get_query(name, "sparql")
    return QueryResult(*kg.select_rows(q.text, q.bindings(params or {})))


def run_sparql_text(kg, text: str) -> QueryResult:
    """Run any SELECT (or ASK) query text."""
    result = kg.query(text)
    if result.type == "ASK":
        from rdflib import Literal

        return QueryResult(["ask"], [[Literal(bool(result.askAnswer))]])
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return QueryResult(["subject", "predicate", "object"], [list(t) for t in result.graph])
    return QueryResult.from_rdflib(result)
