"""Remote SPARQL endpoints and Graph Store push, against a real Oxigraph server on 127.0.0.1."""

from __future__ import annotations

import contextlib
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef

from lianjian import api
from lianjian.errors import DataError, UsageError
from lianjian.graph import KnowledgeGraph
from lianjian.queries import sparql_catalogue
from lianjian.queries.run import run_sparql
from lianjian.remote import graph_payloads, push, remote_select

# The venv's own oxigraph first, then any on PATH.
_VENV_OXIGRAPH = Path(sys.executable).parent / "oxigraph"
OXIGRAPH = str(_VENV_OXIGRAPH) if _VENV_OXIGRAPH.exists() else shutil.which("oxigraph")
COUNT_PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OxigraphServer:
    """`oxigraph serve` on a free 127.0.0.1 port with a union default graph, as the canned queries expect."""

    def __init__(self, location: Path):
        assert OXIGRAPH, "the oxigraph CLI (PyPI package 'oxigraph', in the test extras) is needed"
        self.port = free_port()
        self.log = open(location.parent / f"oxigraph-{self.port}.log", "wb")
        self.proc = subprocess.Popen([OXIGRAPH, "serve", "--location", str(location), "--bind", f"127.0.0.1:{self.port}",
                                      "--union-default-graph"], stdout=self.log, stderr=subprocess.STDOUT)
        self.store = f"http://127.0.0.1:{self.port}/store"
        self.query = f"http://127.0.0.1:{self.port}/query"
        deadline = time.monotonic() + 30
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"oxigraph serve exited: {Path(self.log.name).read_text(errors='replace')}")
            try:
                remote_select(self.query, "ASK {}", timeout=2)
                return
            except DataError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise
                time.sleep(0.1)

    def counts(self) -> dict[str, int]:
        """Triples per named graph on the server."""
        return {str(g): int(n) for g, n in remote_select(self.query, COUNT_PER_GRAPH).rows}

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


@pytest.fixture
def oxigraph(tmp_path):
    """A fresh, empty Oxigraph server, stopped afterwards."""
    (tmp_path / "store").mkdir()
    server = OxigraphServer(tmp_path / "store")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def pushed(tmp_path_factory, bundled_kg):
    """An Oxigraph server holding the bundled corpus, and the result of pushing it."""
    location = tmp_path_factory.mktemp("oxigraph") / "store"
    location.mkdir()
    server = OxigraphServer(location)
    try:
        started = time.perf_counter()
        result = push(bundled_kg, server.store)
        result["wall"] = time.perf_counter() - started
        yield server, result
    finally:
        server.stop()


# ---------------------------------------------------------------------- pushing and querying


def test_push_puts_one_graph_per_source_document(pushed, bundled_kg):
    server, result = pushed
    local = {name: n for name, _, n in graph_payloads(bundled_kg)}
    assert {g["graph"]: g["triples"] for g in result["graphs"]} == local
    assert server.counts() == local
    assert "https://w3id.org/lianjian/graph/ontology" in local and "https://w3id.org/lianjian/graph/shared" in local
    assert len(local) == len(bundled_kg.sources) + 2
    assert result["triples"] == len(bundled_kg)
    assert [str(t) for t, _ in result["table"].rows] == [g["graph"] for g in result["graphs"]]


@pytest.mark.parametrize("name", sorted(sparql_catalogue()))
def test_every_canned_query_gives_the_same_rows_remotely(pushed, bundled_kg, name):
    server, _ = pushed
    local = run_sparql(bundled_kg, name)
    remote = api.query(name, endpoint=server.query)
    assert remote.vars == local.vars
    assert remote.canonical() == local.canonical()


@pytest.mark.parametrize("params", [{"hops": "1"}, {"hops": "3"}, {"org": "changning-district", "hops": "2"}])
def test_parameters_reach_inside_union_branches_remotely(pushed, bundled_kg, params):
    server, _ = pushed
    local = run_sparql(bundled_kg, "around-organization", params)
    remote = api.query("around-organization", params, endpoint=server.query)
    assert local.rows, "the comparison needs rows"
    assert remote.canonical() == local.canonical()


