// purpose: the relationships of one type between two labels whose start node is in an internal id range, as one list of rows (end keys, properties, dates as ISO text)
// :param type => "HOLDS"
// :param start_label => "Person"
// :param start_key => "person_id"
// :param end_label => "Permit"
// :param end_key => "permit_id"
// :param keys => []
// :param dates => []
// :param lo => 0
// :param hi => 1000000
MATCH (a:$($start_label))-[r:$($type)]->(b:$($end_label))
WHERE id(a) >= $lo AND id(a) < $hi
RETURN collect([a[$start_key], b[$end_key]] + [k IN $keys | r[k]] + [k IN $dates | toString(r[k])]) AS rows;
