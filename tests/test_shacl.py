"""The built graph conforms to the SHACL shapes, the shapes catch what they promise to, and the SPARQL engine
reports the same violations as pySHACL, the reference, on valid and on deliberately broken graphs."""

import pytest

from lianjian.graph import KnowledgeGraph
from lianjian.graph.shacl import shapes_graph, validate
from lianjian.graph.shacl_sparql import compile_shapes

PROLOGUE = ("PREFIX lj: <https://w3id.org/lianjian/ontology#> PREFIX id: <https://w3id.org/lianjian/id/> "
            "PREFIX org: <http://www.w3.org/ns/org#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> "
            "PREFIX mechanism: <https://w3id.org/lianjian/vocab/mechanism/> PREFIX dcterms: <http://purl.org/dc/terms/> ")
EVIDENCE = "?e"  # an evidence node of the minimal case, bound by WHERE { GRAPH ?g { ?e a lj:Evidence } } below
LONG = "党" * 151

#: One broken graph per kind of constraint in shapes.ttl: the update, and the violation it must cause
#: (focus, path, shape, constraint); focus None means any.
BROKEN = {
    "minCount": (["DELETE WHERE { GRAPH ?g { id:mini-metro lj:sector ?s } }"],
                 ("id:mini-metro", "lj:sector", "ljsh:OrganizationShape", "sh:minCount")),
    "maxCount": (["INSERT { GRAPH <urn:x> { ?jb lj:relationKind <urn:other-kind> } } WHERE { GRAPH ?g { ?jb a lj:JointBuilding } }"],
                 (None, "lj:relationKind", "ljsh:JointBuildingShape", "sh:maxCount")),
    "class": (["INSERT DATA { GRAPH <urn:x> { id:mini-metro lj:locatedIn id:mini-committee } }"],
              ("id:mini-metro", "lj:locatedIn", "ljsh:OrganizationShape", "sh:class")),
    "datatype": (['INSERT { GRAPH <urn:x> { ?e lj:startOffset "12" } } WHERE { GRAPH ?g { ?e a lj:Evidence } }'],
                 (None, "lj:startOffset", "ljsh:EvidenceShape", "sh:datatype")),
    "ill-typed": (['DELETE WHERE { GRAPH ?g { ?e lj:endOffset ?o } }',
                   'INSERT { GRAPH <urn:x> { ?e lj:endOffset "twelve"^^xsd:integer } } WHERE { GRAPH ?g { ?e a lj:Evidence } }'],
                  (None, "lj:endOffset", "ljsh:EvidenceShape", "sh:datatype")),
    "minLength": (['INSERT DATA { GRAPH <urn:x> { <urn:ev> a lj:Evidence ; lj:quote "" ; dcterms:source <urn:doc> } }'],
                  ("urn:ev", "lj:quote", "ljsh:EvidenceShape", "sh:minLength")),
    "maxLength": ([f'INSERT DATA {{ GRAPH <urn:x> {{ <urn:ev> a lj:Evidence ; lj:quote "{LONG}" }} }}'],
                  ("urn:ev", "lj:quote", "ljsh:EvidenceShape", "sh:maxLength")),
    "pattern": (['INSERT DATA { GRAPH <urn:x> { <urn:post> a org:Post ; lj:basis "guessed" } }'],
                ("urn:post", "lj:basis", "ljsh:PostShape", "sh:pattern")),
    "or": (["DELETE WHERE { GRAPH ?g { ?jb lj:startDate ?d } }",
            'INSERT { GRAPH <urn:x> { ?jb lj:startDate "sometime" } } WHERE { GRAPH ?g { ?jb a lj:JointBuilding } }'],
           (None, "lj:startDate", "ljsh:JointBuildingShape", "sh:or")),
    "not": (["INSERT DATA { GRAPH <urn:x> { id:mini-committee lj:partyOrganizationOf id:mini-metro } }"],
            ("id:mini-committee", "lj:partyOrganizationOf", "ljsh:PartyOrganizationShape", "sh:not")),
    "hasValue": (["DELETE WHERE { GRAPH ?g { mechanism:pairing skos:inScheme ?s } }",
                  "INSERT DATA { GRAPH <urn:x> { mechanism:pairing skos:inScheme <urn:scheme> } }"],
                 ("mechanism:pairing", "skos:inScheme", "ljsh:MechanismShape", "sh:hasValue")),
    "qualifiedMinCount": (["DELETE WHERE { GRAPH ?g { id:mini-metro rdfs:label ?l } }",
                           'INSERT DATA { GRAPH <urn:x> { id:mini-metro rdfs:label "Metro"@en } }'],
                          ("id:mini-metro", "(rdfs:label|skos:prefLabel)", "ljsh:LabelledShape", "sh:qualifiedMinCount")),
    "qualifiedMaxCount": (["INSERT DATA { GRAPH <urn:x> { id:mini-metro a lj:GovernmentAgency } }"],
                          ("id:mini-metro", "rdf:type", "ljsh:OrganizationShape", "sh:qualifiedMaxCount")),
    "sparql": (["INSERT DATA { GRAPH <urn:x> { id:mini-district lj:withinArea id:mini-district } }"],
               ("id:mini-district", "", "ljsh:AreaShape", "sh:sparql")),
}


