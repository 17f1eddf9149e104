// name: studios-and-partners
// title_zh: 工作室及其服务对象
// title_en: Studios and whom they serve
// description: Every studio (书记工作室, 劳动人事工作室, 业委会工作室 …) with where it is, the persons holding a post in it, and each partner it serves, trains, pairs with or works with in a joint-building relationship, with the kind of relationship and when it began. Studios without recorded relationships appear with the partner columns empty.
// twin: studios-and-partners
// column: post_zh (label_zh)
// column: kind_zh (kind_zh)
MATCH (s:Studio)
WHERE s.class = 'Studio'
OPTIONAL MATCH (s)-[:LOCATED_IN]->(area)
OPTIONAL MATCH (person)-[h:HOLDS_POST]->(s)
OPTIONAL MATCH (rel)-[:PARTICIPANT]->(s), (rel)-[:PARTICIPANT]->(partner)
WHERE partner.id <> s.id
RETURN DISTINCT s.id AS studio, s.label_zh AS studio_zh, area.label_zh AS area_zh, person.label_zh AS person_zh,
       h.title AS post_zh, rel.kind AS kind_zh, partner.id AS partner, partner.label_zh AS partner_zh,
       rel.startDate AS start, rel.id AS relationship
ORDER BY studio_zh, studio, kind_zh, partner_zh, partner, relationship, person_zh, post_zh

// variant: grand-cypher
// grand-cypher has no OPTIONAL MATCH: one UNION part for each combination of the three optional
// patterns (place, post holder, relationship) being there or not; a missing one is coalesce(NULL, …)
// with a different number of NULLs each time, as grand-cypher keys return items by their text.
// grand-cypher never binds two variables to one node, so the studio's own area as a partner needs
// parts of its own (the last two).
MATCH (s:Studio)
MATCH (s)-[:LOCATED_IN]->(area)
MATCH (person)-[h:HOLDS_POST]->(s)
MATCH (rel)-[:PARTICIPANT]->(s)
MATCH (rel)-[:PARTICIPANT]->(partner)
WHERE s.class = "Studio"
  AND partner.id <> s.id
RETURN s.id AS studio, s.label_zh AS studio_zh,
       area.label_zh AS area_zh,
       person.label_zh AS person_zh, h.title AS post_zh,
       rel.kind AS kind_zh, partner.id AS partner, partner.label_zh AS partner_zh, rel.startDate AS start, rel.id AS relationship
UNION
MATCH (s:Studio)
MATCH (s)-[:LOCATED_IN]->(area)
MATCH (person)-[h:HOLDS_POST]->(s)
WHERE s.class = "Studio"
  AND NOT EXISTS { MATCH (x)-[:PARTICIPANT]->(s) }
RETURN s.id AS studio, s.label_zh AS studio_zh,
       area.label_zh AS area_zh,
       person.label_zh AS person_zh, h.title AS post_zh,
       coalesce(NULL, NULL, NULL, NULL, NULL) AS kind_zh, coalesce(NULL, NULL, NULL, NULL, NULL, NULL) AS partner, coalesce(NULL, NULL, NULL, NULL, NULL, NULL, NULL) AS partner_zh, coalesce(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL) AS start, coalesce(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL) AS relationship
UNION
MATCH (s:Studio)
MATCH (s)-[:LOCATED_IN]->(area)
MATCH (rel)-[:PARTICIPANT]->(s)
MATCH (rel)-[:PARTICIPANT]->(partner)
WHERE s.class = "Studio"
  AND partner.id <> s.id
  AND NOT EXISTS { MATCH (x)-[:HOLDS_POST]->(s) }
RETURN s.id AS studio, s.label_zh AS studio_zh,
       area.label_zh AS area_zh,
       coalesce(NULL, NULL, NULL) AS person_zh, coalesce(NULL, NULL, NULL, NULL) AS post_zh,
       rel.kind AS kind_zh, partner.id AS partner, partner.label_zh AS partner_zh, rel.startDate AS start, rel.id AS relationship
UNION
MATCH (s:Studio)
MATCH (s)-[:LOCATED_IN]->(area)
WHERE s.class = "Studio"
  AND NOT EXISTS { MATCH (x)-[:HOLDS_POST]->(s) }
  AND NOT EXISTS { MATCH (x)-[:PARTICIPANT]->(s) }
RETURN s.id AS studio, s.label_zh AS studio_zh,
       area.label_zh AS area_zh,
       coalesce(NULL, NULL, NULL) AS person_zh, coalesce(NULL, NULL, NULL, NULL) AS post_zh,
       coalesce(NULL, NULL, NULL, NULL, NULL) AS kind_zh, coalesce(NULL, NULL, NULL, NULL, NULL, NULL) AS partner, coalesce(NULL, NULL, NULL, NULL, NULL, NULL, NULL) AS partner_zh, coalesce(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL) AS start, coalesce(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL) AS relationship
