"""Beyond one machine: queries on a SPARQL 1.1 Protocol endpoint, and pushing the graph to a Graph Store.

Only the standard library speaks HTTP here. Every failure (refused connection,
timeout, HTTP error, an answer that is not SPARQL results) becomes one line: a
`DataError`, or a `UsageError` for a malformed URL or an unsupported query.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import json
import math
import re
import socket
import threading
import time
import urllib.parse
from typing import Any, Iterator

from rdflib import BNode, Literal, URIRef

from lianjian.errors import DataError, UsageError, printable
from lianjian.namespace import sparql_prologue
from lianjian.results import QueryResult

__all__ = ["remote_select", "with_values", "parse_results", "graph_payloads", "push", "redact", "server_text", "check_timeout",
           "DEFAULT_TIMEOUT", "RESULTS_JSON"]

DEFAULT_TIMEOUT = 30.0
RESULTS_JSON = "application/sparql-results+json"
#: Content types a Graph Store accepts for a pushed graph; the body is N-Triples, which is also Turtle.
PUSH_TYPES = {"nt": "application/n-triples", "ttl": "text/turtle"}

# A SPARQL lexer just fine enough to find group braces: strings, IRIs and comments are skipped whole.
_TOKEN = re.compile(r'''
    (?P<comment>\#[^\n\r]*)
  | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|'\'\'(?:[^'\\]|\\.|'(?!''))*'\'\'|"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00b7]+)
  | (?P<word>(?:[\w\-.:%]|\\.)+)
  | (?P<open>\{)
  | (?P<close>\})
  | (?P<other>\S)
''', re.VERBOSE | re.DOTALL)
_VARNAME = re.compile(r"[\w\u00b7]+")
_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD",
          "MOVE", "COPY", "WITH"}
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*")


# ---------------------------------------------------------------------- queries


def remote_select(endpoint: str, text: str, bindings: dict[str, Any] | None = None,
                  timeout: float = DEFAULT_TIMEOUT) -> QueryResult:
    """Run a SELECT or ASK query on a SPARQL 1.1 Protocol endpoint, with the project's prefixes and `bindings`."""
    url = _check_url(endpoint, "--endpoint")
    timeout = check_timeout(timeout)
    # The prefixes go on one line before the query's first, so the server's error positions keep its line numbers.
    query = sparql_prologue().replace("\n", " ") + with_values(text, bindings or {})
    # The form encoding: every SPARQL 1.1 server takes it (Virtuoso 7 does not answer a direct application/sparql-query POST).
    form = urllib.parse.urlencode({"query": query}).encode("ascii")
    body = _http("POST", url, form, {"Content-Type": "application/x-www-form-urlencoded",
                                     "Accept": f"{RESULTS_JSON}, application/json;q=0.9"},
                 timeout, url)
    return parse_results(body, url)


