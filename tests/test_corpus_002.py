"""Facts of source 002: the 2022 ten-year retrospective "非凡十年 | 長寧"
(changning-decade-2022), a Traditional-script article on the Cohesion Project,
its museum, the secretary studios, social organisations, whole-process
people's democracy and urban renewal in Changning District."""

import pytest


ID = "https://w3id.org/lianjian/id/"


@pytest.fixture(scope="module")
def kg(bundled_kg):
    return bundled_kg


def test_cohesion_museum_opened_october_2013(kg):
    # "10月,長寧建成了以上海基層黨建為主題的上海凝聚力工程博物館" (after "2013年,…")
    rows = kg.select("""
        SELECT DISTINCT ?date WHERE {
            ?e a lj:Opening ;
               lj:involves id:shanghai-cohesion-project-museum ;
               dcterms:date ?date ;
               lj:evidence/dcterms:source source:changning-decade-2022 .
        }""")
    assert [str(r["date"]) for r in rows] == ["2013-10"]


def test_four_studios_and_ten_streets_are_one_signing_in_october_2022(kg):
    # "2022年10月,俞靜、萍聚、雅玉、零距離工作室……又創新推出了多項定制賦能項目,與長寧10個街鎮簽約結對"
    # One sentence, one statement (codebook R5): one relationship with all five participants.
    rows = kg.select("""
        SELECT ?rel ?kind ?start (GROUP_CONCAT(DISTINCT STRAFTER(STR(?p), STR(id:)); separator=" ") AS ?ps) WHERE {
            ?rel a lj:JointBuilding ;
                 lj:participant id:changning-ten-streets-and-towns , ?p ;
                 lj:relationKind ?kind ;
                 lj:startDate ?start ;
                 lj:evidence/dcterms:source source:changning-decade-2022 .
        } GROUP BY ?rel ?kind ?start""")
    assert [(r["rel"], r["kind"], str(r["start"]), sorted(r["ps"].split())) for r in rows] == [(
        ID + "changning-four-studios-ten-streets-pairing-2022",
        "https://w3id.org/lianjian/vocab/relation/signing",
        "2022-10",
        sorted(["changning-yujing-secretary-studio", "changning-pingju-secretary-studio",
                "changning-yayu-secretary-studio", "changning-lingjuli-secretary-studio",
                "changning-ten-streets-and-towns"]),
    )]


def test_no_relationship_ties_studios_to_each_other_alone(kg):
    # The four studios act together toward the streets; the text states no tie among the studios
    # themselves, so every relationship of 002 with two studios also has a non-studio participant.
    rows = kg.select("""
        SELECT DISTINCT ?rel WHERE {
            ?rel a lj:JointBuilding ;
                 lj:participant ?a , ?b ;
                 lj:evidence/dcterms:source source:changning-decade-2022 .
            ?a a lj:Studio . ?b a lj:Studio . FILTER(?a != ?b)
            FILTER NOT EXISTS { ?rel lj:participant ?c . FILTER NOT EXISTS { ?c a lj:Studio } }
        }""")
    assert rows == []


def test_zhang_longyun_founded_lingjuli_studio_and_led_huaiyin_branch(kg):
    # "工作室創始人、原新涇鎮淮陰居民區黨總支書記張龍云"
    rows = kg.select("""
        SELECT DISTINCT ?org WHERE {
            ?p a lj:Person ;
               rdfs:label "张龙云"@zh-Hans ;
               org:holds/org:postIn ?org .
        }""")
    assert {r["org"] for r in rows} == {
        ID + "changning-lingjuli-secretary-studio",
        ID + "xinjing-huaiyin-party-general-branch",
    }


def test_hongqiao_contact_point_belongs_to_npc_legislative_affairs_commission(kg):
    # "在虹橋街道的全國人大常委會法工委基層立法點"
    rows = kg.select("""
        SELECT ?parent ?area WHERE {
            id:hongqiao-grassroots-legislative-contact-point org:subOrganizationOf ?parent ;
                lj:locatedIn ?area .
        }""")
    assert [(r["parent"], r["area"]) for r in rows] == [
        (ID + "npc-legislative-affairs-commission", ID + "hongqiao-street")
    ]


