"""Bridges: organisations whose joint-building ties reach the most sectors other than their own.

For each organisation with at least one tie: ``ties`` is the number of
organisations and areas it is tied to; ``sectors`` the number of distinct
primary sectors among them (areas count as ``area``); ``other_sectors`` how many
of those differ from its own primary sector, listed in ``reached``;
``betweenness`` its normalised betweenness centrality in the undirected tie
graph (organisations and areas, unweighted). Sorted by other_sectors, then
betweenness, then ties, most first.
"""

from __future__ import annotations

import networkx as nx

from lianjian.graph.analytics.ties import count, label, limit, node_iri, ratio, sector_of, sector_term, text, tie_graph
from lianjian.results import QueryResult

__all__ = ["bridges", "BRIDGE_VARS"]

#: Betweenness is exact up to EXACT_LIMIT nodes, and estimated from SAMPLE source nodes above it.
EXACT_LIMIT = 1000
SAMPLE = 200

BRIDGE_VARS = ["organization", "organization_zh", "sector", "ties", "sectors", "other_sectors", "betweenness", "reached"]


def bridges(g: nx.DiGraph, top: int | None = None) -> QueryResult:
    """Organisations ranked by the sectors their joint-building ties span, with betweenness.

    >>> from lianjian.graph.analytics.ties import toy_projection
    >>> for r in bridges(toy_projection()).records():
    ...     print(r["organization_zh"], r["sectors"], r["other_sectors"], r["betweenness"], r.get("reached", ""))
    区委 2 2 0.6667 area, state-enterprise
    地铁公司 1 1 0 government-agency
    中学 1 1 0 area
    """
    t = tie_graph(g)
    # Exact up to EXACT_LIMIT nodes; above, Brandes' estimate from SAMPLE sampled sources (fixed seed).
    sample = None if t.number_of_nodes() <= EXACT_LIMIT else SAMPLE
    between = nx.betweenness_centrality(t, normalized=True, k=sample, seed=1 if sample else None)
    ranked = []
    for n, d in t.nodes(data=True):
        if "Organization" not in d["__labels__"]:
            continue
        own = sector_of(d)
        reached = {sector_of(t.nodes[m]) for m in t[n]}
        other = sorted(reached - {own})
        ranked.append(((-len(other), -round(between[n], 12), -t.degree(n), n), n, d, own, reached, other))
    ranked.sort(key=lambda r: r[0])
    rows = [[node_iri(g, n), label(d), sector_term(own), count(t.degree(n)), count(len(reached)), count(len(other)),
             ratio(between[n]), text(other)]
            for _, n, d, own, reached, other in ranked]
    return QueryResult(list(BRIDGE_VARS), limit(rows, top))
