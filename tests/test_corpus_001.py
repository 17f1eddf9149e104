"""Facts of source 001: the Huating County (Gansu) report 构建六大体系 推进六化建设 on
urban grassroots party building — three-level responsibility, the "one core, many
actors" organisation, the service, culture, personnel and institutional systems
(huating-six-systems)."""

import pytest


ID = "https://w3id.org/lianjian/id/"
MECH = "https://w3id.org/lianjian/vocab/mechanism/"
REL = "https://w3id.org/lianjian/vocab/relation/"


@pytest.fixture(scope="module")
def kg(bundled_kg):
    return bundled_kg


def test_three_level_joint_conference_members(kg):
    # 华亭县优先建立了县、街道、社区三级联席会议
    rows = kg.select("""
        SELECT ?m WHERE {
            id:huating-three-level-joint-conference a lj:JointConference ;
                org:hasMember ?m .
        }""")
    assert {r["m"] for r in rows} == {
        ID + "huating-county-committee",
        ID + "huating-urban-community-party-working-committee",
        ID + "huating-community-party-organisations",
    }


def test_party_hierarchy_county_street_community(kg):
    # 建立县、街道、社区三级城市基层党建工作构架
    rows = kg.select("""
        SELECT ?top WHERE {
            id:huating-community-party-organisations org:subOrganizationOf ?street .
            ?street a lj:PartyWorkingCommittee ; org:subOrganizationOf ?top .
        }""")
    assert [r["top"] for r in rows] == [ID + "huating-county-committee"]


def test_third_level_grid_count(kg):
    # 将街道社区划分为6个一级网格,25个二级网格,56个三级网格
    rows = kg.select("""
        SELECT ?v ?unit WHERE {
            ?o a lj:Observation ; lj:observedEntity id:huating-level-3-grids ;
               lj:value ?v ; lj:unit ?unit .
            id:huating-level-3-grids lj:withinArea id:huating-level-2-grids .
        }""")
    assert len(rows) == 1
    assert float(rows[0]["v"]) == 56
    assert rows[0]["unit"] == "个"


def test_county_population_and_area(kg):
    # 总面积1183平方公里,总人口19.03万人
    rows = kg.select("""
        SELECT ?unit ?v WHERE {
            ?o a lj:Observation ; lj:observedEntity id:huating-county ;
               lj:value ?v ; lj:unit ?unit .
            FILTER(?unit IN ("平方公里", "万人"))
        }""")
    values = {(r["unit"], float(r["v"])) for r in rows}
    assert ("平方公里", 1183.0) in values
    assert ("万人", 19.03) in values
    assert ("万人", 11.21) in values  # 城镇人口11.21万人


def test_one_list_mechanism_hierarchy(kg):
    # 二是推行项目化服务机制。建立“一单一库一函一评一表”服务机制
    rows = kg.select("""
        SELECT ?mid ?top ?label WHERE {
            ?m a lj:Mechanism ; skos:prefLabel ?label ; skos:broader ?mid .
            ?mid skos:broader ?top .
            FILTER(?label = "一单一库一函一评一表"@zh-Hans)
        }""")
    assert len(rows) == 1
    assert rows[0]["mid"] == MECH + "huating-project-based-service"
    assert rows[0]["top"] == MECH + "service"


def test_six_systems_and_six_izations(kg):
    # 着力构建六大体系、推进六化建设
    rows = kg.select("""
        SELECT ?label WHERE {
            ?c a lj:InitiativeComponent ;
               dcterms:isPartOf id:huating-six-systems-six-izations ;
               rdfs:label ?label .
            FILTER(langMatches(lang(?label), "zh-Hans"))
        }""")
    labels = {r["label"] for r in rows}
    assert len(labels) == 12
    assert {"一核多元的组织体系", "三级联动的责任体系", "务实管用的制度体系",
            "党建融合化", "治理一体化", "保障协同化"} <= labels


def test_concurrent_seats_link_urban_committee_and_two_new_committee(kg):
    # 城市党工委吸纳…“两新”组织党工委负责人担任兼职委员
    rows = kg.select("""
        SELECT DISTINCT ?kind WHERE {
            ?rel a lj:JointBuilding ; lj:relationKind ?kind ;
                 lj:mechanism mechanism:concurrent-seats ;
                 lj:participant id:huating-urban-community-party-working-committee ,
                                id:huating-two-new-organisations-party-working-committee .
        }""")
    assert [r["kind"] for r in rows] == [REL + "membership"]


def test_county_committee_issued_two_plans(kg):
    # 制定出台《华亭县城市基层党建示范引领行动推进方案》、《华亭县城市基层党建共驻共建活动实施方案》等文件
    rows = kg.select("""
        SELECT ?title WHERE {
            ?d a lj:PolicyDocument ; dcterms:creator id:huating-county-committee ;
               rdfs:label ?title .
            FILTER(langMatches(lang(?title), "zh-Hans"))
        }""")
    assert {r["title"] for r in rows} == {
        "华亭县城市基层党建示范引领行动推进方案",
        "华亭县城市基层党建共驻共建活动实施方案",
    }
