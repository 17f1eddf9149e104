"""FalkorDB: pushing the property-graph projection to a server, and running Cypher there.

The projection (`KnowledgeGraph.to_networkx()`) is loaded as LadybugDB holds it:
each node with all its labels, one relationship per type of a projection edge
(``LINKED_WITH`` once per pair, matched undirected), lists as arrays and the
evidence pairs as arrays of ``[quote, source]``. A push loads into a temporary
graph and then renames it over the target (Redis ``RENAME``, atomic), so a
failed push leaves the previous graph as it was.
"""

from __future__ import annotations

import re
import time
import urllib.parse
from dataclasses import dataclass

from lianjian.errors import DataError, UsageError, first_line, printable
from lianjian.queries.cypher.ladybug import SYMMETRIC, jsonable
from lianjian.queries.cypher.terms import terms_result
from lianjian.queries.cypher.text import parameter_names, result_columns, text_params
from lianjian.remote import DEFAULT_TIMEOUT, check_timeout, redact
from rdflib import Literal

from lianjian.results import QueryResult

__all__ = ["FalkorTarget", "parse_url", "push_falkordb", "run_on_falkordb", "run_falkordb_query", "run_falkordb", "falkordb_rows", "ENGINE", "BATCH"]

ENGINE = "falkordb"
#: Rows per UNWIND statement when loading.
BATCH = 500
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_GRAPH_NAME = re.compile(r"[A-Za-z0-9_.-]{1,200}")
_INSTALL = "the FalkorDB client is not installed: pip install 'lianjian[falkordb]'"


@dataclass(frozen=True)
class FalkorTarget:
    """A FalkorDB server and graph, from ``redis://[user:password@]HOST[:PORT]/GRAPH``."""

    url: str
    host: str
    port: int
    graph: str
    username: str | None = None
    password: str | None = None
    tls: bool = False

    @property
    def shown(self) -> str:
        return printable(redact(self.url))


def parse_url(url: str, option: str = "--cypher") -> FalkorTarget:
    """The server and graph a ``redis://`` (or ``rediss://``) URL names; a usage error otherwise.

    >>> t = parse_url("redis://me:secret@127.0.0.1:6380/lianjian")
    >>> (t.host, t.port, t.graph, t.username, t.shown)
    ('127.0.0.1', 6380, 'lianjian', 'me', 'redis://***@127.0.0.1:6380/lianjian')
    """
    shown = printable(redact(url))
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port or 6379
    except ValueError as exc:
        raise UsageError(f"{option} {shown}: malformed URL ({printable(redact(str(exc)))})") from None
    if parts.scheme not in ("redis", "rediss") or not parts.hostname:
        raise UsageError(f"{option} {shown}: not a redis://HOST:PORT/GRAPH URL")
    if any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7f for c in url):
        raise UsageError(f"{option} {shown}: white space or control characters in the URL")
    graph = urllib.parse.unquote(parts.path.lstrip("/"))
    if not _GRAPH_NAME.fullmatch(graph) or parts.query or parts.fragment:
        raise UsageError(f"{option} {shown}: give the graph name after the port, e.g. redis://HOST:PORT/lianjian "
                         "(letters, digits, '_', '.', '-')")
    user = urllib.parse.unquote(parts.username) if parts.username else None
    password = urllib.parse.unquote(parts.password) if parts.password is not None else None
    return FalkorTarget(url, parts.hostname, port, graph, user, password, parts.scheme == "rediss")


def _client():
    try:
        import falkordb
        import redis
    except ImportError:
        raise UsageError(_INSTALL) from None
    return falkordb, redis


def _connect(target: FalkorTarget, timeout: float):
    falkordb, redis = _client()
    try:
        db = falkordb.FalkorDB(host=target.host, port=target.port, username=target.username, password=target.password,
                               ssl=target.tls, socket_timeout=timeout, socket_connect_timeout=timeout)
        db.connection.ping()
    except redis.exceptions.RedisError as exc:
        raise DataError(f"{target.shown}: {_reason(exc, timeout)}") from None
    return db


