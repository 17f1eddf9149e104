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


# --- re-annotation to the codebook (issue 12) ---------------------------------------------

SRC = "https://w3id.org/lianjian/source/huating-six-systems"


def test_report_is_dated_by_when_it_was_written(kg):
    # 上海会议强调,要充分发挥街道社区党组织的领导核心作用 (the Shanghai meeting of July 2017);
    # the text still says 华亭县 (a county-level city from 2018): written 2017, no publication date
    rows = kg.select("""
        SELECT ?written ?date WHERE {
            source:huating-six-systems lj:writtenIn ?written ; lj:writtenEvidence ?why .
            OPTIONAL { source:huating-six-systems dcterms:date ?date }
            FILTER(CONTAINS(?why, "上海会议强调"))
        }""")
    assert [(str(r["written"]), r.get("date")) for r in rows] == [("2017", None)]


def test_counts_are_as_of_the_written_year(kg):
    # 城镇化指数增涨到了58.9%: no year stated, so the figure is as of the written year
    rows = kg.select("""
        SELECT ?asof WHERE {
            ?o a lj:Observation ; lj:observedEntity id:huating-county ; lj:unit "%" ;
               lj:value ?v ; lj:asOf ?asof .
        }""")
    assert [str(r["asof"]) for r in rows] == ["2017"]
    years = kg.select("""
        SELECT DISTINCT ?asof WHERE {
            ?o a lj:Observation ; prov:wasDerivedFrom source:huating-six-systems ; lj:asOf ?asof .
        }""")
    assert [str(r["asof"]) for r in years] == ["2017"]


def test_bounds_follow_the_quantity_words(kg):
    # 共同培育文化骨干260多人 (at least); 累计投入财政资金近1000万元 (at most);
    # 近3年来 is "over the last three years" (exact)
    rows = kg.select("""
        SELECT ?unit ?v ?bound WHERE {
            ?o a lj:Observation ; prov:wasDerivedFrom source:huating-six-systems ;
               lj:value ?v ; lj:unit ?unit ; lj:bound ?bound .
            FILTER(?bound != "exact" || (?unit = "年" && ?v = 3))
        } ORDER BY ?unit ?v""")
    assert {(r["unit"], float(r["v"]), r["bound"]) for r in rows} == {
        ("%", 66.67, "about"),            # 解放社区三分之二的工作力量
        ("万元", 1000.0, "at-most"),      # 累计投入财政资金近1000万元
        ("人", 260.0, "at-least"),        # 共同培育文化骨干260多人
        ("场次", 70.0, "at-least"),       # “六进”宣讲活动70多场次
        ("场次", 40.0, "at-least"),       # 文体活动40多场次
        ("年", 3.0, "exact"),             # 近3年来
    }


def test_leading_group_is_a_leading_group_of_the_county_committee(kg):
    # 县委先后4次召开常委会…成立城市基层党建工作领导小组
    rows = kg.select("""
        SELECT ?kind ?parent WHERE {
            id:huating-urban-party-building-leading-group a ?kind ; org:subOrganizationOf ?parent .
            FILTER(?kind IN (lj:LeadingGroup, lj:PartyDepartment))
        }""")
    assert [(r["kind"], r["parent"]) for r in rows] == [
        ("https://w3id.org/lianjian/ontology#LeadingGroup", ID + "huating-county-committee")]


def test_resident_units_are_typed_as_the_corpus_types_units_in_an_area(kg):
    # 驻区单位 (机关企事业单位): one kind for the category, as 社区单位 in document 000
    rows = kg.select("""
        SELECT ?x WHERE {
            VALUES ?x { id:huating-resident-units id:changning-community-units }
            ?x a lj:Enterprise .
            FILTER NOT EXISTS { ?x a lj:GovernmentAgency }
        }""")
    assert {r["x"] for r in rows} == {ID + "huating-resident-units", ID + "changning-community-units"}


