// purpose: create or update (:Person)-[:EMPLOYED_BY]->(:Employer), one per input row, keyed by employment_key (idempotent)
// :param rows => [{start: "P1", end: "X1", key: "P1|X1", props: {employment_key: "P1|X1"}}]
UNWIND $rows AS row
MATCH (a:Person {person_id: row.start})
MATCH (b:Employer {employer_id: row.end})
MERGE (a)-[r:EMPLOYED_BY {employment_key: row.key}]->(b)
SET r += row.props;