def _reason(exc, timeout: float) -> str:
    _, redis = _client()
    text = first_line(exc)
    if isinstance(exc, redis.exceptions.TimeoutError):
        return f"no answer within {timeout:g} s (timeout)"
    if isinstance(exc, redis.exceptions.AuthenticationError) or "WRONGPASS" in text or "NOAUTH" in text:
        return "the server refused the user name or password"
    if isinstance(exc, redis.exceptions.ConnectionError):
        if "refused" in text.lower():
            return "connection refused (is the server running, on that port?)"
        return f"cannot talk to the server: {printable(redact(text), 200)}"
    if "unknown command" in text.lower() and "GRAPH." in text:
        return "the server is Redis without the FalkorDB module (GRAPH.* commands unknown)"
    return printable(redact(text), 200)


# ---------------------------------------------------------------------------- the graph as FalkorDB rows

def _value(v):
    if isinstance(v, (set, frozenset, tuple)):
        v = jsonable(v) if isinstance(v, (set, frozenset)) else list(v)
    if isinstance(v, list):
        return [_value(x) for x in v]
    return v


def _props(d: dict, skip=("__labels__",)) -> dict:
    out = {}
    for k, v in d.items():
        if k in skip or v is None:
            continue
        if not _IDENT.fullmatch(k):
            raise DataError(f"projection property {k!r} is not a valid FalkorDB property name")
        out[k] = _value(v)
    return out


def _names(names, what: str) -> list[str]:
    for n in names:
        if not _IDENT.fullmatch(n):
            raise DataError(f"{what} {n!r} is not a valid FalkorDB name")
    return sorted(names)


def falkordb_rows(g) -> tuple[dict, dict]:
    """Nodes grouped by label set, relationships grouped by type: the rows a push loads."""
    nodes: dict[tuple[str, ...], list] = {}
    for n, d in sorted(g.nodes(data=True)):
        nodes.setdefault(tuple(_names(d.get("__labels__") or (), "label")), []).append({**_props(d), "id": str(n)})
    rels: dict[str, list] = {}
    for a, b, d in sorted(g.edges(data=True), key=lambda e: e[:2]):
        for t in _names(d.get("__labels__") or (), "relationship type"):
            if t in SYMMETRIC and g.has_edge(b, a) and b < a:
                continue
            rels.setdefault(t, []).append({"a": str(a), "b": str(b), "p": _props(d)})
    return nodes, rels


# ---------------------------------------------------------------------------- push

def push_falkordb(kg, url: str, timeout: float = DEFAULT_TIMEOUT, batch: int = BATCH) -> dict:
    """Replace the graph that `url` names on a FalkorDB server by `kg`'s projection.

    Loads into ``GRAPH.lianjian-tmp`` and renames it over ``GRAPH`` at the end; returns the
    server (password hidden), graph, node and relationship counts and a `table`.
    """
    target = parse_url(url)
    timeout = check_timeout(timeout)
    started = time.perf_counter()
    nodes, rels = falkordb_rows(kg.to_networkx())
    db = _connect(target, timeout)
    _, redis = _client()
    tmp = f"{target.graph}.lianjian-tmp"
    conn = db.connection
    try:
        if conn.exists(tmp):
            conn.delete(tmp)
        graph = db.select_graph(tmp)
        labels = sorted({lab for key in nodes for lab in key})
        for lab in labels:
            graph.query(f"CREATE INDEX FOR (n:`{lab}`) ON (n.id)")
        # An end is found through the index on its first label's id: FalkorDB scans every node for `id(a) = r.a`.
        label_of: dict[str, str] = {}
        end = lambda v, lab: f"({v}:`{lab}` {{id: r.{v}}})" if lab else f"({v} {{id: r.{v}}})"  # noqa: E731
        for key, rows in nodes.items():
            label_text = "".join(f":`{lab}`" for lab in key)
            for r in rows:
                label_of[r["id"]] = key[0] if key else ""
            for i in range(0, len(rows), batch):
                graph.query(f"UNWIND $rows AS r CREATE (n{label_text}) SET n = r", {"rows": rows[i:i + batch]})
        count = 0
        for t, rows in rels.items():
            by_ends: dict[tuple[str, str], list] = {}
            for r in rows:
                by_ends.setdefault((label_of[r["a"]], label_of[r["b"]]), []).append(r)
            for (la, lb), group in sorted(by_ends.items()):
                for i in range(0, len(group), batch):
                    part = group[i:i + batch]
                    graph.query(f"UNWIND $rows AS r MATCH {end('a', la)}, {end('b', lb)} "
                                f"CREATE (a)-[e:`{t}`]->(b) SET e = r.p", {"rows": part})
                    count += len(part)
        conn.rename(tmp, target.graph)
    except redis.exceptions.RedisError as exc:
        try:
            conn.delete(tmp)
        except redis.exceptions.RedisError:
            pass
        raise DataError(f"{target.shown}: {_reason(exc, timeout)} — push stopped; graph '{target.graph}' "
                        "keeps its previous content") from None
    finally:
        db.connection.close()
    node_count = sum(len(rows) for rows in nodes.values())
    table = QueryResult(["graph", "nodes", "relationships"],
                        [[Literal(target.graph), Literal(node_count), Literal(count)]])
    return {"server": target.shown, "graph": target.graph, "nodes": node_count, "relationships": count,
            "relationship_types": {t: len(rows) for t, rows in sorted(rels.items())},
            "seconds": round(time.perf_counter() - started, 3), "table": table}


