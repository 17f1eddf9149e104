"""The built graph conforms to the SHACL shapes, and the shapes catch what they promise to."""

from lianjian.graph import KnowledgeGraph


def test_bundled_corpus_conforms(bundled_kg):
    report = bundled_kg.validate()
    assert report.conforms, [str(v) for v in report.violations[:10]]


def _mutated(case_dir, *updates: str) -> KnowledgeGraph:
    kg = KnowledgeGraph.from_cases([case_dir()], bundled=False, engine="oxigraph")
    for update in updates:
        kg.dataset.update("PREFIX lj: <https://w3id.org/lianjian/ontology#> PREFIX id: <https://w3id.org/lianjian/id/> "
                          "PREFIX sector: <https://w3id.org/lianjian/vocab/sector/> " + update)
    return kg


def test_shapes_catch_broken_graphs(case_dir):
    assert KnowledgeGraph.from_cases([case_dir()], bundled=False).validate().conforms
    no_sector = _mutated(case_dir, "DELETE { GRAPH ?g { id:mini-metro lj:sector ?s } } WHERE { GRAPH ?g { id:mini-metro lj:sector ?s } }").validate()
    assert not no_sector.conforms
    assert any(v.focus == "id:mini-metro" and "sector" in v.message for v in no_sector.violations)
    two_kinds = _mutated(case_dir, "INSERT DATA { GRAPH <urn:x> { id:mini-metro a lj:GovernmentAgency } }").validate()
    assert any(v.focus == "id:mini-metro" and "exactly one kind" in v.message for v in two_kinds.violations)
    lonely = _mutated(case_dir, "DELETE { GRAPH ?g { ?jb lj:participant id:mini-metro } } WHERE { GRAPH ?g { ?jb lj:participant id:mini-metro } }").validate()
    assert any("at least two participants" in v.message for v in lonely.violations)
    no_evidence = _mutated(case_dir, "DELETE { GRAPH ?g { id:mini-committee lj:evidence ?e } } WHERE { GRAPH ?g { id:mini-committee lj:evidence ?e } }").validate()
    assert any(v.focus == "id:mini-committee" and "evidence" in v.message for v in no_evidence.violations)
    bad_year = _mutated(case_dir, 'DELETE { GRAPH ?g { ?jb lj:startDate ?d } } WHERE { GRAPH ?g { ?jb lj:startDate ?d } }',
                        'INSERT { GRAPH <urn:x> { ?jb lj:startDate "sometime" } } WHERE { ?jb a lj:JointBuilding }').validate()
    assert not bad_year.conforms
