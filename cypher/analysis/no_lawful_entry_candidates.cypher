// purpose: PERSON_NO_LAWFUL_ENTRY core, per person record: seen working (inspection, report) or living here, no arrival on record, no permit valid on the as-of day
// :param as_of => date("2026-11-01")
// :param arrival => "ARRIVAL"
// :param work_sources => ["INSPECTION", "REPORT"]
MATCH (p:Person)
WHERE (EXISTS { MATCH (p)-[w:EMPLOYED_BY]->(:Employer) WHERE w.source IN $work_sources }
       OR EXISTS { MATCH (p)-[:RESIDES_AT]->(:Address) })
  AND NOT EXISTS { MATCH (p)-[:CROSSED]->(c:BorderCrossing) WHERE c.direction = $arrival }
  AND NOT EXISTS { MATCH (p)-[:HOLDS]->(k:Permit) WHERE k.issued_on <= $as_of AND k.expires_on >= $as_of }
RETURN p.person_id AS person_id,
       COUNT { MATCH (p)-[w:EMPLOYED_BY]->(:Employer) WHERE w.source IN $work_sources } AS seen_working,
       COUNT { MATCH (p)-[:RESIDES_AT]->(:Address) } AS reported_living
ORDER BY person_id;
