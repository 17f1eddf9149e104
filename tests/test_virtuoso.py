"""The bundled graph pushed to a real Virtuoso Open Source 7 server gives every canned query's local rows."""

from __future__ import annotations

import os
import time

import pytest

from lianjian import api
from lianjian.queries import sparql_catalogue
from lianjian.queries.run import run_sparql
from lianjian.remote import graph_payloads, push
from tests.virtuoso_server import ISQL, VIRTUOSO, VirtuosoServer

#: The parameters tests/test_remote.py gives around-organization on the Oxigraph server, beside every query's defaults.
AROUND = [{"hops": "1"}, {"hops": "3"}, {"org": "changning-district", "hops": "2"}]


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory, bundled_kg):
    """A fresh Virtuoso server, its own graphs before the push, and the result of pushing the bundled corpus."""
    if not (VIRTUOSO and ISQL):
        if os.environ.get("CI"):
            pytest.fail("virtuoso-t or isql-vt is missing: .ci/run must install virtuoso-opensource")
        pytest.skip("Virtuoso is not installed (Debian package virtuoso-opensource)")
    with VirtuosoServer(tmp_path_factory.mktemp("virtuoso")) as server:
        system = server.counts()
        started = time.perf_counter()
        result = push(bundled_kg, server.store)
        result["wall"] = time.perf_counter() - started
        yield server, system, result


def lianjian_counts(server, system: dict[str, int]) -> dict[str, int]:
    """Triples per graph on the server, less Virtuoso's own graphs (which the push must leave as they were)."""
    counts = server.counts()
    assert {g: counts.get(g) for g in system} == system
    return {g: n for g, n in counts.items() if g not in system}


def test_push_puts_one_graph_per_source_document(virtuoso, bundled_kg):
    server, system, result = virtuoso
    local = {name: n for name, _, n in graph_payloads(bundled_kg)}
    assert {g["graph"]: g["triples"] for g in result["graphs"]} == local
    assert lianjian_counts(server, system) == local
    assert len(local) == len(bundled_kg.sources) + 2
    assert result["triples"] == len(bundled_kg)
    assert not set(local) & set(system)


def test_pushing_twice_replaces_rather_than_duplicates(virtuoso, bundled_kg):
    server, system, first = virtuoso
    before = lianjian_counts(server, system)
    again = push(bundled_kg, server.store)
    assert lianjian_counts(server, system) == before
    assert sum(before.values()) == again["triples"] == first["triples"] == len(bundled_kg)


# Rows are compared as QueryResult.canonical() compares them (as tests/test_remote.py does): sorted tuples of
# N-Triples strings, with three normalisations, each the same RDF value written two ways: a literal typed
# xsd:string is the simple literal (RDF 1.1; Virtuoso types the strings it returns), language tags are
# case-insensitive (Virtuoso, like Oxigraph, lower-cases them), and numbers are compared by value.
@pytest.mark.parametrize("name, params", [(name, {}) for name in sorted(sparql_catalogue())]
                         + [("around-organization", p) for p in AROUND],
                         ids=lambda v: v if isinstance(v, str) else ",".join(f"{k}={x}" for k, x in v.items()) or "defaults")
def test_every_canned_query_gives_the_same_rows_on_virtuoso(virtuoso, bundled_kg, name, params):
    server, _, _ = virtuoso
    local = run_sparql(bundled_kg, name, params)
    remote = api.query(name, params, endpoint=server.query)
    assert local.rows, "the comparison needs rows"
    assert remote.vars == local.vars
    assert remote.canonical() == local.canonical()
