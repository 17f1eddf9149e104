"""The joint-building tie graph and what every analysis shares: sectors, IRIs and literals of projected nodes.

A *tie* is a pair of organisations or areas joined by ``LINKED_WITH`` edges in
the projection (one or more JointBuilding relationships). An organisation's
*sector* is the projection's ``sector``: the first of its sectors in
alphabetical order. Areas have no sector; they count under the pseudo-sector
``area`` (territorial units, as against functional ones).
"""

from __future__ import annotations

import networkx as nx
from rdflib import Literal, URIRef

from lianjian.errors import UsageError
from lianjian.namespace import ID, MECHANISM, concept_iri, is_slug

__all__ = [
    "AREA", "TIE_ENDS", "is_tie_end", "tie_graph", "typed_ties", "sector_of", "cases_of", "node_iri", "sector_term",
    "relation_term", "label", "count", "ratio", "text", "limit", "toy_projection",
]

#: The pseudo-sector of areas, which have no sector of their own.
AREA = "area"
#: Node labels that can take part in a joint-building tie.
TIE_ENDS = frozenset({"Organization", "Area"})


def is_tie_end(attrs: dict) -> bool:
    """True for an organisation or an area."""
    return bool(TIE_ENDS & attrs["__labels__"])


def tie_graph(g: nx.DiGraph) -> nx.Graph:
    """The undirected graph of joint-building ties between organisations and areas.

    Nodes keep the projection's attributes; each edge keeps the ``LINKED_WITH``
    attributes (relationships, kinds, mechanisms, sources, quote) and gets a
    ``weight``: the number of relationships joining the pair (at least 1).

    >>> t = tie_graph(toy_projection())
    >>> sorted(t.edges), t.edges["district-committee", "metro"]["weight"]
    ([('district-committee', 'metro'), ('district-committee', 'street'), ('school', 'street')], 1)
    """
    pairs: dict[tuple[str, str], dict] = {}
    for a, b, e in g.edges(data=True):
        if "LINKED_WITH" in e["__labels__"] and a != b and is_tie_end(g.nodes[a]) and is_tie_end(g.nodes[b]):
            pairs.setdefault((a, b) if a < b else (b, a), e)
    t = nx.Graph()
    # Sorted insertion makes betweenness, Louvain and path choices reproducible.
    for n in sorted({n for pair in pairs for n in pair}):
        t.add_node(n, **g.nodes[n])
    for a, b in sorted(pairs):
        e = g.edges[a, b] if g.has_edge(a, b) else pairs[a, b]
        attrs = {k: v for k, v in e.items() if k != "__labels__"}
        t.add_edge(a, b, **attrs, weight=max(1, len(e.get("relationships", ()))))
    return t


def typed_ties(g: nx.DiGraph) -> nx.MultiDiGraph:
    """The typed tie network: organisations and areas, one edge per relationship between each pair it joins.

    Each edge's ``tie`` is ``joint-building`` or ``member``. A joint-building edge (stored once per pair, from the
    smaller id to the larger: it is symmetric) carries the relationship's id, kind, mechanisms, start_date,
    end_date, basis, reason and evidence as lists of
    ``{"quote", "source"}``; a ``member`` edge runs from a member to the joint body it belongs to. Nodes keep
    the projection's attributes (labels, class, sectors).

    >>> t = typed_ties(toy_projection())
    >>> sorted((a, b, d["tie"], d["kind"]) for a, b, d in t.edges(data=True))
    [('district-committee', 'metro', 'joint-building', 'pairing'), ('district-committee', 'street', 'joint-building', 'joint-building'), ('school', 'street', 'joint-building', 'service')]
    """
    t = nx.MultiDiGraph()
    ends = {n for n, d in g.nodes(data=True) if is_tie_end(d)}
    for n in sorted(ends):
        t.add_node(n, **{k: v for k, v in g.nodes[n].items() if k != "__labels__"}, labels=sorted(g.nodes[n]["__labels__"]))
    for r, d in sorted(g.nodes(data=True)):
        labels = d["__labels__"]
        if "JointBuilding" in labels:
            parts = sorted(b for _, b, e in g.out_edges(r, data=True) if "PARTICIPANT" in e["__labels__"] and b in ends)
            mechanisms = sorted(b for _, b, e in g.out_edges(r, data=True) if "USES_MECHANISM" in e["__labels__"])
            attrs = {
                "tie": "joint-building", "relationship": r, "kind": d.get("kind", ""), "mechanisms": mechanisms,
                "start_date": str(d.get("startDate", "")), "end_date": str(d.get("endDate", "")), "basis": d.get("basis", "stated"),
                "reason": d.get("basisReason", ""), "label_zh": d.get("label_zh", ""), "label_en": d.get("label_en", ""),
                "evidence": [{"quote": q, "source": s} for q, s in d.get("evidence", ())],
            }
            for i, a in enumerate(parts):
                for b in parts[i + 1:]:
                    t.add_edge(a, b, key=r, **attrs)
        elif "Organization" in labels and r in ends:
            for _, m, e in g.out_edges(r, data=True):
                if "HAS_MEMBER" in e["__labels__"] and m in ends:
                    t.add_edge(m, r, key=f"member:{m}:{r}", tie="member", relationship="", kind="membership",
                               mechanisms=[], start_date="", end_date="", basis="stated", reason="", label_zh="", label_en="",
                               evidence=[])
    t.remove_nodes_from([n for n in list(t) if t.degree(n) == 0])
    return t