def test_national_contact_point_had_112_suggestions_adopted(kg):
    # "上報建議1400條,112條被采納"
    rows = kg.select("""
        SELECT ?value WHERE {
            ?o a lj:Observation ;
               lj:observedEntity id:hongqiao-grassroots-legislative-contact-point ;
               lj:value ?value ;
               lj:unit "条" ;
               rdfs:label "被采纳建议条数"@zh-Hans ;
               lj:evidence/dcterms:source source:changning-decade-2022 .
        }""")
    assert [float(r["value"]) for r in rows] == [112.0]


def test_changning_has_796_district_level_social_organisations(kg):
    # "……夢曉心理輔導支持中心等796家區級社會組織、316家社區社會組織"
    rows = kg.select("""
        SELECT ?value WHERE {
            ?o a lj:Observation ;
               lj:observedEntity id:changning-district ;
               lj:value ?value ;
               lj:unit "家" ;
               rdfs:label "区级社会组织数"@zh-Hans ;
               lj:evidence/dcterms:source source:changning-decade-2022 .
        }""")
    assert [float(r["value"]) for r in rows] == [796.0]


def test_lift_hearing_sits_under_whole_process_democracy(kg):
    # "形成了征詢會、聽證會等六大會議協商機制" … "在全過程人民民主中推動民生福祉"
    rows = kg.select("""
        SELECT ?parent WHERE {
            mechanism:hongqiao-lift-hearing skos:broader ?parent .
            ?parent skos:broader+ mechanism:whole-process-democracy .
        }""")
    assert [r["parent"] for r in rows] == [
        "https://w3id.org/lianjian/vocab/mechanism/hongqiao-lift-six-meetings"
    ]


def test_dayu_convened_foreign_lane_committee_at_xinhua_villas(kg):
    # "大魚社區營造發展中心組織多場共創工作坊的研討……并成立了“外國弄堂”共治委員會"
    rows = kg.select("""
        SELECT ?leader ?street WHERE {
            id:xinhua-foreign-lane-co-governance-committee a lj:CoGovernanceCommittee ;
                lj:ledBy ?leader ;
                lj:locatedIn ?villas .
            ?villas lj:withinArea ?street .
        }""")
    assert [(r["leader"], r["street"]) for r in rows] == [
        (ID + "changning-dayu-community-building-centre", ID + "xinhua-road-street")
    ]


def test_yu_jing_leads_her_studio_only_by_inference(kg):
    # "俞靜、萍聚、雅玉、零距離工作室" names the studio, not its leader (codebook R8).
    rows = kg.select("""
        SELECT ?leader ?reason WHERE {
            id:changning-yujing-secretary-studio lj:ledBy ?leader .
            ?st a rdf:Statement ; rdf:subject id:changning-yujing-secretary-studio ;
                rdf:predicate lj:ledBy ; rdf:object ?leader ;
                lj:basis "inferred" ; lj:basisReason ?reason .
        }""")
    assert [(r["leader"], "俞靜工作室" in str(r["reason"])) for r in rows] == [(ID + "changning-yu-jing", True)]


def test_zhang_longyun_posts_are_stated(kg):
    # "工作室創始人、原新涇鎮淮陰居民區黨總支書記張龍云" says both posts.
    rows = kg.select("""
        SELECT ?org ?basis WHERE {
            ?p rdfs:label "张龙云"@zh-Hans ; org:holds ?post .
            ?post org:postIn ?org ; lj:basis ?basis .
        } ORDER BY ?org""")
    assert [(r["org"], str(r["basis"])) for r in rows] == [
        (ID + "changning-lingjuli-secretary-studio", "stated"),
        (ID + "xinjing-huaiyin-party-general-branch", "stated"),
    ]


