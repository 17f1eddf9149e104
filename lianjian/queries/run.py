"""Running canned and ad-hoc SPARQL against a `KnowledgeGraph`."""

from __future__ import annotations

from lianjian.queries import get_query
from lianjian.results import QueryResult

__all__ = ["run_sparql", "run_sparql_text"]


def run_sparql(kg, name: str, params: dict[str, str] | None = None) -> QueryResult:
    """Run a canned SPARQL query by name; parameters are bound as RDF terms (an entity may be given by its name)."""
    from lianjian.queries.names import resolve_entity_params

    q = get_query(name, "sparql")
    bindings = q.bindings(resolve_entity_params(kg, q, params))
    if name == "around-organization":
        from lianjian.queries.around import around_organization

        return around_organization(kg, q.text, bindings)
    return QueryResult(*kg.select_rows(q.text, bindings))


def run_sparql_text(kg, text: str, allow_remote: bool = False) -> QueryResult:
    """Run any SELECT (or ASK) query text on the local graph.

    The query may not reach files or the network (SERVICE, and FROM on rdflib) unless `allow_remote`;
    then a service that cannot be reached is one line, not a traceback.
    """
    from lianjian.errors import DataError, printable

    kg.allow_remote = allow_remote
    try:
        result = kg.query(text)
        if result.type == "ASK":
            from rdflib import Literal

            return QueryResult(["ask"], [[Literal(bool(result.askAnswer))]])
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            return QueryResult(["subject", "predicate", "object"], [list(t) for t in result.graph])
        return QueryResult.from_rdflib(result)
    except (OSError, ValueError) as exc:  # urllib's URLError is an OSError; Oxigraph raises OSError for SERVICE
        if not allow_remote or isinstance(exc, UnicodeError):
            raise
        from lianjian.remote import redact

        reason = getattr(exc, "reason", None) or exc
        raise DataError(printable(f"SPARQL: a SERVICE or FROM could not be read: {redact(str(reason))}", 300)) from None
    finally:
        kg.allow_remote = False
