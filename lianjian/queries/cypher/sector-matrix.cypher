// name: sector-matrix
// title_zh: 领域×领域联建矩阵
// title_en: Sector × sector matrix of joint-building ties
// description: For every pair of sectors (each unordered pair once, a sector with itself included), how many joint-building relationships tie an organisation of the one sector to a different organisation of the other, and how many distinct organisation pairs they involve. Organisations in several sectors count in each of their sectors.
// twin: sector-matrix
// engines: ladybug
// (grand-cypher cannot UNWIND the sectors lists.)
// column: sector_a (sector)
// column: sector_b (sector)
// column: sector_a_zh (sector_zh)
// column: sector_b_zh (sector_zh)
MATCH (a)<-[:PARTICIPANT]-(jb)-[:PARTICIPANT]->(b)
WHERE a.id < b.id
UNWIND a.sectors AS sx
UNWIND b.sectors AS sy
WITH jb, a.id + ' ' + b.id AS pair,
     CASE WHEN sx <= sy THEN sx ELSE sy END AS sector_a, CASE WHEN sx <= sy THEN sy ELSE sx END AS sector_b
RETURN sector_a, sector_a AS sector_a_zh, sector_b, sector_b AS sector_b_zh,
       count(DISTINCT jb) AS relationships, count(DISTINCT pair) AS organization_pairs
ORDER BY relationships DESC, organization_pairs DESC, sector_a, sector_b
