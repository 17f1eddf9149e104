// name: around-organization
// title_zh: 组织的联建网络
// title_en: What an organisation is linked to
// description: Everything linked to an organisation (or area) through joint-building relationships within 1 to 3 steps, each with the shortest distance at which it is reached, the link that reaches it (from a node one step nearer), the link's kind and mechanisms, whether the text states it or the curators inferred it (basis, and the reason), and its evidence (the first quote and how many quotes there are). Hops above 3 count as 3. Only joint-building ties are listed: a relationship between two organisations in one line of command (one under the other through parent or under, at any depth) is not one and gets no row (distances are still counted over every relationship); hierarchy, events and praise are not relationships.
// twin: around-organization
// param: org (entity) = changning-district-committee | the organisation or area to start from
// param: hops (integer) = 2 | how many steps to follow (1, 2 or 3)
// engines: ladybug
// (grand-cypher has no OPTIONAL MATCH for the mechanisms, and cannot take the least of a list of quotes.)
// column: org (id)
// (In layer 1 `near` is matched apart from `o`: LadybugDB 0.22 shifts the columns of a UNION part that
// returns one expression twice.)
// column: kind_zh (kind_zh)
MATCH (o {id: $org})-[:LINKED_WITH]-(node)
MATCH (near {id: $org})
WHERE $hops >= 1
WITH DISTINCT o.id AS org, near, node
MATCH (jb)-[:PARTICIPANT]->(near), (jb)-[:PARTICIPANT]->(node)
WHERE jb.kind IS NOT NULL AND NOT EXISTS { MATCH (near)-[:SUB_ORGANIZATION_OF|UNDER*1..30]->(node) }
  AND NOT EXISTS { MATCH (node)-[:SUB_ORGANIZATION_OF|UNDER*1..30]->(near) }
OPTIONAL MATCH (jb)-[:USES_MECHANISM]->(m)
RETURN org, CAST($hops AS INT64) AS hops, 1 AS distance, node.id AS node, node.label_zh AS node_zh,
       near.id AS `from`, near.label_zh AS from_zh, jb.id AS relationship, jb.kind AS kind_zh, m.id AS mechanism,
       m.label_zh AS mechanism_zh, jb.basis AS basis, jb.basisReason AS reason, list_sort(jb.quotes)[1] AS quote, size(jb.evidence) AS quotes
UNION
MATCH (o {id: $org})-[:LINKED_WITH]-(near)-[:LINKED_WITH]-(node)
WHERE $hops >= 2 AND node.id <> o.id AND NOT EXISTS { MATCH (o)-[:LINKED_WITH]-(node) }
WITH DISTINCT o.id AS org, near, node
MATCH (jb)-[:PARTICIPANT]->(near), (jb)-[:PARTICIPANT]->(node)
WHERE jb.kind IS NOT NULL AND NOT EXISTS { MATCH (near)-[:SUB_ORGANIZATION_OF|UNDER*1..30]->(node) }
  AND NOT EXISTS { MATCH (node)-[:SUB_ORGANIZATION_OF|UNDER*1..30]->(near) }
OPTIONAL MATCH (jb)-[:USES_MECHANISM]->(m)
RETURN org, CAST($hops AS INT64) AS hops, 2 AS distance, node.id AS node, node.label_zh AS node_zh,
       near.id AS `from`, near.label_zh AS from_zh, jb.id AS relationship, jb.kind AS kind_zh, m.id AS mechanism,
       m.label_zh AS mechanism_zh, jb.basis AS basis, jb.basisReason AS reason, list_sort(jb.quotes)[1] AS quote, size(jb.evidence) AS quotes
UNION
MATCH (o {id: $org})-[:LINKED_WITH]-(x)-[:LINKED_WITH]-(near)-[:LINKED_WITH]-(node)
WHERE $hops >= 3 AND node.id <> o.id AND near.id <> o.id AND NOT EXISTS { MATCH (o)-[:LINKED_WITH]-(near) }
  AND NOT EXISTS { MATCH (o)-[:LINKED_WITH]-(node) } AND NOT EXISTS { MATCH (o)-[:LINKED_WITH]-()-[:LINKED_WITH]-(node) }
WITH DISTINCT o.id AS org, near, node
MATCH (jb)-[:PARTICIPANT]->(near), (jb)-[:PARTICIPANT]->(node)
WHERE jb.kind IS NOT NULL AND NOT EXISTS { MATCH (near)-[:SUB_ORGANIZATION_OF|UNDER*1..30]->(node) }
  AND NOT EXISTS { MATCH (node)-[:SUB_ORGANIZATION_OF|UNDER*1..30]->(near) }