def with_values(text: str, bindings: dict[str, Any]) -> str:
    """The query with each bound variable fixed by a VALUES block in every group that mentions it.

    A single VALUES block at the top would leave the variable unbound inside
    UNION branches and FILTERs evaluated before the join; one per group gives
    the same answers as the local engines' initial bindings. Terms are written
    with ``n3()``, which escapes them; nothing else of the values enters the text.

    >>> print(with_values("SELECT ?n WHERE { { ?o ?p ?n } UNION { ?n ?p ?x } FILTER(?n != '{') }",
    ...                   {"o": URIRef("https://example.org/o")}))
    SELECT ?n WHERE { VALUES (?o) { (<https://example.org/o>) } { VALUES (?o) { (<https://example.org/o>) } ?o ?p ?n } UNION { ?n ?p ?x } FILTER(?n != '{') }
    >>> with_values("CONSTRUCT WHERE { ?s ?p ?o }", {})
    Traceback (most recent call last):
    lianjian.errors.UsageError: remote queries must be SELECT or ASK, not CONSTRUCT
    """
    tokens = [(m.lastgroup, m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
    form = next((t[3].upper() for t in tokens if t[0] == "word" and t[3].upper() in _FORMS), None)
    if form not in ("SELECT", "ASK"):
        raise UsageError(f"remote queries must be SELECT or ASK, not {form}" if form else
                         "not a SPARQL query: no SELECT or ASK found")
    terms = {name: _values_json_term(name, term) for name, term in bindings.items()}
    if not terms:
        return text
    inserts: dict[int, str] = {}
    stack: list[tuple[str, int, set[str]]] = []  # (kind, offset after the brace, variables seen inside)
    data_block_next = False
    significant = [t for t in tokens if t[0] != "comment"]
    for i, (kind, start, end, value) in enumerate(significant):
        if kind == "word" and value.upper() == "VALUES":
            data_block_next = True
        elif kind == "open":
            nxt = significant[i + 1] if i + 1 < len(significant) else None
            if data_block_next:
                group = "data"
            elif nxt and nxt[0] == "word" and nxt[3].upper() == "SELECT":
                group = "subselect"
            else:
                group = "group"
            data_block_next = False
            stack.append((group, end, set()))
        elif kind == "close" and stack:
            group, after, seen = stack.pop()
            if stack:
                stack[-1][2].update(seen)
            names = [n for n in terms if n in seen]
            if group == "group" and names:
                inserts[after] = (f" VALUES ({' '.join('?' + n for n in names)}) "
                                  f"{{ ({' '.join(terms[n] for n in names)}) }}")
        elif kind == "var" and stack:
            stack[-1][2].add(value[1:])
    out, last = [], 0
    for offset in sorted(inserts):
        out += [text[last:offset], inserts[offset]]
        last = offset
    out.append(text[last:])
    return "".join(out)


def _values_json_term(name: str, term: Any) -> str:
    if not _VARNAME.fullmatch(name):
        raise UsageError(f"--param {name}: not a SPARQL variable name")
    if isinstance(term, BNode) or not isinstance(term, (URIRef, Literal)):
        raise UsageError(f"--param {name}: only IRIs and literals can be bound on a remote endpoint")
    try:
        return term.n3()
    except Exception:  # rdflib refuses IRIs it cannot write
        raise UsageError(f"--param {name}: {str(term)!r} is not a valid IRI") from None


def parse_results(body: bytes, where: str = "endpoint") -> QueryResult:
    """A `QueryResult` of rdflib terms from SPARQL 1.1 Query Results JSON (SELECT or ASK).

    >>> r = parse_results(b'{"head": {"vars": ["o", "n"]}, "results": {"bindings": [{"o": {"type": "uri", "value": "https://example.org/o"}}]}}')
    >>> r.vars, r.rows
    (['o', 'n'], [[rdflib.term.URIRef('https://example.org/o'), None]])
    """
    where = printable(redact(where))
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        line = server_text(body)
        hint = " (is this the query service, e.g. http://HOST:PORT/query?)" if line.startswith("HTML page") else ""
        raise DataError(f"{where}: the answer is not SPARQL results JSON: {line}{hint}") from None
    if not isinstance(data, dict) or not isinstance(data.get("head"), dict):
        raise DataError(f"{where}: the answer is JSON but not SPARQL results (no 'head')")
    if isinstance(data.get("boolean"), bool):
        return QueryResult(["ask"], [[Literal(data["boolean"])]])
    names = data["head"].get("vars")
    rows = (data.get("results") or {}).get("bindings") if isinstance(data.get("results"), dict) else None
    if not isinstance(names, list) or not isinstance(rows, list):
        raise DataError(f"{where}: the answer is JSON but not SPARQL results (no 'vars' or 'bindings')")
    try:
        return QueryResult([str(v) for v in names], [[_json_term(row.get(v)) for v in names] for row in rows])
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise DataError(f"{where}: a result row is not a SPARQL JSON binding: {server_text(str(exc))}") from None


def _json_term(cell: dict | None):
    if cell is None:
        return None
    kind, value = cell["type"], cell["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if kind in ("literal", "typed-literal"):
        if cell.get("xml:lang"):
            return Literal(value, lang=cell["xml:lang"])
        return Literal(value, datatype=URIRef(cell["datatype"]) if cell.get("datatype") else None)
    raise ValueError(f"unsupported term type {kind!r}")


# ---------------------------------------------------------------------- pushing


def graph_payloads(kg, graph: str | None = None) -> Iterator[tuple[str | None, bytes, int]]:
    """(graph IRI, N-Triples, triple count) for every graph of `kg`, sorted; None is the default graph.

    With `graph`, one payload: every triple of the dataset, merged into that graph.
    """
    if graph is not None:
        data = kg.serialize("nt")
        yield graph, data, data.count(b"\n")
        return
    store = kg.store
    if store is not None:
        import pyoxigraph as ox

        names: list = sorted(store.named_graphs(), key=lambda g: g.value)
        if next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None:
            names.insert(0, ox.DefaultGraph())
        for name in names:
            if isinstance(name, ox.BlankNode):
                raise DataError(f"graph _:{name.value} is named by a blank node; a Graph Store cannot address it")
            data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=name)
            yield (None if isinstance(name, ox.DefaultGraph) else name.value), data, data.count(b"\n")
        return
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    for g in sorted(kg.dataset.graphs(), key=lambda g: ("" if g.identifier == DATASET_DEFAULT_GRAPH_ID else str(g.identifier))):
        if len(g) == 0:
            continue
        if isinstance(g.identifier, BNode):
            raise DataError(f"graph _:{g.identifier} is named by a blank node; a Graph Store cannot address it")
        data = g.serialize(format="nt", encoding="utf-8")
        yield (None if g.identifier == DATASET_DEFAULT_GRAPH_ID else str(g.identifier)), data, len(g)


def push(kg, endpoint: str, graph: str | None = None, timeout: float = DEFAULT_TIMEOUT, fmt: str = "nt") -> dict:
    """Upload `kg` to a SPARQL 1.1 Graph Store: one HTTP PUT per named graph, so each is replaced whole.

    Returns the endpoint, the graphs pushed with their triple counts, the total,
    and a `table` (QueryResult) of the same. A failure names the graph it stopped
    at; that graph and the ones after it keep their previous content.
    """
    url = _check_url(endpoint, "--endpoint")
    timeout = check_timeout(timeout)
    if graph is not None and not _IRI.fullmatch(graph):
        raise UsageError(f"--graph {graph}: not an absolute IRI")
    if fmt not in PUSH_TYPES:
        raise UsageError(f"push format {fmt!r}: choose {' or '.join(PUSH_TYPES)}")
    started = time.perf_counter()
    payloads = list(graph_payloads(kg, graph))
    pushed = []
    for n, (name, data, triples) in enumerate(payloads, 1):
        target = _graph_url(url, name)
        where = f"{url}: graph {'<' + name + '>' if name else 'default'} ({n} of {len(payloads)})"
        try:
            answer = _http("PUT", target, data, {"Content-Type": f"{PUSH_TYPES[fmt]}; charset=utf-8"}, timeout, where)
            if server_text(answer).startswith("HTML page"):
                raise DataError(f"{printable(redact(where))}: the answer is an HTML page, not a Graph Store's: {server_text(answer)}"
                                " (is this the store service, e.g. http://HOST:PORT/store?)")
        except DataError as exc:
            done = f"; the {n - 1} graphs before it were replaced" if n > 1 else ""
            raise DataError(f"{exc} — push stopped; that graph keeps its previous content{done}") from None
        pushed.append({"graph": name, "triples": triples})
    table = QueryResult(["graph", "triples"], [[URIRef(p["graph"]) if p["graph"] else Literal("(default graph)"),
                                                Literal(p["triples"])] for p in pushed])
    return {"endpoint": redact(url), "graphs": pushed, "triples": sum(p["triples"] for p in pushed),
            "seconds": round(time.perf_counter() - started, 3), "table": table}


def _graph_url(url: str, name: str | None) -> str:
    """The Graph Store URL of one graph (`?graph=IRI`, or `?default`)."""
    query = "default" if name is None else urllib.parse.urlencode({"graph": name})
    return url + ("&" if urllib.parse.urlsplit(url).query else "?") + query


# ---------------------------------------------------------------------- HTTP


#: The largest answer body read from a server; a bigger one is cut off with a message.
MAX_BODY = 256 * 1024 * 1024
#: How much of a server's text (an error body) a message quotes.
SERVER_TEXT = 200


def check_timeout(timeout: float, option: str = "--timeout") -> float:
    """`timeout` if it is a finite positive number of seconds; otherwise a usage error."""
    try:
        value = float(timeout)
    except (TypeError, ValueError):
        raise UsageError(f"{option} {timeout!r}: not a number of seconds") from None
    if not math.isfinite(value) or value <= 0:
        raise UsageError(f"{option} {timeout}: give a positive, finite number of seconds")
    return value


def redact(url: str) -> str:
    """The URL with any user name and password replaced by `***`, for messages.

    >>> redact("http://user:secret@example.org:8080/store?x=1")
    'http://***@example.org:8080/store?x=1'
    """
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return re.sub(r"//[^/@]*@", "//***@", url)
    if "@" not in parts.netloc:
        return url
    return urllib.parse.urlunsplit(parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1]))


