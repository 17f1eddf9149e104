// name: cross-sector-links
// title_zh: 跨领域联建
// title_en: Cross-sector joint-building links
// description: Every pair of participants in different sectors (organisations, and areas acting through their bodies, which carry the sector of that body) that share a joint-building relationship, with its kind and year.
// twin: cross-sector-links
// engines: ladybug
// (grand-cypher cannot UNWIND the sectors list: one row per sector of each side needs it.)
// (The sectors are named in a WITH before the list test: FalkorDB 4.16 finds no rows when the test reads
// a.sectors and b.sectors in a WHERE, even after a WITH that passes a and b on.)
MATCH (a)<-[:PARTICIPANT]-(jb:JointBuilding)-[:PARTICIPANT]->(b)
WHERE a.id < b.id AND a.sectors IS NOT NULL AND b.sectors IS NOT NULL
WITH a, b, jb, a.sectors AS a_sectors, b.sectors AS b_sectors
WHERE none(s IN a_sectors WHERE s IN b_sectors)
UNWIND a_sectors AS a_sector
UNWIND b_sectors AS b_sector
RETURN a.id AS a, a.label_zh AS a_zh, a_sector, b.id AS b, b.label_zh AS b_zh, b_sector, jb.kind AS kind,
       min(jb.startDate) AS start, count(DISTINCT jb) AS relationships
ORDER BY a_sector, b_sector, a_zh, b_zh
