"""The explorer (`lianjian serve`): pages, errors, downloads and the SPARQL endpoint, over the bundled corpus."""

from __future__ import annotations

import csv
import io
import json
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

pytest.importorskip("httpx")
from starlette.testclient import TestClient  # noqa: E402


@pytest.fixture(scope="module")
def app(bundled_kg, seeds):
    from lianjian.serve.app import create_app

    return create_app(bundled_kg, [seeds], query_seconds=3)


@pytest.fixture(scope="module")
def client(app):
    return TestClient(app)


def test_home_lists_the_sources_and_counts(client):
    r = client.get("/")
    assert r.status_code == 200 and "changning-cohesion-2013" in r.text and "JointBuilding" in r.text
    data = client.get("/?format=json").json()
    assert {s["id"] for s in data["sources"]} == {"changning-cohesion-2013", "huating-six-systems", "changning-decade-2022",
                                                 "pudong-daju-2015", "changning-1n-model"}
    assert "default-src 'none'" in r.headers["content-security-policy"]


@pytest.mark.parametrize("text", ["长宁区委", "長寧區委", "CPC Changning District Committee", "长宁区委"])
def test_search_finds_simplified_traditional_english_and_aliases(client, text):
    ids = [r["id"] for r in client.get("/search", params={"q": text, "format": "json"}).json()]
    assert "changning-district-committee" in ids


def test_entity_page_shows_labels_ties_and_citations(client):
    data = client.get("/entity/changning-district-committee?format=json").json()
    assert data["labels"]["zh"] == ["中共长宁区委"] and data["labels"]["zh-Hant"] == ["中共長寧區委"]
    assert [k["id"] for k in data["kinds"]] == ["PartyCommittee"]
    assert data["ties"], "the district committee takes part in joint building"
    for tie in data["ties"]:
        assert tie["basis"] in ("stated", "inferred") and tie["evidence"]
        assert all(ev["source"] and ev["quote"] for ev in tie["evidence"])
    html = client.get("/entity/changning-district-committee").text
    assert "中共长宁区委" in html and 'class="cite"' in html and "/source/changning-cohesion-2013#q-" in html


def test_english_switch_is_honoured(client):
    html = client.get("/entity/changning-district-committee?lang=en").text
    assert "CPC Changning District Committee" in html and "Joint-building ties" in html
    assert 'href="/entity/changning-district-committee"' in html  # the switch back to 中文


def test_source_page_marks_every_recorded_quote(client, bundled_kg):
    data = client.get("/source/changning-cohesion-2013?format=json").json()
    assert data["has_text"]
    marked = {seg["anchor"] for seg in data["segments"] if "anchor" in seg}
    starts = {q["start"] for st in data["statements"] for q in st["quotes"] if q["start"] is not None}
    assert marked and marked <= {f"q-{s}" for s in starts}
    html = client.get("/source/changning-cohesion-2013").text
    assert html.count('<mark id="q-') == len(marked)


def test_source_page_without_texts_says_so(bundled_kg):
    from lianjian.serve.app import create_app

    html = TestClient(create_app(bundled_kg, [])).get("/source/changning-cohesion-2013").text
    assert "--sources" in html and "<mark" not in html


def test_canned_query_page_downloads_and_same_rows_as_the_cli(client):
    from click.testing import CliRunner

    from lianjian.cli import cli

    r = client.get("/queries/organizations-in-area", params={"area": "changning-district", "format": "csv"})
    assert r.status_code == 200 and r.content.startswith("\ufeff".encode("utf-8"))
    web_rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    cli_out = CliRunner().invoke(cli, ["query", "organizations-in-area", "--param", "area=changning-district", "--format", "csv"]).output
    assert web_rows == list(csv.reader(io.StringIO(cli_out)))
    j = client.get("/queries/organizations-in-area", params={"area": "changning-district", "format": "json"}).json()
    assert len(j["results"]["bindings"]) == len(web_rows) - 1
    html = client.get("/queries/organizations-in-area", params={"area": "changning-district"}).text
    assert 'href="/entity/changning-district-committee"' in html and "SELECT" in html


@pytest.mark.parametrize("path, status", [
    ("/entity/no-such-entity", 404),
    ("/entity/%3Cscript%3E", 404),
    ("/source/no-such-source", 404),
    ("/queries/no-such-query", 400),
    ("/queries/organizations-in-area?area=not%20an%20id", 400),
    ("/queries/organizations-in-area?area=a&area=b", 400),
    ("/entity/changning-district-committee/neighbours?hops=x", 400),
    ("/network?hops=9", 400),
    ("/network?case=nope", 400),
    ("/no/such/page", 404),
])
def test_bad_requests_get_a_page_not_a_traceback(client, path, status):
    r = client.get(path)
    assert r.status_code == status
    assert "Traceback" not in r.text and "File \"" not in r.text


def test_sparql_endpoint_is_read_only_and_negotiates(client):
    q = "SELECT ?s WHERE { ?s a lj:Studio } ORDER BY ?s"
    j = client.get("/sparql", params={"query": q}, headers={"Accept": "application/sparql-results+json"}).json()
    assert len(j["results"]["bindings"]) > 0
    x = client.get("/sparql", params={"query": q}, headers={"Accept": "application/sparql-results+xml"})
    assert x.headers["content-type"].startswith("application/sparql-results+xml") and "<sparql" in x.text
    c = client.post("/sparql", content=q, headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"})
    assert c.text.splitlines()[0] == "s" and len(c.text.splitlines()) == len(j["results"]["bindings"]) + 1
    for r in (client.post("/sparql", data={"update": "DROP ALL"}),
              client.post("/sparql", content="DROP ALL", headers={"Content-Type": "application/sparql-update"}),
              client.get("/sparql", params={"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"})):
        assert r.status_code == 403
    assert client.get("/sparql", params={"query": "SELECT ?s WHERE {"}).status_code == 400


def test_sparql_endpoint_stops_a_long_query(client):
    t0 = time.monotonic()
    r = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"})
    assert r.status_code == 503 and "time limit" in r.text
    assert time.monotonic() - t0 < 30


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(seeds):
    """`lianjian serve` as a user starts it, on a free port; yields its base URL."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-c", "from lianjian.cli import main; main()", "serve", "--port", str(port), "--sources", str(seeds)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = proc.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in line, line
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)


def test_serve_binds_to_loopback_and_prints_its_url(server):
    with urllib.request.urlopen(server + "/") as r:
        assert r.status == 200


def test_a_standard_sparql_client_gets_the_cli_rows(server):
    from SPARQLWrapper import JSON, SPARQLWrapper

    from lianjian.api import sparql

    q = "SELECT ?s ?zh WHERE { ?s a lj:Studio ; rdfs:label ?zh . FILTER(LANGMATCHES(LANG(?zh), 'zh-Hans')) } ORDER BY ?s"
    w = SPARQLWrapper(server + "/sparql")
    w.setQuery(q)
    w.setReturnFormat(JSON)
    remote = [(b["s"]["value"], b["zh"]["value"]) for b in w.query().convert()["results"]["bindings"]]
    local = [(str(r[0]), str(r[1])) for r in sparql(q).rows]
    assert remote == local and remote
