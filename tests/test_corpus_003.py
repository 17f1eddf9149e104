"""Facts of source 003: the 2015 article in 上海党史与党建 on the Pudong New Area
Construction and Transportation Commission's agency party building inside the
large-residential-community (大居) joint-building mechanism (pudong-daju-2015)."""

import pytest


ID = "https://w3id.org/lianjian/id/"
MECH = "https://w3id.org/lianjian/vocab/mechanism/"


@pytest.fixture(scope="module")
def kg(bundled_kg):
    return bundled_kg


def test_daju_joint_conference_member_towns(kg):
    # 以及三林、曹路、惠南、周浦、航头等镇,“大居”基地建设单位组成的区党建联建联席会议机构
    rows = kg.select("""
        SELECT ?label WHERE {
            id:pudong-daju-joint-conference a lj:JointConference ;
                org:hasMember ?m .
            ?m a lj:Town ; rdfs:label ?label .
            FILTER(langMatches(lang(?label), "zh-Hans"))
        }""")
    assert {r["label"] for r in rows} == {"三林镇", "曹路镇", "惠南镇", "周浦镇", "航头镇"}


def test_daju_joint_conference_includes_commission_and_organization_department(kg):
    rows = kg.select("""
        SELECT ?m WHERE { id:pudong-daju-joint-conference org:hasMember ?m . }""")
    members = {r["m"] for r in rows}
    assert {ID + "pudong-construction-transport-commission",
            ID + "pudong-organization-department",
            ID + "pudong-daju-construction-promotion-office"} <= members
    assert len(members) == 10


def test_commission_links_with_yide_community_party_committee(kg):
    # 在上海保障性住房示范性基地——三林“大居”基地,与三林镇懿德社区党委联动
    rows = kg.select("""
        SELECT ?kind WHERE {
            ?rel a lj:JointBuilding ;
                 lj:relationKind ?kind ;
                 lj:mechanism mechanism:joint-conference ;
                 lj:participant id:pudong-construction-transport-commission ,
                                id:pudong-sanlin-yide-community-party-committee .
        }""")
    assert [r["kind"] for r in rows] == ["https://w3id.org/lianjian/vocab/relation/linkage"]


def test_jingao_bus_and_caolu_party_committee_start_july_2013(kg):
    # 2013年7月 … 浦东金高公交公司与曹路镇党委举办曹路地区公交规划“新视点”推介会
    rows = kg.select("""
        SELECT ?start WHERE {
            ?rel a lj:JointBuilding ;
                 lj:relationKind relation:co-building ;
                 lj:participant id:pudong-jingao-bus-company , id:pudong-caolu-town-party-committee ;
                 lj:startDate ?start .
        }""")
    assert [str(r["start"]) for r in rows] == ["2013-07"]


def test_upward_linkage_partners_of_the_commission(kg):
    # 即与市建设交通工作党委、市建管委、市交通委、市房管局、市住宅建设发展中心联动
    rows = kg.select("""
        SELECT DISTINCT ?other WHERE {
            ?rel a lj:JointBuilding ;
                 lj:mechanism mechanism:vertical-linkage ;
                 lj:participant id:pudong-construction-transport-commission , ?other .
            ?other lj:locatedIn id:shanghai .
        }""")
    assert {r["other"] for r in rows} == {
        ID + "shanghai-construction-transport-work-party-committee",
        ID + "shanghai-urban-rural-construction-management-commission",
        ID + "shanghai-transport-commission",
        ID + "shanghai-housing-administration-bureau",
        ID + "shanghai-housing-construction-development-centre",
    }


def test_actual_daju_completion_2012(kg):
    # 提前超额完成169万平方米竣工量,实际竣工269万平方米
    rows = kg.select("""
        SELECT ?v ?y WHERE {
            ?o a lj:Observation ;
               lj:observedEntity id:pudong-daju-construction ;
               lj:value ?v ; lj:unit "万平方米" ; lj:year ?y .
        }""")
    by_value = {float(r["v"]): str(r["y"]) for r in rows}
    assert by_value[269.0] == "2012"
    assert max(v for v, y in by_value.items() if y == "2012") == 269.0


def test_temporary_branch_of_promotion_office(kg):
    # “大居”建设推进办临时党支部
    rows = kg.select("""
        SELECT ?unit WHERE {
            ?b a lj:TemporaryPartyBranch ;
               rdfs:label "“大居”建设推进办临时党支部"@zh-Hans ;
               lj:partyOrganizationOf ?unit .
        }""")
    assert [r["unit"] for r in rows] == [ID + "pudong-daju-construction-promotion-office"]


def test_daju_supporting_systems_sit_under_regional_party_building(kg):
    # “大居”党建联建工作机制,作为区域化党建的一种形式 … 信息沟通制度
    rows = kg.select("""
        SELECT ?b WHERE { mechanism:pudong-daju-information-communication-system skos:broader ?b . }""")
    assert [r["b"] for r in rows] == [MECH + "pudong-daju-joint-building-mechanism"]
    rows = kg.select("""
        SELECT ?top WHERE { mechanism:pudong-daju-joint-building-mechanism skos:broader ?top . }""")
    assert [r["top"] for r in rows] == [MECH + "regional-party-building"]