def test_bound_values_are_escaped_terms_not_query_text(pushed):
    server, _ = pushed
    nasty = 'a "quoted" \'x\' } UNION { ?s ?p ?o } # not a comment\n"""\\ 联建"'
    text = "# a comment with { and }\nSELECT ?x ?len ?iri WHERE { BIND(STRLEN(?x) AS ?len) FILTER(?x != '{') }"
    result = remote_select(server.query, text, {"x": Literal(nasty), "iri": URIRef("https://w3id.org/lianjian/id/x")})
    assert result.vars == ["x", "len", "iri"]
    assert result.rows == [[Literal(nasty), Literal(len(nasty)), None]]
    tagged = remote_select(server.query, "SELECT ?x WHERE { FILTER(LANG(?x) = 'zh-hans') }", {"x": Literal("长宁区", lang="zh-Hans")})
    assert [str(t) for t in tagged.rows[0]] == ["长宁区"] and tagged.rows[0][0].language.lower() == "zh-hans"


def test_ask_answers_a_boolean(pushed):
    server, _ = pushed
    yes = remote_select(server.query, "ASK { id:changning-district rdfs:label ?l }")
    no = remote_select(server.query, "ASK { id:no-such-thing ?p ?o }")
    assert (yes.vars, yes.rows[0][0].toPython(), no.rows[0][0].toPython()) == (["ask"], True, False)


def test_pushing_twice_replaces_rather_than_duplicates(pushed, bundled_kg):
    server, first = pushed
    before = server.counts()
    again = push(bundled_kg, server.store)
    assert server.counts() == before
    assert sum(before.values()) == again["triples"] == first["triples"] == len(bundled_kg)


def test_push_into_one_named_graph(oxigraph, bundled_kg):
    iri = "https://example.org/lianjian-all"
    result = push(bundled_kg, oxigraph.store, graph=iri)
    merged = bundled_kg.serialize("nt").count(b"\n")
    assert [g["graph"] for g in result["graphs"]] == [iri]
    assert oxigraph.counts() == {iri: merged} and result["triples"] == merged
    name = "cross-sector-links"
    assert api.query(name, endpoint=oxigraph.query).canonical() == run_sparql(bundled_kg, name).canonical()


def test_rdflib_engine_pushes_the_same_graphs(bundled_kg):
    small = KnowledgeGraph.from_nquads(bundled_kg.serialize("nq").decode("utf-8"), engine="rdflib")
    assert {g: n for g, _, n in graph_payloads(small)} == {g: n for g, _, n in graph_payloads(bundled_kg)}


# ---------------------------------------------------------------------- a push cut half-way


