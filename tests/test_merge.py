"""Entities shared across files: defined once, referenced with evidence from each document."""

import pytest

from lianjian.errors import CaseErrors
from lianjian.graph import KnowledgeGraph
from lianjian.loaders.linker import load_corpus
from tests.conftest import MINIMAL_CASE

SHARED = """\
shared: true
areas:
  - id: shared-district
    zh: 长宁区
    zh-Hant: 長寧區
    kind: District
"""

SECOND = """\
source:
  id: second-case
  file: 004_1ae71e5546f12afe.txt
  title: 第二个案例
  date: 2011
areas:
  - ref: shared-district
    evidence: 长宁区以“凝聚力工程”为引领
"""


def test_shared_entity_is_one_node_with_evidence_from_each_document(case_dir):
    first = MINIMAL_CASE.replace("  - id: mini-district\n    zh: 长宁区\n    en: Changning District\n    kind: District\n",
                                 "  - ref: shared-district\n").replace("area: mini-district", "area: shared-district")
    folder = case_dir({"a.yaml": first, "b.yaml": SECOND, "shared.yaml": SHARED})
    kg = KnowledgeGraph.from_cases([folder], bundled=False)
    rows = kg.select("""
        SELECT ?source ?quote WHERE { id:shared-district lj:evidence ?ev . ?ev lj:quote ?quote ; dcterms:source ?source }
        ORDER BY ?source""")
    assert [(r["source"].rsplit("/", 1)[1], r["quote"]) for r in rows] == [
        ("mini-case", "上海市长宁区"), ("second-case", "长宁区以“凝聚力工程”为引领")]
    assert kg.select("SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { id:shared-district a ?t }") == [{"n": 1}]
    # The evidence sits in each document's own named graph.
    graphs = kg.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { id:shared-district lj:evidence ?ev } } ORDER BY ?g")
    assert [g["g"].rsplit("/", 1)[1] for g in graphs] == ["mini-case", "second-case"]


def test_entity_defined_in_two_files_is_an_error(case_dir):
    second = SECOND.replace("  - ref: shared-district\n", "  - id: mini-district\n    zh: 长宁区\n    kind: District\n")
    with pytest.raises(CaseErrors) as info:
        load_corpus([case_dir({"a.yaml": MINIMAL_CASE, "b.yaml": second})], bundled=False)
    (problem,) = info.value.problems
    assert problem.path.endswith("b.yaml") and "id 'mini-district' is already defined in" in problem.message
    assert "a.yaml:7" in problem.message and "use `- ref: mini-district`" in problem.message


def test_shared_entity_nobody_quotes_is_an_error(case_dir):
    with pytest.raises(CaseErrors) as info:
        load_corpus([case_dir({"a.yaml": MINIMAL_CASE, "shared.yaml": SHARED})], bundled=False)
    assert any("'shared-district' has no evidence: no case file quotes it" in str(p) for p in info.value.problems)


def test_ref_to_wrong_section_and_unknown_ref(case_dir):
    bad = SECOND.replace("areas:\n  - ref: shared-district", "organizations:\n  - ref: shared-district") + "  - ref: nobody-here\n    evidence: 长宁\n"
    with pytest.raises(CaseErrors) as info:
        load_corpus([case_dir({"b.yaml": bad, "shared.yaml": SHARED})], bundled=False)
    text = str(info.value)
    assert "ref 'shared-district' is defined under 'areas', not 'organizations'" in text
    assert "ref 'nobody-here' is not defined in any case file" in text


def test_bundled_shared_entities_carry_evidence_from_several_documents(bundled_kg):
    rows = bundled_kg.select("""
        SELECT ?e (COUNT(DISTINCT ?src) AS ?n) WHERE {
          VALUES ?e { id:changning-district-committee id:huayang-road-street id:cohesion-project id:changning-district }
          ?e lj:evidence/dcterms:source ?src } GROUP BY ?e""")
    counts = {r["e"].rsplit("/", 1)[1]: r["n"] for r in rows}
    assert counts["changning-district-committee"] >= 3 and counts["cohesion-project"] >= 3, counts
    assert counts["huayang-road-street"] >= 2 and counts["changning-district"] >= 3, counts
