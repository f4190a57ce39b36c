// purpose: link (:Person)-[:HOLDS]->(:Permit) by their keys (idempotent)
// :param rows => [{start: "A1", end: "B1"}]
UNWIND $rows AS row
MATCH (a:Person {person_id: row.start})
MATCH (b:Permit {permit_id: row.end})
MERGE (a)-[:HOLDS]->(b);
