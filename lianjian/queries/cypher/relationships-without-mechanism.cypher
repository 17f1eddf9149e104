// name: relationships-without-mechanism
// title_zh: 未标注机制的联建关系
// title_en: Joint-building relationships without a stated mechanism
// description: Curation gaps: joint-building relationships for which no mechanism is recorded, one row per participant and quote, with the source document, the relationship's kind and description and whether the text states it or the curators inferred it (basis, and the reason), so that a curator can go back to the text and add the mechanism (or confirm the text names none).
// twin: relationships-without-mechanism
// engines: ladybug
// (grand-cypher cannot UNWIND the evidence pairs.)
// column: kind_zh (kind_zh)
// column: relationship_zh (label_zh)
// (The projection gives a node without a Chinese label its id as label_zh; the CASE undoes that.)
MATCH (r:JointBuilding)-[:PARTICIPANT]->(p)
WHERE r.kind IS NOT NULL AND NOT EXISTS { MATCH (r)-[:USES_MECHANISM]->() }
UNWIND r.evidence AS ev
RETURN DISTINCT ev.source AS source, r.id AS relationship, r.kind AS kind_zh,
       CASE WHEN r.label_zh = r.id THEN NULL ELSE r.label_zh END AS relationship_zh,
       r.basis AS basis, r.basisReason AS reason,
       p.id AS participant, p.label_zh AS participant_zh, ev.quote AS quote
ORDER BY source, relationship, participant_zh, participant, quote

// variant: falkordb
// FalkorDB stores no maps (each evidence pair is a list [quote, source]) and has no EXISTS subqueries.
// column: source (source)
MATCH (r:JointBuilding)-[:PARTICIPANT]->(p)
WHERE r.kind IS NOT NULL AND NOT (r)-[:USES_MECHANISM]->()
UNWIND r.evidence AS ev
RETURN DISTINCT ev[1] AS source, r.id AS relationship, r.kind AS kind_zh,
       CASE WHEN r.label_zh = r.id THEN NULL ELSE r.label_zh END AS relationship_zh,
       r.basis AS basis, r.basisReason AS reason,
       p.id AS participant, p.label_zh AS participant_zh, ev[0] AS quote
ORDER BY source, relationship, participant_zh, participant, quote