OPTIONAL MATCH (jb)-[:USES_MECHANISM]->(m)
RETURN org, CAST($hops AS INT64) AS hops, 3 AS distance, node.id AS node, node.label_zh AS node_zh,
       near.id AS `from`, near.label_zh AS from_zh, jb.id AS relationship, jb.kind AS kind_zh, m.id AS mechanism,
       m.label_zh AS mechanism_zh, jb.basis AS basis, jb.basisReason AS reason, list_sort(jb.quotes)[1] AS quote, size(jb.evidence) AS quotes

// variant: falkordb
// FalkorDB has no EXISTS subqueries (pattern predicates instead), no CAST and no list_sort (reduce takes the least quote).
MATCH (o {id: $org})-[:LINKED_WITH]-(node)
MATCH (near {id: $org})
WHERE $hops >= 1
WITH DISTINCT o.id AS org, near, node
MATCH (jb)-[:PARTICIPANT]->(near), (jb)-[:PARTICIPANT]->(node)
WHERE jb.kind IS NOT NULL AND NOT (near)-[:SUB_ORGANIZATION_OF|UNDER*1..30]->(node)
  AND NOT (node)-[:SUB_ORGANIZATION_OF|UNDER*1..30]->(near)
OPTIONAL MATCH (jb)-[:USES_MECHANISM]->(m)
RETURN org, $hops AS hops, 1 AS distance, node.id AS node, node.label_zh AS node_zh,
       near.id AS `from`, near.label_zh AS from_zh, jb.id AS relationship, jb.kind AS kind_zh, m.id AS mechanism,
       m.label_zh AS mechanism_zh, jb.basis AS basis, jb.basisReason AS reason, reduce(least = head(jb.quotes), q IN jb.quotes | CASE WHEN q < least THEN q ELSE least END) AS quote, size(jb.evidence) AS quotes
UNION
MATCH (o {id: $org})-[:LINKED_WITH]-(near)-[:LINKED_WITH]-(node)
WHERE $hops >= 2 AND node.id <> o.id AND NOT (o)-[:LINKED_WITH]-(node)
WITH DISTINCT o.id AS org, near, node
MATCH (jb)-[:PARTICIPANT]->(near), (jb)-[:PARTICIPANT]->(node)
WHERE jb.kind IS NOT NULL AND NOT (near)-[:SUB_ORGANIZATION_OF|UNDER*1..30]->(node)
  AND NOT (node)-[:SUB_ORGANIZATION_OF|UNDER*1..30]->(near)
OPTIONAL MATCH (jb)-[:USES_MECHANISM]->(m)
RETURN org, $hops AS hops, 2 AS distance, node.id AS node, node.label_zh AS node_zh,
       near.id AS `from`, near.label_zh AS from_zh, jb.id AS relationship, jb.kind AS kind_zh, m.id AS mechanism,
       m.label_zh AS mechanism_zh, jb.basis AS basis, jb.basisReason AS reason, reduce(least = head(jb.quotes), q IN jb.quotes | CASE WHEN q < least THEN q ELSE least END) AS quote, size(jb.evidence) AS quotes
UNION
MATCH (o {id: $org})-[:LINKED_WITH]-(x)-[:LINKED_WITH]-(near)-[:LINKED_WITH]-(node)
WHERE $hops >= 3 AND node.id <> o.id AND near.id <> o.id AND NOT (o)-[:LINKED_WITH]-(near)
  AND NOT (o)-[:LINKED_WITH]-(node) AND NOT (o)-[:LINKED_WITH]-()-[:LINKED_WITH]-(node)
WITH DISTINCT o.id AS org, near, node
MATCH (jb)-[:PARTICIPANT]->(near), (jb)-[:PARTICIPANT]->(node)
WHERE jb.kind IS NOT NULL AND NOT (near)-[:SUB_ORGANIZATION_OF|UNDER*1..30]->(node)
  AND NOT (node)-[:SUB_ORGANIZATION_OF|UNDER*1..30]->(near)
OPTIONAL MATCH (jb)-[:USES_MECHANISM]->(m)
RETURN org, $hops AS hops, 3 AS distance, node.id AS node, node.label_zh AS node_zh,
       near.id AS `from`, near.label_zh AS from_zh, jb.id AS relationship, jb.kind AS kind_zh, m.id AS mechanism,
       m.label_zh AS mechanism_zh, jb.basis AS basis, jb.basisReason AS reason, reduce(least = head(jb.quotes), q IN jb.quotes | CASE WHEN q < least THEN q ELSE least END) AS quote, size(jb.evidence) AS quotes
