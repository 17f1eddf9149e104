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
               lj:value ?v ; lj:unit "万平方米" ; lj:asOf ?y .
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


# --- Re-annotation to the codebook (issue 12) ---------------------------------

SRC = "source:pudong-daju-2015"


def test_every_relationship_has_a_sector_at_both_ends(kg):
    # 以及三林、曹路、惠南、周浦、航头等镇 … : the towns act in the conference and in two-way service
    # with no acting body named, so the town areas carry the sector of the town (codebook R7).
    rows = kg.select("""
        SELECT ?rel (SUM(IF(BOUND(?s), 0, 1)) AS ?bare) WHERE {
            { SELECT DISTINCT ?rel ?p WHERE {
                ?rel a lj:JointBuilding ; lj:participant ?p ; lj:evidence/dcterms:source %s . } }
            OPTIONAL { ?p lj:sector ?s }
        } GROUP BY ?rel""" % SRC)
    assert len(rows) == 21
    assert [r["rel"] for r in rows if int(r["bare"]) > 0] == []


def test_pudong_towns_carry_community_and_rural_sectors(kg):
    rows = kg.select("""
        SELECT ?label ?sector WHERE {
            id:pudong-daju-joint-conference org:hasMember ?t .
            ?t a lj:Town ; rdfs:label ?label ; lj:sector ?sector .
            FILTER(langMatches(lang(?label), "zh-Hans"))
        }""")
    sectors = {}
    for r in rows:
        sectors.setdefault(r["label"], set()).add(r["sector"].rsplit("/", 1)[-1])
    assert sectors == {t: {"community", "rural"} for t in ("三林镇", "曹路镇", "惠南镇", "周浦镇", "航头镇")}


def test_agreement_requirement_is_an_initiative_not_five_signings(kg):
    # 按照“大居”基地建设单位与所在镇签订党建联建责任双向协议书的要求 — a requirement naming no town (R4)
    rows = kg.select("""
        SELECT DISTINCT ?rel WHERE {
            ?rel a lj:JointBuilding ; lj:relationKind relation:signing ;
                 lj:evidence/dcterms:source %s . }""" % SRC)
    assert rows == []
    rows = kg.select("""
        SELECT ?whole WHERE {
            id:pudong-daju-two-way-agreement-requirement a lj:InitiativeComponent ;
                dcterms:isPartOf ?whole ;
                lj:mechanism mechanism:pudong-daju-two-way-responsibility-agreement .
        }""")
    assert [r["whole"] for r in rows] == [ID + "pudong-ctc-function-two-way-service"]


def test_town_service_is_inferred_with_its_reason(kg):
    # 一方面镇为工地建设者提供社区资源开放式服务 — says only 镇
    rows = kg.select("""
        SELECT ?reason (COUNT(DISTINCT ?t) AS ?towns) WHERE {
            ?rel a lj:JointBuilding ; lj:basis "inferred" ; lj:basisReason ?reason ;
                 lj:mechanism mechanism:pudong-open-community-resource-service ;
                 lj:participant ?t .
            ?t a lj:Town .
        } GROUP BY ?reason""")
    assert len(rows) == 1 and int(rows[0]["towns"]) == 5
    assert "镇" in rows[0]["reason"]


def test_downward_linkage_is_line_of_command_not_a_tie(kg):
    # 即与直属住房保障中心、房屋征收事务中心、物业管理中心等事业单位联动 — the centres are the commission's own (R2)
    centres = ["pudong-housing-security-centre", "pudong-housing-expropriation-centre",
               "pudong-property-management-centre"]
    rows = kg.select("""
        SELECT ?c WHERE { ?c lj:under id:pudong-construction-transport-commission . }""")
    assert sorted(r["c"] for r in rows) == sorted(ID + c for c in centres)
    rows = kg.select("""
        SELECT DISTINCT ?rel WHERE {
            ?rel a lj:JointBuilding ; lj:participant ?c .
            ?c lj:under id:pudong-construction-transport-commission .
        }""")
    assert rows == []
    # two of the three under-links are read from 直属 at the head of the list: inferred, with the reason
    rows = kg.select("""
        SELECT ?c WHERE {
            ?st a rdf:Statement ; rdf:subject ?c ; rdf:predicate lj:under ;
                rdf:object id:pudong-construction-transport-commission ; lj:basis "inferred" ;
                lj:basisReason ?reason .
        }""")
    assert sorted(r["c"] for r in rows) == sorted(ID + c for c in centres[1:])


