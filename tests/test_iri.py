"""IRI minting: one place, deterministic, only from safe ids."""

import pytest

from lianjian.namespace import concept_iri, entity_iri, evidence_iri, graph_iri, minted_id, source_iri


def test_entity_and_concept_iris():
    assert str(entity_iri("changning-district-committee")) == "https://w3id.org/lianjian/id/changning-district-committee"
    assert str(concept_iri("mechanism", "joint-conference")) == "https://w3id.org/lianjian/vocab/mechanism/joint-conference"
    assert str(concept_iri("sector", "transport")) == "https://w3id.org/lianjian/vocab/sector/transport"
    assert str(source_iri("pudong-daju-2015")) == "https://w3id.org/lianjian/source/pudong-daju-2015"
    assert str(graph_iri("pudong-daju-2015")) == "https://w3id.org/lianjian/graph/pudong-daju-2015"


@pytest.mark.parametrize("bad", ["Changning", "a b", "a--b", "-a", "a-", "长宁", "a/b", "x" * 81, "a_b", "", "<script>"])
def test_unsafe_ids_are_refused(bad):
    with pytest.raises(ValueError):
        entity_iri(bad)


def test_minted_ids_are_deterministic_and_cannot_collide_with_curators_ids():
    a = minted_id("relationship", "doc", "pairing", "x", "y", "quote")
    assert a == minted_id("relationship", "doc", "pairing", "x", "y", "quote")
    assert a != minted_id("relationship", "doc", "pairing", "x", "z", "quote")
    assert "--" in a  # a curator's slug never contains a double hyphen
    assert evidence_iri("doc", "x", "q") == evidence_iri("doc", "x", "q") != evidence_iri("doc", "x", "r")


def test_built_graph_uses_minted_iris(case_dir):
    from lianjian.graph import KnowledgeGraph

    kg1 = KnowledgeGraph.from_cases([case_dir()], bundled=False)
    kg2 = KnowledgeGraph.from_cases([case_dir()], bundled=False)
    q = "SELECT ?jb WHERE { ?jb a lj:JointBuilding }"
    assert kg1.select(q) == kg2.select(q)
    assert kg1.select(q)[0]["jb"].startswith("https://w3id.org/lianjian/id/relationship-mini-case--")
