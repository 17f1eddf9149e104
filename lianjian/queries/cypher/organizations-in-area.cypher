// name: organizations-in-area
// title_zh: 区域内的组织
// title_en: Organisations inside an area
// description: Every organisation located in an area or in any area it contains (district → street → residential area, following lj:withinArea transitively), with the place it is located in, how many levels below the area that place is (0 = the area itself), and the organisation's kind.
// twin: organizations-in-area
// param: area (entity) = changning-district | the area to look inside
// column: place_kind_zh (class_zh)
// column: org_kind_zh (class_zh)
MATCH (a {id: $area})
MATCH path = (place)-[:WITHIN*0..30]->(a)
MATCH (org:Organization)-[:LOCATED_IN]->(place)
RETURN DISTINCT a.id AS area, length(path) AS level, place.id AS place, place.label_zh AS place_zh,
       place.class AS place_kind_zh, org.id AS org, org.label_zh AS org_zh, org.label_en AS org_en,
       org.class AS org_kind_zh
ORDER BY level, place_zh, place, org_kind_zh, org_zh, org

// variant: grand-cypher
// grand-cypher cannot measure a path: one UNION part per level, down to four levels below the area
// (deeper hop patterns get very slow in grand-cypher); it cannot return
// one property twice (hence coalesce(a.id, NULL)) and
// fails on RETURN DISTINCT with aliases, so UNION removes the duplicates.
MATCH (org:Organization)-[:LOCATED_IN]->(a {id: $area})
RETURN a.id AS area, coalesce(0, NULL) AS level, coalesce(a.id, NULL) AS place, a.label_zh AS place_zh,
       a.class AS place_kind_zh, org.id AS org, org.label_zh AS org_zh, org.label_en AS org_en, org.class AS org_kind_zh
UNION
MATCH (org:Organization)-[:LOCATED_IN]->(place)-[:WITHIN]->(a {id: $area})
RETURN a.id AS area, coalesce(1, NULL) AS level, place.id AS place, place.label_zh AS place_zh,
       place.class AS place_kind_zh, org.id AS org, org.label_zh AS org_zh, org.label_en AS org_en, org.class AS org_kind_zh
UNION
MATCH (org:Organization)-[:LOCATED_IN]->(place)-[:WITHIN*2..2]->(a {id: $area})
RETURN a.id AS area, coalesce(2, NULL) AS level, place.id AS place, place.label_zh AS place_zh,
       place.class AS place_kind_zh, org.id AS org, org.label_zh AS org_zh, org.label_en AS org_en, org.class AS org_kind_zh
UNION
MATCH (org:Organization)-[:LOCATED_IN]->(place)-[:WITHIN*3..3]->(a {id: $area})
RETURN a.id AS area, coalesce(3, NULL) AS level, place.id AS place, place.label_zh AS place_zh,
       place.class AS place_kind_zh, org.id AS org, org.label_zh AS org_zh, org.label_en AS org_en, org.class AS org_kind_zh
UNION
MATCH (org:Organization)-[:LOCATED_IN]->(place)-[:WITHIN*4..4]->(a {id: $area})
RETURN a.id AS area, coalesce(4, NULL) AS level, place.id AS place, place.label_zh AS place_zh,
       place.class AS place_kind_zh, org.id AS org, org.label_zh AS org_zh, org.label_en AS org_en, org.class AS org_kind_zh