def sector_of(attrs: dict) -> str:
    """A node's primary sector: the projection's ``sector``, ``area`` for an area.

    >>> sector_of({"__labels__": {"Organization"}, "sector": "education", "sectors": ["education"]})
    'education'
    >>> sector_of({"__labels__": {"Area"}})
    'area'
    """
    if attrs.get("sector"):
        return attrs["sector"]
    return AREA if "Area" in attrs["__labels__"] else "unknown"


def cases_of(g: nx.DiGraph) -> list[str]:
    """The source documents (cases) the projection's nodes draw evidence from, sorted."""
    return sorted({s for _, d in g.nodes(data=True) for s in d.get("sources", ())})


def node_iri(g: nx.DiGraph, n: str) -> URIRef:
    """The IRI of a projected node: mechanisms live in the mechanism vocabulary, everything else under ``id:``.

    The projection keys nodes by the IRI's last segment; this is its inverse.
    """
    data = g.nodes[n] if n in g else None
    return MECHANISM[n] if data is not None and "Mechanism" in data.get("__labels__", ()) else ID[n]


def sector_term(sector: str):
    """A sector as an RDF term: its SKOS concept, or a plain literal for ``area`` and ``unknown``."""
    if sector in (AREA, "unknown") or not is_slug(sector):
        return Literal(sector)
    return concept_iri("sector", sector)


def relation_term(kind: str):
    """A relation kind as its SKOS concept (None for no kind)."""
    return concept_iri("relation", kind) if is_slug(kind) else None


def label(attrs: dict) -> Literal:
    """A node's Chinese label as a zh-Hans literal (its id when it has none)."""
    return Literal(attrs.get("label_zh") or attrs.get("id", ""), lang="zh-Hans")


def count(n: int) -> Literal:
    """An integer literal."""
    return Literal(int(n))


def ratio(x: float) -> Literal:
    """A share or centrality, rounded to four decimals."""
    return Literal(round(float(x), 4))


def text(values, sep: str = ", ") -> Literal | None:
    """Several values as one literal (None when there are none)."""
    values = [str(v) for v in values]
    return Literal(sep.join(values)) if values else None


def limit(rows: list, top: int | None) -> list:
    """The first `top` rows (all when `top` is None)."""
    if top is None:
        return rows
    if not isinstance(top, int) or top < 1:
        raise UsageError(f"--top: must be a whole number of at least 1, not {top!r}")
    return rows[:top]


def toy_projection() -> nx.DiGraph:
    """A tiny hand-made projection for the examples: two cases, four organisations, two areas.

    district-committee (government-agency) is paired with metro (state-enterprise,
    transport) and holds a joint conference with street; street serves school
    (education), which also practises pairing; street lies within district, where
    district-committee is located.
    """
    g = nx.DiGraph()
    orgs = {
        "district-committee": ("区委", "PartyCommittee", ["government-agency"]),
        "metro": ("地铁公司", "Enterprise", ["state-enterprise", "transport"]),
        "school": ("中学", "School", ["education"]),
    }
    for n, (zh, cls, sectors) in orgs.items():
        g.add_node(n, id=n, label_zh=zh, **{"class": cls}, __labels__={cls, "Organization"}, sectors=sectors,
                   sector=sectors[0], sources=["case-a"] if n != "school" else ["case-b"], quote=f"{zh}参与联建",
                   quotes=[f"{zh}参与联建"])
    for n, zh, cls in (("street", "街道", "Street"), ("district", "区", "District")):
        g.add_node(n, id=n, label_zh=zh, **{"class": cls}, __labels__={cls, "Area"}, sources=["case-a", "case-b"],
                   quote=f"{zh}", quotes=[zh])
    for m, zh, broader in (("pairing-family", "结对共建机制", None), ("pairing", "结对", "pairing-family"),
                           ("coordination", "协调议事机制", None), ("joint-conference", "联席会议制度", "coordination"),
                           ("service", "服务机制", None), ("two-way-service", "双向服务", "service")):
        g.add_node(m, id=m, label_zh=zh, **{"class": "Mechanism"}, __labels__={"Mechanism"}, sources=[], quote="",
                   quotes=[])
        if broader:
            g.add_edge(m, broader, __labels__={"BROADER"})
    ties = (("rel-1", "district-committee", "metro", "pairing", "pairing", "case-a", "区委与地铁公司结对"),
            ("rel-2", "district-committee", "street", "joint-building", "joint-conference", "case-a", "区委与街道召开联席会议"),
            ("rel-3", "street", "school", "service", "two-way-service", "case-b", "街道与中学双向服务"))
    for rel, a, b, kind, mechanism, source, quote in ties:
        g.add_node(rel, id=rel, label_zh=quote, **{"class": "JointBuilding"}, __labels__={"JointBuilding"}, kind=kind,
                   mechanisms=[mechanism], sources=[source], quote=quote, quotes=[quote])
        g.add_edge(rel, mechanism, __labels__={"USES_MECHANISM"})
        for x, y in ((a, b), (b, a)):
            g.add_edge(rel, x, __labels__={"PARTICIPANT"})
            g.add_edge(x, y, __labels__={"LINKED_WITH"}, relationships=[rel], kinds=[kind], kind=kind,
                       mechanisms=[mechanism], sources=[source], quote=quote)
    g.add_edge("school", "pairing", __labels__={"USES_MECHANISM"})
    g.add_edge("street", "district", __labels__={"WITHIN"})
    g.add_edge("district-committee", "district", __labels__={"LOCATED_IN"})
    return g
