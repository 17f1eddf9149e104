// name: mechanisms-shared-across-cases
// title_zh: 多个案例共用的机制
// title_en: Mechanisms shared by two or more cases
// description: Mechanisms (counting the specific mechanisms under each) that relationships, initiatives or organisations of two or more source documents use; one row per mechanism and document.
// twin: mechanisms-shared-across-cases
// engines: ladybug
// (grand-cypher cannot UNWIND the sources list nor count distinct values.)
MATCH (u)-[:USES_MECHANISM]->(:Mechanism)-[:BROADER*0..30]->(m:Mechanism)
UNWIND u.sources AS source
WITH m, collect(DISTINCT source) AS sources
WHERE size(sources) >= 2
UNWIND sources AS source
RETURN m.id AS mechanism, m.label_zh AS mechanism_zh, size(sources) AS cases, source
ORDER BY cases DESC, mechanism, source
