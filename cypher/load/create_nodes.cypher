// purpose: create nodes of one label, one per row, when the label had no node as the load began (a uniqueness violation, from a load running beside, sends the batch back to its MERGE)
// :param label => "Person"
// :param rows => [{key: "K1", props: {person_id: "K1"}}]
UNWIND $rows AS row
CREATE (n:$($label))
SET n = row.props;
