"""The property-graph projection in exchange formats (GraphML, GEXF) for Gephi, Cytoscape and others."""

from __future__ import annotations

import io

import networkx as nx

__all__ = ["projection_bytes", "flat_graph"]


def flat_graph(g: nx.DiGraph) -> nx.DiGraph:
    """A copy whose attributes are plain strings and numbers (lists and sets joined with ';')."""
    out = nx.DiGraph()

    def flat(d: dict) -> dict:
        res = {}
        for k, v in d.items():
            key = "labels" if k == "__labels__" else k
            if isinstance(v, (set, frozenset, list, tuple)):
                res[key] = ";".join(sorted(str(x) for x in v))
            elif isinstance(v, (str, int, float, bool)):
                res[key] = v
            elif v is not None:
                res[key] = str(v)
        return res

    for n, d in g.nodes(data=True):
        out.add_node(n, **flat(d))
    for a, b, d in g.edges(data=True):
        out.add_edge(a, b, **flat(d))
    return out


def projection_bytes(g: nx.DiGraph, fmt: str) -> bytes:
    """GraphML or GEXF bytes of the projection."""
    buf = io.BytesIO()
    flat = flat_graph(g)
    if fmt == "graphml":
        nx.write_graphml(flat, buf, encoding="utf-8")
    else:
        nx.write_gexf(flat, buf, encoding="utf-8")
    return buf.getvalue()