def server_text(body: bytes | str, limit: int = SERVER_TEXT) -> str:
    """The one way a server's text reaches a message: its first non-blank line (tags of an HTML page
    dropped), control and invisible characters escaped, at most about `limit` characters."""
    return printable(_answer_line(body if isinstance(body, bytes) else body.encode("utf-8", "replace"), limit), limit)


def _check_url(url: str, option: str) -> str:
    """The URL, if it is an http(s) URL with a host; otherwise a usage error (the password never shown)."""
    shown = printable(redact(url))
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 — raises ValueError for a bad port
    except ValueError as exc:
        raise UsageError(f"{option} {shown}: malformed URL ({printable(redact(str(exc)))})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{option} {shown}: not an http:// or https:// URL with a host")
    if any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7f for c in url):
        raise UsageError(f"{option} {shown}: white space or control characters in the URL")
    return url


def _http(method: str, url: str, body: bytes | None, headers: dict, timeout: float, where: str,
          max_body: int | None = None) -> bytes:
    """Send one request and return the answer's body; every failure is one `DataError` line.

    `timeout` bounds the whole exchange (connecting, sending, the headers and the body), not just each
    read, so a server that drips its answer or streams forever is cut off; bodies over `max_body` bytes
    are refused. A user name and password in the URL are sent as Basic authentication, never shown.
    """
    timeout = check_timeout(timeout)
    limit = MAX_BODY if max_body is None else max_body
    where = printable(redact(where))
    parts = urllib.parse.urlsplit(url)
    headers = {**headers, "Connection": "close"}
    if parts.username is not None:
        token = f"{urllib.parse.unquote(parts.username)}:{urllib.parse.unquote(parts.password or '')}"
        headers["Authorization"] = "Basic " + base64.b64encode(token.encode("utf-8")).decode("ascii")
    path = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
    cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = cls(parts.hostname, parts.port, timeout=timeout)
    expired = threading.Event()
    held: list = []  # the connected socket (http.client forgets it once the answer's headers say "close")

    def cut_off() -> None:
        expired.set()
        for sock in held:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(timeout, cut_off)
    timer.daemon = True
    timer.start()
    try:
        conn.connect()
        held.append(conn.sock)
        if expired.is_set():
            raise TimeoutError
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        declared = response.getheader("Content-Length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise DataError(f"{where}: the answer is {int(declared):,} bytes, over the limit of {limit:,}")
        chunks, size = [], 0
        while True:
            chunk = response.read1(65536) if response.status < 400 or size < 65536 else b""
            if not chunk or expired.is_set():
                break
            size += len(chunk)
            if size > limit:
                raise DataError(f"{where}: the answer is over the limit of {limit:,} bytes (cut off)")
            chunks.append(chunk)
        if expired.is_set():
            raise TimeoutError
        data = b"".join(chunks)
        if response.status >= 400:
            detail = server_text(data) if data.strip() else ""
            raise DataError(f"{where}: HTTP {response.status} {printable(response.reason or '', SERVER_TEXT)}"
                            + (f": {detail}" if detail else ""))
        if response.status >= 300:
            raise DataError(f"{where}: HTTP {response.status} {printable(response.reason or '', SERVER_TEXT)}"
                            " (a redirect; give the address it points to)")
        return data
    except DataError:
        raise
    except (OSError, http.client.HTTPException, ValueError) as exc:
        if expired.is_set():
            exc = TimeoutError()
        raise DataError(f"{where}: {_reason(exc, timeout)}") from None
    finally:
        timer.cancel()
        conn.close()


def _reason(reason: Any, timeout: float) -> str:
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return f"no answer within {timeout:g} s (timeout)"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused (is the server running, on that port?)"
    if isinstance(reason, socket.gaierror):
        return f"unknown host ({reason.strerror or reason})"
    if isinstance(reason, (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError,
                           http.client.IncompleteRead)):
        return "the server closed the connection before answering"
    return f"cannot talk to the server: {reason or type(reason).__name__}"


def _answer_line(body: bytes, limit: int = 200) -> str:
    """The first non-blank line of an answer's text (tags of an HTML page dropped), shortened."""
    text = body.decode("utf-8", errors="replace")
    html = bool(re.search(r"<(?:!doctype|html|head|body)\b", text[:1000], re.IGNORECASE))
    if html:
        text = re.sub(r"<[^>]*>", "\n", re.sub(r"(?is)<(script|style)\b.*?</\1>", "", text))
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "(empty answer)")
    line = ("HTML page: " if html else "") + line
    return line if len(line) <= limit else line[: limit - 1] + "…"
