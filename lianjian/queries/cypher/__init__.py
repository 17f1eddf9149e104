"""Cypher over the property-graph projection, on LadybugDB (on disk) or grand-cypher (in memory).

Both engines read the one projection, `KnowledgeGraph.to_networkx()`. LadybugDB
gets it as a database loaded with ``COPY FROM`` CSV and cached on disk under a
digest of the projection's content; grand-cypher runs over the networkx graph
itself. Results come back as a `QueryResult` of RDF terms typed by the property
each column comes from, so that they render like SPARQL results and compare
with them (see ``docs/cypher.md``).
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Literal

from lianjian.errors import DataError, UsageError
from lianjian.queries import CannedQuery, cypher_catalogue, get_query
from lianjian.queries.cypher.grand import run_on_grand_cypher
from lianjian.queries.cypher.ladybug import DB_FILE, SYMMETRIC, default_cache_dir, graph_digest, ladybug_database, run_on_ladybug
from lianjian.queries.cypher.text import (
    COLUMN_HEADER, ENGINES_HEADER, LABEL_PREFIX, NODE_TABLE, VARIANT_HEADER, cypher_literal, parameter_names, result_columns, text_params,
)
from lianjian.results import QueryResult

__all__ = [
    "ENGINES", "NODE_TABLE", "LABEL_PREFIX", "SYMMETRIC", "DB_FILE", "run_cypher", "run_cypher_query", "cypher_command", "catalogue_result",
    "ladybug_database", "default_cache_dir", "graph_digest", "cypher_literal", "query_engines",
    "parameter_names", "result_columns",
]

ENGINES = ("ladybug", "grand-cypher")

# ---------------------------------------------------------------------------- entry points

def _check_engine(engine: str) -> None:
    if engine not in ENGINES:
        raise UsageError(f"--engine: unknown Cypher engine {engine!r} (choose {' or '.join(ENGINES)})")


def _run(kg, text: str, values: dict, engine: str, cache_dir) -> QueryResult:
    if engine == "ladybug":
        return run_on_ladybug(kg, text, values, cache_dir)
    return run_on_grand_cypher(kg, text, values)


def run_cypher(kg, text: str, params: dict[str, str] | None = None, engine: str = "ladybug", *,
               cache_dir: str | Path | None = None) -> QueryResult:
    """Run Cypher over `kg`'s projection; ``$name`` parameters take their values from `params` (strings).

    >>> from lianjian.graph import KnowledgeGraph
    >>> kg = KnowledgeGraph.from_cases()
    >>> run_cypher(kg, "MATCH (a:District {id: $d}) RETURN a.label_zh", {"d": "changning-district"}, "grand-cypher").rows
    [[rdflib.term.Literal('长宁区', lang='zh-hans')]]
    """
    _check_engine(engine)
    return _run(kg, text, text_params(text, params), engine, cache_dir)


def query_engines(q: CannedQuery) -> tuple[str, ...]:
    """The engines a canned Cypher query runs on (its ``// engines:`` header; both when absent)."""
    m = ENGINES_HEADER.search(q.text)
    return tuple(e.strip() for e in m.group(1).split(",")) if m else ENGINES


def _engine_text(q: CannedQuery, engine: str) -> str:
    """The query's text for `engine`: its ``// variant: ENGINE`` section (after the ``// column:`` lines) or the main text."""
    parts = VARIANT_HEADER.split(q.text)
    variants = dict(zip(parts[1::2], parts[2::2]))
    if engine not in variants:
        return parts[0]
    header = "".join(line for line in parts[0].splitlines(keepends=True) if COLUMN_HEADER.match(line))
    return header + variants[engine]


def _param_value(p, term):
    if p.type == "integer":
        return int(term)
    if p.type in ("entity", "mechanism", "sector", "relation", "source"):
        return str(term).rsplit("/", 1)[-1]
    return str(term)


def run_cypher_query(kg, name: str, params: dict[str, str] | None = None, engine: str = "ladybug", *,
                     cache_dir: str | Path | None = None) -> QueryResult:
    """Run a canned Cypher query (a twin of a SPARQL query) by name, with typed parameters and their defaults."""
    _check_engine(engine)
    q = get_query(name, "cypher")
    if engine not in query_engines(q):
        raise UsageError(f"query '{name}' does not run on {engine} (it runs on {', '.join(query_engines(q))}); "
                         f"see docs/cypher.md")
    from lianjian.queries.names import resolve_entity_params

    terms = q.bindings(resolve_entity_params(kg, q, params))
    text = _engine_text(q, engine)
    used = set(parameter_names(text))
    known = {p.name: p for p in q.parameters}
    values = {k: _param_value(known[k], t) for k, t in terms.items() if k in used}
    missing = used - set(values)
    if missing:
        raise DataError(f"query '{name}' uses undeclared parameters: {', '.join(sorted(missing))}")
    return _run(kg, text, values, engine, cache_dir)


def catalogue_result() -> QueryResult:
    """The canned Cypher queries as a table: name, titles, the SPARQL twin, engines and parameters."""
    rows = []
    for q in cypher_catalogue().values():
        ps = ", ".join(f"{p.name}={p.default}" for p in q.parameters)
        rows.append([Literal(q.name), Literal(q.title_zh, lang="zh-hans"), Literal(q.title_en, lang="en"),
                     Literal(q.twin or ""), Literal(", ".join(query_engines(q))), Literal(ps)])
    return QueryResult(["name", "title_zh", "title_en", "twin", "engines", "parameters"], rows)


def cypher_command(text: str | None = None, query: str | None = None, params: dict[str, str] | None = None, *,
                   list_queries: bool = False, cases=(), bundled: bool = True, engine: str = "ladybug",
                   cache_dir: str | Path | None = None) -> QueryResult:
    """What ``lianjian cypher`` does: list the canned queries, run one by name, or run Cypher text."""
    from lianjian.graph import KnowledgeGraph

    _check_engine(engine)
    if sum((text is not None, query is not None, list_queries)) != 1:
        raise UsageError("give the Cypher TEXT, --query NAME or --list (one of them)")
    if list_queries:
        return catalogue_result()
    kg = KnowledgeGraph.from_cases(cases, bundled=bundled)
    if query is not None:
        return run_cypher_query(kg, query, params, engine, cache_dir=cache_dir)
    return run_cypher(kg, text, params, engine, cache_dir=cache_dir)
