// purpose: create or update BorderCrossing nodes, one per row, keyed by movement_key (idempotent)
// :param rows => [{key: "K1", props: {movement_key: "K1"}}]
UNWIND $rows AS row
MERGE (n:BorderCrossing {movement_key: row.key})
SET n += row.props;
