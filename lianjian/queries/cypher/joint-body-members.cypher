// name: joint-body-members
// title_zh: 联建平台的成员与牵头单位
// title_en: Members and leaders of joint bodies
// description: Every joint body (joint conference 联席会议, co-governance committee 共治委员会, alliance 联盟, society 学会 …) with each member organisation or area — named as a member of the body or as a participant of a membership relationship with it — and the organisation or person that leads the body. Bodies whose members the texts do not name appear once with the member columns empty.
// twin: joint-body-members
// column: body_kind_zh (class_zh)
// column: member_kind_zh (class_zh)
MATCH (body:JointBody)-[:HAS_MEMBER]->(member)
OPTIONAL MATCH (body)-[:LED_BY]->(leader)
RETURN body.id AS body, body.label_zh AS body_zh, body.class AS body_kind_zh, leader.id AS leader,
       leader.label_zh AS leader_zh, member.id AS member, member.label_zh AS member_zh,
       member.class AS member_kind_zh, coalesce(member.id = leader.id, false) AS member_leads
UNION
MATCH (jb)-[:PARTICIPANT]->(body:JointBody), (jb)-[:PARTICIPANT]->(member)
WHERE jb.kind = 'membership' AND member.id <> body.id
OPTIONAL MATCH (body)-[:LED_BY]->(leader)
RETURN body.id AS body, body.label_zh AS body_zh, body.class AS body_kind_zh, leader.id AS leader,
       leader.label_zh AS leader_zh, member.id AS member, member.label_zh AS member_zh,
       member.class AS member_kind_zh, coalesce(member.id = leader.id, false) AS member_leads
UNION
MATCH (body:JointBody)
WHERE NOT EXISTS { MATCH (body)-[:HAS_MEMBER]->() }
  AND NOT EXISTS { MATCH (jb)-[:PARTICIPANT]->(body) WHERE jb.kind = 'membership' }
OPTIONAL MATCH (body)-[:LED_BY]->(leader)
RETURN body.id AS body, body.label_zh AS body_zh, body.class AS body_kind_zh, leader.id AS leader,
       leader.label_zh AS leader_zh, CAST(NULL AS STRING) AS member, CAST(NULL AS STRING) AS member_zh,
       CAST(NULL AS STRING) AS member_kind_zh, CAST(NULL AS BOOLEAN) AS member_leads

// variant: grand-cypher
// grand-cypher has no OPTIONAL MATCH and never binds two variables to one node: one UNION part for
// each way a row can arise (members named directly or through a membership relationship, or none;
// leader or none; the member being the leader or not). A missing value is coalesce(NULL, …) with a
// different number of NULLs each time, as grand-cypher keys return items by their text.
MATCH (body:JointBody)-[:HAS_MEMBER]->(member)
MATCH (body)-[:LED_BY]->(leader)
RETURN body.id AS body, body.label_zh AS body_zh, body.class AS body_kind_zh,
       leader.id AS leader, leader.label_zh AS leader_zh,
       member.id AS member, member.label_zh AS member_zh, member.class AS member_kind_zh,
       coalesce(FALSE, NULL) AS member_leads
UNION
MATCH (body:JointBody)-[r:LED_BY]->(leader)
WHERE r.__labels__ CONTAINS "HAS_MEMBER"
RETURN body.id AS body, body.label_zh AS body_zh, body.class AS body_kind_zh,
       leader.id AS leader, leader.label_zh AS leader_zh,
       coalesce(leader.id, NULL) AS member, coalesce(leader.label_zh, NULL) AS member_zh, leader.class AS member_kind_zh,
       coalesce(TRUE, NULL) AS member_leads
UNION
MATCH (body:JointBody)-[:HAS_MEMBER]->(member)
WHERE NOT EXISTS { MATCH (body)-[:LED_BY]->(x) }
RETURN body.id AS body, body.label_zh AS body_zh, body.class AS body_kind_zh,
       coalesce(NULL, NULL) AS leader, coalesce(NULL, NULL, NULL) AS leader_zh,
       member.id AS member, member.label_zh AS member_zh, member.class AS member_kind_zh,
       coalesce(FALSE, NULL) AS member_leads
UNION
MATCH (jb)-[:PARTICIPANT]->(body:JointBody)
MATCH (jb)-[:PARTICIPANT]->(member)
MATCH (body)-[:LED_BY]->(leader)
WHERE jb.kind = "membership"
RETURN body.id AS body, body.label_zh AS body_zh, body.class AS body_kind_zh,
       leader.id AS leader, leader.label_zh AS leader_zh,
       member.id AS member, member.label_zh AS member_zh, member.class AS member_kind_zh,
       coalesce(FALSE, NULL) AS member_leads
