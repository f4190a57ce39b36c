// purpose: create or update Person nodes, one per row, keyed by person_id (idempotent)
// :param rows => [{key: "K1", props: {person_id: "K1"}}]
UNWIND $rows AS row
MERGE (n:Person {person_id: row.key})
SET n += row.props;
