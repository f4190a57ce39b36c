// purpose: NETWORK_SHELL projection: pairs of employers sharing a phone or an address few employers share, and the workers who rotated between them (consecutive stints: one at the other starting within rotation_gap_days of the day a stint ended)
// :param hub_limit => 8
// :param rotation_gap_days => 90
MATCH (e1:Employer), (e2:Employer)
WHERE e1.employer_id < e2.employer_id
  AND (e1.phone = e2.phone
       OR EXISTS { MATCH (e1)-[:LOCATED_AT]->(:Address)<-[:LOCATED_AT]-(e2) }
       OR EXISTS { MATCH (e1)<-[:EMPLOYED_BY]-(:Person)-[:EMPLOYED_BY]->(e2) })
WITH e1, e2,
     CASE WHEN e1.phone = e2.phone AND COUNT { MATCH (x:Employer) WHERE x.phone = e1.phone } <= $hub_limit THEN 1 ELSE 0 END AS shared_phone,
     COUNT {
       MATCH (e1)-[:LOCATED_AT]->(a:Address)<-[:LOCATED_AT]-(e2)
       WHERE COUNT { MATCH (a)<-[:LOCATED_AT]-(:Employer) } <= $hub_limit
     } AS shared_address,
     COLLECT {
       MATCH (e1)<-[w1:EMPLOYED_BY]-(p:Person)-[w2:EMPLOYED_BY]->(e2)
       WHERE w1.start_date IS NOT NULL AND w2.start_date IS NOT NULL
         AND ((w1.end_date IS NOT NULL AND w2.start_date >= w1.start_date
               AND w2.start_date >= w1.end_date - duration({days: $rotation_gap_days})
               AND w2.start_date <= w1.end_date + duration({days: $rotation_gap_days}))
              OR (w2.end_date IS NOT NULL AND w1.start_date >= w2.start_date
                  AND w1.start_date >= w2.end_date - duration({days: $rotation_gap_days})
                  AND w1.start_date <= w2.end_date + duration({days: $rotation_gap_days})))
       RETURN DISTINCT p.person_id
     } AS rotated
WHERE shared_phone + shared_address + size(rotated) > 0
RETURN e1.employer_id AS employer_a, e2.employer_id AS employer_b, shared_phone, shared_address, rotated
ORDER BY employer_a, employer_b;
