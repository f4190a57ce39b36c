// purpose: create or update (:Person)-[:RESIDES_AT]->(:Address), one per input row, keyed by residence_key (idempotent)
// :param rows => [{start: "P1", end: "X1", key: "P1|X1", props: {residence_key: "P1|X1"}}]
UNWIND $rows AS row
MATCH (a:Person {person_id: row.start})
MATCH (b:Address {address_id: row.end})
MERGE (a)-[r:RESIDES_AT {residence_key: row.key}]->(b)
SET r += row.props;
