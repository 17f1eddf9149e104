// name: organizations-without-party-organization
// title_zh: 未建党组织的单位
// title_en: Organisations without a party organisation of their own
// description: Curation gaps: organisations that are not party bodies or joint bodies and have no party organisation recorded for them (no lj:hasPartyOrganization, no party organisation under them through org:subOrganizationOf), with their kind, how many joint-building relationships they take part in and how many source documents mention them; the most connected first. Either the texts say nothing of their party organisation, or it has not been annotated yet.
// twin: organizations-without-party-organization
// column: kind_zh (class_zh)
MATCH (org:Organization)
WHERE NOT org.is_PartyOrganization AND NOT org.is_JointBody
  AND NOT EXISTS { MATCH ()-[:PARTY_ORGANIZATION_OF]->(org) }
  AND NOT EXISTS { MATCH (:PartyOrganization)-[:SUB_ORGANIZATION_OF]->(org) }
OPTIONAL MATCH (jb)-[:PARTICIPANT]->(org)
RETURN org.id AS org, org.label_zh AS org_zh, org.label_en AS org_en, org.class AS kind_zh,
       count(DISTINCT jb) AS relationships, size(org.sources) AS sources
ORDER BY relationships DESC, sources DESC, org_zh, org

// variant: grand-cypher
// grand-cypher has no OPTIONAL MATCH: organisations in relationships, UNION ALL those in none.
// Labels are tested on the projection's __labels__ set.
MATCH (jb)-[:PARTICIPANT]->(org:Organization)
WHERE NOT org.__labels__ CONTAINS "PartyOrganization" AND NOT org.__labels__ CONTAINS "JointBody"
  AND NOT EXISTS { MATCH (p)-[:PARTY_ORGANIZATION_OF]->(org) }
  AND NOT EXISTS { MATCH (p:PartyOrganization)-[:SUB_ORGANIZATION_OF]->(org) }
RETURN org.id AS org, org.label_zh AS org_zh, org.label_en AS org_en, org.class AS kind_zh,
       COUNT(jb) AS relationships, size(org.sources) AS sources
UNION ALL
MATCH (org:Organization)
WHERE NOT org.__labels__ CONTAINS "PartyOrganization" AND NOT org.__labels__ CONTAINS "JointBody"
  AND NOT EXISTS { MATCH (p)-[:PARTY_ORGANIZATION_OF]->(org) }
  AND NOT EXISTS { MATCH (p:PartyOrganization)-[:SUB_ORGANIZATION_OF]->(org) }
  AND NOT EXISTS { MATCH (jb)-[:PARTICIPANT]->(org) }
RETURN org.id AS org, org.label_zh AS org_zh, org.label_en AS org_en, org.class AS kind_zh,
       coalesce(0, NULL) AS relationships, size(org.sources) AS sources

// variant: falkordb
// FalkorDB has no EXISTS subqueries: pattern predicates, and label predicates for the labels.
MATCH (org:Organization)
WHERE NOT org:PartyOrganization AND NOT org:JointBody
  AND NOT ()-[:PARTY_ORGANIZATION_OF]->(org)
  AND NOT (:PartyOrganization)-[:SUB_ORGANIZATION_OF]->(org)
OPTIONAL MATCH (jb)-[:PARTICIPANT]->(org)
RETURN org.id AS org, org.label_zh AS org_zh, org.label_en AS org_en, org.class AS kind_zh,
       count(DISTINCT jb) AS relationships, size(org.sources) AS sources
ORDER BY relationships DESC, sources DESC, org_zh, org
