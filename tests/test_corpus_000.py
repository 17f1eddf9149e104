"""Key facts of source 000 (Changning's Cohesion Project, 广东新闻网 2013-06-23), checked through SPARQL."""

import pytest



@pytest.fixture(scope="module")
def kg(bundled_kg):
    return bundled_kg


def test_district_committee_signed_metro_pairing_in_2005(kg):
    # 长宁区委……于2005年与申通地铁公司党委签约结对,在全市首创“地铁社区党建联动”新机制
    rows = kg.select("""
        SELECT ?kind (STR(?start) AS ?year) WHERE {
          ?r a lj:JointBuilding ;
             lj:participant id:changning-district-committee , id:shentong-metro-party-committee ;
             lj:relationKind ?kind ;
             lj:startDate ?start ;
             lj:mechanism mechanism:changning-metro-community-party-building-linkage .
        }""")
    assert rows == [{"kind": "https://w3id.org/lianjian/vocab/relation/signing", "year": "2005"}]
    party_of = kg.select("SELECT ?u WHERE { id:shentong-metro-party-committee lj:partyOrganizationOf ?u }")
    assert [r["u"] for r in party_of] == ["https://w3id.org/lianjian/id/shentong-metro"]


def test_five_in_one_joint_conference_has_five_members(kg):
    # 居民区党组织、居委会、业委会、物业公司和公安派出所等参与的“五位一体”联席会议制度
    rows = kg.select("""
        SELECT ?m WHERE { id:changning-five-in-one-joint-conference a lj:JointConference ; org:hasMember ?m }""")
    members = {r["m"].rsplit("/", 1)[-1] for r in rows}
    assert members == {
        "changning-residential-party-organizations",
        "changning-residents-committees",
        "changning-owners-committees",
        "changning-property-management-companies",
        "changning-police-stations",
    }
    broader = kg.select("""
        SELECT ?b WHERE { mechanism:changning-five-in-one-joint-conference-system skos:broader ?b }""")
    assert [r["b"] for r in broader] == ["https://w3id.org/lianjian/vocab/mechanism/joint-conference"]


def test_cohesion_project_has_three_background_phases_in_this_source(kg):
    rows = kg.select("""
        SELECT DISTINCT ?phase WHERE {
          ?phase a lj:InitiativePhase ; dcterms:isPartOf id:cohesion-project ;
                 lj:evidence/dcterms:source source:changning-cohesion-2013 .
        }""")
    phases = {r["phase"].rsplit("/", 1)[-1] for r in rows}
    assert phases == {
        "cohesion-phase-huayang-origin",
        "cohesion-phase-community-party-building",
        "cohesion-phase-six-extensions",
    }


def test_six_extensions_belong_to_the_post_2003_phase(kg):
    # 与时俱进地实现了“六个拓展”
    rows = kg.select("""
        SELECT ?c WHERE {
          ?c a lj:InitiativeComponent ; dcterms:isPartOf id:cohesion-six-extensions .
          id:cohesion-six-extensions dcterms:isPartOf id:cohesion-phase-six-extensions .
          id:cohesion-phase-six-extensions dcterms:isPartOf id:cohesion-project .
        }""")
    assert len(rows) == 6
    start = kg.select("SELECT (STR(?d) AS ?y) WHERE { id:cohesion-phase-six-extensions lj:startDate ?d }")
    assert start == [{"y": "2003"}]


def test_district_fiscal_revenue_2008(kg):
    # 区级财政收入由1992年的2.43亿元上升至2008年的52.62亿元
    rows = kg.select("""
        SELECT ?v ?unit (STR(?y) AS ?year) WHERE {
          ?o a lj:Observation ; lj:observedEntity id:changning-district ;
             lj:value ?v ; lj:unit ?unit ; lj:year ?y ;
             lj:evidence/dcterms:source source:changning-cohesion-2013 .
          FILTER(CONTAINS(STR(?unit), "亿元"))
        } ORDER BY ?y""")
    assert [(r["year"], r["unit"]) for r in rows] == [("1992", "亿元"), ("2008", "亿元")]
    assert rows[0]["v"] == pytest.approx(2.43)
    assert rows[1]["v"] == pytest.approx(52.62)


def test_optimise_third_strengthen_fourth_sits_under_vertical_linkage(kg):
    # 完善“优三实四”的社会管理新体制 … 推进“两级政府、三级管理”城市管理新体制
    rows = kg.select("""
        SELECT ?b WHERE { mechanism:changning-optimise-third-strengthen-fourth skos:broader ?b }""")
    assert [r["b"] for r in rows] == [
        "https://w3id.org/lianjian/vocab/mechanism/shanghai-two-level-government-three-level-management"]
    path = kg.select("""
        SELECT ?top WHERE {
          mechanism:changning-optimise-third-strengthen-fourth skos:broader+ ?top .
          FILTER(?top = mechanism:vertical-linkage)
        }""")
    assert len(path) == 1


def test_one_plus_three_system_bodies_sit_under_street_working_committees(kg):
    # 社区党组织“1+3”领导体制: 行政党组、综合党委、居民区党委 under the street party working committee
    rows = kg.select("""
        SELECT ?o WHERE { ?o org:subOrganizationOf id:changning-street-party-working-committees }""")
    children = {r["o"].rsplit("/", 1)[-1] for r in rows}
    assert {"changning-administrative-party-groups", "changning-comprehensive-party-committees",
            "changning-residential-party-committees"} <= children
    parent = kg.select("""
        SELECT ?p WHERE { id:changning-street-party-working-committees org:subOrganizationOf ?p }""")
    assert [r["p"] for r in parent] == ["https://w3id.org/lianjian/id/changning-district-committee"]


def test_double_pairing_counts(kg):
    # 与18家敬老院结对,与50名困难党员、500户困难家庭和1000名困难学生结对
    rows = kg.select("""
        SELECT ?v ?unit WHERE {
          ?o a lj:Observation ; lj:observedEntity id:changning-double-pairing-campaign ; lj:value ?v ; lj:unit ?unit .
        }""")
    assert sorted((r["v"], r["unit"]) for r in rows) == [(18, "家"), (50, "名"), (500, "户"), (1000, "名")]
    pair = kg.select("""
        SELECT ?r WHERE {
          ?r a lj:JointBuilding ; lj:relationKind relation:pairing ;
             lj:participant id:changning-agency-party-branches , id:changning-nursing-homes ;
             lj:mechanism mechanism:double-pairing .
        }""")
    assert len(pair) == 1
