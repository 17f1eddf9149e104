"""Network analytics over the property-graph projection: bridges, sector mixing, case comparison, communities, paths.

Every analysis takes the projection (``kg.to_networkx()``) and returns a
`lianjian.results.QueryResult`, so the CLI renders it like a query. See
docs/analytics.md for the definitions.

>>> from lianjian.graph.analytics.ties import toy_projection
>>> analyze(toy_projection(), "cross-sector").records()[-1]
{'case': '(all)', 'ties': 3, 'cross_sector': 3, 'share': 1}
"""

from __future__ import annotations

import inspect
import networkx as nx

from lianjian.errors import UsageError
from lianjian.graph.analytics.bridges import bridges
from lianjian.graph.analytics.communities import communities
from lianjian.graph.analytics.compare import compare, shared_mechanisms
from lianjian.graph.analytics.mixing import cross_sector_share, mixing
from lianjian.graph.analytics.paths import shortest_path
from lianjian.results import QueryResult

__all__ = ["ANALYSES", "analyze", "bridges", "mixing", "cross_sector_share",
           "compare", "shared_mechanisms", "communities", "shortest_path"]

#: Analysis name → function of the projection.
ANALYSES = {
    "bridges": bridges,
    "mixing": mixing,
    "cross-sector": cross_sector_share,
    "compare": compare,
    "shared-mechanisms": shared_mechanisms,
    "communities": communities,
}


def _analysis(name: str):
    if name not in ANALYSES:
        raise UsageError(f"unknown analysis {name!r} (choose {', '.join(ANALYSES)})")
    return ANALYSES[name]


def analyze(kg, name: str, **options) -> QueryResult:
    """Run analysis `name` on a `KnowledgeGraph` (or a projection); options left as None take their defaults.

    >>> from lianjian.graph.analytics.ties import toy_projection
    >>> analyze(toy_projection(), "ranking")
    Traceback (most recent call last):
    lianjian.errors.UsageError: unknown analysis 'ranking' (choose bridges, mixing, cross-sector, compare, shared-mechanisms, communities)
    """
    fn = _analysis(name)
    options = {k: v for k, v in options.items() if v is not None}
    accepted = list(inspect.signature(fn).parameters)[1:]
    for key in options:
        if key not in accepted:
            raise UsageError(f"analysis {name!r} takes no option {key!r} (it takes {', '.join(accepted)})")
    g = kg if isinstance(kg, nx.Graph) else kg.to_networkx()
    return fn(g, **options)
