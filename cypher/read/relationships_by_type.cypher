// purpose: every relationship of one type between two labels, with its end nodes' keys
// :param type => "HOLDS"
// :param start_label => "Person"
// :param start_key => "person_id"
// :param end_label => "Permit"
// :param end_key => "permit_id"
MATCH (a:$($start_label))-[r:$($type)]->(b:$($end_label))
RETURN a[$start_key] AS start, b[$end_key] AS end, properties(r) AS props;