UNION
MATCH (jb)-[:PARTICIPANT]->(body:JointBody)
MATCH (jb)-[:PARTICIPANT]->(leader)
MATCH (body)-[:LED_BY]->(leader)
WHERE jb.kind = "membership"
RETURN body.id AS body, body.label_zh AS body_zh, body.class AS body_kind_zh,
       leader.id AS leader, leader.label_zh AS leader_zh,
       coalesce(leader.id, NULL) AS member, coalesce(leader.label_zh, NULL) AS member_zh, leader.class AS member_kind_zh,
       coalesce(TRUE, NULL) AS member_leads
UNION
MATCH (jb)-[:PARTICIPANT]->(body:JointBody)
MATCH (jb)-[:PARTICIPANT]->(member)
WHERE jb.kind = "membership"
  AND NOT EXISTS { MATCH (body)-[:LED_BY]->(x) }
RETURN body.id AS body, body.label_zh AS body_zh, body.class AS body_kind_zh,
       coalesce(NULL, NULL) AS leader, coalesce(NULL, NULL, NULL) AS leader_zh,
       member.id AS member, member.label_zh AS member_zh, member.class AS member_kind_zh,
       coalesce(FALSE, NULL) AS member_leads
UNION
MATCH (body:JointBody)-[:LED_BY]->(leader)
WHERE NOT EXISTS { MATCH (body)-[:HAS_MEMBER]->(x) }
  AND NOT EXISTS { MATCH (j)-[:PARTICIPANT]->(body) WHERE j.kind = "membership" }
RETURN body.id AS body, body.label_zh AS body_zh, body.class AS body_kind_zh,
       leader.id AS leader, leader.label_zh AS leader_zh,
       coalesce(NULL, NULL, NULL, NULL) AS member, coalesce(NULL, NULL, NULL, NULL, NULL) AS member_zh, coalesce(NULL, NULL, NULL, NULL, NULL, NULL) AS member_kind_zh, coalesce(NULL, NULL, NULL, NULL, NULL, NULL, NULL) AS member_leads
UNION
MATCH (body:JointBody)
WHERE NOT EXISTS { MATCH (body)-[:HAS_MEMBER]->(x) }
  AND NOT EXISTS { MATCH (j)-[:PARTICIPANT]->(body) WHERE j.kind = "membership" }
  AND NOT EXISTS { MATCH (body)-[:LED_BY]->(x) }
RETURN body.id AS body, body.label_zh AS body_zh, body.class AS body_kind_zh,
       coalesce(NULL, NULL) AS leader, coalesce(NULL, NULL, NULL) AS leader_zh,
       coalesce(NULL, NULL, NULL, NULL) AS member, coalesce(NULL, NULL, NULL, NULL, NULL) AS member_zh, coalesce(NULL, NULL, NULL, NULL, NULL, NULL) AS member_kind_zh, coalesce(NULL, NULL, NULL, NULL, NULL, NULL, NULL) AS member_leads

// variant: falkordb
// FalkorDB has no EXISTS subqueries (a pattern predicate, or a count of an OPTIONAL MATCH, instead)
// and no CAST (a plain NULL is enough for its UNION).
MATCH (body:JointBody)-[:HAS_MEMBER]->(member)
OPTIONAL MATCH (body)-[:LED_BY]->(leader)
RETURN body.id AS body, body.label_zh AS body_zh, body.class AS body_kind_zh, leader.id AS leader,
       leader.label_zh AS leader_zh, member.id AS member, member.label_zh AS member_zh,
       member.class AS member_kind_zh, coalesce(member.id = leader.id, false) AS member_leads
UNION
MATCH (jb)-[:PARTICIPANT]->(body:JointBody), (jb)-[:PARTICIPANT]->(member)
WHERE jb.kind = 'membership' AND member.id <> body.id
OPTIONAL MATCH (body)-[:LED_BY]->(leader)
RETURN body.id AS body, body.label_zh AS body_zh, body.class AS body_kind_zh, leader.id AS leader,
       leader.label_zh AS leader_zh, member.id AS member, member.label_zh AS member_zh,
       member.class AS member_kind_zh, coalesce(member.id = leader.id, false) AS member_leads
UNION
MATCH (body:JointBody)
WHERE NOT (body)-[:HAS_MEMBER]->()
OPTIONAL MATCH (jb)-[:PARTICIPANT]->(body)
WHERE jb.kind = 'membership'
WITH body, count(jb) AS memberships
WHERE memberships = 0
OPTIONAL MATCH (body)-[:LED_BY]->(leader)
RETURN body.id AS body, body.label_zh AS body_zh, body.class AS body_kind_zh, leader.id AS leader,
       leader.label_zh AS leader_zh, NULL AS member, NULL AS member_zh,
       NULL AS member_kind_zh, NULL AS member_leads
