"""Sector mixing: which sectors joint building ties together, and how often ties cross sectors.

Every tie counts once, under the primary sectors of its two ends (an
organisation in several sectors counts in its projection ``sector``, the first
in alphabetical order; an area counts as ``area``). A tie *crosses sectors*
when the two primary sectors differ. A tie belongs to every case (source
document) listed in its ``sources``.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import networkx as nx
from rdflib import Literal

from lianjian.graph.analytics.ties import count, limit, ratio, sector_of, sector_term, tie_graph
from lianjian.results import QueryResult

__all__ = ["mixing", "cross_sector_share", "ALL_CASES"]

#: The `case` of the overall row of `cross_sector_share` (not a valid source id, so it cannot clash).
ALL_CASES = "(all)"


def _sectors(t: nx.Graph, a: str, b: str) -> tuple[str, str]:
    sa, sb = sector_of(t.nodes[a]), sector_of(t.nodes[b])
    return (sa, sb) if sa <= sb else (sb, sa)


def mixing(g: nx.DiGraph, top: int | None = None) -> QueryResult:
    """The sector × sector matrix of ties, one row per unordered pair of sectors that has any.

    ``ties`` counts organisation/area pairs, ``share`` their fraction of all ties,
    ``relationships`` the distinct JointBuilding relationships behind them.

    >>> from lianjian.graph.analytics.ties import toy_projection
    >>> for r in mixing(toy_projection()).records():
    ...     print(r["sector_a"].split("/")[-1], r["sector_b"].split("/")[-1], r["ties"], r["share"])
    area education 1 0.3333
    area government-agency 1 0.3333
    government-agency state-enterprise 1 0.3333
    """
    t = tie_graph(g)
    ties: Counter = Counter()
    relationships: dict[tuple[str, str], set] = defaultdict(set)
    for a, b, e in t.edges(data=True):
        cell = _sectors(t, a, b)
        ties[cell] += 1
        relationships[cell].update(e.get("relationships", ()))
    total = sum(ties.values())
    rows = [[sector_term(sa), sector_term(sb), count(n), ratio(n / total), count(len(relationships[sa, sb]))]
            for (sa, sb), n in sorted(ties.items(), key=lambda kv: (-kv[1], kv[0]))]
    return QueryResult(["sector_a", "sector_b", "ties", "share", "relationships"], limit(rows, top))


def cross_sector_share(g: nx.DiGraph, top: int | None = None) -> QueryResult:
    """Per case, the number of ties and the share that cross sectors; the last row, case ``(all)``, counts each tie once.

    >>> from lianjian.graph.analytics.ties import toy_projection
    >>> for r in cross_sector_share(toy_projection()).records():
    ...     print(r["case"], r["ties"], r["cross_sector"], r["share"])
    case-a 2 2 1
    case-b 1 1 1
    (all) 3 3 1
    """
    t = tie_graph(g)
    ties: Counter = Counter()
    cross: Counter = Counter()
    for a, b, e in t.edges(data=True):
        crosses = len(set(_sectors(t, a, b))) == 2
        for case in [*sorted(set(e.get("sources", ()))), ALL_CASES]:
            ties[case] += 1
            cross[case] += crosses
    cases = [c for c in sorted(ties) if c != ALL_CASES]
    rows = [[Literal(c), count(ties[c]), count(cross[c]), ratio(cross[c] / ties[c])] for c in limit(cases, top)]
    rows.append([Literal(ALL_CASES), count(ties[ALL_CASES]), count(cross[ALL_CASES]),
                 ratio(cross[ALL_CASES] / ties[ALL_CASES] if ties[ALL_CASES] else 0)])
    return QueryResult(["case", "ties", "cross_sector", "share"], rows)
