// purpose: EMP_VISIT_WORKFORCE core: per employer, its current foreign workers and how many hold a visit permit as their latest permit and stayed on (no departure since they started there and since that permit was issued)
// :param as_of => date("2026-11-01")
// :param lookback_days => 365
// :param visit => "VISIT"
// :param departure => "DEPARTURE"
MATCH (e:Employer)<-[w:EMPLOYED_BY]-(p:Person)
WHERE w.end_date IS NULL OR w.end_date >= $as_of - duration({days: $lookback_days})
WITH e, p, min(w.start_date) AS started
WITH e, p, started, COLLECT {
  MATCH (p)-[:HOLDS]->(k:Permit)
  RETURN k ORDER BY k.issued_on DESC, k.expires_on DESC, k.permit_id DESC LIMIT 1
} AS latest
WITH e, p, latest, EXISTS {
  MATCH (p)-[:CROSSED]->(c:BorderCrossing)
  WHERE c.direction = $departure AND c.date >= latest[0].issued_on AND (started IS NULL OR c.date >= started)
} AS departed
RETURN e.employer_id AS employer_id, e.name AS name, count(p) AS workers,
       sum(CASE WHEN latest[0].permit_type = $visit AND NOT departed THEN 1 ELSE 0 END) AS visit_workers
ORDER BY visit_workers DESC, employer_id;
