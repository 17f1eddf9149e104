"""Facts of source 004: the Changning District Party School paper on the
"1+N" model of grassroots party building (changning-1n-model)."""

import pytest



@pytest.fixture(scope="module")
def kg(bundled_kg):
    return bundled_kg


def test_1n_model_is_part_of_cohesion_project(kg):
    rows = kg.select("""
        SELECT ?whole WHERE {
            id:changning-1-plus-n-model a lj:Initiative ;
                dcterms:isPartOf ?whole .
        }""")
    assert [r["whole"] for r in rows] == ["https://w3id.org/lianjian/id/cohesion-project"]


def test_four_kinds_of_n(kg):
    rows = kg.select("""
        SELECT ?label WHERE {
            ?c a lj:InitiativeComponent ;
               dcterms:isPartOf id:changning-1-plus-n-model ;
               rdfs:label ?label .
            FILTER(langMatches(lang(?label), "zh-Hans"))
        }""")
    assert {r["label"] for r in rows} == {"枢纽中介型", "服务导入型", "联动互补型", "文化嵌入型"}


def test_social_work_party_committee_guides_six_alliances(kg):
    rows = kg.select("""
        SELECT DISTINCT ?rel WHERE {
            ?rel a lj:JointBuilding ;
                 lj:relationKind relation:guidance ;
                 lj:participant id:changning-social-work-party-committee ,
                                id:changning-six-convenience-service-alliances ;
                 lj:evidence/dcterms:source source:changning-1n-model .
        }""")
    assert len(rows) == 1


def test_cohesion_project_is_18_years_old(kg):
    rows = kg.select("""
        SELECT DISTINCT ?value ?unit WHERE {
            ?o a lj:Observation ;
               lj:observedEntity id:cohesion-project ;
               lj:value ?value ;
               lj:unit ?unit ;
               lj:evidence/dcterms:source source:changning-1n-model .
        }""")
    assert [(float(r["value"]), r["unit"]) for r in rows] == [(18.0, "年")]


def test_six_convenience_service_alliances_count(kg):
    rows = kg.select("""
        SELECT ?value WHERE {
            ?o a lj:Observation ;
               lj:observedEntity id:changning-six-convenience-service-alliances ;
               lj:value ?value ;
               lj:unit "个" ;
               lj:evidence/lj:quote "成立“六个便利服务联盟”" .
        }""")
    assert [float(r["value"]) for r in rows] == [6.0]


def test_double_combination_mechanism_hierarchy(kg):
    rows = kg.select("""
        SELECT ?top WHERE {
            mechanism:building-park-party-building-combination
                skos:broader mechanism:changning-double-combination-grand-linkage .
            mechanism:changning-double-combination-grand-linkage skos:broader ?top .
        }""")
    assert [r["top"] for r in rows] == ["https://w3id.org/lianjian/vocab/mechanism/linkage"]


def test_cohesion_project_society_is_the_hub(kg):
    rows = kg.select("""
        SELECT ?area ?component WHERE {
            ?s a lj:Society ;
               rdfs:label "凝聚力工程学会"@zh-Hans ;
               lj:locatedIn ?area ;
               lj:initiative ?component .
        }""")
    assert [(r["area"], r["component"]) for r in rows] == [(
        "https://w3id.org/lianjian/id/changning-district",
        "https://w3id.org/lianjian/id/changning-1n-hub-intermediary-type",
    )]


def test_hongqiao_zone_is_an_example_of_linkage_complementary_type(kg):
    rows = kg.select("""
        SELECT ?type ?area WHERE {
            id:hongqiao-zone-party-building dcterms:isPartOf ?type ;
                lj:locatedIn ?area ;
                lj:mechanism mechanism:changning-double-combination-grand-linkage .
        }""")
    assert [(r["type"], r["area"]) for r in rows] == [(
        "https://w3id.org/lianjian/id/changning-1n-linkage-complementary-type",
        "https://w3id.org/lianjian/id/hongqiao-development-zone",
    )]
