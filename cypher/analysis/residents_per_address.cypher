// purpose: ADDRESS_CROWDING core: per address, the people reported living there over the history window and those living on visit permits at work (no work or long-stay permit in the window, seen working in it)
// :param as_of => date("2026-11-01")
// :param history_days => 1825
// :param visit => "VISIT"
MATCH (a:Address)<-[r:RESIDES_AT]-(p:Person)
WHERE r.reported_on >= $as_of - duration({days: $history_days}) AND r.reported_on <= $as_of
WITH DISTINCT a, p
WITH a, p,
     EXISTS {
       MATCH (p)-[:HOLDS]->(k:Permit)
       WHERE k.permit_type <> $visit AND k.issued_on <= $as_of AND k.expires_on >= $as_of - duration({days: $history_days})
     } AS permitted,
     EXISTS {
       MATCH (p)-[w:EMPLOYED_BY]->(:Employer)
       WHERE (w.end_date IS NULL OR w.end_date >= $as_of - duration({days: $history_days}))
         AND (w.start_date IS NULL OR w.start_date <= $as_of)
     } AS working
RETURN a.address_id AS address_id, a.line AS line, a.city AS city, count(p) AS residents,
       sum(CASE WHEN NOT permitted AND working THEN 1 ELSE 0 END) AS irregular_workers
ORDER BY irregular_workers DESC, address_id;
