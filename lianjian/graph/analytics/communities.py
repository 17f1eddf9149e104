"""Communities: Louvain clusters of the tie graph, with their size, dominant sector and leading members.

networkx's ``louvain_communities`` runs on the undirected tie graph, each tie
weighted by the number of relationships joining the pair, with a fixed seed so
the result is the same on every run. Communities are numbered from 1, largest
first (ties broken by their smallest member id). The dominant sector is the
most common primary sector among the members (areas count as ``area``; ties
broken alphabetically); the top members are those with the most ties.
"""

from __future__ import annotations

from collections import Counter

import networkx as nx

from lianjian.errors import UsageError
from lianjian.graph.analytics.ties import count, limit, ratio, sector_of, sector_term, text, tie_graph
from lianjian.results import QueryResult

__all__ = ["communities", "louvain"]


def louvain(g: nx.DiGraph, seed: int = 1) -> list[list[str]]:
    """The Louvain communities of the tie graph, each a sorted list of node ids, largest first.

    >>> from lianjian.graph.analytics.ties import toy_projection
    >>> louvain(toy_projection())
    [['district-committee', 'metro'], ['school', 'street']]
    """
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise UsageError(f"--seed: must be a whole number, not {seed!r}")
    t = tie_graph(g)
    found = nx.community.louvain_communities(t, weight="weight", seed=seed) if t.number_of_edges() else []
    return sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))


def communities(g: nx.DiGraph, seed: int = 1, top: int | None = None, members: int = 5) -> QueryResult:
    """One row per Louvain community: size, dominant sector and its share, sectors, top `members` (by ties).

    >>> from lianjian.graph.analytics.ties import toy_projection
    >>> for r in communities(toy_projection()).records():
    ...     print(r["community"], r["size"], r["sector"].split("/")[-1], r["sector_share"], r["top_members"])
    1 2 government-agency 0.5 区委、地铁公司
    2 2 area 0.5 街道、中学
    """
    if not isinstance(members, int) or members < 1:
        raise UsageError(f"--members: must be a whole number of at least 1, not {members!r}")
    t = tie_graph(g)
    rows = []
    for i, c in enumerate(louvain(g, seed), start=1):
        sectors = Counter(sector_of(t.nodes[n]) for n in c)
        dominant, n_dominant = min(sectors.items(), key=lambda kv: (-kv[1], kv[0]))
        leaders = sorted(c, key=lambda n: (-t.degree(n), n))[:members]
        rows.append([count(i), count(len(c)), sector_term(dominant), ratio(n_dominant / len(c)), count(len(sectors)),
                     text((t.nodes[n].get("label_zh") or n for n in leaders), "、"), text(leaders)])
    return QueryResult(["community", "size", "sector", "sector_share", "sectors", "top_members", "top_member_ids"],
                       limit(rows, top))
