// purpose: ADDRESS_CROWDING core: per address, residents still here (no departure since their report) and those working without a valid work or long-stay permit
// :param as_of => date("2026-11-01")
// :param lookback_days => 365
// :param visit => "VISIT"
// :param departure => "DEPARTURE"
MATCH (a:Address)<-[r:RESIDES_AT]-(p:Person)
WHERE NOT EXISTS {
  MATCH (p)-[:CROSSED]->(c:BorderCrossing)
  WHERE c.direction = $departure AND c.date >= r.reported_on
}
WITH DISTINCT a, p
WITH a, p,
     EXISTS {
       MATCH (p)-[w:EMPLOYED_BY]->(:Employer)
       WHERE w.end_date IS NULL OR w.end_date >= $as_of - duration({days: $lookback_days})
     } AS working,
     EXISTS {
       MATCH (p)-[:HOLDS]->(k:Permit)
       WHERE k.permit_type <> $visit AND k.issued_on <= $as_of AND k.expires_on >= $as_of
     } AS permitted
RETURN a.address_id AS address_id, a.line AS line, a.city AS city, count(p) AS residents,
       sum(CASE WHEN working AND NOT permitted THEN 1 ELSE 0 END) AS irregular_workers
ORDER BY irregular_workers DESC, address_id;