@pytest.fixture(scope="module")
def mini_nquads(tmp_path_factory):
    from tests.conftest import MINIMAL_CASE

    folder = tmp_path_factory.mktemp("cases")
    (folder / "mini.yaml").write_text(MINIMAL_CASE, encoding="utf-8")
    return KnowledgeGraph.from_cases([folder], bundled=False).serialize("nq").decode("utf-8")


def _broken(nquads: str, updates: list[str]) -> KnowledgeGraph:
    kg = KnowledgeGraph.from_nquads(nquads)
    for update in updates:
        kg.store.update(PROLOGUE + update)
    return kg


def _keys(report):
    return {v.key for v in report.violations}


def test_bundled_corpus_conforms(bundled_kg):
    report = bundled_kg.validate()
    assert report.conforms, [str(v) for v in report.violations[:10]]
    assert validate(bundled_kg, "pyshacl").conforms


def test_maxlength_counts_characters_not_bytes(mini_nquads):
    """150 Chinese characters (450 UTF-8 bytes) are within sh:maxLength 150; 151 are not (pyrudof counts bytes)."""
    ok = _broken(mini_nquads, [f'INSERT DATA {{ GRAPH <urn:x> {{ ?e lj:quote "{"党" * 150}" }} }}'.replace("?e", "<urn:ev>")])
    assert not any(v.constraint == "sh:maxLength" for v in ok.validate().violations)
    too_long = _broken(mini_nquads, BROKEN["maxLength"][0]).validate()
    assert [v.value for v in too_long.violations if v.constraint == "sh:maxLength"] == [f'"{LONG}"']


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_engines_report_the_same_violations(mini_nquads, kind):
    updates, (focus, path, shape, constraint) = BROKEN[kind]
    kg = _broken(mini_nquads, updates)
    fast, reference = kg.validate(), validate(kg, "pyshacl")
    assert not fast.conforms and not reference.conforms
    assert _keys(fast) == _keys(reference)
    assert any((focus is None or v.focus == focus) and (v.path, v.shape, v.constraint) == (path, shape, constraint)
               for v in fast.violations), [str(v) for v in fast.violations]


def test_every_kind_of_constraint_in_the_shapes_is_broken_once(mini_nquads):
    kinds = {c.constraint for c in compile_shapes(shapes_graph(), KnowledgeGraph.from_nquads(mini_nquads).store)}
    assert kinds == {expected[3] for _, expected in BROKEN.values()}