class CuttingProxy:
    """Forwards each request whole to the real server, except the `cut_at`-th, whose body it cuts half-way."""

    def __init__(self, upstream_port: int, cut_at: int):
        self.upstream, self.cut_at, self.seen = upstream_port, cut_at, 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/store"
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except (socket.timeout, OSError):
                continue
            with conn:
                self._forward(conn)

    def _forward(self, conn: socket.socket) -> None:
        conn.settimeout(10)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        m = re.search(rb"(?im)^content-length:\s*(\d+)", head)
        length = int(m.group(1)) if m else 0
        while len(body) < length:
            chunk = conn.recv(65536)
            if not chunk:
                break
            body += chunk
        self.seen += 1
        with socket.create_connection(("127.0.0.1", self.upstream), timeout=10) as up:
            if self.seen == self.cut_at:
                up.sendall(head + b"\r\n\r\n" + body[: length // 2])
                return  # both connections close with half the body sent and no answer
            up.sendall(head + b"\r\n\r\n" + body)
            while chunk := up.recv(65536):
                conn.sendall(chunk)

    def close(self) -> None:
        self._stop.set()
        self.thread.join(5)
        self.listener.close()


def test_a_push_cut_half_way_leaves_the_previous_graph_in_place(oxigraph, bundled_kg):
    push(bundled_kg, oxigraph.store)
    old = oxigraph.counts()
    lines = bundled_kg.serialize("nq").decode("utf-8").splitlines(keepends=True)
    newer = KnowledgeGraph.from_nquads("".join(line for i, line in enumerate(lines) if i % 7))
    new = {g: n for g, _, n in graph_payloads(newer)}
    order = list(new)
    assert set(order) == set(old) and all(new[g] != old[g] for g in order), "every graph must change"
    proxy = CuttingProxy(oxigraph.port, cut_at=3)
    try:
        with pytest.raises(DataError) as err:
            push(newer, proxy.url, timeout=10)
    finally:
        proxy.close()
    message = str(err.value)
    assert f"<{order[2]}> (3 of {len(order)})" in message and "keeps its previous content" in message
    assert "\n" not in message
    assert oxigraph.counts() == {g: (new[g] if i < 2 else old[g]) for i, g in enumerate(order)}
    push(newer, oxigraph.store)
    assert oxigraph.counts() == new


# ---------------------------------------------------------------------- failures, each one line


@contextlib.contextmanager
def answering(status: int, content_type: str, body: bytes):
    """A local HTTP server answering every request with the same status and body."""

    class Handler(BaseHTTPRequestHandler):
        def _answer(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = _answer

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def test_refused_connection(bundled_kg):
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(DataError, match="connection refused"):
        remote_select(url + "/query", "SELECT * WHERE { ?s ?p ?o }")
    with pytest.raises(DataError, match=r"\(1 of \d+\): connection refused"):
        push(bundled_kg, url + "/store")


def test_http_500_names_status_and_first_line(bundled_kg):
    with answering(500, "text/plain", b"\n  store exploded: disk full\nsecond line\n") as url:
        with pytest.raises(DataError) as err:
            remote_select(url + "/query", "SELECT * WHERE { ?s ?p ?o }")
        with pytest.raises(DataError, match=r"HTTP 500 .*store exploded: disk full — push stopped"):
            push(bundled_kg, url + "/store")
    assert "HTTP 500" in str(err.value) and str(err.value).endswith("store exploded: disk full")


def test_a_syntax_error_on_the_server_is_its_http_400(pushed):
    server, _ = pushed
    with pytest.raises(DataError, match="HTTP 400") as err:
        remote_select(server.query, "SELECT ?s\nWHERE {\n  ?s ?p")
    assert "\n" not in str(err.value)
    assert re.search(r"\b3:\d+", str(err.value)), "the error keeps the query's own line numbers"


def test_html_answer_is_not_results():
    page = b"<!DOCTYPE html>\n<html><head><title>Welcome</title></head><body><h1>Hello</h1></body></html>"
    with answering(200, "text/html", page) as url:
        with pytest.raises(DataError, match=r"not SPARQL results JSON: HTML page: Welcome \(is this the query service"):
            remote_select(url + "/", "SELECT * WHERE { ?s ?p ?o }")


def test_json_that_is_not_results():
    with answering(200, "application/json", b'{"status": "ok"}') as url:
        with pytest.raises(DataError, match="JSON but not SPARQL results"):
            remote_select(url + "/query", "SELECT * WHERE { ?s ?p ?o }")


def test_a_server_that_never_answers_times_out():
    with socket.create_server(("127.0.0.1", 0)) as silent:  # listens, never accepts or answers
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/query"
        started = time.monotonic()
        with pytest.raises(DataError, match=r"no answer within 1 s \(timeout\)"):
            remote_select(url, "SELECT * WHERE { ?s ?p ?o }", timeout=1)
        assert time.monotonic() - started < 5


@pytest.mark.parametrize("url", ["localhost:7878/query", "ftp://127.0.0.1/query", "http://", "http://127.0.0.1:99999/query",
                                 "not a url"])
def test_malformed_urls_are_usage_errors(url, bundled_kg):
    with pytest.raises(UsageError, match="--endpoint"):
        remote_select(url, "ASK {}")
    with pytest.raises(UsageError, match="--endpoint"):
        push(bundled_kg, url)


def test_what_cannot_run_remotely_is_a_usage_error(bundled_kg):
    url = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(UsageError, match="SELECT or ASK, not CONSTRUCT"):
        remote_select(url, "CONSTRUCT WHERE { ?s ?p ?o }")
    with pytest.raises(UsageError, match="only IRIs and literals"):
        remote_select(url, "SELECT ?s WHERE { ?s ?p ?o }", {"s": BNode()})
    with pytest.raises(UsageError, match="not a SPARQL variable"):
        remote_select(url, "SELECT ?s WHERE { ?s ?p ?o }", {"s p": Literal(1)})
    with pytest.raises(UsageError, match="--graph"):
        push(bundled_kg, "http://127.0.0.1:1/store", graph="not an iri")
