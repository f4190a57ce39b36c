// purpose: link (:Sponsor)-[:LOCATED_AT]->(:Address) by their keys (idempotent)
// :param rows => [{start: "A1", end: "B1"}]
UNWIND $rows AS row
MATCH (a:Sponsor {sponsor_id: row.start})
MATCH (b:Address {address_id: row.end})
MERGE (a)-[:LOCATED_AT]->(b);
