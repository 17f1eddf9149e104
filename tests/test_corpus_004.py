"""Facts of source 004: the Changning District Party School paper on the
"1+N" model of grassroots party building (changning-1n-model)."""

import pytest

ID = "https://w3id.org/lianjian/id/"
SRC = "source:changning-1n-model"

@pytest.fixture(scope="module")
def kg(bundled_kg):
    return bundled_kg


def test_cohesion_project_is_part_of_1n_model(kg):
    # (一) “1”,即“一个总抓手”:“凝聚力工程” — the Cohesion Project is the "1" inside 1+N (codebook R12)
    rows = kg.select("""
        SELECT ?whole WHERE {
            id:cohesion-project a lj:Initiative ;
                dcterms:isPartOf ?whole .
        }""")
    assert [r["whole"] for r in rows] == [ID + "changning-1-plus-n-model"]
    rows = kg.select("""SELECT ?whole WHERE { id:changning-1-plus-n-model dcterms:isPartOf ?whole . }""")
    assert rows == []


def test_four_kinds_of_n(kg):
    rows = kg.select("""
        SELECT ?label WHERE {
            ?c a lj:InitiativeComponent ;
               dcterms:isPartOf id:changning-1-plus-n-model ;
               rdfs:label ?label .
            FILTER(langMatches(lang(?label), "zh-Hans"))
        }""")
    assert {r["label"] for r in rows} == {"枢纽中介型", "服务导入型", "联动互补型", "文化嵌入型"}


def test_social_work_party_committee_directs_six_alliances(kg):
    # 在区社会工作党委的指导下, … 由区六大不同部门牵头,成立“六个便利服务联盟” — direction by the district
    # committee's own body is the line of command (`under`), not a guidance tie (codebook R2)
    rows = kg.select("""
        SELECT ?sup ?lead WHERE {
            id:changning-six-convenience-service-alliances lj:under ?sup ; lj:ledBy ?lead .
        }""")
    assert [(r["sup"], r["lead"]) for r in rows] == [
        (ID + "changning-social-work-party-committee", ID + "changning-district-functional-departments")]
    rows = kg.select("""
        SELECT DISTINCT ?rel WHERE {
            ?rel a lj:JointBuilding ;
                 lj:participant id:changning-six-convenience-service-alliances ;
                 lj:participant ?p .
            FILTER(?p IN (id:changning-social-work-party-committee, id:changning-district-functional-departments))
        }""")
    assert rows == []


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


# --- Re-annotation to the codebook (issue 12) ---------------------------------

def test_every_relationship_has_a_sector_at_both_ends(kg):
    rows = kg.select("""
        SELECT ?rel (SUM(IF(BOUND(?s), 0, 1)) AS ?bare) WHERE {
            { SELECT DISTINCT ?rel ?p WHERE {
                ?rel a lj:JointBuilding ; lj:participant ?p ; lj:evidence/dcterms:source %s . } }
            OPTIONAL { ?p lj:sector ?s }
        } GROUP BY ?rel""" % SRC)
    assert len(rows) == 15
    assert [r["rel"] for r in rows if int(r["bare"]) > 0] == []


def test_party_school_is_a_party_school(kg):
    # 区委党校 — the paper's institutional author (codebook R11: a party school is PartySchool)
    rows = kg.select("""
        SELECT ?s ?parent WHERE { ?s a lj:PartySchool ; rdfs:label "中共长宁区委党校"@zh-Hans ;
                                     org:subOrganizationOf ?parent . }""")
    assert [(r["s"], r["parent"]) for r in rows] == [(ID + "changning-party-school", ID + "changning-district-committee")]
    assert kg.select("""SELECT ?k WHERE { id:changning-party-school a ?k . FILTER(?k = lj:PartyDepartment) }""") == []


def test_zhouqiao_estate_is_the_one_document_000_names(kg):
    # 004: 周桥社区…利用小区会所举办美食节、插花比赛、纳凉晚会等活动; 000 says the same of 周桥街道虹桥新城居民区
    rows = kg.select("""
        SELECT ?e WHERE { ?e a lj:ResidentialArea ; lj:withinArea id:zhouqiao-street ;
                             lj:evidence/dcterms:source %s . }""" % SRC)
    assert [r["e"] for r in rows] == [ID + "zhouqiao-hongqiao-xincheng-residential-area"]
    rows = kg.select("""
        SELECT ?x ?reason WHERE {
            ?x lj:locatedIn id:zhouqiao-hongqiao-xincheng-residential-area .
            ?st a rdf:Statement ; rdf:subject ?x ; rdf:predicate lj:locatedIn ;
                rdf:object id:zhouqiao-hongqiao-xincheng-residential-area ;
                lj:basis "inferred" ; lj:basisReason ?reason .
        }""")
    assert sorted(r["x"].rsplit("/", 1)[-1] for r in rows) == [
        "zhouqiao-clubhouse-flower-arranging-contest", "zhouqiao-clubhouse-food-festival",
        "zhouqiao-clubhouse-summer-evening-party", "zhouqiao-estate-clubhouses"]
    assert all("虹桥新城居民区" in r["reason"] for r in rows)


