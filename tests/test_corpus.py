"""The bundled corpus: floors from the corpus issue, shared entities, and every quote verifiable."""

import json
from pathlib import Path

import pytest

from lianjian.queries.stats import graph_stats

# source id: (entities, joint-building relationships). The entity floors are the corpus issue's; the
# relationship floors are the counts under the codebook (docs/codebook.md), which folded fan-outs into one
# relationship or one joint body (R5) and moved command, praise, visits and rules off the relationships
# (R2-R4): 183 relationships became 90 without losing a fact (see the two tests below).
FLOORS = {
    "changning-cohesion-2013": (70, 26),
    "huating-six-systems": (45, 22),
    "changning-decade-2022": (40, 6),
    "pudong-daju-2015": (40, 21),
    "changning-1n-model": (25, 15),
}
#: Entities per source document before the re-annotation to the codebook: none may be lost.
ENTITIES_BEFORE_CODEBOOK = {
    "changning-cohesion-2013": 288, "huating-six-systems": 254, "changning-decade-2022": 148,
    "pudong-daju-2015": 129, "changning-1n-model": 86,
}
QUOTES_BEFORE_CODEBOOK = Path(__file__).parent / "data" / "quotes-before-codebook.json"


@pytest.fixture(scope="module")
def stats(bundled_kg):
    return graph_stats(bundled_kg)


@pytest.mark.parametrize("source", sorted(FLOORS))
def test_per_document_floors(stats, source):
    row = next(s for s in stats["sources"] if s["source"] == source)
    entities, relationships = FLOORS[source]
    assert row["entities"] >= entities and row["relationships"] >= relationships, row


@pytest.mark.parametrize("source", sorted(ENTITIES_BEFORE_CODEBOOK))
def test_no_entity_lost_in_the_re_annotation(stats, source):
    row = next(s for s in stats["sources"] if s["source"] == source)
    assert row["entities"] >= ENTITIES_BEFORE_CODEBOOK[source], row


def test_every_quote_from_before_the_re_annotation_still_backs_a_statement():
    """A fact moved (to the hierarchy, an event, an initiative, a joint body) keeps its quote: every quote the
    corpus had before the codebook is still a quote, or overlaps one, of the same document."""
    from lianjian.loaders.linker import load_corpus

    corpus = load_corpus()
    now: dict[str, set] = {}
    for e in corpus.entries.values():
        for q in e.evidence:
            now.setdefault(q.doc, set()).add(q.text)
    for r in corpus.references:
        for q in r.quotes:
            now.setdefault(q.doc, set()).add(q.text)
    before = json.loads(QUOTES_BEFORE_CODEBOOK.read_text(encoding="utf-8"))
    lost = [(doc, q) for doc, quotes in before.items() for q in quotes
            if q not in now.get(doc, ()) and not any(q in x or x in q for x in now.get(doc, ()))]
    assert sum(len(v) for v in before.values()) == 804 and lost == []


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
