// name: party-hierarchy
// title_zh: 党组织层级
// title_en: Party-organisation hierarchy under a committee
// description: Every organisation under a party committee through org:subOrganizationOf (party working committees, general branches, branches, departments and the units they run), with its level below the committee (1 = directly under it), its direct parent and its kind.
// twin: party-hierarchy
// param: committee (entity) = changning-district-committee | the committee at the top
// column: kind_zh (class_zh)
MATCH (c {id: $committee})
MATCH path = (org:Organization)-[:SUB_ORGANIZATION_OF*1..30]->(c)
MATCH (org)-[:SUB_ORGANIZATION_OF]->(parent)-[:SUB_ORGANIZATION_OF*0..30]->(c)
RETURN DISTINCT c.id AS committee, length(path) AS level, org.id AS org, org.label_zh AS org_zh, org.label_en AS org_en,
       org.class AS kind_zh, parent.id AS parent, parent.label_zh AS parent_zh
ORDER BY level, parent_zh, parent, org_zh, org

// variant: grand-cypher
// grand-cypher cannot measure a path: one UNION part per level, down to five levels
// (deeper hop patterns get very slow in grand-cypher); it cannot return
// one property twice (hence coalesce(c.id, NULL)) and
// fails on RETURN DISTINCT with aliases, so UNION removes the duplicates.
MATCH (org:Organization)-[:SUB_ORGANIZATION_OF]->(c {id: $committee})
RETURN c.id AS committee, coalesce(1, NULL) AS level, org.id AS org, org.label_zh AS org_zh,
       org.label_en AS org_en, org.class AS kind_zh, coalesce(c.id, NULL) AS parent, c.label_zh AS parent_zh
UNION
MATCH (org:Organization)-[:SUB_ORGANIZATION_OF]->(parent)-[:SUB_ORGANIZATION_OF]->(c {id: $committee})
RETURN c.id AS committee, coalesce(2, NULL) AS level, org.id AS org, org.label_zh AS org_zh,
       org.label_en AS org_en, org.class AS kind_zh, parent.id AS parent, parent.label_zh AS parent_zh
UNION
MATCH (org:Organization)-[:SUB_ORGANIZATION_OF]->(parent)-[:SUB_ORGANIZATION_OF*2..2]->(c {id: $committee})
RETURN c.id AS committee, coalesce(3, NULL) AS level, org.id AS org, org.label_zh AS org_zh,
       org.label_en AS org_en, org.class AS kind_zh, parent.id AS parent, parent.label_zh AS parent_zh
UNION
MATCH (org:Organization)-[:SUB_ORGANIZATION_OF]->(parent)-[:SUB_ORGANIZATION_OF*3..3]->(c {id: $committee})
RETURN c.id AS committee, coalesce(4, NULL) AS level, org.id AS org, org.label_zh AS org_zh,
       org.label_en AS org_en, org.class AS kind_zh, parent.id AS parent, parent.label_zh AS parent_zh
UNION
MATCH (org:Organization)-[:SUB_ORGANIZATION_OF]->(parent)-[:SUB_ORGANIZATION_OF*4..4]->(c {id: $committee})
RETURN c.id AS committee, coalesce(5, NULL) AS level, org.id AS org, org.label_zh AS org_zh,
       org.label_en AS org_en, org.class AS kind_zh, parent.id AS parent, parent.label_zh AS parent_zh