UNION
MATCH (s:Studio)
MATCH (person)-[h:HOLDS_POST]->(s)
MATCH (rel)-[:PARTICIPANT]->(s)
MATCH (rel)-[:PARTICIPANT]->(partner)
WHERE s.class = "Studio"
  AND partner.id <> s.id
  AND NOT EXISTS { MATCH (s)-[:LOCATED_IN]->(x) }
RETURN s.id AS studio, s.label_zh AS studio_zh,
       coalesce(NULL, NULL) AS area_zh,
       person.label_zh AS person_zh, h.title AS post_zh,
       rel.kind AS kind_zh, partner.id AS partner, partner.label_zh AS partner_zh, rel.startDate AS start, rel.id AS relationship
UNION
MATCH (s:Studio)
MATCH (person)-[h:HOLDS_POST]->(s)
WHERE s.class = "Studio"
  AND NOT EXISTS { MATCH (s)-[:LOCATED_IN]->(x) }
  AND NOT EXISTS { MATCH (x)-[:PARTICIPANT]->(s) }
RETURN s.id AS studio, s.label_zh AS studio_zh,
       coalesce(NULL, NULL) AS area_zh,
       person.label_zh AS person_zh, h.title AS post_zh,
       coalesce(NULL, NULL, NULL, NULL, NULL) AS kind_zh, coalesce(NULL, NULL, NULL, NULL, NULL, NULL) AS partner, coalesce(NULL, NULL, NULL, NULL, NULL, NULL, NULL) AS partner_zh, coalesce(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL) AS start, coalesce(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL) AS relationship
UNION
MATCH (s:Studio)
MATCH (rel)-[:PARTICIPANT]->(s)
MATCH (rel)-[:PARTICIPANT]->(partner)
WHERE s.class = "Studio"
  AND partner.id <> s.id
  AND NOT EXISTS { MATCH (s)-[:LOCATED_IN]->(x) }
  AND NOT EXISTS { MATCH (x)-[:HOLDS_POST]->(s) }
RETURN s.id AS studio, s.label_zh AS studio_zh,
       coalesce(NULL, NULL) AS area_zh,
       coalesce(NULL, NULL, NULL) AS person_zh, coalesce(NULL, NULL, NULL, NULL) AS post_zh,
       rel.kind AS kind_zh, partner.id AS partner, partner.label_zh AS partner_zh, rel.startDate AS start, rel.id AS relationship
UNION
MATCH (s:Studio)
WHERE s.class = "Studio"
  AND NOT EXISTS { MATCH (s)-[:LOCATED_IN]->(x) }
  AND NOT EXISTS { MATCH (x)-[:HOLDS_POST]->(s) }
  AND NOT EXISTS { MATCH (x)-[:PARTICIPANT]->(s) }
RETURN s.id AS studio, s.label_zh AS studio_zh,
       coalesce(NULL, NULL) AS area_zh,
       coalesce(NULL, NULL, NULL) AS person_zh, coalesce(NULL, NULL, NULL, NULL) AS post_zh,
       coalesce(NULL, NULL, NULL, NULL, NULL) AS kind_zh, coalesce(NULL, NULL, NULL, NULL, NULL, NULL) AS partner, coalesce(NULL, NULL, NULL, NULL, NULL, NULL, NULL) AS partner_zh, coalesce(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL) AS start, coalesce(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL) AS relationship
UNION
MATCH (s:Studio)
MATCH (s)-[:LOCATED_IN]->(area)
MATCH (person)-[h:HOLDS_POST]->(s)
MATCH (rel)-[:PARTICIPANT]->(s)
MATCH (rel)-[:PARTICIPANT]->(area)
WHERE s.class = "Studio"
RETURN s.id AS studio, s.label_zh AS studio_zh,
       area.label_zh AS area_zh,
       person.label_zh AS person_zh, h.title AS post_zh,
       rel.kind AS kind_zh, coalesce(area.id, NULL) AS partner, coalesce(area.label_zh, NULL) AS partner_zh, rel.startDate AS start, rel.id AS relationship
UNION
MATCH (s:Studio)
MATCH (s)-[:LOCATED_IN]->(area)
MATCH (rel)-[:PARTICIPANT]->(s)
MATCH (rel)-[:PARTICIPANT]->(area)
WHERE s.class = "Studio"
  AND NOT EXISTS { MATCH (x)-[:HOLDS_POST]->(s) }
RETURN s.id AS studio, s.label_zh AS studio_zh,
       area.label_zh AS area_zh,
       coalesce(NULL, NULL, NULL) AS person_zh, coalesce(NULL, NULL, NULL, NULL) AS post_zh,
       rel.kind AS kind_zh, coalesce(area.id, NULL) AS partner, coalesce(area.label_zh, NULL) AS partner_zh, rel.startDate AS start, rel.id AS relationship
