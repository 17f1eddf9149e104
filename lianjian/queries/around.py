"""around-organization on the local graph: the breadth-first layers found one layer at a time.

The canned text (queries/sparql/around-organization.rq) finds all three layers in one pattern, which the
engines answer slowly from a hub (tens of seconds at a million triples). Here each layer is one small
query (queries/internal/around-neighbours.rq) seeded with the layer before, and the layers reach the rest of
the canned text as a VALUES block in place of its `layers:begin` … `layers:end` part: the same rows.
"""

from __future__ import annotations

import re

from rdflib import Literal, URIRef

from lianjian.queries import internal_query
from lianjian.results import QueryResult

__all__ = ["around_organization", "MAX_HOPS"]

#: Hops above this count as this (the canned text has three layers).
MAX_HOPS = 3
_NOTHING = "<urn:lianjian:around-organization:nothing>"
_LAYERS = re.compile(r"^[ \t]*# layers:begin[ \t]*\n.*?^[ \t]*# layers:end[ \t]*\n", re.S | re.M)


def layers(kg, org: URIRef, hops: int) -> list[tuple[URIRef, URIRef, URIRef, int]]:
    """(from, node, relationship, distance) for every node within `hops` steps of `org` and every relationship that
    reaches it from a node one step nearer."""
    neighbours = internal_query("around-neighbours").text
    seen, frontier, out = {org}, {org}, []
    for distance in range(1, min(hops, MAX_HOPS) + 1):
        if not frontier:
            break
        values = " ".join(a.n3() for a in sorted(frontier))
        _, rows = kg.select_rows(f"{neighbours}\nVALUES ?a {{ {values} }}")
        new = {b for _, b, _ in rows if b not in seen}
        out += [(a, b, r, distance) for a, b, r in rows if b in new]
        seen |= new
        frontier = new
    return out


def around_organization(kg, text: str, bindings: dict) -> QueryResult:
    """The rows of the canned around-organization `text` with `bindings` (?org, ?hops), layers found in Python."""
    org, hops = bindings["org"], int(bindings["hops"])
    found = layers(kg, org, hops) if isinstance(org, URIRef) and hops >= 1 else []
    # rdflib fails on an empty VALUES block, so no layer at all is one row that matches nothing
    values = (" ".join(f"({a.n3()} {b.n3()} {r.n3()} {Literal(d).n3()})" for a, b, r, d in found)
              or f"({_NOTHING} {_NOTHING} {_NOTHING} 0)")
    body, n = _LAYERS.subn(f"  VALUES (?from ?node ?relationship ?distance) {{ {values} }}\n", text, count=1)
    if n != 1:
        raise ValueError("around-organization.rq has lost its `# layers:begin` / `# layers:end` markers")
    return QueryResult(*kg.select_rows(body, bindings))
