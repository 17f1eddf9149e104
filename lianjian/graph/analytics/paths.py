"""Paths: the shortest chain of relationships between two actors, each step with its evidence.

Paths run over joint-building ties (``LINKED_WITH``) and organisational edges
(`PATH_EDGES`), in either direction, between actors (`PATH_NODES`:
organisations, areas, persons, collective actors). Each step gives its relation
(``LINKED_WITH`` or the edge type) and direction (``→`` when the edge runs from
`from` to `to`, ``←`` the other way, ``↔`` for a tie). A tie step describes one
JointBuilding relationship (the first by id when several join the pair): its
kind, mechanisms, quote and source. An organisational step quotes the evidence
of the edge's subject, preferring a quote that names the other end.
"""

from __future__ import annotations

import difflib

import networkx as nx
from rdflib import Literal

from lianjian.errors import DataError, UsageError
from lianjian.graph.analytics.ties import count, label, node_iri, relation_term, text
from lianjian.namespace import source_iri
from lianjian.results import QueryResult

__all__ = ["shortest_path", "path_graph", "PATH_EDGES", "PATH_NODES", "PATH_VARS"]

#: The edge types a path may follow besides LINKED_WITH.
PATH_EDGES = ("SUB_ORGANIZATION_OF", "PARTY_ORGANIZATION_OF", "HAS_MEMBER", "LOCATED_IN", "WITHIN", "HOLDS_POST",
              "LED_BY", "ATTACHED_TO")
#: The node labels a path may pass through.
PATH_NODES = frozenset({"Organization", "Area", "Person", "CollectiveActor"})
PATH_VARS = ["step", "from", "from_zh", "relation", "direction", "to", "to_zh", "kind", "relationship", "mechanisms",
             "quote", "source"]


def path_graph(g: nx.DiGraph) -> nx.Graph:
    """The undirected graph of actors joined by ties and organisational edges (sorted, so paths are reproducible)."""
    allowed = {"LINKED_WITH", *PATH_EDGES}
    keep = {n for n, d in g.nodes(data=True) if PATH_NODES & d["__labels__"]}
    pairs = set()
    for a, b, e in g.edges(data=True):
        if a in keep and b in keep and a != b and allowed & e["__labels__"]:
            pairs.add((a, b) if a < b else (b, a))
    p = nx.Graph()
    p.add_nodes_from(sorted(keep))
    p.add_edges_from(sorted(pairs))
    return p


def _check(g: nx.DiGraph, n: str) -> None:
    if n in g:
        if not PATH_NODES & g.nodes[n]["__labels__"]:
            raise UsageError(f"{n!r} is a {g.nodes[n].get('class', 'node')}; paths join organisations, areas, "
                             "persons and collective actors")
        return
    by_label = sorted(m for m, d in g.nodes(data=True) if PATH_NODES & d["__labels__"]
                      and n in (d.get("label_zh"), d.get("label_en"), *d.get("aliases", ())))
    guesses = by_label or difflib.get_close_matches(n, [m for m in g if isinstance(m, str)], n=3)
    hint = f"; did you mean {' or '.join(guesses)}?" if guesses else ""
    raise UsageError(f"unknown entity id {n!r}{hint}")


def _evidence(g: nx.DiGraph, subject: str, other: str) -> tuple[str, list[str]]:
    """The subject's quote (and its own source) that best supports an edge to `other`: one naming it, else the first."""
    d, o = g.nodes[subject], g.nodes[other]
    names = [x for x in (o.get("label_zh"), *o.get("aliases", ())) if x]
    pairs = d.get("evidence")
    if pairs:
        quote, source = next((p for p in pairs if any(name in p[0] for name in names)), pairs[0])
        return quote, [source] if source else []
    # A graph without (quote, source) pairs: any quote, and a source both ends share.
    quotes = d.get("quotes") or ([d["quote"]] if d.get("quote") else [])
    quote = next((q for q in quotes if any(name in q for name in names)), quotes[0] if quotes else "")
    shared = sorted(set(d.get("sources", ())) & set(o.get("sources", ())))
    return quote, shared or sorted(d.get("sources", ()))


def _step(g: nx.DiGraph, i: int, a: str, b: str) -> list:
    forward = g.edges[a, b]["__labels__"] if g.has_edge(a, b) else set()
    backward = g.edges[b, a]["__labels__"] if g.has_edge(b, a) else set()
    kind = relationship = quote = None
    mechanisms: list[str] = []
    if "LINKED_WITH" in forward | backward:
        e = g.edges[a, b] if "LINKED_WITH" in forward else g.edges[b, a]
        relation, direction = "LINKED_WITH", "↔"
        rels = sorted(e.get("relationships", ()))
        r = g.nodes[rels[0]] if rels and rels[0] in g else e
        relationship = node_iri(g, rels[0]) if rels and rels[0] in g else None
        kind, mechanisms = r.get("kind") or e.get("kind", ""), sorted(r.get("mechanisms") or e.get("mechanisms", ()))
        pairs = r.get("evidence") or []
        quote, sources = (pairs[0][0], [pairs[0][1]]) if pairs else (
            r.get("quote") or e.get("quote", ""), sorted(r.get("sources") or e.get("sources", ())))
    else:
        fwd = sorted(set(PATH_EDGES) & forward)
        relation, direction = (fwd[0], "→") if fwd else (sorted(set(PATH_EDGES) & backward)[0], "←")
        quote, sources = _evidence(g, a, b) if fwd else _evidence(g, b, a)
    return [count(i), node_iri(g, a), label(g.nodes[a]), Literal(relation), Literal(direction), node_iri(g, b),
            label(g.nodes[b]), relation_term(kind) if kind else None, relationship, text(mechanisms),
            Literal(quote) if quote else None, source_iri(sources[0]) if sources else None]


def shortest_path(g: nx.DiGraph, a: str, b: str) -> QueryResult:
    """The shortest chain of relationships from actor `a` to actor `b` (ids), one row per step.

    >>> from lianjian.graph.analytics.ties import toy_projection
    >>> steps = shortest_path(toy_projection(), "metro", "district").records()
    >>> for r in steps:
    ...     print(r["step"], r["from_zh"], r["relation"], r["direction"], r["to_zh"], r["quote"])
    1 地铁公司 LINKED_WITH ↔ 区委 区委与地铁公司结对
    2 区委 LOCATED_IN → 区 区委参与联建
    >>> steps[0]["kind"], steps[0]["mechanisms"], steps[0]["source"]
    ('https://w3id.org/lianjian/vocab/relation/pairing', 'pairing', 'https://w3id.org/lianjian/source/case-a')
    """
    _check(g, a)
    _check(g, b)
    if a == b:
        raise UsageError(f"the two ends are the same entity {a!r}; give two different ids")
    try:
        nodes = nx.shortest_path(path_graph(g), a, b)
    except nx.NetworkXNoPath:
        raise DataError(f"no chain of relationships joins {a!r} and {b!r}") from None
    return QueryResult(list(PATH_VARS), [_step(g, i, x, y) for i, (x, y) in enumerate(zip(nodes, nodes[1:]), start=1)])