def test_committee_and_design_company_tie_is_inferred_with_reason(kg):
    # "一年多的修繕和改造,在群體代表多方參與和專業設計公司共同磨合下,最終確定了……設計方案":
    # the text names the group representatives; reading them as the committee is the curator's.
    rows = kg.select("""
        SELECT ?kind ?basis ?reason WHERE {
            ?rel a lj:JointBuilding ;
                 lj:participant id:xinhua-foreign-lane-co-governance-committee , id:xinhua-villas-design-company ;
                 lj:relationKind ?kind ; lj:basis ?basis ; lj:basisReason ?reason .
        }""")
    assert [(r["kind"], str(r["basis"]), "群體代表" in str(r["reason"])) for r in rows] == [
        ("https://w3id.org/lianjian/vocab/relation/co-building", "inferred", True)
    ]


def test_acting_areas_of_002_have_a_sector(kg):
    # "與長寧10個街鎮簽約結對"; "新華路街道“一街一品”項目……大魚社區營造發展中心組織多場共創工作坊";
    # "樓組長……請代建方從專業的角度重新規劃了通風方案": areas that act take the sector of their body (R7).
    rows = kg.select("""
        SELECT ?area ?sector WHERE {
            VALUES ?area { id:changning-ten-streets-and-towns id:xinhua-road-street id:hongqiao-aijian-building-28 }
            ?area lj:sector ?sector .
        } ORDER BY ?area""")
    assert [(r["area"], r["sector"]) for r in rows] == [
        (ID + a, "https://w3id.org/lianjian/vocab/sector/community")
        for a in ("changning-ten-streets-and-towns", "hongqiao-aijian-building-28", "xinhua-road-street")
    ]


def test_social_organisations_co_govern_as_one_statement(kg):
    # "越來越多的社會第三方組織也參與到共治中來。大魚社區營造發展中心、勞動爭議志愿者聯盟、張劼法律工作室、
    # 夢曉心理輔導支持中心等796家區級社會組織……在社區改造、街區營造、矛盾調處中積極作為"
    rows = kg.select("""
        SELECT ?rel (GROUP_CONCAT(DISTINCT STRAFTER(STR(?p), STR(id:)); separator=" ") AS ?ps) WHERE {
            ?rel a lj:JointBuilding ; lj:relationKind relation:co-governance ;
                 lj:participant id:changning-mengxiao-counselling-centre , ?p ;
                 lj:evidence/dcterms:source source:changning-decade-2022 .
        } GROUP BY ?rel""")
    assert [(r["rel"], sorted(r["ps"].split())) for r in rows] == [(
        ID + "changning-social-organisations-community-co-governance",
        sorted(["changning-dayu-community-building-centre", "changning-labour-dispute-volunteer-alliance",
                "changning-zhang-jie-legal-studio", "changning-mengxiao-counselling-centre", "changning-communities"]),
    )]


def test_party_spirit_base_title_is_an_award_event_not_a_tie(kg):
    # "社會反響良好,被中央組織部列為全國黨性教育基地": a title (codebook R3); the text gives no date,
    # so the event carries the written year as an inferred date.
    rows = kg.select("""
        SELECT ?e ?date ?reason WHERE {
            ?e a lj:Award ; lj:involves id:central-organization-department , id:shanghai-cohesion-project-museum ;
               dcterms:date ?date .
            ?st rdf:subject ?e ; rdf:predicate dcterms:date ; lj:basis "inferred" ; lj:basisReason ?reason .
        }""")
    assert [(r["e"], str(r["date"])) for r in rows] == [(ID + "cohesion-museum-party-spirit-base-designation", "2022")]
    ties = kg.select("""
        SELECT ?rel WHERE {
            ?rel a lj:JointBuilding ; lj:participant id:central-organization-department , id:shanghai-cohesion-project-museum .
        }""")
    assert ties == []