# ---------------------------------------------------------------------------- queries

def _cell(v):
    """A FalkorDB answer cell as the plain values `terms_result` reads (nodes and edges as dicts)."""
    falkordb, _ = _client()
    if isinstance(v, falkordb.Node):
        return {**v.properties, "__labels__": set(v.labels or ())}
    if isinstance(v, falkordb.Edge):
        return {"_SRC": v.src_node, "_LABEL": v.relation}
    if isinstance(v, list):
        return [_cell(x) for x in v]
    return v


def run_on_falkordb(kg, text: str, values: dict, url: str, timeout: float = DEFAULT_TIMEOUT) -> QueryResult:
    """Run Cypher on the graph `url` names, ``$name`` parameters bound from `values`; cells typed as on the other engines."""
    target = parse_url(url)
    timeout = check_timeout(timeout)
    _, redis = _client()
    db = _connect(target, timeout)
    try:
        if not db.connection.exists(target.graph):
            raise DataError(f"{target.shown}: no graph '{target.graph}' on the server (push it first: "
                            f"lianjian push --cypher URL)")
        result = db.select_graph(target.graph).ro_query(text, values or None, timeout=int(timeout * 1000))
    except redis.exceptions.ResponseError as exc:
        message = first_line(exc)
        if "errMsg" in message or "Invalid input" in message:
            raise UsageError(f"Cypher syntax error (falkordb): {printable(message, 300)}") from None
        raise UsageError(f"Cypher error (falkordb): {printable(message, 300)}") from None
    except redis.exceptions.RedisError as exc:
        raise DataError(f"{target.shown}: {_reason(exc, timeout)}") from None
    finally:
        db.connection.close()
    names = [h[1] if isinstance(h, (list, tuple)) else str(h) for h in result.header]
    columns = result_columns(text)
    if len(columns) == len(names):
        names, props = [n for n, _ in columns], [p for _, p in columns]
    else:
        props = [None] * len(names)
    g = kg.to_networkx()
    return terms_result(kg, g, names, props, [[_cell(v) for v in row] for row in result.result_set])


def run_falkordb_query(kg, name: str, url: str, params: dict[str, str] | None = None,
                       timeout: float = DEFAULT_TIMEOUT) -> QueryResult:
    """Run a canned Cypher twin by name on FalkorDB (its ``// variant: falkordb`` text when it has one)."""
    from lianjian.queries import get_query
    from lianjian.queries.cypher import _engine_text, _param_value
    from lianjian.queries.names import resolve_entity_params

    q = get_query(name, "cypher")
    terms = q.bindings(resolve_entity_params(kg, q, params))
    known = {p.name: p for p in q.parameters}
    text = _engine_text(q, ENGINE)
    used = set(parameter_names(text))
    values = {k: _param_value(known[k], t) for k, t in terms.items() if k in used}
    return run_on_falkordb(kg, text, values, url, timeout)


def run_falkordb(kg, text: str | None, query: str | None, params: dict[str, str] | None, url: str,
                 timeout: float = DEFAULT_TIMEOUT) -> QueryResult:
    """What ``lianjian cypher --server URL`` does: a canned twin by name (`query`) or Cypher `text` on FalkorDB."""
    if query is not None:
        return run_falkordb_query(kg, query, url, params, timeout)
    return run_on_falkordb(kg, text, text_params(text, params), url, timeout)
