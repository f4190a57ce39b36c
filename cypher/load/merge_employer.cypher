// purpose: create or update Employer nodes, one per row, keyed by employer_id (idempotent)
// :param rows => [{key: "K1", props: {employer_id: "K1"}}]
UNWIND $rows AS row
MERGE (n:Employer {employer_id: row.key})
SET n += row.props;
