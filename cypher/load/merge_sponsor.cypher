// purpose: create or update Sponsor nodes, one per row, keyed by sponsor_id (idempotent)
// :param rows => [{key: "K1", props: {sponsor_id: "K1"}}]
UNWIND $rows AS row
MERGE (n:Sponsor {sponsor_id: row.key})
SET n += row.props;
