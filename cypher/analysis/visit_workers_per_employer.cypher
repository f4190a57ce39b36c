// purpose: EMP_VISIT_WORKFORCE core: per employer, its current foreign workers and how many hold a visit permit as their latest permit and stayed on (visit after visit, or no departure since they started there)
// :param as_of => date("2026-11-01")
// :param lookback_days => 365
// :param history_days => 1825
// :param chain_gap_days => 30
// :param visit => "VISIT"
// :param departure => "DEPARTURE"
MATCH (e:Employer)<-[w:EMPLOYED_BY]-(p:Person)
WHERE w.end_date IS NULL OR w.end_date >= $as_of - duration({days: $lookback_days})
WITH e, p, min(w.start_date) AS started
WITH e, p, started, COLLECT {
  MATCH (p)-[:HOLDS]->(k:Permit)
  RETURN k.permit_type ORDER BY k.issued_on DESC, k.expires_on DESC, k.permit_id DESC LIMIT 1
} AS latest,
EXISTS {
  MATCH (p)-[:CROSSED]->(c:BorderCrossing)
  WHERE c.direction = $departure AND (started IS NULL OR c.date >= started)
} AS departed,
EXISTS {
  MATCH (p)-[:HOLDS]->(k1:Permit), (p)-[:HOLDS]->(k2:Permit)
  WHERE k1.permit_type = $visit AND k2.permit_type = $visit
    AND k1.expires_on >= $as_of - duration({days: $history_days}) AND k2.issued_on <= $as_of
    AND k2.issued_on > k1.issued_on AND k2.issued_on <= k1.expires_on + duration({days: $chain_gap_days})
} AS chained
RETURN e.employer_id AS employer_id, e.name AS name, count(p) AS workers,
       sum(CASE WHEN latest[0] = $visit AND (chained OR NOT departed) THEN 1 ELSE 0 END) AS visit_workers
ORDER BY visit_workers DESC, employer_id;
