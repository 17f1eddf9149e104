"""grand-cypher: Cypher over the networkx projection in memory, with Cypher's null rule."""

from __future__ import annotations

import functools
import json
import re

from lianjian.errors import UsageError, first_line
from lianjian.queries.cypher.ladybug import jsonable
from lianjian.queries.cypher.terms import terms_result
from lianjian.queries.cypher.text import depth_zero, mask, result_columns, source_property, substitute, unmask
from lianjian.results import QueryResult


# ---------------------------------------------------------------------------- grand-cypher

def _normal(text: str) -> str:
    return re.sub(r"\s+", "", str(text)).lower()


@functools.lru_cache(maxsize=1)
def _transformer_class():
    """grand-cypher's query transformer with Cypher's null rule: a comparison with a missing value is not true."""
    import grandcypher

    def null_aware(op: str):
        base = grandcypher._OPERATORS[op]
        return grandcypher.LambdaCompareCondition(
            lambda x, y: None if x is None or y is None else base(x, y), base._operator)

    ops = {"op_eq": "==", "op_neq": "<>", "op_gt": ">", "op_lt": "<", "op_gte": ">=", "op_lte": "<="}
    methods = {name: (lambda op: lambda self, _: null_aware(op))(op) for name, op in ops.items()}
    return type("NullAwareTransformer", (grandcypher.GrandCypherTransformer,), methods)


_UNION = re.compile(r"\bUNION(\s+ALL)?\b", re.I)


def _grand_cypher_part(g, query: str) -> tuple[list[str], list[str | None], list[list]]:
    """Run one query (no UNION) on grand-cypher: column names, source properties and rows."""
    from grandcypher import GrandCypher
    from lark.exceptions import UnexpectedInput

    engine = GrandCypher(g)
    engine._transformer = _transformer_class()(g, None)
    try:
        found = engine.run(query)
    except UnexpectedInput as exc:
        raise UsageError(f"Cypher syntax error (grand-cypher): {first_line(exc)}") from None
    except Exception as exc:  # grand-cypher raises many types for queries it cannot run
        raise UsageError(f"Cypher error (grand-cypher): {type(exc).__name__}: {first_line(exc)}") from None
    keys = {_normal(k): k for k in found}
    columns = result_columns(query)
    if columns and all(_normal(n) in keys for n, _ in columns):
        order = [keys[_normal(n)] for n, _ in columns]
        names, props = [n for n, _ in columns], [p for _, p in columns]
    else:
        order = list(found)
        names = [str(k) for k in order]
        props = [source_property(n, {}) for n in names]
    return names, props, [list(r) for r in zip(*(found[k] for k in order))]


def run_on_grand_cypher(kg, text: str, values: dict) -> QueryResult:
    """Run on grand-cypher; lianjian adds UNION [ALL] by running each part and joining the rows."""
    g = kg.to_networkx()
    query = substitute(text, values)
    masked, pieces = mask(query)
    unions = depth_zero(masked, _UNION)
    bounds = [0, *(x for m in unions for x in (m.start(), m.end())), len(masked)]
    parts = [unmask(masked[a:b], pieces) for a, b in zip(bounds[::2], bounds[1::2])]
    names, props, rows = _grand_cypher_part(g, parts[0])
    for part in parts[1:]:
        more_names, _, more = _grand_cypher_part(g, part)
        if more_names != names:
            raise UsageError(f"Cypher error (grand-cypher): the parts of a UNION return different columns "
                             f"({', '.join(names)} / {', '.join(more_names)})")
        rows += more
    if any(m.group(1) is None for m in unions):
        seen, unique = set(), []
        for row in rows:
            key = json.dumps(row, sort_keys=True, default=jsonable, ensure_ascii=False)
            if key not in seen:
                seen.add(key)
                unique.append(row)
        rows = unique
    return terms_result(kg, g, names, props, rows)


