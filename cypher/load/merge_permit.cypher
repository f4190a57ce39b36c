// purpose: create or update Permit nodes, one per row, keyed by permit_id (idempotent)
// :param rows => [{key: "K1", props: {permit_id: "K1"}}]
UNWIND $rows AS row
MERGE (n:Permit {permit_id: row.key})
SET n += row.props;
