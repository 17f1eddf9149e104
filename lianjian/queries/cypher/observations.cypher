// name: observations
// title_zh: 案例中的数据
// title_en: Numbers reported in a case
// description: Every number a source document reports (counts, amounts, areas, shares), with what it describes, what is measured, the value, its unit, the year it refers to (as_of), how the value bounds the figure (exact, about, at-least for 60多家 → 60, at-most for 近万 → 10000), whether it is a figure of speech (rhetorical), whether the text states it or the curator inferred it (basis), and the quote it comes from.
// twin: observations
// param: case (source) = changning-cohesion-2013 | the source document (case)
// column: case (source)
MATCH (o:Observation)-[:OBSERVES]->(s)
UNWIND o.evidence AS ev
WITH o, s, ev
WHERE ev.source = $case
RETURN DISTINCT $case AS `case`, s.id AS subject, s.label_zh AS subject_zh, o.label_zh AS measure_zh, o.value AS value,
       o.unit AS unit, o.asOf AS as_of, o.bound AS bound, coalesce(o.rhetorical, false) AS rhetorical, o.basis AS basis, o.id AS observation,
       ev.quote AS quote
ORDER BY subject_zh, subject, measure_zh, as_of, value, observation, quote

// variant: grand-cypher
// grand-cypher cannot UNWIND the evidence pairs: this variant gives one row per observation with its
// first quote, which is the same while every observation of the case has one quote from the case
// (true of the bundled corpus but one, see docs/cypher.md). It tests list membership with CONTAINS
// and returns the parameter through coalesce(), having no other way to return a value.
MATCH (o:Observation)-[:OBSERVES]->(s)
WHERE o.sources CONTAINS $case
RETURN coalesce($case, NULL) AS case, s.id AS subject, s.label_zh AS subject_zh, o.label_zh AS measure_zh,
       o.value AS value, o.unit AS unit, o.asOf AS as_of, o.bound AS bound, coalesce(o.rhetorical, FALSE) AS rhetorical, o.basis AS basis,
       o.id AS observation, o.quote AS quote

// variant: falkordb
// FalkorDB stores no maps: each evidence pair is a list [quote, source].
MATCH (o:Observation)-[:OBSERVES]->(s)
UNWIND o.evidence AS ev
WITH o, s, ev
WHERE ev[1] = $case
RETURN DISTINCT $case AS `case`, s.id AS subject, s.label_zh AS subject_zh, o.label_zh AS measure_zh, o.value AS value,
       o.unit AS unit, o.asOf AS as_of, o.bound AS bound, coalesce(o.rhetorical, false) AS rhetorical, o.basis AS basis, o.id AS observation,
       ev[0] AS quote
ORDER BY subject_zh, subject, measure_zh, as_of, value, observation, quote
