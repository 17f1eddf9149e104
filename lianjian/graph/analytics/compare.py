"""Comparing cases: which mechanisms each source document uses, and which all of them share.

A node *uses* a mechanism through a ``USES_MECHANISM`` edge (relationships,
organisations, initiatives) or, for a relationship, its ``mechanisms``; the use
counts for every case (source document) in the node's ``sources``, as in the
canned query mechanisms-shared-across-cases. A mechanism's *family* is its top
concept, reached by following ``BROADER`` edges up.
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx
from rdflib import Literal

from lianjian.errors import UsageError
from lianjian.graph.analytics.ties import cases_of, count, label, limit, node_iri
from lianjian.ontology import reachable
from lianjian.results import QueryResult

__all__ = ["compare", "shared_mechanisms", "mechanism_uses", "family_of", "broader_of"]

_LEVELS = ("mechanism", "family")


def _is_mechanism(g: nx.DiGraph, n: str) -> bool:
    return "Mechanism" in g.nodes[n]["__labels__"]


def broader_of(g: nx.DiGraph, m: str) -> list[str]:
    """The mechanisms directly broader than `m`, sorted."""
    return sorted(b for b in g.successors(m) if "BROADER" in g.edges[m, b]["__labels__"] and _is_mechanism(g, b))


def family_of(g: nx.DiGraph, m: str) -> str:
    """The top concept above mechanism `m` (itself when it has no broader one; the first when there are several).

    >>> from lianjian.graph.analytics.ties import toy_projection
    >>> family_of(toy_projection(), "joint-conference"), family_of(toy_projection(), "service")
    ('coordination', 'service')
    """
    seen = {m}
    while (up := [b for b in broader_of(g, m) if b not in seen]):
        m = up[0]
        seen.add(m)
    return m


def mechanism_uses(g: nx.DiGraph) -> dict[str, dict[str, set[str]]]:
    """case → mechanism → the nodes of that case that use it directly.

    >>> from lianjian.graph.analytics.ties import toy_projection
    >>> {c: sorted(ms) for c, ms in mechanism_uses(toy_projection()).items()}
    {'case-a': ['joint-conference', 'pairing'], 'case-b': ['pairing', 'two-way-service']}
    """
    uses: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for n, d in g.nodes(data=True):
        used = {m for m in g.successors(n) if "USES_MECHANISM" in g.edges[n, m]["__labels__"]}
        if "JointBuilding" in d["__labels__"]:
            used.update(d.get("mechanisms", ()))
        for m in used:
            if m in g and _is_mechanism(g, m):
                for case in d.get("sources", ()):
                    uses[case][m].add(n)
    return {c: dict(ms) for c, ms in sorted(uses.items())}


def compare(g: nx.DiGraph, top: int | None = None, by: str = "mechanism") -> QueryResult:
    """The case × mechanism matrix: one row per mechanism (or family, ``by="family"``), one column per case.

    Each case's cell counts the nodes of that case using the mechanism (for a
    family: any mechanism in it); ``cases`` counts the cases using it at all.

    >>> from lianjian.graph.analytics.ties import toy_projection
    >>> for r in compare(toy_projection(), by="family").records():
    ...     print(r["mechanism_zh"], r["cases"], r["case-a"], r["case-b"])
    结对共建机制 2 1 1
    协调议事机制 1 1 0
    服务机制 1 0 1
    """
    if by not in _LEVELS:
        raise UsageError(f"--by: unknown level {by!r} (choose {' or '.join(_LEVELS)})")
    cases = cases_of(g)
    cells: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for case, ms in mechanism_uses(g).items():
        for m, users in ms.items():
            cells[family_of(g, m) if by == "family" else m][case].update(users)
    order = sorted(cells, key=lambda m: (-len(cells[m]), -sum(map(len, cells[m].values())), family_of(g, m), m))
    rows = [[node_iri(g, m), label(g.nodes[m]), node_iri(g, family_of(g, m)), count(len(cells[m]))]
            + [count(len(cells[m].get(c, ()))) for c in cases] for m in order]
    return QueryResult(["mechanism", "mechanism_zh", "family", "cases", *cases], limit(rows, top))


def shared_mechanisms(g: nx.DiGraph, top: int | None = None, min_cases: int | None = None) -> QueryResult:
    """The mechanisms and families used by every case (or by at least `min_cases`), counting narrower ones.

    A case uses a concept when it uses it or any mechanism below it. ``level``
    says whether the concept is a family (top concept) or a mechanism; ``uses``
    counts the using nodes, all cases together. Families come first.

    >>> from lianjian.graph.analytics.ties import toy_projection
    >>> for r in shared_mechanisms(toy_projection()).records():
    ...     print(r["mechanism_zh"], r["level"], r["cases"], r["uses"])
    结对共建机制 family 2 2
    结对 mechanism 2 2
    """
    cases = cases_of(g)
    if min_cases is None:
        min_cases = len(cases)
    if not isinstance(min_cases, int) or min_cases < 1:
        raise UsageError(f"--min-cases: must be a whole number of at least 1, not {min_cases!r}")
    used_by: dict[str, set[str]] = defaultdict(set)
    users: dict[str, set[str]] = defaultdict(set)
    for case, ms in mechanism_uses(g).items():
        for m, nodes in ms.items():
            for concept in reachable(m, lambda c: broader_of(g, c)):
                used_by[concept].add(case)
                users[concept].update(nodes)
    shared = [m for m in used_by if len(used_by[m]) >= min_cases]
    shared.sort(key=lambda m: (bool(broader_of(g, m)), -len(used_by[m]), -len(users[m]), m))
    rows = [[node_iri(g, m), label(g.nodes[m]), node_iri(g, family_of(g, m)),
             Literal("mechanism" if broader_of(g, m) else "family"), count(len(used_by[m])), count(len(users[m]))]
            for m in shared]
    return QueryResult(["mechanism", "mechanism_zh", "family", "level", "cases", "uses"], limit(rows, top))