def test_district_cultivating_studios_is_its_programme_not_a_tie(kg):
    # "長寧積極培育打造了包括零距離工作室在內的一批優秀書記工作室"
    rows = kg.select("""
        SELECT ?init ?leader WHERE {
            id:changning-lingjuli-secretary-studio lj:initiative ?init .
            ?init lj:ledBy ?leader .
        }""")
    assert [(r["init"], r["leader"]) for r in rows] == [
        (ID + "changning-secretary-studio-cultivation", ID + "changning-district")
    ]
    ties = kg.select("""
        SELECT ?rel WHERE {
            ?rel a lj:JointBuilding ; lj:participant id:changning-district ;
                 lj:evidence/dcterms:source source:changning-decade-2022 .
        }""")
    assert ties == []


def test_line_of_command_and_locations_are_not_ties(kg):
    # "在虹橋街道的全國人大常委會法工委基層立法點" (the point belongs to the commission);
    # "建成1個區中心、10個街鎮分中心、185個居民區實踐站" (three levels of one network);
    # "新華路街道“一街一品”項目在……新華別墅落地" (the street's project in its own estate).
    rows = kg.select("""
        SELECT ?rel WHERE {
            VALUES (?a ?b) {
                (id:npc-legislative-affairs-commission id:hongqiao-grassroots-legislative-contact-point)
                (id:changning-civilization-practice-centre id:changning-ten-streets-and-towns)
                (id:xinhua-road-street id:xinhua-villas)
                (id:hongqiao-grassroots-legislative-contact-point id:hongqiao-street)
            }
            ?rel a lj:JointBuilding ; lj:participant ?a , ?b .
        }""")
    assert rows == []


def test_observation_bounds_follow_their_quotes(kg):
    # "培訓帶教各類黨務工作者近萬人" (近: at most); "凝博館共接待了海內外觀眾141萬余人次" (余: at least);
    # "惠及近10萬戶群眾" (近); "宣告百年中山公園……" (a figure of speech).
    rows = kg.select("""
        SELECT ?subject ?value ?bound ?rhetorical WHERE {
            ?o a lj:Observation ; lj:observedEntity ?subject ; lj:value ?value ; lj:bound ?bound ;
               lj:evidence/dcterms:source source:changning-decade-2022 .
            OPTIONAL { ?o lj:rhetorical ?rhetorical }
            VALUES ?subject { id:changning-party-affairs-workers id:shanghai-cohesion-project-museum
                              id:changning-boutique-estate-construction id:changning-zhongshan-park }
            FILTER(?bound != "exact" || BOUND(?rhetorical))
        } ORDER BY ?subject ?value""")
    assert [(r["subject"].rsplit("/", 1)[1], float(r["value"]), str(r["bound"]), bool(r.get("rhetorical")))
            for r in rows] == [
        ("changning-boutique-estate-construction", 10.0, "at-most", False),
        ("changning-party-affairs-workers", 10000.0, "at-most", False),
        ("changning-zhongshan-park", 100.0, "about", True),
        ("shanghai-cohesion-project-museum", 141.0, "at-least", False),
    ]


def test_every_observation_of_002_is_as_of_the_written_year(kg):
    # The text is undated; its latest date is "2022年10月" and "今年疫情抗擊戰" is 2022 (codebook R9).
    rows = kg.select("""
        SELECT ?year (COUNT(?o) AS ?n) WHERE {
            ?o a lj:Observation ; lj:evidence/dcterms:source source:changning-decade-2022 .
            OPTIONAL { ?o lj:asOf ?y }
            BIND(COALESCE(STR(?y), "none") AS ?year)
        } GROUP BY ?year""")
    assert [(str(r["year"]), int(r["n"])) for r in rows] == [("2022", 31)]
    written = kg.select("SELECT ?y WHERE { source:changning-decade-2022 lj:writtenIn ?y }")
    assert [str(r["y"]) for r in written] == ["2022"]