def test_line_of_command_is_hierarchy_not_joint_building(kg):
    # 建立县、街道、社区三级城市基层党建工作构架; 在县委的具体指导和强力推进下 —
    # county committee → urban working committee → community party organisations is a chain
    chain = kg.select("""
        SELECT ?why WHERE {
            id:huating-community-party-organisations org:subOrganizationOf
                id:huating-urban-community-party-working-committee .
            id:huating-urban-community-party-working-committee org:subOrganizationOf id:huating-county-committee .
            ?s a rdf:Statement ; rdf:subject id:huating-urban-community-party-working-committee ;
               rdf:predicate org:subOrganizationOf ; lj:basis "inferred" ; lj:basisReason ?why .
        }""")
    assert len(chain) == 1 and "三级" in chain[0]["why"]
    ties = kg.select("""
        SELECT ?rel ?kind WHERE {
            ?rel a lj:JointBuilding ; prov:wasDerivedFrom source:huating-six-systems ;
                 lj:relationKind ?kind ; lj:participant ?a, ?b .
            ?a (org:subOrganizationOf|lj:under)+ ?b .
        }""")
    assert ties == []
    county = kg.select("""
        SELECT ?rel WHERE {
            ?rel a lj:JointBuilding ; prov:wasDerivedFrom source:huating-six-systems ;
                 lj:participant id:huating-county-committee .
        }""")
    assert county == []


def test_three_level_conference_members_are_inferred_from_its_name(kg):
    # 华亭县优先建立了县、街道、社区三级联席会议: one joint body, not a relationship among the levels
    rows = kg.select("""
        SELECT ?why WHERE {
            ?s a rdf:Statement ; rdf:subject id:huating-three-level-joint-conference ;
               rdf:predicate org:hasMember ; rdf:object ?m ; lj:basis "inferred" ; lj:basisReason ?why .
        }""".replace("?why WHERE", "?m ?why WHERE"))
    assert {r["m"] for r in rows} == {ID + "huating-county-committee",
                                      ID + "huating-urban-community-party-working-committee",
                                      ID + "huating-community-party-organisations"}
    assert all("三级联席会议" in r["why"] for r in rows)
    assert kg.select("""
        SELECT ?rel WHERE { ?rel a lj:JointBuilding ; lj:participant id:huating-county-committee . }""") == []


def test_one_sentence_one_relationship_for_contract_co_building(kg):
    # 与驻区单位党组织建立利益联结机制,开展“契约化”共建,健全需求清单、资源清单、项目清单,落实双向认领、双向服务
    rows = kg.select("""
        SELECT ?rel (COUNT(DISTINCT ?m) AS ?n) WHERE {
            ?rel a lj:JointBuilding ; prov:wasDerivedFrom source:huating-six-systems ;
                 lj:participant id:huating-community-party-organisations ,
                                id:huating-resident-unit-party-organisations ;
                 lj:mechanism ?m .
            FILTER EXISTS { ?rel lj:mechanism mechanism:huating-interest-linkage }
        } GROUP BY ?rel""")
    assert [(r["rel"], int(r["n"])) for r in rows] == [(ID + "huating-contract-co-building", 7)]
    assert kg.select("""
        SELECT ?rel WHERE { ?rel lj:mechanism mechanism:two-way-service , mechanism:huating-two-way-claiming ;
                                 lj:relationKind relation:co-building ;
                                 prov:wasDerivedFrom source:huating-six-systems . }""") == [
        {"rel": ID + "huating-contract-co-building"}]


def test_inferred_tie_names_what_it_is_inferred_from(kg):
    # 定期联合开展党性实践活动,切实把各领域党员凝聚在了党组织周围 (the partners are not named)
    rows = kg.select("""
        SELECT ?rel ?why WHERE {
            ?rel a lj:JointBuilding ; lj:initiative id:huating-joint-party-spirit-practice ;
                 lj:basis "inferred" ; lj:basisReason ?why .
        }""")
    assert [r["rel"] for r in rows] == [ID + "huating-joint-party-spirit-practice-link"]
    assert "各领域" in rows[0]["why"]
    stated = kg.select("""
        SELECT ?basis WHERE { id:huating-featured-activities-link lj:basis ?basis }""")
    assert stated == [{"basis": "stated"}]  # 由社区党组织牵头,协调驻区单位和文化团体、培训机构等人员


def test_acting_area_has_a_sector_and_every_tie_has_sectors_at_both_ends(kg):
    # 整合社区、学校、驻区单位阵地、设施、队伍等资源 — the communities act without a named body
    rows = kg.select("""
        SELECT ?s WHERE { id:huating-urban-communities a lj:Community ; lj:sector ?s . }""")
    assert [r["s"] for r in rows] == ["https://w3id.org/lianjian/vocab/sector/community"]
    missing = kg.select("""
        SELECT ?rel ?p WHERE {
            ?rel a lj:JointBuilding ; prov:wasDerivedFrom source:huating-six-systems ; lj:participant ?p .
            FILTER NOT EXISTS { ?p lj:sector ?s }
        }""")
    assert missing == []


