// purpose: link (:Permit)-[:SPONSORED_BY]->(:Sponsor) by their keys (idempotent)
// :param rows => [{start: "A1", end: "B1"}]
UNWIND $rows AS row
MATCH (a:Permit {permit_id: row.start})
MATCH (b:Sponsor {sponsor_id: row.end})
MERGE (a)-[:SPONSORED_BY]->(b);