def test_community_end_of_park_community_combination_agrees_with_000(kg):
    # 园区党建与社区党建结合 (000 and 004): the community end is the street party working committees in both
    rows = kg.select("""
        SELECT DISTINCT ?src ?p WHERE {
            ?rel a lj:JointBuilding ;
                 lj:mechanism mechanism:park-community-party-building-combination ;
                 lj:participant ?p ; lj:evidence/dcterms:source ?src .
            ?p lj:sector sector:community .
        }""")
    by_src = {}
    for r in rows:
        by_src.setdefault(r["src"].rsplit("/", 1)[-1], set()).add(r["p"].rsplit("/", 1)[-1])
    assert by_src["changning-1n-model"] == {"changning-street-party-working-committees"}
    assert by_src["changning-cohesion-2013"] == {"changning-street-party-working-committees"}


def test_service_clusters_are_one_relationship(kg):
    # 在虹桥、中山公园地区和临空经济园区的现代服务业集聚区 — one sentence, one tie (R5)
    rows = kg.select("""
        SELECT ?rel (COUNT(DISTINCT ?p) AS ?n) WHERE {
            ?rel a lj:JointBuilding ; lj:participant id:changning-linkong-economic-park , ?p .
        } GROUP BY ?rel""")
    assert [int(r["n"]) for r in rows] == [4]


def test_inferred_relationships_carry_reasons(kg):
    # e.g. 条块结合、拓展联动 names no party; 社区党建 read as the street party working committees
    rows = kg.select("""
        SELECT ?basis (COUNT(DISTINCT ?rel) AS ?n) (COUNT(DISTINCT ?reason) AS ?reasons) WHERE {
            ?rel a lj:JointBuilding ; lj:basis ?basis ; lj:evidence/dcterms:source %s .
            OPTIONAL { ?rel lj:basisReason ?reason }
        } GROUP BY ?basis""" % SRC)
    got = {r["basis"]: (int(r["n"]), int(r["reasons"])) for r in rows}
    assert got["stated"] == (7, 0)
    assert got["inferred"][0] == 8 and got["inferred"][1] >= 4
    rows = kg.select("""
        SELECT ?reason WHERE {
            ?rel a lj:JointBuilding ; lj:mechanism mechanism:block-line-linkage ;
                 lj:participant id:changning-district-functional-departments ;
                 lj:basis "inferred" ; lj:basisReason ?reason ; lj:evidence/dcterms:source %s . }""" % SRC)
    assert len(rows) == 1 and "条块结合" in rows[0]["reason"]


def test_kilometre_corridor_is_rhetorical(kg):
    # “新华千米文化长廊” — 千米 is a figure of speech
    rows = kg.select("""
        SELECT ?v ?r WHERE { ?o lj:observedEntity id:xinhua-kilometre-culture-corridor ;
                                lj:value ?v ; lj:rhetorical ?r . }""")
    assert [(float(r["v"]), str(r["r"]).lower()) for r in rows] == [(1000.0, "true")]


def test_written_year_from_internal_evidence(kg):
    # “凝聚力工程”18年的发展 … 自1993年以来 → 2011
    rows = kg.select("""SELECT ?w ?e WHERE { %s lj:writtenIn ?w ; lj:writtenEvidence ?e . }""" % SRC)
    assert [str(r["w"]) for r in rows] == ["2011"] and "18" in rows[0]["e"]


def test_author_post_is_inferred(kg):
    # (作 者:许涞华) under the heading 区委党校
    rows = kg.select("""
        SELECT ?org ?basis WHERE { id:xu-laihua org:holds ?post . ?post org:postIn ?org ; lj:basis ?basis . }""")
    assert [(r["org"], r["basis"]) for r in rows] == [(ID + "changning-party-school", "inferred")]


def test_side_by_side_is_not_a_tie(kg):
    # 坚持楼宇党建与园区党建并举 — both pursued side by side, no joint activity (R1): a mechanism of the model
    rows = kg.select("""
        SELECT DISTINCT ?rel WHERE {
            ?rel a lj:JointBuilding ; lj:evidence/lj:quote "坚持楼宇党建与园区党建并举" . }""")
    assert rows == []
    rows = kg.select("""
        SELECT ?m WHERE { id:changning-1-plus-n-model lj:mechanism ?m .
                          FILTER(?m IN (mechanism:office-building-party-building, mechanism:business-park-party-building)) }""")
    assert len(rows) == 2
