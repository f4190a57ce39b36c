// purpose: link (:Person)-[:CROSSED]->(:BorderCrossing) by their keys (idempotent)
// :param rows => [{start: "A1", end: "B1"}]
UNWIND $rows AS row
MATCH (a:Person {person_id: row.start})
MATCH (b:BorderCrossing {movement_key: row.end})
MERGE (a)-[:CROSSED]->(b);