def test_engines_agree_on_a_widely_broken_bundled_graph(bundled_kg):
    kg = KnowledgeGraph.from_nquads(bundled_kg.serialize("nq").decode("utf-8"))
    kg.store.update(PROLOGUE + "DELETE WHERE { GRAPH ?g { ?o lj:sector ?s } }")
    kg.store.update(PROLOGUE + 'DELETE { GRAPH ?g { ?e lj:quote ?q } } INSERT { GRAPH ?g { ?e lj:quote "" } } '
                                 'WHERE { GRAPH ?g { ?e lj:quote ?q } FILTER(STRLEN(?q) > 40) }')
    fast, reference = kg.validate(), validate(kg, "pyshacl")
    assert len(fast.violations) > 100
    assert _keys(fast) == _keys(reference)


def test_the_report_reads_clearly(mini_nquads):
    """What `lianjian validate` prints for each violation (the SPARQL engine's wording, or the shape's sh:message)."""
    kg = _broken(mini_nquads, BROKEN["class"][0] + BROKEN["maxLength"][0] + BROKEN["minCount"][0])
    lines = {str(v) for v in kg.validate().violations}
    assert "id:mini-metro lj:locatedIn: value id:mini-committee is not an instance of lj:Area [ljsh:OrganizationShape sh:class]" in lines
    assert f'urn:ev lj:quote: value "{"党" * 38}… is not within 150 characters [ljsh:EvidenceShape sh:maxLength]' in lines
    assert "urn:ev dcterms:source: needs at least 1 value of dcterms:source, has 0 [ljsh:EvidenceShape sh:minCount]" in lines
    assert "id:mini-metro lj:sector: an organisation needs at least one sector [ljsh:OrganizationShape sh:minCount]" in lines


def test_shapes_catch_broken_graphs(case_dir):
    kg = KnowledgeGraph.from_cases([case_dir()], bundled=False)
    assert kg.validate().conforms
    lonely = _broken(kg.serialize("nq").decode("utf-8"),
                     ["DELETE WHERE { GRAPH ?g { ?jb lj:participant id:mini-metro } }"]).validate()
    assert any("at least two participants" in v.message for v in lonely.violations)
    no_evidence = _broken(kg.serialize("nq").decode("utf-8"),
                          ["DELETE WHERE { GRAPH ?g { id:mini-committee lj:evidence ?e } }"]).validate()
    assert any(v.focus == "id:mini-committee" and "evidence" in v.message for v in no_evidence.violations)


def test_rdflib_engine_graph_validates_the_same(case_dir):
    kg = KnowledgeGraph.from_cases([case_dir()], bundled=False, engine="rdflib")
    kg.dataset.update(PROLOGUE + "DELETE { GRAPH ?g { ?o lj:sector ?s } } WHERE { GRAPH ?g { ?o lj:sector ?s } }")
    assert _keys(kg.validate()) == _keys(validate(kg, "pyshacl")) != set()


def test_unknown_engine_is_a_usage_error(bundled_kg):
    from lianjian.errors import UsageError

    with pytest.raises(UsageError, match="--shacl-engine"):
        validate(bundled_kg, "fast")


@pytest.mark.parametrize("engine", ["sparql", "pyshacl"])
def test_cli_validates_with_either_engine(case_dir, engine):
    from click.testing import CliRunner

    from lianjian.cli import cli

    result = CliRunner().invoke(cli, ["validate", "--no-bundled", "--cases", str(case_dir()), "--shacl-engine", engine])
    assert result.exit_code == 0, result.output
    assert "SHACL: conforms" in result.output


def test_cli_rejects_an_unknown_shacl_engine(case_dir):
    from click.testing import CliRunner

    from lianjian.cli import cli

    result = CliRunner().invoke(cli, ["validate", "--no-bundled", "--cases", str(case_dir()), "--shacl-engine", "rudof"])
    assert result.exit_code == 2 and "--shacl-engine" in result.output
