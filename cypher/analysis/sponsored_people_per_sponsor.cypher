// purpose: SPONSOR_FANOUT core: per sponsor, the people it guarantees, how many on visit permits, how many seen working anywhere
// :param as_of => date("2026-11-01")
// :param lookback_days => 365
// :param visit => "VISIT"
MATCH (s:Sponsor)<-[:SPONSORED_BY]-(k:Permit)<-[:HOLDS]-(p:Person)
WITH s, p, max(CASE WHEN k.permit_type = $visit THEN 1 ELSE 0 END) AS on_visit
WITH s, p, on_visit, EXISTS {
  MATCH (p)-[w:EMPLOYED_BY]->(:Employer)
  WHERE w.end_date IS NULL OR w.end_date >= $as_of - duration({days: $lookback_days})
} AS working
RETURN s.sponsor_id AS sponsor_id, s.name AS name, count(p) AS sponsored, sum(on_visit) AS visits,
       sum(CASE WHEN working THEN 1 ELSE 0 END) AS working, collect(p.person_id) AS people
ORDER BY working DESC, sponsor_id;
