"""Local queries touch neither files nor the network unless --allow-remote, on both engines."""

from __future__ import annotations

import socket
import threading

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from lianjian.cli import cli
from lianjian.errors import UsageError
from lianjian.queries.run import run_sparql_text

ENGINES = ["oxigraph", "rdflib"]


class Listener:
    """A 127.0.0.1 socket that counts the connections made to it (and answers none); stops by itself."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.hits = 0
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        for _ in range(150):  # at most 30 s
            if self._stop.is_set():
                return
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.hits += 1
            conn.close()

    def close(self):
        self._stop.set()
        self.thread.join(5)
        self.sock.close()


@pytest.fixture
def listener():
    lst = Listener()
    yield lst
    lst.close()


@pytest.fixture(scope="module")
def graphs():
    from lianjian.graph import KnowledgeGraph

    return {e: KnowledgeGraph.from_cases(engine=e) for e in ENGINES}


@pytest.mark.parametrize("engine", ENGINES)
def test_service_is_refused_and_never_contacted(graphs, listener, engine):
    text = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}"
    with pytest.raises(UsageError, match="SERVICE .*refused.*--allow-remote"):
        run_sparql_text(graphs[engine], text)
    with pytest.raises(UsageError, match="SERVICE"):
        graphs[engine].select_rows(text)
    assert listener.hits == 0


def test_rdflib_from_file_is_refused_and_not_read(graphs, tmp_path):
    secret = tmp_path / "secret.nt"
    secret.write_text("<urn:x> <urn:y> \"top secret\" .\n")
    text = f"SELECT ?o FROM <file://{secret}> WHERE {{ ?s ?p ?o }}"
    with pytest.raises(UsageError, match="FROM .*refused"):
        run_sparql_text(graphs["rdflib"], text)


def test_oxigraph_from_reads_no_file(graphs, tmp_path):
    secret = tmp_path / "secret.nt"
    secret.write_text("<urn:x> <urn:y> \"top secret\" .\n")
    result = run_sparql_text(graphs["oxigraph"], f"SELECT ?o FROM <file://{secret}> WHERE {{ ?s ?p ?o }}")
    assert all("top secret" not in str(row) for row in result.rows)


@pytest.mark.parametrize("engine", ENGINES)
def test_allowed_service_to_a_refused_port_is_one_line(engine, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    result = CliRunner().invoke(cli, ["sparql", "--engine", engine, "--allow-remote",
                                      f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"])
    assert result.exit_code == 1 and "could not be read" in result.output, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert len(result.output.strip().splitlines()) == 1


KEYWORD = st.sampled_from(["SERVICE", "service", "Service", "sErViCe"])
SPACE = st.sampled_from([" ", "\n", "\t", " # comment\n ", "  "])


@given(keyword=KEYWORD, before=SPACE, after=SPACE, silent=st.booleans())
@settings(max_examples=40, deadline=None)
def test_any_spelling_of_service_is_refused(graphs, keyword, before, after, silent):
    text = f"SELECT * WHERE {{{before}{keyword}{after}{'SILENT ' if silent else ''}<http://127.0.0.1:9/x> {{ ?s ?p ?o }} }}"
    for engine in ENGINES:
        with pytest.raises(UsageError, match="refused"):
            run_sparql_text(graphs[engine], text)


def test_the_word_service_in_a_string_or_iri_is_not_a_clause(graphs):
    for engine in ENGINES:
        result = run_sparql_text(graphs[engine], "SELECT ?x WHERE { BIND('SERVICE FROM' AS ?x) FILTER(?x != <urn:SERVICE>) }")
        assert [str(r[0]) for r in result.rows] == ["SERVICE FROM"]