def test_upward_linkage_is_one_relationship(kg):
    # 即与市建设交通工作党委、市建管委、市交通委、市房管局、市住宅建设发展中心联动 — one sentence, one tie (R5)
    rows = kg.select("""
        SELECT ?rel (COUNT(DISTINCT ?p) AS ?n) WHERE {
            ?rel a lj:JointBuilding ; lj:mechanism mechanism:vertical-linkage ; lj:participant ?p ;
                 lj:evidence/dcterms:source %s .
        } GROUP BY ?rel""" % SRC)
    assert [int(r["n"]) for r in rows] == [6]


def test_division_focus_shift_is_the_party_committees_initiative(kg):
    # 浦东新区建交委机关党委又积极推动机关处室党组织工作重点下移 — command within one party line, not guidance
    rows = kg.select("""
        SELECT ?rel WHERE {
            ?rel a lj:JointBuilding ; lj:participant id:pudong-ctc-agency-party-committee . }""")
    assert rows == []
    rows = kg.select("""
        SELECT ?leader WHERE {
            id:pudong-ctc-division-work-focus-downward lj:ledBy ?leader ;
                lj:mechanism mechanism:pudong-agency-work-focus-downward . }""")
    assert [r["leader"] for r in rows] == [ID + "pudong-ctc-agency-party-committee"]


def test_vague_counts_are_lower_bounds_dated_to_the_written_year(kg):
    # 10余类100余项 (2013年上半年); 两年多来 … 100多个具体难题 (written 2014)
    rows = kg.select("""
        SELECT ?v ?unit ?bound ?y WHERE {
            ?o a lj:Observation ; lj:value ?v ; lj:unit ?unit ; lj:bound ?bound ; lj:asOf ?y ;
               lj:evidence/dcterms:source %s .
            FILTER(?bound != "exact")
        }""" % SRC)
    assert sorted((float(r["v"]), r["unit"], r["bound"], str(r["y"])) for r in rows) == [
        (2.0, "年", "at-least", "2014"), (10.0, "类", "at-least", "2013"),
        (100.0, "个", "at-least", "2014"), (100.0, "项", "at-least", "2013")]


def test_written_year_from_internal_evidence(kg):
    # 2014年已完成39项“大居”内配套项目 — the latest figures; published 2015-06-26
    rows = kg.select("""
        SELECT ?w ?d WHERE { %s lj:writtenIn ?w ; dcterms:date ?d . }""" % SRC)
    assert [(str(r["w"]), str(r["d"])) for r in rows] == [("2014", "2015-06-26")]


def test_editor_post_is_inferred(kg):
    # 责任编辑:刘 捷 — the line does not name the journal
    rows = kg.select("""
        SELECT ?org ?basis WHERE {
            id:liu-jie-shanghai-party-history-editor org:holds ?post .
            ?post org:postIn ?org ; lj:basis ?basis .
        }""")
    assert [(r["org"], r["basis"]) for r in rows] == [
        (ID + "shanghai-party-history-party-building-journal", "inferred")]


def test_conference_membership_is_its_members_not_a_relationship_per_member(kg):
    # 由区“大居”建设推进办公室、区委组织部、区建交委和市、区相关职能部门,以及三林…等镇,“大居”基地建设单位组成的
    # 区党建联建联席会议机构 — one joint body with members (R5); the sentence's joint building is one n-ary tie
    rows = kg.select("""
        SELECT DISTINCT ?rel WHERE {
            ?rel a lj:JointBuilding ; lj:relationKind relation:membership ;
                 lj:evidence/dcterms:source %s . }""" % SRC)
    assert rows == []
    rows = kg.select("""
        SELECT ?rel (COUNT(DISTINCT ?p) AS ?n) WHERE {
            ?rel a lj:JointBuilding ; lj:relationKind relation:joint-building ;
                 lj:mechanism mechanism:joint-conference ; lj:participant ?p .
            id:pudong-daju-joint-conference org:hasMember ?p .
        } GROUP BY ?rel""")
    assert [int(r["n"]) for r in rows] == [10]