def test_powers_granted_to_the_street_are_a_rule_not_a_tie(kg):
    # 赋予街道对职能部门派出机构负责人人事考核权…等7项权力
    rows = kg.select("""
        SELECT ?i WHERE { ?i a/rdfs:subClassOf* lj:Initiative ; lj:mechanism mechanism:huating-street-seven-powers . }""")
    assert [r["i"] for r in rows] == [ID + "huating-community-system-reform"]
    assert kg.select("""
        SELECT ?rel WHERE { ?rel a lj:JointBuilding ;
            lj:participant id:huating-urban-area . }""") == []


def test_county_guidance_of_secretaries_is_an_initiative_with_inferred_leader(kg):
    # 把社区党组织书记队伍建设纳入全县干部队伍人才队伍建设总体规划
    rows = kg.select("""
        SELECT ?why WHERE {
            id:huating-community-secretary-selection lj:ledBy id:huating-county-committee ;
                lj:mechanism mechanism:talent-pipeline .
            ?s a rdf:Statement ; rdf:subject id:huating-community-secretary-selection ;
               rdf:predicate lj:ledBy ; lj:basis "inferred" ; lj:basisReason ?why .
        }""")
    assert len(rows) == 1 and "总体规划" in rows[0]["why"]
    guidance = kg.select("""
        SELECT DISTINCT ?rel WHERE {
            ?rel a lj:JointBuilding ; prov:wasDerivedFrom source:huating-six-systems ;
                 lj:relationKind relation:guidance .
        }""")
    # left: supervision of bodies the reviewer does not lead — 将驻区单位党组织纳入社区党组织述职评议范围;
    # 组建城市基层党建工作常年督导组…加强驻区单位党组织共驻共建情况督查考核
    assert {r["rel"] for r in guidance} == {ID + "huating-units-reviewed-by-community",
                                            ID + "huating-supervision-group-inspects-units"}


def test_stations_belong_to_party_mass_co_building(kg):
    # 引导工会、共青团、妇联等组织开展党群共建活动,通过建立“创业驿站”“农民工之家”等功能站室
    rows = kg.select("""
        SELECT ?x WHERE { ?x lj:initiative id:huating-party-mass-co-building-activities ; a lj:ServiceCentre . }""")
    assert {r["x"] for r in rows} == {ID + "huating-entrepreneurship-stations", ID + "huating-migrant-workers-homes"}


def test_urban_committee_solved_new_sector_problems(kg):
    # 城市社区党工委…健全完善党建联席会议制度,研究解决新兴领域党建覆盖、“两新”党员教育管理等难题7个
    rows = kg.select("""
        SELECT ?v ?basis WHERE {
            ?o a lj:Observation ; lj:observedEntity id:huating-urban-community-party-working-committee ;
               lj:value ?v ; lj:basis ?basis ; rdfs:label "研究解决新兴领域党建覆盖、“两新”党员教育管理等难题数"@zh-Hans .
        }""")
    assert [(float(r["v"]), r["basis"]) for r in rows] == [(7.0, "stated")]


def test_county_guided_sentence_holds_one_co_building_tie(kg):
    # 在县委的具体指导和强力推进下,街道社区党组织与驻区单位党组织…广泛推行“契约化”共建模式,
    # 建立健全条块双向用力机制,通过组织联建、资源共享、双向服务等方式: one tie, no county guidance
    rows = kg.select("""
        SELECT ?rel ?kind ?p WHERE {
            ?rel a lj:JointBuilding ; lj:relationKind ?kind ; lj:participant ?p ;
                 lj:mechanism mechanism:huating-block-line-two-way-effort .
        }""")
    assert {(r["rel"], r["kind"], r["p"]) for r in rows} == {
        (ID + "huating-street-community-unit-joint-building", REL + "co-building", ID + "huating-community-party-organisations"),
        (ID + "huating-street-community-unit-joint-building", REL + "co-building", ID + "huating-resident-unit-party-organisations"),
    }
