// purpose: create or update Address nodes, one per row, keyed by address_id (idempotent)
// :param rows => [{key: "K1", props: {address_id: "K1"}}]
UNWIND $rows AS row
MERGE (n:Address {address_id: row.key})
SET n += row.props;
