// purpose: PERSON_OVERSTAY core, per person record: every permit expired more than the grace period ago and no departure since the latest was issued (graphkit then joins records of one human)
// :param as_of => date("2026-11-01")
// :param grace_days => 30
// :param departure => "DEPARTURE"
MATCH (p:Person)-[:HOLDS]->(k:Permit)
WITH p, max(k.expires_on) AS last_expiry, max(k.issued_on) AS last_issue
WHERE last_expiry < $as_of - duration({days: $grace_days})
  AND NOT EXISTS {
    MATCH (p)-[:CROSSED]->(c:BorderCrossing)
    WHERE c.direction = $departure AND c.date >= last_issue
  }
RETURN p.person_id AS person_id, last_expiry, duration.inDays(last_expiry, $as_of).days AS days_over
ORDER BY days_over DESC, person_id;
