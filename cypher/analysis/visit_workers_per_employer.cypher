// purpose: EMP_VISIT_WORKFORCE core: per employer, its current foreign workers and how many hold a visit permit as their latest permit
// :param as_of => date("2026-11-01")
// :param lookback_days => 365
// :param visit => "VISIT"
MATCH (e:Employer)<-[w:EMPLOYED_BY]-(p:Person)
WHERE w.end_date IS NULL OR w.end_date >= $as_of - duration({days: $lookback_days})
WITH DISTINCT e, p
WITH e, p, COLLECT {
  MATCH (p)-[:HOLDS]->(k:Permit)
  RETURN k.permit_type ORDER BY k.issued_on DESC, k.expires_on DESC, k.permit_id DESC LIMIT 1
} AS latest
RETURN e.employer_id AS employer_id, e.name AS name, count(p) AS workers,
       sum(CASE WHEN latest[0] = $visit THEN 1 ELSE 0 END) AS visit_workers
ORDER BY visit_workers DESC, employer_id;
