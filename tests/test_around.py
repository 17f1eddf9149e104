"""around-organization answered layer by layer gives the rows of its canned text, on both engines."""

import pytest

from lianjian.graph import KnowledgeGraph
from lianjian.queries import get_query
from lianjian.queries.around import around_organization
from lianjian.queries.run import run_sparql
from lianjian.results import QueryResult

PARTICIPANTS = """SELECT ?n (COUNT(DISTINCT ?r) AS ?ties) WHERE { ?r lj:participant ?n . FILTER(STRSTARTS(STR(?n), STR(id:))) }
GROUP BY ?n ORDER BY DESC(?ties) ?n"""


@pytest.fixture(scope="module")
def kg_rdflib():
    return KnowledgeGraph.from_cases(engine="rdflib")


@pytest.fixture(scope="module")
def participants(bundled_kg) -> list[str]:
    """Every organisation or area that takes part in a relationship, the most linked first."""
    ids = [str(r[0]).rsplit("/", 1)[1] for r in bundled_kg.select_rows(PARTICIPANTS)[1]]
    assert len(ids) > 100
    return ids


def _both(kg, org: str, hops: str) -> tuple[QueryResult, QueryResult]:
    """The layer-by-layer answer and the canned text's own answer, on `kg`."""
    q = get_query("around-organization")
    bindings = q.bindings({"org": org, "hops": hops})
    return around_organization(kg, q.text, bindings), QueryResult(*kg.select_rows(q.text, bindings))


@pytest.mark.parametrize("hops", ["1", "2"])
def test_every_participant_on_oxigraph(bundled_kg, participants, hops):
    reached = 0
    for org in participants:
        fast, plain = _both(bundled_kg, org, hops)
        assert fast.vars == plain.vars and fast.rows == plain.rows, (org, hops)
        reached += len(fast.rows)
    assert reached > 500


def test_three_hops_on_oxigraph(bundled_kg, participants):
    # The canned text takes ~0.1 s per node at three hops; every third node, hubs first, keeps this test short.
    for org in participants[::3]:
        fast, plain = _both(bundled_kg, org, "3")
        assert fast.rows == plain.rows, org
    hub = participants[0]
    five, three = _both(bundled_kg, hub, "5")[0], _both(bundled_kg, hub, "3")[0]
    drop = five.vars.index("hops")  # the column that echoes the parameter given
    assert [r[:drop] + r[drop + 1:] for r in five.rows] == [r[:drop] + r[drop + 1:] for r in three.rows]  # > 3 counts as 3


def test_rdflib_gives_the_rows_of_the_canned_text_on_oxigraph(bundled_kg, kg_rdflib, participants):
    # The canned text itself takes minutes from a hub on rdflib, so the reference is its answer on Oxigraph.
    for org in participants[:2] + participants[-2:]:
        for hops in ("1", "2", "3"):
            fast = run_sparql(kg_rdflib, "around-organization", {"org": org, "hops": hops})
            _, plain = _both(bundled_kg, org, hops)
            assert fast.canonical() == plain.canonical(), (org, hops)
            assert fast.rows or org in participants[-2:]


def test_no_hops_and_an_unlinked_node_give_no_rows(bundled_kg):
    assert _both(bundled_kg, "changning-district-committee", "0")[0].rows == []
    lonely = ("SELECT ?o WHERE { ?o a lj:ResidentGroup . FILTER NOT EXISTS { ?r lj:participant ?o } "
              "FILTER(STRSTARTS(STR(?o), STR(id:))) } ORDER BY ?o LIMIT 1")
    org = str(bundled_kg.select_rows(lonely)[1][0][0]).rsplit("/", 1)[1]
    fast, plain = _both(bundled_kg, org, "3")
    assert fast.rows == plain.rows == []


def test_the_markers_must_stay(bundled_kg):
    q = get_query("around-organization")
    text = q.text.replace("# layers:begin", "# layers begin")
    with pytest.raises(ValueError, match="layers:begin"):
        around_organization(bundled_kg, text, q.bindings({"org": "changning-district-committee", "hops": "1"}))
