// purpose: NETWORK_SHELL projection: pairs of employers sharing a phone or an address, and the workers who moved between them
// :param hub_limit => 8
MATCH (e1:Employer), (e2:Employer)
WHERE e1.employer_id < e2.employer_id
  AND (e1.phone = e2.phone
       OR EXISTS { MATCH (e1)-[:LOCATED_AT]->(:Address)<-[:LOCATED_AT]-(e2) }
       OR EXISTS { MATCH (e1)<-[:EMPLOYED_BY]-(:Person)-[:EMPLOYED_BY]->(e2) })
WITH e1, e2,
     CASE WHEN e1.phone = e2.phone AND COUNT { MATCH (x:Employer) WHERE x.phone = e1.phone } <= $hub_limit THEN 1 ELSE 0 END AS shared_phone,
     COUNT { MATCH (e1)-[:LOCATED_AT]->(:Address)<-[:LOCATED_AT]-(e2) } AS shared_address,
     COLLECT { MATCH (e1)<-[:EMPLOYED_BY]-(p:Person)-[:EMPLOYED_BY]->(e2) RETURN DISTINCT p.person_id } AS rotated
WHERE shared_phone + shared_address + size(rotated) > 0
RETURN e1.employer_id AS employer_a, e2.employer_id AS employer_b, shared_phone, shared_address, rotated
ORDER BY employer_a, employer_b;
