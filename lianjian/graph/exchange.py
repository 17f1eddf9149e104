"""The property graph in exchange formats (GEXF 1.3, GraphML) for Gephi, Cytoscape and networkx.

`what="ties"` (the default of `lianjian export`) writes the typed tie network: organisations and areas, one
edge per relationship (`typed_ties`); `what="all"` writes the whole projection. Node labels are the Simplified
Chinese names (English in `label_en`); GEXF carries `viz:color` by sector and `viz:size` by degree.
"""

from __future__ import annotations

import io
import json

import networkx as nx

from lianjian.results import safe_text

__all__ = ["projection_bytes", "flat_graph", "WHAT"]

#: What an exchange file holds: the typed ties (organisations and areas) or the whole projection.
WHAT = ("ties", "all")
#: Attributes written as JSON text (lists of mappings).
_JSON_KEYS = {"evidence"}


def _plain(key: str, v):
    if key in _JSON_KEYS and isinstance(v, (list, tuple)):
        return json.dumps([x if isinstance(x, dict) else {"quote": x[0], "source": x[1]} for x in v], ensure_ascii=False)
    if isinstance(v, (set, frozenset, list, tuple)):
        return safe_text(";".join(sorted(str(x) for x in v)))
    if isinstance(v, str):
        return safe_text(v)
    if isinstance(v, float) and v != v:
        return None  # NaN: no value
    if isinstance(v, (bool, int, float)):
        return v
    return None if v is None else safe_text(str(v))


def flat_graph(g: nx.Graph) -> nx.Graph:
    """A copy whose attributes are plain values, one type per attribute name (lists joined with ';').

    GEXF and GraphML declare one type per attribute: an attribute that is an integer on one node and a
    decimal on another is written as a decimal everywhere, and one that mixes text and numbers as text.
    """
    out = g.__class__()
    nodes = [(n, {("labels" if k == "__labels__" else k): _plain(k, v) for k, v in d.items()}) for n, d in g.nodes(data=True)]
    if g.is_multigraph():
        edges = [(a, b, k, {kk: _plain(kk, v) for kk, v in d.items()}) for a, b, k, d in g.edges(keys=True, data=True)]
    else:
        edges = [(a, b, None, {("labels" if k == "__labels__" else k): _plain(k, v) for k, v in d.items()})
                 for a, b, d in g.edges(data=True)]
    for records in ([d for _, d in nodes], [d for *_, d in edges]):
        kinds: dict[str, set] = {}
        for d in records:
            for k, v in list(d.items()):
                if v is None:
                    del d[k]
                else:
                    kinds.setdefault(k, set()).add(bool if isinstance(v, bool) else type(v))
        for k, ts in kinds.items():
            if len(ts) == 1:
                continue
            numbers = ts <= {int, float}
            for d in records:
                if k in d:
                    v = d[k]
                    d[k] = float(v) if numbers else (str(v).lower() if isinstance(v, bool) else str(v))
    ident = {n: safe_text(n) if isinstance(n, str) else n for n, _ in nodes}
    for n, d in nodes:
        out.add_node(ident[n], **d)
    for a, b, k, d in edges:
        if k is None:
            out.add_edge(ident[a], ident[b], **d)
        else:
            out.add_edge(ident[a], ident[b], key=k, **d)
    return out


def _rgb(hex_colour: str) -> dict:
    h = hex_colour.lstrip("#")
    return {"r": int(h[0:2], 16), "g": int(h[2:4], 16), "b": int(h[4:6], 16), "a": 1.0}


def _for_exchange(g: nx.DiGraph, what: str) -> nx.Graph:
    """The graph to write: ties or the whole projection, with readable labels."""
    from lianjian.graph.analytics.ties import typed_ties

    if what not in WHAT:
        from lianjian.errors import UsageError

        raise UsageError(f"--what: unknown choice {what!r} (choose {', '.join(WHAT)})")
    out = typed_ties(g) if what == "ties" else g.copy()
    for n, d in out.nodes(data=True):
        d["label"] = d.get("label_zh") or n
        d["label_en"] = d.get("label_en", "")
    return out


def _with_viz(g: nx.Graph) -> nx.Graph:
    """GEXF viz attributes: colour by the node's style (sector or family), size by degree."""
    from lianjian.graph.style import node_style

    degree = dict(g.degree())
    top = max(degree.values(), default=0) or 1
    for n, d in g.nodes(data=True):
        labels = set(d["labels"].split(";")) if isinstance(d.get("labels"), str) else set(d.get("labels") or ())
        style = node_style({**d, "__labels__": labels})
        d["viz"] = {"color": _rgb(style["color"]), "size": round(4 + 26 * (degree[n] / top) ** 0.5, 2)}
    return g


def projection_bytes(g: nx.DiGraph, fmt: str, what: str = "ties") -> bytes:
    """GEXF 1.3 or GraphML bytes of the ties (default) or of the whole projection."""
    buf = io.BytesIO()
    flat = flat_graph(_for_exchange(g, what))
    if fmt == "graphml":
        nx.write_graphml(_unique_edge_keys(flat), buf, encoding="utf-8")
        data = buf.getvalue()
    else:
        nx.write_gexf(_with_viz(flat), buf, encoding="utf-8", version="1.3")
        data = _gexf_header(buf.getvalue())
    _check_well_formed(data, fmt)
    return data


def _unique_edge_keys(g: nx.Graph) -> nx.Graph:
    """GraphML edge ids are the edge keys and must be unique: an n-ary relationship drawn as several edges
    keeps its id in the `relationship` attribute, and its second and later edges get `.2`, `.3`… keys (GraphML ids are XML name tokens)."""
    if not g.is_multigraph():
        return g
    out = g.__class__()
    out.add_nodes_from(g.nodes(data=True))
    seen: dict = {}
    for a, b, k, d in g.edges(keys=True, data=True):
        seen[k] = seen.get(k, 0) + 1
        out.add_edge(a, b, key=k if seen[k] == 1 else f"{k}.{seen[k]}", **d)
    return out


#: networkx writes the XML Schema instance namespace without `www.` and an empty graph name, which GEXF's
#: schema does not allow; both are fixed in the header it writes.
_GEXF_FIXES = ((b'xmlns:xsi="http://w3.org/2001/XMLSchema-instance"', b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'),
               (b' mode="static" name="">', b' mode="static">'))


def _gexf_header(data: bytes) -> bytes:
    """The GEXF networkx wrote, with its header made schema-valid (see `_GEXF_FIXES`)."""
    head, sep, rest = data.partition(b"<nodes")
    for wrong, right in _GEXF_FIXES:
        head = head.replace(wrong, right, 1)
    return head + sep + rest


def _check_well_formed(data: bytes, fmt: str) -> None:
    """Refuse to hand back an export that an XML parser would reject (a bug, but never exit 0 with it)."""
    import xml.parsers.expat

    parser = xml.parsers.expat.ParserCreate()
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        from lianjian.errors import DataError

        raise DataError(f"the {fmt} export is not well-formed XML ({exc}); nothing was written") from None
