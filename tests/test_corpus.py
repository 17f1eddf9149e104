"""The bundled corpus: floors from the corpus issue, shared entities, and every quote verifiable."""

import pytest

from lianjian.graph.stats import graph_stats

FLOORS = {  # source id: (entities, relationships)
    "changning-cohesion-2013": (70, 45),
    "huating-six-systems": (45, 30),
    "changning-decade-2022": (40, 25),
    "pudong-daju-2015": (40, 30),
    "changning-1n-model": (25, 15),
}


@pytest.fixture(scope="module")
def stats(bundled_kg):
    return graph_stats(bundled_kg)


@pytest.mark.parametrize("source", sorted(FLOORS))
def test_per_document_floors(stats, source):
    row = next(s for s in stats["sources"] if s["source"] == source)
    entities, relationships = FLOORS[source]
    assert row["entities"] >= entities and row["relationships"] >= relationships, row


def test_mechanism_scheme_size_and_depth(stats):
    assert stats["mechanisms"]["concepts"] >= 60 and stats["mechanisms"]["depth"] >= 3


def test_every_entity_and_relationship_has_evidence(bundled_kg):
    missing = bundled_kg.select("""
        SELECT ?x WHERE {
          ?x a ?c . ?c rdfs:subClassOf* ?top .
          VALUES ?top { lj:Organization lj:Area lj:Person lj:CollectiveActor lj:Initiative lj:PolicyDocument lj:Event lj:Observation lj:JointBuilding }
          FILTER NOT EXISTS { ?x lj:evidence ?e }
        }""")
    assert missing == []


def test_traditional_source_entities_have_traditional_labels(bundled_kg):
    rows = bundled_kg.select("""
        SELECT ?x (SAMPLE(?h) AS ?hant) WHERE {
          ?x lj:evidence/dcterms:source source:changning-decade-2022 ; a ?c .
          ?c rdfs:subClassOf* lj:Organization .
          OPTIONAL { ?x rdfs:label ?h FILTER(LANGMATCHES(LANG(?h), "zh-Hant")) }
        } GROUP BY ?x""")
    assert rows and all("hant" in r for r in rows), [r["x"] for r in rows if "hant" not in r]


def test_quotes_are_short(bundled_kg):
    rows = bundled_kg.select("SELECT (MAX(STRLEN(?q)) AS ?longest) WHERE { ?e lj:quote ?q }")
    assert rows[0]["longest"] <= 150
